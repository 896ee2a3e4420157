"""Lint glossaries: find what a translator must fix before (or after) a glossary loads.

:func:`lint_glossaries` reports every problem it can find instead of stopping at the first:

errors (``mtfix glossary lint`` exits 1)
    ``schema``       a file or an entry does not follow the v1 format (file:line of the entry)
    ``duplicate-id`` two entries share an id
    ``conflict``     the same ``find`` in two entries with different replacements
    ``regex``        a regex that does not compile, or can backtrack catastrophically
    ``chain``        another entry rewrites this entry's replacement (a second run changes
                     the text again)
    ``cycle``        replacements rewrite each other in a loop (A -> B -> ... -> A)
warnings (exit 0 unless ``--strict``)
    ``duplicate-find`` the same ``find`` twice with the same replacement
    ``shadowed``       a ``find`` that another (longer or earlier) entry always matches first
    ``no-example``     a TOML entry without examples (nothing tests it)
    ``fuzzy``          fuzzy entries could not be checked (matcher unavailable)

Shadowing and chains are decided by the real matcher (:class:`CompiledGlossary`), not by a
re-implementation: each entry's find strings and replacement are run through all entries.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.glossary import expand_glossary_paths
from mtfix.glossary.compile import CompiledGlossary, compile_regex, expand_finds
from mtfix.glossary.matchview import fold_bytes
from mtfix.glossary.model import (
    _ENTRY_HEADER_RE,
    GlossaryError,
    GlossaryFile,
    RawEntry,
    entry_from_table,
    read_glossary,
)
from mtfix.textutil import normalize_key

ERROR, WARNING = "error", "warning"
_TEMPLATE_REF_RE = re.compile(r"\\(?:\d|g<)")


@dataclass(frozen=True, slots=True)
class Problem:
    """One lint finding, pointing at the file and line to edit."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    path: str = ""
    line: int | None = None
    entry_id: str | None = None

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        who = f" {self.entry_id}" if self.entry_id else ""
        return f"{where}{who}: {self.severity}: {self.message} [{self.code}]"


@dataclass(slots=True)
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    entries: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        return (f"{self.files} file{'s' if self.files != 1 else ''}, {self.entries} entries: "
                f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}")


def _problem(severity: str, code: str, message: str, entry: RawEntry | None = None,
             path: str = "", line: int | None = None) -> Problem:
    if entry is not None:
        return Problem(severity, code, message, entry.path, entry.line, entry.id)
    return Problem(severity, code, message, path, line)


def _from_error(exc: GlossaryError, code: str = "schema") -> Problem:
    # GlossaryError's str() already starts with "path:line [id]:"; keep only the message part.
    text = str(exc)
    prefix_end = text.find(": ") if exc.path else -1
    message = text[prefix_end + 2 :] if prefix_end >= 0 else text
    return Problem(ERROR, code, message, exc.path, exc.line, exc.entry_id)


