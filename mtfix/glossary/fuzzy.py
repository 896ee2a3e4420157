"""Fuzzy glossary entries (``match = "fuzzy"``): garbled variants of a listed phrase.

Brute force (rapidfuzz over every sentence) costs about 1.8 s per MB. Instead, a pigeonhole
prefilter: a phrase of length L that may differ by at most k edits is cut into k + 1 pieces;
any variant with at most k edits keeps at least one piece intact. All pieces of all entries go
into ONE Aho-Corasick automaton run over the case-folded text (keys are folded by the same
``fold_case``, which keeps code-point offsets, so "Provincial Public Security Department" finds
"provincial public securty department" and every span points at the original text). Each
piece hit proposes windows where the phrase would sit, and only those windows are scored with
rapidfuzz: the better of ``fuzz.ratio`` (typos, inflections) and ``fuzz.token_sort_ratio``
(swapped word order) on whitespace-folded text; that score is recorded in the change. A window
must start and end on word boundaries, be L - k to L + k long, never cross a blank line, and
show every word of the phrase (4+ characters) with at most 2 edits, so a different phrase that
shares the other words ("... Health Department") does not pass on characters alone.

Before any window is built, batched C calls (``rapidfuzz.process.cpdist``) bound the score of
every candidate place and drop those that cannot reach ``min_score``: the LCS length for the
phrase in order at the hit piece's offset, and ``token_sort_ratio`` over the stretch that any
window holding the hit piece lies in (any word order).

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

from mtfix.glossary.model import RawEntry
from mtfix.spans import overlaps_any
from mtfix.textutil import fold_case, is_word_char, normalize_key

DEFAULT_MIN_SCORE = 90.0
MAX_EDITS = 2
MIN_PIECE = 3  # shorter pieces hit almost everywhere and make the prefilter useless
MIN_WORD = 4  # shorter words ("of", "and") are not checked one by one
# Swapped word order is looked for only around hits of pieces this long: shorter pieces hit
# almost everywhere and the word-order bound then costs more than everything else (1,000
# entries: 7.0 -> 9.0 MB/s; swapped-variant recall 0.81 -> 0.65; 1-2-edit recall unchanged).
MIN_ORDER_PIECE = 6
_WS_RE = re.compile(r"\s+")
_START_CANDIDATE = re.compile(r"(?<!\w)\S")  # every word start, and some other places
_END_CANDIDATE = re.compile(r"\S(?!\w)")  # match ends: every word end, and some others


@dataclass(frozen=True, slots=True)
class _Key:
    entry: RawEntry
    order: int
    key: str  # normalized find phrase
    replace_key: str
    min_score: float
    max_edits: int
    word_cutoffs: tuple[tuple[str, float], ...]  # (word, least partial_ratio) for each word


def _word_cutoffs(key: str) -> tuple[tuple[str, float], ...]:
    """Each word of ``key`` of ``MIN_WORD`` or more characters, with the ``partial_ratio`` that
    ``MAX_EDITS`` edits leave it (an edit costs at most two insertions/deletions)."""
    return tuple((word, 100.0 * (1.0 - MAX_EDITS / len(word)) - 1e-6)
                 for word in dict.fromkeys(key.split(" ")) if len(word) >= MIN_WORD)


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
                # Keys are case-folded exactly as the text is (fold_case keeps code-point
                # offsets, so a window in the folded text is the same span of the original).
                key = fold_case(normalize_key(find))
                k = max_edits(len(key), score)
                index = len(self.keys)
                self.keys.append(_Key(entry, order[entry.id], key,
                                      fold_case(normalize_key(entry.replace)), score, k,
                                      _word_cutoffs(key)))
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
        self._owner_len = np.array([len(self._pieces[i]) for i, piece in enumerate(self._pieces)
                                    for _ in owners[piece]], dtype=np.int64)
        self._key_text = [key.key for key in self.keys]
        self._key_len = np.array([len(key.key) for key in self.keys], dtype=np.int64)
        self._key_edits = np.array([key.max_edits for key in self.keys], dtype=np.int64)
        self._key_words = np.array([key.key.count(" ") + 1 for key in self.keys], dtype=np.int64)
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
        key_index, hit_start, piece_len, offset = self._expand(np.array(hits, dtype=np.int64))
        length = self._key_len[key_index]
        k = self._key_edits[key_index]
        floor = 2 * length - k  # shortest scored window plus the key (the bounds' denominator)
        minimum = self._key_min[key_index] - 1e-9
        size = len(folded)
        keys = list(map(self._key_text.__getitem__, key_index.tolist()))

        # 1. In order: the key would start at ``anchor`` if the hit piece is intact. A C-level
        # bound before any window is built: a window w inside [anchor - k, anchor + L + k)
        # has LCS(key, w) <= LCS(key, region), and a window shorter than L - k is never scored,
        # so fuzz.ratio(key, w) <= 200 * LCS / (2L - k). On random text this drops about 49
        # of 50 places (benchmarks/rules_speed.py).
        anchors = hit_start - offset
        lo = np.maximum(anchors - k, 0)
        hi = np.minimum(anchors + length + k, size)
        regions = [folded[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        lcs = process.cpdist(keys, regions, scorer=LCSseq.similarity, dtype=np.int32)
        in_order = (200.0 * lcs / floor >= minimum) & (anchors >= -k)

        # 2. Any word order: a permutation of the words keeps a piece that lies outside the
        # moved words intact, but not at its offset; the window holds the piece somewhere, so
        # it lies in [piece end - (L + k), piece start + L + k). Its words are a sub-multiset
        # of that region's words (the window starts and ends on word boundaries), so the
        # region's sorted words contain the window's sorted words as a subsequence and
        # token_sort_ratio(key, w) <= 200 * LCS(sorted key, sorted region) / (2L - k), where
        # LCS = token_sort_ratio(key, region) * (L + len(sorted region)) / 200 and the sorted
        # region is no longer than the region. (Exception: a window's first or last word glued
        # to punctuation that the stretch's edge cuts, "x(public ...", is part of a stretch
        # word; the bound can then be a little low and such a swapped variant missed.)
        # (Only for phrases of two or more words, at places the first bound dropped, around
        # pieces of MIN_ORDER_PIECE or more characters.)
        rest = np.flatnonzero(~in_order & (self._key_words[key_index] >= 2)
                               & (piece_len >= MIN_ORDER_PIECE))
        wide_lo = np.maximum(hit_start + piece_len - length - k, 0)
        wide_hi = np.minimum(hit_start + length + k, size)
        wide = [folded[a:b] for a, b in zip(wide_lo[rest].tolist(), wide_hi[rest].tolist(),
                                            strict=True)]
        sort_score = process.cpdist([keys[i] for i in rest.tolist()], wide,
                                    scorer=fuzz.token_sort_ratio, dtype=np.float32)
        any_order = np.zeros_like(in_order)
        any_order[rest] = sort_score * (length[rest] + (wide_hi[rest] - wide_lo[rest])) \
            / floor[rest] >= minimum[rest]

        found: dict[tuple[int, int], tuple[int, int, int, RawEntry, float]] = {}
        places: set[tuple[int, int, int, int, int]] = set()
        for i in np.flatnonzero(in_order).tolist():  # start within k of the anchor
            a, length_i, k_i = int(anchors[i]), int(length[i]), int(k[i])
            places.add((int(key_index[i]), a - k_i, a + k_i, a + length_i - k_i,
                        a + length_i + k_i))
        for i in np.flatnonzero(any_order).tolist():  # the window holds the piece
            end = int(hit_start[i] + piece_len[i])
            places.add((int(key_index[i]), int(wide_lo[i]), int(hit_start[i]), end,
                        int(wide_hi[i])))
        for key_i, first, last, end_lo, end_hi in places:
            key = self.keys[key_i]
            match = _best_window(folded, key, max(first, 0), min(last, size),
                                 max(end_lo, 0), min(end_hi, size))
            if match is None:
                continue
            s, e, score = match
            if protected and overlaps_any(s, e, protected):
                continue
            previous = found.get((s, key_i))
            if previous is None or previous[4] < score:
                found[(s, key_i)] = (s, e, key.order, key.entry, score)
        return sorted(found.values(), key=lambda m: (m[0], m[2]))

    def _expand(self, hits: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Unique (key, hit start, piece length, piece offset in the key) for every piece hit
        and every key that owns the piece."""
        piece, start = hits[:, 0], hits[:, 1]
        first = self._owner_ptr[piece]
        counts = self._owner_ptr[piece + 1] - first
        rows = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        rows_start = np.repeat(start, counts)
        # Keys own few pieces and hits are in text order: (row, start) pairs repeat only when
        # the text repeats; np.unique keeps the work below linear in distinct places.
        span = int(rows_start.max()) + 1
        packed = np.unique(rows * span + rows_start)
        rows, rows_start = packed // span, packed % span
        return (self._owner_key[rows], rows_start, self._owner_len[rows],
                self._owner_offset[rows])


