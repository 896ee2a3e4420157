"""Neighbour conditions of phrase entries: ``before``, ``after``, ``not_before``, ``not_after``.

A condition phrase must end right before the match (``before``) or start right after it
(``after``): only whitespace of the same line may stand between, no punctuation. Phrases match
case-insensitively and as whole words; a run of whitespace in the text matches a space in the
phrase; straight and curly quotes and apostrophes match each other; ``...`` stands for up to
``GAP_WORDS`` words of the same line; ``{a|b}`` alternatives expand as in ``find``. Each list
compiles into one Python regex, run only on the candidates of its entry, so entries without
conditions cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtfix.glossary.variants import QUOTE_CLASSES, expand_alternatives
from mtfix.textutil import is_word_char

#: the most words a ``...`` in a condition phrase stands for
GAP_WORDS = 6
#: how far back a ``before`` phrase is looked for (characters); a condition is a few words
LOOK_BACK = 2000
_SPACE = r"[^\S\r\n]"  # whitespace that stays on the line
_GAP_WORD = r"[\w'\u2019\-]+"  # a word a "..." stands for: letters, digits, ' and -
_GAP_RE = re.compile(r"\.\.\.|\u2026")


def word_pattern(word: str) -> str:
    """The regex of one word of a condition phrase: a straight or curly quote or apostrophe
    in it matches any of its kind ("People's" finds "People\u2019s", '"' finds "\u201c"), as
    in ``find``."""
    return "".join(_QUOTE_CHARS[c] if c in _QUOTE_CHARS else re.escape(c) for c in word)


#: each quote, and the character class of the quotes it matches
_QUOTE_CHARS = {c: f"[{chars}]" for chars in QUOTE_CLASSES.values() for c in chars}


def phrase_pattern(phrase: str) -> str:
    """The regex of one condition phrase (no ``{...}`` left in it)."""
    pieces = [piece.split() for piece in _GAP_RE.split(phrase)]
    if not any(pieces):
        raise ValueError(f"{phrase!r}: a condition needs a word besides '...'")
    tokens: list[str | None] = []  # literal runs of words, None for a "..."
    for index, words in enumerate(pieces):
        if index:
            tokens.append(None)
        if words:
            tokens.append(f"{_SPACE}+".join(word_pattern(w) for w in words))
    out: list[str] = []
    for index, token in enumerate(tokens):
        if token is not None:
            out.append(token)
        elif any(t is not None for t in tokens[index + 1 :]):  # words follow the gap
            if index and tokens[index - 1] is not None:
                out.append(f"{_SPACE}+")
            out.append(f"(?:{_GAP_WORD}{_SPACE}+){{0,{GAP_WORDS}}}")
        else:  # the phrase ends with the gap
            out.append(f"(?:{_SPACE}+{_GAP_WORD}){{0,{GAP_WORDS}}}")
    body = "".join(out)
    text = phrase.strip()
    if is_word_char(text[:1]):
        body = r"(?<!\w)" + body
    if is_word_char(text[-1:]):
        body += r"(?!\w)"
    return body


def neighbour_regex(phrases: Sequence[str], side: str) -> re.Pattern[str]:
    """One regex for a condition list: ``side`` "before" (a phrase, then only whitespace up to
    the end of the searched span) or "after" (only whitespace, then a phrase)."""
    alternatives: dict[str, None] = {}
    for phrase in phrases:
        for variant in expand_alternatives(phrase):
            alternatives.setdefault(phrase_pattern(variant))
    body = "(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")"
    if side == "before":
        return re.compile(f"(?i){body}{_SPACE}*\\Z")
    return re.compile(f"(?i){_SPACE}*{body}")


def ends_before(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """Does one of the phrases of ``pattern`` (a "before" regex) end right before ``start``?"""
    line_start = text.rfind("\n", 0, start) + 1
    return pattern.search(text, max(line_start, start - LOOK_BACK), start) is not None


def starts_after(pattern: re.Pattern[str], text: str, end: int) -> bool:
    """Does one of the phrases of ``pattern`` (an "after" regex) start right after ``end``?"""
    return pattern.match(text, end) is not None
