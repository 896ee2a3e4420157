"""Span algebra: offsets, line numbers and overlap queries shared by every pass and format.

A span is ``(start, end)`` in code points; ``start == end`` is a point (where a deletion was
made). :func:`overlaps_any` is the one overlap test; :class:`SpanSet` answers it in O(log n).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Protocol

Span = tuple[int, int]


class _AppliedEdit(Protocol):
    """What :class:`OffsetMap` reads of an applied edit (an :class:`mtfix.change.Edit`)."""

    start: int
    end: int
    after: str | None
    flag: bool


class LineIndex:
    """Maps a code-point offset to a 1-based line number (``\\n``, ``\\r\\n``, ``\\r`` end lines).

    Counts newlines incrementally with ``str.count`` (C speed) instead of building an index:
    passes ask for offsets in increasing order, so each pass scans the text about once. Many
    offsets at once (:meth:`lines_of`) are looked up among the line breaks array-wise.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._first = first_line
        self._has_cr = "\r" in text
        self._offset = 0
        self._line = first_line
        self._breaks = None  # the positions of the line breaks, once asked array-wise

    def _count(self, start: int, end: int) -> int:
        text = self._text
        lines = text.count("\n", start, end)
        if self._has_cr:
            # "\r\n" is one line end; a pair cut by `end` is counted once, at its "\r"
            lines += text.count("\r", start, end) - text.count("\r\n", start, end)
        return lines

    def line_of(self, offset: int) -> int:
        if offset < self._offset:
            self._offset, self._line = 0, self._first
        if self._has_cr and 0 < self._offset < offset and self._text[self._offset - 1] == "\r" \
                and self._text[self._offset] == "\n":
            self._line -= 1  # that "\r\n" was counted at its "\r" already
        self._line += self._count(self._offset, offset)
        self._offset = offset
        return self._line

    def lines_of(self, offsets: Sequence[int]) -> list[int]:
        """``line_of`` for each offset (one call per batch; cheapest in increasing order)."""
        return self.shifted_lines_of(offsets, 0, 0)

    def shifted_lines_of(self, offsets: Sequence[int], shift: int, add: int) -> list[int]:
        """``line_of(offset - shift) + add`` for each offset (what :class:`ShiftedLines`
        asks). Many offsets in a text without ``\\r`` are looked up array-wise among the
        text's line breaks (a chunk of change-heavy text has ~20,000 records to number)."""
        if not self._has_cr and len(offsets) >= _ARRAY_LOOKUP and \
                len(offsets) * _ARRAY_DENSITY >= len(self._text):
            found = self._lines_by_array(offsets, shift, add)
            if found is not None:
                return found
        if shift or add:
            return [line + add for line in self._lines_one_by_one([o - shift for o in offsets])]
        return self._lines_one_by_one(offsets)

    def _lines_by_array(self, offsets: Sequence[int], shift: int, add: int) -> list[int] | None:
        """What the loop gives: the line of an offset is the first line plus the line breaks
        before it, wherever the loop started counting. None where the loop's reading of an
        offset differs (a negative one counts from the end) or it does not fit an array."""
        import numpy as np  # (imported by the rules already; not needed for short texts)

        try:
            at = np.asarray(offsets, dtype=np.int64) - shift
        except OverflowError:
            return None
        if at.min() < 0:
            return None
        if self._breaks is None:
            lengths = np.fromiter(map(len, self._text.split("\n")), dtype=np.int64)
            self._breaks = np.cumsum(lengths[:-1] + 1) - 1  # where each "\n" is
        before = np.searchsorted(self._breaks, at, side="left")  # line breaks before each
        self._offset, self._line = int(at[-1]), self._first + int(before[-1])
        return (before + (self._first + add)).tolist()

    def _lines_one_by_one(self, offsets: Sequence[int]) -> list[int]:
        if self._has_cr:
            return [self.line_of(offset) for offset in offsets]
        text = self._text
        pos, line = self._offset, self._line
        out = []
        for offset in offsets:
            if offset < pos:
                pos, line = 0, self._first
            line += text.count("\n", pos, offset)
            pos = offset
            out.append(line)
        self._offset, self._line = pos, line
        return out

    @property
    def line_count(self) -> int:
        return self._count(0, len(self._text)) + 1


#: from how many offsets :meth:`LineIndex.lines_of` looks them up array-wise, and only from one
#: offset per this many characters of text on: finding the line breaks costs ~1.6 ms per MB,
#: the loop ~0.15 µs per offset and a count over the text (per MB measured: 700 offsets, loop
#: 0.7 ms, array 1.7 ms; 20,000 offsets, loop 3.9 ms, array 3.2 ms)
_ARRAY_LOOKUP = 64
_ARRAY_DENSITY = 64


