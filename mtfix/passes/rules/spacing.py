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
Pillay said. "') gets a flag instead, and "deposit( and" or "of ”air" stay as they are. A
line whose only '"' is its first or last character (and that has no curly quotes) is a
quotation going on from or into another segment, and is not flagged.
One Aho-Corasick scan finds every two-character trigger (" ,", "  ", "( ", " )", ...); each
pattern is then tried only where a trigger sits, so ordinary text costs one C-level scan.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence

import ahocorasick_rs as ac
import numpy as np

from mtfix.change import Edit, make_edit
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, code_points, keep_clear

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
# The fast paths (see SpacingRule.find). Short texts: "space before punctuation" found by
# one regex scan (_BEFORE_PUNCT_RE with its look-behind moved after the first blank, so that
# the engine tries a match only at blanks), the other kinds at their triggers. Long texts:
# numpy finds both from the code points. Both find what the trigger scan of every kind finds
# (tests/test_rules_fast_paths.py).
_OTHER_KINDS = [i for i, kind in enumerate(_KIND) if kind != _BEFORE]
_OTHER_AUTOMATON = ac.AhoCorasick([_TRIGGERS[i] for i in _OTHER_KINDS],
                                  implementation=ac.Implementation.DFA)
_BEFORE_PUNCT_SCAN_RE = re.compile(
    r"[ \t](?<=(?:[^\W_]|[\"”’)\]])[ \t])[ \t]*(?=[,;:?!.](?:[ \t\n\"”’]|\r|\Z))")
_NOTE_BEFORE = "space before punctuation"
SMALL_TEXT = 2048  # below this length (code points) the regex scan is cheaper than numpy


def _code_table(chars: str) -> np.ndarray:
    """A membership table over code points up to the largest of ``chars``; look values up
    with :func:`_member` (anything beyond the table is not a member)."""
    table = np.zeros(max(map(ord, chars)) + 2, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def _member(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    if values.dtype == np.uint8 and len(table) > 255:  # (an ASCII text: all in the table)
        return table[values]
    return table[np.minimum(values, len(table) - 1)]


_BLANK = _code_table(" \t")
_MARK = _code_table(",;:?!.")
_FOLLOW = _code_table(" \t\n\"”’\r")  # what may follow the mark (or the end of the text)
_MAYBE_EXEMPT = _code_table("?!:")
_OPENER = _code_table("([{“")
_CLOSER = _code_table(")]}”")
# the ASCII characters _BEFORE_PUNCT_RE's look-behind accepts: [^\W_] and '"', ')', ']'
_ASCII_BEFORE_OK = np.array([chr(c).isalnum() or chr(c) in '")]' for c in range(128)])


@register_rule
class SpacingRule(BaseRule):
    id = "spacing"
    description = ("Remove space before , . ; : ? !, doubled spaces inside a line, space inside "
                   "brackets and quotes; flag unbalanced \" quotes.")
    default = True
    flag_only = False
    scope = "inline"
    line_local = True
    order = 40

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        # "Space before punctuation" is nearly every fix in tokenised MT (one per ~50 bytes),
        # and a trigger scan plus a regex match per trigger cost several µs each: see the fast
        # paths above. Edits come in the order of _find_by_triggers: text order (at most one
        # edit per blank run), then the quotes' edits.
        if len(text) < SMALL_TEXT:
            edits = self._before_punctuation(text)
            triggers = _triggers(text, _OTHER_AUTOMATON, _OTHER_KINDS)
        else:
            edits, triggers = self._arrays(text)
        others = self._at_triggers(text, triggers)
        if others:
            edits = _merged(edits, others)
        if '"' in text:
            edits.extend(self._quotes(text))
        return keep_clear(edits, guard)

    def _find_by_triggers(self, text: str, guard: SpanGuard) -> list[Edit]:
        """What :meth:`find` finds, every kind at the triggers of one scan: the reference the
        fast paths are tested against."""
        edits = self._at_triggers(text, _triggers(text, _AUTOMATON, range(len(_TRIGGERS))))
        if '"' in text:
            edits.extend(self._quotes(text))
        return keep_clear(edits, guard)

    def _before_punctuation(self, text: str) -> list[Edit]:
        """The "space before punctuation" edits: each blank run that _BEFORE_PUNCT_RE matches,
        less the exemptions. Only a run before "?", "!" or ":", or before "." with a blank
        after it, can be exempt, so the others skip the checks."""
        rule = self.id
        edits = []
        for m in _BEFORE_PUNCT_SCAN_RE.finditer(text):
            start, end = m.span()
            mark = text[end]
            if mark in "?!:" or (mark == "." and text[end + 1 : end + 2] in (" ", "\t")):
                if _exempt_before_punctuation(text, start, end):
                    continue
            edits.append(make_edit(start, end, "", rule, _NOTE_BEFORE))
        return edits

    def _arrays(self, text: str) -> tuple[list[Edit], list[tuple[int, int]]]:
        """For a long text, array-wise: the "space before punctuation" edits (what
        :meth:`_before_punctuation` finds) and the (kind, start) triggers of the other kinds
        (what the trigger scan reports), both from the blanks of the text's code points."""
        cp = code_points(text)
        n = len(cp)
        blanks = np.flatnonzero((cp == 32) | (cp == 9))
        blanks = blanks[blanks + 1 < n]  # a trigger is two characters
        after = cp[blanks + 1]
        before_mark = blanks[_member(after, _MARK)]
        edits = self._before_marks(text, cp, before_mark)
        # the other kinds' triggers: "  ", a blank after an opener, a blank before a closer
        doubles = blanks[(cp[blanks] == 32) & (after == 32)]
        closes = blanks[_member(after, _CLOSER)]
        opens = blanks[blanks > 0] - 1
        opens = opens[_member(cp[opens], _OPENER)]
        starts = np.concatenate([doubles, closes, opens])
        kinds = np.concatenate([np.full(len(doubles), _DOUBLE), np.full(len(closes), _CLOSE),
                                np.full(len(opens), _OPEN)])
        order = np.argsort(starts, kind="stable")  # the scan's order (one kind per start)
        return edits, list(zip(kinds[order].tolist(), starts[order].tolist(), strict=True))

    def _before_marks(self, text: str, cp: np.ndarray, last: np.ndarray) -> list[Edit]:
        """The "space before punctuation" edits, given ``last``: the blanks followed by a mark.
        Python looks only at runs of several blanks (where do they start?), at runs after a
        non-ASCII character (is it a letter?) and at the few that may be exempt."""
        n = len(cp)
        follow = last + 2
        last = last[(follow >= n) | _member(cp[np.minimum(follow, n - 1)], _FOLLOW)]
        at = last.copy()  # where each run starts
        for i in np.flatnonzero((at > 0) & _member(cp[np.maximum(at - 1, 0)], _BLANK)).tolist():
            j = int(at[i])
            while j > 0 and text[j - 1] in " \t":
                j -= 1
            at[i] = j
        keep = at > 0  # (the look-behind needs a character)
        at, last = at[keep], last[keep]
        before = cp[at - 1]
        is_ascii = before < 128
        ok = np.zeros(len(at), dtype=bool)
        ok[is_ascii] = _ASCII_BEFORE_OK[before[is_ascii]]
        for i in np.flatnonzero(~is_ascii).tolist():
            char = text[int(at[i]) - 1]
            ok[i] = char.isalnum() or char in "”’"
        mark = cp[last + 1]
        blank_after = (last + 2 < n) & _member(cp[np.minimum(last + 2, n - 1)], _BLANK)
        starts, ends = at.tolist(), (last + 1).tolist()
        for i in np.flatnonzero(ok & (_member(mark, _MAYBE_EXEMPT)
                                      | ((mark == 46) & blank_after))).tolist():
            ok[i] = not _exempt_before_punctuation(text, starts[i], ends[i])
        rule = self.id
        return [make_edit(start, end, "", rule, _NOTE_BEFORE)
                for start, end, good in zip(starts, ends, ok.tolist(), strict=True) if good]

    def _at_triggers(self, text: str, triggers: Iterable[tuple[int, int]]) -> list[Edit]:
        """Edits found at (kind, start) triggers, in the order given: each kind's pattern is
        tried from the start of the blank run at its trigger, once per run."""
        edits: list[Edit] = []
        tried: set[tuple[int, int]] = set()
        for kind, start in triggers:
            if kind == _OPEN:
                at, pattern, note = start + 1, _OPEN_SPACE_RE, "space inside brackets or quotes"
            else:
                # The whitespace run that ends at (or contains) the trigger: a pattern can
                # only match from the run's first character (its look-behind needs a non-space).
                at = start
                while at > 0 and text[at - 1] in " \t":
                    at -= 1
                if kind == _BEFORE:
                    pattern, note = _BEFORE_PUNCT_RE, _NOTE_BEFORE
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
            if kind == _BEFORE and _exempt_before_punctuation(text, m.start(), m.end()):
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
        return edits

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
            if len(quotes) == 1 and _continued_quotation(line, quotes[0]):
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


def _continued_quotation(line: str, at: int) -> bool:
    """Is the line's one '"' (at ``at``) its first or last character (spaces aside), in a
    line with no curly quotes? Then a quotation goes on from or into another segment
    ('"We know how ...', '... our top priority. "'): MT of quoted speech cut into segments
    does that all the time, so it is no error to flag. A lone '"' inside the line, or one
    next to curly quotes ('"Hanston”'), is still flagged."""
    if "“" in line or "”" in line:
        return False
    return not line[:at].strip() or not line[at + 1:].strip()


def _merged(edits: list[Edit], others: list[Edit]) -> list[Edit]:
    """Two lists of edits in text order, as one: ``others`` (a few) put in place by bisection,
    not by sorting thousands. No two share a start (one edit per blank run at most)."""
    starts = [edit.start for edit in edits]
    out: list[Edit] = []
    done = 0
    for edit in others:
        at = bisect.bisect_right(starts, edit.start)
        out += edits[done:at]
        out.append(edit)
        done = at
    out += edits[done:]
    return out


def _triggers(text: str, automaton: ac.AhoCorasick, kinds: Sequence[int]
              ) -> Iterator[tuple[int, int]]:
    """(kind, start) of every trigger ``automaton`` finds (its pattern ``i`` is
    ``_TRIGGERS[kinds[i]]``), in text order."""
    for index, start, _end in automaton.find_matches_as_indexes(text, overlapping=True):
        yield _KIND[kinds[index]], start


def _exempt_before_punctuation(text: str, start: int, end: int) -> bool:
    """A blank run [start, end) before punctuation that is no spacing error: a ratio or time
    ("10 : 30"), an operator ("a ? b"), a mark used as a word ("the . key"), an ellipsis."""
    return (_is_number_colon(text, start, end) or _is_operator(text, start, end)
            or _is_punct_word(text, end) or _SPACED_DOTS_RE.match(text, end) is not None)


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
