"""Fuzzy glossary entries (``match = "fuzzy"``): garbled variants of a listed phrase.

Brute force (rapidfuzz over every sentence) costs about 1.8 s per MB. Instead, a pigeonhole
prefilter: a phrase of length L that may differ by at most k edits is cut into k + 1 pieces;
any variant with at most k edits keeps at least one piece intact. All pieces of all entries go
into ONE Aho-Corasick automaton run over the case-folded text; each piece hit proposes a window
where the phrase would sit, and only those windows are scored with rapidfuzz (``fuzz.ratio``
on whitespace-folded text, and ``token_sort_ratio`` so that swapped word order counts). A
window must start and end on word boundaries and never crosses a blank line.

k follows ``min_score`` (default 90): a ratio of s allows about L * (100 - s) / 100 edits,
capped at 2 (see ``benchmarks/rules_speed.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs as ac
from rapidfuzz import fuzz

from mtfix.change import overlaps_any
from mtfix.glossary.model import RawEntry
from mtfix.textutil import fold_case, is_word_char, normalize_key

DEFAULT_MIN_SCORE = 90.0
MAX_EDITS = 2
MIN_PIECE = 3  # shorter pieces hit almost everywhere and make the prefilter useless
_WS_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Key:
    entry: RawEntry
    order: int
    key: str  # normalized find phrase
    replace_key: str
    min_score: float
    max_edits: int


def max_edits(length: int, min_score: float) -> int:
    """Edits a phrase of ``length`` may carry and still reach ``min_score``, at least 1, and
    few enough that every piece keeps ``MIN_PIECE`` characters."""
    allowed = int(length * (100.0 - min_score) / 100.0 + 1e-9)
    # More than MAX_EDITS pieces make them so short that they hit everywhere (measured: 5x
    # slower at k = 3); variants with more edits are found only if one piece survives.
    allowed = min(allowed, MAX_EDITS)
    return max(1, min(allowed, length // MIN_PIECE - 1)) if length >= 2 * MIN_PIECE else 0


def pieces(key: str, k: int) -> list[tuple[int, str]]:
    """``key`` cut into k + 1 consecutive pieces (offset, text) of near-equal length."""
    n = k + 1
    bounds = [round(i * len(key) / n) for i in range(n + 1)]
    return [(bounds[i], key[bounds[i]:bounds[i + 1]]) for i in range(n)]


class FuzzyMatcher:
    """All fuzzy entries of a glossary, compiled once."""

    def __init__(self, entries: Sequence[RawEntry], order: dict[str, int]) -> None:
        self.keys: list[_Key] = []
        owners: dict[str, list[tuple[int, int]]] = {}
        for entry in entries:
            score = entry.min_score if entry.min_score is not None else DEFAULT_MIN_SCORE
            for find in entry.find:
                key = normalize_key(find)
                k = max_edits(len(key), score)
                index = len(self.keys)
                self.keys.append(_Key(entry, order[entry.id], key, normalize_key(entry.replace),
                                      score, k))
                for offset, piece in pieces(key, k):
                    owners.setdefault(piece, []).append((index, offset))
        self._pieces = list(owners)
        self._owners = [owners[p] for p in self._pieces]
        self._automaton = ac.AhoCorasick(self._pieces) if self._pieces else None

    def find(self, text: str, protected: Sequence[tuple[int, int]] = ()
             ) -> list[tuple[int, int, int, RawEntry, float]]:
        """(start, end, order, entry, score) of every fuzzy match, best window per place."""
        if self._automaton is None:
            return []
        folded = fold_case(text)
        tried: set[tuple[int, int]] = set()
        found: dict[tuple[int, int], tuple[int, int, int, RawEntry, float]] = {}
        for piece_index, start, _end in self._automaton.find_matches_as_indexes(
                folded, overlapping=True):
            for key_index, offset in self._owners[piece_index]:
                anchor = start - offset
                if (key_index, anchor) in tried:
                    continue
                tried.add((key_index, anchor))
                match = self._best_window(folded, self.keys[key_index], anchor)
                if match is None:
                    continue
                s, e, score = match
                if protected and overlaps_any(s, e, protected):
                    continue
                key = self.keys[key_index]
                previous = found.get((s, key_index))
                if previous is None or previous[4] < score:
                    found[(s, key_index)] = (s, e, key.order, key.entry, score)
        return sorted(found.values(), key=lambda m: (m[0], m[2]))

    @staticmethod
    def _best_window(folded: str, key: _Key, anchor: int) -> tuple[int, int, float] | None:
        k, length = key.max_edits, len(key.key)
        lo, hi = max(0, anchor - k), min(len(folded), anchor + length + k)
        starts = [a for a in range(lo, min(anchor + k, len(folded)) + 1) if _starts_word(folded, a)]
        ends = [b for b in range(max(anchor + length - k, 0), hi + 1) if _ends_word(folded, b)]
        best: tuple[int, int, float] | None = None
        for a in starts:
            for b in ends:
                if b - a < length - k:
                    continue
                window = folded[a:b]
                if "\n\n" in window or "\n\r\n" in window:
                    continue
                window = _WS_RE.sub(" ", window)
                score = max(fuzz.ratio(key.key, window), fuzz.token_sort_ratio(key.key, window))
                if score < key.min_score:
                    continue
                # Already the replacement (or closer to it than to the bad phrase): leave it,
                # so a second run changes nothing.
                if key.replace_key and fuzz.ratio(key.replace_key, window) >= fuzz.ratio(
                        key.key, window) and window != key.key:
                    continue
                if best is None or score > best[2] or (score == best[2] and b - a > best[1] - best[0]):
                    best = (a, b, float(score))
        return best


def _starts_word(text: str, i: int) -> bool:
    return i < len(text) and is_word_char(text[i]) and (i == 0 or not is_word_char(text[i - 1]))


def _ends_word(text: str, i: int) -> bool:
    return i > 0 and is_word_char(text[i - 1]) and (i == len(text) or not is_word_char(text[i]))
