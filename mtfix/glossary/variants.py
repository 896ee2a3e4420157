"""Declarative variants of a phrase key, expanded into plain keys before matching.

Translators write one ``find`` with ``{a|b}`` alternatives, ``separators = true`` and
``forms = true`` instead of a regex; this module turns that into the list of plain phrases
the automaton holds (see docs/glossary-format.md, "Variants"):

* ``expand_alternatives``: ``"second-{class|grade} inspector"`` -> both phrases;
* ``separator_variants``: hyphen, space, slash and en dash between two words, each for each;
* ``word_forms`` / ``inflect``: the last word's plural and possessives, with the replacement's
  last word inflected the same way.

Nothing here knows about entries or files: errors are ``VariantError`` with a message that says
what is wrong, and the caller names the file, line and entry.
"""

from __future__ import annotations

import itertools
import re

from mtfix.textutil import is_word_char

#: characters that a backslash makes literal inside ``find`` and neighbour phrases
BRACE_ESCAPES = "{}|"
#: what ``separators = true`` lets match each other between two words of a key
SEPARATORS = (" ", "-", "/", "\u2013")
#: plurals that do not take -s/-es (looked up by the last word, any case)
IRREGULAR_PLURALS = {
    "man": "men", "woman": "women", "person": "people", "child": "children",
    "foot": "feet", "tooth": "teeth", "mouse": "mice", "goose": "geese", "ox": "oxen",
    "chairman": "chairmen", "chairwoman": "chairwomen", "spokesman": "spokesmen",
    "spokeswoman": "spokeswomen", "policeman": "policemen", "policewoman": "policewomen",
    "congressman": "congressmen", "businessman": "businessmen",
}
#: word forms of a key's last word: (form, how the replacement's last word changes)
FORMS = ("plural", "'s", "\u2019s", "plural'", "plural\u2019")
#: the forms that need the plural of the replacement's head word
PLURAL_FORMS = ("plural", "plural'", "plural\u2019")


class VariantError(ValueError):
    """A ``find`` or neighbour phrase whose ``{...}`` syntax is broken; the message says how."""


def split_alternatives(text: str) -> list[str | tuple[str, ...]]:
    """``text`` as literal pieces (str) and ``{...}`` groups (tuples of alternatives).

    ``\\{``, ``\\}`` and ``\\|`` are literal; a ``|`` outside braces is literal too (it
    separates nothing there). Groups do not nest.
    """
    parts: list[str | tuple[str, ...]] = []
    literal: list[str] = []
    group: list[list[str]] | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in tuple(BRACE_ESCAPES):
            (group[-1] if group is not None else literal).append(text[i + 1])
            i += 2
            continue
        if char == "{":
            if group is not None:
                raise VariantError(f"{text!r}: a '{{' inside {{...}} at character {i + 1}; "
                                   "alternatives do not nest: write each combination out, or "
                                   "\\{ for a literal brace")
            parts.append("".join(literal))
            literal = []
            group = [[]]
        elif char == "}":
            if group is None:
                raise VariantError(f"{text!r}: a '}}' without its '{{' at character {i + 1}; "
                                   "write \\} for a literal brace")
            alternatives = tuple("".join(a) for a in group)
            if alternatives == ("",):
                raise VariantError(f"{text!r}: an empty {{}} at character {i}; write the "
                                   "alternatives inside, e.g. {a|b}, or {the |} for an optional "
                                   "word")
            parts.append(alternatives)
            group = None
        elif char == "|" and group is not None:
            group.append([])
        else:
            (group[-1] if group is not None else literal).append(char)
        i += 1
    if group is not None:
        raise VariantError(f"{text!r}: a '{{' that is never closed; close it with '}}', or "
                           "write \\{ for a literal brace")
    parts.append("".join(literal))
    return parts


def escape_alternatives(text: str) -> str:
    """A literal term as a ``find`` that means exactly it: ``{`` and ``}`` escaped (a
    termbase's "the {name} field" is not the alternative "name")."""
    return text.replace("{", "\\{").replace("}", "\\}")


def count_alternatives(text: str) -> int:
    """How many phrases ``text`` expands to (before duplicates are dropped)."""
    count = 1
    for part in split_alternatives(text):
        if isinstance(part, tuple):
            count *= len(part)
    return count


