"""Page chrome: whole lines that are website furniture ("Print this page", "Close window",
"Vision protection color:", "Share to:") are deleted.

The phrases live in a plain-text list translators extend (``glossaries/chrome/page-chrome.txt``,
installed as ``mtfix/_glossaries/chrome/page-chrome.txt``). A line is deleted only when it
consists of listed phrases and nothing else (brackets, ``|``, ``/`` and a trailing colon
allowed), so a sentence that merely mentions printing is never touched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import ahocorasick_rs as ac

from mtfix.change import Edit
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, keep_clear
from mtfix.textutil import split_records

_SEP = r"[ \t\xa0\[\]【】|/()（）]"


def default_phrase_file() -> Path:
    from mtfix.glossary import default_glossary_dir

    return default_glossary_dir() / "chrome" / "page-chrome.txt"


class ChromePhraseError(ValueError):
    """The phrase file cannot be used; the message names file and line."""


def read_phrases(path: str | Path) -> list[str]:
    """Phrases of a chrome list: one per line, ``#`` comments, blank lines ignored."""
    path = Path(path)
    try:
        lines = split_records(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ChromePhraseError(f"{path}: cannot read the page-chrome list: {exc}") from None
    phrases = []
    for number, line in enumerate(lines, 1):
        phrase = line.split("#", 1)[0].strip()
        if not phrase:
            continue
        if not any(c.isalnum() for c in phrase):
            raise ChromePhraseError(f"{path}:{number}: phrase {phrase!r} has no letters; "
                                    "write the words of the button or label")
        phrases.append(phrase)
    return phrases


def _line_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    parts = [f"{_SEP}+".join(re.escape(w) for w in p.split()) for p in alternatives]
    phrase = "(?:" + "|".join(parts) + ")"
    return re.compile(
        rf"{_SEP}*{phrase}(?:{_SEP}*{phrase})*{_SEP}*[:：]?[ \t\xa0]*\r?(?:\n|\Z)",
        re.IGNORECASE)


@register_rule
class ChromeRule(BaseRule):
    id = "chrome"
    description = ("Delete whole lines of web-page furniture (Print, Close window, share buttons, "
                   "'Vision protection color') listed in glossaries/chrome/page-chrome.txt.")
    scope = "line"
    line_local = True
    order = 10
    options: ClassVar[dict[str, str]] = {
        "phrases": "a page-chrome list (one phrase per line) used instead of the shipped "
                   "glossaries/chrome/page-chrome.txt"}

    def __init__(self, phrases: Iterable[str] | None = None, *, path: str | Path | None = None
                 ) -> None:
        """``phrases``: the phrases themselves, or ``path``: a phrase list file (the option
        ``phrases`` of the rules pass), else the shipped list."""
        if phrases is None:
            source = Path(path) if path is not None else default_phrase_file()
            phrases = read_phrases(source) if source.is_file() else []
        self.phrases = tuple(phrases)
        # Prefilter: one automaton over the first word of every phrase in the usual cases
        # (print, Print, PRINT); only lines holding a hit are tried against the pattern.
        firsts = {p.split()[0].lower() for p in self.phrases}
        variants = sorted({v for w in firsts for v in (w, w.capitalize(), w.upper())})
        self._first_words = ac.AhoCorasick(
            variants, implementation=ac.Implementation.DFA) if variants else None

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        # Compiled on first use (~40 ms with the shipped list): a text without any phrase's
        # first word never needs it.
        return _line_pattern(self.phrases) if self.phrases else None

    @classmethod
    def from_options(cls, phrases: str | Path | None = None) -> ChromeRule:
        return cls(path=phrases)

    def is_chrome_line(self, line: str) -> bool:
        return self._pattern is not None and self._pattern.fullmatch(line) is not None

    deletes_whole_line = is_chrome_line

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        if self._first_words is None:
            return []
        hits = self._first_words.find_matches_as_indexes(text)
        if not hits or self._pattern is None:
            return []
        line_starts = sorted({text.rfind("\n", 0, s) + 1 for _i, s, _e in hits})
        edits = []
        for line_start in line_starts:
            m = self._pattern.match(text, line_start)
            if m is None or m.end() == m.start():
                continue
            start, end = m.span()
            # A chrome line between blank lines leaves two blank lines behind: take one.
            before_blank = start == 0 or text.endswith("\n\n", 0, start) or \
                text.endswith("\n\r\n", 0, start)
            if before_blank and text.startswith("\n", end):
                end += 1
            elif before_blank and text.startswith("\r\n", end):
                end += 2
            edits.append(Edit(start, end, "", self.id, "page chrome (website furniture), "
                              "listed in page-chrome.txt"))
        return keep_clear(edits, guard)
