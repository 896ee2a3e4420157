"""Add an entry to a glossary file without disturbing what the translator wrote.

:func:`add_entry` checks the new entry against the file (and any other glossaries it is used
with) BEFORE writing: schema, duplicate id, a conflicting ``find``, chains/cycles with existing
entries (the lint checks), the new entry's examples, and that no existing example starts to
fail. Only then is the entry appended: the existing text is kept byte for byte (comments,
layout, line endings) and the new ``[[entry]]`` is rendered with tomlkit at the end. The write
is atomic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from mtfix.fileio import write_text_atomic
from mtfix.glossary import Glossary, expand_glossary_paths
from mtfix.glossary.model import (
    NEIGHBOUR_KEYS,
    Example,
    GlossaryError,
    GlossaryFile,
    RawEntry,
    entry_from_table,
    parse_toml,
    read_glossary,
)
from mtfix.glossary_tools.lint import ERROR, Problem, lint_entries

_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class AddResult:
    entry: RawEntry
    warnings: tuple[Problem, ...] = ()


def _mentions(problem: Problem, entry_id: str) -> bool:
    return re.search(rf"(?<![\w.:-]){re.escape(entry_id)}(?![\w.:-])", problem.message) is not None


def make_id(path: str | Path, find: str) -> str:
    """``<file stem>.<find as a slug>``, e.g. ``cn-official.second-class-inspector``."""
    slug = _SLUG_RE.sub("-", find.lower()).strip("-")[:48] or "entry"
    return f"{Path(path).stem}.{slug}"


def declarative_keys(entry: RawEntry) -> dict[str, object]:
    """The declarative keys ``entry`` sets (forms, separators, case, neighbours, line), as the
    TOML file writes them: what an export must carry for the entry to come back the same."""
    keys: dict[str, object] = {}
    if entry.forms:
        keys["forms"] = True
    if entry.separators:
        keys["separators"] = True
    if entry.case != "insensitive":
        keys["case"] = entry.case
    for key in NEIGHBOUR_KEYS:
        if getattr(entry, key):
            keys[key] = list(getattr(entry, key))
    if entry.line_mode is not None:
        keys["line"] = entry.line_mode
    return keys


def entry_table(*, entry_id: str, find: Sequence[str], replace: str, match: str = "phrase",
                note: str = "", flag: bool = False, min_score: float | None = None,
                examples: Sequence[Example] = (),
                context: Sequence[str] = (),
                declarative: dict[str, object] | None = None) -> tomlkit.items.Table:
    """A tomlkit ``[[entry]]`` table in the layout the shipped glossaries use
    (``declarative``: the keys ``declarative_keys`` gives, written after ``match``)."""
    table = tomlkit.table()
    table["id"] = entry_id
    table["find"] = find[0] if len(find) == 1 else list(find)
    table["replace"] = replace
    if match != "phrase":
        table["match"] = match
    for key, value in (declarative or {}).items():
        table[key] = value
    if min_score is not None:
        table["min_score"] = min_score
    if flag:
        table["flag"] = True
    if context:
        table["context"] = list(context)
    if note:
        table["note"] = note
    if examples:
        array = tomlkit.array()
        for example in examples:
            inline = tomlkit.inline_table()
            inline.update({"text": example.text, "fixed": example.fixed})
            array.append(inline)
        array.multiline(True)
        table["examples"] = array
    return table


def render_entries(tables: Sequence[tomlkit.items.Table]) -> str:
    """TOML text for ``[[entry]]`` tables (blank line between entries)."""
    doc = tomlkit.document()
    aot = tomlkit.aot()
    for table in tables:
        aot.append(table)
    doc["entry"] = aot
    text = tomlkit.dumps(doc)
    # One blank line before each [[entry]] (tomlkit leaves one after some values already).
    return re.sub(r"(?<!\n\n)(?<=\n)(?=\[\[entry\]\])", "\n", text).lstrip("\n")


def add_entry(path: str | Path, *, find: Sequence[str], replace: str, entry_id: str | None = None,
              match: str = "phrase", note: str = "", flag: bool = False,
              min_score: float | None = None, examples: Sequence[Example] = (),
              with_glossaries: Sequence[str | Path] = ()) -> AddResult:
    """Append one entry to the TOML glossary at ``path`` (created if missing).

    ``with_glossaries``: other glossaries this one is used with; ids and finds must not clash
    with theirs either and their examples must keep passing. Raises :class:`GlossaryError`
    (nothing written) when the entry is refused.
    """
    path = Path(path)
    if path.suffix.lower() != ".toml":
        raise GlossaryError("only TOML glossaries can be extended this way (a TSV glossary has "
                            "no ids or examples): edit the TSV file, or import it to TOML first",
                            path=str(path))
    if path.exists():
        original = path.read_bytes().decode("utf-8")  # read_glossary below reports bad bytes
        existing = read_glossary(path)
    else:
        original = ""
        existing = GlossaryFile(path=str(path))
    find = list(find)
    entry_id = entry_id or make_id(path, find[0] if find else "")
    table = entry_table(entry_id=entry_id, find=find, replace=replace, match=match, note=note,
                        flag=flag, min_score=min_score, examples=examples)
    line_guess = (original.count("\n") + 2) if original else 1
    entry = entry_from_table(table.unwrap(), str(path), line_guess, len(existing.entries))

    others = [read_glossary(p) for p in expand_glossary_paths(with_glossaries)
              if Path(p).resolve() != path.resolve()]
    before_files = [*others, existing]
    after_files = [*others, GlossaryFile(existing.path, [*existing.entries, entry], existing.meta)]
    all_after = [e for f in after_files for e in f.entries]
    for other in all_after[:-1]:
        if other.id == entry_id:
            raise GlossaryError(f"id already used at {other.where()}; choose another --id",
                                path=str(path), entry_id=entry_id)
    problems = lint_entries(all_after)
    blocking = [p for p in problems if p.severity == ERROR and (
        p.entry_id == entry_id or (p.code in ("conflict", "chain", "cycle") and _mentions(p, entry_id)))]
    if blocking:
        raise GlossaryError("refused: " + "; ".join(
            p.message if p.entry_id == entry_id else f"{p.entry_id}: {p.message}" for p in blocking),
                            path=str(path), entry_id=entry_id)
    conflicts = [p for p in problems if p.entry_id == entry_id and p.code == "duplicate-find"]
    if conflicts:
        raise GlossaryError("refused: " + conflicts[0].message, path=str(path), entry_id=entry_id)

    failing_before = {(e.id, x) for e, x, _ in Glossary(before_files, run_examples=False)
                      .example_failures()} if existing.entries or others else set()
    new_failures = [(e, x, got) for e, x, got in Glossary(after_files, run_examples=False)
                    .example_failures() if (e.id, x) not in failing_before]
    if new_failures:
        e, x, got = new_failures[0]
        whose = "its example" if e.id == entry_id else f"example of {e.id} ({e.where()})"
        raise GlossaryError(f"refused: {whose} fails: {x.text!r} should become {x.fixed!r} "
                            f"but becomes {got!r}", path=str(path), entry_id=entry_id)

    rendered = render_entries([table])
    if original and not original.endswith("\n"):
        separator = "\n\n"
    elif original and not original.endswith("\n\n"):
        separator = "\n"
    else:
        separator = ""
    if "\r\n" in original:
        rendered = rendered.replace("\n", "\r\n")
        separator = separator.replace("\n", "\r\n")
    new_text = original + separator + rendered
    check = parse_toml(new_text, str(path))  # never write a file that would not load
    if not check.entries or check.entries[-1].id != entry_id:
        raise GlossaryError("internal error: the appended entry did not read back",
                            path=str(path), entry_id=entry_id)
    write_text_atomic(path, new_text)
    warnings = tuple(p for p in problems if p.entry_id == entry_id and p.severity != ERROR
                     and p.code != "no-example")
    return AddResult(check.entries[-1], warnings)
