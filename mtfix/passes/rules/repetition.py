"""Repeated-phrase collapse: "never say anything, never say anything" -> "never say anything".

Neural MT falls into loops: a word or a phrase of up to eight words comes out two or more
times in a row, with spaces, a comma or a semicolon between ("Rival Rival Rival ...", "my lady,
my lady, my lady", "of the descendants of the descendants"), or a phrase comes back after one
word ("the ninth volume of the ninth volume"). The rule keeps the first occurrence and deletes
the copies with the separators before them, so text outside the loop stays byte-identical.

Definitions (what "repeated" means, exactly):

* a *word* is a maximal run of alphanumeric characters (``str.isalnum``, Basic Multilingual
  Plane); everything else separates words. Two words or phrases are *the same* when their text
  (words and the separators inside the phrase) is equal after lower-casing ASCII letters.
* a *loop* at word i with period k (1-8 words) is c >= 2 consecutive copies of the phrase of
  words i..i+k-1, each copy separated from the next by spaces/tabs with at most one ``,`` or
  ``;`` (full-width "，" and "；" count as those) (or, for three or more copies, a spaced
  dash or underscore: "neo - neo - neo"),
  optionally followed by a partial copy (a proper prefix of the phrase; the loop then
  collapses to that prefix: "the ninth volume of the ninth volume of the ninth volume" ->
  "the ninth volume"). A phrase of k >= 4 words that comes back after exactly one word
  ("the ninth volume OF the ninth volume") is a loop of one copy plus a partial copy.
  A phrase never spans a line break or a sentence end (. ! ?), has a letter, and starts and
  ends on a whole word (not inside "pre-war" or "war's").
* the smallest period wins; after collapsing, the text is checked again where copies were
  deleted, so a second run finds nothing to collapse (idempotent by construction).

What is applied and what is only flagged was decided on MLQE-PE *train* post-edits
(``benchmarks/quality.py --split train``; a change is good when it brings the segment closer
to the post-edit) and is reported on dev and ACCEPT. "Prefer a thousand false negatives to one
false positive": only generation loops that no writer produces are applied, everything else
that looks like a loop is FLAGGED with the collapse as its proposal (one click for a reviewer):

* applied: a phrase of 2+ words four or more times in a row ("the ninth volume of" x4, "my
  lady" x13), or one word ten or more times ("Rival Rival ... Rival"), on a line that holds
  other words too (a loop of fewer than eight copies that makes up a quotation, 'chanted
  "yes we can, yes we can, yes we can, yes we can"', is flagged). Train: 117 segments
  changed, 114 good, 3 bad (precision 0.974; by TER 1.000); the bad ones are sentences the
  post-editor retranslated. A loop "X of X of X" collapses to one X, and what a collapse
  leaves ("X, and X") is finished in the next round;
* flagged: the same loops on a line that is nothing but the loop ("My Lord, my Lord, ...!",
  "Sia graduate, Sia graduate, Sia graduate."): chants, refrains and list items as often as
  loops;
* flagged: two or three copies of a phrase ("never say anything, never say anything";
  "Think about the cost, the cost of labor") and a phrase after one linking word ("the ninth
  volume of the ninth volume"): applying them was right 74 + 80 times and wrong 25 + 31 times
  on train; WMT MQM TED zh-en human references contain such repeats;
* flagged: one word 3-9 times ("B6, B6, B6", "Siya, Siya, Siya", "church church church":
  right 49 times, wrong 23) and phrases holding a number ("negative 120 degrees, negative
  120 degrees, 0 degrees");
* a single word twice: grammar and idiom doubles are left alone ("that that", "had had",
  "bye bye", "so so", ``ALLOWED_DOUBLES``), a double across a comma is left alone ("it, it",
  vocatives); other doubles are FLAGGED (post-editors kept about 1 in 7: "very very",
  "church church", names such as "Sirhan Sirhan", taxa such as "Rupicapra rupicapra");
  a capitalised double that is a Chinese name is left alone: a pinyin syllable that is not
  also an English word ("Yang Yang", "Lang Lang", "Xiao Xiao", "Run Run Shaw"), or any word
  after a common Chinese surname ("He Yin Yin"); three or more copies are still loops;
* "X w X" (one copy, one word, the phrase again) is a candidate only when w is a linking word
  (``LINK_WORDS``), never "the more they enjoy the more they want";
* phrases made of numbers only are never touched ("1 1 2 3", "2019, 2019").

Speed: the text is turned into an array of word hashes with numpy (no per-word Python work);
periods 1-8 are compared at C speed and only the few candidate places are checked in Python.
Short texts (a segment) take a plain-Python path with the same definitions.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mtfix.change import Edit
from mtfix.passes.rules._chinese_names import is_chinese_name_double
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, code_points

MAX_WORDS = 8
#: A phrase that comes back after exactly one word collapses only when it has this many words
#: ("the ninth volume of the ninth volume"); shorter ones are idioms ("the best of the best",
#: "a story within a story", "more and more").
MIN_ONE_WORD_GAP_PHRASE = 3
#: Below this length (code points) the plain-Python path is cheaper than numpy's set-up.
SMALL_TEXT = 2048

# Doubles that English uses on purpose (two copies only, any case).
ALLOWED_DOUBLES = frozenset("""
that had is bye so very no yes ha haha hee ho ta tut chop knock boo now well there come go
many far long much more again really never oh ah hear pretty tsk cha ooh aah uh huh hip mm
hmm night quick wait please dum tom la na da do be bla blah yada yeah same pom pooh goody
tick tock ding dong buzz hush shh sh bang boom tom-tom din dee doo wee pee bon yo hey pa ma
mama papa ba baa cuckoo chug puff toot tweet beep bye-bye you
""".split())
# Words repeated any number of times on purpose (song, laughter, stammer, "no no no").
INTERJECTIONS = frozenset("""
ha haha hee ho la na da bla blah yada no yes tick tock ding dong knock boo hush shh sh bang
boom dum doo dee wee beep toot tweet chug puff mm hmm oh ah
""".split())
# The one word between a phrase and its repeat in "X of X" loops ("the ninth volume of the ninth
# volume"); a content word there is ordinary English ("the more they enjoy the more they want").
LINK_WORDS = frozenset("and of is are was were has have to in being".split())
# Two-word periods of X-and-X idioms seen in the middle of a run ("over and over and over").
ALLOWED_PERIODS = frozenset({
    ("over", "and"), ("more", "and"), ("again", "and"), ("round", "and"), ("on", "and"),
    ("around", "and"), ("out", "and"), ("up", "and"), ("down", "and"), ("through", "and"),
    ("step", "by"), ("bit", "by"), ("one", "by"), ("little", "by"), ("side", "by"),
    ("day", "by"), ("day", "after"), ("time", "after"), ("year", "after"), ("face", "to"),
    ("back", "to"), ("thank", "you"), ("bye", "bye"), ("knock", "knock"), ("ha", "ha"),
    ("far", "and"), ("less", "and"), ("better", "and"), ("bigger", "and"), ("faster", "and"),
})

# (full-width "，" and "；" too: the fullwidth rule maps them to "," and ";" in the same run,
# and a loop that shows only then would be collapsed by a second run)
_SEP_RE = re.compile(r"[ \t]*[,;，；]?[ \t]*")
# " - ", " _ ": MT loops of tokens joined by a spaced dash ("neo - neo - neo"); as a separator
# only for three or more copies, since "win - win" or "Paris - Paris" are ordinary.
_LOOSE_SEP_RE = re.compile(r"[ \t]+[-_–—][ \t]+|[ \t]*[,;，；]?[ \t]*")
_JOINERS = frozenset({"-", "'", "’", "‐", "‑"})
_INNER_STOP = frozenset("\n\r.!?")
_ASCII_FOLD = {c: c + 32 for c in range(65, 91)}
_WORD_RE = re.compile(r"[^\W_\U00010000-\U0010FFFF]+")
_BLANKS_RE = re.compile(r"[ \t]+")


def _fold(s: str) -> str:
    """Case-fold ASCII letters; runs of spaces and tabs count as one space (the spacing rule
    shrinks them in the same run, and the copies must still be copies after it)."""
    s = s.lower() if s.isascii() else s.translate(_ASCII_FOLD)
    return _BLANKS_RE.sub(" ", s) if "  " in s or "\t" in s else s


# ---------------------------------------------------------------------------------------------
# Tokens: word start/end offsets and a hash per word (equal words -> equal hashes).


@functools.lru_cache(maxsize=1)
def _bmp_alnum() -> np.ndarray:
    return np.fromiter((chr(i).isalnum() for i in range(0x10000)), dtype=bool, count=0x10000)


@functools.lru_cache(maxsize=1)
def _ascii_tables() -> tuple[np.ndarray, np.ndarray]:
    word = np.array([chr(i).isalnum() for i in range(256)], dtype=bool)
    word[128:] = False  # only reached for ASCII text
    fold = np.arange(256, dtype=np.uint64)
    fold[65:91] += 32
    return word, fold


_MIX = [np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                                  0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD)]


def _tokens_np(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, keys, code points) of the words of ``text``, computed array-wise.

    A word's key mixes its length, its first three and its last character (ASCII-folded):
    equal words always get equal keys; the rare unequal words with equal keys only cost an
    exact string comparison later. Per-character work is two table look-ups in C."""
    raw = code_points(text)
    if raw.dtype == np.uint8:
        is_word = _ascii_tables()[0].take(raw)
    else:
        is_word = _bmp_alnum().take(raw, mode="clip")  # astral code points: 0xFFFF, not alnum
    # Word edges: where is_word flips, with a non-word on both sides (fewer passes than diff).
    padded = np.zeros(len(raw) + 2, dtype=bool)
    padded[1:-1] = is_word
    flips = np.flatnonzero(padded[1:] != padded[:-1])
    starts, ends = flips[::2], flips[1::2]
    last = ends - 1
    key = (ends - starts).astype(np.uint64)
    key *= _MIX[4]
    code = raw.dtype.type
    with np.errstate(over="ignore"):
        for mix, at in zip(_MIX, (starts, np.minimum(starts + 1, last),
                                  np.minimum(starts + 2, last), last), strict=False):
            chars = raw[at]
            chars += (chars - code(65) < 26) * code(32)  # A-Z -> a-z (wraps for the rest)
            mixed = chars.astype(np.uint64)
            mixed *= mix
            key ^= mixed
    return starts, ends, key, raw