class LineNumbers(Protocol):
    """What the pipeline asks of line numbering (:class:`LineIndex`, :class:`ShiftedLines`,
    :class:`FixedLine`)."""

    def line_of(self, offset: int) -> int: ...

    def lines_of(self, offsets: Sequence[int]) -> list[int]: ...


class FixedLine:
    """Line numbers of a segment that is all on line ``number`` of its file."""

    def __init__(self, number: int) -> None:
        self.number = number

    def line_of(self, offset: int) -> int:
        return self.number

    def lines_of(self, offsets: Sequence[int]) -> list[int]:
        return [self.number] * len(offsets)


class ShiftedLines:
    """Line numbers of a chunk that starts at document offset ``offset`` on line ``line``
    (the same questions as :class:`LineIndex`, answered in document coordinates)."""

    def __init__(self, lines: LineIndex, offset: int, line: int) -> None:
        self._lines, self._offset, self._line = lines, offset, line

    def line_of(self, offset: int) -> int:
        return self._lines.line_of(offset - self._offset) + self._line - 1

    def lines_of(self, offsets: Sequence[int]) -> list[int]:
        return self._lines.shifted_lines_of(offsets, self._offset, self._line - 1)


class OffsetMap:
    """Maps offsets in a text produced by applied edits back to the text before them.

    Built from the edits that turned ``before`` into ``after`` (offsets into ``before``).
    ``to_before(x)`` is exact for offsets outside the replaced spans.
    """

    def __init__(self, applied: Sequence[_AppliedEdit]) -> None:
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._deltas: list[int] = []  # cumulative (before - after) length difference up to and incl. i
        self._old_ends: list[int] = []
        shift = 0
        delta = 0
        for edit in sorted(applied, key=lambda e: e.start):
            if edit.flag or edit.after is None:
                continue
            new_start = edit.start - shift
            new_end = new_start + len(edit.after)
            delta += (edit.end - edit.start) - len(edit.after)
            shift = delta
            self._new_starts.append(new_start)
            self._new_ends.append(new_end)
            self._deltas.append(delta)
            self._old_ends.append(edit.end)

    def protected_spans(self) -> list[tuple[int, int]]:
        """Spans of the new text written by the applied edits (later passes must not touch them)."""
        return list(zip(self._new_starts, self._new_ends, strict=True))

    def to_before(self, offset: int, *, side: str = "start") -> int:
        """Map an offset of the new text to the text before the edits.

        At the point where an edit deleted text, a ``start`` maps after the deleted text and an
        ``end`` maps before it, so a later edit never swallows an earlier deletion.
        """
        i = bisect.bisect_right(self._new_ends, offset) - 1
        if side == "end":
            while i >= 0 and self._new_ends[i] == offset and self._new_starts[i] == offset:
                i -= 1
        return offset + (self._deltas[i] if i >= 0 else 0)

    def to_before_all(self, offsets: Sequence[int], *, side: str = "start") -> list[int]:
        """:meth:`to_before` of each offset, in one call (the pipeline maps every edit of a
        pass back; a method call per offset cost as much as the mapping). An empty map (no
        applied edit) returns the offsets as they are."""
        if not self._deltas:
            return list(offsets)
        new_starts, new_ends, deltas = self._new_starts, self._new_ends, self._deltas
        find = bisect.bisect_right
        out = []
        for offset in offsets:
            i = find(new_ends, offset) - 1
            if side == "end":
                while i >= 0 and new_ends[i] == offset and new_starts[i] == offset:
                    i -= 1
            out.append(offset + deltas[i] if i >= 0 else offset)
        return out

    def to_after(self, offset: int) -> int:
        """Map an offset of the text before the edits (outside replaced spans) to the new text."""
        i = bisect.bisect_right(self._old_ends, offset) - 1
        return offset - (self._deltas[i] if i >= 0 else 0)


