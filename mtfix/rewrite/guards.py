"""Guards: the checks a model's rewrite of one sentence must pass before it is applied.

A model that over-edits or hallucinates is worse than none, so every rewrite goes through these
checks; the first one that fails names the reason, and the rewrite becomes a flag (shown to a
reviewer with the proposed text and that reason) instead of a change.

Each guard is one function ``check_<name>(before, after, ...) -> Rejection | None``; they do not
import torch and can be used (and tested) on hand-written rewrites. :func:`check_rewrite` runs
them all, cheapest first. Words are compared as :mod:`mtfix.rewrite.words` defines them (case
folded, contractions kept whole, close respellings paired); the word lists are in
:mod:`mtfix.rewrite.lexicon`.

What each guard keeps, stated plainly (measured in ``benchmarks/guards.py``):

* "numbers", "dates", "urls", "placeholders", "units": the multiset of such tokens must be
  identical (reformatting ``1,000`` as ``1000`` is rejected too: we cannot tell a reformat from
  an error; "km" and "kilometres" are one unit); a number written in words may not go.
* "quotes": every quoted string of ``before`` must still be quoted, word for word (the quote
  characters themselves may change).
* "negation": the number of negators ("not", "n't", "no", "never", "without" ...), and of
  words that all but negate ("rarely", "hardly").
* "polarity": no word is traded for its opposite ("increase" → "decrease", "may" → "must",
  "all" → "some", "legal" → "illegal").
* "names": every capitalised word that does not open a sentence is still there as often (in
  any case, any order, or closely respelt: MT garbles names), no new one appears (unless in
  place of a word of the MT it resembles: a garbled name put right), and no name takes the
  place of a pronoun ("He said" → "Xi said"); a name may go where the same name,
  transliterated otherwise, comes in its place ("Ralevas" → "Rõivas", "Konrad" → "Conrad").
* "list": every item of an enumeration ("rye, barley, oats and flax") keeps a word of its
  own (not one the other items share) or is reworded where it stands, and a connective set
  off by commas ("however", "for example") stays.
* "order": two words that trade places around a third ("A beat B" → "B beat A"); a change of
  voice ("B was beaten by A" → "A beat B") is refused too (it cannot be told from a swap).
* "traded": two content words that trade places and neighbours ("the Serbian army" /
  "invade Montenegro" → "the Montenegro army" / "invade Serbian"), where the words between
  them were rewritten so that "order" and "exchange" see no swap.
* "adds" / "drops": the rewrite brings in an attribution the sentence lacks ("..., the police
  said", "reportedly"); one hunk of the word diff adds content words found nowhere in the
  sentence, or drops ones found nowhere in the rewrite, or cuts out a phrase (a claim added, a
  clause lost); and the rewrite as a whole may not lose many more content words than it gains.
* "edit-ratio": the share of content words replaced; function words are free (fixing articles
  and prepositions is what the model is for), and short sentences get a slack of a few words.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from mtfix.rewrite.lexicon import (
    AFTER_NUMBER_ONLY,
    NEAR_NEGATORS,
    NEGATING_PREFIXES,
    NEGATORS,
    NUMBER_WORDS,
    OPPOSITES,
    TITLE_WORDS,
    UNITS,
)
from mtfix.rewrite.words import (
    content_words,
    in_source,
    is_content,
    latin,
    lost_and_gained,
    pair_off,
    source_words,
    spelt_alike,
    stem,
    words,
)
from mtfix.spans import overlaps_any
from mtfix.worddiff import (
    DiffTimeout,
    WordEdit,
    is_word_token,
    word_edits,
    word_tokens,
)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a rewrite was not applied: the guard's name and a one-line reason."""

    guard: str
    reason: str

    def __str__(self) -> str:
        return f"{self.guard}: {self.reason}"


@dataclass(frozen=True, slots=True)
class GuardLimits:
    """Tunable bounds. A rejected good rewrite costs a reviewer a look; an accepted bad one
    silently damages the text. The defaults were tuned on MLQE-PE train (benchmarks/guards.py)."""

    #: content words replaced, as a share of the sentence's content words ("edit-ratio")
    max_edit_ratio: float = 0.6
    #: ... always allowed up to this many words, whatever the sentence's length
    edit_slack: int = 2
    #: 0.85 rather than 0.8: a third of a short sentence dropped is otherwise often let
    #: through, and few post-edits shorten a sentence that much
    min_length_ratio: float = 0.85
    max_length_ratio: float = 1.5
    #: length differences up to this many characters are always allowed (short sentences)
    length_slack: int = 4
    #: an n-gram repeated back to back this many times (more than in the input) is a loop
    max_repeats: int = 3
    #: content words one diff hunk may add that the sentence nowhere has ("adds")
    max_added_words: int = 1
    #: content words one diff hunk may drop that the rewrite nowhere has ("drops")
    max_dropped_words: int = 2
    #: content words the whole rewrite may lose beyond those it gains, as a share ("drops")
    max_net_drop_ratio: float = 0.15
    #: the rewrite's content words, as a share of the sentence's, at least ("drops"): a
    #: rewrite may say things in other words, but not in far fewer
    min_content_ratio: float = 0.8
    diff_timeout_s: float = 1.0


DEFAULT_LIMITS = GuardLimits()

#: a hunk that only deletes this many words, one of them a content word the rewrite lacks,
#: has cut a phrase out ("drops")
PURE_CUT_WORDS = 3
#: similarity (0-1) from which a name with the same first letter counts as respelt
NAME_RESPELT = 0.7

_NUMBER_RE = re.compile(r"\d+(?:[.,:/]\d+)*")
_URL_RE = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_PLACEHOLDER_RE = re.compile(
    r"\{\{[^{}]*\}\}"                      # {{ jinja }}
    r"|\$?\{[^{}\s]*\}"                    # {0} {name} ${var}
    r"|%(?:\([^)\s]+\))?[-+#0]*\d*(?:\.\d+)?[sdifuxXeEgGcr]"  # printf: %s %d %(name)s %.2f
    r"|%\d+\$?[sd]?"                       # %1 %1$s
    r"|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"  # <tag> </tag> <br/> <x id="1">
    r"|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"  # &amp; &#160;
)
_MONTHS_DAYS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_DATE_WORD_RE = re.compile(rf"\b(?:{_MONTHS_DAYS})\b\.?", re.IGNORECASE)
_QUOTE_RE = re.compile(r"\"([^\"\n]+)\"|“([^”\n]+)”|„([^“”\n]+)[“”]|«\s?([^»\n]+?)\s?»"
                       r"|(?<!\w)'([^'\n]+)'(?!\w)|‘([^’\n]+)’(?!\w)")
