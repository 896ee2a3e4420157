"""Exchange glossaries with spreadsheets and CAT tools: CSV, TSV and TBX-Basic, both ways.

* **CSV** carries everything: columns ``id, find, replace, match, flag, min_score, note,
  examples, context, keys`` (``examples`` as JSON, ``context`` words separated by ``|``,
  ``keys`` the declarative keys such as ``forms`` or ``after`` as one JSON object), one row
  per ``find`` string (rows of one entry share its id). On import, a header names the
  columns (common CAT headings such as ``source`` / ``target`` / ``comment`` are
  understood); without a header the columns are ``find, replace, note``.
* **TSV** export writes mtfix's own TSV glossary format (``find<TAB>replace<TAB>note``, loadable
  as it is), so it can hold plain phrase entries only: regex/exact/fuzzy entries and examples
  and entries with declarative keys (forms, separators, case, neighbours, line) are left out
  and reported. Import reads the same columns (or a header, as for CSV).
* **TBX** (TermBase eXchange, TBX-Basic, ISO 30042): in each ``termEntry`` (``conceptEntry`` in
  TBX v3), terms of the chosen language marked ``deprecatedTerm-admn-sts`` (or
  ``supersededTerm-admn-sts``) become ``find`` and the ``preferredTerm-admn-sts`` term becomes
  ``replace``. Export writes the reverse. What TBX-Basic has no field for (match kind, flag,
  min_score, context, examples, declarative keys, a deletion, an id that is not an XML name)
  travels in ``<note>``
  elements starting ``mtfix:``, so TOML -> TBX -> TOML keeps every entry as it was.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.fileio import atomic_writer, read_text, write_text_atomic
from mtfix.glossary import expand_glossary_paths
from mtfix.glossary.model import (
    GlossaryError,
    RawEntry,
    entry_from_table,
    parse_toml,
    read_glossary,
)
from mtfix.glossary_tools.edit import declarative_keys, entry_table, make_id, render_entries

FORMATS = ("csv", "tsv", "tbx", "toml")
CSV_COLUMNS = ("id", "find", "replace", "match", "flag", "min_score", "note", "examples",
               "context", "keys")
# Column headings other tools write, mapped to ours.
_HEADER_ALIASES = {
    "id": "id", "entry": "id", "entry id": "id",
    "find": "find", "source": "find", "term": "find", "deprecated": "find", "wrong": "find",
    "bad": "find", "incorrect": "find",
    "replace": "replace", "target": "replace", "preferred": "replace", "correct": "replace",
    "replacement": "replace", "right": "replace",
    "match": "match", "flag": "flag", "min_score": "min_score",
    "note": "note", "notes": "note", "comment": "note", "comments": "note", "definition": "note",
    "examples": "examples", "context": "context", "keys": "keys",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NCNAME_RE = re.compile(r"^[A-Za-z_][\w.-]*$")
MTFIX_NOTE = "mtfix:"
FIND_STATUSES = ("deprecatedterm", "supersededterm")
PREFERRED_STATUS = "preferredterm"


@dataclass(slots=True)
class ExchangeResult:
    """What an import or export did: entries written, and what was left out and why."""

    entries: int = 0
    skipped: list[str] = field(default_factory=list)


def format_of(path: str | Path, given: str | None = None) -> str:
    if given:
        if given not in FORMATS:
            raise ValueError(f"unknown format {given!r} (use one of {', '.join(FORMATS)})")
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = {"tab": "tsv", "txt": "tsv", "xml": "tbx"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise ValueError(f"{path}: cannot tell the format from the name; give --format "
                         f"({', '.join(FORMATS)})")
    return fmt


# -- export ------------------------------------------------------------------------------------
def export_glossary(sources: Sequence[str | Path], output: str | Path, fmt: str | None = None,
                    *, lang: str = "en") -> ExchangeResult:
    """Write the entries of the glossaries at ``sources`` to ``output`` as CSV, TSV or TBX."""
    fmt = format_of(output, fmt)
    files = [read_glossary(p) for p in expand_glossary_paths(sources)]
    entries = [e for f in files for e in f.entries]
    result = ExchangeResult()
    if fmt == "csv":
        text = entries_to_csv(entries)
        result.entries = len(entries)
    elif fmt == "tsv":
        text, result = entries_to_tsv(entries)
    elif fmt == "tbx":
        title = files[0].meta.get("name", Path(files[0].path).stem) if files else "glossary"
        data = entries_to_tbx(entries, lang=lang, title=title)
        with atomic_writer(output, mode="wb") as stream:
            stream.write(data)
        result.entries = len(entries)
        return result
    else:
        text = entries_to_toml(entries, files[0].meta if len(files) == 1 else {})
        result.entries = len(entries)
    write_text_atomic(output, text)
    return result


def entries_to_csv(entries: Sequence[RawEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        examples = json.dumps([{"text": x.text, "fixed": x.fixed} for x in entry.examples],
                              ensure_ascii=False) if entry.examples else ""
        keys = declarative_keys(entry)
        for number, find in enumerate(entry.find):
            first = number == 0
            writer.writerow([
                entry.id, find, entry.replace, entry.match, "true" if entry.flag else "",
                "" if entry.min_score is None else f"{entry.min_score:g}",
                entry.note if first else "", examples if first else "",
                "|".join(entry.context) if first else "",
                json.dumps(keys, ensure_ascii=False) if first and keys else ""])
    return out.getvalue()


def entries_to_tsv(entries: Sequence[RawEntry]) -> tuple[str, ExchangeResult]:
    result = ExchangeResult()
    lines = ["find\treplace\tnote"]
    for entry in entries:
        if entry.match != "phrase" or entry.flag:
            result.skipped.append(f"{entry.id}: match = {entry.match!r}"
                                  f"{' (flag)' if entry.flag else ''} cannot be written to TSV")
            continue
        if declarative_keys(entry):
            result.skipped.append(f"{entry.id}: {', '.join(declarative_keys(entry))} cannot be "
                                  "written to TSV (export to TOML, CSV or TBX to keep them)")
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
    return "\n".join(lines) + "\n", result


def entries_to_toml(entries: Sequence[RawEntry], meta: dict[str, str] | None = None) -> str:
    head = ""
    if meta:
        import tomlkit

        doc = tomlkit.document()
        doc["glossary"] = dict(meta)
        head = tomlkit.dumps(doc) + "\n"
    tables = [entry_table(entry_id=e.id, find=e.find, replace=e.replace, match=e.match,
                          note=e.note, flag=e.flag, min_score=e.min_score, examples=e.examples,
                          context=e.context, declarative=declarative_keys(e))
              for e in entries]
    return head + (render_entries(tables) if tables else "")


def entries_to_tbx(entries: Sequence[RawEntry], *, lang: str = "en", title: str = "glossary") -> bytes:
    """TBX-Basic (v2, ``martif``), the dialect CAT tools import most widely."""
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: lang})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(file_desc, "titleStmt"), "title").text = title
    ET.SubElement(ET.SubElement(file_desc, "sourceDesc"), "p").text = (
        "Exported by mtfix. Deprecated terms are what mtfix finds; the preferred term replaces "
        "them. Notes starting 'mtfix:' keep mtfix settings; leave them as they are.")
    ET.SubElement(ET.SubElement(header, "encodingDesc"), "p",
                  {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    used_ids: set[str] = set()
    for entry in entries:
        xml_id = entry.id if _NCNAME_RE.match(entry.id) else _xml_id(entry.id)
        while xml_id in used_ids:
            xml_id += "_"
        used_ids.add(xml_id)
        term_entry = ET.SubElement(body, "termEntry", {"id": xml_id})
        if entry.note:
            ET.SubElement(term_entry, "note").text = entry.note
        settings: list[str] = []
        if xml_id != entry.id:
            settings.append(f"id={entry.id}")
        if entry.match != "phrase":
            settings.append(f"match={entry.match}")
        if entry.flag:
            settings.append("flag=true")
        if entry.min_score is not None:
            settings.append(f"min_score={entry.min_score:g}")
        settings.extend(f"context={word}" for word in entry.context)
        if declarative_keys(entry):
            settings.append("keys=" + json.dumps(declarative_keys(entry), ensure_ascii=False))
        if not entry.replace:
            settings.append("delete=true")
        settings.extend("example=" + json.dumps({"text": x.text, "fixed": x.fixed},
                                                ensure_ascii=False) for x in entry.examples)
        for setting in settings:
            ET.SubElement(term_entry, "note").text = MTFIX_NOTE + setting
        lang_set = ET.SubElement(term_entry, "langSet", {XML_LANG: lang})
        if entry.replace:
            _tig(lang_set, entry.replace, "preferredTerm-admn-sts")
        for find in entry.find:
            _tig(lang_set, find, "deprecatedTerm-admn-sts")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml_id(entry_id: str) -> str:
    safe = re.sub(r"[^\w.-]", "_", entry_id)
    return safe if _NCNAME_RE.match(safe) else "_" + safe


def _tig(lang_set: ET.Element, term: str, status: str) -> None:
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = term
    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


# -- import ------------------------------------------------------------------------------------
def import_glossary(source: str | Path, output: str | Path, fmt: str | None = None, *,
                    lang: str = "en", overwrite: bool = False) -> ExchangeResult:
    """Read a CSV, TSV or TBX termbase and write it as a TOML glossary at ``output``.

    Refuses to replace an existing ``output`` unless ``overwrite=True``. The written file is
    read back with the glossary reader before it replaces anything.
    """
    output = Path(output)
    if output.exists() and not overwrite:
        raise FileExistsError(f"{output} exists; choose another name or pass --force")
    entries, result = read_entries(source, fmt, lang=lang)
    meta = {"name": output.stem, "source": Path(source).name}
    text = entries_to_toml(entries, meta)
    parse_toml(text, str(output))  # raises GlossaryError rather than writing a broken file
    write_text_atomic(output, text)
    result.entries = len(entries)
    return result


def read_entries(source: str | Path, fmt: str | None = None, *,
                 lang: str = "en") -> tuple[list[RawEntry], ExchangeResult]:
    """The entries of a CSV, TSV, TBX or TOML file, with what was skipped and why."""
    fmt = format_of(source, fmt)
    if fmt == "toml":
        return list(read_glossary(source).entries), ExchangeResult()
    text = read_text(source)
    if fmt == "tbx":
        return tbx_to_entries(text, str(source), lang=lang)
    return table_to_entries(text, str(source), delimiter="," if fmt == "csv" else "\t")


def table_to_entries(text: str, path: str, *, delimiter: str) -> tuple[list[RawEntry], ExchangeResult]:
    result = ExchangeResult()
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return [], result
    header = [_HEADER_ALIASES.get(c.strip().lower()) for c in rows[0]]
    if "find" in header and "replace" in header:
        columns, start = header, 1
    else:
        columns, start = ["find", "replace", "note"], 0
    grouped: dict[str, dict] = {}
    stem = Path(path).stem
    for number, row in enumerate(rows[start:], start + 1):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = {name: row[i] for i, name in enumerate(columns) if name and i < len(row)}
        if delimiter == "\t":  # TSV from a spreadsheet: stray spaces are noise (as parse_tsv)
            cells = {k: v.strip() for k, v in cells.items()}
        # CSV values are quoted where needed, so they are kept exactly (edge spaces can matter).
        find = cells.get("find", "")
        if not find.strip():
            result.skipped.append(f"{path}:{number}: empty find")
            continue
        entry_id = cells.get("id", "").strip() or make_id(stem, find)
        table = grouped.get(entry_id)
        if table is None:
            table = {"id": entry_id, "find": [], "replace": cells.get("replace", ""),
                     "_line": number}
            if cells.get("match", "").strip():
                table["match"] = cells["match"].strip()
            if cells.get("note", "").strip():
                table["note"] = cells["note"]
            if cells.get("flag", "").strip().lower() in ("true", "yes", "1", "x"):
                table["flag"] = True
            if cells.get("min_score", "").strip():
                try:
                    table["min_score"] = float(cells["min_score"])
                except ValueError:
                    raise GlossaryError("min_score must be a number", path=path,
                                        line=number) from None
            if cells.get("context", "").strip():
                table["context"] = [w for w in cells["context"].split("|") if w.strip()]
            if cells.get("keys", "").strip():
                table.update(_keys_column(cells["keys"], path, number))
            if cells.get("examples", "").strip():
                try:
                    table["examples"] = json.loads(cells["examples"])
                except json.JSONDecodeError as exc:
                    raise GlossaryError(f"examples column is not JSON: {exc}", path=path,
                                        line=number) from None
            grouped[entry_id] = table
        elif cells.get("replace", "") != table["replace"]:
            raise GlossaryError(f"rows of entry {entry_id!r} give different replacements",
                                path=path, line=number)
        table["find"].append(find)
    entries = []
    for index, table in enumerate(grouped.values()):
        line = table.pop("_line")
        entries.append(entry_from_table(table, path, line, index))
    return entries, result


def _keys_column(value: str, path: str, line: int | None) -> dict:
    """The declarative keys an export wrote as one JSON object (CSV ``keys`` column, TBX
    ``mtfix:keys=`` note); ``entry_from_table`` checks them like any entry's."""
    try:
        keys = json.loads(value)
    except json.JSONDecodeError as exc:
        raise GlossaryError(f"keys column is not JSON: {exc}", path=path, line=line) from None
    if not isinstance(keys, dict):
        raise GlossaryError("keys column must be a JSON object such as {\"forms\": true}",
                            path=path, line=line)
    return keys


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def tbx_to_entries(text: str, path: str, *, lang: str = "en") -> tuple[list[RawEntry], ExchangeResult]:
    """Entries from TBX (v2 ``martif``/``termEntry``/``langSet``/``tig``|``ntig`` or v3
    ``tbx``/``conceptEntry``/``langSec``/``termSec``)."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise GlossaryError(f"not well-formed XML: {exc}", path=path, line=line) from None
    result = ExchangeResult()
    entries: list[RawEntry] = []
    used: set[str] = set()
    stem = Path(path).stem
    want = lang.lower()
    for element in root.iter():
        if _local(element.tag) not in ("termEntry", "conceptEntry"):
            continue
        where = element.get("id") or f"termEntry #{len(entries) + len(result.skipped) + 1}"
        notes, settings = [], {}
        examples = []
        contexts: list[str] = []
        for child in element:
            if _local(child.tag) != "note":
                continue
            value = "".join(child.itertext())
            if value.startswith(MTFIX_NOTE):
                key, _, setting = value[len(MTFIX_NOTE):].partition("=")
                if key == "example":
                    examples.append(json.loads(setting))
                elif key == "context":
                    contexts.append(setting)
                else:
                    settings[key] = setting
            elif value.strip():
                notes.append(value)
        finds: list[str] = []
        preferred: list[str] = []
        for lang_set in element:
            if _local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            code = (lang_set.get(XML_LANG) or lang_set.get("lang") or "").lower()
            if code != want and not code.startswith(want + "-"):
                continue
            for term_holder in lang_set:
                if _local(term_holder.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term, status = _term_and_status(term_holder)
                if status.startswith(FIND_STATUSES) and term.strip():
                    finds.append(term)
                elif status.startswith(PREFERRED_STATUS) and term:
                    preferred.append(term)  # may be a space: a glossary can replace with one
        if not finds:
            result.skipped.append(f"{where}: no deprecated {lang} term (nothing to find)")
            continue
        if preferred:
            replace = preferred[0]
        elif settings.get("delete") == "true":
            replace = ""
        else:
            result.skipped.append(f"{where}: deprecated term(s) {finds!r} but no preferred "
                                  f"{lang} term")
            continue
        entry_id = settings.get("id") or element.get("id") or make_id(stem, finds[0])
        if entry_id in used:
            entry_id = make_id(stem, finds[0])
        while entry_id in used:
            entry_id += "-2"
        used.add(entry_id)
        table: dict = {"id": entry_id, "find": finds, "replace": replace}
        if notes:
            table["note"] = " ".join(notes)
        if "match" in settings:
            table["match"] = settings["match"]
        if settings.get("flag") == "true":
            table["flag"] = True
        if "min_score" in settings:
            table["min_score"] = float(settings["min_score"])
        if contexts:
            table["context"] = contexts
        if examples:
            table["examples"] = examples
        if "keys" in settings:
            table.update(_keys_column(settings["keys"], path, None))
        entries.append(entry_from_table(table, path, None, len(entries)))
    return entries, result


def _term_and_status(holder: ET.Element) -> tuple[str, str]:
    term, status = "", ""
    for node in holder.iter():
        name = _local(node.tag)
        if name == "term" and not term:
            term = "".join(node.itertext())  # kept as written: edge spaces can matter
        elif name == "termNote" and node.get("type") in ("administrativeStatus",
                                                          "normativeAuthorization"):
            status = "".join(node.itertext()).strip().lower()
    return term, status


__all__ = [
    "ExchangeResult",
    "entries_to_csv",
    "entries_to_tbx",
    "entries_to_toml",
    "entries_to_tsv",
    "export_glossary",
    "import_glossary",
    "read_entries",
    "tbx_to_entries",
]