class SpanSet(list):
    """A list of (start, end) spans with an index, so overlap queries cost O(log n).

    Passes receive protected spans as a plain sequence; the pipeline hands them a ``SpanSet``
    so that :func:`overlaps_any` does not scan hundreds of spans for every candidate edit.
    Treat it as read-only.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = (), *,
                 untouchable: SpanSet | None = None) -> None:
        super().__init__(spans)
        #: the spans among these that no pass may touch at all, not even a deletion that
        #: holds them whole (placeholders, markup); ``None``: every span is untouchable
        self.untouchable = untouchable
        ranges = sorted((s, e) for s, e in self if e > s)
        self._starts = [s for s, _ in ranges]
        self._ends = [e for _, e in ranges]
        self._max_end: list[int] = []
        top = -1
        for _, e in ranges:
            top = max(top, e)
            self._max_end.append(top)
        self._points = sorted(s for s, e in self if e == s)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # spans starting before `end`
        if i and self._max_end[i - 1] > start:
            # the span reaching furthest among them reaches past `start`; for an empty
            # query (start == end) that means a span strictly contains it
            return start < end or any(s < start < e for s, e in self if e > s)
        j = bisect.bisect_right(self._points, start)
        return j < len(self._points) and self._points[j] < end

    def overlapping(self, starts: Sequence[int], ends: Sequence[int]) -> list[int]:
        """The indexes ``i`` where ``overlaps(starts[i], ends[i])``, for many queries at once
        (a pass's edits: ~20,000 per chunk of change-heavy text). Array-wise, the two binary
        searches of :meth:`overlaps` find the queries that may overlap; only those are asked
        again one by one (which also settles an empty query inside a span)."""
        import numpy as np  # (imported by the rules already; not needed for short texts)

        if not self._starts and not self._points:
            return []
        s = np.asarray(starts, dtype=np.int64)
        e = np.asarray(ends, dtype=np.int64)
        may = np.zeros(len(s), dtype=bool)
        if self._starts:
            i = np.searchsorted(np.asarray(self._starts, dtype=np.int64), e, side="left")
            reach = np.asarray(self._max_end, dtype=np.int64)[np.maximum(i - 1, 0)]
            may |= (i > 0) & (reach > s)
        if self._points:
            points = np.asarray(self._points, dtype=np.int64)
            j = np.searchsorted(points, s, side="right")
            may |= (j < len(points)) & (points[np.minimum(j, len(points) - 1)] < e)
        return [i for i in np.flatnonzero(may).tolist() if self.overlaps(starts[i], ends[i])]

    def covers_range(self, start: int, end: int) -> bool:
        """Does a non-empty span overlap [start, end)?"""
        i = bisect.bisect_left(self._starts, end)
        return bool(i) and self._max_end[i - 1] > start

    def points_inside(self, start: int, end: int) -> list[int]:
        """The zero-width spans strictly inside [start, end)."""
        i = bisect.bisect_right(self._points, start)
        j = bisect.bisect_left(self._points, end)
        return self._points[i:j]

    def straddles(self, start: int, end: int) -> bool:
        """Does a (non-empty) span cross an end of [start, end), i.e. overlap it without
        lying wholly inside it?"""
        i = bisect.bisect_left(self._starts, end) - 1  # spans starting before `end`
        max_end, starts, ends = self._max_end, self._starts, self._ends
        while i >= 0 and max_end[i] > start:  # earlier ones all end by `start`
            s, e = starts[i], ends[i]
            if s < start < e or s < end < e:
                return True
            i -= 1
        return False


def lines_touched(line_starts: Sequence[int], spans: Iterable[Span]) -> set[int]:
    """The numbers (0-based) of the lines starting at ``line_starts`` (sorted, the first 0;
    each line ends with the break before the next one) that a span touches: overlaps, or
    meets at an end (a span ending at a line's start or starting at its end touches it)."""
    touched: set[int] = set()
    for start, end in spans:
        first = max(bisect.bisect_right(line_starts, start) - 1, 0)
        if first and line_starts[first] == start:
            first -= 1  # the span meets the previous line's break
        last = bisect.bisect_right(line_starts, end) - 1
        touched.update(range(first, last + 1))
    return touched


def overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    """The one overlap test: do [start, end) and [other_start, other_end) share a code point,
    or does one of them strictly contain the other's point (a zero-width span: where a
    deletion was made, or an insertion goes)? Two points never overlap, and a point at either
    end of a span is outside it."""
    if start == end:
        return other_start < start < other_end
    if other_start == other_end:
        return start < other_start < end
    return start < other_end and other_start < end


def within(start: int, end: int, outer_start: int, outer_end: int) -> bool:
    """Does [start, end) lie inside [outer_start, outer_end) (its ends included)?"""
    return outer_start <= start and end <= outer_end


def overlaps_any(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Does [start, end) :func:`overlap` one of ``spans``? (O(log n) for a :class:`SpanSet`.)"""
    if isinstance(spans, SpanSet):
        return spans.overlaps(start, end)
    return any(overlap(start, end, s, e) for s, e in spans)