# Words that commonly open an English sentence; a rewrite that starts with one of these has not
# invented a name even when ``before`` lacks the word.
_OPENERS = frozenset("""
a an the this that these those it its he she they we you i there here his her their our my
in on at by for from with to of as after before during when while since if although though
but and or so yet also however meanwhile moreover furthermore therefore thus then now
all each every some many most both one another other such no not
is are was were be been has have had do does did will would should can could may might must
according besides instead today currently later finally first second third last next
initially originally recently since despite because unlike like until upon among between
what who whom whose which why how where whether under over even only just still
once given whenever wherever unless whereas nevertheless nonetheless thereafter
due around along near about across against behind beyond within through throughout toward
towards either neither more less apart whatever whoever
""".split())
_SENTENCE_END = frozenset(".!?:")
_COORDINATORS = frozenset({"and", "or", "nor", "&"})
#: words that turn a noun phrase round ("Hungary's problems" / "the problems of Hungary")
_OF_WORDS = frozenset({"of"})
_PERSONAL_PRONOUNS = frozenset("he she they him her them his hers their theirs i we you it".split())
_TITLES = frozenset("mr mrs ms dr st prof gen col lt sgt rev jr sr dm no vol art fig".split())


def check_not_empty(before: str, after: str) -> Rejection | None:
    if not after.strip():
        return Rejection("empty", "the model returned nothing")
    if not any(is_word_token(t) for t in word_tokens(after)):
        return Rejection("empty", "the model returned no words")
    return None


def check_single_line(before: str, after: str) -> Rejection | None:
    if ("\n" in after or "\r" in after) and not ("\n" in before or "\r" in before):
        return Rejection("line-break", "the rewrite adds a line break")
    return None


def longest_repeat(words: Sequence[str], max_n: int = 4) -> tuple[int, tuple[str, ...]]:
    """The most times any n-gram (n ≤ ``max_n``) occurs back to back, and that n-gram."""
    best, best_gram = 1, ()
    count = len(words)
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= count:
            run = 1
            j = i
            while j + 2 * n <= count and words[j:j + n] == words[j + n:j + 2 * n]:
                run += 1
                j += n
            if run > best:
                best, best_gram = run, tuple(words[i:i + n])
            i = j + 1 if run > 1 else i + 1
    return best, best_gram


def check_repetition(before: str, after: str, limits: GuardLimits = DEFAULT_LIMITS) -> Rejection | None:
    run_after, gram = longest_repeat(words(after))
    if run_after < limits.max_repeats:
        return None
    run_before, _ = longest_repeat(words(before))
    if run_after > run_before:
        return Rejection("repetition", f"'{' '.join(gram)}' repeated {run_after} times (a generation loop)")
    return None


def check_length(before: str, after: str, limits: GuardLimits = DEFAULT_LIMITS) -> Rejection | None:
    n_before, n_after = len(before.strip()), len(after.strip())
    if abs(n_after - n_before) <= limits.length_slack or n_before == 0:
        return None
    ratio = n_after / n_before
    if ratio < limits.min_length_ratio or ratio > limits.max_length_ratio:
        return Rejection("length", f"length ratio {ratio:.2f} outside "
                                   f"[{limits.min_length_ratio}, {limits.max_length_ratio}]")
    return None


def _multiset_diff(name: str, what: str, found_before: list[str], found_after: list[str],
                   ) -> Rejection | None:
    lost = Counter(found_before) - Counter(found_after)
    added = Counter(found_after) - Counter(found_before)
    if lost:
        return Rejection(name, f"drops {what} {', '.join(repr(x) for x in sorted(lost))}")
    if added:
        return Rejection(name, f"adds {what} {', '.join(repr(x) for x in sorted(added))}")
    return None


def check_numbers(before: str, after: str) -> Rejection | None:
    return (_multiset_diff("numbers", "number", _NUMBER_RE.findall(before),
                           _NUMBER_RE.findall(after))
            or check_number_words(before, after))


#: number words a rewrite may drop: "one" is also a pronoun ("one of them"), "half" a part,
#: and "hundreds of" / "dozens of" say "many" (MT writes them for words it garbled)
_LOOSE_NUMBER_WORDS = frozenset("one half dozen dozens hundreds thousands millions billions"
                                .split())


def check_number_words(before: str, after: str) -> Rejection | None:
    """A number written in words that the rewrite drops ("around six families" → "the
    families"): a fact lost, as a digit would be. One added is left to the other guards (a
    post-editor writes "two times" for "twice")."""
    def found(text: str) -> Counter[str]:
        return Counter(w for w in words(text)
                       if w in NUMBER_WORDS and w not in _LOOSE_NUMBER_WORDS)

    if lost := found(before) - found(after):
        return Rejection("numbers", f"drops the number {min(lost)!r}")
    return None


def _date_words(text: str) -> list[str]:
    found = []
    for m in _DATE_WORD_RE.finditer(text):
        word = m.group().rstrip(".")
        key = word.lower()
        if key == "may" and not _is_month_may(text, m.start()):
            continue  # the verb
        if len(key) <= 4 and key not in ("june", "july") and not word[0].isupper():
            continue  # "mar", "sep", "dec" in lower case are not month abbreviations
        found.append(key)
    return found


def _is_month_may(text: str, pos: int) -> bool:
    """"May" the month (next to a day number or a year), not the verb."""
    return (re.match(r"May\.?\s+\d", text[pos:]) is not None
            or re.search(r"\d\s+$", text[:pos]) is not None)


def check_dates(before: str, after: str) -> Rejection | None:
    return _multiset_diff("dates", "date word", _date_words(before), _date_words(after))


def check_urls(before: str, after: str) -> Rejection | None:
    def found(text: str) -> list[str]:
        return [u.rstrip(".,;:!?)") for u in _URL_RE.findall(text)]

    return _multiset_diff("urls", "URL/e-mail", found(before), found(after))


def check_placeholders(before: str, after: str) -> Rejection | None:
    return _multiset_diff("placeholders", "placeholder/tag",
                          _PLACEHOLDER_RE.findall(before), _PLACEHOLDER_RE.findall(after))


def _quoted(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None).strip() for m in _QUOTE_RE.finditer(text)]


def check_quotes(before: str, after: str) -> Rejection | None:
    lost = Counter(_quoted(before)) - Counter(_quoted(after))
    if lost:
        return Rejection("quotes", f"changes quoted text {', '.join(repr(x) for x in sorted(lost))}")
    return None


#: a unit word is a measurement when a number comes at most this many words before it
#: ("5 km", "12 million US dollars"); elsewhere it is also a common word ("the foot of the
#: hill", "degrees of good")
UNIT_NUMBER_WINDOW = 3


def _unit_kinds(text: str) -> tuple[list[str], list[str]]:
    """(the units of measurements in ``text``: unit signs, and unit words a number comes
    shortly before, ``UNIT_NUMBER_WINDOW``, or right before for "day" and "year" in the
    singular; the other unit words)."""
    sequence = words(text)
    measured = [UNITS[c] for c in text if c in "$€£¥%°"]
    loose = []
    for i, w in enumerate(sequence):
        if w in UNITS:
            window = 1 if w in AFTER_NUMBER_ONLY else UNIT_NUMBER_WINDOW
            if any(_is_number(x) for x in sequence[max(0, i - window):i]):
                measured.append(UNITS[w])
            else:
                loose.append(UNITS[w])
    return measured, loose


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word in NUMBER_WORDS


