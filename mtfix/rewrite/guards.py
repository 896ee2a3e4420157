"""Guards: the checks a model's rewrite of one sentence must pass before it is applied.

A model that over-edits or hallucinates is worse than none, so every rewrite goes through these
checks; the first one that fails names the reason, and the rewrite becomes a flag (shown to a
reviewer with the proposed text and that reason) instead of a change.

Each guard is one function ``check_<name>(before, after, ...) -> Rejection | None``; they do not
import torch and can be used (and tested) on hand-written rewrites. :func:`check_rewrite` runs
them all, cheapest first.

Heuristics, stated plainly:

* "numbers", "dates", "urls", "placeholders": the multiset of such tokens must be identical
  (reformatting ``1,000`` as ``1000`` is rejected too: we cannot tell a reformat from an error).
* "quotes": every quoted string of ``before`` must still be quoted, word for word, in ``after``
  (the quote characters themselves may change).
* "names": a capitalised word that does not start a sentence is taken as a name. Dropping one
  (its lower-case form no longer appears) or introducing one not in ``before`` (in any case) is
  rejected; changing its case is allowed (MT often capitalises common words mid-sentence). The
  first word of ``after`` counts as invented only if ``before`` has no such word in any case
  and it is not a common sentence opener.
* "edit-ratio": word-level Levenshtein distance (a case change counts) divided by the number of
  words of ``before``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from mtfix.spans import overlaps_any
from mtfix.textutil import fold_case
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
    """Tunable bounds. Defaults are conservative: a rejected good rewrite costs a reviewer a look,
    an accepted bad one silently damages the text."""

    max_edit_ratio: float = 0.3
    min_length_ratio: float = 0.6
    max_length_ratio: float = 1.5
    #: length differences up to this many characters are always allowed (short sentences)
    length_slack: int = 8
    #: an n-gram repeated back to back this many times (more than in the input) is a loop
    max_repeats: int = 3
    diff_timeout_s: float = 1.0


DEFAULT_LIMITS = GuardLimits()

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
""".split())
_SENTENCE_OPENING_PUNCT = frozenset(".!?:;\"“”'‘’([«")


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


def _words(text: str) -> list[str]:
    return [fold_case(t) for t in word_tokens(text) if is_word_token(t)]


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
    run_after, gram = longest_repeat(_words(after))
    if run_after < limits.max_repeats:
        return None
    run_before, _ = longest_repeat(_words(before))
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
    return _multiset_diff("numbers", "number", _NUMBER_RE.findall(before), _NUMBER_RE.findall(after))


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


def capitalised_names(text: str) -> list[str]:
    """Capitalised words that do not open a sentence (a crude but predictable name detector)."""
    names: list[str] = []
    at_start = True
    for token in word_tokens(text):
        if token.isspace():
            continue
        if not is_word_token(token):
            if token in _SENTENCE_OPENING_PUNCT:
                at_start = True
            continue
        if not at_start and any(c.isupper() for c in token):
            names.append(token)
        at_start = False
    return names


def check_names(before: str, after: str) -> Rejection | None:
    words_before = set(_words(before))
    words_after = set(_words(after))
    for name in capitalised_names(before):
        if fold_case(name) not in words_after:
            return Rejection("names", f"drops the name {name!r}")
    for name in capitalised_names(after):
        if fold_case(name) not in words_before:
            return Rejection("names", f"introduces the name {name!r}")
    first = next((t for t in word_tokens(after) if is_word_token(t)), "")
    if (first and first[0].isupper() and fold_case(first) not in words_before
            and fold_case(first) not in _OPENERS):
        return Rejection("names", f"introduces {first!r} at the start")
    return None


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


def check_edit_ratio(before: str, after: str, limits: GuardLimits = DEFAULT_LIMITS) -> Rejection | None:
    """Word-level Levenshtein distance (case counts) over the number of words of ``before``."""
    words_before = [t for t in word_tokens(before) if is_word_token(t)]
    words_after = [t for t in word_tokens(after) if is_word_token(t)]
    changed = Levenshtein.distance(words_before, words_after)
    ratio = changed / max(1, len(words_before))
    if ratio > limits.max_edit_ratio:
        return Rejection("edit-ratio", f"{changed} of {len(words_before)} words changed "
                                       f"({ratio:.2f} > {limits.max_edit_ratio})")
    return None


def check_rewrite(before: str, after: str, *, protected: Sequence[Span] = (),
                  limits: GuardLimits = DEFAULT_LIMITS,
                  ) -> tuple[list[WordEdit], Rejection | None]:
    """Run every guard on a rewrite of one sentence.

    Returns the word edits (``before`` coordinates; empty when rejected before the diff) and the
    first rejection, or ``None`` when the rewrite may be applied.
    """
    for check in (check_not_empty, check_single_line):
        if rejection := check(before, after):
            return [], rejection
    if rejection := check_repetition(before, after, limits) or check_length(before, after, limits):
        return [], rejection
    for check in (check_placeholders, check_urls, check_numbers, check_dates, check_quotes):
        if rejection := check(before, after):
            return [], rejection
    try:
        edits = word_edits(before, after, timeout=limits.diff_timeout_s)
    except DiffTimeout as exc:
        return [], Rejection("diff", str(exc))
    if rejection := check_protected(before, after, protected, edits):
        return edits, rejection
    if rejection := check_names(before, after):
        return edits, rejection
    if rejection := check_edit_ratio(before, after, limits):
        return edits, rejection
    return edits, None
