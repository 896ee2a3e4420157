"""Mid-sentence capitals: "meeting Discussion Comprehensively summarize".

MT of headline-style sources leaves capitals in the middle of sentences. Most capitals there
are proper nouns, which must survive, so the rule only looks at words that real English writes
in lower case mid-sentence (``common-words.txt``, derived from post-edited English by
``benchmarks/common_words.py``: a word qualifies only if it is capitalised after a lower-case
word at most 0.5% of the time, so "Public", "Security", "Battle" never qualify).

* A capitalised closed-class word (``FUNCTION_WORDS``: "The", "Because", "They", "With", ...)
  right after a lower-case word or a comma is FLAGGED ("important, Because insurance", "86.6%
  of young people They all use"); not after a comma that follows a sentence end (". , It").
  A capitalised content word alone is left alone: read next to source and references on the
  WMT22 zh-en outputs, such flags were titles and headlines in title case ("Gains and Losses",
  "Feeling the Stones"), list items and field labels ("Display effect:") in 16 of 16 cases.
* The flag proposes the lower-case form when it is a closed-class word (``FUNCTION_WORDS``: "The",
  "And", "Of", ...), the previous word is lower-case (not after a comma or sentence end) and
  the next word is lower-case too. Applying that proposal was measured right in only 1 of 7
  cases on post-edited MT ("from To the Moon", "with His help"), so nothing is changed.
* Two or more capitalised words in a row are a name or a title ("the Provincial Public
  Security Department") unless one of them is a common -ly adverb ("Discussion
  Comprehensively"): then the run is flagged.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

from mtfix.change import Edit
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, code_points, keep_clear

COMMON_WORDS_FILE = Path(__file__).with_name("common-words.txt")

FUNCTION_WORDS = frozenset("""
a an the and or but nor of in on at to for with from by as into onto upon about than
is are was were be been being has have had do does did will would shall should can could
may might must this that these those it its they them their he him his she her we our us
which who whom whose what when where while whether if so not also only such each both
all any some very more most other another there then thus however therefore
because you your i although though since unless
""".split())

# Adverb endings that names do not have ("Comprehensively", "Effectively", "Seriously").
_ADVERB_SUFFIXES = ("ively", "ically", "ously", "fully", "ently", "antly", "ately", "lessly")
_NEXT_RE = re.compile(r"[ \t]+([A-Za-z][a-z]*)")
_RUN_RE = re.compile(r"(?:[ \t]+[A-Z][a-z]+(?![\w'’-]))+")


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    words = set()
    for line in COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


# "<lower-case letter or comma> <Capitalised word>", the word captured: the candidates of a
# short text are those whose word is a common word. (An automaton of the 51,000 "c Word"
# patterns found the same, but took ~0.2 s to build in every process.)
# (The search starts at a space, which the regex engine finds fast; the letter or comma
# before it is checked after the rarer capitalised word.)
_CANDIDATE_RE = re.compile(r" ([A-Z][a-z]+)")
_LEADS = frozenset("abcdefghijklmnopqrstuvwxyz,")


def _candidates_py(text: str) -> list[int]:
    """What :func:`_candidates_np` gives, for a short text: the position of the letter or
    comma before each "[a-z,] [A-Z][a-z]+" whose word, lower-cased, is a common word."""
    common = common_words()
    return [m.start() - 1 for m in _CANDIDATE_RE.finditer(text, 1)
            if m.group(1).lower() in common and text[m.start() - 1] in _LEADS]


#: Below this length (code points) a regex is cheaper than numpy's set-up.
SMALL_TEXT = 2048
_HASH_BASE = np.uint64(0x100000001B3)
_HASH_MIX = np.uint64(0x9E3779B97F4A7C15)
_TABLE_BITS = 18


def _word_hashes(raw: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position in ``at`` (a capital A-Z there): the hash of the lower-cased word
    "[A-Z][a-z]*" that starts there, and its length."""
    n = len(raw)
    hashes = raw[at].astype(np.uint64) + np.uint64(32)
    lengths = np.ones(len(at), dtype=np.int64)
    alive = np.arange(len(at))
    with np.errstate(over="ignore"):
        while len(alive):
            nxt = at[alive] + lengths[alive]
            inside = nxt < n
            alive, nxt = alive[inside], nxt[inside]
            chars = raw[nxt]
            lower = chars - chars.dtype.type(97) < 26
            alive, chars = alive[lower], chars[lower]
            hashes[alive] = hashes[alive] * _HASH_BASE + chars.astype(np.uint64)
            lengths[alive] += 1
    return hashes, lengths


