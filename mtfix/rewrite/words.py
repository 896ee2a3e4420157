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

import re
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
# Latin script (Cyrillic is transliterated first). Words of the Indic scripts (Devanagari,
# Sinhala ...) are transliterated with ``anyascii`` where it is installed (the ``model``
# extra) and matched by their consonants (:func:`consonant_skeleton`): a transliteration
# drops or guesses the vowels ("रामचन्द्र" → "ramcndr" for "Ramchandra"). Other scripts match
# nothing, so there the guards judge as they do without a source.

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


class SourceWords(frozenset[str]):
    """The words of a source sentence in the Latin script (:func:`latin`), and
    ``skeletons``: the consonants (:func:`consonant_skeleton`) of its words in an Indic
    script, transliterated."""

    skeletons: frozenset[str]

    def __new__(cls, latin_words: Iterable[str] = (), skeletons: Iterable[str] = ()):
        pool = super().__new__(cls, latin_words)
        pool.skeletons = frozenset(skeletons)
        return pool

    def __bool__(self) -> bool:
        return bool(len(self) or self.skeletons)


_INDIC_RE = re.compile("[\u0900-\u0DFF]")


def source_words(source: str | None) -> SourceWords:
    """The words of ``source`` as :func:`in_source` compares them (empty without a source)."""
    if not source:
        return SourceWords()
    found = words(source)
    indic = [w for w in found if _INDIC_RE.search(w)]
    spelt = [t for w in indic if (t := transliterated(w))]
    return SourceWords((latin(w) for w in found if w not in indic),
                       (k for k in map(consonant_skeleton, spelt) if k))


def transliterated(word: str) -> str | None:
    """``word`` in ASCII letters by ``anyascii`` (None where it is not installed)."""
    try:
        from anyascii import anyascii
    except ImportError:
        return None
    return anyascii(word.translate(_NASALS)).lower()


#: the anusvara is a nasal that English spells "n" before most consonants ("दशैं" is
#: "Dashain"; anyascii writes "m"); the chandrabindu nasalises a vowel, which English ignores
_NASALS = str.maketrans({"\u0902": "n", "\u0d82": "n", "\u0901": None})


#: spellings that transliteration varies, made one before the vowels go ("ph"/"f", "w"/"v")
_SKELETON_SPELLINGS = (("ph", "f"), ("w", "v"), ("z", "j"), ("q", "k"), ("x", "ks"), ("c", "k"),
                       ("b", "v"))  # Nepali speech and spelling mix "b" and "v" ("Sabitra")


def consonant_skeleton(spelt: str) -> str:
    """The consonants of ``spelt`` (ASCII, folded), doubled ones once and "h" dropped
    ("Bhardwaj" → "brdvj"; "bhardvaj", the Devanagari spelling transliterated, too): an
    Indic script writes a vowel or none where English spells one ("ramcndr" for
    "Ramchandra"), and marks aspiration with an "h" that English spelling keeps or drops."""
    spelt = re.sub(r"[^a-z]", "", latin(spelt.lower()))
    for old, new in _SKELETON_SPELLINGS:
        spelt = spelt.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouyh]", "", spelt))


#: consonants a name must have, at least, to be looked up among the source's skeletons
SKELETON_MIN = 3
#: similarity (0-1) from which two skeletons with the same first consonant, and more than
#: :data:`SKELETON_MIN` consonants each, are one name ("krl", Kerala, is not "krnl", Karnali)
SKELETON_ALIKE = 0.8


def _in_skeletons(word: str, skeletons: frozenset[str]) -> bool:
    """``word`` (folded, Latin) has the consonants of a word of the source, in full or
    followed by a case ending ("Bhardwaj" / "bhardvajle"), or closely."""
    bones = consonant_skeleton(word)
    if len(bones) < SKELETON_MIN:
        return False  # "Rana", "Sri": too few consonants to tell one name from another
    return any(other.startswith(bones)
               or (other[:1] == bones[:1] and min(len(other), len(bones)) > SKELETON_MIN
                   and Indel.normalized_similarity(bones, other) >= SKELETON_ALIKE)
               for other in skeletons)


def in_source(word: str, pool: frozenset[str]) -> bool:
    """``word`` (folded) is a word of the source: the same, spelt alike, or the same word
    inflected (one starts with all but the last two letters of the other, four at least)."""
    if not pool:
        return False
    if getattr(pool, "skeletons", None) and _in_skeletons(stem(word), pool.skeletons):
        return True
    word = latin(stem(word))
    if len(word) < 2:
        return False
    if word in pool:
        return True
    need = max(SOURCE_PREFIX, len(word) - 2)
    return any(spelt_alike(word, w) or (len(w) >= need and w[:need] == word[:need]
                                        and len(word) >= SOURCE_PREFIX)
               for w in pool)
