"""Lint glossaries: find what a translator must fix before (or after) a glossary loads.

:func:`lint_glossaries` runs exactly the checks a run runs when it loads glossaries
(:func:`mtfix.glossary.checks.check_glossary_files`, with the shipped glossaries first unless
told otherwise, as ``mtfix fix``), but reports every problem instead of stopping at the first,
also in a file that would not load. So lint has an error exactly when ``mtfix fix`` with the
same glossaries would refuse to run.

errors (``mtfix glossary lint`` exits 1; ``mtfix fix`` refuses to run)
    ``schema``       a file or an entry does not follow the v1 format (file:line of the entry)
    ``duplicate-id`` two entries share an id
    ``regex``        a regex that does not compile, or can backtrack catastrophically
    ``example``      an example its own file fails (or changes again on a second run)
warnings (exit 0 unless ``--strict``; ``mtfix fix`` prints the loader's ones and goes on)
    ``interaction``    an entry of one file changes another file's example (loader)
    ``conflict``       the same ``find`` in two entries with different replacements (loader)
    ``chain``          another entry rewrites this entry's replacement: a second run changes
                       the text again (loader)
    ``cycle``          replacements rewrite each other in a loop, A -> B -> ... -> A (loader)
    ``duplicate-find`` the same ``find`` twice with the same replacement
    ``shadowed``       a ``find`` that another (longer or earlier) entry always matches first
    ``no-example``     a TOML entry without examples (nothing tests it)

Shadowing and chains are decided by the real matcher (:class:`CompiledGlossary`), not by a
re-implementation: each entry's find strings and replacement are run through the entries.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.glossary import default_glossary_paths, expand_glossary_paths
from mtfix.glossary.checks import check_glossary_files, comparable_finds, find_key
from mtfix.glossary.compile import CompiledGlossary
from mtfix.glossary.model import (
    _ENTRY_HEADER_RE,
    GlossaryError,
    GlossaryFile,
    RawEntry,
    entry_from_table,
    read_glossary,
)
from mtfix.textutil import plural

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One lint finding, pointing at the file and line to edit."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    path: str = ""
    line: int | None = None
    entry_id: str | None = None
    other_path: str = ""  # the file of the other entry a warning names, if any

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        who = f" {self.entry_id}" if self.entry_id else ""
        return f"{where}{who}: {self.severity}: {self.message} [{self.code}]"


@dataclass(slots=True)
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    entries: int = 0
    shipped: int = 0  # shipped glossaries checked with the files (as ``mtfix fix`` loads them)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        also = (f" (checked with {plural(self.shipped, 'shipped glossary')})"
                if self.shipped else "")
        return (f"{plural(self.files, 'file')}, {plural(self.entries, 'entry')}{also}: "
                f"{plural(e, 'error')}, {plural(w, 'warning')}")


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


def lint_glossaries(paths: Iterable[str | Path], *, defaults: bool = False) -> LintReport:
    """Lint glossary files (a directory stands for the glossaries in it) together.

    The files are checked as a run loads them, by the loader's own checks
    (:func:`~mtfix.glossary.checks.check_glossary_files`): ``defaults=True`` puts the shipped
    glossaries first, as ``mtfix fix`` does (and ``mtfix glossary lint`` unless
    ``--no-default-glossaries``), so the report has an error exactly when that run would
    refuse to load. Lint adds only warnings of its own (style). Every error is listed, in any
    file; warnings only where they concern a file in ``paths``.
    """
    paths = list(paths)
    given = expand_glossary_paths(paths)
    shipped = list(default_glossary_paths()) if defaults else []
    report = LintReport()
    files: list[GlossaryFile] = []
    for path in expand_glossary_paths([*shipped, *paths]):
        glossary, problems = read_for_lint(path)
        report.problems.extend(problems)
        if glossary is not None:
            files.append(glossary)
    mine = _in_files(given)
    report.files = len(given)
    report.entries = sum(len(f.entries) for f in files if mine(f.path))
    report.shipped = len({p.resolve() for p in shipped} - {p.resolve() for p in given})
    report.problems.extend(p for p in lint_files(files)
                           if p.severity == ERROR or mine(p.path) or mine(p.other_path))
    return report


def _in_files(paths: Sequence[Path]) -> Callable[[str], bool]:
    """Is an entry's path one of ``paths`` (however it was spelled)?"""
    wanted = {p.resolve() for p in paths}
    cache: dict[str, bool] = {}

    def mine(path: str) -> bool:
        if path not in cache:
            cache[path] = bool(path) and Path(path).resolve() in wanted
        return cache[path]
    return mine


def lint_entries(entries: Sequence[RawEntry]) -> list[Problem]:
    """:func:`lint_files` for entries (grouped into files by their ``path``, in order)."""
    files: dict[str, GlossaryFile] = {}
    for entry in entries:
        files.setdefault(entry.path, GlossaryFile(entry.path)).entries.append(entry)
    return lint_files(list(files.values()))


def lint_files(files: Sequence[GlossaryFile]) -> list[Problem]:
    """The loader's checks (every error and warning it finds), then lint's style warnings."""
    check = check_glossary_files(files)
    problems = [Problem(ERROR, e.code, e.message, e.path, e.line, e.entry_id)
                for e in check.errors]
    problems.extend(Problem(WARNING, w.code, w.advice, w.entry.path, w.entry.line, w.entry.id,
                            w.other.path) for w in check.warnings)
    entries = [e for f in check.matchers.files for e in f.entries]  # usable ones
    problems.extend(_no_examples(entries))
    problems.extend(_duplicate_finds(entries))
    if check.compiled is not None:
        problems.extend(_shadowed(check.compiled))
    return problems


def _no_examples(entries: Sequence[RawEntry]) -> list[Problem]:
    return [_problem(WARNING, "no-example", "no examples: add examples = [{ text = ..., "
                     "fixed = ... }] so the entry is tested", entry)
            for entry in entries if not entry.examples and entry.path.lower().endswith(".toml")]


def _duplicate_finds(entries: Sequence[RawEntry]) -> list[Problem]:
    """The same find twice with the same replacement (with another replacement it is the
    loader's ``conflict``)."""
    problems = []
    first: dict[str | bytes, RawEntry] = {}
    for entry in entries:
        for find in comparable_finds(entry):
            key = find_key(entry, find)
            other = first.get(key)
            if other is None:
                first[key] = entry
            elif other.id == entry.id:
                problems.append(_problem(WARNING, "duplicate-find",
                                         f"find {find!r} is listed twice", entry))
            elif other.replace == entry.replace:
                problems.append(_problem(
                    WARNING, "duplicate-find",
                    f"find {find!r} is also in {other.id} ({other.where()}) with the same "
                    "replacement; this one never fires", entry))
    return problems


def _shadowed(compiled: CompiledGlossary) -> list[Problem]:
    """A find string on which the matcher picks another entry: that key can never fire there."""
    problems = []
    for entry in compiled.entries:
        finds = comparable_finds(entry)  # (a conditional entry fires where its find alone may not)
        dead = []
        for find in finds:
            edits = compiled.find_edits(find)
            if any(e.rule == entry.id for e in edits):
                continue
            winners = [e.rule for e in edits]
            if not winners:
                continue  # only possible for keys the matcher cannot see; examples catch it
            winner = compiled.entries[compiled.order[winners[0]]]
            if winner.match in ("phrase", "exact") and any(
                    find_key(winner, f) == find_key(entry, find) for f in winner.find):
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