def expand_alternatives(text: str, limit: int | None = None, *, normalize: bool = True
                        ) -> list[str]:
    """Every phrase ``text`` stands for, without duplicates, in order; whitespace runs become
    one space (``normalize``; else only the ends are stripped, for exact entries).

    An empty alternative makes its group optional (``"{the |}State Council"``). More than
    ``limit`` phrases is a ``VariantError`` (checked before any is built).
    """
    parts = split_alternatives(text)
    if limit is not None and (count := count_alternatives(text)) > limit:
        raise VariantError(f"{text!r} expands to {count} phrases, more than {limit}")
    choices = [part if isinstance(part, tuple) else (part,) for part in parts]
    out: dict[str, None] = {}
    for combination in itertools.product(*choices):
        joined = "".join(combination)
        phrase = " ".join(joined.split()) if normalize else joined.strip()
        if not phrase:
            raise VariantError(f"{text!r}: one combination of its {{...}} alternatives is "
                               "empty; keep at least one word outside the optional parts")
        out.setdefault(phrase)
    return list(out)


def has_alternatives(text: str) -> bool:
    """Does ``text`` use the ``{...}`` syntax (or an escape of it)?"""
    return "{" in text or "}" in text or "\\|" in text


# -- separators ----------------------------------------------------------------------------

def separator_positions(key: str) -> list[int]:
    """Offsets in ``key`` of the single separators (space, hyphen, slash, en dash) that stand
    between two word characters: the places ``separators = true`` varies."""
    return [i for i in range(1, len(key) - 1)
            if key[i] in SEPARATORS and is_word_char(key[i - 1]) and is_word_char(key[i + 1])]


def separator_variants(key: str) -> list[str]:
    """``key`` with every combination of separators between its words (``key`` first)."""
    positions = separator_positions(key)
    if not positions:
        return [key]
    out: dict[str, None] = {key: None}
    for combination in itertools.product(SEPARATORS, repeat=len(positions)):
        chars = list(key)
        for position, separator in zip(positions, combination, strict=True):
            chars[position] = separator
        out.setdefault("".join(chars))
    return list(out)


# -- apostrophes and quotes -----------------------------------------------------------------

#: the apostrophes a phrase may be typed with: straight and curly (U+2019) match each other
APOSTROPHES = ("'", "\u2019")
#: quotes, straight and curly, that match each other in a phrase: each class, by its straight
#: form (an apostrophe is a closing single quote)
QUOTE_CLASSES = {"'": "'\u2018\u2019", '"': '"\u201c\u201d'}
_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_QUOTES = frozenset("'\"\u2018\u2019\u201c\u201d")


def _quote_styles(text: str) -> set[str]:
    """"straight" and/or "curly": how the quotes and apostrophes in ``text`` are written."""
    return {"straight" if c in "'\"" else "curly" for c in text if c in _QUOTES}


def _straight(text: str) -> str:
    return text.translate(_STRAIGHT)


def _curly(text: str) -> str:
    """``text`` with its straight quotes curly: closing (and apostrophe) after a word character,
    opening before one, closing elsewhere."""
    out = []
    for i, c in enumerate(text):
        if c in "'\"":
            opening = not (i and is_word_char(text[i - 1])) and is_word_char(text[i + 1:i + 2])
            c = ("\u2018" if opening else "\u2019") if c == "'" else \
                ("\u201c" if opening else "\u201d")
        out.append(c)
    return "".join(out)


def quote_variants(key: str, replace: str) -> list[tuple[str, str]]:
    """(key, replacement) for ``key`` as written and with its quotes and apostrophes written
    straight and curly ("people's" and "people’s", '"two sessions"' and "“two
    sessions”"): a translator types one, the text has either. The replacement takes the
    style of the key's variant, so the text keeps its own; unless it is written in a style the
    key is not (the entry changes quotes), then it stays as written."""
    used = _quote_styles(key)
    if not used:
        return [(key, replace)]
    follows = _quote_styles(replace) <= used
    out = {key: replace}
    for style in (_straight, _curly):
        out.setdefault(style(key), style(replace) if follows else replace)
    return list(out.items())


# -- word forms ----------------------------------------------------------------------------

