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
    """The matching form of a phrase key before case folding: NFC, whitespace runs as one space.

    Case folding happens on bytes, character by character, identically for keys and text
    (``mtfix.glossary.matchview.fold_bytes``).
    """
    text = unicodedata.normalize("NFC", text)
    return SPACE_RUN_RE.sub(" ", text).strip()


_SMALL_WORDS = frozenset("a an and as at but by for in nor of on or per the to via vs".split())


def follow_case(matched: str, replacement: str) -> str:
    """Make a lower-case ``replacement`` follow the case of the ``matched`` text.

    Only a replacement written entirely in lower case is adapted: proper nouns in a glossary are
    written with their real capitals and used as written. Then:

    * ALL-CAPS match (two or more cased letters) -> upper-case replacement;
    * Title Case match (two or more words, each capitalised) -> Title Case replacement (small
      words such as "of", "and" stay lower case unless first);
    * Capitalised match -> the replacement's first character is capitalised, if it is a letter
      ("Twentieth" -> "20th", never "20Th").
    """
    if not replacement or replacement != replacement.lower():
        return replacement
    letters = [c for c in matched if c.isalpha()]
    if not letters:
        return replacement
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return replacement.upper()
    if not letters[0].isupper():
        return replacement
    words = [w for w in matched.split() if w[:1].isalpha()]
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        out = []
        for i, word in enumerate(replacement.split(" ")):
            if word[:1].isalpha() and (i == 0 or word not in _SMALL_WORDS):
                word = word[0].upper() + word[1:]
            out.append(word)
        return " ".join(out)
    first = replacement.lstrip()
    if first[:1].isalpha():
        i = len(replacement) - len(first)
        return replacement[:i] + first[0].upper() + first[1:]
    return replacement


# C0 controls (but tab and newline), DEL and C1 controls: a terminal acts on them (ESC starts
# sequences that clear the screen, set the title, or hide text; U+009B is a one-byte CSI).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: each control character shown as a visible escape
    (``\\x1b``), everything else (tabs, newlines, ``\\r\\n`` line ends, non-ASCII letters, CJK)
    left as it is.

    Input text, file names, glossary ids and notes are user-controlled: printed raw, an ESC
    sequence in them would drive the reviewer's terminal instead of being seen.
    """
    if text.isprintable() or _CONTROL_RE.search(text) is None:
        return text
    return _CONTROL_RE.sub(_escape_control, text)


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\r" and match.string.startswith("\n", match.end()):
        return char  # a CRLF line end moves to the next line like LF
    return f"\\x{ord(char):02x}"


def split_records(text: str) -> list[str]:
    """The lines of a line-based user file (TSV glossary, phrase list, segment file), split at
    ``\\n`` and ``\\r\\n`` only, without their ends.

    ``str.splitlines`` also splits at U+0085, U+2028, U+2029, \\x0b, \\x0c and \\x1c-\\x1e, which
    can sit inside a record (pasted from a web page or a CAT tool): the record would be cut in
    two and its halves read as two records (a bogus glossary entry, a misaligned segment).
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text ends with a line end (as splitlines: no empty last line)
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """A count and its noun, the one way every summary says it.

    >>> plural(1, "flag"), plural(2, "flag"), plural(1, "entry"), plural(0, "entry")
    ('1 flag', '2 flags', '1 entry', '0 entries')
    >>> plural(3, "glossary"), plural(2, "match"), plural(2, "day"), plural(2, "child", "children")
    ('3 glossaries', '2 matches', '2 days', '2 children')
    """
    if count == 1:
        return f"{count} {noun}"
    if plural_form is None:
        if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
            plural_form = noun[:-1] + "ies"
        elif noun.endswith(("s", "x", "ch", "sh")):
            plural_form = noun + "es"
        else:
            plural_form = noun + "s"
    return f"{count} {plural_form}"
