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


# -- word forms ----------------------------------------------------------------------------

def _last_word(text: str) -> tuple[str, str] | None:
    """(text before the last word, last word), or None if ``text`` does not end in a word."""
    end = len(text)
    start = end
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    if start == end:
        return None
    return text[:start], text[start:]


def _ending(word: str, ending: str) -> str:
    """``ending`` in the case of ``word``: upper case after an all-capital word of 5 letters
    or more ("INSPECTORS"); shorter all-capital words are acronyms ("NGOs", "CPCs")."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 5 and all(c.isupper() for c in letters):
        return ending.upper()
    return ending


def plural(word: str) -> str:
    """The regular English plural of ``word`` (+s; +es after s, x, z, ch, sh; consonant + y
    -> ies), or its irregular one from ``IRREGULAR_PLURALS`` in the word's case."""
    low = word.lower()
    irregular = IRREGULAR_PLURALS.get(low)
    if irregular is not None:
        if word.isupper() and len(word) > 1:
            return irregular.upper()
        if word[:1].isupper():
            return irregular[:1].upper() + irregular[1:]
        return irregular
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return word + _ending(word, "es")
    if len(low) > 1 and low.endswith("y") and low[-2] not in "aeiou":
        return word[:-1] + _ending(word, "ies")
    return word + _ending(word, "s")


def _form_of(word: str, form: str) -> str:
    """``word`` in ``form`` (one of ``FORMS``)."""
    if form == "plural":
        return plural(word)
    if form in ("'s", "\u2019s"):
        return word + form
    many = plural(word)
    apostrophe = form[-1]
    # the plural possessive: "inspectors'", but "men's", "children's"
    return many + apostrophe if many.lower().endswith("s") else many + apostrophe + "s"


def word_forms(key: str) -> list[tuple[str, str | None]]:
    """(phrase, form) for ``key`` and its last word's plural and possessives; ``form`` is None
    for the key itself. A key that does not end in a word has no other forms."""
    split = _last_word(key)
    if split is None:
        return [(key, None)]
    head, word = split
    out: list[tuple[str, str | None]] = [(key, None)]
    seen = {key}
    for form in FORMS:
        phrase = head + _form_of(word, form)
        if phrase not in seen:
            seen.add(phrase)
            out.append((phrase, form))
    return out


def inflect(replacement: str, form: str | None) -> str:
    """``replacement`` with its last word in ``form`` ("Level II Inspector", "plural" ->
    "Level II Inspectors"); as written when it does not end in a word (empty, punctuation)."""
    if form is None:
        return replacement
    split = _last_word(replacement)
    if split is None:
        return replacement
    head, word = split
    return head + _form_of(word, form)