#: plurals of whole words beside ``IRREGULAR_PLURALS`` (which the terms check also reads):
#: -f/-fe -> -ves, -o -> -oes, and -ch sounded as k (+s)
MORE_PLURALS = {
    "wife": "wives", "life": "lives", "knife": "knives", "half": "halves", "leaf": "leaves",
    "self": "selves", "shelf": "shelves", "thief": "thieves", "wolf": "wolves", "loaf": "loaves",
    "calf": "calves", "hero": "heroes", "potato": "potatoes", "tomato": "tomatoes",
    "echo": "echoes", "veto": "vetoes", "embargo": "embargoes", "torpedo": "torpedoes",
    "quiz": "quizzes", "crisis": "crises", "analysis": "analyses", "basis": "bases",
    "thesis": "theses", "diagnosis": "diagnoses", "hypothesis": "hypotheses",
    "criterion": "criteria", "phenomenon": "phenomena", "stomach": "stomachs",
    "epoch": "epochs", "monarch": "monarchs", "patriarch": "patriarchs",
    "matriarch": "matriarchs", "oligarch": "oligarchs", "tech": "techs", "czech": "czechs",
}
#: words whose plural is the word itself ("two aircraft", "three Chinese")
INVARIANT_PLURALS = frozenset({
    "sheep", "fish", "deer", "series", "species", "aircraft", "spacecraft", "hovercraft",
    "personnel", "offspring", "means", "news", "headquarters", "police", "people", "swiss",
    "chinese", "japanese", "vietnamese", "portuguese", "lebanese", "taiwanese", "burmese",
    "sudanese", "congolese", "senegalese", "nepalese", "maltese",
})
#: words ending in -man whose plural is -mans ("Germans", "humans")
_MAN_WORDS = frozenset({"human", "german", "roman", "norman", "shaman", "talisman", "caiman",
                        "cayman", "ottoman", "walkman", "brahman", "pullman", "oman"})
#: prepositions that start a phrase after the head noun: the plural of "Ministry of Foreign
#: Affairs" is "Ministries of Foreign Affairs", of "person in charge" "people in charge"
HEAD_PREPOSITIONS = frozenset({"of", "for", "in", "on", "at", "to", "with", "from", "under",
                               "within", "without", "between", "among", "against", "about"})
