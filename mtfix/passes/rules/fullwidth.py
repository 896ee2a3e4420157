"""Full-width punctuation in English text: "Source：Xinhua" -> "Source: Xinhua", "industries，the
catalogue" -> "industries, the catalogue", "the body（especially the brain）." -> "the body
(especially the brain).", "【Edit: Zhou Lu】" -> "[Edit: Zhou Lu]", "road? ？" -> "road?".

Chinese text uses full-width forms of ASCII punctuation, and MT often leaves them in the
English. Where the surroundings are English (a Latin letter or digit within four characters
on both sides, skipping spaces and punctuation; the end of the line counts for a closing or
final mark, its start for an opening one), the mark is replaced by its ASCII form:

* the full-width forms U+FF01 to U+FF5E but ＂ and ＇ (，：；！？（）［］｛｝＃％＆＊＋－／＜＝＞＠＼
  ＾＿｀｜～, full-width digits and letters) by the ASCII character they are the full-width form
  of; ￥ ￡ ￠ by ¥ £ ¢;
* 。 by ".", 、 (the enumeration comma) by ","; 【】〔〕〖〗 by "[" and "]";
* spaces follow English usage: none before , . ; : ! ? or a closing bracket, none inside
  brackets, one after a comma, colon, semicolon, full stop, "!" or "?" and after a closing
  bracket when a letter follows, one before an opening bracket after a word
  ("body（especially" -> "body (especially"); none after a colon or full stop between
  digits ("18：40", "3．5").

A mark next to ASCII punctuation is judged with the ``stray_punctuation`` rule's policy on the
mapped pair: a repeated mark goes ("road? ？" -> "road?", "reviews.，" -> "reviews."), "! ？"
becomes "!?", and a pair that rule would only flag is flagged here too.

Flagged, with the ASCII form proposed: a mark whose surroundings are not English, a comma
between digits ("1，000": a thousands separator or a list?), the full-width quotes ＂ and ＇
(opening or closing? an apostrophe?), and the Chinese title and quote marks 《》〈〉「」『』
(a title, a quotation or a term: the reviewer chooses quotes or italics; '"' is proposed).
Left alone: curly quotes “ ” ‘ ’ (ordinary English typography), the middle dot ·, the
ideographic space, and marks inside a run of Chinese text (the ``cjk`` rule flags them).
"""

from __future__ import annotations

import re

from mtfix.change import Edit
from mtfix.passes.rules._forms import ASCII_FORM, FLAG_ONLY, FULLWIDTH_FINALS, to_ascii
from mtfix.passes.rules._scan import cjk_positions, line_spans
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.cjk import cjk_runs
from mtfix.passes.rules.common import SpanGuard, keep_clear
from mtfix.passes.rules.stray_punctuation import LEAVE, MARKS, judge_run

OPENERS = frozenset("（［｛【〔〖")
CLOSERS = frozenset("）］｝】〕〗")
FINALS = FULLWIDTH_FINALS
#: how far (in characters other than spaces and punctuation) English must be
NEAR = 4
_TRIGGER_RE = re.compile("[" + re.escape("".join(ASCII_FORM) + "".join(FLAG_ONLY)) + "]+")
_LATIN_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_SKIPPED = frozenset(" \t\"'“”‘’()[]{}<>#*-_/.,;:!?…·" + "".join(ASCII_FORM) + "".join(FLAG_ONLY))


def _english_near(text: str, at: int, step: int, lo: int, hi: int, edge_ok: bool) -> bool:
    """Is there a Latin letter or digit within ``NEAR`` characters of ``at`` going in
    direction ``step`` (spaces and punctuation skipped, not counted), inside the line
    [lo, hi)? Reaching the line's end counts when ``edge_ok``; a Han character never."""
    seen, i = 0, at
    while lo <= i < hi:
        char = text[i]
        if _LATIN_RE.match(char):
            return True
        if char not in _SKIPPED:
            seen += 1
            if seen >= NEAR:
                return False
        i += step
    return edge_ok


