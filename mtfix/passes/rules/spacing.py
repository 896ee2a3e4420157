"""Whitespace and punctuation: "word , word" -> "word, word", "a  b" -> "a b",
"( text )" -> "(text)", '" text "' -> '"text"'; an odd number of '"' in a line is flagged.

Each fix deletes only whitespace, so no word is ever touched. Conventions that are not errors
stay: two spaces after a sentence end, runs of four or more spaces (column alignment),
indentation, " ..." and spaced ". . ." ellipses, a space before ":" between numbers
("10 : 30"), a spaced "?", "!" or ":" between one-character operands ("a ? b : c", "x : y"),
a "." or "!" used as a word (spaced, a lower-case word after: "press the . key", "use ! to
negate"), emoticons (":-( means sad": their bracket is no bracket), German/Czech quotes (on a
line with "„" or "‚", "“" closes: "„Hallo“ und" keeps its space) and inch marks ('a 12" pipe':
a '"' right after a digit is no quote; where it could be either, no quote edit is made).
No space is deleted where it would glue a quote or bracket to a word on its far side: a line
whose '"' marks do not pair up (a quotation begun or ended in another segment: 'isolation,"
Pillay said. "') gets a flag instead, and "deposit( and" or "of ”air" stay as they are.
One Aho-Corasick scan finds every two-character trigger (" ,", "  ", "( ", " )", ...); each
pattern is then tried only where a trigger sits, so ordinary text costs one C-level scan.
"""

from __future__ import annotations

import re

import ahocorasick_rs as ac

from mtfix.change import Edit
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, keep_clear

_BEFORE_PUNCT_RE = re.compile(
    r"(?<=[^\W_]|[\"”’)\]])[ \t]+(?=[,;:?!.](?:[ \t\n\"”’]|\r|\Z))")
# Not next to a bracket or quote: those checks remove that space entirely.
_DOUBLE_SPACE_RE = re.compile(r"(?<=[^\s.?!:(\[{“\"])( {2,3})(?=[^\s)\]}”,;:?!.\"])")
_OPEN_SPACE_RE = re.compile(r"(?<=[(\[{“])[ \t]+(?=[^\s)\]}”])")
_CLOSE_SPACE_RE = re.compile(r"(?<=[^\s(\[{“])[ \t]+(?=[)\]}”])")
# An emoticon ending in a bracket (":-(", ":)", ";-)", ":'(", "=]"): searched in the few
# characters that end at the bracket.
_EMOTICON_END_RE = re.compile(r"[:;=]['’]?[-^]?[()\[\]{}]\Z")
_EMOTICON_AT_RE = re.compile(r"[:;=]['’]?[-^]?[()\[\]{}]")
# "." or "!" standing as a word: spaced, and a lower-case word follows (matched at the mark).
_PUNCT_WORD_RE = re.compile(r"[.!][ \t]+(?=[^\W\d_])")
_SPACED_DOTS_RE = re.compile(r"\.[ \t]+\.")

_BEFORE_PUNCT_TRIGGERS = tuple(f"{w}{p}" for w in " \t" for p in ",.;:?!")
_OPEN_TRIGGERS = tuple(f"{b}{w}" for w in " \t" for b in "([{“")
_CLOSE_TRIGGERS = tuple(f"{w}{b}" for w in " \t" for b in ")]}”")
_TRIGGERS = (*_BEFORE_PUNCT_TRIGGERS, "  ", *_OPEN_TRIGGERS, *_CLOSE_TRIGGERS)
_BEFORE, _DOUBLE, _OPEN, _CLOSE = 0, 1, 2, 3
_KIND = ([_BEFORE] * len(_BEFORE_PUNCT_TRIGGERS) + [_DOUBLE] + [_OPEN] * len(_OPEN_TRIGGERS)
         + [_CLOSE] * len(_CLOSE_TRIGGERS))
_AUTOMATON = ac.AhoCorasick(list(_TRIGGERS), implementation=ac.Implementation.DFA)


