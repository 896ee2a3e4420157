"""Run glossary regexes on Google RE2 (linear time) wherever that gives Python's exact results.

Python's ``re`` backtracks: a user pattern such as ``(?:xx?)+y`` or ``\\w*\\w*\\w*\\w*!`` can take
minutes on one line, and no static check catches every such pattern. RE2 never backtracks,
but its syntax and semantics differ (``\\w``/``\\s``/``\\d``/``\\b`` are ASCII-only, its
case folding is not Python's, no lookarounds). So a pattern is not handed to RE2 as written:
:func:`to_re2` rewrites Python's parse tree into RE2 syntax in which every character class is
spelled out as the exact set of code points Python's ``re`` would accept (computed with
Python's ``re`` itself), and gives up (``None``) on anything it cannot reproduce exactly
(lookarounds, backreferences, possessive repeats, ``$`` without ``(?m)``, a pattern that can
match the empty string...). ``\\b``/``\\B`` are the one text-dependent difference: RE2 knows
only ASCII word characters, so such a pattern runs on RE2 only for texts without a non-ASCII
word character (:meth:`Re2Pattern.linear_for`), and on Python's ``re`` otherwise.

:class:`Re2Pattern` quacks like the parts of ``re.Pattern`` the matcher uses (``pattern``,
``finditer``, ``search``, ``match``); its matches like ``re.Match`` (``start``, ``end``,
``expand``, ``re``). Only templates without group references are routed here, so
``expand`` is the replacement Python would produce, computed once.
"""

from __future__ import annotations

import functools
import re
import re._constants as C
import re._parser as P
from collections.abc import Iterator

import numpy
import re2

from mtfix.glossary.regexcheck import SPECIAL_FOLD_CHARS

_REPEATS = {C.MAX_REPEAT: "", C.MIN_REPEAT: "?"}
_RE2_MAX_REPEAT = 1000  # RE2 refuses larger counts
# Python's inline flags that change what a node matches; VERBOSE only changes parsing.
_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.ASCII
_CATEGORY_SOURCE = {
    C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W", C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s", C.CATEGORY_NOT_SPACE: r"\S",
}
# Code points a Python str can hold and UTF-8 (so RE2) can encode: no surrogates. RE2 sees a
# text's surrogates as U+FFFF (same offsets); only patterns that treat every surrogate as
# they treat U+FFFF are rewritten (see ``_char_set_of``).
_VALID = ((0, 0xD7FF), (0xE000, 0x10FFFF))
# Candidates for what Python's case-insensitive matching equates with an ASCII character: ASCII
# itself and the few non-ASCII letters it folds onto ASCII (tests check the list is complete).
_FOLD_CANDIDATES = "".join(map(chr, range(128))) + "".join(SPECIAL_FOLD_CHARS)
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")
_SURROGATES = "".join(map(chr, range(0xD800, 0xE000)))
_SURROGATE_TO_FFFF = dict.fromkeys(map(ord, _SURROGATES), 0xFFFF)


class _NotExact(Exception):
    """The pattern uses something RE2 cannot reproduce exactly: Python's re runs it."""


@functools.lru_cache(maxsize=4096)  # a glossary's own-file matcher compiles it again
def to_re2(pattern: str) -> tuple[str, bool] | None:
    """RE2 syntax with the exact semantics of Python's ``re.compile(pattern)``, and whether it
    uses Unicode ``\\b``/``\\B`` (then it is exact only on texts whose word characters are all
    ASCII); ``None`` when no exact rewrite is known."""
    try:
        parsed = P.parse(pattern)
    except re.error:
        return None
    flags = parsed.state.flags
    if flags & re.LOCALE or parsed.getwidth()[0] == 0:
        return None  # finditer's empty-match rules are not replayed here
    uses_boundary: list[bool] = []
    try:
        source = _seq(list(parsed), flags, uses_boundary)
    except _NotExact:
        return None
    return source, bool(uses_boundary)


def _seq(items: list, flags: int, uses_boundary: list[bool], relax: bool = False) -> str:
    return "".join(_node(op, arg, flags, uses_boundary, relax) for op, arg in items)


