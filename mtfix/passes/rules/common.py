"""Small helpers every rule module shares (kept out of ``__init__`` to avoid import cycles)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mtfix.change import Edit
from mtfix.spans import Span, SpanSet


class SpanGuard:
    """Answers "does [start, end) touch a protected span?" in O(log n) per question.

    Rules ask this once per candidate; :class:`mtfix.spans.SpanSet` (the pipeline's own
    index, reused when the pipeline passes one) keeps that cheap however many spans the
    glossary pass wrote. Semantics are those of :func:`mtfix.spans.overlaps_any`.
    """

    __slots__ = ("_spans",)

    def __init__(self, protected: Sequence[Span]) -> None:
        self._spans = protected if isinstance(protected, SpanSet) else SpanSet(protected)

    def __bool__(self) -> bool:
        return bool(self._spans)

    def touches(self, start: int, end: int) -> bool:
        return bool(self._spans) and self._spans.overlaps(start, end)

    def may_delete_over(self, start: int, end: int) -> bool:
        """May a deletion of [start, end) hold the protected spans it touches? Only when it
        holds them whole and they are all text earlier passes wrote (the pipeline then
        absorbs those changes), never placeholders or markup (the pipeline's SpanSet says
        which are ``untouchable``; a plain list of spans allows nothing)."""
        untouchable = self._spans.untouchable
        return untouchable is not None and not self._spans.straddles(start, end) and \
            not untouchable.overlaps(start, end)


def keep_clear(edits: list[Edit], guard: SpanGuard) -> list[Edit]:
    """The edits that touch no protected span, and the deletions that hold whole ones (the
    pipeline lets such a deletion absorb text earlier passes wrote, never a placeholder)."""
    if not guard:
        return edits
    return [e for e in edits if not guard.touches(e.start, e.end) or (
        e.after == "" and not e.flag and e.end > e.start and guard.may_delete_over(e.start, e.end))]


_LAST_CODE_POINTS: tuple[str, np.ndarray] = ("", np.empty(0, dtype=np.uint8))


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as a read-only array: ``uint8`` when the text is ASCII,
    ``uint32`` otherwise. Several rules scan the same text array-wise; the array of the last
    text asked for is kept, so the text is encoded once per pass, not once per rule."""
    global _LAST_CODE_POINTS
    last_text, last = _LAST_CODE_POINTS
    if last_text is text:
        return last
    if text.isascii():
        raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    _LAST_CODE_POINTS = (text, raw)
    return raw