def check_units(before: str, after: str) -> Rejection | None:
    """Units and currencies are facts like numbers: "5 km" is not "5 miles". After a number
    the multiset of units must stay; elsewhere a unit word may come or go like any word ("the
    foot of the volcano"), but not be traded for another ("for years" → "for months")."""
    measured_before, loose_before = _unit_kinds(before)
    measured_after, loose_after = _unit_kinds(after)
    if rejection := _multiset_diff("units", "unit/currency", measured_before, measured_after):
        return rejection
    lost = Counter(loose_before) - Counter(loose_after)
    gained = Counter(loose_after) - Counter(loose_before)
    if lost and gained:
        return Rejection("units", f"turns the unit {min(lost)!r} into {min(gained)!r}")
    return None


def negator_count(text: str) -> int:
    """How many negators ``text`` holds ("n't" and "cannot" count once each)."""
    return sum(1 for w in words(text) if w in NEGATORS or w.endswith(("n't", "n’t")))


def check_negation(before: str, after: str) -> Rejection | None:
    """A negation added or dropped reverses the sentence, however small the edit."""
    n_before, n_after = negator_count(before), negator_count(after)
    if n_after < n_before:
        return Rejection("negation", f"drops a negation ({n_before} → {n_after} of "
                                     "not/no/never/n't/without...)")
    if n_after > n_before:
        return Rejection("negation", f"adds a negation ({n_before} → {n_after} of "
                                     "not/no/never/n't/without...)")
    return check_near_negation(before, after)


#: near-negators that may be said with their root ("rarely" → "on rare occasions"); not
#: "hardly" (→ "hard") nor "barely" (→ "bare"), whose roots mean something else
_NEAR_NEGATOR_ROOTS = {"rarely": "rar", "scarcely": "scarc", "seldom": "seldom"}


def _said_with_root(near_negator: str, text: str) -> bool:
    root = _NEAR_NEGATOR_ROOTS.get(near_negator)
    return root is not None and any(w.startswith(root) and w not in NEAR_NEGATORS
                                    for w in words(text))


def check_near_negation(before: str, after: str) -> Rejection | None:
    """A word that all but negates (:data:`NEAR_NEGATORS`: "rarely", "hardly") dropped or
    added: "X rarely causes Y" → "X causes Y" says the reverse. Said in other words with the
    same root ("rarely" → "on rare occasions", "relatively rare") it stays."""
    found_before = [w for w in words(before) if w in NEAR_NEGATORS]
    found_after = [w for w in words(after) if w in NEAR_NEGATORS]
    lost = [w for w in (Counter(found_before) - Counter(found_after)).elements()
            if not _said_with_root(w, after)]
    gained = [w for w in (Counter(found_after) - Counter(found_before)).elements()
              if not _said_with_root(w, before)]
    if len(lost) > len(gained):  # "barely" → "scarcely" is one traded for another
        return Rejection("negation", f"drops {lost[0]!r} (it all but negates)")
    if len(gained) > len(lost):
        return Rejection("negation", f"adds {gained[0]!r} (it all but negates)")
    return None


def check_polarity(before: str, after: str) -> Rejection | None:
    """A word lost while its opposite is gained ("increase" → "decrease", "legal" →
    "illegal"): the sentence now says the reverse, with every other guard satisfied."""
    count_before, count_after = Counter(words(before)), Counter(words(after))
    lost = set(count_before - count_after)
    gained = set(count_after - count_before)
    if not lost or not gained:
        return None
    for pole_a, pole_b in OPPOSITES:
        for old_pole, new_pole in ((pole_a, pole_b), (pole_b, pole_a)):
            old = lost & old_pole
            new = gained & new_pole
            if old and new:
                return Rejection("polarity", f"turns {min(old)!r} into {min(new)!r}")
    if flip := _prefix_flip(lost, gained):
        return Rejection("polarity", f"turns {flip[0]!r} into {flip[1]!r}")
    if flip := _prefix_flip(gained, lost):
        return Rejection("polarity", f"turns {flip[1]!r} into {flip[0]!r}")
    return None


def _prefix_flip(plain: set[str], prefixed: set[str]) -> tuple[str, str] | None:
    """(word, prefixed word): a word of ``plain`` found in ``prefixed`` with a negating
    prefix ("legal", "illegal")."""
    for word in prefixed:
        for prefix in NEGATING_PREFIXES:
            base = word[len(prefix):]
            if word.startswith(prefix) and len(base) >= 4 and base in plain:
                return base, word
    return None


def _capitalised_words(text: str) -> tuple[list[str], list[str]]:
    """(capitalised words inside sentences, capitalised words opening one). A sentence opens
    at the start and after . ! ? : (quotes and brackets in between change nothing); a full
    stop after an initial or a short title ("D. Furman", "Mr. Li") does not end one."""
    inside: list[str] = []
    opening: list[str] = []
    at_start = True
    previous = ""
    for token in word_tokens(text):
        if token.isspace():
            continue
        if not is_word_token(token):
            if token in _SENTENCE_END and not (token == "." and _is_abbreviation(previous)):
                at_start = True
            previous = token
            continue
        if any(c.isupper() for c in token):
            (opening if at_start else inside).append(token)
        at_start = False
        previous = token
    return inside, opening


def _is_abbreviation(word: str) -> bool:
    """An initial ("D") or a title ("Mr", "Dr", "St") that a full stop follows."""
    return (len(word) == 1 and word.isupper()) or word.lower() in _TITLES


def capitalised_names(text: str) -> list[str]:
    """Capitalised words that do not open a sentence (a crude but predictable name detector)."""
    return _capitalised_words(text)[0]


def _kept(word: str, pool: set[str]) -> bool:
    """``word`` (folded) is in ``pool`` as it is or closely respelt."""
    return word in pool or any(spelt_alike(word, other) for other in pool)


def _name_kept(name: str, pool: set[str]) -> bool:
    """``name`` (folded) is in ``pool``, or respelt there: spelt alike, or garbled the way MT
    garbles names it does not know ("Cchilton"/"Clapton", "Basarcea"/"Bessarabia": the same
    first letter and most letters in common)."""
    return _kept(name, pool) or any(
        other[:1] == name[:1] and Indel.normalized_similarity(name, other) >= NAME_RESPELT
        for other in pool)


