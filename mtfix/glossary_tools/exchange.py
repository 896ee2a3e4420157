"""Exchange glossaries with spreadsheets and CAT tools: CSV, TSV and TBX, both ways.

* **CSV** carries everything: columns ``id, find, replace, match, flag, min_score, note,
  examples, context`` and, when an entry uses them, ``source, target, case, forms,
  separators, before, after, not_before, not_after, line, scope`` (``examples`` as JSON, lists as
  ``a|b``), one row per ``find`` string (rows of one entry share its id).
* **TSV** export writes mtfix's own TSV glossary format (``find<TAB>replace<TAB>note``, loadable
  as it is), so it can hold plain phrase entries only: the others and examples are left out
  and reported.
* CSV and TSV **import** (:mod:`mtfix.glossary_tools.tables`) sniff the delimiter, recognise
  a header row by its column names (mtfix's and common termbase headings), and refuse rows
  they cannot read, naming the line; every decision is reported.
* **TBX** in and out (:mod:`mtfix.glossary_tools.tbx`): a bilingual termbase's concepts
  become entries with ``source`` terms, the approved target term and the deprecated target
  terms as ``find``; mtfix's own TBX export reads back to the same entries.

An import that yields no entry is an error that says why, for every format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from mtfix.fileio import atomic_writer, read_bytes, write_text_atomic
from mtfix.glossary import expand_glossary_paths
from mtfix.glossary.model import RawEntry, parse_toml, read_glossary
from mtfix.glossary_tools.edit import render_entries, table_of
from mtfix.glossary_tools.exchange_base import ExchangeResult, join_list
from mtfix.glossary_tools.tables import table_to_entries
from mtfix.glossary_tools.tbx import entries_to_tbx, entries_to_tbx_min, tbx_to_entries

FORMATS = ("csv", "tsv", "tbx", "tbx-min", "toml")
CSV_COLUMNS = ("id", "find", "replace", "match", "flag", "min_score", "note", "examples",
               "context")
#: columns written only when an entry uses the key (so a plain glossary's CSV stays narrow)
CSV_EXTRA_COLUMNS = ("source", "source_not", "target", "accepted", "case", "forms", "separators",
                     "before", "after", "not_before", "not_after", "line", "scope")


def format_of(path: str | Path, given: str | None = None) -> str:
    if given:
        if given not in FORMATS:
            raise ValueError(f"unknown format {given!r} (use one of {', '.join(FORMATS)})")
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = {"tab": "tsv", "txt": "tsv", "xml": "tbx", "tbxm": "tbx-min"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise ValueError(f"{path}: cannot tell the format from the name; give --format "
                         f"({', '.join(FORMATS)})")
    return fmt


# -- export ------------------------------------------------------------------------------------
def export_glossary(sources: Sequence[str | Path], output: str | Path, fmt: str | None = None,
                    *, target_lang: str = "en", source_lang: str | None = None) -> ExchangeResult:
    """Write the entries of the glossaries at ``sources`` to ``output`` as CSV, TSV, TBX or
    TOML. ``target_lang`` / ``source_lang``: TBX language codes of the target terms and of the
    ``source`` terms (without ``source_lang`` those travel in ``mtfix:`` notes)."""
    fmt = format_of(output, fmt)
    files = [read_glossary(p) for p in expand_glossary_paths(sources)]
    entries = [e for f in files for e in f.entries]
    result = ExchangeResult()
    if fmt == "csv":
        text = entries_to_csv(entries)
        result.entries = len(entries)
    elif fmt == "tsv":
        text, result = entries_to_tsv(entries)
    elif fmt in ("tbx", "tbx-min"):
        title = files[0].meta.get("name", Path(files[0].path).stem) if files else "glossary"
        write = entries_to_tbx if fmt == "tbx" else entries_to_tbx_min
        data = write(entries, target_lang=target_lang, source_lang=source_lang, title=title)
        with atomic_writer(output, mode="wb") as stream:
            stream.write(data)
        result.entries = len(entries)
        if source_lang is None and any(e.source for e in entries):
            result.notices.append("source terms are kept in mtfix:source notes; give "
                                  "--source-lang to write them as a language section other "
                                  "tools read")
        return result
    else:
        text = entries_to_toml(entries, files[0].meta if len(files) == 1 else {})
        result.entries = len(entries)
    write_text_atomic(output, text)
    return result


def entries_to_csv(entries: Sequence[RawEntry]) -> str:
    """One row per find; the entry's other cells on its first row only (as a reader expects
    of a sheet where rows of one id form one entry)."""
    extra = [key for key in CSV_EXTRA_COLUMNS if any(_csv_cell(e, key) for e in entries)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *extra])
    for entry in entries:
        examples = json.dumps([{"text": x.text, "fixed": x.fixed} for x in entry.examples],
                              ensure_ascii=False) if entry.examples else ""
        for number, find in enumerate(entry.find):
            first = number == 0
            writer.writerow([
                entry.id, find, entry.replace, entry.match, "true" if entry.flag else "",
                "" if entry.min_score is None else f"{entry.min_score:g}",
                entry.note if first else "", examples if first else "",
                join_list(entry.context) if first else "",
                *[_csv_cell(entry, key) if first else "" for key in extra]])
    return out.getvalue()


def _csv_cell(entry: RawEntry, key: str) -> str:
    """The CSV cell of one of the extra keys (empty when the key is at its default)."""
    if key == "line":  # (``RawEntry.line`` is where the entry stands in its file)
        return entry.line_mode or ""
    value = getattr(entry, key)
    if isinstance(value, tuple):
        return join_list(value)
    if isinstance(value, bool):
        return "true" if value else ""
    if key == "case":
        return "" if value == "insensitive" else value
    return value or ""


def keys_tsv_cannot_hold(entry: RawEntry) -> list[str]:
    """The keys of ``entry`` that change where or how it matches and that a TSV row
    (find, replace, note) has no column for, as the TOML names them."""
    keys = [("context", bool(entry.context)), ("scope", entry.scope is not None),
            ("forms", entry.forms), ("separators", entry.separators),
            ("case", entry.case != "insensitive"), ("before", bool(entry.before)),
            ("after", bool(entry.after)), ("not_before", bool(entry.not_before)),
            ("not_after", bool(entry.not_after)), ("line", entry.line_mode is not None),
            ("min_score", entry.min_score is not None)]
    return [name for name, used in keys if used]


def entries_to_tsv(entries: Sequence[RawEntry]) -> tuple[str, ExchangeResult]:
    result = ExchangeResult()
    lines = ["find\treplace\tnote"]
    for entry in entries:
        if entry.match != "phrase" or entry.flag:
            result.skipped.append(f"{entry.id}: match = {entry.match!r}"
                                  f"{' (flag)' if entry.flag else ''} cannot be written to TSV")
            continue
        dropped = keys_tsv_cannot_hold(entry)
        if dropped:
            result.skipped.append(f"{entry.id}: {', '.join(dropped)} cannot be written to TSV "
                                  "(the entry would match differently; export to CSV or TOML to "
                                  "keep it)")
            continue
        cells = [*entry.find, entry.replace, entry.note]
        if any(c != c.strip() or "\t" in c or "\n" in c or "\r" in c for c in cells):
            result.skipped.append(f"{entry.id}: a tab, line break or edge space cannot be "
                                  "written to TSV")
            continue
        for find in entry.find:
            lines.append(f"{find}\t{entry.replace}" + (f"\t{entry.note}" if entry.note else ""))
        result.entries += 1
    if any(e.examples for e in entries):
        result.skipped.append("examples are not written to TSV (export to CSV or TBX to keep them)")
    if any(e.source or e.target is not None for e in entries):
        result.skipped.append("source and target terms are not written to TSV (export to CSV "
                              "or TBX to keep them)")
    return "\n".join(lines) + "\n", result


def entries_to_toml(entries: Sequence[RawEntry], meta: dict[str, str] | None = None) -> str:
    head = ""
    if meta:
        import tomlkit

        doc = tomlkit.document()
        doc["glossary"] = dict(meta)
        head = tomlkit.dumps(doc) + "\n"
    tables = [table_of(e) for e in entries]
    return head + (render_entries(tables) if tables else "")


# -- import ------------------------------------------------------------------------------------
def import_glossary(source: str | Path, output: str | Path, fmt: str | None = None, *,
                    target_lang: str = "en", source_lang: str | None = None,
                    delimiter: str | None = None, allow_deletions: bool = False,
                    overwrite: bool = False) -> ExchangeResult:
    """Read a CSV, TSV or TBX termbase and write it as a TOML glossary at ``output``.

    Refuses to replace an existing ``output`` unless ``overwrite=True``. The written file is
    read back with the glossary reader before it replaces anything. Raises
    :class:`GlossaryError` (naming the file and line) for what cannot be read, and when the
    source yields no entry.
    """
    output = Path(output)
    if output.suffix.lower() != ".toml":  # TOML written under another name does not load
        raise ValueError(f"{output}: an import writes a TOML glossary; name the output .toml "
                         f"(`mtfix glossary export {output.with_suffix('.toml').name} -o "
                         f"{output.name}` converts it on)")
    if output.exists() and not overwrite:
        raise FileExistsError(f"{output} exists; choose another name or pass --force")
    entries, result = read_entries(source, fmt, target_lang=target_lang,
                                   source_lang=source_lang, delimiter=delimiter,
                                   allow_deletions=allow_deletions)
    meta = {"name": output.stem, "source": Path(source).name}
    text = entries_to_toml(entries, meta)
    parse_toml(text, str(output))  # raises GlossaryError rather than writing a broken file
    write_text_atomic(output, text)
    result.entries = len(entries)
    return result


def read_entries(source: str | Path, fmt: str | None = None, *, target_lang: str = "en",
                 source_lang: str | None = None, delimiter: str | None = None,
                 allow_deletions: bool = False) -> tuple[list[RawEntry], ExchangeResult]:
    """The entries of a CSV, TSV, TBX or TOML file, with what was skipped and how it was read."""
    fmt = format_of(source, fmt)
    if fmt == "toml":
        return list(read_glossary(source).entries), ExchangeResult()
    data = read_bytes(source)
    if fmt in ("tbx", "tbx-min"):  # bytes: the XML declaration names the encoding (UTF-16)
        return tbx_to_entries(data, str(source), target_lang=target_lang,
                              source_lang=source_lang)
    return table_to_entries(data, str(source), fmt=fmt,
                            delimiter=delimiter, target_lang=target_lang,
                            source_lang=source_lang, allow_deletions=allow_deletions)


__all__ = [
    "ExchangeResult",
    "entries_to_csv",
    "entries_to_tbx",
    "entries_to_tbx_min",
    "entries_to_toml",
    "entries_to_tsv",
    "export_glossary",
    "import_glossary",
    "read_entries",
    "table_to_entries",
    "tbx_to_entries",
]