def _node(op, arg, flags: int, uses_boundary: list[bool], relax: bool = False) -> str:
    if op == C.LITERAL:
        return _literal(arg, flags)
    if op in (C.NOT_LITERAL, C.IN, C.ANY, C.CATEGORY):
        return _class_source(_char_set((op, arg), flags))
    if op == C.SUBPATTERN:
        _group, add, delete, body = arg
        return "(?:" + _seq(list(body), (flags | add) & ~delete, uses_boundary, relax) + ")"
    if op == C.BRANCH:
        return "(?:" + "|".join(_seq(list(b), flags, uses_boundary, relax)
                                for b in arg[1]) + ")"
    if op in _REPEATS:
        low, high, body = arg
        if low > _RE2_MAX_REPEAT or (high != C.MAXREPEAT and high > _RE2_MAX_REPEAT):
            raise _NotExact
        # (relaxed, a bounded repeat is unbounded: RE2 unrolls "{0,400}" into 400 states and
        # runs slowly; the looser pattern still matches wherever the exact one does)
        count = f"{{{low},}}" if high == C.MAXREPEAT or relax else f"{{{low},{high}}}"
        return "(?:" + _seq(list(body), flags, uses_boundary, relax) + ")" + count + \
            _REPEATS[op]
    if op == C.AT:
        return "" if relax else _at(arg, flags, uses_boundary)
    if relax and op in (C.ASSERT, C.ASSERT_NOT):
        return ""  # a zero-width condition left out: the pattern only matches more
    raise _NotExact  # lookarounds, backreferences, conditionals, atomic groups, possessives


def relaxed_pattern(pattern: str) -> re2._Regexp | None:
    """RE2 for a superset of ``pattern``'s matches: its lookarounds and anchors (``^``, ``$``,
    ``\\b``...) left out, the rest exact. Every match Python's ``re`` finds for ``pattern`` at
    some start, this one finds at the same start, so where RE2 finds nothing ``pattern``
    cannot match; ``None`` when no such rewrite is known (or it could match the empty
    string). A prefilter for the regex entries RE2 cannot run exactly."""
    try:
        parsed = P.parse(pattern)
        if parsed.state.flags & re.LOCALE:
            return None
        source = _seq(list(parsed), parsed.state.flags, [], relax=True)
        compiled = re2.compile(source, _OPTIONS)
    except (re.error, re2.error, _NotExact):
        return None
    if compiled.search("") is not None:
        return None  # (it may match the empty string: no use as a prefilter)
    return compiled


def _at(where, flags: int, uses_boundary: list[bool]) -> str:
    multiline = bool(flags & re.MULTILINE)
    if where == C.AT_BEGINNING:
        return "(?m:^)" if multiline else r"\A"
    if where == C.AT_BEGINNING_STRING:
        return r"\A"
    if where == C.AT_END and multiline:
        return "(?m:$)"  # before any \n or at the end, in both engines
    if where == C.AT_END_STRING:
        return r"\z"
    if where in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
        if not flags & re.ASCII:
            uses_boundary.append(True)
        return r"\b" if where == C.AT_BOUNDARY else r"\B"
    raise _NotExact  # Python's plain $ also matches before a final newline; RE2's does not


def _literal(code: int, flags: int) -> str:
    if flags & re.IGNORECASE:
        return _class_source(_char_set((C.LITERAL, code), flags))
    if code == 0xFFFF or 0xD800 <= code <= 0xDFFF:
        raise _NotExact  # RE2 sees a text's surrogates as U+FFFF
    return _escape(code)


def _escape(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else f"\\x{{{code:x}}}"


@functools.lru_cache(maxsize=1024)
def _class_source(ranges: tuple[tuple[int, int], ...]) -> str:
    if not ranges:
        raise _NotExact  # a class that matches nothing; rare enough to leave to Python
    parts = "".join(_escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}"
                    for lo, hi in ranges)
    return f"[{parts}]"


def _char_set(node: tuple, flags: int) -> tuple[tuple[int, int], ...]:
    """``_char_set_of`` with a hashable key: a glossary repeats the same few nodes thousands
    of times (each letter of each ``(?i:...)``)."""
    op, arg = node
    key = (op, tuple(arg) if isinstance(arg, list) else arg)
    ranges = _char_set_of(key, flags & _FLAGS)
    if op != C.ANY and not _surrogates_like_ffff(key, flags & _FLAGS):
        raise _NotExact
    return ranges


@functools.lru_cache(maxsize=4096)
def _surrogates_like_ffff(node: tuple, flags: int) -> bool:
    """Does the node accept every surrogate if it accepts U+FFFF, and none if not? (RE2 is
    shown surrogates as U+FFFF.)"""
    compiled = re.compile(_python_source(node), flags)
    if compiled.fullmatch("\uffff"):
        return re.fullmatch(f"(?:{compiled.pattern})*", _SURROGATES, flags) is not None
    return compiled.search(_SURROGATES) is None