def check_names(before: str, after: str, source: str | None = None,
                edits: Sequence[WordEdit] | None = None) -> Rejection | None:
    """Names are compared as multisets of folded words: case, order and close respellings may
    change (MT capitalises common words and garbles names), a name may not go or come, nor be
    said fewer or more times (a stutter, "Rival Rival", counts once).

    A capitalised word opening a sentence cannot be told from a common word ("Entrepreneurs
    bought ..."), so one that ``before`` lacks counts as a new name only where a pronoun or a
    sentence opening with a common word went missing: "He stressed ..." → "Xi stressed ..."
    puts a name on someone the text left unnamed.

    With the word ``edits`` (as :func:`check_rewrite` passes them), a new name may take the
    place of a word of the MT that it resembles, dropped in the same hunk (the MT garbled a
    name it did not know: "two editions of turkey" → "two editions of the Tour"). "I" is
    never a new name, nor a dropped one unless it is a numeral ("World War I").

    With the ``source`` sentence (bilingual files), a name the source holds is not new
    (:func:`~mtfix.rewrite.words.in_source`), and a name the MT garbled (one the source does
    not hold) may go when a name of the source comes in its place ("AnkFree" → "Ankvab")."""
    pool = source_words(source)
    words_before = _collapse([stem(w) for w in words(before)])
    words_after = _collapse([stem(w) for w in words(after)])
    inside, opening = _capitalised_words(after)
    new = _more_often(inside, words_before, words_after)
    lost = _more_often(capitalised_names(before), words_after, words_before)
    in_names = _multiword_name_parts(after)
    confirmed = 0  # names new in the rewrite that the source holds
    for name in new:
        if stem(name.lower()) in TITLE_WORDS and stem(name.lower()) in in_names:
            continue  # "Panama Canal", "Bronze Age": a common word, judged by the content-word
            # guards ...
        if name == "I" or name in _era_markers(after):
            continue  # the pronoun; "5000 BC" is a date, not a name
        if in_source(stem(name.lower()), pool):
            confirmed += 1
        elif edits is None or not _in_place_of(stem(name.lower()), before, after, edits):
            return Rejection("names", f"introduces the name {name!r}")
    garbled = 0  # names dropped that the source does not hold
    for name in lost:
        folded = stem(name.lower())
        if folded in TITLE_WORDS or (name == "I" and not _roman_one(before)):
            continue
        if edits is not None and _respelt_in_place(folded, before, after, edits):
            continue
        if not pool or in_source(folded, pool):
            return Rejection("names", f"drops the name {name!r}")
        garbled += 1
        if garbled > confirmed:
            return Rejection("names", f"drops the name {name!r} (not in the source, and no "
                                      "name of the source comes in its place)")
    titles = [n for n in new if stem(n.lower()) in TITLE_WORDS and stem(n.lower()) in in_names
              and not in_source(n.lower(), pool)]
    if titles and (lost or _pronoun_count(before) > _pronoun_count(after)):
        # ... unless it takes the place of a name or a pronoun ("Labour Party" → "Labour
        # Council", "his" → "Council's")
        return Rejection("names", f"introduces {titles[0]!r} in place of a name or a pronoun")
    if (_pronoun_count(before) <= _pronoun_count(after)
            and _plain_openings(before) <= _plain_openings(after)):
        return None
    kept = set(words_before)
    for word in opening:
        folded = stem(word.lower())
        if (not _common_opener(word) and not _name_kept(folded, kept)
                and not in_source(folded, pool)):
            return Rejection("names", f"introduces {word!r} at the start of a sentence, in place "
                                      "of a pronoun or a common word")
    return None


_ERA_RE = re.compile(r"(?<=\d)\s*(BCE|BC|AD|CE)\b|\b(AD)\s*(?=\d)")


def _era_markers(text: str) -> set[str]:
    """Era markers next to a year in ``text`` ("5000 BC", "AD 79"): a post-editor adds them to
    a bare year; they name no one."""
    return {m.group(1) or m.group(2) for m in _ERA_RE.finditer(text)}


#: similarity (0-1) from which a new name may stand for a garbled word of the MT it replaces
NAME_FOR_WORD = 0.6
#: ... or the number of first letters they share, from which it may
NAME_FOR_WORD_PREFIX = 3


def _resembles(name: str, word: str) -> bool:
    """A new name ``name`` could be what the MT garbled into ``word`` (both folded)."""
    name, word = latin(name), latin(word)
    return (name[:NAME_FOR_WORD_PREFIX] == word[:NAME_FOR_WORD_PREFIX]
            or Indel.normalized_similarity(name, word) >= NAME_FOR_WORD)


def _in_place_of(name: str, before: str, after: str, edits: Sequence[WordEdit]) -> bool:
    """``name`` (folded) comes in a hunk that drops a content word of ``before``, found
    nowhere in ``after``, that it resembles: the MT garbled the name ("editions of turkey"
    → "editions of the Tour", "a picture of ture" → "a picture of the Tour")."""
    kept = set(content_words(after))
    for edit in edits:
        if name not in (stem(w) for w in words(edit.replacement)):
            continue
        dropped = [w for w in content_words(before[edit.start:edit.end]) if not _kept(w, kept)]
        if any(_resembles(name, w) for w in dropped):
            return True
    return False


#: similarity (0-1), once both are spelt the same way (:func:`_sound_spelling`), from which a
#: name of the rewrite is the same name as one of the MT it replaces
NAME_TRANSLITERATED = 0.6
#: ... and the letters they must share (in order), at least: short names differ in a letter or
#: two ("Riga"/"Rivas" are two places)
NAME_TRANSLITERATED_LETTERS = 4


def _sound_spelling(name: str) -> str:
    """``name`` (folded) spelt as it sounds, roughly: Latin letters, "c"/"k", "z"/"s", "w"/"v",
    "y"/"i", "ph"/"f" made one, an "h" after a consonant and doubled letters dropped: the
    spellings transliteration varies ("Konrad"/"Conrad", "Asacar"/"Azahar")."""
    spelt = latin(name)
    for old, new in (("ph", "f"), ("c", "k"), ("z", "s"), ("w", "v"), ("y", "i")):
        spelt = spelt.replace(old, new)
    spelt = re.sub(r"(?<=[^aeiou])h", "", spelt)
    return re.sub(r"(.)\1+", r"\1", spelt)


def _respelt_in_place(name: str, before: str, after: str, edits: Sequence[WordEdit]) -> bool:
    """A hunk that drops ``name`` (folded) puts in its place a capitalised word, new to
    ``before``, that is the same name transliterated otherwise: the same first letter and
    close letters once both are spelt as they sound ("Ralevas" → "Rõivas", "Ocruašice" →
    "Okruashvili"; not "Plejo" → "Pleșu", too short to tell from another name): the MT
    garbled the name, the rewrite put it right."""
    known = set(words(before))
    target = _sound_spelling(name)
    for edit in edits:
        if name not in (stem(w) for w in words(before[edit.start:edit.end])):
            continue
        for new in re.findall(r"\b[A-Z][\w'’-]*", edit.replacement):
            spelt = _sound_spelling(stem(new.lower()))
            if stem(new.lower()) not in known and _transliterated(spelt, target):
                return True
    return False


def _transliterated(a: str, b: str) -> bool:
    """Two names spelt as they sound (:func:`_sound_spelling`) are one: the same first letter,
    close letters, and at least :data:`NAME_TRANSLITERATED_LETTERS` letters in common."""
    shared = (len(a) + len(b) - Indel.distance(a, b)) // 2
    return (a[:1] == b[:1] and shared >= NAME_TRANSLITERATED_LETTERS
            and Indel.normalized_similarity(a, b) >= NAME_TRANSLITERATED)


def _common_opener(word: str) -> bool:
    """``word`` opening a sentence is a common word: one of :data:`_OPENERS`, or an adverb or
    a participle ("Especially", "Having"), which names rarely look like."""
    folded = word.lower()
    return folded in _OPENERS or (len(folded) > 5 and folded.endswith(("ly", "ing")))


