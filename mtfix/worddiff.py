"""Word-level diff of one segment: ``before`` → ``after`` as a list of edits in ``before`` coordinates.

Used to turn a model's rewrite of a sentence into small, reviewable changes instead of one
"replace the whole sentence" record.

How it works:

* Both texts are cut into tokens: a run of word characters (:func:`mtfix.textutil.is_word_char`),
  a run of whitespace, or any other single character. Whitespace is a token like any other, so
  joining the tokens gives back the text exactly, and an edit boundary is always a token
  boundary: a word is never split.
* Every distinct token is mapped to one private character (the "linesToChars" trick of
  diff-match-patch, applied to word tokens), the two character strings are diffed with
  diff-match-patch, and ``diff_cleanupSemantic`` merges the diff into human-sized hunks.
* Each run of deletions/insertions between two equal runs becomes one :class:`WordEdit`.

Timeout: diff-match-patch gives up when its deadline passes and then returns "delete all,
insert all" for the part it had not finished — one giant hunk that would look like a real
answer. We check for that explicitly and REFUSE: :func:`word_edits` raises :class:`DiffTimeout`
and the caller decides (the model pass rejects that rewrite, keeping the text as it was). We
do not fall back to another aligner because the obvious one, :mod:`difflib`, has no deadline and
is quadratic on dissimilar input (minutes for 40k tokens); refusing keeps the cost bounded.
With sentence-sized segments the default deadline (1 s) is far from being reached.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import groupby
from typing import NamedTuple

from diff_match_patch import diff_match_patch

from mtfix.textutil import is_word_char

DEFAULT_TIMEOUT_S = 1.0


class WordEdit(NamedTuple):
    """Replace ``before[start:end]`` with ``replacement`` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str


class DiffTimeout(RuntimeError):
    """The word diff did not finish before its deadline (raised with ``on_timeout="raise"``)."""


def _char_class(char: str) -> int:
    if is_word_char(char):
        return 0
    if char.isspace():
        return 1
    return 2


def word_tokens(text: str) -> list[str]:
    """Cut ``text`` into word runs, whitespace runs and single other characters.

    ``"".join(word_tokens(text)) == text`` always holds.
    """
    tokens: list[str] = []
    for cls, group in groupby(text, key=_char_class):
        if cls == 2:
            tokens.extend(group)  # punctuation: one token per character
        else:
            tokens.append("".join(group))
    return tokens


def is_word_token(token: str) -> bool:
    return bool(token) and is_word_char(token[0])


class _TimedDiff(diff_match_patch):
    """diff-match-patch that remembers whether a bisection ran out of time."""

    def __init__(self) -> None:
        super().__init__()
        self.timed_out = False

    def diff_bisect(self, text1, text2, deadline):  # type: ignore[override]
        diffs = super().diff_bisect(text1, text2, deadline)
        # diff_bisect bails out (returning delete-all/insert-all) only when the deadline has
        # passed; seeing the clock beyond it afterwards is therefore a (conservative) check.
        if time.time() > deadline:
            self.timed_out = True
        return diffs


def _encode(tokens_a: Sequence[str], tokens_b: Sequence[str]) -> tuple[str, str, list[str]] | None:
    """Map each distinct token to one character; None if there are more tokens than characters."""
    index: dict[str, int] = {}
    alphabet: list[str] = []

    def code(token: str) -> str:
        i = index.get(token)
        if i is None:
            i = len(alphabet)
            index[token] = i
            alphabet.append(token)
        cp = i + 1  # skip NUL
        if cp >= 0xD800:  # skip the surrogate block
            cp += 0x800
        return chr(cp)

    try:
        a = "".join(code(t) for t in tokens_a)
        b = "".join(code(t) for t in tokens_b)
    except ValueError:  # chr() out of range: over a million distinct tokens
        return None
    return a, b, alphabet


def _decode(chars: str, alphabet: Sequence[str]) -> list[str]:
    out = []
    for ch in chars:
        cp = ord(ch)
        if cp >= 0xD800 + 0x800:
            cp -= 0x800
        out.append(alphabet[cp - 1])
    return out


def word_edits(before: str, after: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> list[WordEdit]:
    """The edits that turn ``before`` into ``after``, word by word, in ``before`` coordinates.

    Applying them (from the right, or with offsets adjusted) to ``before`` gives ``after``
    exactly. ``timeout`` bounds the diff-match-patch step (seconds, must be > 0); see the module
    docstring: exceeding it raises :class:`DiffTimeout`.
    """
    if timeout <= 0:
        raise ValueError("timeout must be > 0 seconds (diff-match-patch treats 0 as 'no limit')")
    if before == after:
        return []
    tokens_a, tokens_b = word_tokens(before), word_tokens(after)
    encoded = _encode(tokens_a, tokens_b)
    if encoded is None:
        raise DiffTimeout(f"too many distinct tokens to diff ({len(tokens_a)} → {len(tokens_b)})")
    a, b, alphabet = encoded
    dmp = _TimedDiff()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(a, b, False, time.time() + timeout)
    if dmp.timed_out:
        raise DiffTimeout(f"word diff did not finish within {timeout} s "
                          f"({len(tokens_a)} → {len(tokens_b)} tokens)")
    dmp.diff_cleanupSemantic(diffs)
    return _hunks_from_dmp(diffs, alphabet)


def _hunks_from_dmp(diffs: Sequence[tuple[int, str]], alphabet: Sequence[str]) -> list[WordEdit]:
    edits: list[WordEdit] = []
    pos = 0  # position in `before`
    hunk_start: int | None = None
    inserted: list[str] = []
    for op, chars in diffs:
        text = "".join(_decode(chars, alphabet))
        if op == diff_match_patch.DIFF_EQUAL:
            if hunk_start is not None:
                edits.append(WordEdit(hunk_start, pos, "".join(inserted)))
                hunk_start, inserted = None, []
            pos += len(text)
            continue
        if hunk_start is None:
            hunk_start = pos
        if op == diff_match_patch.DIFF_DELETE:
            pos += len(text)
        else:
            inserted.append(text)
    if hunk_start is not None:
        edits.append(WordEdit(hunk_start, pos, "".join(inserted)))
    return edits


def apply_word_edits(before: str, edits: Sequence[WordEdit]) -> str:
    """Apply non-overlapping edits (offsets into ``before``)."""
    from mtfix.change import Edit, apply_edits

    return apply_edits(before, [Edit(e.start, e.end, e.replacement, "worddiff") for e in edits])
