"""Add an entry to a glossary file without disturbing what the translator wrote.

:func:`add_entry` checks the new entry against the file (and any other glossaries it is used
with) BEFORE writing: schema, duplicate id, a conflicting ``find``, chains/cycles with existing
entries (the lint checks), the new entry's examples, and that no existing example of the file
starts to fail. What it does to the examples of the other glossaries (and they to its
examples) is returned as warnings, as a run reports it. Only then is the entry appended: the
existing text is kept byte for byte (comments, layout, line endings) and the new ``[[entry]]``
is rendered with tomlkit at the end. The write is atomic.
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
# A run only warns about these, but a NEW entry that causes one is refused: it is cheaper to
# choose another find or replacement now than to review its effect on every run.
_REFUSED = ("conflict", "chain", "cycle")


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


def entry_table(*, entry_id: str, find: Sequence[str], replace: str, match: str = "phrase",
                note: str = "", flag: bool = False, min_score: float | None = None,
                examples: Sequence[Example] = (), context: Sequence[str] = (),
                source: Sequence[str] = (), target: str | None = None, case: str | None = None,
                forms: bool = False, separators: bool = False, before: Sequence[str] = (),
                after: Sequence[str] = (), not_before: Sequence[str] = (),
                not_after: Sequence[str] = (), line: str | None = None,
                scope: str | None = None) -> tomlkit.items.Table:
    """A tomlkit ``[[entry]]`` table in the layout the shipped glossaries use.

    ``id, find, replace`` come first (what a translator scans for), then the bilingual keys,
    the match kind and its settings, the neighbour conditions, and ``note`` and ``examples``
    last. Keys at their default value are left out, so a plain entry stays three lines.
    """
    table = tomlkit.table()
    table["id"] = entry_id
    table["find"] = find[0] if len(find) == 1 else list(find)
    table["replace"] = replace
    if target is not None:
        table["target"] = target
    _put_list(table, "source", source)
    if match != "phrase":
        table["match"] = match
    if min_score is not None:
        table["min_score"] = min_score
    if case is not None and case != "insensitive":
        table["case"] = case
    if forms:
        table["forms"] = True
    if separators:
        table["separators"] = True
    for key, values in (("before", before), ("after", after), ("not_before", not_before),
                        ("not_after", not_after)):
        _put_list(table, key, values)
    if line is not None:
        table["line"] = line  # where a furniture deletion may take its line
    if flag:
        table["flag"] = True
    if context:
        table["context"] = list(context)
    if scope is not None:
        table["scope"] = scope  # the document trait the entry needs
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


def _put_list(table: tomlkit.items.Table, key: str, values: Sequence[str]) -> None:
    """One value is written as a string, several as a list (as ``find`` is): the form a
    translator would type."""
    if values:
        table[key] = values[0] if len(values) == 1 else list(values)


def table_of(entry: RawEntry) -> tomlkit.items.Table:
    """The ``[[entry]]`` table that reads back as ``entry`` (every key it sets)."""
    return entry_table(entry_id=entry.id, find=entry.find, replace=entry.replace,
                       match=entry.match, note=entry.note, flag=entry.flag,
                       min_score=entry.min_score, examples=entry.examples, context=entry.context,
                       source=entry.source, target=entry.target, case=entry.case,
                       forms=entry.forms, separators=entry.separators, before=entry.before,
                       after=entry.after, not_before=entry.not_before, not_after=entry.not_after,
                       line=entry.line_mode, scope=entry.scope)


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
              with_glossaries: Sequence[str | Path] = (), context: Sequence[str] = (),
              source: Sequence[str] = (), target: str | None = None, case: str | None = None,
              forms: bool = False, separators: bool = False, before: Sequence[str] = (),
              after: Sequence[str] = (), not_before: Sequence[str] = (),
              not_after: Sequence[str] = ()) -> AddResult:
    """Append one entry to the TOML glossary at ``path`` (created if missing).

    ``with_glossaries``: other glossaries this one is used with; ids and finds must not clash
    with theirs either (a change to their examples is a warning in the result). The other
    keywords are the entry keys of the same names (docs/glossary-format.md), written by
    :func:`entry_table`. The entry is checked by the function the loader uses
    (``entry_from_table``), so ``add`` refuses exactly what a load would, with the same
    message. Raises :class:`GlossaryError`
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
                        flag=flag, min_score=min_score, examples=examples, context=context,
                        source=source, target=target, case=case, forms=forms,
                        separators=separators, before=before, after=after,
                        not_before=not_before, not_after=not_after)
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
    blocking = [p for p in problems if p.code != "example"  # told apart below
                and (p.severity == ERROR or p.code in _REFUSED)
                and (p.entry_id == entry_id or (p.code in _REFUSED and _mentions(p, entry_id)))]
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
    warnings = tuple(p for p in problems if p.severity != ERROR and p.code != "no-example" and (
        p.entry_id == entry_id or (p.code == "interaction" and _mentions(p, entry_id))))
    return AddResult(check.entries[-1], warnings)
