"""One definition of word characters, case folding and case following, used by every pass.

Keeping these in one place is the point: a glossary entry, a rule and the model guards must
agree on what "whole word" and "same word, other case" mean, or their changes disagree.
"""

from __future__ import annotations

import re
import unicodedata

# A word character is a letter, a digit, a combining mark, or the underscore. Apostrophes and
# hyphens are *not* word characters: "don" matches in "don't" only if a key says so explicitly,
# and "state-owned" contains the words "state" and "owned".
_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"})

# Whitespace beyond ASCII that MT output and web pages carry (NBSP, thin spaces, ideographic
# space, line/paragraph separators). All are single code points, so folding them to " " keeps
# offsets.
NON_ASCII_SPACE_RE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
SPACE_RUN_RE = re.compile(r"\s+")


def is_word_char(char: str) -> bool:
    """True for letters, digits, combining marks and ``_`` (the single word-character rule)."""
    if char.isascii():
        return char.isalnum() or char == "_"
    return unicodedata.category(char) in _WORD_CATEGORIES


def fold_case(text: str) -> str:
    """Lower-case ``text`` without changing its length in code points.

    ``str.lower`` maps a few characters to two code points (``"İ".lower()`` is ``"i̇"``), which
    would shift every later offset; such characters are kept as they are.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    out = []
    for char in text:
        low = char.lower()
        out.append(low if len(low) == 1 else char)
    return "".join(out)


def normalize_key(text: str) -> str:
    """The matching form of a phrase key: NFC, case-folded, whitespace runs as one space."""
    text = unicodedata.normalize("NFC", text)
    return SPACE_RUN_RE.sub(" ", fold_case(text)).strip()


def follow_case(matched: str, replacement: str) -> str:
    """Make a lower-case ``replacement`` follow the case of the ``matched`` text.

    Only a replacement written entirely in lower case is adapted: proper nouns in a glossary are
    written with their real capitals and used as written. ALL-CAPS matched text (two or more
    cased letters) gives an upper-case replacement; a Capitalised match capitalises the first
    letter of the replacement.
    """
    if not replacement or replacement != replacement.lower():
        return replacement
    letters = [c for c in matched if c.isalpha()]
    if not letters:
        return replacement
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters[0].isupper():
        for i, char in enumerate(replacement):
            if char.isalpha():
                return replacement[:i] + char.upper() + replacement[i + 1 :]
    return replacement
