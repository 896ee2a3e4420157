"""What the glossary importers and exporters share: the result record, list cells, languages.

Term statuses (TBX values and CAT tools' picklist words) are read here too, for TBX
concepts and for a sheet's status column alike. Kept apart from
:mod:`mtfix.glossary_tools.exchange` so that the CSV/TSV reader
(:mod:`~mtfix.glossary_tools.tables`) and the TBX reader and writer
(:mod:`~mtfix.glossary_tools.tbx`) can use them without importing each other.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

#: Entry keys that hold a list of strings; in a CSV cell they are written ``a|b|c``.
LIST_KEYS = ("source", "source_not", "accepted", "context", "before", "after", "not_before",
             "not_after")
#: Entry keys that hold true/false.
BOOL_KEYS = ("flag", "forms", "separators")
_TRUE = frozenset({"true", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "no", "n", "0", ""})
# ISO 639-2/3 codes some tools write instead of the two-letter ones (memoQ's own codes are
# three-letter); mapped so that ``--target-lang en`` finds ``eng-US``.
_THREE_LETTER = {"eng": "en", "zho": "zh", "chi": "zh", "fra": "fr", "fre": "fr",
                 "deu": "de", "ger": "de", "jpn": "ja", "spa": "es", "rus": "ru",
                 "kor": "ko", "por": "pt", "ita": "it", "ara": "ar"}


#: A term's status, as TBX and CAT tools' picklists say it (:func:`status_class`).
PREFERRED, ADMITTED, DEPRECATED, UNKNOWN = "preferred", "admitted", "deprecated", "unknown"
_DEPRECATED_WORDS = frozenset({"deprecated", "superseded", "forbidden", "obsolete", "do not use",
                               "prohibited", "not allowed", "rejected", "avoid", "banned",
                               "blacklisted", "notrecommended", "not recommended",  # TBX-Min
                               "禁用", "弃用", "已弃用", "不推荐", "不推荐使用", "错误"})
_PREFERRED_WORDS = frozenset({"preferred", "approved", "standardized", "standard", "推荐",
                              "首选", "标准"})
_ADMITTED_WORDS = frozenset({"admitted", "allowed", "accepted", "permitted", "proposed", "legal",
                             "regulated", "new", "允许", "可用"})
#: words a status value may add that say nothing about the class ("Forbidden term",
#: "deprecatedTerm-admn-sts", "Preferred status")
_STATUS_NOISE = frozenset({"term", "terms", "admn", "sts", "status", "usage", "word"})


@dataclass(slots=True)
class ExchangeResult:
    """What an import or export did: entries written, what was left out and why, and how the
    input was read (delimiter, header, languages) so that nothing is decided silently."""

    entries: int = 0
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=1024)
def primary_subtag(code: str) -> str:
    """``zh-CN`` -> ``zh``, ``EN_us`` -> ``en``, ``eng-US`` -> ``en``: languages are matched by
    their primary subtag because termbases rarely agree on regions (``zh`` vs ``zh-CN``)."""
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return _THREE_LETTER.get(primary, primary)


def same_language(code: str, wanted: str) -> bool:
    """Whether a language code in a file names the language the user asked for."""
    return bool(code.strip()) and primary_subtag(code) == primary_subtag(wanted)


def same_variant(code: str, wanted: str) -> bool:
    """Whether ``wanted`` names a variant (``en-GB``, ``zh-Hans``) and ``code`` is that variant
    (any case, ``_`` or ``-``, two- or three-letter primary code)."""
    def variant(text: str) -> str:
        return "".join(re.split(r"[-_]", text.strip().lower(), maxsplit=1)[1:]).replace("_", "-")

    return bool(variant(wanted)) and same_language(code, wanted) and variant(code) == variant(
        wanted)


def status_class(value: str, kind: str = "") -> str:
    """TBX's status values (``deprecatedTerm-admn-sts``, ``preferredTerm``...) and the words
    CAT tools write in custom fields ("Forbidden", "Preferred"), as one of four classes."""
    text = value.strip().lower()
    if kind == "forbidden":  # a yes/no field
        return DEPRECATED if text in ("true", "yes", "1", "x", "forbidden") else ADMITTED
    if text.startswith(("deprecatedterm", "supersededterm")) or text in _DEPRECATED_WORDS:
        return DEPRECATED
    if text.startswith(("preferredterm", "standardizedterm")) or text in _PREFERRED_WORDS:
        return PREFERRED
    if text.startswith(("admittedterm", "legalterm", "regulatedterm")) or text in _ADMITTED_WORDS:
        return ADMITTED
    return _status_by_words(value)


def _status_by_words(value: str) -> str:
    """A picklist value written as words ("Forbidden term", "Preferred Term", "Deprecated (do
    not use)", "Preferred/Approved", "deprecated-term"): its words without the noise words and
    bracketed parts, as one phrase, else every status word agreeing on one class. A negation
    that is not a known phrase ("not approved") is unknown rather than read backwards."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", value)  # camelCase: deprecatedTerm
    spaced = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", spaced.lower())
    words = [w for w in re.split(r"[\s\-_/.,;:!]+", spaced) if w and w not in _STATUS_NOISE]
    phrase = " ".join(words)
    for words_of, cls in ((_DEPRECATED_WORDS, DEPRECATED), (_PREFERRED_WORDS, PREFERRED),
                          (_ADMITTED_WORDS, ADMITTED)):
        if phrase in words_of:
            return cls
    if not words or any(w in ("not", "no", "non", "do", "don't") for w in words):
        return UNKNOWN
    classes = {cls for w in words for words_of, cls in (
        (_DEPRECATED_WORDS, DEPRECATED), (_PREFERRED_WORDS, PREFERRED),
        (_ADMITTED_WORDS, ADMITTED)) if w in words_of}
    if len(classes) == 1 and all(any(w in ws for ws in (
            _DEPRECATED_WORDS, _PREFERRED_WORDS, _ADMITTED_WORDS)) for w in words):
        return classes.pop()
    return UNKNOWN


def join_list(values: Sequence[str]) -> str:
    """A list of strings as one cell: ``a|b``, or JSON where a value holds ``|`` or starts with
    ``[`` (so that every list reads back exactly)."""
    if any("|" in v or v.startswith("[") for v in values):
        return json.dumps(list(values), ensure_ascii=False)
    return "|".join(values)


def split_list(cell: str) -> list[str]:
    """The inverse of :func:`join_list`; a cell that is a JSON list of strings is read as one."""
    text = cell.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
    return [part.strip() for part in cell.split("|") if part.strip()]


def read_bool(cell: str) -> bool | None:
    """``true/yes/1/x`` and ``false/no/0/empty``; anything else is ``None`` (the caller says
    which line to fix, rather than reading a typo as false)."""
    value = cell.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


__all__ = [
    "ADMITTED",
    "BOOL_KEYS",
    "DEPRECATED",
    "LIST_KEYS",
    "PREFERRED",
    "UNKNOWN",
    "ExchangeResult",
    "join_list",
    "primary_subtag",
    "read_bool",
    "same_language",
    "same_variant",
    "split_list",
    "status_class",
]