_ROMAN_RE = re.compile(r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def _last_word(text: str) -> tuple[str, str] | None:
    """(text before the last word, last word), or None if ``text`` does not end in a word."""
    end = len(text)
    start = end
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    if start == end:
        return None
    return text[:start], text[start:]


def head_word(text: str) -> tuple[int, int] | None:
    """(start, end) of the word of phrase ``text`` whose plural is the phrase's plural: the
    word before the first preposition that stands between two words ("Ministry" in "Ministry
    of Foreign Affairs", "Commander" in "Commander-in-Chief"), else the last word; None if
    ``text`` does not end in a word."""
    if _last_word(text) is None:
        return None
    words = list(_WORD_RE.finditer(text))
    for before, word, after in zip(words, words[1:], words[2:], strict=False):
        gap, gap_after = text[before.end():word.start()], text[word.end():after.start()]
        if (word.group().lower() in HEAD_PREPOSITIONS and gap in (" ", "-")
                and gap_after in (" ", "-")):
            return before.start(), before.end()
    split = _last_word(text)
    assert split is not None
    return len(split[0]), len(text)


def _ending(word: str, ending: str) -> str:
    """``ending`` in the case of ``word``: upper case after an all-capital word of 5 letters
    or more ("INSPECTORS"); shorter all-capital words are acronyms ("NGOs", "CPCs")."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 5 and all(c.isupper() for c in letters):
        return ending.upper()
    return ending


def _in_case_of(word: str, many: str) -> str:
    """``many`` (a lower-case plural from a table) in the case of ``word``: upper case after an
    all-capital word, else the word's own letters as far as the two agree ("FireMan" ->
    "FireMen", "Person" -> "People")."""
    if word.isupper() and len(word) > 1:
        return many.upper()
    same = 0
    while same < min(len(word), len(many)) and word[same].lower() == many[same]:
        same += 1
    return word[:same] + many[same:]


def plural(word: str) -> str:
    """The English plural of ``word``: from the tables (``IRREGULAR_PLURALS``,
    ``MORE_PLURALS``, -man/-woman/-wife/-child compounds, ``INVARIANT_PLURALS``) in the word's
    case, else the regular one (+s; +es after s, x, z, ch, sh; consonant + y -> ies)."""
    low = word.lower()
    many = IRREGULAR_PLURALS.get(low) or MORE_PLURALS.get(low)
    if many is None and low in INVARIANT_PLURALS:
        many = low
    if many is None:
        for single, multiple in (("woman", "women"), ("wife", "wives"), ("child", "children")):
            if low.endswith(single):
                many = low[: -len(single)] + multiple
                break
        else:
            if low.endswith("man") and low not in _MAN_WORDS and len(low) > 3:
                many = low[:-3] + "men"  # "fireman", "statesman", "ombudsman"
    if many is not None:
        return _in_case_of(word, many)
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return word + _ending(word, "es")
    if len(low) > 1 and low.endswith("y") and low[-2] not in "aeiou":
        return word[:-1] + _ending(word, "ies")
    return word + _ending(word, "s")


def has_plural(word: str, has_word_before: bool = True) -> bool:
    """Can ``plural`` write the plural of ``word``, the head of a replacement? Not for a
    number ("Level 3", "COVID-19"), a word of a script without case (Chinese), a Roman
    numeral or single capital letter after a word ("Level II", "Class A"), or a word that
    looks plural already ("Affairs", "Sciences")."""
    low = word.lower()
    if low in INVARIANT_PLURALS or low in IRREGULAR_PLURALS or low in MORE_PLURALS:
        return True
    if word.isdigit() or not any(c.islower() or c.isupper() for c in word):
        return False  # a number, or a script without plurals in -s (Chinese, Arabic...)
    if has_word_before and (_ROMAN_RE.fullmatch(word) or (len(word) == 1 and word.isupper())):
        return False
    if low.endswith("es") or (len(low) > 2 and low.endswith("s")
                              and low[-2] not in "aeiousy'\u2019"):
        return False  # already plural ("Affairs", "Forces", "Services")
    return True


def _form_of(word: str, form: str, plural_of=plural) -> str:
    """``word`` in ``form`` (one of ``FORMS``)."""
    if form == "plural":
        return plural_of(word)
    if form in ("'s", "\u2019s"):
        return word + form
    many = plural_of(word)
    apostrophe = form[-1]
    # the plural possessive: "inspectors'", but "men's", "children's"
    return many + apostrophe if many.lower().endswith("s") else many + apostrophe + "s"


def in_form(text: str, form: str | None, plural_of=plural) -> str:
    """Phrase ``text`` in ``form``: the plural inflects its head word (``head_word``, with
    ``plural_of``), a possessive goes at its end ("Ministries of Foreign Affairs'")."""
    if form is None:
        return text
    head = head_word(text)
    if head is None:
        return text
    start, end = head
    if end == len(text):
        return text[:start] + _form_of(text[start:], form, plural_of)
    if form in ("'s", "\u2019s"):
        return text + form
    many = text[:start] + plural_of(text[start:end]) + text[end:]
    if form == "plural":
        return many
    apostrophe = form[-1]
    return many + apostrophe if many.endswith(("s", "S")) else many + apostrophe + "s"


def can_inflect(replacement: str) -> bool:
    """Can ``inflect`` write the plural forms of ``replacement``? True where it is used as
    written (empty, or ending in punctuation); False where its head word has no plural the
    rules can write (``has_plural``)."""
    head = head_word(replacement)
    if head is None:
        return True
    start, end = head
    return has_plural(replacement[start:end], has_word_before=bool(replacement[:start].strip()))


def word_forms(key: str) -> list[tuple[str, str | None]]:
    """(phrase, form) for ``key`` and its plural and possessives (see ``in_form``); ``form``
    is None for the key itself. A key that does not end in a word has no other forms."""
    if _last_word(key) is None:
        return [(key, None)]
    out: list[tuple[str, str | None]] = [(key, None)]
    seen = {key}
    head = head_word(key)
    other = head is not None and key[head[0]:head[1]].lower() in OTHER_PLURALS
    for form in FORMS:
        for plural_of in (plural, _other_plural) if other and form in PLURAL_FORMS else (plural,):
            phrase = in_form(key, form, plural_of)
            if phrase not in seen:
                seen.add(phrase)
                out.append((phrase, form))
    return out


#: words with a second plural in use, which a find also matches ("persons in charge"); the
#: replacement takes the first (``plural``)
OTHER_PLURALS = {"person": "persons"}


def _other_plural(word: str) -> str:
    return _in_case_of(word, OTHER_PLURALS[word.lower()])


def inflect(replacement: str, form: str | None) -> str:
    """``replacement`` in ``form`` ("Level II Inspector", "plural" -> "Level II Inspectors";
    "Ministry of Foreign Affairs" -> "Ministries of Foreign Affairs"); as written when it does
    not end in a word (empty, punctuation)."""
    return in_form(replacement, form)