@register_rule
class FullwidthRule(BaseRule):
    id = "fullwidth"
    description = ("Replace full-width punctuation in English text by its ASCII form "
                   "('Source：' -> 'Source: ', '（…）' -> ' (…)', '【Edit】' -> '[Edit]'); flag "
                   "where the surroundings are not English, and 《》「」.")
    default = True
    scope = "inline"
    line_local = True
    order = 45
    # Whether the stray_punctuation rule applies its cuts (only in a document about China)
    # decides which spaces after a closing bracket this rule takes (``_blanks_to_take``).
    wants_traits = True

    def find(self, text: str, guard: SpanGuard, traits: frozenset[str] = frozenset()
             ) -> list[Edit]:
        runs_cut = "china" in traits
        edits: list[Edit] = []
        done = 0  # where the last edit ended: a run of marks is judged once
        for lo, hi in line_spans(text, cjk_positions(text).tolist()):
            runs: list[tuple[int, int]] | None = None
            for m in _TRIGGER_RE.finditer(text, lo, hi):
                if runs is None:
                    runs = cjk_runs(text, lo, hi)
                for start, end in self._pieces(text, m.start(), m.end()):
                    if start < done or any(s <= start < e for s, e in runs):
                        continue  # (in Chinese text the cjk rule flags the whole run)
                    edit = self._edit(text, start, end, done, runs_cut)
                    if edit is not None:
                        edits.append(edit)
                        if not edit.flag:  # (a flag changes nothing: it blocks no change)
                            done = max(end, edit.end)
        return keep_clear(edits, guard)

    @staticmethod
    def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
        """A run of full-width characters in pieces: final marks with the ASCII marks and
        spaces around them (judged together), brackets and other marks one by one, letters
        and digits as one piece."""
        pieces = []
        i = start
        while i < end:
            j = i + 1
            if text[i] in FINALS:
                while j < end and text[j] in FINALS:
                    j += 1
            elif text[i] not in OPENERS and text[i] not in CLOSERS and \
                    text[i] not in FLAG_ONLY and ASCII_FORM[text[i]].isalnum():
                while j < end and ASCII_FORM.get(text[j], "").isalnum():
                    j += 1
            pieces.append((i, j))
            i = j
        return pieces

    def _edit(self, text: str, start: int, end: int, done: int = 0, runs_cut: bool = False
              ) -> Edit | None:
        """The edit for the piece [start, end); none of it may reach back before ``done``
        (where the previous edit ended); ``runs_cut``: see :func:`_blanks_to_take`."""
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        hi = len(text) if hi == -1 else hi
        first = text[start]
        if first in FLAG_ONLY:
            return Edit(start, end, FLAG_ONLY[first], self.id,
                        "Chinese title or quote mark: use quotes or italics", flag=True)
        english = _english_near(text, start - 1, -1, lo, hi, first in OPENERS) and \
            _english_near(text, end, 1, lo, hi, first in CLOSERS or first in FINALS)
        if first in FINALS:
            return self._finals(text, start, end, lo, hi, english, max(lo, done))
        after = to_ascii(text[start:end])
        if first in OPENERS:
            if start > lo and _space_before_opener(text, start, lo):
                after = " " + after
            end = _skip_blanks(text, end, hi)
        elif first in CLOSERS:
            start = _back_blanks(text, start, max(lo, done))
            # (before a full-width opener, the opener's own edit adds the space)
            if end < hi and (text[end].isalnum() or text[end] in "([{"):
                after += " "
            if _blanks_to_take(text, end, hi, runs_cut):  # "） ." -> ")." now
                end = _skip_blanks(text, end, hi)
        note = "full-width punctuation in English text"
        return Edit(start, end, after, self.id, note, flag=not english)

    def _finals(self, text: str, start: int, end: int, lo: int, hi: int,
                english: bool, floor: int) -> Edit | None:
        """, . ; : ! ? (full-width, maybe with ASCII marks around): judged as one run, which
        does not reach back before ``floor`` (the end of the previous edit)."""
        run_start, run_end = start, end
        while run_start > floor and _in_run(text[run_start - 1]):
            run_start -= 1
        run_start = _skip_blanks(text, run_start, start)  # the run starts at a mark
        while run_end < hi and _in_run(text[run_end]):
            run_end += 1
        run_end = _back_blanks(text, run_end, end)  # ... and ends at one
        run = to_ascii(text[run_start:run_end])
        marks = "".join(c for c in run if not c.isspace())
        before = text[lo:run_start].rstrip(" \t")
        verdict = judge_run(run, to_ascii(before), to_ascii(text[run_end:hi]))
        sure = english and verdict.sure
        keep = verdict.keep if verdict is not LEAVE else marks
        if before:
            run_start = _back_blanks(text, run_start, floor)  # no space before the marks
        nxt = text[run_end:run_end + 1]
        if nxt and (nxt.isalpha() or nxt in "([{"):  # (a full-width opener adds its own)
            keep += " "
        elif nxt.isdigit():
            prev = before[-1:]
            if keep in (":", ".") and prev.isdigit():
                pass  # a time or a decimal: "18：40" -> "18:40"
            elif keep == "," and prev.isdigit():
                sure = False  # "1，000": a thousands separator, or a list of numbers?
            else:
                keep += " "
        note = "full-width punctuation in English text"
        if verdict.why and len(marks) > 1:
            note += f" ({verdict.why})"
        return Edit(run_start, run_end, keep, self.id, note, flag=not sure)