def char_ranges(op, arg, flags: int = 0) -> tuple[tuple[int, int], ...]:
    """The code points one single-character parse node (literal, class, category, any)
    matches, as ranges (see ``_char_set_of``)."""
    return _char_set_of((op, tuple(arg) if isinstance(arg, list) else arg), flags & _FLAGS)


@functools.lru_cache(maxsize=4096)
def _char_set_of(node: tuple, flags: int) -> tuple[tuple[int, int], ...]:
    """The code points (as ranges, surrogates left out) that Python's re matches with one
    single-character node under ``flags``.

    A case-sensitive class is the set its members spell (categories computed by Python's re
    over all code points, once). A case-insensitive node whose members are ASCII is decided
    by Python's re on ASCII and the special folds (nothing else folds onto ASCII: tests check
    it over all code points); any other case-insensitive node is scanned by Python's re.
    """
    op, arg = node
    if op == C.ANY:
        return _VALID if flags & re.DOTALL else _complement(((10, 10),))
    negate, members, categories = _parts(op, arg)
    if flags & re.IGNORECASE and (categories or any(hi >= 128 for _lo, hi in members)):
        return _scan(_python_source(node), flags)
    if flags & re.IGNORECASE:
        compiled = re.compile(_python_source(node), flags)
        matched = [(ord(c), ord(c)) for c in _FOLD_CANDIDATES if compiled.fullmatch(c)]
        if not negate:
            return _union(matched)
        others = _complement(_union([(ord(c), ord(c)) for c in _FOLD_CANDIDATES]))
        return _union(matched + list(others))
    positive = _union(members + [r for cat in categories
                                 for r in _scan(_CATEGORY_SOURCE[cat], flags & re.ASCII)])
    return _complement(positive) if negate else positive


def _parts(op, arg) -> tuple[bool, list[tuple[int, int]], list]:
    """(negated, explicit member ranges, categories) of a LITERAL, NOT_LITERAL, CATEGORY or IN
    node."""
    if op in (C.LITERAL, C.NOT_LITERAL):
        return op == C.NOT_LITERAL, [(arg, arg)], []
    if op == C.CATEGORY:
        return False, [], [arg]
    negate, members, categories = False, [], []
    for item_op, item in arg:
        if item_op == C.NEGATE:
            negate = True
        elif item_op == C.LITERAL:
            members.append((item, item))
        elif item_op == C.RANGE:
            members.append(item)
        elif item_op == C.CATEGORY:
            categories.append(item)
        else:
            raise _NotExact
    return negate, members, categories


def _python_source(node: tuple) -> str:
    """Python regex source for one single-character node (escapes keep it unambiguous)."""
    op, arg = node
    negate, members, categories = _parts(op, arg)
    spelled = [f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in members]
    spelled += [_CATEGORY_SOURCE[cat] for cat in categories]
    return "[" + ("^" if negate else "") + "".join(spelled) + "]"


@functools.lru_cache(maxsize=256)
def _scan(source: str, flags: int) -> tuple[tuple[int, int], ...]:
    """Ranges of the code points Python's re matches with ``source`` (one character) under
    ``flags``: one pass over every code point (~20 ms), cached."""
    text = _all_chars()
    ranges = []
    for m in re.compile(f"(?:{source})+", flags).finditer(text):
        lo, hi = ord(text[m.start()]), ord(text[m.end() - 1])
        if lo < 0xD800 <= hi:  # the run spans the surrogate gap
            ranges += [(lo, 0xD7FF), (0xE000, hi)]
        else:
            ranges.append((lo, hi))
    return tuple(ranges)


@functools.cache
def _all_chars() -> str:
    # decoding UTF-32 is ~20 times faster than joining 1.1 million chr() results
    codes = numpy.concatenate([numpy.arange(0xD800), numpy.arange(0xE000, 0x110000)])
    return codes.astype("<u4").tobytes().decode("utf-32-le")


