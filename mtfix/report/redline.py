"""Word-level redline of one change: which words of ``before`` were deleted and inserted.

A change's before/after are short (a phrase, at most a sentence), so a token-level
``difflib`` match is exact and cheap. Tokens are words, runs of whitespace and single
punctuation marks, so a hunk never splits a word and joining the pieces gives back the texts:
``"".join(t for op, t in ops if op != "+") == before`` and likewise for ``after``. A short kept
run between two edits is folded into them, so that a rephrasing reads as one deletion and one
insertion rather than interleaved words.
"""

from __future__ import annotations

import difflib
import re

_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
MAX_TOKENS = 4000  # beyond this, show the whole span as one deletion and one insertion

Op = tuple[str, str]  # ("=" | "-" | "+", text)


def tokenize(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def word_diff(before: str, after: str) -> list[Op]:
    """Ops turning ``before`` into ``after``: ``=`` kept, ``-`` deleted, ``+`` inserted."""
    if before == after:
        return [("=", before)] if before else []
    a, b = tokenize(before), tokenize(after)
    if len(a) + len(b) > MAX_TOKENS:
        return [op for op in (("-", before), ("+", after)) if op[1]]
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(ops, "=", "".join(a[i1:i2]))
        else:
            _push(ops, "-", "".join(a[i1:i2]))
            _push(ops, "+", "".join(b[j1:j2]))
    return _absorb_small_equalities(ops)


def _push(ops: list[Op], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def _absorb_small_equalities(ops: list[Op]) -> list[Op]:
    """Fold a kept run that sits between two edits into both of them when it is no longer than
    the edits on either side (the rule of diff-match-patch's semantic cleanup, on words).

    Word by word, a rephrasing interleaves into nonsense: "Entry and Exit" -> "Exit and Entry"
    reads "~~Entry~~ Exit and ~~Exit~~ Entry"; one deletion and one insertion read at a
    glance. A long kept run between two small edits stays, so small fixes stay small."""
    if sum(op == "=" for op, _ in ops[1:-1]) == 0:
        return ops  # no kept run between two edits (most changes): nothing to fold
    groups: list[str | tuple[str, str]] = []
    for group in _groups(ops):
        groups.append(group)
        # A merge makes an edit longer, which may let it swallow the kept run before it too.
        while len(groups) >= 3 and _foldable(groups[-3], groups[-2], groups[-1]):
            left, kept, right = groups[-3], groups[-2], groups[-1]
            groups[-3:] = [(left[0] + kept + right[0], left[1] + kept + right[1])]  # type: ignore[index]
    out: list[Op] = []
    for group in groups:
        if isinstance(group, str):
            _push(out, "=", group)
        else:
            lead, deleted, inserted, trail = _shared_spaces(*group)
            _push(out, "=", lead)
            _push(out, "-", deleted)
            _push(out, "+", inserted)
            _push(out, "=", trail)
    return out


def _shared_spaces(deleted: str, inserted: str) -> tuple[str, str, str, str]:
    """A folded edit's whitespace token shared at its start or end, moved out of it, so that
    "the~~ Entry and Exit ~~" reads "the ~~Entry and Exit~~ ". Whole tokens only: a word or a
    whitespace run is never split."""
    if not deleted or not inserted:
        return "", deleted, inserted, ""
    a, b = tokenize(deleted), tokenize(inserted)
    lead = trail = ""
    if len(a) > 1 and len(b) > 1 and a[0] == b[0] and a[0].isspace():
        lead, a, b = a[0], a[1:], b[1:]
    if len(a) > 1 and len(b) > 1 and a[-1] == b[-1] and a[-1].isspace():
        trail, a, b = a[-1], a[:-1], b[:-1]
    return lead, "".join(a), "".join(b), trail


def _foldable(left: str | tuple[str, str], kept: str | tuple[str, str],
              right: str | tuple[str, str]) -> bool:
    """An edit, a kept run no longer than either edit, and an edit."""
    return (isinstance(kept, str) and not isinstance(left, str) and not isinstance(right, str)
            and len(kept) <= max(map(len, left)) and len(kept) <= max(map(len, right)))


def _groups(ops: list[Op]) -> list[str | tuple[str, str]]:
    """Ops as alternating kept texts (``str``) and edits (``(deleted, inserted)``)."""
    groups: list[str | tuple[str, str]] = []
    for op, text in ops:
        if op == "=":
            groups.append(text)
            continue
        if not groups or isinstance(groups[-1], str):
            groups.append(("", ""))
        deleted, inserted = groups[-1]  # type: ignore[misc]
        groups[-1] = (deleted + text, inserted) if op == "-" else (deleted, inserted + text)
    return groups