def _roman_one(text: str) -> bool:
    """``text`` has an "I" after a capitalised word ("World War I", "Peter I"): a numeral,
    not the pronoun."""
    return any(m.group(1).lower() not in _OPENERS
               for m in re.finditer(r"\b([A-Z][\w'’-]*)\s+I\b(?!['’])", text))


_NAME_PAIR_RE = re.compile(r"(?<![.!?:]\s)(?<!^)\b(?=([A-Z][\w'’-]*)\s+([A-Z][\w'’-]*))")


def _multiword_name_parts(text: str) -> set[str]:
    """Folded words of ``text`` capitalised next to another capitalised word, neither of
    them opening a sentence ("the Panama Canal", "Prince Charles"): parts of one name."""
    parts = set()
    for match in _NAME_PAIR_RE.finditer(text):
        parts.update(stem(w.lower()) for w in match.groups())
    return parts


def _more_often(capitalised: list[str], words_other: list[str], words_own: list[str],
                ) -> list[str]:
    """The words of ``capitalised`` (capitalised in one text, whose folded words are
    ``words_own``) found capitalised there more often than the other text (``words_other``)
    has them in any case or respelt."""
    counts = Counter(stem(w.lower()) for w in capitalised)
    count_own, count_other = Counter(words_own), Counter(words_other)
    out = []
    for name in dict.fromkeys(capitalised):
        folded = stem(name.lower())
        # a word the other text has no more often than this one is its own counterpart, not
        # a respelling of this name ("June ... Junimea's" against "June ... his")
        pool = [w for w in words_other if w == folded or count_other[w] > count_own[w]]
        if _name_count(folded, pool) < min(words_own.count(folded), counts[folded]):
            out.append(name)
    return out


def _collapse(sequence: list[str]) -> list[str]:
    """``sequence`` with runs of one word counted once ("rival rival rival" → "rival")."""
    return [w for i, w in enumerate(sequence) if i == 0 or sequence[i - 1] != w]


def _name_count(name: str, sequence: list[str]) -> int:
    """How many words of ``sequence`` are ``name`` or a respelling of it."""
    return sum(1 for w in sequence if w == name or _name_kept(name, {w}))


def _plain_openings(text: str) -> int:
    """Sentences of ``text`` that open with a common word ("The", "What", "If")."""
    return sum(1 for w in _capitalised_words(text)[1] if w.lower() in _OPENERS)


def _pronoun_count(text: str) -> int:
    return sum(1 for w in words(text) if w in _PERSONAL_PRONOUNS)


def check_protected(before: str, after: str, protected: Sequence[Span],
                    edits: Sequence[WordEdit]) -> Rejection | None:
    """Text written by the glossary and rule passes (``protected``, spans of ``before``) must be
    kept exactly: still present in ``after`` and untouched by the word edits."""
    for start, end in protected:
        fixed = before[start:end]
        if fixed and after.count(fixed) < before.count(fixed):
            return Rejection("protected", f"undoes the glossary/rule fix {fixed!r}")
    for edit in edits:
        if overlaps_any(edit.start, edit.end, protected):
            span = next(s for s in protected if overlaps_any(edit.start, edit.end, [s]))
            return Rejection("protected", f"edits the glossary/rule fix {before[span[0]:span[1]]!r}")
    return None


def check_order(before: str, after: str) -> Rejection | None:
    """Two words that trade places around a third ("Ankara beat Athens" → "Athens beat
    Ankara", "the head is intact" → "the intact is head") change who did what to whom, with
    every word kept.

    Words found in both texts are anchors (the n-th "the" of one is the n-th "the" of the
    other when both have as many; a content word may be respelt). The rewrite is refused when
    some anchor has a word that was before it now after it and another that was after it now
    before it, one of the two a content word: those two were swapped around it. A move of one
    word or one phrase ("in 1990" to the front) never does that, nor does a swap across
    nothing ("India and Pakistan"). A change of voice ("B was beaten by A" → "A beat B") is
    refused too: told apart from a swap by the "by" it gains, it let through more swaps than
    voice changes on the benchmark (a post-editor who turned the voice leaves a "by" that a
    swap made on top of it hides behind).
    """
    words_before = [stem(w) for w in words(before)]
    words_after = [stem(w) for w in words(after)]
    anchors = anchor_places(words_before, words_after)
    for first, last, pivot in _swapped_around(anchors):
        return Rejection("order", f"swaps {first!r} and {last!r} (around {pivot!r})")
    return None


def _swapped_around(anchors: Sequence[tuple[str, int]]) -> Iterator[tuple[str, str, str]]:
    """(a, b, pivot) for each pivot that has a word a that came before it and now comes after
    it, and a word b the other way round, at least one of them a content word."""
    n = len(anchors)
    places = [place for _, place in anchors]
    content = [is_content(word) for word, _ in anchors]
    none = (-1, -1)  # (highest place, its index) seen so far
    high_any, high_content = [none] * (n + 1), [none] * (n + 1)
    for k in range(n):
        high_any[k + 1] = max(high_any[k], (places[k], k))
        high_content[k + 1] = max(high_content[k], (places[k], k)) if content[k] else high_content[k]
    low_any = [(max(places, default=0) + 1, -1)] * (n + 1)
    low_content = list(low_any)
    for k in range(n - 1, -1, -1):
        low_any[k] = min(low_any[k + 1], (places[k], k))
        low_content[k] = min(low_content[k + 1], (places[k], k)) if content[k] else low_content[k + 1]
    for k, place in enumerate(places):
        for (high, i), (low, j) in ((high_content[k], low_any[k + 1]),
                                     (high_any[k], low_content[k + 1])):
            if high > place > low:
                if anchors[k][0] in _COORDINATORS and _next_to(k, i, j, places):
                    break  # "India and Pakistan" → "Pakistan and India" says the same
                yield anchors[i][0], anchors[j][0], anchors[k][0]
                break


#: a swap around "and"/"or" is a swap of the two things joined ("India and Pakistan") when
#: each is at most this many anchors from it (and this many words + 1 in the rewrite); farther
#: off, it is a swap across a whole clause ("Heracles married ... and created many sons" →
#: "Heracles sons ... and created many married")
COORDINATED = 2


def _next_to(k: int, i: int, j: int, places: Sequence[int]) -> bool:
    """Anchors ``i`` and ``j`` are close to anchor ``k`` in both texts."""
    return (abs(k - i) <= COORDINATED and abs(j - k) <= COORDINATED
            and abs(places[i] - places[k]) <= COORDINATED + 1
            and abs(places[j] - places[k]) <= COORDINATED + 1)


def anchor_places(words_before: Sequence[str], words_after: Sequence[str],
                  ) -> list[tuple[str, int]]:
    """(word, its index in ``words_after``) for each word of ``words_before`` that has a
    counterpart there, in order: the n-th occurrence of a word that both texts hold equally
    often, or a content word found once in ``before`` with exactly one unmatched respelling."""
    return [(word, place) for word, _, place in anchors(words_before, words_after)]


