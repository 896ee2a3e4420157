"""Add entries to a glossary file without disturbing what the translator wrote.

:func:`add_entries` (behind :func:`add_entry` and ``mtfix glossary add --from``) checks the
new entries against the file and the glossaries it runs with (the shipped ones and ``-g``
files, as ``mtfix fix`` loads them) BEFORE writing, with the loader's own checks
(:func:`mtfix.glossary.checks.check_glossary_files`, through lint):

* refused: an entry the loader refuses (schema, regex, duplicate id), a failing example of its
  own, an existing example of the file that would start to fail, a ``find`` another entry
  replaces differently (``conflict``), a chain or cycle;
* skipped: an entry identical to one already there (all keys but the id), or whose find is
  already replaced the same way (so adding the same file twice changes nothing);
* added, with warnings: what it does to the other glossaries' examples (and they to its
  examples) is an ``interaction``, reported as a run reports it.

Only then are the entries appended: the existing text is kept byte for byte (comments,
layout, line endings) and each new ``[[entry]]`` is rendered with tomlkit at the end. The
write is atomic.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from mtfix.fileio import write_text_atomic
from mtfix.glossary import Glossary, default_glossary_paths, expand_glossary_paths
from mtfix.glossary.model import (
    Example,
    GlossaryError,
    GlossaryFile,
    RawEntry,
    entry_from_table,
    parse_toml,
    read_glossary,
)
from mtfix.glossary_tools.lint import ERROR, Problem, lint_files

_SLUG_RE = re.compile(r"[^a-z0-9]+")
# A run only warns about these, but a NEW entry that causes one is refused: it is cheaper to
# choose another find or replacement now than to review its effect on every run.
_REFUSED = ("conflict", "chain", "cycle")


@dataclass(frozen=True, slots=True)
class AddResult:
    entry: RawEntry
    warnings: tuple[Problem, ...] = ()
    skipped: str = ""  # why nothing was written (the entry is already there)


@dataclass(slots=True)
class MergeResult:
    """What :func:`add_entries` did with each entry, with the reason."""

    added: list[RawEntry] = field(default_factory=list)  # as written (file and line)
    skipped: list[tuple[RawEntry, str]] = field(default_factory=list)
    refused: list[tuple[RawEntry, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (old id, new id, why)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.skipped)} skipped, "
                f"{len(self.refused)} refused")


def _mentions(problem: Problem, entry_id: str) -> bool:
    return re.search(rf"(?<![\w.:-]){re.escape(entry_id)}(?![\w.:-])", problem.message) is not None


def make_id(path: str | Path, find: str) -> str:
    """``<file stem>.<find as a slug>``, e.g. ``cn-official.second-class-inspector``: accents
    folded ("café" -> "cafe"), at most 48 characters, cut between words where a word would be
    cut ("...-general-station", not "...-general-stati")."""
    folded = unicodedata.normalize("NFKD", find.casefold()).encode("ascii", "ignore").decode()
    slug = _SLUG_RE.sub("-", folded).strip("-")
    if len(slug) > 48:
        cut = slug[:49]
        slug = cut[:cut.rfind("-")] if cut.rfind("-") >= 24 else slug[:48]
    return f"{Path(path).stem}.{slug.strip('-') or 'entry'}"


def entry_table(*, entry_id: str, find: Sequence[str], replace: str, match: str = "phrase",
                note: str = "", flag: bool = False, min_score: float | None = None,
                examples: Sequence[Example] = (), context: Sequence[str] = (),
                source: Sequence[str] = (), target: str | None = None, case: str | None = None,
                forms: bool = False, separators: bool = False, before: Sequence[str] = (),
                after: Sequence[str] = (), not_before: Sequence[str] = (),
                not_after: Sequence[str] = (), line: str | None = None,
                scope: str | None = None, accepted: Sequence[str] = (),
                source_not: Sequence[str] = ()) -> tomlkit.items.Table:
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
    _put_list(table, "source_not", source_not)
    _put_list(table, "accepted", accepted)
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
                       line=entry.line_mode, scope=entry.scope, accepted=entry.accepted,
                       source_not=entry.source_not)


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
              with_glossaries: Sequence[str | Path] = (), defaults: bool = False,
              context: Sequence[str] = (),
              source: Sequence[str] = (), target: str | None = None, case: str | None = None,
              forms: bool = False, separators: bool = False, before: Sequence[str] = (),
              after: Sequence[str] = (), not_before: Sequence[str] = (),
              not_after: Sequence[str] = ()) -> AddResult:
    """Append one entry to the TOML glossary at ``path`` (created if missing).

    ``with_glossaries`` (and the shipped glossaries, with ``defaults=True``, as ``mtfix
    glossary add`` does unless ``--no-default-glossaries``): the glossaries this one runs
    with; the entry is checked with them as :func:`add_entries` says. The other keywords are
    the entry keys of the same names (docs/glossary-format.md), written by
    :func:`entry_table`. The entry is read by the function the loader uses
    (``entry_from_table``), so ``add`` refuses exactly what a load would, with the same
    message. Raises :class:`GlossaryError` (nothing written) when the entry is refused.
    """
    path = Path(path)
    _check_target(path)
    find = list(find)
    entry_id = entry_id or make_id(path, find[0] if find else "")
    table = entry_table(entry_id=entry_id, find=find, replace=replace, match=match, note=note,
                        flag=flag, min_score=min_score, examples=examples, context=context,
                        source=source, target=target, case=case, forms=forms,
                        separators=separators, before=before, after=after,
                        not_before=not_before, not_after=not_after)
    original = _read_text(path)
    line_guess = (original.count("\n") + 2) if original else 1
    entry = entry_from_table(table.unwrap(), str(path), line_guess, 0)
    result = add_entries(path, [entry], with_glossaries=with_glossaries, defaults=defaults,
                         rename_ids=False)
    if result.refused:
        raise GlossaryError(f"refused: {result.refused[0][1]}", path=str(path), entry_id=entry_id)
    if result.skipped:
        return AddResult(entry, tuple(result.warnings), result.skipped[0][1])
    return AddResult(result.added[0], tuple(result.warnings))


def add_entries(path: str | Path, entries: Sequence[RawEntry], *,
                with_glossaries: Sequence[str | Path] = (), defaults: bool = False,
                rename_ids: bool = True) -> MergeResult:
    """Append ``entries`` to the TOML glossary at ``path`` (created if missing), each checked
    as the module docstring says; the ones refused or skipped are left out (the result says
    why) and the others are written in one atomic write.

    The glossaries it runs with are the shipped ones (``defaults=True``) and
    ``with_glossaries``, in that order, with ``path`` where it stands among them (last if it
    is not). An id already used there is renamed (``-2``, ``-3``...; ``rename_ids=False``
    refuses the entry instead). Raises :class:`GlossaryError` when ``path`` or one of the
    other glossaries cannot be read.
    """
    path = Path(path)
    _check_target(path)
    original = _read_text(path)
    existing = read_glossary(path) if path.exists() else GlossaryFile(path=str(path))
    shipped = list(default_glossary_paths()) if defaults else []
    order = expand_glossary_paths([*shipped, *with_glossaries])
    others = [read_glossary(p) for p in order if p.resolve() != path.resolve()]
    # where the file stands among them (``order`` names each file once)
    before_count = next((i for i, p in enumerate(order) if p.resolve() == path.resolve()),
                        len(others))
    result = MergeResult()
    active, entries_placed = _admit(existing, others, entries, result, rename_ids=rename_ids,
                                    first_line=(original.count("\n") + 2) if original else 1,
                                    path=str(path))
    placed_all = list(active)
    failing_before = {(e.id, x) for e, x, _ in Glossary([existing], run_examples=False)
                      .example_failures()} if existing.entries else set()
    problems: list[Problem] = []
    while active:  # each round that finds a reason leaves out at least one entry
        target = GlossaryFile(existing.path, [*existing.entries, *active], existing.meta)
        files = [*others[:before_count], target, *others[before_count:]]
        problems = lint_files(files)
        reasons = _refusals(problems, active, result)
        reasons.update(_example_refusals(target, active, failing_before, reasons))
        if not reasons:
            break
        for entry in active:
            if reasons.get(entry.id):  # ("" = skipped, already in result.skipped)
                result.refused.append((entry, reasons[entry.id]))
        active = [e for e in active if e.id not in reasons]
    # what was left out is named as it stands in the input (its id and line there)
    placed = {id(p): e for p, e in zip(placed_all, entries_placed, strict=True)}
    result.skipped = [(placed.get(id(e), e), why) for e, why in result.skipped]
    result.refused = [(placed.get(id(e), e), why) for e, why in result.refused]
    new_ids = {e.id for e in active}
    result.warnings = [p for p in problems if p.severity != ERROR and p.code not in _REFUSED
                       and p.code not in ("no-example", "duplicate-find", "example")
                       and (p.entry_id in new_ids or (p.code == "interaction" and any(
                           _mentions(p, i) for i in new_ids)))]
    if active:
        result.added = _append(path, original, active)
    return result


def _check_target(path: Path) -> None:
    if path.suffix.lower() != ".toml":
        raise GlossaryError("only TOML glossaries can be extended this way (a TSV glossary has "
                            "no ids or examples): edit the TSV file, or import it to TOML first",
                            path=str(path))


def _read_text(path: Path) -> str:
    # (read_glossary reports bad bytes with the line; this only keeps the text as it is)
    return path.read_bytes().decode("utf-8", errors="replace") if path.exists() else ""


def _content(entry: RawEntry) -> RawEntry:
    """The entry without what names or places it: two entries equal here are the same entry."""
    return dataclasses.replace(entry, id="", path="", line=None)


def _admit(existing: GlossaryFile, others: Sequence[GlossaryFile], entries: Sequence[RawEntry],
           result: MergeResult, *, rename_ids: bool, first_line: int, path: str
           ) -> tuple[list[RawEntry], list[RawEntry]]:
    """The entries to check: identical ones skipped, ids made unique (or refused), each placed
    in the target file at the line it will be written at (about: the check's messages); and
    the input entry of each."""
    used = {e.id: e for f in [*others, existing] for e in f.entries}
    present = {_content(e): e for e in existing.entries}
    active: list[RawEntry] = []
    origins: list[RawEntry] = []
    line = first_line
    for entry in entries:
        content = _content(entry)
        same = present.get(content)
        if same is not None:
            where = "earlier in this input" if same in active else f"at {same.where()}"
            result.skipped.append((entry, f"identical to {same.id} ({where})"))
            continue
        entry_id = entry.id
        if entry_id in used:
            first = used[entry_id]
            if not rename_ids:
                result.refused.append((entry, f"id already used at {first.where()}; choose "
                                              "another --id"))
                continue
            number = 2
            while f"{entry.id}-{number}" in used:
                number += 1
            entry_id = f"{entry.id}-{number}"
            result.renamed.append((entry.id, entry_id, f"{entry.id} is used at {first.where()}"))
        placed = dataclasses.replace(entry, id=entry_id, path=path, line=line)
        line += _rendered_lines(placed) + 1
        used[entry_id] = placed
        present[content] = placed
        active.append(placed)
        origins.append(entry)
    return active, origins


def _rendered_lines(entry: RawEntry) -> int:
    return render_entries([table_of(entry)]).strip("\n").count("\n") + 1


def _refusals(problems: Sequence[Problem], active: Sequence[RawEntry], result: MergeResult
              ) -> dict[str, str]:
    """Why new entries are refused, by id, from the loader's and lint's findings (examples
    apart: :func:`_example_refusals`). A find that another entry already replaces the same
    way is skipped instead (``result.skipped``), and counted as a refusal of this round."""
    ids = {e.id for e in active}
    reasons: dict[str, str] = {}
    for p in problems:
        if p.code == "example":
            continue
        if p.severity == ERROR or p.code in _REFUSED:
            if p.entry_id in ids:
                reasons.setdefault(p.entry_id, p.message)
            elif p.code in _REFUSED:
                for entry_id in ids:
                    if _mentions(p, entry_id):
                        reasons.setdefault(entry_id, f"{p.entry_id}: {p.message}")
    for p in problems:
        if p.code == "duplicate-find" and p.entry_id in ids and p.entry_id not in reasons:
            entry = next(e for e in active if e.id == p.entry_id)
            result.skipped.append((entry, p.message.replace(
                "with the same replacement; this one never fires",
                "with the same replacement, so it is already done")))
            reasons[p.entry_id] = ""  # left out, but as skipped
    return reasons


def _example_refusals(target: GlossaryFile, active: Sequence[RawEntry],
                      failing_before: set[tuple[str, Example]], refused: dict[str, str]
                      ) -> dict[str, str]:
    """New entries whose own example fails, or that break an example of the file that passed
    before (checked with the file's own matcher, as the loader runs examples)."""
    ids = {e.id for e in active}
    glossary = Glossary([target], run_examples=False)
    reasons: dict[str, str] = {}
    for entry, example, got in glossary.example_failures():
        if (entry.id, example) in failing_before or entry.id in refused:
            continue
        fails = f"{example.text!r} should become {example.fixed!r} but becomes {got!r}"
        culprits = glossary.example_culprits(entry, example)
        new_culprits = [c for c in culprits if c.id in ids and c.id != entry.id]
        if entry.id in ids and not new_culprits:
            blame = (f" ({culprits[0].id} at {culprits[0].where()} breaks it)"
                     if culprits else "")
            reasons.setdefault(entry.id, f"its example fails: {fails}{blame}")
            continue
        if not new_culprits:  # no one entry to blame: every new entry that fires there
            fired = {e.rule for e in glossary.compiled.find_edits(example.text)}
            new_culprits = [e for e in active if e.id in fired] or list(active)
        for culprit in new_culprits:
            reasons.setdefault(culprit.id, f"example of {entry.id} ({entry.where()}) fails: "
                                           f"{fails}")
    return reasons


def _append(path: Path, original: str, entries: Sequence[RawEntry]) -> list[RawEntry]:
    """Write ``entries`` after the file's bytes (its line ends kept); they read back as
    written, or nothing is written."""
    rendered = render_entries([table_of(e) for e in entries])
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
    written = check.entries[len(check.entries) - len(entries):]
    if [e.id for e in written] != [e.id for e in entries]:
        raise GlossaryError("internal error: the appended entries did not read back",
                            path=str(path))
    write_text_atomic(path, new_text)
    return list(written)
