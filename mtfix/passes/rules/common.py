"""Small helpers every rule module shares (kept out of ``__init__`` to avoid import cycles)."""

from __future__ import annotations

from collections.abc import Sequence

from mtfix.change import Edit, SpanSet

Span = tuple[int, int]


class SpanGuard:
    """Answers "does [start, end) touch a protected span?" in O(log n) per question.

    Rules ask this once per candidate; :class:`mtfix.change.SpanSet` (the pipeline's own
    index, reused when the pipeline passes one) keeps that cheap however many spans the
    glossary pass wrote. Semantics are those of :func:`mtfix.change.overlaps_any`.
    """

    __slots__ = ("_spans",)

    def __init__(self, protected: Sequence[Span]) -> None:
        self._spans = protected if isinstance(protected, SpanSet) else SpanSet(protected)

    def __bool__(self) -> bool:
        return bool(self._spans)

    def touches(self, start: int, end: int) -> bool:
        return bool(self._spans) and self._spans.overlaps(start, end)


def keep_clear(edits: list[Edit], guard: SpanGuard) -> list[Edit]:
    """The edits that touch no protected span."""
    if not guard:
        return edits
    return [e for e in edits if not guard.touches(e.start, e.end)]