def anchors(words_before: Sequence[str], words_after: Sequence[str],
            ) -> list[tuple[str, int, int]]:
    """(word, its index in ``words_before``, its index in ``words_after``) for each word with
    a counterpart (see :func:`anchor_places`), in the order of ``words_before``."""
    count_before, count_after = Counter(words_before), Counter(words_after)
    places_after: dict[str, list[int]] = {}
    for i, word in enumerate(words_after):
        places_after.setdefault(word, []).append(i)
    unmatched = [w for w in places_after if count_before[w] == 0 and count_after[w] == 1
                 and is_content(w)]
    seen: Counter[str] = Counter()
    found = []
    uneven = _pair_uneven(words_before, words_after)
    for index, word in enumerate(words_before):
        seen[word] += 1
        if count_before[word] == count_after[word]:
            found.append((word, index, places_after[word][seen[word] - 1]))
            continue
        if index in uneven:
            found.append((word, index, uneven[index]))
            continue
        if count_before[word] != 1 or not is_content(word) or count_after[word]:
            continue
        alike = [w for w in unmatched if spelt_alike(word, w)]
        if len(alike) == 1:
            found.append((word, index, places_after[alike[0]][0]))
            unmatched.remove(alike[0])
    return found


def _pair_uneven(words_before: Sequence[str], words_after: Sequence[str]) -> dict[int, int]:
    """{index in ``words_before``: index in ``words_after``} for the occurrences of words the
    two texts hold a different number of times: those the longest common subsequence of the
    texts aligns, then, for content words, the rest of each word's occurrences in order ("the
    bridge is the highest" → "the highest is the bridge rope bridge": the one "bridge" of
    ``before`` is the first "bridge" left in ``after``)."""
    count_before, count_after = Counter(words_before), Counter(words_after)
    matcher = difflib.SequenceMatcher(None, words_before, words_after, autojunk=False)
    pairs: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            if count_before[words_before[a + k]] != count_after[words_before[a + k]]:
                pairs[a + k] = b + k
    taken = set(pairs.values())
    rest_after: dict[str, list[int]] = {}
    for j, word in enumerate(words_after):
        if j not in taken and count_before[word] != count_after[word]:
            rest_after.setdefault(word, []).append(j)
    for i, word in enumerate(words_before):
        if i not in pairs and rest_after.get(word) and is_content(word):
            pairs[i] = rest_after[word].pop(0)
    return pairs


#: words apart (in each text) from which two content words trading places are an exchange
EXCHANGE_GAP = 2


def check_exchange(before: str, after: str) -> Rejection | None:
    """Two content words that trade places while every content word between them was
    reworded ("the population was excluded from areas" → "the areas were pushed into
    population", "the committee criticised the ministry" → "the ministry attacked the
    committee"): :func:`check_order` needs a word kept between them to see a swap; here there
    is none, in either text.

    Legitimate reorderings are told apart by what lies between the two words: nothing in
    one of the texts ("President of Afghanistan" → "Afghan President", "the battle of
    Ankara" → "the Ankara battle"), a kept word (one phrase moved past others: "in 1990" to
    the front), or "and"/"or" ("India and Pakistan"). A change of voice is refused, as in
    :func:`check_order`.
    """
    raw_before, raw_after = words(before), words(after)
    words_before = [stem(w) for w in raw_before]
    words_after = [stem(w) for w in raw_after]
    # content words only: a kept "the" between them says nothing about a swap
    found = [anchor for anchor in anchors(words_before, words_after) if is_content(anchor[0])]
    places = sorted(place for _, _, place in found)
    for rank, ((first, i, place_i), (last, j, place_j)) in enumerate(itertools.pairwise(found)):
        if place_j > place_i or j - i < EXCHANGE_GAP or place_i - place_j < EXCHANGE_GAP:
            continue
        if places[rank] != place_j or places[rank + 1] != place_i:
            continue  # not each in the other's place: a phrase moved past others (check_order)
        between = (*words_before[i + 1:j], *words_after[place_j + 1:place_i])
        if any(w in _COORDINATORS or w in _OF_WORDS for w in between):
            continue  # "X and Y"; "Y of X" for "X's Y" or "X Y" (a noun phrase turned round)
        if any(w.endswith("'s") for w in (raw_before[i], raw_before[j], raw_after[place_i],
                                           raw_after[place_j])):
            continue  # "Hungary's problems" → "the problems that beset Hungary"
        return Rejection("exchange", f"swaps {first!r} and {last!r} (the words between "
                                     "them reworded)")
    return None


#: words that may stand between two things that trade places saying the same: "India and
#: Pakistan", "the Titanic and the Olympic", "the problems of Hungary"
_JOINING = frozenset("and or nor & of the a an its their his her our my your this that these "
                     "those".split())


#: how many of the two words must stand next to a former neighbour of the other: one
#: (benchmarks/guards.py, dev: two let 1.5% of swaps through instead of 0.8%, for 0.7 points
#: more post-edits accepted)
TRADED_CONTEXTS = 1


#: words apart in ``before``, at least, for two words to be traded. Next to each other, two
#: words that trade places are often a compound or an adjective put right ("the milk factory
#: powder" → "the milk powder factory"), but 2 (sparing them) let a swap in a hundred more
#: through on benchmarks/guards.py dev (0.8% → 1.05%) for 0.35 points more post-edits accepted
TRADED_GAP = 1


def check_traded_places(before: str, after: str) -> Rejection | None:
    """Two content words that trade places and contexts: one of them
    (:data:`TRADED_CONTEXTS`) now stands next to a word that stood next to the other, on the
    same side (:func:`_took_context`; "the Serbian army" / "invade ... Montenegro" →
    "invade ... Serbian" / "the Montenegro army"; "the liberated slaves Libreville" → "the
    liberated Libreville founded slaves"). :func:`check_order` and :func:`check_exchange`
    need the words between them kept or all reworded; a post-edit that rewrote some of the
    words around them hides a swap from both, but not the contexts the two words took over.

    Two things joined ("India and Pakistan" → "Pakistan and India") or a noun phrase turned
    round ("Y of X") trade places saying the same: with only :data:`_JOINING` words between
    them, in either text, and one of "and"/"or"/"of", they pass; so does a possessive ("Hungary's
    problems" → "the problems that beset Hungary")."""
    raw_before, raw_after = words(before), words(after)
    words_before = [stem(w) for w in raw_before]
    words_after = [stem(w) for w in raw_after]
    found = [a for a in anchors(words_before, words_after) if is_content(a[0])]
    for (first, i, place_i), (last, j, place_j) in itertools.combinations(found, 2):
        if place_i < place_j or first == last or j - i < TRADED_GAP:
            continue
        took = (_took_context(words_after, place_j, words_before, i, (first, last))
                + _took_context(words_after, place_i, words_before, j, (first, last)))
        if took < TRADED_CONTEXTS:
            continue
        if _joined(words_before[i + 1:j]) or _joined(words_after[place_j + 1:place_i]):
            continue
        if any(w.endswith("'s") for w in (raw_before[i], raw_before[j], raw_after[place_i],
                                           raw_after[place_j])):
            continue
        return Rejection("traded", f"swaps {first!r} and {last!r} (each takes the other's "
                                     "neighbours)")
    return None