def _union(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """The valid code points (surrogates left out) outside ``ranges``."""
    gaps, start = [], 0
    for lo, hi in _union([*ranges, (0xD800, 0xDFFF)]):
        if lo > start:
            gaps.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= 0x10FFFF:
        gaps.append((start, 0x10FFFF))
    return tuple(gaps)


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a pattern RE2 refuses falls back to Python's re, silently
_OPTIONS.max_mem = 64 << 20  # spelled-out Unicode classes make programs larger than usual


def has_template_refs(template: str) -> bool:
    """Does a replacement template refer to groups (\\1, \\g<name>)? Such entries stay on
    Python's re: RE2's groups are not reproduced exactly."""
    return re.search(r"\\(?:\d|g<)", template) is not None


def linear_pattern(pattern: re.Pattern[str], template: str) -> Re2Pattern | None:
    """``pattern`` on RE2, when an exact rewrite exists and the template needs no groups."""
    if has_template_refs(template):
        return None
    rewritten = to_re2(pattern.pattern)
    if rewritten is None:
        return None
    try:
        compiled = re2.compile(rewritten[0], _OPTIONS)
    except re2.error:
        return None
    return Re2Pattern(pattern, compiled, rewritten[1], _expanded(template))


def _expanded(template: str) -> str:
    """What Python's ``Match.expand`` makes of a template without group references."""
    return re.compile("").sub(template, "")


def needs_python(text: str) -> bool:
    """Must a ``\\b`` pattern run on Python's re for ``text``: does it hold a non-ASCII word
    character (RE2's ``\\b`` would not see it as one)?"""
    global _LAST_TEXT
    if text.isascii():
        return False
    last = _LAST_TEXT  # every \\b pattern asks about the same text in turn: one scan per text
    if last[0] is text:
        return last[1]
    answer = _NON_ASCII_WORD.search(text) is not None
    _LAST_TEXT = (text, answer)  # one tuple, replaced whole: safe across threads
    return answer


_LAST_TEXT: tuple[str | None, bool] = (None, False)


_LAST_SHOWN: tuple[str | None, str | None] = (None, None)


def for_re2(text: str) -> str:
    """The text as RE2 is shown it: UTF-8 cannot hold a surrogate, so each becomes U+FFFF
    (one code point for one: offsets stay put). Every RE2 entry asks about the same text in
    turn: the answer for the last text is kept."""
    global _LAST_SHOWN
    if text.isascii():
        return text
    last = _LAST_SHOWN
    if last[0] is text:
        return last[1]  # type: ignore[return-value]
    try:
        text.encode("utf-8")  # strict UTF-8 refuses exactly the surrogates, at C speed
        shown = text
    except UnicodeEncodeError:
        shown = text.translate(_SURROGATE_TO_FFFF)
    _LAST_SHOWN = (text, shown)  # one tuple, replaced whole: safe across threads
    return shown


class Re2Match:
    """The parts of ``re.Match`` the glossary matcher reads."""

    __slots__ = ("_end", "_start", "re")

    def __init__(self, pattern: Re2Pattern, start: int, end: int) -> None:
        self.re = pattern
        self._start = start
        self._end = end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def expand(self, _template: str) -> str:
        return self.re.replacement


class Re2Pattern:
    """A glossary regex that runs on RE2 when that is exact for the text, else on Python's re."""

    def __init__(self, python: re.Pattern[str], compiled: re2._Regexp, uses_boundary: bool,
                 replacement: str) -> None:
        self.python = python
        self.pattern = python.pattern  # the prefilter reads the Python source
        self._re2 = compiled
        self.uses_boundary = uses_boundary
        self.replacement = replacement

    def linear_for(self, text: str) -> bool:
        """Does this text run on RE2 (linear time)?"""
        return not (self.uses_boundary and needs_python(text))

    def finditer(self, text: str) -> Iterator[Re2Match | re.Match[str]]:
        if not self.linear_for(text):
            yield from self.python.finditer(text)
            return
        for m in self._re2.finditer(for_re2(text)):  # never empty: to_re2 refuses such patterns
            yield Re2Match(self, m.start(), m.end())

    def search(self, text: str, pos: int = 0, endpos: int | None = None
               ) -> Re2Match | re.Match[str] | None:
        if not self.linear_for(text):
            return self.python.search(text, pos, len(text) if endpos is None else endpos)
        if endpos is not None and endpos < len(text):
            text = text[:endpos]  # Python's endpos: as if the text ended there
        m = self._re2.search(for_re2(text), pos)
        return None if m is None else Re2Match(self, m.start(), m.end())

    def match(self, text: str, pos: int = 0) -> Re2Match | re.Match[str] | None:
        if not self.linear_for(text):
            return self.python.match(text, pos)
        m = self._re2.match(for_re2(text), pos)
        return None if m is None else Re2Match(self, m.start(), m.end())

    def sub(self, template: str, text: str) -> str:
        return self.python.sub(template, text)

