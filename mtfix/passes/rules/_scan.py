"""Pre-scans shared by the zh-en rules (not a rule: the leading underscore keeps it out of the
registry). A rule looks for its pattern only on the lines where a cheap C-level scan found a
trigger, so ordinary text costs one scan, as the spacing rule does with its automaton."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from mtfix.passes.rules.common import code_points

#: lowest code point of the CJK blocks (symbols and punctuation, Han, full-width forms)
CJK_START = 0x3000


def line_spans(text: str, positions: Iterable[int]) -> list[tuple[int, int]]:
    """The lines (start, end without the line break) holding ``positions`` (sorted), each
    once, in text order."""
    spans: list[tuple[int, int]] = []
    end = -1
    for at in positions:
        if at <= end:
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        spans.append((start, end))
    return spans


def find_all(text: str, needles: Iterable[str]) -> list[int]:
    """Sorted start positions of every occurrence of each needle (``str.find``, C speed)."""
    found: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at != -1:
            found.append(at)
            at = text.find(needle, at + 1)
    found.sort()
    return found


def cjk_positions(text: str) -> np.ndarray:
    """Positions of characters at or above U+3000 (CJK punctuation, Han, full-width forms,
    and what lies above them): where the cjk and fullwidth rules may have work."""
    if text.isascii():
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(code_points(text) >= CJK_START)