def _took_context(words_after: Sequence[str], place: int, words_before: Sequence[str],
                  index: int, pair: tuple[str, str]) -> bool:
    """The word at ``place`` of ``words_after`` stands next to a content word that stood on
    the same side of ``words_before[index]``, or between both its former neighbours (the
    other word of the pair: its context taken over). "The" on one side is no context ("the
    minister said ..." → "the reform was ..."); neighbours of the ``pair`` say nothing."""
    matched = []
    for side in (-1, 1):
        theirs = _neighbour(words_before, index, side)
        matched.append(theirs is not None and theirs not in pair
                       and theirs == _neighbour(words_after, place, side))
        if matched[-1] and is_content(theirs):
            return True
    return all(matched)


def _neighbour(sequence: Sequence[str], index: int, side: int) -> str | None:
    at = index + side
    return sequence[at] if 0 <= at < len(sequence) else None


def _joined(between: Sequence[str]) -> bool:
    """Words between two that trade places are only a joining ("and", "of the")."""
    return bool(between) and all(w in _JOINING for w in between) and any(
        w in ("and", "or", "nor", "&", "of") for w in between)


def _hunk_changes(before: str, after: str, edits: Sequence[WordEdit]):
    """Per diff hunk: (content words it drops that ``after`` nowhere has, content words it adds
    that ``before`` nowhere has), respellings paired off."""
    all_before = set(content_words(before))
    all_after = set(content_words(after))
    for edit in edits:
        dropped = [w for w in content_words(before[edit.start:edit.end])
                   if not _kept(w, all_after)]
        added = [w for w in content_words(edit.replacement) if not _kept(w, all_before)]
        yield pair_off(dropped, added)


def check_added(before: str, after: str, edits: Sequence[WordEdit],
                limits: GuardLimits = DEFAULT_LIMITS) -> Rejection | None:
    """A hunk that adds several content words the sentence nowhere has, without dropping as
    many: the model is saying something new (", which was later denied")."""
    for dropped, added in _hunk_changes(before, after, edits):
        if len(added) - len(dropped) > limits.max_added_words:
            return Rejection("adds", f"adds {' '.join(added)!r}, not in the sentence")
    return check_attribution(before, after)


#: words that say who holds a statement ("the police said", "according to reports"): a
#: rewrite that brings one in puts the sentence in someone's mouth
ATTRIBUTION_WORDS = frozenset("""said says told according reportedly allegedly claimed
reported stated announced""".split())


def check_attribution(before: str, after: str) -> Rejection | None:
    """The rewrite attributes the sentence to someone: it gains a word of saying or
    reporting (:data:`ATTRIBUTION_WORDS`) where the sentence has none ("..., the police
    said"). "According to X" may come in when the sentence names X already ("the case in
    Aristotle" → "the case according to Aristotle")."""
    if any(w in ATTRIBUTION_WORDS for w in words(before)):
        return None  # the sentence reports speech already: "stated" → "said" is a rewording
    sequence = words(after)
    known = set(content_words(before))
    for i, word in enumerate(sequence):
        if word not in ATTRIBUTION_WORDS:
            continue
        if word == "according" and _names_known_source(sequence[i + 1:i + 5], known):
            continue
        return Rejection("adds", f"adds {word!r}: the sentence now reports what someone says")
    return None


def _names_known_source(following: Sequence[str], known: set[str]) -> bool:
    """The words after "according" ("to local authorities") hold a content word of the
    sentence."""
    return any(_kept(stem(w), known) for w in following if is_content(w))


def check_dropped(before: str, after: str, edits: Sequence[WordEdit],
                  limits: GuardLimits = DEFAULT_LIMITS) -> Rejection | None:
    """A hunk that drops several content words found nowhere in the rewrite (a clause, a list
    item), or a rewrite that loses many more content words than it gains."""
    for edit, (dropped, added) in zip(edits, _hunk_changes(before, after, edits), strict=True):
        if len(dropped) - len(added) > limits.max_dropped_words:
            return Rejection("drops", f"drops {' '.join(dropped)!r}")
        cut = before[edit.start:edit.end]
        if dropped and not words(edit.replacement) and len(words(cut)) >= PURE_CUT_WORDS:
            return Rejection("drops", f"cuts {cut.strip()!r}")
    content_before, content_after = content_words(before), content_words(after)
    lost, gained = lost_and_gained(content_before, content_after)
    allowed = max(limits.max_dropped_words, limits.max_net_drop_ratio * len(content_before))
    if len(lost) - len(gained) > allowed:
        return Rejection("drops", f"loses {len(lost) - len(gained)} of {len(content_before)} "
                                  f"content words ({' '.join(lost[:6])}...)")
    if lost and len(content_after) < limits.min_content_ratio * len(content_before):
        return Rejection("drops", f"keeps {len(content_after)} content words of "
                                  f"{len(content_before)} (fewer than "
                                  f"{limits.min_content_ratio:.0%}; {' '.join(lost[:6])} lost)")
    return None


_LIST_ITEM_RE = re.compile(
    # an item between a separator (comma, semicolon, "and", "or") and the next one
    r"(?:(?<=,)|(?<=\band)|(?<=\bor)|(?<=;))\s+([^\W\d][\w'’ -]*?)\s*(?=,|;|\s+and\b|\s+or\b)"
    # the last item, after a comma, up to the end of the sentence
    r"|(?<=,)\s+(?:and\s+|or\s+)?([^\W\d][\w'’ -]*?)\s*(?=[.;:!?)]|$)")
#: an enumeration item longer than this many words is a clause, left to the "drops" guard
_MAX_ITEM_WORDS = 4


_WORD = r"[^\W\d][\w'’-]*"
#: the first item of an enumeration of single words ("conquered, killed, imprisoned and
#: kidnapped"): nothing marks where it starts, so only where the other items are single words
#: and there are three at least
_FIRST_ITEM_RE = re.compile(rf"(?<![,;]\s)(?<![,;])\b({_WORD})"  # after a comma: a later item
                            rf"(?=((?:,\s+{_WORD})+),?\s+(?:and|or)\s+{_WORD}\b)")


def list_items(text: str) -> list[str]:
    """Items of enumerations in ``text``: short runs of words between commas (or a comma and
    "and"/"or"), e.g. "barley", "oats" in "rye, barley, oats and flax"; and the first item
    where all are single words and three at least ("rye")."""
    return [item for item, _ in _list_item_spans(text)]


def _list_item_spans(text: str) -> list[tuple[str, Span]]:
    """(item, its span in ``text``) for each item of :func:`list_items`."""
    items = []
    for match in _LIST_ITEM_RE.finditer(text):
        group = 1 if match.group(1) is not None else 2
        item = (match.group(group) or "").strip()
        if item and len(item.split()) <= _MAX_ITEM_WORDS:
            items.append((item, match.span(group)))
    items += [(m.group(1), m.span(1)) for m in _FIRST_ITEM_RE.finditer(text)
              if m.group(2).count(",") >= 2]
    return sorted(items, key=lambda found: found[1])