@register_rule
class SpacingRule(BaseRule):
    id = "spacing"
    description = ("Remove space before , . ; : ? !, doubled spaces inside a line, space inside "
                   "brackets and quotes; flag unbalanced \" quotes.")
    default = True
    flag_only = False
    scope = "inline"
    order = 40

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        edits: list[Edit] = []
        tried: set[tuple[int, int]] = set()
        for index, start, _end in _AUTOMATON.find_matches_as_indexes(text, overlapping=True):
            kind = _KIND[index]
            if kind == _OPEN:
                at, pattern, note = start + 1, _OPEN_SPACE_RE, "space inside brackets or quotes"
            else:
                # The whitespace run that ends at (or contains) the trigger: a pattern can
                # only match from the run's first character (its look-behind needs a non-space).
                at = start
                while at > 0 and text[at - 1] in " \t":
                    at -= 1
                if kind == _BEFORE:
                    pattern, note = _BEFORE_PUNCT_RE, "space before punctuation"
                elif kind == _DOUBLE:
                    pattern, note = _DOUBLE_SPACE_RE, "doubled space"
                else:
                    pattern, note = _CLOSE_SPACE_RE, "space inside brackets or quotes"
            if (kind, at) in tried:
                continue
            tried.add((kind, at))
            m = pattern.match(text, at)
            if m is None:
                continue
            if kind == _BEFORE and (_is_number_colon(text, m.start(), m.end())
                                    or _is_operator(text, m.start(), m.end())
                                    or _is_punct_word(text, m.end())
                                    or _SPACED_DOTS_RE.match(text, m.end()) is not None):
                continue
            if kind == _OPEN and (_ends_emoticon(text, start)
                                  or _EMOTICON_AT_RE.match(text, m.end()) is not None
                                  or (text[start] == "“" and _uses_low_quotes(text, start))):
                continue
            if kind == _CLOSE and _ends_emoticon(text, m.start() - 1):
                continue
            if kind in (_OPEN, _CLOSE) and _would_glue(text, kind, m.start(), m.end()):
                continue
            # A doubled space loses its extra spaces (a deletion, not "  " -> " "): a
            # deletion may sit next to the point where an earlier pass deleted a word ("He
            # basically went" -> "He  went"), a replacement across that point may not.
            start = m.start() + 1 if kind == _DOUBLE else m.start()
            edits.append(Edit(start, m.end(), "", self.id, note))
        if '"' in text:
            edits.extend(self._quotes(text))
        return keep_clear(edits, guard)

    def _quotes(self, text: str) -> list[Edit]:
        edits: list[Edit] = []
        done_lines: set[int] = set()
        pos = text.find('"')
        while pos != -1:
            line_start = text.rfind("\n", 0, pos) + 1
            line_end = text.find("\n", pos)
            if line_end == -1:
                line_end = len(text)
            if line_start not in done_lines:
                done_lines.add(line_start)
                edits.extend(self._quotes_in_line(text, line_start, line_end))
            pos = text.find('"', line_end)
        return edits

    def _quotes_in_line(self, text: str, start: int, end: int) -> list[Edit]:
        line = text[start:end]
        marks = [i for i, char in enumerate(line) if char == '"']
        # A '"' right after a digit is an inch or second mark ('a 12" pipe', "5' 10\""), not
        # a quote. Where the line balances only with it counted, it may close a quote after
        # a number ('"Chapter 2"'): then which marks pair is unknown, so no quote edit.
        quotes = [i for i in marks if not (i and line[i - 1].isdecimal())]
        units = len(marks) - len(quotes)
        if len(quotes) % 2:
            if units and len(marks) % 2 == 0:
                return []
            last = start + quotes[-1]
            unit_note = f" (not counting {units} after a digit)" if units else ""
            return [Edit(last, last + 1, None, self.id,
                         f'unbalanced quotes: {len(quotes)} " in this line{unit_note}',
                         flag=True)]
        if units and len(marks) % 2 == 0:
            return []
        edits = []
        pairs = list(zip(quotes[::2], quotes[1::2], strict=True))
        for open_at, close_at in pairs:
            inner = line[open_at + 1 : close_at]
            if not inner.strip():
                continue
            lead = len(inner) - len(inner.lstrip(" \t"))
            trail = len(inner) - len(inner.rstrip(" \t"))
            base = start + open_at + 1
            if lead:
                edits.append(Edit(base, base + lead, "", self.id, "space inside quotes"))
            if trail:
                edits.append(Edit(base + len(inner) - trail, base + len(inner), "", self.id,
                                  "space inside quotes"))
        if edits and any(_pairs_across_segments(line, o, c) for o, c in pairs):
            last = start + quotes[-1]
            return [Edit(last, last + 1, None, self.id,
                         f'quotes do not pair up in this line ({len(quotes)} "): a quotation '
                         "may begin or end in another segment; check the spaces by hand",
                         flag=True)]
        return edits


