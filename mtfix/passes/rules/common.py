"""Small helpers every rule module shares (kept out of ``__init__`` to avoid import cycles)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from mtfix.change import Edit

Span = tuple[int, int]


class SpanGuard:
    """Answers "does [start, end) touch a protected span?" in O(log n) per question.

    Rules ask this once per candidate; a sorted index keeps that cheap even when the glossary
    pass wrote hundreds of spans. Semantics are those of :func:`mtfix.change.overlaps_any`.
    """

    __slots__ = ("_ends", "_spans")

    def __init__(self, protected: Sequence[Span]) -> None:
        self._spans = sorted(protected)
        self._ends = [e for _s, e in self._spans]

    def __bool__(self) -> bool:
        return bool(self._spans)

    def touches(self, start: int, end: int) -> bool:
        if not self._spans:
            return False
        # Spans are sorted by start; only those starting before `end` can overlap.
        hi = bisect.bisect_left(self._spans, (end, end + 1))
        for s, e in self._spans[max(0, hi - 64):hi][::-1]:
            if s == e:
                if start < s < end:
                    return True
            elif start < e and s < end:
                return True
        if hi > 64:  # a pathological pile-up of spans: fall back to the exact scan
            return any((start < s < end) if s == e else (start < e and s < end)
                       for s, e in self._spans[: hi - 64])
        return False


def keep_clear(edits: list[Edit], guard: SpanGuard) -> list[Edit]:
    """The edits that touch no protected span."""
    if not guard:
        return edits
    return [e for e in edits if not guard.touches(e.start, e.end)]
