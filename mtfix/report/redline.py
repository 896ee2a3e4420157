"""Word-level redline of one change: which words of ``before`` were deleted and inserted.

A change's before/after are short (a phrase, at most a sentence), so a token-level
``difflib`` match is exact and cheap. Tokens are words, runs of whitespace and single
punctuation marks, so a hunk never splits a word and joining the pieces gives back the texts:
``"".join(t for op, t in ops if op != "+") == before`` and likewise for ``after``.
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
    return _absorb_lone_spaces(ops)


def _push(ops: list[Op], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def _absorb_lone_spaces(ops: list[Op]) -> list[Op]:
    """``-a + x = " " - b + y`` reads better as ``-"a b" +"x y"``: fold a kept single space that
    sits between two edits into both sides."""
    out: list[Op] = []
    i = 0
    while i < len(ops):
        op, text = ops[i]
        if (op == "=" and text.isspace() and len(text) == 1 and out and out[-1][0] in "+-"
                and i + 1 < len(ops) and ops[i + 1][0] in "+-"):
            # Collect the edits on both sides of the space into one "-" and one "+" run.
            removed = "".join(t for o, t in _trailing_edits(out) if o == "-")
            added = "".join(t for o, t in _trailing_edits(out) if o == "+")
            while out and out[-1][0] in "+-":
                out.pop()
            j = i + 1
            more_removed, more_added = "", ""
            while j < len(ops) and ops[j][0] in "+-":
                if ops[j][0] == "-":
                    more_removed += ops[j][1]
                else:
                    more_added += ops[j][1]
                j += 1
            _push(out, "-", removed + text + more_removed)
            _push(out, "+", added + text + more_added)
            i = j
            continue
        out.append((op, text))
        i += 1
    return out


def _trailing_edits(ops: list[Op]) -> list[Op]:
    k = len(ops)
    while k > 0 and ops[k - 1][0] in "+-":
        k -= 1
    return ops[k:]