def read_for_lint(path: str | Path) -> tuple[GlossaryFile | None, list[Problem]]:
    """Read one file, collecting every entry's schema error instead of stopping at the first."""
    try:
        return read_glossary(path), []
    except GlossaryError as first:
        if Path(path).suffix.lower() != ".toml":
            return None, [_from_error(first)]
        # The file parses as TOML but some entries are malformed: check each one on its own
        # so the translator sees all of them in one go.
        try:
            data = tomllib.loads(Path(path).read_text("utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            return None, [_from_error(first)]
        tables = data.get("entry") if isinstance(data, dict) else None
        if not isinstance(tables, list) or set(data) - {"glossary", "entry"}:
            return None, [_from_error(first)]
        text = Path(path).read_text("utf-8-sig")
        header_lines = [text.count("\n", 0, m.start()) + 1
                        for m in _ENTRY_HEADER_RE.finditer(text)]
        glossary = GlossaryFile(path=str(path))
        problems: list[Problem] = []
        for index, table in enumerate(tables):
            line = header_lines[index] if index < len(header_lines) else None
            try:
                glossary.entries.append(entry_from_table(table, str(path), line, index))
            except GlossaryError as exc:
                problems.append(_from_error(exc))
        if not problems:  # the first error was not about an entry (e.g. the [glossary] table)
            problems.append(_from_error(first))
        return glossary, problems


def lint_glossaries(paths: Iterable[str | Path]) -> LintReport:
    """Lint glossary files (a directory stands for the glossaries in it) together.

    Files are checked as one set, in the given order, as a run would load them: a duplicate
    id or a conflicting find across two files is reported too.
    """
    report = LintReport()
    entries: list[RawEntry] = []
    for path in expand_glossary_paths(paths):
        report.files += 1
        glossary, problems = read_for_lint(path)
        report.problems.extend(problems)
        if glossary is not None:
            entries.extend(glossary.entries)
    report.entries = len(entries)
    report.problems.extend(lint_entries(entries))
    return report


def lint_entries(entries: Sequence[RawEntry]) -> list[Problem]:
    """The checks that need parsed entries (everything but schema errors)."""
    problems: list[Problem] = []
    seen_ids: dict[str, RawEntry] = {}
    usable: list[RawEntry] = []
    for entry in entries:
        if entry.id in seen_ids:
            problems.append(_problem(ERROR, "duplicate-id",
                                     f"duplicate id (first defined at {seen_ids[entry.id].where()})",
                                     entry))
            continue
        seen_ids[entry.id] = entry
        if not entry.examples and entry.path.lower().endswith(".toml"):
            problems.append(_problem(WARNING, "no-example",
                                     "no examples: add examples = [{ text = ..., fixed = ... }] "
                                     "so the entry is tested", entry))
        if entry.match == "regex":
            bad = False
            for pattern in entry.find:
                try:
                    compile_regex(entry, pattern)
                except GlossaryError as exc:
                    problems.append(_from_error(exc, "regex"))
                    bad = True
            if bad:
                continue
        usable.append(entry)

    problems.extend(_find_conflicts(usable))
    compiled, skipped = _compile(usable)
    if skipped:
        problems.append(_problem(WARNING, "fuzzy",
                                 f"{len(skipped)} fuzzy entries not checked: {skipped[0]}",
                                 path=usable[0].path if usable else ""))
    if compiled is not None:
        problems.extend(_shadowed(compiled))
        problems.extend(_chains(compiled))
    return problems


def _key(entry: RawEntry, find: str) -> str | bytes:
    """The form the matcher compares (same folding as the automaton); exact keys as written."""
    return find if entry.match == "exact" else fold_bytes(normalize_key(find))


def _case_bound(entry: RawEntry) -> bool:
    """Does ``entry`` match only the case its finds are written in?"""
    return entry.match == "exact" or entry.case == "sensitive"


def _conditional(entry: RawEntry) -> bool:
    """Does ``entry`` fire only next to given words or on lines of furniture? Then another
    entry with the same find and other conditions is no conflict (one fires where the other
    does not)."""
    return bool(entry.before or entry.after or entry.not_before or entry.not_after
                or entry.line_mode)


def _find_conflicts(entries: Sequence[RawEntry]) -> list[Problem]:
    problems = []
    first: dict[bytes, list[tuple[RawEntry, str]]] = {}
    for entry in entries:
        if entry.match not in ("phrase", "exact") or _conditional(entry):
            continue
        for find in expand_finds(entry):
            key = fold_bytes(normalize_key(find))
            # case-bound finds of different case never meet ("Deputy Governor", "deputy governor")
            earlier = [(e, f) for e, f in first.get(key, ())
                       if not (_case_bound(e) and _case_bound(entry)
                               and normalize_key(f) != normalize_key(find))]
            first.setdefault(key, []).append((entry, find))
            if not earlier:
                continue
            other, _ = earlier[0]
            if other.id == entry.id:
                problems.append(_problem(WARNING, "duplicate-find",
                                         f"find {find!r} is listed twice", entry))
            elif other.replace != entry.replace:
                problems.append(_problem(
                    ERROR, "conflict",
                    f"find {find!r} is also in {other.id} ({other.where()}) with another "
                    f"replacement ({other.replace!r} vs {entry.replace!r}); only the first "
                    "fires: keep one", entry))
            else:
                problems.append(_problem(
                    WARNING, "duplicate-find",
                    f"find {find!r} is also in {other.id} ({other.where()}) with the same "
                    "replacement; this one never fires", entry))
    return problems


def _compile(entries: Sequence[RawEntry]) -> tuple[CompiledGlossary | None, list[str]]:
    try:
        return CompiledGlossary(entries), []
    except ImportError as exc:  # fuzzy matcher not installed: check the rest
        rest = [e for e in entries if e.match != "fuzzy"]
        return CompiledGlossary(rest), [str(exc)]


def _shadowed(compiled: CompiledGlossary) -> list[Problem]:
    """A find string on which the matcher picks another entry: that key can never fire there."""
    problems = []
    for entry in compiled.entries:
        if entry.match not in ("phrase", "exact"):
            continue  # regex/fuzzy finds are patterns, not texts; their examples test them
        dead = []
        finds = expand_finds(entry)
        for find in finds:
            edits = compiled.find_edits(find)
            if any(e.rule == entry.id for e in edits):
                continue
            winners = [e.rule for e in edits]
            if not winners:
                continue  # only possible for keys the matcher cannot see; examples catch it
            winner = compiled.entries[compiled.order[winners[0]]]
            if winner.match in ("phrase", "exact") and any(
                    _key(winner, f) == _key(entry, find) for f in expand_finds(winner)):
                continue  # same key: reported as conflict / duplicate-find
            dead.append((find, winner))
        for find, winner in dead:
            what = ("the entry can never fire" if len(dead) == len(finds)
                    else "this find can never fire")
            problems.append(_problem(
                WARNING, "shadowed",
                f"find {find!r} is always matched first by {winner.id} ({winner.where()}): "
                f"{what}", entry))
    return problems


def _rewrites(compiled: CompiledGlossary, text: str) -> list[str]:
    """Ids of the entries that would change ``text`` (flags do not change text)."""
    return [e.rule for e in compiled.find_edits(text)
            if not e.flag and e.after is not None and e.after != text[e.start : e.end]]


def _chains(compiled: CompiledGlossary) -> list[Problem]:
    graph: dict[str, list[str]] = {}
    for entry in compiled.entries:
        replace = entry.replace
        if not replace.strip() or entry.flag:
            continue
        if entry.match == "regex" and _TEMPLATE_REF_RE.search(replace):
            continue  # a template, not a text; the examples' idempotence check covers it
        graph[entry.id] = list(dict.fromkeys(_rewrites(compiled, replace)))
    problems = []
    reported_cycles: set[frozenset[str]] = set()
    for start, targets in graph.items():
        entry = compiled.entries[compiled.order[start]]
        for target in targets:
            cycle = _path(graph, target, start)
            if cycle is not None:
                members = frozenset([start, *cycle])
                if members in reported_cycles:
                    continue
                reported_cycles.add(members)
                loop = " -> ".join([start, *cycle]) if cycle else f"{start} -> {start}"
                problems.append(_problem(
                    ERROR, "cycle",
                    f"replacements rewrite each other in a loop: {loop}; every run changes "
                    "the text again", entry))
            else:
                other = compiled.entries[compiled.order[target]]
                problems.append(_problem(
                    ERROR, "chain",
                    f"replacement {entry.replace!r} is rewritten by {target} ({other.where()}); "
                    "a second run would change the text again: write the final form", entry))
    return problems


def _path(graph: dict[str, list[str]], source: str, goal: str) -> list[str] | None:
    """The entries from ``source`` to ``goal`` along rewrite edges (``[]`` if source is goal)."""
    if source == goal:
        return []
    stack = [(source, [source])]
    seen = {source}
    while stack:
        node, trail = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == goal:
                return [*trail, goal]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None
