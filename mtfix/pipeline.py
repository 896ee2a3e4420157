"""Run passes over text and turn their edits into change records.

Each pass sees the text as the earlier passes left it; what earlier passes wrote is protected
from later ones, and every edit is mapped back to offsets in the ORIGINAL text, so that
``apply_changes(original, result.changes) == result.text`` always holds.

Large texts are processed in paragraph-aligned chunks (about 1 MiB), which bounds memory and
lets files stream; offsets and line numbers stay document-level.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mtfix.change import (
    START_END,
    Change,
    Edit,
    apply_edits,
    make_change,
    select_non_overlapping,
    text_hash,
)
from mtfix.chunking import chunk_text
from mtfix.passes.base import Pass, check_pass
from mtfix.spans import (
    LineIndex,
    LineNumbers,
    OffsetMap,
    ShiftedLines,
    Span,
    SpanSet,
    overlap,
    within,
)

#: Protected spans per chunk (called on the chunks in order, so it may carry state such as
#: "inside a code fence").
ProtectFn = Callable[[str], Sequence[Span]]


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
        self.passes = [check_pass(step) for step in passes]

    def fix_segment(self, text: str, *, doc: str, segment: str | None = None,
                    protected: Sequence[Span] = (), offset: int = 0,
                    lines: LineNumbers | None = None, base: str | None = None,
                    format: str | None = None, source: str | None = None,
                    ) -> tuple[str, list[Change]]:
        """Run every pass over ``text``. Offsets in the changes are ``offset`` + position in
        ``text``; ``lines`` gives line numbers (document-level) for those offsets; ``format``
        names the file format, recorded in every change; ``source`` is the unit's source-
        language text where the file has one (bilingual files, ``--source``)."""
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
            # indexed: overlap checks stay O(log n) per edit; ``untouchable``: what even a
            # deletion may never hold (SpanGuard.may_delete_over)
            hard = SpanSet(untouchable)
            guard_set = SpanSet(guarded, untouchable=hard)
            # Declared capabilities (see mtfix.passes.base.Pass): the model pass gets the
            # earlier passes' flag spans, the replay pass the segment id, the terms check the
            # source text.
            extra: dict = {}
            if step.wants_flags:
                extra["flags"] = list(flagged)
            if step.wants_segment:
                extra["segment"] = segment
            if step.wants_source:
                extra["source"] = source
            found = step.find_edits(current, guard_set, **extra)
            if not found:
                continue
            edits, absorbing = _admissible(found, guard_set, hard, current) if guarded \
                else (found, set())
            edits = select_non_overlapping(edits, step.rule_order())
            flagged.extend((e.start, e.end) for e in edits if e.flag or e.after is None)
            starts = [e.start for e in edits]
            ends = [e.end for e in edits]
            for m in reversed(maps):  # back to offsets into the original text
                starts = m.to_before_all(starts, side="start")
                ends = m.to_before_all(ends, side="end")
            if absorbing:
                changes = _without_absorbed(changes, [
                    (offset + start, offset + end) for edit, start, end in zip(
                        edits, starts, ends, strict=True) if id(edit) in absorbing])
            changes.extend(_records(edits, starts, ends, text, offset, lines, doc=doc,
                                    pass_name=step.name, segment=segment, base=base,
                                    format=format))
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

    def fix_text(self, text: str, *, doc: str = "<text>", format: str | None = None) -> Result:
        """Fix a whole plain-text document (offsets are document-level, ``segment`` is null)."""
        pieces: list[str] = []
        changes: list[Change] = []
        for out, chunk_changes in self.iter_fix(chunk_text(text), doc=doc, base=text_hash(text),
                                                format=format):
            pieces.append(out)
            changes.extend(chunk_changes)
        return Result("".join(pieces), tuple(changes), text, doc)

    def iter_fix(self, chunks: Iterable[str], *, doc: str, base: str,
                 protect: ProtectFn | None = None, format: str | None = None,
                 offset: int = 0, line: int = 1) -> Iterator[tuple[str, list[Change]]]:
        """Fix a document given as consecutive chunks (for streaming large files).

        ``protect`` gives the spans of each chunk no pass may touch (markdown code, say).
        ``offset`` and ``line``: where the first chunk starts in the document (a piece of a
        file fixed apart from the rest, :mod:`mtfix.pieces`)."""
        for chunk in chunks:
            lines = LineIndex(chunk)
            shifted = ShiftedLines(lines, offset, line)
            yield self.fix_segment(chunk, doc=doc, offset=offset, lines=shifted, base=base,
                                   protected=protect(chunk) if protect else (), format=format)
            offset += len(chunk)
            line += lines.line_count - 1


def _records(edits: list[Edit], starts: list[int], ends: list[int], text: str, offset: int,
             lines: LineNumbers, *, doc: str, pass_name: str, segment: str | None, base: str,
             format: str | None) -> list[Change]:
    """The change records of one pass's ``edits``, whose offsets into the original ``text``
    are ``starts``/``ends``. A flag records its proposal; an edit that changes nothing is no
    change. One loop with positional records (:func:`make_change`): change-heavy text makes a
    record per ~50 bytes."""
    records: list[Change] = []
    append = records.append
    line_numbers = lines.lines_of([offset + start for start in starts])
    for edit, start, end, line in zip(edits, starts, ends, line_numbers, strict=True):
        before = text[start:end]
        after = edit.after
        if edit.flag or after is None:
            after, proposal = before, after if after != before else None
        elif after == before:
            continue
        else:
            proposal = None
        append(make_change(doc, offset + start, offset + end, line, before, after, pass_name,
                           edit.rule, edit.note, segment, edit.score, base, proposal, format))
    return records


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
        # (an insertion point counts only strictly inside: at an end it stays beside)
        return any(within(change.start, change.end, start, end) and (
            change.start < change.end or overlap(change.start, change.end, start, end))
            for start, end in deletions)

    return [c for c in changes if not inside(c)]