def _space_before_opener(text: str, at: int, lo: int) -> bool:
    """Does the opening bracket at ``at`` need a space before it ("body（especially" ->
    "body (especially")? Not after a space or another opening mark, nor after an ASCII mark
    with spaces before it ("word !【"): the spacing rule would then delete those spaces on a
    second run."""
    prev = text[at - 1]
    if prev.isspace() or prev in "([{“‘\"'" or prev in OPENERS:
        return False
    if prev in MARKS:
        return not (at - 2 >= lo and text[at - 2] in " \t")
    return True


def _blanks_to_take(text: str, at: int, hi: int, runs_cut: bool) -> bool:
    """Are the spaces at ``at`` (after a closing bracket the rule maps) ones the spacing rule
    would delete once the bracket is ASCII ("） ." -> ")."), and not ones the
    stray_punctuation rule takes with a run of marks it cuts ("） . ," -> ").")? That rule
    cuts only where ``runs_cut`` (a document about China); elsewhere it flags the run and the
    spaces are this rule's to take, or a second run would delete them."""
    if _BLANKS_BEFORE_MARK_RE.match(text, at) is None:
        return False
    marks_at = _skip_blanks(text, at, hi)
    run = _MARK_RUN_RE.match(text, marks_at)
    assert run is not None
    if len(run.group().replace(" ", "").replace("\t", "")) < 2 or not runs_cut:
        return True
    verdict = judge_run(run.group(), ")", to_ascii(text[run.end():hi]))
    return verdict.keep is None or not verdict.sure or verdict.keep == run.group()


def _in_run(char: str) -> bool:
    """May ``char`` be part of a run of final marks (ASCII or full-width, spaces between)?"""
    return char in MARKS or char in FINALS or char in " \t"


# Spaces before an ASCII mark that the spacing rule deletes once the mark before them is
# an ASCII bracket (") ." -> ").").
_BLANKS_BEFORE_MARK_RE = re.compile(r"[ \t]+(?=[,;:?!.](?:[ \t\n\"”’]|\r|\Z))")
_MARK_RUN_RE = re.compile(r"[,;:?!.](?:[ \t]*[,;:?!.])*")


def _skip_blanks(text: str, at: int, limit: int) -> int:
    while at < limit and text[at] in " \t":
        at += 1
    return at


def _back_blanks(text: str, at: int, limit: int) -> int:
    while at > limit and text[at - 1] in " \t":
        at -= 1
    return at