def _slots(hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (hashes * _HASH_MIX) >> np.uint64(64 - _TABLE_BITS)


@functools.lru_cache(maxsize=1)
def _common_table() -> np.ndarray:
    """A one-hash Bloom filter of the common words: False means surely not a common word."""
    words = sorted(common_words())
    raw = np.frombuffer(" ".join(w.capitalize() for w in words).encode("ascii"), dtype=np.uint8)
    at = np.flatnonzero((raw - np.uint8(65)) < 26)
    table = np.zeros(1 << _TABLE_BITS, dtype=bool)
    table[_slots(_word_hashes(raw, at)[0])] = True
    return table


def _candidates_np(text: str) -> list[int]:
    """The candidates, array-wise, as positions of the "<lower-case letter or comma>"
    before the space before the word: every "[a-z,] [A-Z][a-z]+" whose word may be a common
    word (a Bloom filter of them; its rare false hits end at the membership test in
    ``find``, which skips them without a trace, so this finds what :func:`_candidates_py`
    finds). A common word that is only the beginning of a longer word ("Form" in "Formula")
    is no candidate: ``find`` would skip it whatever its number."""
    raw = code_points(text)
    code = raw.dtype.type
    spaces = np.flatnonzero(raw[1:-1] == 32) + 1
    before = raw[spaces - 1]
    spaces = spaces[(before - code(97) < 26) | (before == 44)]
    spaces = spaces[raw[spaces + 1] - code(65) < 26]
    if not len(spaces):
        return []
    hashes, lengths = _word_hashes(raw, spaces + 1)
    maybe = (lengths >= 2) & _common_table()[_slots(hashes)]
    return (spaces[maybe] - 1).tolist()


@register_rule
class CapitalsRule(BaseRule):
    id = "capitals"
    description = ("Flag capitalised function words mid-sentence ('important, Because it') "
                   "and capital runs around an adverb ('meeting Discussion Comprehensively'); "
                   "flag only: proper nouns and titles must survive.")
    default = True
    # Lower-casing even function words between lower-case words was right in 1 of 7 cases on
    # post-edited MT (titles: "from To the Moon", "with His help"), so the rule only flags.
    flag_only = True
    scope = "inline"
    line_local = True
    order = 50

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        if len(text) < SMALL_TEXT:
            starts = _candidates_py(text)
        else:
            starts = _candidates_np(text)
        if not starts:
            return []
        common = common_words()
        edits: list[Edit] = []
        covered = -1
        for start in starts:
            word_start = start + 2
            if word_start < covered:
                continue
            if text[start] != ",":
                # The previous word must be lower-case as a whole ("meeting", not "Party").
                prev_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
                if not text[prev_start].islower():
                    continue
            elif text[max(0, start - 2):start].rstrip()[-1:] in (".", "!", "?"):
                continue  # "use. , It is": a sentence starts; the stray comma is the error
            m = _RUN_RE.match(text, start + 1)
            if m is None:
                continue  # the word goes on ("Discussions", "The-")
            run = m.group().split()
            first = run[0]
            if first.lower() not in common:
                continue
            if len(run) == 1:
                if first.lower() not in FUNCTION_WORDS:
                    covered = m.end()
                    continue  # a content word: a title or a label far more often than not
                proposal = first[0].lower() + first[1:]
                edits.append(Edit(word_start, word_start + len(first),
                                  proposal if self._lowercase_ok(text, start, m.end(), first)
                                  else None, self.id,
                                  "capitalised mid-sentence; lower-case unless a name or title",
                                  flag=True))
                covered = m.end()
                continue
            adverbs = [w for w in run if _is_common_adverb(w.lower(), common)]
            if adverbs:
                edits.append(Edit(word_start, m.end(), None, self.id,
                                  f"capitals mid-sentence around {adverbs[0]!r}: a title "
                                  "garbled into the sentence?", flag=True))
            covered = m.end()
        return keep_clear(edits, guard)

    @staticmethod
    def _lowercase_ok(text: str, start: int, end: int, word: str) -> bool:
        if text[start] == "," or word.lower() not in FUNCTION_WORDS:
            return False
        nxt = _NEXT_RE.match(text, end)
        return nxt is not None and nxt.group(1)[0].islower()


def _is_common_adverb(word: str, common: frozenset[str]) -> bool:
    """An -ly adverb of a common word ("comprehensively", "happily"); names such as "Italy",
    "Kelly" or "Emily" have no common stem."""
    if not word.endswith("ly") or len(word) < 5:
        return False
    stems = (word, word[:-2], word[:-3] + "y", word[:-2] + "e", word[:-4] + "le")
    return word.endswith(_ADVERB_SUFFIXES) or any(stem in common for stem in stems)
