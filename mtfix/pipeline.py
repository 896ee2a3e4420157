"""Run passes over text and turn their edits into change records.

Each pass sees the text as the earlier passes left it; what earlier passes wrote is protected
from later ones, and every edit is mapped back to offsets in the ORIGINAL text, so that
``apply_changes(original, result.changes) == result.text`` always holds.

Large texts are processed in paragraph-aligned chunks (about 1 MiB), which bounds memory and
lets files stream; offsets and line numbers stay document-level. A line too long for that (no
line break near a cut) is cut at a sentence end where no rule looks across (see
``_safe_sentence_cut``).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mtfix.change import (
    START_END,
    Change,
    Edit,
    LineIndex,
    OffsetMap,
    SpanSet,
    apply_edits,
    select_non_overlapping,
    text_hash,
)
from mtfix.passes.base import Pass, Span

CHUNK_SIZE = 1 << 20
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True)
class Result:
    """The outcome for one text: the fixed text and every change and flag, in text order."""

    text: str
    changes: tuple[Change, ...]
    original: str = field(repr=False, default="")
    doc: str = "<text>"

    @property
    def applied(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.is_flag)

    @property
    def flags(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.is_flag)

    def counts_by_pass(self) -> Counter[str]:
        return Counter(c.pass_ for c in self.applied)


class Pipeline:
    """An ordered list of passes (glossary, rules, model...)."""

    def __init__(self, passes: Sequence[Pass]) -> None:
        self.passes = list(passes)

    def fix_segment(self, text: str, *, doc: str, segment: str | None = None,
                    protected: Sequence[Span] = (), offset: int = 0,
                    lines: LineIndex | None = None, base: str | None = None,
                    ) -> tuple[str, list[Change]]:
        """Run every pass over ``text``. Offsets in the changes are ``offset`` + position in
        ``text``; ``lines`` gives line numbers (document-level) for those offsets."""
        if base is None:
            base = text_hash(text)
        lines = lines or LineIndex(text)
        current = text
        maps: list[OffsetMap] = []  # one per pass that changed the text, oldest first
        guarded = list(protected)
        # What no pass may touch at all (placeholders, markup: the format's protected spans);
        # text written by earlier passes is guarded too, but a later deletion may absorb it.
        untouchable = list(protected)
        flagged: list[Span] = []  # spans flagged by earlier passes, in `current` coordinates
        changes: list[Change] = []
        last_step = len(self.passes) - 1
        for step_number, step in enumerate(self.passes):
            # A pass that declares ``wants_flags = True`` (the model pass, to pick what to
            # rewrite) also gets the earlier passes' flag spans; others keep the 2-arg call.
            guard_set = SpanSet(guarded)  # indexed: overlap checks stay O(log n) per edit
            # what a deletion may never hold, for passes that ask (SpanGuard.may_delete_over)
            guard_set.untouchable = hard = SpanSet(untouchable)  # type: ignore[attr-defined]
            extra: dict = {}
            if getattr(step, "wants_flags", False):
                extra["flags"] = list(flagged)
            if getattr(step, "wants_segment", False):  # e.g. replaying reviewed changes
                extra["segment"] = segment
            found = step.find_edits(current, guard_set, **extra)
            if not found:
                continue
            edits, absorbing = _admissible(found, guard_set, hard, current) if guarded \
                else (found, set())
            edits = select_non_overlapping(edits, step.rule_order())
            flagged.extend((e.start, e.end) for e in edits if e.flag or e.after is None)
            if maps:  # back to offsets into the original text
                spans = []
                for edit in edits:
                    start, end = edit.start, edit.end
                    for m in reversed(maps):
                        start = m.to_before(start, side="start")
                        end = m.to_before(end, side="end")
                    spans.append((start, end))
            else:
                spans = [(e.start, e.end) for e in edits]
            starts = [offset + start for start, _end in spans]
            # ``lines`` needs only ``line_of``; LineIndex and _ShiftedLines batch it
            line_numbers = (lines.lines_of(starts) if hasattr(lines, "lines_of")
                            else [lines.line_of(start) for start in starts])
            pass_name = step.name
            if absorbing:
                changes = _without_absorbed(changes, [
                    (offset + start, offset + end) for edit, (start, end) in zip(edits, spans,
                                                                                strict=True)
                    if id(edit) in absorbing])
            for edit, (start, end), line in zip(edits, spans, line_numbers, strict=True):
                before = text[start:end]
                if edit.flag or edit.after is None:
                    after, proposal = before, edit.after if edit.after != before else None
                else:
                    after, proposal = edit.after, None
                    if after == before:
                        continue
                # positional, in Change's field order (thousands per run: keywords cost more)
                changes.append(Change(doc, offset + start, offset + end, line, before, after,
                                      pass_name, edit.rule, edit.note, segment, edit.score,
                                      base, proposal))
            applied = [e for e in edits if not e.flag and e.after is not None]
            if applied and step_number == last_step:
                current = apply_edits(current, applied)  # no later pass: no map, no guards
            elif applied:
                step_map = OffsetMap(applied)
                guarded = [(step_map.to_after(s), step_map.to_after(e)) for s, e in guarded]
                untouchable = [(step_map.to_after(s), step_map.to_after(e))
                               for s, e in untouchable]
                flagged = [(step_map.to_after(s), step_map.to_after(e)) for s, e in flagged]
                guarded.extend(step_map.protected_spans())
                current = apply_edits(current, applied)
                maps.append(step_map)
        changes.sort(key=START_END)
        return current, changes

    def fix_text(self, text: str, *, doc: str = "<text>") -> Result:
        """Fix a whole plain-text document (offsets are document-level, ``segment`` is null)."""
        pieces: list[str] = []
        changes: list[Change] = []
        for out, chunk_changes in self.iter_fix(chunk_text(text), doc=doc, base=text_hash(text)):
            pieces.append(out)
            changes.extend(chunk_changes)
        return Result("".join(pieces), tuple(changes), text, doc)

    def iter_fix(self, chunks: Iterable[str], *, doc: str, base: str,
                 ) -> Iterator[tuple[str, list[Change]]]:
        """Fix a document given as consecutive chunks (for streaming large files)."""
        offset = 0
        line = 1
        for chunk in chunks:
            lines = LineIndex(chunk)
            shifted = _ShiftedLines(lines, offset, line)
            out, chunk_changes = self.fix_segment(chunk, doc=doc, offset=offset,
                                                  lines=shifted, base=base)  # type: ignore[arg-type]
            yield out, chunk_changes
            offset += len(chunk)
            line += lines.line_count - 1


def _admissible(found: list[Edit], guarded: SpanSet, hard: SpanSet, current: str
                ) -> tuple[list[Edit], set[int]]:
    """The edits a pass may make next to protected text, and the ids of the deletions among
    them that absorb earlier passes' changes.

    A flag changes nothing, so it may cover protected text (e.g. a rejected rewrite of a
    sentence that holds a glossary fix); an applied edit may not, except a deletion that holds
    whole spans earlier passes wrote ("the principal official" x4, each copy a glossary fix,
    collapsed by the repetition rule): it absorbs those changes, or a second run would
    collapse what this one left. Nothing may touch ``hard`` spans (placeholders, markup).
    """
    edits: list[Edit] = []
    absorbing: set[int] = set()
    for e in found:
        if e.flag or e.after is None or not guarded.overlaps(e.start, e.end):
            edits.append(e)
        elif e.after != "" or guarded.straddles(e.start, e.end) or hard.overlaps(e.start, e.end):
            continue
        elif not guarded.covers_range(e.start, e.end):
            # Only earlier deletions' points inside ("Dept  Hit rate:  ," after "Hit rate:"
            # went): cut there, so each part maps to the original text beside, not over, what
            # the earlier pass deleted.
            cuts = [e.start, *guarded.points_inside(e.start, e.end), e.end]
            edits.extend(Edit(a, b, "", e.rule, e.note, e.score)
                         for a, b in itertools.pairwise(cuts) if b > a)
        elif current[e.start:e.end].strip():  # (whitespace never absorbs)
            edits.append(e)
            absorbing.add(id(e))
    return edits, absorbing


def _without_absorbed(changes: list[Change], deletions: list[Span]) -> list[Change]:
    """``changes`` less those lying wholly inside one of ``deletions`` (original offsets): a
    later deletion removed the text they wrote, and its record covers their original text."""
    def inside(change: Change) -> bool:
        for start, end in deletions:
            if start <= change.start and change.end <= end and (
                    change.start < change.end or start < change.start < end):
                return True
        return False

    return [c for c in changes if not inside(c)]


class _ShiftedLines:
    """Line numbers of a chunk that starts at document offset ``offset`` on line ``line``."""

    def __init__(self, lines: LineIndex, offset: int, line: int) -> None:
        self._lines, self._offset, self._line = lines, offset, line

    def line_of(self, offset: int) -> int:
        return self._lines.line_of(offset - self._offset) + self._line - 1

    def lines_of(self, offsets: Sequence[int]) -> list[int]:
        shift, first = self._offset, self._line - 1
        return [line + first for line in self._lines.lines_of([o - shift for o in offsets])]


def chunk_text(text: str, size: int = CHUNK_SIZE) -> Iterator[str]:
    """Split ``text`` into consecutive chunks of about ``size`` code points, each ending at a
    paragraph break (or, failing that, a line break; in a line longer than the chunk, a safe
    sentence end: ``_cut_in_line``) so that no match is cut in two."""
    n = len(text)
    start = 0
    while n - start > size:
        cut = _cut_point(text, start + size, start)
        yield text[start:cut]
        start = cut
    if start < n or n == 0:
        yield text[start:]


def _cut_point(text: str, target: int, floor: int) -> int:
    window_start = max(floor + 1, target - (1 << 16))
    window_end = min(len(text), target + (1 << 16))
    found = None
    for m in _PARAGRAPH_BREAK_RE.finditer(text, window_start, window_end):
        if _repeats_across(text, m.end(), window_start, window_end):
            continue  # a line and its copy must be in one chunk (duplicate_lines sees both)
        found = m.end()
        if found >= target:
            break
    if found is not None:
        return found
    newline = text.rfind("\n", floor + 1, target)
    if newline != -1:
        return newline + 1
    newline = text.find("\n", target, window_end)
    if newline != -1:
        return newline + 1
    # A line longer than the chunk: cut it at a sentence end rather than hold it whole (a
    # 200 MB line of running text used to be one chunk: minutes and gigabytes).
    return _cut_in_line(text, target, floor, window_end)


#: The most characters mtfix holds as one piece of a line that it cannot cut at a sentence end
#: (text and markdown), and the longest line the one-segment-per-line formats (lines, JSON
#: Lines) take: beyond it memory and time grow without bound, so the file is refused.
LONG_LINE_LIMIT = 1 << 23

# "...two words. Next": a full stop, ! or ? after two lower-case letters (not "Mr.", "U.S.",
# "e.g.", "No. 5"), one space, a capital; the cut goes before the capital.
_SENTENCE_CUT_RE = re.compile(r"[a-z]{2}[.!?] (?=[A-Z])")
_SENTENCE_END_RE = re.compile(r"\w[.!?]+[\"'”’)\]]*[ \t]+\w")


class LongLineError(ValueError):
    """A line longer than :data:`LONG_LINE_LIMIT` characters with no place to cut it."""


def _cut_in_line(text: str, target: int, floor: int, hi: int) -> int:
    """Where to cut a chunk inside a line that has no line break in text[floor + 1:hi]: the
    safe sentence end (:func:`_safe_sentence_cut`) nearest before ``target``, else the first
    after it before ``hi``. A line with none is cut at its next line break, as before, up to
    :data:`LONG_LINE_LIMIT` characters from ``floor``; past that :class:`LongLineError`.
    Only text[floor:hi] is read for a sentence end, so a streamed file is cut like the whole
    text; the fallback reads on to the limit (a stream reads on when the result is its end)."""
    # (the lookahead needs the capital inside endpos: target + 1 finds cuts up to target)
    before = [m.end() for m in _SENTENCE_CUT_RE.finditer(text, floor + 1, min(hi, target + 1))]
    after = (m.end() for m in _SENTENCE_CUT_RE.finditer(text, max(floor + 1, target - 3), hi))
    for cut in itertools.chain(reversed(before), (c for c in after if c > target)):
        if _safe_sentence_cut(text, cut, floor, hi):
            return cut
    limit = floor + LONG_LINE_LIMIT
    newline = text.find("\n", target, limit)
    if newline != -1:
        return newline + 1
    if len(text) <= limit:
        return len(text)
    raise LongLineError(
        f"a line runs on for more than {LONG_LINE_LIMIT:,} characters without a line break "
        "or a sentence end where mtfix may cut it (a full stop, ! or ? after a word, one "
        "space, a capital); break the line into shorter ones first (e.g. `fold -s -w 2000`)")


def _safe_sentence_cut(text: str, cut: int, floor: int, hi: int) -> bool:
    """Is ``cut`` (after "word. " before a capital, see ``_cut_in_line``) a place where
    fixing the two pieces of the line gives what fixing the whole line gives?

    * the words on either side differ, and another sentence ends before it in the piece and
      after it before ``hi``: the repetition rule never crosses a sentence end, and a loop
      that fills a sentence still has other words on its line ("other words" decide whether a
      loop is collapsed or only flagged), so no loop is cut or judged differently;
    * the piece before it holds an even number of '"' and backticks and no unclosed "<": the
      spacing rule pairs quotes line by line, and markdown code spans and HTML tags stay whole.

    The glossary's ``context`` words (same line) and fuzzy phrases that run across a sentence
    end are judged per piece of such a line; ordinary text has neither. A line that starts
    indented (markdown code) is never cut: its pieces would not start indented."""
    if text.startswith(("    ", "\t"), floor):
        return False
    mark = cut - 2
    start = mark
    while start > floor and text[start - 1].isalpha():
        start -= 1
    end = cut
    while end < hi and text[end].isalpha():
        end += 1
    if text[start:mark].lower() == text[cut:end].lower():
        return False
    if _SENTENCE_END_RE.search(text, floor, start) is None or \
            _SENTENCE_END_RE.search(text, end, hi) is None:
        return False
    if text.count('"', floor, cut) % 2 or text.count("`", floor, cut) % 2:
        return False
    return text.rfind("<", floor, cut) <= text.rfind(">", floor, cut)


def _repeats_across(text: str, cut: int, lo: int, hi: int) -> bool:
    """Is the first line with text after ``cut`` the same as one of the three lines with text
    before it? Only text[lo:hi] is read, so a streamed file is cut where the whole text is."""
    line_end = text.find("\n", cut, hi)
    while line_end != -1 and not text[cut:line_end].strip():
        cut, line_end = line_end + 1, text.find("\n", line_end + 1, hi)
    if line_end == -1:
        return False
    first = text[cut:line_end].strip()
    end, seen = cut, 0
    while seen < 3:
        start = text.rfind("\n", lo, max(lo, end - 1)) + 1
        if start <= lo:
            return False
        line = text[start:end].strip()
        if line:
            if line == first:
                return True
            seen += 1
        end = start
    return False