def _tokens_py(text: str) -> tuple[list[int], list[int], list[int]]:
    """(starts, ends, hash of each word's _fold). The text is folded once: ASCII case changes
    keep every word's span, and a word holds no blank, so each folded word is its _fold."""
    folded = text.lower() if text.isascii() else text.translate(_ASCII_FOLD)
    starts, ends, hashes = [], [], []
    for m in _WORD_RE.finditer(folded):
        starts.append(m.start())
        ends.append(m.end())
        hashes.append(hash(m.group()))
    return starts, ends, hashes


# ---------------------------------------------------------------------------------------------
# Candidates: word positions where some period k has equal words at distance k.


def _need(k: int) -> int:
    """Equal words at distance k, in a row, that a loop of period k must have."""
    if k == 1:
        return 1
    # A k-word phrase may come back after one word with only its first k - 1 words.
    return k - 1 if k - 1 >= MIN_ONE_WORD_GAP_PHRASE else k


def _candidates_np(hashes: np.ndarray, plain_gap: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Sorted candidate word positions, and for each whether only period 1 matched there.

    ``plain_gap[w]``, when given, is False where the text after word w cannot be a loop
    separator; a loop of period k at p needs one after word p + k - 1."""
    n = len(hashes)
    found = []
    for k in range(1, MAX_WORDS + 1):
        if n <= k:
            break
        eq = hashes[k:] == hashes[:-k]
        need = _need(k)
        if need == 1:
            hits = np.flatnonzero(eq)
        else:
            both = eq[:-1] & eq[1:]  # two in a row: rules out most places cheaply
            hits = np.flatnonzero(both)
            for j in range(2, need):  # the few survivors: check the rest one offset at a time
                hits = hits[hits + j < len(eq)]
                hits = hits[eq[hits + j]]
        if plain_gap is not None and len(hits):
            hits = hits[plain_gap[hits + k - 1]]
        found.append(hits)
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return empty, np.empty(0, dtype=bool)
    period_one = found[0]
    others = np.unique(np.concatenate(found[1:])) if len(found) > 1 else period_one[:0]
    every = np.union1d(period_one, others)
    return every, ~np.isin(every, others, assume_unique=True)


def _may_repeat(text: str) -> bool:
    """False when :func:`_candidates_py` surely finds nothing in ``text``: no word equals the
    one k words on (k = 1..8) together with its neighbour (for k >= 2 every loop needs two
    equal words in a row at distance k, see :func:`_need`). Cheap (a segment's words are
    folded, split and compared in C), so most segments skip the per-word Python work.
    (Words are compared by text where :func:`_candidates_py` compares hashes: a collision
    could only make it try a candidate that :func:`_find_loop` rejects, as it compares text.)"""
    if text.isascii():  # words: runs of ASCII letters and digits, compared as bytes
        words = text.lower().encode().translate(_ASCII_NON_WORD).split()
    else:  # each = _fold(word) (a word holds no blank), hashed as _tokens_py hashes it
        words = list(map(hash, _WORD_RE.findall(text.translate(_ASCII_FOLD))))
    if len(set(words)) == len(words):
        return False
    eq = operator.eq
    if any(map(eq, words, words[1:])):
        return True
    pairs = set(itertools.pairwise(words))
    if len(pairs) == len(words) - 1:  # no two words in a row come back at any distance
        return False
    for k in range(2, MAX_WORDS + 1):
        same = list(map(eq, words, words[k:]))
        if True in same and any(map(operator.and_, same, same[1:])):
            return True
    return False


# ASCII bytes that are not alphanumeric (str.isalnum) -> space, so that split() gives the words
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128


def _candidates_py(hashes: Sequence[int]) -> list[int]:
    """Sorted word positions p where, for some period k, the words p .. p + _need(k) - 1
    equal the words k on (:func:`_candidates_reference`, one comparison list per k in C:
    a long looping segment has thousands of words)."""
    n = len(hashes)
    if len(set(hashes)) == n:
        return []
    found: set[int] = set()
    eq = operator.eq
    for k in range(1, MAX_WORDS + 1):
        if n <= k:
            break
        same = list(map(eq, hashes, hashes[k:]))  # same[i]: word i equals word i + k
        if True not in same:
            continue
        need, size = _need(k), len(same)
        hits = itertools.compress(range(size), same)
        if need == 1:
            found.update(hits)
        else:
            found.update(p for p in hits if p + need <= size
                         and all(same[p + j] for j in range(1, need)))
    return sorted(found)


def _candidates_reference(hashes: Sequence[int]) -> list[int]:
    """:func:`_candidates_py` word by word, as it was written first (the tests compare)."""
    n = len(hashes)
    if len(set(hashes)) == n:
        return []
    out = []
    for p in range(n - 1):
        h = hashes[p]
        for k in range(1, MAX_WORDS + 1):
            if p + k >= n:
                break
            if hashes[p + k] != h:
                continue
            need = _need(k)
            if p + k + need <= n and all(hashes[p + j] == hashes[p + k + j] for j in range(need)):
                out.append(p)
                break
    return out


# ---------------------------------------------------------------------------------------------
# Exact check of one candidate and the decision.


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop found at kept-word position ``p``: ``copies`` full copies of a ``period``-word
    phrase, then ``partial`` words of one more copy."""

    p: int
    period: int
    copies: int
    partial: int

    @property
    def words(self) -> int:
        return self.period * self.copies + self.partial

    def span(self) -> tuple[int, int]:
        """(words kept from p, words deleted after them). Two or more copies: the first copy
        stays and the other full copies go; a partial copy after them stays too ("not in a
        nozzle, not in a nozzle, not in a scone" -> "not in a nozzle, not in a scone"; a
        rotated loop "X of X of X" becomes "X of X", which the next round reduces to "X").
        One copy + partial ("X of X"): the first X stays, " of X" goes."""
        if self.copies == 1:
            return self.partial, self.period
        return self.period, self.period * (self.copies - 1)


class _State:
    """The words still in the text (after deletions so far) and the text between them."""

    def __init__(self, text: str, starts, ends, hashes) -> None:
        self.text = text
        self.starts, self.ends, self.hashes = starts, ends, hashes
        # Per-word look-ups (thousands per candidate-rich text) go through memoryviews of the
        # arrays: they give Python ints, which index and slice faster than numpy scalars.
        self._starts, self._ends, self._keys = (_scalars(starts), _scalars(ends),
                                                _scalars(hashes))
        self.kept = None  # None: every word
        self.gap_start: dict[int, int] = {}  # word -> where the text after it now starts

    @property
    def kept(self) -> np.ndarray | None:
        """Kept word -> word index (set after a round of deletions)."""
        return self._kept_array

    @kept.setter
    def kept(self, value: np.ndarray | None) -> None:
        self._kept_array = value
        self._kept = None if value is None else _scalars(value)
        self.n = len(self.hashes) if value is None else len(value)

    def __len__(self) -> int:
        return self.n

    def is_kept(self, w: int) -> bool:
        """Is word w (an index into all words) still in the text?"""
        if self._kept is None:
            return True
        i = bisect.bisect_left(self._kept, w)
        return i < self.n and self._kept[i] == w

    def word(self, q: int) -> int:
        return q if self._kept is None else self._kept[q]

    def key(self, q: int) -> int:
        return self._keys[q if self._kept is None else self._kept[q]]

    def word_text(self, q: int) -> str:
        w = q if self._kept is None else self._kept[q]
        return self.text[self._starts[w]:self._ends[w]]

    def gap(self, q: int) -> str:
        """The text between kept words q and q + 1 (or to the end of the text)."""
        kept = self._kept
        w = q if kept is None else kept[q]
        start = self.gap_start.get(w)
        if start is None:
            start = self._ends[w]
        if q + 1 < self.n:
            end = self._starts[q + 1 if kept is None else kept[q + 1]]
        else:
            end = len(self.text)
        return self.text[start:end]

    def gap_before(self, q: int) -> str:
        return self.gap(q - 1) if q > 0 else ""

    def phrase(self, q: int, k: int) -> str:
        if self._kept is None:  # first round: nothing at or after a candidate was deleted yet
            return self.text[self._starts[q]:self._ends[q + k - 1]]
        parts = []
        for j in range(k):
            parts.append(self.word_text(q + j))
            if j < k - 1:
                parts.append(self.gap(q + j))
        return "".join(parts)


def _scalars(values):
    """Indexable like ``values``, giving Python ints (a memoryview of a numpy array)."""
    return memoryview(values) if isinstance(values, np.ndarray) else values


def _find_loop(state: _State, p: int) -> Loop | None:
    """The smallest-period loop starting at kept word ``p``, checked exactly, or None."""
    n = len(state)
    if p > 0 and state.gap(p - 1) in _JOINERS:
        return None  # inside a compound or a contraction ("pre-war war")
    key = state.key
    first = key(p)
    for k in range(1, MAX_WORDS + 1):
        if p + k >= n:
            return None
        if key(p + k) != first:
            continue
        loose = not _SEP_RE.fullmatch(state.gap(p + k - 1))
        if loose and not _LOOSE_SEP_RE.fullmatch(state.gap(p + k - 1)):
            continue  # (both kinds of loop need a separator before word p + k)
        same = 1  # words equal (by key) at distance k, from p on, up to one full copy
        while same < k and p + k + same < n and key(p + same) == key(p + k + same) and \
                _LINE_BREAK.isdisjoint(state.gap(p + k + same - 1)):
            same += 1  # (a copy ends at a line break, as the text would end there)
        if same < k and (loose or not same == k - 1 >= MIN_ONE_WORD_GAP_PHRASE):
            continue
        phrase = state.phrase(p, k)
        if _INNER_STOP.intersection(phrase) or not any(c.isalpha() for c in phrase):
            continue
        folded = _fold(phrase)
        if same == k:  # two copies by key: count exact copies, each after a plain separator
            copies = 1
            while p + (copies + 1) * k <= n:
                q = p + copies * k
                sep = _SEP_RE if not loose else _LOOSE_SEP_RE
                if not sep.fullmatch(state.gap(q - 1)) or _fold(state.phrase(q, k)) != folded:
                    break
                copies += 1
            if copies < (3 if loose else 2):
                continue
            tail_at = p + copies * k
            tail = 0
            if tail_at < n and (_LOOSE_SEP_RE if loose else _SEP_RE).fullmatch(
                    state.gap(tail_at - 1)):
                limit = min(k - 1, n - tail_at)
                while tail < limit and key(tail_at + tail) == key(p + tail):
                    tail += 1
                while tail and _fold(state.phrase(tail_at, tail)) != _fold(state.phrase(p, tail)):
                    tail -= 1
        else:  # one copy, one word, then the phrase again minus its last word ("X of X")
            copies, tail_at, tail = 1, p + k, k - 1
            if not _SEP_RE.fullmatch(state.gap(p + k - 2)) or state.gap(p + k - 1).strip(" \t"):
                continue  # "X, and X" is fine; "X and, X" or "X. And X" is not
            if _fold(state.phrase(tail_at, tail)) != _fold(state.phrase(p, tail)):
                continue
        last = tail_at + tail - 1
        if state.gap(last) in _JOINERS and last + 1 < n:
            continue  # the run ends inside a compound ("war war's", "end end-of-line")
        return Loop(p, k, copies, tail)
    return None


def _name_double_at(state: _State, p: int) -> bool:
    """Are kept words p and p + 1 a doubled Chinese name ("Yang Yang", "He Yin Yin"), not a
    stutter? See :func:`is_chinese_name_double`."""
    before = state.word_text(p - 1) if p > 0 and state.gap(p - 1) == " " else ""
    return is_chinese_name_double(state.word_text(p), state.word_text(p + 1), before)


_WORD_BEFORE_RE = re.compile(r"([^\W\d_]+) \Z")


def _word_before(text: str, at: int) -> str:
    """The word that ends one space before ``at`` ("" if there is none)."""
    m = _WORD_BEFORE_RE.search(text, max(0, at - 24), at)
    return m.group(1) if m else ""


_NAME_DOUBLE = ("capitalised word repeated: delete the copy if this is an MT loop, keep it if "
                "it is a name ('Sirhan Sirhan')")
_WORD_DOUBLE = "word repeated twice: delete the copy if it is an MT stutter"


#: Copies of a multi-word phrase from which a loop is applied, not only flagged.
MIN_APPLIED_PHRASE_COPIES = 4
#: Copies from which a loop that makes up a quotation is applied (fewer: a quoted chant).
MIN_APPLIED_QUOTED_COPIES = 8
#: Copies of a single word from which a loop is applied ("Rival Rival ... Rival").
MIN_APPLIED_WORD_COPIES = 10


def _decide(state: _State, loop: Loop) -> tuple[bool, bool, str]:
    """(act, flag, note): act=False means leave it alone; flag=True means propose only.

    Applied (changed) are only generation loops no writer produces: a phrase of 2+ words
    four or more times in a row, or one word ten or more times, inside a line that has other
    words too, not a short quotation, and holding no digit. Everything else that looks like a
    loop is flagged with the collapse proposed, because on MLQE-PE train post-edits only those
    loops were right often enough (see the module docstring for the figures)."""
    k, copies = loop.period, loop.copies
    words = [_fold(state.word_text(loop.p + j)) for j in range(k)]
    if _rest_of_applied_loop(state, loop):
        # What an applied collapse left ("X of X" after "X of X of X of X" lost two copies):
        # the same loop, finished in a later round.
        return True, False, f"{k}-word phrase repeated in a row"
    if k == 1:
        word = words[0]
        if word in INTERJECTIONS or (copies == 2 and word in ALLOWED_DOUBLES):
            return False, False, ""
        if copies == 2:
            if any(c in state.gap(loop.p) for c in ",;，；"):
                return False, False, ""  # "it, it", "Father, Father": clause or vocative
            if _name_double_at(state, loop.p):
                return False, False, ""  # "Yang Yang", "Lang Lang": a Chinese name
            # Measured on MLQE-PE/ACCEPT train: post-editors keep about 1 in 7 of these
            # ("very very", "HijackThis HijackThis", "church church", taxa such as
            # "Rupicapra rupicapra"), so a double is only flagged, with the collapse proposed.
            return True, True, (_NAME_DOUBLE if state.word_text(loop.p)[:1].isupper()
                                else _WORD_DOUBLE)
        # Fewer copies: "B6, B6, B6", "Siya, Siya, Siya", "church church church" are lists,
        # chants and names as often as loops (train: right 49 times, wrong 23).
        return _loop_verdict(state, loop, f"word repeated {copies}x in a row",
                             copies >= MIN_APPLIED_WORD_COPIES)
    if k == 2 and (tuple(words) in ALLOWED_PERIODS or tuple(words[::-1]) in ALLOWED_PERIODS):
        return False, False, ""  # "over and over and over", "more and more and more"
    if copies == 2 and ";" in state.gap(loop.p + k - 1):
        return False, False, ""  # "is the same; the same is": a clause boundary
    if copies == 1:
        if words[-1] not in LINK_WORDS:
            return False, False, ""  # "the more they enjoy the more they want"
        # "the ninth volume of the ninth volume", "X, and X": train 80 right, 31 wrong.
        return True, True, (f"{k - 1}-word phrase repeated after one word "
                            f"('{' '.join(words[:-1])} {words[-1]} {' '.join(words[:-1])}'): "
                            "delete the repeat if this is an MT loop")
    note = f"{k}-word phrase repeated {copies}x in a row"
    if any(c.isdigit() for w in words for c in w):
        # "negative 120 degrees, negative 120 degrees, 0 degrees, 0 degrees": a list of values,
        # in human references too (WMT MQM TED zh-en), never marked as an error there.
        return True, True, note + ": it holds a number; delete the copy only if it is a loop"
    # "the ninth volume of the ninth volume of the ninth volume": two copies of "X of" and a
    # last X are three copies of X.
    occurrences = copies + (loop.partial == k - 1 >= MIN_ONE_WORD_GAP_PHRASE
                            and words[-1] in LINK_WORDS)
    # Fewer copies: "never say anything, never say anything", "Think about the cost, the cost
    # of labor" are emphasis, apposition or a slogan as often as a loop (train: 74 right, 25
    # wrong; WMT MQM TED human references hold such repeats).
    return _loop_verdict(state, loop, note, occurrences >= MIN_APPLIED_PHRASE_COPIES)


def _loop_verdict(state: _State, loop: Loop, note: str, long_enough: bool
                  ) -> tuple[bool, bool, str]:
    """Apply a loop with enough copies; flag it when it may be deliberate:

    * on a line that is nothing but the loop ("My Lord, my Lord, my Lord, my Lord!", "Sia
      graduate, Sia graduate, Sia graduate."): a chant, a refrain or a list as often as a loop;
    * a few copies that make up a quotation ('chanted "Yes we can, yes we can, yes we can,
      yes we can"'; a quoted loop of 13 "my lady" is still applied);
    * copies joined without a space or made of notation ("?tags=red,blue,red,blue",
      "PATH=foo;bar;foo;bar", "a b a b a b a b", "tick tock tick tock"): data or code.
    """
    if not long_enough:
        return True, True, note + ": delete the copies if this is an MT loop"
    start = _loop_start(state, loop)
    if not _has_other_words(state, loop, start):
        return True, True, note + " and nothing else on the line: delete the copies if this " \
            "is an MT loop"
    if loop.copies < MIN_APPLIED_QUOTED_COPIES and _quoted(state, loop, start):
        return True, True, note + " inside quotation marks: delete the copies if this is an " \
            "MT loop"
    if _tight(state, loop) or _notation(state, loop):
        return True, True, note + ": data, code or notation? delete the copies if this is " \
            "an MT loop"
    return True, False, note


def _tight(state: _State, loop: Loop) -> bool:
    """Are the copies joined without a space ("red,blue,red,blue", "foo;bar;foo")?"""
    gap = state.gap(loop.p + loop.period - 1)
    # (a full-width comma or semicolon carries its own space: "my lady，my lady" is prose)
    return " " not in gap and "\t" not in gap and "，" not in gap and "；" not in gap


def _notation(state: _State, loop: Loop) -> bool:
    """Is the phrase made of one-character words ("a b", "x, y", "A T") or of interjections
    ("tick tock", "ding dong")?"""
    words = [_fold(state.word_text(loop.p + j)) for j in range(loop.period)]
    return all(len(w) == 1 for w in words) or all(w in INTERJECTIONS for w in words)


# Quotation marks, and what delimits a quotation or code the same way (brackets, CJK corner
# brackets, Markdown emphasis, backticks).
_OPENING_QUOTES = frozenset("\"'“‘«„‚‹「『（(*`")
_CLOSING_QUOTES = frozenset("\"”»›」』）)*`")  # not ' or ’: after a word they are apostrophes


def _quoted(state: _State, loop: Loop, start: int) -> bool:
    """Does an opening quotation mark come right before the loop (from its first word
    ``start``, see ``_loop_start``) or a closing one right after it (past , . ; : ! ?)?"""
    first = state.word(start)
    before = state.text[:int(state.starts[first])].rstrip(" \t")[-1:]
    if before and before in _OPENING_QUOTES:
        return True
    last = loop.p + loop.words - 1
    after = state.gap(last).lstrip(" \t,.;:!?")[:1]
    return bool(after) and after in _CLOSING_QUOTES


def _loop_start(state: _State, loop: Loop) -> int:
    """The loop's first word: ``loop.p`` extended to the left over words that continue it
    ("My Lord, my Lord, my Lord" seen from its second word is the loop "Lord, my" preceded by
    "My", which belongs to it)."""
    start = loop.p
    while start > 0 and start - 1 + loop.period < len(state) and \
            state.key(start - 1) == state.key(start - 1 + loop.period) and \
            not _LINE_BREAK.intersection(state.gap(start - 1)):
        start -= 1
    return start


def _rest_of_applied_loop(state: _State, loop: Loop) -> bool:
    """Was text deleted by this rule right after one of the loop's words (a deletion joined
    the words now found to repeat)?"""
    if not state.gap_start:
        return False
    end = min(loop.p + loop.words, len(state))
    if len(state.gap_start) < end - loop.p:
        # Fewer deletion points than loop words: test each point (a kept word in range?).
        first, last = state.word(loop.p), state.word(end - 1)
        return any(first <= w <= last and state.is_kept(w) for w in state.gap_start)
    return any(state.word(q) in state.gap_start for q in range(loop.p, end))


def _has_other_words(state: _State, loop: Loop, start: int) -> bool:
    """Is there a word on the same line before the loop's first word ``start`` (see
    ``_loop_start``) or after its last?"""
    before = start - 1
    if before >= 0 and not _LINE_BREAK.intersection(state.gap(before)):
        return True
    last = loop.p + loop.words - 1
    return last + 1 < len(state) and not _LINE_BREAK.intersection(state.gap(last))


_LINE_BREAK = frozenset("\n\r")


@register_rule
class RepetitionRule(BaseRule):
    id = "repetition"
    description = ("Collapse MT generation loops (a phrase 4+ times, a word 10+ times: 'my "
                   "lady, my lady, my lady, my lady' -> 'my lady'); shorter repeats are "
                   "flagged with the collapse proposed.")
    default = True
    flag_only = False
    scope = "inline"
    line_local = True
    # A loop never spans a line break (no separator holds one) and every look around it
    # (quotes, other words, a name before a double) stops at the line's ends.
    line_exact = True
    order = 30

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        flags: dict[tuple[int, int], Edit] = {}
        if len(text) < SMALL_TEXT:
            if not _may_repeat(text):
                return []
            starts, ends, hashes = _tokens_py(text)
            candidates = _candidates_py(hashes)
        else:
            starts, ends, hashes, raw = _tokens_np(text)
            found, period_one = _candidates_np(hashes, _plain_gaps(starts, ends, raw))
            if len(found) == 0:
                return []
            simple = _simple_doubles(found, period_one, starts, ends, hashes, raw)
            self._flag_doubles(text, guard, found[simple], starts, ends, hashes, raw,
                               flags)
            candidates = found[~simple].tolist()
        if not candidates:
            return list(flags.values())
        state = _State(text, starts, ends, hashes)
        deleted: list[tuple[int, int, str]] = []
        while candidates:
            removed: list[int] = []  # kept positions deleted in this round
            junctions: list[int] = []
            cursor = -1
            # A start one or more whole periods into a flagged loop, not near its end, sees the
            # same loop with fewer copies (a flag inside the first one): skipping those starts
            # keeps a flagged loop of n copies from costing n^2 (5,000 "my lady," took
            # minutes). Other phases are still tried: a rotation may decide differently.
            same_phase: set[int] = set()
            for p in candidates:
                if p < cursor or p in same_phase:
                    continue
                loop = _find_loop(state, p)
                if loop is None:
                    continue
                act, flag, note = _decide(state, loop)
                if not act:
                    if loop.period <= 2:  # a one-word or X-and-X run reads the same from
                        cursor = p + loop.period * loop.copies  # any later start
                    continue  # otherwise a later start may see a loop that acts
                keep, drop = loop.span()
                if loop.partial == loop.period - 1 >= MIN_ONE_WORD_GAP_PHRASE and _fold(
                        state.word_text(p + loop.period - 1)) in LINK_WORDS:
                    # "X of X of X": the copies of "X of" and the last X all go, one X stays
                    keep, drop = loop.partial, loop.words - loop.partial
                first_gone, last_gone = p + keep, p + keep + drop - 1
                start = int(state.ends[state.word(first_gone - 1)])
                end = int(state.ends[state.word(last_gone)])
                if guard and guard.touches(start, end) and (
                        flag or not guard.may_delete_over(start, end)):
                    continue
                if flag:
                    # Not applied: a later start may see a rotation of these words that is a
                    # plain loop ("and X, and X." vs "X, and X"); flags that end up overlapping
                    # a deletion are dropped below.
                    flags.setdefault((start, end), Edit(start, end, "", self.id, note, flag=True))
                    same_phase.update(range(p + loop.period,
                                            p + loop.words - 2 * MAX_WORDS, loop.period))
                    continue
                cursor = last_gone + 1
                deleted.append((start, end, note))
                removed.extend(range(first_gone, last_gone + 1))
                junctions.append(first_gone)
                # The text after the kept word now starts where the deleted word ended.
                kept_word, gone_word = state.word(first_gone - 1), state.word(last_gone)
                state.gap_start[kept_word] = state.gap_start.get(gone_word, state.ends[gone_word])
            if not removed:
                break
            candidates = self._recheck(state, removed, junctions)
        deleted.sort()
        edits = _merge(deleted, self.id)
        if flags:
            deletions = list(edits)  # sorted, and they do not overlap
            ends_at = [e.end for e in deletions]
            for f in flags.values():
                i = bisect.bisect_right(ends_at, f.start)
                if i == len(deletions) or deletions[i].start >= f.end:
                    edits.append(f)
        return edits

    def _flag_doubles(self, text: str, guard: SpanGuard, at: np.ndarray, starts: np.ndarray,
                      ends: np.ndarray, keys: np.ndarray, raw: np.ndarray,
                      flags: dict[tuple[int, int], Edit]) -> None:
        """Flags for isolated "word word" doubles (see :func:`_simple_doubles`): exactly what
        the general path decides for them, without its bookkeeping. Random text has thousands
        ("the the"), so the exact word comparison and the allow-list test run array-wise and
        Python only builds the flags."""
        at = at[_same_folded_words(at, starts, ends, raw)]
        allowed = np.isin(keys[at], _allowed_double_keys())
        for s0, e0, e1, check in zip(starts[at].tolist(), ends[at].tolist(),
                                     ends[at + 1].tolist(), allowed.tolist(), strict=True):
            word = text[s0:e0]
            if word.isnumeric():
                continue
            if check:  # the key of an allowed word: compare the words themselves
                folded = _fold(word)
                if folded in INTERJECTIONS or folded in ALLOWED_DOUBLES:
                    continue
            if guard and guard.touches(e0, e1):
                continue
            if word[:1].isupper() and is_chinese_name_double(word, text[e1 - len(word):e1],
                                                             _word_before(text, s0)):
                continue  # "Yang Yang", "Lang Lang": a Chinese name
            flags[(e0, e1)] = Edit(e0, e1, "", self.id, _NAME_DOUBLE if word[:1].isupper()
                                   else _WORD_DOUBLE, None, True)

    @staticmethod
    def _recheck(state: _State, removed: list[int], junctions: list[int]) -> list[int]:
        """Drop the deleted words; return the candidates of the new word sequence that may
        start a loop across a deletion point. Elsewhere the words did not change, so only
        short windows around the deletion points are searched."""
        n = len(state)
        kept = np.ones(n, dtype=bool)
        kept[removed] = False
        old = np.arange(n) if state.kept is None else np.asarray(state.kept)
        state.kept = old[kept]
        new_n = len(state.kept)
        # The kept word right before each deletion, in the new sequence.
        joints = (np.cumsum(kept) - 1)[np.asarray(junctions) - 1]
        reach = 2 * MAX_WORDS + 1
        lo = np.maximum(joints - reach, 0)
        hi = np.minimum(joints + reach + 1, new_n)
        # Merge overlapping windows, then lay them end to end with a unique separator key
        # between two windows so that no period matches across the gap.
        order = np.argsort(lo, kind="stable")
        lo, hi = lo[order], np.maximum.accumulate(hi[order])
        new_window = np.ones(len(lo), dtype=bool)
        new_window[1:] = lo[1:] > hi[:-1]
        first = np.flatnonzero(new_window)
        lo = lo[first]
        hi = np.append(hi[first[1:] - 1], hi[-1])
        sizes = hi - lo + 1  # each window and its separator
        offsets = np.cumsum(sizes) - sizes
        within = np.arange(sizes.sum()) - np.repeat(offsets, sizes)
        where = np.repeat(lo, sizes) + within
        is_gap = within == np.repeat(sizes - 1, sizes)
        where[is_gap] = -1
        keys_all = state.hashes if isinstance(state.hashes, np.ndarray) else np.array(
            state.hashes, dtype=np.int64)
        keys = keys_all[state.kept[np.where(is_gap, 0, where)]]
        gap_ids = np.flatnonzero(is_gap)
        if keys.dtype == np.uint64:
            keys[gap_ids] = _SENTINEL - gap_ids.astype(np.uint64)
        else:
            keys[gap_ids] = -(2**62) - gap_ids
        found = where[_candidates_np(keys)[0]]
        return found[found >= 0].tolist()


_SENTINEL = np.uint64(2**64 - 1)
def _plain_gaps(starts: np.ndarray, ends: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """For each word, False where the text after it is surely no loop separator (spaces or
    tabs with at most one , or ;): its first, second or last character is something else
    ("neo - neo", "<unk> <unk>", "vocabulary _ vocabulary"). A superset of the exact check."""
    if len(starts) < 2:
        return np.ones(len(starts), dtype=bool)
    gap_start, gap_end = ends[:-1], starts[1:]
    ok = np.ones(len(starts), dtype=bool)
    for at in (gap_start, gap_end - 1):
        c = raw[at]
        ok[:-1] &= (c == 32) | (c == 9) | (c == 44) | (c == 59) | _fullwidth_separator(c)
    c = raw[np.minimum(gap_start + 1, gap_end - 1)]  # " - " and " _ " are loose separators
    ok[:-1] &= (c == 32) | (c == 9) | (c == 44) | (c == 59) | (c == 45) | (c == 95) | (
        c == 0x2013) | (c == 0x2014) | _fullwidth_separator(c)
    return ok


def _fullwidth_separator(c: np.ndarray) -> np.ndarray:
    """Which code points are a full-width comma or semicolon ("，", "；"), separators like
    "," and ";" (see ``_SEP_RE``)."""
    return (c == 0xFF0C) | (c == 0xFF1B)


_JOINER_CODES = np.array(sorted(ord(c) for c in _JOINERS))


def _same_folded_words(at: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                       raw: np.ndarray) -> np.ndarray:
    """For each word position p in ``at``: are words p and p + 1 equal after ASCII folding
    (what :func:`_fold` does to a word)? Compared character by character, array-wise."""
    lengths = ends[at] - starts[at]
    same = lengths == ends[at + 1] - starts[at + 1]
    if not same.any():
        return same
    pairs = np.flatnonzero(same)
    sizes = lengths[pairs]
    offsets = np.cumsum(sizes) - sizes
    within = np.arange(int(sizes.sum())) - np.repeat(offsets, sizes)
    first = raw[np.repeat(starts[at[pairs]], sizes) + within]
    second = raw[np.repeat(starts[at[pairs] + 1], sizes) + within]
    code = raw.dtype.type
    first = first + (first - code(65) < 26) * code(32)
    second = second + (second - code(65) < 26) * code(32)
    same[pairs] = np.logical_and.reduceat(first == second, offsets)
    return same


@functools.lru_cache(maxsize=1)
def _allowed_double_keys() -> np.ndarray:
    """The keys (:func:`_tokens_np`) of the one-token words a double may repeat on purpose;
    a double whose key is not among them is surely not allowed."""
    words = sorted(w for w in INTERJECTIONS | ALLOWED_DOUBLES if w.isalnum())
    return np.unique(_tokens_np(" ".join(words))[2])  # keys depend only on the code points


def _simple_doubles(found: np.ndarray, period_one: np.ndarray, starts: np.ndarray,
                    ends: np.ndarray, keys: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Which candidates are a plain "word word" double: only period 1 matches there, the same
    key twice (not three times), one space between, no joiner ("-", "'") on either side, and
    no other kind of candidate within reach. The general path can only flag or ignore such a
    double (it deletes nothing), so deciding them in one quick loop gives the same result.
    Random and real text has many of them ("the the")."""
    n = len(keys)
    p = found
    ok = period_one & (p + 1 < n)
    p1 = np.minimum(p + 1, n - 1)
    p2 = np.minimum(p + 2, n - 1)
    ok &= (p + 2 >= n) | (keys[p2] != keys[p])
    ok &= (starts[p1] - ends[p] == 1) & (raw[np.minimum(ends[p], len(raw) - 1)] == 32)
    prev = np.maximum(p - 1, 0)
    ok &= ~((p > 0) & (starts[p] - ends[prev] == 1) & np.isin(
        raw[np.maximum(starts[p] - 1, 0)], _JOINER_CODES))
    ok &= ~((p + 2 < n) & (starts[p2] - ends[p1] == 1) & np.isin(
        raw[np.minimum(ends[p1], len(raw) - 1)], _JOINER_CODES))
    others = p[~ok]
    if len(others):
        reach = 2 * MAX_WORDS + 1
        at = np.searchsorted(others, p)
        after = others[np.minimum(at, len(others) - 1)]
        before = others[np.maximum(at - 1, 0)]
        near = ((at < len(others)) & (after - p <= reach)) | ((at > 0) & (p - before <= reach))
        ok &= ~near
    return ok


def _merge(deleted: list[tuple[int, int, str]], rule: str) -> list[Edit]:
    """Deletions from all rounds as edits; ones that overlap or touch (a later round deleted
    across an earlier deletion) become one edit."""
    edits: list[Edit] = []
    for start, end, note in deleted:
        if edits and start <= edits[-1].end:
            last = edits[-1]
            edits[-1] = Edit(last.start, max(last.end, end), "", rule, last.note)
        else:
            edits.append(Edit(start, end, "", rule, note))
    return edits
