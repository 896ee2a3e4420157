"""Stray punctuation pairs: "market. , Gradually" -> "market. Gradually", "clean,, build" ->
"clean, build", "etc. ." -> "etc.", "high marks; ." -> "high marks.", "introduction:." ->
"introduction:".

Chinese puts a full stop, a comma or a colon where English wants none, and MT keeps both its
own mark and the source's. A run of two or more of ``. , ; :`` (spaces allowed between) is
cut down to one mark:

* ``.`` if the run has one (a sentence ends here), else ``;``, else ``,``; a run with ``:``
  at the end of a line keeps the ``:`` (a label: "as follows:.");
* "?." and "!." lose the ``.``; "!!", "?!", "??" and "! ?" are emphasis and stay, and so does
  a full stop after them ("not??.", "know??!!.": informal text, where post-editors keep it);
* when the kept ``.`` is followed by a lower-case word ("practical. , widely used"), the
  sentence may go on and the comma be the right mark: flagged, with the comma proposed; a
  run with ``:`` inside a line is flagged too.

Left alone: emoticons (";)", ";.)"), ellipses ("...", ". . ."), the period of an
abbreviation before a comma ("etc.,",
"Co., Ltd.", "U.S.,"; only the space is deleted in "etc. , and"), "::" (code), and marks
between digits ("1.,2"). The space before the kept mark goes too ("word ,, next" ->
"word, next"), as the spacing rule would delete it.

Applied only in a document about China (the document trait ``china``: Chinese news and
official text, or a Chinese source file), where the doubled mark is the source's full stop or
comma kept beside MT's own. Elsewhere the same runs are flagged with the fix proposed: in
other MT (Russian "! ." becoming "!.", French "etc.." kept from the source) post-editors
keep the source's marks, so the change is not sure.

Measured on the 12 WMT22 zh-en system outputs (see ``docs/guide/rules.md``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from mtfix.change import Edit
from mtfix.passes.rules._forms import FULLWIDTH_FINALS, to_ascii
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, code_points, keep_clear

MARKS = ".,;:!?"
_RUN_RE = re.compile(r"[.,;:!?](?:[ \t]*[.,;:!?])+")
#: words whose period is an abbreviation's, not a sentence end ("etc.,", "Co., Ltd.")
ABBREVIATIONS = frozenset("""
etc co ltd inc corp jr sr dr mr mrs ms prof no nos vol vols vs approx dept gov univ st ave
e.g i.e al fig figs ed eds pp cf ca est min max hr hrs km kg cm mm jan feb mar apr jun jul aug
sep sept oct nov dec mon tue wed thu fri sat sun p op art sec para ch bros plc llc gmbh mt ft
rev gen col lt sgt capt cmdr adm gov rep sen pres ph phd
""".split())
_WORD_BEFORE_RE = re.compile(r"([\w.]+)\Z")


class Verdict(NamedTuple):
    """What to do with a run of marks: replace it with ``keep`` (``None``: leave the run
    alone); ``sure=False`` makes it a flag with ``keep`` proposed."""

    keep: str | None
    sure: bool = True
    why: str = ""


LEAVE = Verdict(None)


def is_abbreviation(word: str) -> bool:
    """Is ``word`` (the letters and dots before a period) an abbreviation ("etc", "U.S", "Co",
    "e.g", a single letter)? Then its period is no sentence end."""
    return "." in word or len(word) == 1 or word.lower() in ABBREVIATIONS


def judge_run(run: str, before: str, after: str) -> Verdict:
    """The verdict for a run of ASCII marks (``run``, spaces between them allowed), with
    ``before`` the text of its line before it and ``after`` the text of its line after it.
    Shared with the fullwidth rule, which maps "，" or "！" to ASCII and must not leave a pair
    this rule would cut on a second run."""
    marks = "".join(c for c in run if c in MARKS)
    if len(marks) < 2:
        return Verdict(marks)
    if set(marks) <= set("!?"):
        return LEAVE  # "!!", "?!", "! ?": emphasis
    if (marks[-1] in ":;" or ":" in marks or ";" in marks) and \
            after.lstrip(" \t")[:1] in tuple("-()[]DPp|/\\"):
        return LEAVE  # an emoticon (": - )", ";)", ";.)": cutting it would break it)
    next_word = after.lstrip(" \t\"'”’)]")[:1]
    if set(marks) == {"."}:
        if len(marks) >= 3:
            return LEAVE
        word = _word_before(before)
        if (word and is_abbreviation(word)) or (len(run) > 2 and not next_word.islower()):
            return Verdict(".", not next_word.islower(), "doubled full stop")  # "etc..", ". ."
        # "..": an informal ellipsis ("Thank you for your information..", "Windows.. if I")
        return Verdict(".", False, "two full stops: an informal ellipsis?")
    if "..." in marks or "::" in marks or (after[:1].isdigit() and before[-1:].isdigit()):
        return LEAVE  # an ellipsis ("wait...,"), code ("std::"), numbers ("1.,2")
    word = _word_before(before)
    if marks[0] == "." and word and is_abbreviation(word):
        rest = marks[1:]
        sub = judge_run(rest, before + ".", after)
        return sub if sub.keep is None else sub._replace(keep="." + sub.keep)
    bangs = marks.rstrip(".")
    if bangs and set(bangs) <= set("!?") and len(bangs) < len(marks):
        if len(bangs) > 1:
            return LEAVE  # "??." "??!!.": emphasis in informal text, the full stop its style
        return Verdict(bangs, why=f"full stop after {bangs!r}")
    if set(marks) & set("!?"):
        return Verdict("".join(c for c in marks if c in "!?"), False,
                       "punctuation pair around '?' or '!'")
    line_end = not after.strip()
    if ":" in marks:
        if line_end:
            return Verdict(":", why="label colon with another mark")
        return Verdict(":", False, "colon with another mark")
    keep = "." if "." in marks else ";" if ";" in marks else ","
    if keep == "." and next_word.islower():
        return Verdict("," if "," in marks else ";", False,
                       "full stop and comma, a lower-case word after: the sentence may go on")
    return Verdict(keep, why="two punctuation marks in a row")


def _word_before(before: str) -> str:
    m = _WORD_BEFORE_RE.search(before)
    return m.group(1).rstrip(".") if m else ""


@register_rule
class StrayPunctuationRule(BaseRule):
    id = "stray_punctuation"
    description = ("Cut runs of punctuation marks to one ('market. , Gradually' -> 'market. "
                   "Gradually', ',,' -> ','); ellipses and abbreviations stay; flag where "
                   "unsure.")
    default = True
    scope = "inline"
    line_local = True
    order = 44
    wants_traits = True

    def find(self, text: str, guard: SpanGuard, traits: frozenset[str] = frozenset()
             ) -> list[Edit]:
        edits: list[Edit] = []
        sure_here = "china" in traits
        pos = 0
        for at in _pair_starts(text):
            if at < pos:
                continue  # inside the run found last
            start = at
            while start > 0 and text[start - 1] in MARKS:  # the run may start earlier ("...,")
                start -= 1
            run = _RUN_RE.match(text, start)
            if run is None:
                continue  # a mark and three blanks or more, then no mark (see _pair_starts)
            pos = run.end()
            edit = self._edit(text, run.start(), run.end())
            if edit is not None:
                if not sure_here and not edit.flag:
                    edit = Edit(edit.start, edit.end, edit.after, edit.rule,
                                f"{edit.note}; {_NOT_CHINA}" if edit.note else _NOT_CHINA,
                                flag=True)
                edits.append(edit)
        return keep_clear(edits, guard)

    def _edit(self, text: str, start: int, end: int) -> Edit | None:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        before = text[line_start:start]
        if not before.strip():
            return None  # a line that starts with marks: a list, a table, ASCII art
        after = text[end: len(text) if line_end == -1 else line_end]
        if text[start] == ";" and _ENTITY_RE.search(before):
            return None  # the ";" ends an HTML entity ("&quot; ." in escaped text)
        if _next_to_fullwidth(before, after):
            return None  # the fullwidth rule judges the whole run ("？ .. ,")
        verdict = judge_run(text[start:end], to_ascii(before.rstrip(" \t")), to_ascii(after))
        if verdict.keep is None or verdict.keep == text[start:end]:
            return None
        # The space before the run goes too when the spacing rule would delete it before the
        # kept mark ("word ,, next"): a second run must find nothing.
        blank = len(before) - len(before.rstrip(" \t"))
        if blank and _SPACE_OK_RE.search(before[:-blank]):
            start -= blank
        return Edit(start, end, verdict.keep, self.id, verdict.why, flag=not verdict.sure)


_NOT_CHINA = ("not applied outside Chinese-English text: the doubled mark may be the source's, "
              "which post-editors keep")


_MARK_TABLE = np.zeros(128, dtype=bool)
_MARK_TABLE[[ord(c) for c in MARKS]] = True
_BLANK_TABLE = np.zeros(128, dtype=bool)
_BLANK_TABLE[[ord(" "), ord("\t")]] = True


def _pair_starts(text: str) -> list[int]:
    """Where a mark is followed by another, only spaces or tabs between (what ``_RUN_RE``
    needs), found array-wise: one pass of table look-ups over the text, then a few over the
    (sparse) marks; no per-character Python."""
    raw = code_points(text)
    if raw.dtype != np.uint8:
        raw = np.minimum(raw, 127)  # (no mark or blank above ASCII)
    marks = np.flatnonzero(_MARK_TABLE.take(raw))
    if len(marks) < 2:
        return []
    padded = np.append(raw, np.zeros(3, dtype=raw.dtype))  # (look-ahead past the end)
    found = np.zeros(len(marks), dtype=bool)
    blank = np.ones(len(marks), dtype=bool)  # only blanks so far after each mark
    for step in (1, 2, 3):
        ahead = padded[marks + step]
        found |= blank & _MARK_TABLE.take(ahead)
        blank &= _BLANK_TABLE.take(ahead)
    found |= blank  # three blanks or more: _RUN_RE decides
    return marks[found].tolist()


def _next_to_fullwidth(before: str, after: str) -> bool:
    """Is a full-width final mark (，。！ ...) next to the run, spaces between allowed?"""
    return before.rstrip(" \t")[-1:] in FULLWIDTH_FINALS or \
        after.lstrip(" \t")[:1] in FULLWIDTH_FINALS


_ENTITY_RE = re.compile(r"&#?[0-9A-Za-z]{1,10}\Z")
_SPACE_OK_RE = re.compile(r"(?:[^\W_]|[\"”’)\]）］】〕〗])\Z")  # (full-width closers become ")", "]")
