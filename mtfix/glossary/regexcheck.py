"""Refuse regexes that can backtrack catastrophically (ReDoS) before they meet real text.

Python's ``re`` has no timeout, so a pattern such as ``(a+)+$`` or ``(\\s*x?)*`` can hang a whole
batch on one unlucky line. The check is static and conservative: it walks the parsed pattern
and rejects an unbounded repeat whose body can itself repeat without bound, or whose body is an
alternation with branches that can match the same text (``(a|a)*``, ``(\\w|\\d)+``).
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)  # a glossary's own-file matcher compiles it again
def check_python_regex(pattern: str) -> str | None:
    """Why ``pattern`` is too risky for Python's backtracking ``re``, or ``None``.

    Stricter than :func:`check_regex`, for patterns that cannot run on RE2 (see ``re2route``):
    any repeat that can run more than once over a body of varying length (``(?:xx?)+``,
    ``(?:x{1,2})+``, ``(?:a{0,50}){0,50}``) or over branches that can match the same text
    can split the same text in exponentially many ways, bounded counts included.
    """
    try:
        parsed = P.parse(pattern)
    except re.error as exc:  # pragma: no cover - compile() reports it first
        return f"does not compile: {exc}"
    return _walk_strict(list(parsed))


def _walk_strict(items: list) -> str | None:
    problem = _adjacent_unbounded(items)
    if problem:
        return problem
    for op, arg in items:
        if op in _REPEATS and op is not None:
            _low, high, body = arg
            if high > 1:
                low_width, high_width = body.getwidth()
                if low_width != high_width or _ambiguous_branches(list(body)):
                    return ("repeats a part whose length varies or whose branches overlap "
                            "(like (?:xx?)+ or (?:x{1,2})+): Python's re can backtrack "
                            "catastrophically on it")
            children = [list(body)]
        elif op == C.SUBPATTERN:
            children = [list(arg[-1])]
        elif op == C.BRANCH:
            children = [list(b) for b in arg[1]]
        elif op in (C.ASSERT, C.ASSERT_NOT):
            children = [list(arg[1])]
        else:
            continue
        for child in children:
            problem = _walk_strict(child)
            if problem:
                return problem
    return None


def _adjacent_unbounded(items: list) -> str | None:
    """Two unbounded repeats in a row that can match the same characters (``\\w*\\w*``,
    ``.*\\s*``) split a run of those characters in quadratically many ways, three in cubically
    many: on a long line without the text that follows them, Python's re then runs for
    minutes. Zero-width assertions between them do not separate them."""
    previous = None
    for op, arg in items:
        if op == C.AT:
            continue
        current = _unbounded_chars(op, arg)
        if current is not None and previous is not None and _may_share(previous, current):
            return ("has two unbounded repeats in a row that can match the same characters "
                    "(like \\w*\\w* or .*\\s*): Python's re can take minutes on a long "
                    "line; merge them into one, or bound one ({0,20})")
        previous = current
    return None


_ANY_CHAR = ((0, 0x10FFFF),)


def _unbounded_chars(op, arg) -> tuple[tuple[int, int], ...] | None:
    """What an unbounded repeat (``*``, ``+``, ``{n,}``) can consume, as code point ranges
    (any character where its body is not one character class); ``None`` for anything else."""
    if op not in _REPEATS or op is None or arg[1] != C.MAXREPEAT:
        return None
    body = list(arg[2])
    if len(body) != 1 or body[0][0] not in (C.LITERAL, C.NOT_LITERAL, C.IN, C.CATEGORY,
                                             C.ANY):
        return _ANY_CHAR
    from mtfix.glossary.re2route import char_ranges

    node_op, node_arg = body[0]
    try:
        return char_ranges(node_op, node_arg)
    except Exception:  # an unusual node: assume the worst
        return _ANY_CHAR


def _may_share(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= other_hi and other_lo <= hi for lo, hi in a for other_lo, other_hi in b)


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


# -- prefilter triggers --------------------------------------------------------------------
# Characters that Python's case-insensitive matching equates with an ASCII letter although
# they are not ASCII (KELVIN SIGN ~ k, LONG S ~ s, dotless/dotted I ~ i, ANGSTROM SIGN ~ å...).
# A text holding one of them is never skipped on the strength of an ASCII trigger.
SPECIAL_FOLD_CHARS = ("\u212a", "\u017f", "\u0131", "\u0130")
# Trigger search maps them to the ASCII letter they match, one code point for one, so offsets
# stay put.
SPECIAL_FOLD_TABLE = str.maketrans({"\u212a": "k", "\u017f": "s", "\u0131": "i", "\u0130": "i"})
MIN_TRIGGER = 3


@functools.lru_cache(maxsize=4096)  # a glossary's own-file matcher compiles it again
def regex_triggers(pattern: str) -> frozenset[str] | None:
    """Lower-case ASCII strings of which every match (or its lookaround context) contains one.

    Used to skip a regex entry on text that holds none of them, so a glossary with a hundred
    regex entries does not scan every text a hundred times. ``None`` means no such set was
    found (the regex always runs). Sound by construction: a literal the regex requires must
    appear in the text, and its ASCII, whitespace-free pieces survive case folding.
    """
    try:
        parsed = P.parse(pattern)
    except re.error:
        return None
    found = _required(list(parsed))
    if not found or min(len(t) for t in found) < MIN_TRIGGER:
        return None
    return frozenset(found)


def _literal_pieces(chars: list[str]) -> set[str] | None:
    pieces = re.split(r"[^\x21-\x7e]+", "".join(chars).lower())
    best = max(pieces, key=len, default="")
    return {best} if best else None


def _score(options: set[str] | None) -> int:
    return min(len(o) for o in options) if options else 0


def _required(items: list) -> set[str] | None:
    best: set[str] | None = None
    # Literals of a lookaround only where the match itself requires none: they are the
    # conditions around a term ("the spirit of" before "important instructions", "President
    # Xi"...), so usually commoner words than the term.
    around: set[str] | None = None
    run: list[str] = []

    def consider(options: set[str] | None) -> None:
        nonlocal best
        if options and _score(options) > _score(best):
            best = options

    for op, arg in items:
        if op == C.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            consider(_literal_pieces(run))
            run = []
        if op == C.SUBPATTERN:
            consider(_required(list(arg[-1])))
        elif op == C.BRANCH:
            branches = [_required(list(b)) for b in arg[1]]
            if all(branches):
                consider(set().union(*branches))
        elif op in _REPEATS and op is not None:
            low, _high, body = arg
            if low >= 1:
                consider(_required(list(body)))
        elif op == C.ASSERT:  # a positive lookaround must find its text next to the match
            options = _required(list(arg[1]))
            if options and _score(options) > _score(around):
                around = options
    if run:
        consider(_literal_pieces(run))
    if best is None or (_score(best) < MIN_TRIGGER <= _score(around)):
        return around
    return best


@functools.lru_cache(maxsize=4096)  # a glossary's own-file matcher compiles it again
def regex_marks(pattern: str) -> frozenset[str] | None:
    """Punctuation characters one of which every match of ``pattern`` (or its lookaround
    context) holds, such as the colon of "Views:"; None if no such set was found.

    Triggers are words, and words like "number" or "views" are common in prose: a window
    around one that holds none of these marks cannot hold a match, and is skipped without
    running the regex. Only characters that are neither letters, digits nor whitespace are
    taken, so case-insensitive matching and whitespace folding cannot change them.
    """
    try:
        parsed = P.parse(pattern)
    except re.error:
        return None
    found = _required_marks(list(parsed))
    return frozenset(found) if found else None


def _mark(code: int) -> str | None:
    char = chr(code)
    return None if char.isalnum() or char.isspace() or char == "_" else char


def _required_marks(items: list) -> set[str] | None:
    best: set[str] | None = None

    def consider(options: set[str] | None) -> None:
        nonlocal best
        if options and (best is None or len(options) < len(best)):
            best = options

    for op, arg in items:
        if op == C.LITERAL:
            mark = _mark(arg)
            consider({mark} if mark else None)
        elif op == C.IN:
            marks = {_mark(a) for o, a in arg if o == C.LITERAL}
            if all(o == C.LITERAL for o, _a in arg) and None not in marks:
                consider(marks)
        elif op == C.SUBPATTERN:
            consider(_required_marks(list(arg[-1])))
        elif op == C.BRANCH:
            branches = [_required_marks(list(b)) for b in arg[1]]
            if all(branches):
                consider(set().union(*branches))
        elif op in _REPEATS and op is not None:
            low, _high, body = arg
            if low >= 1:
                consider(_required_marks(list(body)))
        elif op == C.ASSERT:
            consider(_required_marks(list(arg[1])))
    return best


@functools.lru_cache(maxsize=4096)  # a glossary's own-file matcher compiles it again
def regex_reach(pattern: str) -> int | None:
    """How far apart a match's start and any text it depends on can be, or None if unbounded.

    The sum of the widest match and the widest lookahead and lookbehind: a match that holds
    (or looks at) a trigger at ``t`` starts within ``reach`` of ``t``, and deciding a match at
    ``s`` reads no character beyond ``s + reach``. Patterns that can match the empty string
    return None (``finditer``'s handling of empty matches cannot be replayed in windows).
    """
    try:
        parsed = P.parse(pattern)
    except re.error:
        return None
    low, high = parsed.getwidth()
    if low == 0 or high >= _UNBOUNDED:
        return None
    around = _lookaround_width(list(parsed))
    if around is None:
        return None
    return high + around


def _lookaround_width(items: list) -> int | None:
    total = 0
    for op, arg in items:
        if op in (C.ASSERT, C.ASSERT_NOT):
            sub = arg[1]
            width = sub.getwidth()[1]
            if width >= _UNBOUNDED:
                return None
            inner = _lookaround_width(list(sub))
            if inner is None:
                return None
            total += width + inner
        elif op == C.SUBPATTERN:
            inner = _lookaround_width(list(arg[-1]))
            if inner is None:
                return None
            total += inner
        elif op == C.BRANCH:
            widths = [_lookaround_width(list(b)) for b in arg[1]]
            if any(w is None for w in widths):
                return None
            total += max(widths, default=0)
        elif op in _REPEATS and op is not None:
            _low, high, body = arg
            inner = _lookaround_width(list(body))
            if inner is None or (inner and high >= _UNBOUNDED):
                return None
            total += inner * high
    return total


def windowed_finditer(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]],
                      reach: int):
    """The non-empty matches ``pattern.finditer(text)`` would give that start in ``windows``.

    Each window is searched with ``endpos`` just past what a match starting in it can read;
    every hit is then re-matched on the full text at its start, so end-of-text assertions
    and lookaheads see the real text. Windows must be sorted and non-overlapping.
    """
    n = len(text)
    pos = 0
    for lo, hi in windows:
        p = max(lo, pos)
        while p < hi:
            m = pattern.search(text, p, min(n, hi + reach + 1))
            if m is None or m.start() >= hi:
                break
            true = pattern.match(text, m.start())
            if true is None or true.end() == true.start():
                p = m.start() + 1
                continue
            yield true
            p = pos = true.end()
