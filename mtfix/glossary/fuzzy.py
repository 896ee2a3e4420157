"""Fuzzy glossary entries (``match = "fuzzy"``): garbled variants of a listed phrase.

Brute force (rapidfuzz over every sentence) costs about 1.8 s per MB. Instead, a pigeonhole
prefilter: a phrase of length L that may differ by at most k edits is cut into k + 1 pieces;
any variant with at most k edits keeps at least one piece intact. All pieces of all entries go
into ONE Aho-Corasick automaton run over the case-folded text; each piece hit proposes a window
where the phrase would sit, and only those windows are scored with rapidfuzz (``fuzz.ratio``
on whitespace-folded text, and ``token_sort_ratio`` so that swapped word order counts). A
window must start and end on word boundaries and never crosses a blank line. Before any
window is built, one batched C call (``rapidfuzz.process.cpdist`` with the LCS length) bounds
``fuzz.ratio`` for every candidate place and drops those that cannot reach ``min_score``;
so a word-order swap is found only where the swapped phrase also keeps enough characters in
order (``token_sort_ratio`` decides among the windows that pass).

k follows ``min_score`` (default 90): a ratio of s allows about L * (100 - s) / 100 edits,
capped at 2 (see ``benchmarks/rules_speed.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs as ac
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

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
        self._automaton = ac.AhoCorasick(self._pieces, implementation=ac.Implementation.DFA) \
            if self._pieces else None
        # Owners of each piece as flat arrays (CSR): piece i owns rows ptr[i]:ptr[i + 1].
        flat = [owner for piece in self._pieces for owner in owners[piece]]
        self._owner_ptr = np.cumsum([0, *(len(owners[p]) for p in self._pieces)])
        self._owner_key = np.array([key for key, _ in flat], dtype=np.int64)
        self._owner_offset = np.array([offset for _, offset in flat], dtype=np.int64)
        self._key_text = [key.key for key in self.keys]
        self._key_len = np.array([len(key.key) for key in self.keys], dtype=np.int64)
        self._key_edits = np.array([key.max_edits for key in self.keys], dtype=np.int64)
        self._key_min = np.array([key.min_score for key in self.keys], dtype=np.float64)

    def find(self, text: str, protected: Sequence[tuple[int, int]] = ()
             ) -> list[tuple[int, int, int, RawEntry, float]]:
        """(start, end, order, entry, score) of every fuzzy match, best window per place."""
        if self._automaton is None:
            return []
        folded = fold_case(text)
        hits = self._automaton.find_matches_as_indexes(folded, overlapping=True)
        if not hits:
            return []
        key_index, anchors = self._anchors(np.array(hits, dtype=np.int64))
        # A C-level bound before any window is built: a window w inside the region
        # [anchor - k, anchor + L + k) has LCS(key, w) <= LCS(key, region), and a window
        # shorter than L - k is never scored, so fuzz.ratio(key, w) <= 200 * LCS / (2L - k).
        # On random text this drops about 49 of 50 places (benchmarks/rules_speed.py).
        k = self._key_edits[key_index]
        lo = np.maximum(anchors - k, 0)
        hi = np.minimum(anchors + self._key_len[key_index] + k, len(folded))
        regions = [folded[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        keys = list(map(self._key_text.__getitem__, key_index.tolist()))
        lcs = process.cpdist(keys, regions, scorer=LCSseq.similarity, dtype=np.int32)
        bound = 200.0 * lcs / (2 * self._key_len[key_index] - k)
        alive = np.flatnonzero(bound >= self._key_min[key_index] - 1e-9)
        found: dict[tuple[int, int], tuple[int, int, int, RawEntry, float]] = {}
        for key_i, anchor in zip(key_index[alive].tolist(), anchors[alive].tolist(),
                                 strict=True):
            match = self._best_window(folded, self.keys[key_i], anchor)
            if match is None:
                continue
            s, e, score = match
            if protected and overlaps_any(s, e, protected):
                continue
            key = self.keys[key_i]
            previous = found.get((s, key_i))
            if previous is None or previous[4] < score:
                found[(s, key_i)] = (s, e, key.order, key.entry, score)
        return sorted(found.values(), key=lambda m: (m[0], m[2]))

    def _anchors(self, hits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unique (key, anchor) pairs: where each key would start if the hit piece is intact."""
        piece, start = hits[:, 0], hits[:, 1]
        first = self._owner_ptr[piece]
        counts = self._owner_ptr[piece + 1] - first
        rows = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        key_index = self._owner_key[rows]
        anchors = np.repeat(start, counts) - self._owner_offset[rows]
        span = int(anchors.max()) - int(anchors.min()) + 1
        packed = np.unique(key_index * span + (anchors - anchors.min()))
        return packed // span, packed % span + anchors.min()

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
                if len(window) < length - k:
                    continue  # (the LCS bound in find() relies on this)
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


_ASCII_WORD = frozenset(c for c in map(chr, range(128)) if is_word_char(c))


def _word(c: str) -> bool:
    """``is_word_char`` with the ASCII answer from a set (this runs for every window edge)."""
    return c in _ASCII_WORD or (c >= "\x80" and is_word_char(c))


def _starts_word(text: str, i: int) -> bool:
    return i < len(text) and _word(text[i]) and (i == 0 or not _word(text[i - 1]))


def _ends_word(text: str, i: int) -> bool:
    return i > 0 and _word(text[i - 1]) and (i == len(text) or not _word(text[i]))
