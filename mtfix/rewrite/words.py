"""Words as the guards see them: contractions kept whole, case folded, content words apart.

The guards compare a sentence with its rewrite word by word. Three choices here decide what
"the same word" means for all of them:

* a word is a run of word characters (:func:`mtfix.textutil.is_word_char`), with an English
  contraction or possessive kept on it ("don't", "China's"), so "n't" counts as a negator and
  "China's" keeps the name "China";
* case is folded (:func:`mtfix.textutil.fold_case`): MT capitalises common words mid-sentence,
  and fixing that is a good edit;
* two words are "spelt alike" when one is a close respelling of the other (a garbled name
  fixed, British and American spelling, an inflection: "Tskinvali"/"Tskhinvali",
  "organisation"/"organization", "China"/"Chinese"), so such a fix is a substitution, not a
  lost word plus an invented one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Indel

from mtfix.rewrite.lexicon import FUNCTION_WORDS
from mtfix.textutil import fold_case
from mtfix.worddiff import is_word_token, word_tokens

_APOSTROPHES = frozenset("'’")
_CLITICS = frozenset({"t", "s", "ll", "ve", "re", "d", "m"})
#: similarity (rapidfuzz Indel normalized, 0-1) from which two words are spelt alike
SPELT_ALIKE = 0.85
#: ... or the length of the prefix they share, when it is all but two letters of the shorter
SHARED_PREFIX = 4


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, contractions and possessives kept on their word."""
    tokens = word_tokens(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if is_word_token(token):
            if (i + 2 < len(tokens) and tokens[i + 1] in _APOSTROPHES
                    and fold_case(tokens[i + 2]) in _CLITICS):
                token = token + "'" + tokens[i + 2]
                i += 2
            out.append(fold_case(token))
        i += 1
    return out


def stem(word: str) -> str:
    """``word`` without a possessive ("china's" -> "china")."""
    return word[:-2] if word.endswith("'s") else word


def is_content(word: str) -> bool:
    """A word that carries meaning: not a function word, not a number, two letters or more."""
    word = stem(word)
    return (len(word) > 1 and word not in FUNCTION_WORDS and not word.endswith("n't")
            and not any(c.isdigit() for c in word))


def content_words(text: str) -> list[str]:
    """The content words of ``text`` (folded, possessives dropped), in order."""
    return [stem(w) for w in words(text) if is_content(w)]


def spelt_alike(a: str, b: str) -> bool:
    """``a`` and ``b`` (folded) are one word respelt: close in letters, or sharing all but the
    last two letters of the shorter one (an ending changed)."""
    if a == b:
        return True
    if Indel.normalized_similarity(a, b) >= SPELT_ALIKE:
        return True
    shorter = min(len(a), len(b))
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= SHARED_PREFIX and prefix >= shorter - 2


def pair_off(lost: Iterable[str], gained: Iterable[str]) -> tuple[list[str], list[str]]:
    """Drop each lost word that has a gained respelling (and that respelling): what is left is
    really lost and really new."""
    remaining = list(gained)
    really_lost = []
    for word in lost:
        match = next((i for i, other in enumerate(remaining) if spelt_alike(word, other)), None)
        if match is None:
            really_lost.append(word)
        else:
            del remaining[match]
    return really_lost, remaining


def lost_and_gained(before: Sequence[str], after: Sequence[str]) -> tuple[list[str], list[str]]:
    """Words of ``before`` missing from ``after`` and words new in ``after`` (as multisets,
    respellings paired off), each in text order."""
    count_before, count_after = Counter(before), Counter(after)
    lost = _ordered(before, count_before - count_after)
    gained = _ordered(after, count_after - count_before)
    return pair_off(lost, gained)


def _ordered(sequence: Sequence[str], wanted: Counter[str]) -> list[str]:
    left = Counter(wanted)
    out = []
    for word in sequence:
        if left[word] > 0:
            out.append(word)
            left[word] -= 1
    return out


def longest_increasing(values: Sequence[int]) -> list[int]:
    """Indices of one longest strictly increasing subsequence of ``values`` (O(n log n);
    the first one found scanning left to right, so the result is repeatable)."""
    import bisect

    tails: list[int] = []       # tails[k]: smallest tail value of an increasing run of k+1
    tail_index: list[int] = []  # index in values of that tail
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[k] = value
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k else -1
    out = []
    i = tail_index[-1] if tail_index else -1
    while i != -1:
        out.append(i)
        i = previous[i]
    return out[::-1]


# --- the source sentence ----------------------------------------------------------------------
#
# For bilingual files the guards also see the source sentence. A name or number that the
# source holds is not invented, even when the MT garbled or lost it: a rewrite may bring it
# back ("President Alexander AnkFree" → "Ankvab", source "Ankvab"). Names are matched in the
# Latin script only (Cyrillic is transliterated first); other scripts match nothing, so there
# the guards judge as they do without a source.

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i i ye g".split(),
    strict=True))
#: letters a source word and a name must share at the start, at least, to be one name
#: inflected ("Rivas"/"Rivases", "Nemtsov"/"Nemtsovi")
SOURCE_PREFIX = 4


def latin(word: str) -> str:
    """``word`` (folded) without diacritics, Cyrillic transliterated ("Немцов" → "nemtsov")."""
    import unicodedata

    spelt = "".join(_CYRILLIC.get(c, c) for c in word).replace("_", "")
    return "".join(c for c in unicodedata.normalize("NFKD", spelt) if not unicodedata.combining(c))


def source_words(source: str | None) -> frozenset[str]:
    """The words of ``source`` as :func:`in_source` compares them (empty without a source)."""
    if not source:
        return frozenset()
    return frozenset(latin(w) for w in words(source))


def in_source(word: str, pool: frozenset[str]) -> bool:
    """``word`` (folded) is a word of the source: the same, spelt alike, or the same word
    inflected (one starts with all but the last two letters of the other, four at least)."""
    if not pool:
        return False
    word = latin(stem(word))
    if len(word) < 2:
        return False
    if word in pool:
        return True
    need = max(SOURCE_PREFIX, len(word) - 2)
    return any(spelt_alike(word, w) or (len(w) >= need and w[:need] == word[:need]
                                        and len(word) >= SOURCE_PREFIX)
               for w in pool)
