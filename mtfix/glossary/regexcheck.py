"""Refuse regexes that can backtrack catastrophically (ReDoS) before they meet real text.

Python's ``re`` has no timeout, so a pattern such as ``(a+)+$`` or ``(\\s*x?)*`` can hang a whole
batch on one unlucky line. The check is static and conservative: it walks the parsed pattern
and rejects an unbounded repeat whose body can itself repeat without bound, or whose body is an
alternation with branches that can match the same text (``(a|a)*``, ``(\\w|\\d)+``).
"""

from __future__ import annotations

import re
import re._constants as C
import re._parser as P

_UNBOUNDED = C.MAXREPEAT
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))


def check_regex(pattern: str) -> str | None:
    """Return why ``pattern`` is dangerous, or ``None`` if it looks safe."""
    try:
        parsed = P.parse(pattern)
    except re.error as exc:  # pragma: no cover - compile() reports it first
        return f"does not compile: {exc}"
    return _walk(list(parsed), inside_unbounded=False)


def _walk(items: list, inside_unbounded: bool) -> str | None:
    for op, arg in items:
        if op in _REPEATS and op is not None:
            _low, high, body = arg
            unbounded = high == _UNBOUNDED or high > 100
            if unbounded and inside_unbounded and op != getattr(C, "POSSESSIVE_REPEAT", None):
                return ("nests one unbounded repeat inside another (like (a+)+): it can "
                        "backtrack catastrophically; rewrite it without the nesting")
            if unbounded and _ambiguous_branches(list(body)):
                return ("repeats an alternation whose branches can match the same text "
                        "(like (a|a)*): it can backtrack catastrophically")
            problem = _walk(list(body), inside_unbounded or unbounded)
            if problem:
                return problem
        elif op == C.SUBPATTERN:
            problem = _walk(list(arg[-1]), inside_unbounded)
            if problem:
                return problem
        elif op == C.BRANCH:
            for branch in arg[1]:
                problem = _walk(list(branch), inside_unbounded)
                if problem:
                    return problem
        elif op in (C.ASSERT, C.ASSERT_NOT):
            problem = _walk(list(arg[1]), inside_unbounded)
            if problem:
                return problem
    return None


def _first_chars(items: list) -> set | None:
    """A coarse set describing what the sequence can start with; None = anything."""
    for op, arg in items:
        if op == C.LITERAL:
            return {("lit", arg)}
        if op == C.SUBPATTERN:
            return _first_chars(list(arg[-1]))
        if op in (C.IN, C.ANY, C.CATEGORY, C.NOT_LITERAL):
            return None
        if op in _REPEATS and op is not None:
            low, _high, body = arg
            first = _first_chars(list(body))
            if low == 0:
                return None
            return first
        if op == C.AT:
            continue
        return None
    return set()


def _ambiguous_branches(body: list) -> bool:
    """Does a repeated body contain an alternation whose branches can match the same text?

    A branch that can match the empty string counts as ambiguous (``(?:a|ab)*`` parses as
    ``a(?:|b)``); so does a branch whose first character is a class.
    """
    for op, arg in body:
        if op == C.SUBPATTERN and _ambiguous_branches(list(arg[-1])):
            return True
        if op == C.BRANCH:
            seen: set = set()
            for branch in arg[1]:
                first = _first_chars(list(branch))
                if first is None or not first or first & seen:
                    return True
                seen |= first
            if any(_ambiguous_branches(list(branch)) for branch in arg[1]):
                return True
    return False