def _best_window(folded: str, key: _Key, first: int, last: int, end_lo: int, end_hi: int
                 ) -> tuple[int, int, float] | None:
    """The best-scoring window starting in [first, last] and ending in [end_lo, end_hi], on
    word boundaries, L - k to L + k long, within one paragraph; its score (the better of
    ``fuzz.ratio`` and ``fuzz.token_sort_ratio``) reaches ``min_score`` and every word of the
    key is recognisable in it."""
    k, length = key.max_edits, len(key.key)
    # The regexes find a superset of word starts/ends in C (Python's \w is a subset of
    # is_word_char); each candidate is then checked with the one word-character rule.
    starts = [m.start() for m in _START_CANDIDATE.finditer(folded, first, last + 1)
              if _starts_word(folded, m.start())]
    if not starts:
        return None
    ends = [m.end() for m in _END_CANDIDATE.finditer(folded, max(end_lo - 1, 0), end_hi)
            if m.end() >= end_lo and _ends_word(folded, m.end())]
    best: tuple[int, int, float] | None = None
    for a in starts:
        for b in ends:
            if not length - k <= b - a <= length + k:
                continue
            window = folded[a:b]
            if "\n\n" in window or "\n\r\n" in window:
                continue
            window = _WS_RE.sub(" ", window)
            if len(window) < length - k:
                continue  # (the bounds in find() rely on this)
            score = max(fuzz.ratio(key.key, window), fuzz.token_sort_ratio(key.key, window))
            if score < key.min_score or not _words_present(key, window):
                continue
            # Already the replacement (or closer to it than to the bad phrase): leave it,
            # so a second run changes nothing. (A replacement that differs from the phrase
            # only in case is compared by the pipeline: an unchanged span is no change.)
            if key.replace_key and key.replace_key != key.key and fuzz.ratio(
                    key.replace_key, window) >= fuzz.ratio(key.key, window) \
                    and window != key.key:
                continue
            if best is None or score > best[2] or (score == best[2] and b - a > best[1] - best[0]):
                best = (a, b, float(score))
    return best


def _words_present(key: _Key, window: str) -> bool:
    """Every word of the key (of ``MIN_WORD`` or more characters) shows in ``window`` with at
    most ``MAX_EDITS`` edits. A character score alone lets a different phrase that shares the
    other words pass ("provincial public health department" scores 86 against "provincial
    public security department"); typos, inflections and swapped order keep every word."""
    for word, cutoff in key.word_cutoffs:
        if fuzz.partial_ratio(word, window, score_cutoff=cutoff) == 0:
            return False
    return True


_ASCII_WORD = frozenset(c for c in map(chr, range(128)) if is_word_char(c))


def _word(c: str) -> bool:
    """``is_word_char`` with the ASCII answer from a set (this runs for every window edge)."""
    return c in _ASCII_WORD or (c >= "\x80" and is_word_char(c))


def _starts_word(text: str, i: int) -> bool:
    return i < len(text) and _word(text[i]) and (i == 0 or not _word(text[i - 1]))


def _ends_word(text: str, i: int) -> bool:
    return i > 0 and _word(text[i - 1]) and (i == len(text) or not _word(text[i]))