def _would_glue(text: str, kind: int, start: int, end: int) -> bool:
    """Would deleting the space [start, end) inside a bracket or curly quote glue the mark to
    the word on its other side ("deposit( and" -> "deposit(and", "a set of ”air" -> "of”air",
    "the“ water" -> "the“water")? Then the mark stands on the wrong side of its space (MT used
    a closing mark to open, or the reverse), and deleting the space makes the text worse:
    leave it."""
    outer = start - 2 if kind == _OPEN else end + 1  # the character beyond the mark
    return 0 <= outer < len(text) and text[outer].isalnum()


# What may stand right before an opening " and right after a closing one (full-width forms
# too: the fullwidth rule maps them, and a second run must decide the same).
_OPENS_AFTER = frozenset(" \t([{<‘'“/-–—:（［【〔〖：")  # (a colon: 'said:" We')
_CLOSES_BEFORE = frozenset(" \t)]}>’'”/-–—.,;:!?…）］】〕〗，。；：！？、")


def _pairs_across_segments(line: str, open_at: int, close_at: int) -> bool:
    """Do the '"' at ``open_at`` and ``close_at`` look like no pair: the "opening" one follows
    a word or a sentence end ('isolation," Pillay said. "'), or the "closing" one is followed
    by a word ('after" Alien Anecdotes"series')? MT segments often begin or end inside a
    quotation, so a line's marks can pair up wrongly; deleting the spaces "inside" such a pair
    glues quotes to words ('in"Kite,"'If'). Asked only of a line with a space to delete."""
    if open_at > 0 and line[open_at - 1] not in _OPENS_AFTER:
        return True
    return close_at + 1 < len(line) and line[close_at + 1] not in _CLOSES_BEFORE


def _ends_emoticon(text: str, at: int) -> bool:
    """Whether the bracket at ``at`` ends an emoticon (":-(", ";)"): then it is no bracket,
    and the space next to it is not "space inside brackets"."""
    return at >= 1 and _EMOTICON_END_RE.search(text, max(0, at - 3), at + 1) is not None


def _uses_low_quotes(text: str, at: int) -> bool:
    """Whether the line holding ``at`` uses German/Czech quotes („ … “ or ‚ … ‘): there "“"
    closes a quote, and the space after it separates words."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    return "„" in line or "‚" in line


def _is_punct_word(text: str, at: int) -> bool:
    """A spaced "." or "!" with a lower-case word after it is named, not used ("press the .
    key", "use ! to negate"): leave it. Tokenised MT puts a capital (a new sentence) after a
    spaced sentence end, and commas are never exempt."""
    m = _PUNCT_WORD_RE.match(text, at)
    return m is not None and text[m.end()].islower()


def _is_operator(text: str, start: int, at: int) -> bool:
    """A spaced "?", "!" or ":" between one-character operands ("a ? b : c", "x : int") is an
    operator or a notation, not an MT spacing error: leave it. After a word ("young man : the
    horse", "really ?") it is punctuation."""
    if text[at : at + 1] not in ("?", "!", ":"):
        return False
    return _ONE_CHAR_BEFORE_RE.search(text, max(0, start - 2), start) is not None and \
        _ONE_CHAR_AFTER_RE.match(text, at + 1) is not None


_ONE_CHAR_BEFORE_RE = re.compile(r"(?<!\w)\w\Z")  # searched in text[start - 2:start]
_ONE_CHAR_AFTER_RE = re.compile(r"[ \t]\w(?!\w)")


def _is_number_colon(text: str, start: int, end: int) -> bool:
    """A space before ':' between numbers ("10 : 30", "2 : 1") is a ratio or a time: leave it."""
    if text[end : end + 1] != ":":
        return False
    return text[start - 1 : start].isdigit() and text[end + 1 : end + 3].strip()[:1].isdigit()