def _left_for(item_words: Sequence[str], counts: Counter[str], after: str) -> set[str]:
    """The content words of ``after`` that the words of ``before`` (``counts``) outside the
    item (``item_words``) do not account for, word for word: the MT's "astonished look"
    accounts for the rewrite's "look", which then keeps no item "looking at the girl"."""
    outside = counts - Counter(item_words)
    return set(Counter(content_words(after)) - outside)


def _replaced_in_place(span: Span, before: str, edits: Sequence[WordEdit]) -> bool:
    """A hunk inside the item's ``span`` puts a content word new to ``before`` in its place,
    with no separator (comma, "and", "or"): the item was reworded ("soil, animals, money" →
    "land, animals, money"), not dropped; a dropped item takes its comma with it."""
    known = set(content_words(before))
    for edit in edits:
        if not (span[0] <= edit.start and edit.end <= span[1]):
            continue
        new = [w for w in content_words(edit.replacement) if w not in known]
        if new and not re.search(r"[,;]|\b(?:and|or)\b", edit.replacement):
            return True
    return False


_CONJUNCT_RE = re.compile(r"\b(\w[\w'’-]*)\s+(?:and|or)\s+(\w[\w'’-]*)\b", re.IGNORECASE)


def _conjunct_words(text: str) -> list[str]:
    """Content words joined by "and"/"or" ("economic and political"), folded."""
    out = []
    for m in _CONJUNCT_RE.finditer(text):
        for w in m.groups():
            folded = stem(w.lower())
            if is_content(folded):
                out.append(folded)
    return out


def _deleted_outright(word: str, before: str, edits: Sequence[WordEdit]) -> bool:
    """A hunk that holds ``word`` (folded) deletes it with no new content word in its place
    (a word the sentence has elsewhere is not new: "Economic and political" → "Political")."""
    known = set(content_words(before))
    for edit in edits:
        if word in content_words(before[edit.start:edit.end]) and not any(
                w not in known for w in content_words(edit.replacement)):
            return True
    return False


def check_list_items(before: str, after: str, edits: Sequence[WordEdit] | None = None,
                     ) -> Rejection | None:
    """An enumeration item of ``before`` none of whose content words (or respellings) is left
    in ``after``: "age, size and sex" → "age and sex" loses a fact, however short. With the
    word ``edits``, also a word joined to another by "and"/"or" that a hunk deletes with
    nothing in its place ("economic and political unrest" → "political unrest"; a synonym in
    its place passes: "financial and political unrest")."""
    remaining = set(content_words(after))
    counts = Counter(content_words(before))
    for item, span in _list_item_spans(before):
        if edits is not None and _replaced_in_place(span, before, edits):
            continue
        content = content_words(item)
        # the words that tell this item from the others ("corporate" in "patriotic regimes,
        # corporate regimes and personal regimes"), where it has some
        own = [w for w in content if counts[w] == 1]
        # an item said twice ("a plague or plague": an MT stutter) may go once
        pool = _left_for(content, counts, after) if own else remaining
        own = own or content
        if own and not any(_kept(w, pool) for w in own):
            return Rejection("list", f"drops the list item {item!r}")
        if (edits is not None and len(own) > 1 and len(words(item)) == len(content)
                and any(not _kept(w, pool) and _deleted_outright(w, before, edits)
                        for w in own)):
            lost = next(w for w in own if not _kept(w, pool))
            return Rejection("list", f"drops {lost!r} of the list item {item!r}")
    if edits is not None:
        for word in _conjunct_words(before):
            if not _kept(word, remaining) and _deleted_outright(word, before, edits):
                return Rejection("list", f"drops {word!r}, one of two things joined by and/or")
    kept_words = " ".join(words(after))
    for connective in _connectives(before):
        if not re.search(rf"\b{connective}\b", kept_words):
            return Rejection("list", f"drops {connective!r}, set off by commas")
    return None


#: words that, set off by commas, say how a sentence relates to what came before: dropping one
#: ("No Parliament can, however, pass laws") turns a contrast or a consequence into a plain claim
CONNECTIVES = frozenset("""however therefore nevertheless nonetheless moreover furthermore
consequently thus hence also instead though""".split()) | {
    "above all", "for example", "for instance", "in fact", "of course", "in particular",
    "in addition", "in contrast", "on the contrary", "on the other hand", "as a result"}
_CONNECTIVE_RE = re.compile(r"(?:^|(?<=[,;.!?]))\s*(\w+(?:\s+\w+){0,3}?)\s*(?=,)")


def _connectives(text: str) -> list[str]:
    """Connectives of ``text`` set off by commas, or opening it with a comma after them
    ("However, ...", "..., for example, ...")."""
    return [m.group(1).lower() for m in _CONNECTIVE_RE.finditer(text)
            if m.group(1).lower() in CONNECTIVES]


def check_edit_ratio(before: str, after: str, limits: GuardLimits = DEFAULT_LIMITS) -> Rejection | None:
    """Content words replaced (lost or gained, whichever is more; respellings and function words
    free) over the content words of ``before``, beyond a slack of a few words."""
    content_before = content_words(before)
    lost, gained = lost_and_gained(content_before, content_words(after))
    changed = max(len(lost), len(gained))
    allowed = max(limits.edit_slack, limits.max_edit_ratio * len(content_before))
    if changed > allowed:
        return Rejection("edit-ratio", f"{changed} of {len(content_before)} content words "
                                       f"replaced (more than {allowed:.1f})")
    return None


def check_rewrite(before: str, after: str, *, protected: Sequence[Span] = (),
                  limits: GuardLimits = DEFAULT_LIMITS, source: str | None = None,
                  ) -> tuple[list[WordEdit], Rejection | None]:
    """Run every guard on a rewrite of one sentence (``source``: the source-language sentence,
    where the file has one; the guards that can use it do).

    Returns the word edits (``before`` coordinates; empty when rejected before the diff) and the
    first rejection, or ``None`` when the rewrite may be applied.
    """
    for check in (check_not_empty, check_single_line):
        if rejection := check(before, after):
            return [], rejection
    if rejection := check_repetition(before, after, limits) or check_length(before, after, limits):
        return [], rejection
    for check in (check_placeholders, check_urls, check_numbers, check_dates, check_units,
                  check_quotes, check_negation, check_polarity):
        if rejection := check(before, after):
            return [], rejection
    try:
        edits = word_edits(before, after, timeout=limits.diff_timeout_s)
    except DiffTimeout as exc:
        return [], Rejection("diff", str(exc))
    if rejection := check_list_items(before, after, edits) or check_names(before, after, source, edits):
        return edits, rejection
    if rejection := check_protected(before, after, protected, edits):
        return edits, rejection
    if rejection := (check_order(before, after) or check_exchange(before, after)
                     or check_traded_places(before, after)
                     or check_added(before, after, edits, limits)
                     or check_dropped(before, after, edits, limits)
                     or check_edit_ratio(before, after, limits)):
        return edits, rejection
    return edits, None
