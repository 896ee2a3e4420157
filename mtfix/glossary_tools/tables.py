"""Read a CSV or TSV sheet (a spreadsheet, a CAT tool's termbase export) as glossary entries.

Sheets come in many dialects, and a wrong guess turns a header into an entry or every row
into a deletion. So each decision is made by a stated rule and reported
(:attr:`ExchangeResult.notices`), and a row that cannot be read is an error naming its line:

* **Encoding**: UTF-8; a byte order mark (Excel's "CSV UTF-8") is dropped; UTF-16 with a byte
  order mark (Excel's "Unicode Text", MultiTerm's and memoQ's "Unicode" exports) is read as
  UTF-16 (:func:`decode_sheet`; the mark says so, nothing is guessed); other bytes are an
  error naming the line, with the ``iconv`` command to convert.
* **Delimiter**: ``--delimiter``, else comma, semicolon or tab, whichever splits every one of
  the first rows into the same number (2 or more) of cells; a tie goes to the delimiter under
  which the first row is a header, then to :class:`csv.Sniffer`'s choice, then to the
  extension's (tab for ``.tsv``). Quoted cells and line breaks inside them are the csv
  module's.
* **Header**: the first row is a header when at least two of its cells, and at least half,
  name columns (:data:`COLUMN_NAMES`: mtfix's own keys, common termbase headings such as
  "Source term" / "Target term" / "Term" / "Translation", and languages such as "en",
  "zh-CN", "English"; a language name followed by a note word, "English_Def" or "Chinese
  definition", is a note column, not a term column). Without one, a sheet of 2 or 3 columns is read as
  ``find, replace, note``; a wider one is an error (add a header).
* **Rows**: a row with more cells than columns, an empty ``find`` cell, or a row that ends
  before its ``replace`` cell is an error naming the line. An empty ``replace`` cell deletes
  the find only if the header names the replace column AND ``allow_deletions`` is given;
  otherwise it is an error naming the line.
* **Termbase sheets**: a sheet with source and target terms but no ``find`` column gives
  term records: ``find`` is the approved target term itself, ``match = "exact"``; they
  change no text and keep the approved term away from later passes, and a translator adds
  the wrong renderings to ``find`` to make them fix text.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from mtfix.fileio import decode_text
from mtfix.glossary.model import GlossaryError, RawEntry, entry_from_table
from mtfix.glossary.variants import escape_alternatives
from mtfix.glossary_tools.edit import make_id
from mtfix.glossary_tools.exchange_base import (
    BOOL_KEYS,
    DEPRECATED,
    LIST_KEYS,
    UNKNOWN,
    ExchangeResult,
    primary_subtag,
    read_bool,
    same_language,
    same_variant,
    split_list,
    status_class,
)
from mtfix.textutil import plural

CANDIDATES = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SAMPLE_LINES = 50
#: Column headings (lower case, after :func:`normalise_heading`) and the entry key each names.
COLUMN_NAMES: dict[str, str] = {
    **{k: k for k in ("id", "find", "replace", "match", "flag", "note", "examples", "context",
                      "source", "target", "forms", "separators", "case", "before", "after",
                      "line", "scope", "accepted")},
    "min score": "min_score", "source not": "source_not", "admitted": "accepted",
    "allowed": "accepted", "not before": "not_before", "not after": "not_after",
    "entry": "id", "entry id": "id", "concept": "id", "concept id": "id", "key": "id",
    "wrong": "find", "bad": "find", "incorrect": "find", "deprecated": "find",
    "forbidden": "find", "avoid": "find", "do not use": "find", "garble": "find",
    "mt": "find", "machine translation": "find", "error": "find",
    "replacement": "replace", "correct": "replace", "correction": "replace", "right": "replace",
    "fix": "replace", "fixed": "replace", "should be": "replace", "use": "replace",
    "post edit": "replace",
    "target": "target", "approved": "target", "preferred": "target", "translation": "target",
    "source": "source", "original": "source", "term": "source", "src": "source",
    "note": "note", "notes": "note", "comment": "note", "comments": "note", "remark": "note",
    "remarks": "note", "definition": "note", "description": "note", "explanation": "note",
    "usage": "note", "usage note": "note", "subject": "note", "domain": "note",
    "def": "note", "example": "note", "usage example": "note",
    # a term's status (preferred / admitted / forbidden...): see _status_column
    "status": "status", "term status": "status", "usage status": "status",
    "administrative status": "status", "admin status": "status", "状态": "status",
    "normative authorization": "status",
    # headings of Chinese-language sheets (zh-en is mtfix's home pair)
    "原文": "source", "源文": "source", "源语": "source", "中文术语": "source", "术语": "source",
    "译文": "target", "译名": "target", "英文术语": "target", "目标语": "target",
    "错译": "find", "错误译法": "find", "正确译法": "replace",
    "备注": "note", "注释": "note", "说明": "note", "定义": "note", "领域": "note",
}
#: The last word of a heading that makes it a note column whatever comes before it: memoQ's
#: "English_Def" and "Entry_Note", "Chinese definition", "Term example" describe a term,
#: they do not hold one.
_NOTE_WORDS = frozenset({"def", "definition", "definitions", "note", "notes", "comment",
                         "comments", "remark", "remarks", "description", "explanation",
                         "example", "examples", "subject", "domain", "usage"})
#: Sentence ends: a ``context`` cell ending so (with a few words) is a usage example, which
#: is what a CAT tool's "Context" column holds, not the words mtfix's ``context`` gates on.
_SENTENCE_END_RE = re.compile(r"\S\s+\S+\s+\S+.*[.!?。！？]$", re.S)
#: Language names used as column headings, and their codes.
LANGUAGE_NAMES = {"english": "en", "chinese": "zh", "中文": "zh", "汉语": "zh", "英文": "en",
                  "英语": "en", "japanese": "ja", "korean": "ko", "french": "fr", "german": "de",
                  "spanish": "es", "russian": "ru", "portuguese": "pt", "italian": "it",
                  "arabic": "ar"}
_LANGUAGE_CODE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_KNOWN_CODES = frozenset(LANGUAGE_NAMES.values())
# Trailing words that say nothing about the column ("Source term", "Target language").
_GENERIC_WORDS = frozenset({"term", "terms", "text", "word", "words", "phrase", "form",
                            "column", "string", "language", "lang", "value"})
POSITIONAL = ("find", "replace", "note")


@dataclass(slots=True)
class Sheet:
    """How a sheet's cells map to entry keys: one key (or ``None``: not read) per column."""

    columns: list[str | None]
    header: bool
    headings: list[str]

    def index(self, key: str) -> int | None:
        return self.columns.index(key) if key in self.columns else None


def table_to_entries(text: str | bytes, path: str, *, fmt: str = "csv",
                     delimiter: str | None = None, target_lang: str = "en",
                     source_lang: str | None = None, allow_deletions: bool = False
                     ) -> tuple[list[RawEntry], ExchangeResult]:
    """The entries of a CSV/TSV sheet (its text, or its bytes: :func:`decode_sheet`), with how
    it was read (notices). Raises :class:`GlossaryError` naming the line for a row that cannot
    be read, and when the sheet yields no entry."""
    result = ExchangeResult()
    if isinstance(text, bytes):
        text = decode_sheet(text, path, result)
    text = text.removeprefix("\ufeff")
    langs = (target_lang, source_lang)
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.split("\n")):
        raise GlossaryError("no rows: the file is empty or holds only comments; nothing to "
                            "import", path=path)
    delimiter = choose_delimiter(text, path, fmt=fmt, given=delimiter, langs=langs,
                                 result=result)
    rows = read_rows(text, path, delimiter)
    rows = _from_header(rows, path, langs, result)
    sheet = read_sheet(rows[0], path, langs, result)
    data = rows[1:] if sheet.header else rows
    forbidden = _status_column(sheet, data, result)
    _check_columns(sheet, path, rows[0][0])
    if forbidden:
        lines = {line for line, _ in forbidden}
        data = [row for row in data if row[0] not in lines]
    tables = _rows_to_tables(data, sheet, path, fmt=fmt, allow_deletions=allow_deletions,
                             result=result)
    owners = _owners(tables) if forbidden else {}
    for line, row in forbidden:
        _add_forbidden(owners, _cells(row, sheet, path, line, strip=True), path, line)
    if not tables:
        raise GlossaryError("no entries: the sheet has a header row but no rows below it",
                            path=path)
    entries = [entry_from_table(_synonyms(table), path, line, index)
               for index, (line, table) in enumerate(tables)]
    _report_kinds(entries, result)
    return entries, result


# -- delimiter -----------------------------------------------------------------------------------
def parse_delimiter(given: str) -> str:
    """``--delimiter``: a name (comma, semicolon, tab) or the character itself (``\\t`` too)."""
    named = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
    value = named.get(given.strip().lower(), given)
    if len(value) != 1 or value in "\"\r\n":
        raise ValueError(f"--delimiter {given!r}: give one character, or comma, semicolon or tab")
    return value


def choose_delimiter(text: str, path: str, *, fmt: str, given: str | None,
                     langs: tuple[str, str | None], result: ExchangeResult) -> str:
    """The delimiter to read with, by the rule in the module docstring; the choice (and a
    tie that had to be broken) is reported, so a wrong one is seen at once."""
    if given:
        delimiter = parse_delimiter(given)
        result.notices.append(f"read as {_name(delimiter)}-separated (--delimiter)")
        return delimiter
    lines = text.split("\n", SAMPLE_LINES)
    truncated = len(lines) > SAMPLE_LINES
    sample = "\n".join(lines[:SAMPLE_LINES])
    sniffed = _sniff(sample)
    default = "\t" if fmt == "tsv" else ","
    scores = {}
    for candidate in CANDIDATES:
        widths, first = _sample_widths(sample, candidate, truncated)
        even = len(set(widths)) == 1 and widths[0] >= 2
        header = first is not None and _header_score(first, langs)
        widest = max(widths, default=0)
        scores[candidate] = (even, header, candidate == sniffed, candidate == default, widest)
    best = max(CANDIDATES, key=lambda c: scores[c])
    if scores[best][4] < 2:
        raise GlossaryError("cannot tell the columns apart: no comma, semicolon or tab splits "
                            "the rows into cells; give --delimiter, or check that this is a "
                            "CSV/TSV sheet", path=path)
    how = "every row splits evenly" if scores[best][0] else "the rows do not split evenly"
    rivals = [c for c in CANDIDATES if c != best and scores[c][:2] == scores[best][:2]
              and scores[c][0]]
    note = f"read as {_name(best)}-separated ({how})"
    if rivals:
        note += (f"; {', '.join(_name(c) for c in rivals)} would split the rows evenly too: "
                 f"give --delimiter {_name(rivals[0])} if that is meant")
    result.notices.append(note)
    return best


def _name(delimiter: str) -> str:
    return DELIMITER_NAMES.get(delimiter, repr(delimiter))


def _sniff(sample: str) -> str | None:
    """csv.Sniffer's choice among the three delimiters, or ``None`` when it cannot tell."""
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(CANDIDATES)).delimiter
    except csv.Error:
        return None


def _sample_widths(sample: str, delimiter: str, truncated: bool) -> tuple[list[int], list[str] | None]:
    """Cells per record in the sample (a record cut by the sample's end left out), and the
    first record."""
    try:
        records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter)
                   if _is_content(r)]
    except csv.Error:  # bad quoting under this delimiter: it is not the one
        return [0], None
    if truncated and len(records) > 1:
        records.pop()
    # title rows above a header (one filled cell: "Client X glossary") say nothing about the
    # delimiter (:func:`_from_header`)
    titles = 0
    while (titles < min(5, len(records) - 1)
           and sum(1 for c in records[titles] if c.strip()) <= 1):
        titles += 1
    records = records[titles:]
    return [len(r) for r in records] or [0], records[0] if records else None


def _is_content(record: list[str]) -> bool:
    """Not a blank row and not a ``#`` comment row."""
    return any(c.strip() for c in record) and not record[0].lstrip().startswith("#")


# -- rows and header -----------------------------------------------------------------------------
def read_rows(text: str, path: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(first line, cells) of each row that is not blank or a ``#`` comment."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for record in reader:
            if _is_content(record):
                # a line break inside a quoted cell is "\n", as a spreadsheet means it (a file
                # converted to CRLF as a whole has "\r\n" there, which XML cannot keep)
                rows.append((start, [cell.replace("\r\n", "\n") for cell in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise GlossaryError(f"cannot read this row ({exc}): a quoted cell must be closed, and "
                            "nothing may follow its closing quote but the delimiter; fix the "
                            "quotes", path=path, line=start) from None
    return rows


def normalise_heading(cell: str) -> str:
    """``"Source Term (zh)"`` -> ``"source"``: lower case, no bracketed parts, ``_-./:`` as
    spaces, trailing words like "term" or "language" dropped."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", cell.lower())
    words = re.sub(r"[_\-./:]+", " ", text).split()
    while len(words) > 1 and words[-1] in _GENERIC_WORDS:
        words.pop()
    return " ".join(words)


def heading_language(cell: str) -> str | None:
    """The language a heading names (``en``, ``zh-CN``, ``English``, ``Chinese (PRC)``,
    ``English_United_States``), or ``None``."""
    raw = cell.strip()
    if _LANGUAGE_CODE_RE.match(raw) and primary_subtag(raw) in _KNOWN_CODES:
        return raw
    words = normalise_heading(raw).split()
    if words and words[0] in LANGUAGE_NAMES and len(words) <= 3:
        return LANGUAGE_NAMES[words[0]]
    return None


def column_key(cell: str, langs: tuple[str, str | None]) -> tuple[str | None, str | None]:
    """(entry key, language) for one heading: a mtfix or termbase column name, or a language
    column read as ``target`` / ``source`` when it is the target / source language."""
    heading = normalise_heading(cell)
    key = COLUMN_NAMES.get(heading)
    if key is not None:
        return key, None
    words = heading.split()
    if len(words) > 1 and words[-1] in _NOTE_WORDS:
        return "note", None
    language = heading_language(cell)
    if language is None:
        return None, None
    target_lang, source_lang = langs
    if same_language(language, target_lang):
        return "target", language
    if source_lang and same_language(language, source_lang):
        return "source", language
    return None, language


def _header_score(cells: list[str], langs: tuple[str, str | None]) -> bool:
    """Whether a row is a header: two or more cells, and at least half, name columns."""
    filled = [c for c in cells if c.strip()]
    known = sum(1 for c in filled if any(column_key(c, langs)))
    return known >= 2 and known * 2 >= len(filled)


def read_sheet(first: tuple[int, list[str]], path: str, langs: tuple[str, str | None],
               result: ExchangeResult) -> Sheet:
    """The column mapping: from the header row when the first row is one, else positional."""
    line, cells = first
    if not _header_score(cells, langs):
        width = len(cells)
        if width > len(POSITIONAL) and any(c.strip() for c in cells[len(POSITIONAL):]):
            raise GlossaryError(
                f"the first row is not a header row and has {width} cells; without a header "
                "only find, replace, note are read: add a header row naming the columns "
                "(find, replace, note, source, target, id, match, context, ...)",
                path=path, line=line)
        result.notices.append(
            f"no header row recognised (line {line}: {', '.join(map(repr, cells[:3]))} is read "
            "as an entry): columns read as find, replace, note; if that row is a header, name "
            "its columns find, replace, note")
        return Sheet(list(POSITIONAL), header=False, headings=list(POSITIONAL))
    columns: list[str | None] = []
    described, unread = [], []
    keys = [column_key(cell, langs) for cell in cells]
    other_variants = _other_variants(keys, langs)
    for number, cell in enumerate(cells, 1):
        key, language = keys[number - 1]
        if number - 1 in other_variants:
            unread.append(f"column {number} {cell.strip()!r} (language {language}) is not read: "
                          f"another column is the {key} language's variant asked for")
            columns.append(None)
            continue
        columns.append(key)
        if key:
            described.append(f"{cell.strip()!r} -> {key}")
        elif language:
            unread.append(f"column {number} {cell.strip()!r} (language {language}) is not read: "
                          f"give --source-lang {primary_subtag(language)} to keep its terms as "
                          "'source', or --target-lang if it holds the target terms")
        elif cell.strip():
            unread.append(f"column {number} {cell.strip()!r} is not read (not a glossary "
                          "column; see docs/guide/glossary-tools.md for the names)")
    result.notices.append(f"header row (line {line}): {', '.join(described)}")
    result.notices.extend(unread)
    return Sheet(columns, header=True, headings=[c.strip() for c in cells])


def _other_variants(keys: list[tuple[str | None, str | None]],
                    langs: tuple[str, str | None]) -> set[int]:
    """Columns of the target (source) language that another column matches more closely:
    with ``--target-lang en-GB``, an ``en-US`` column beside an ``en-GB`` one is not read
    (both would be the target column, and the sheet could not be read at all)."""
    target_lang, source_lang = langs
    out: set[int] = set()
    for key, wanted in (("target", target_lang), ("source", source_lang)):
        columns = [i for i, (k, language) in enumerate(keys) if k == key and language]
        exact = [i for i in columns if wanted and same_variant(keys[i][1] or "", wanted)]
        if len(columns) > 1 and len(exact) == 1:
            out.update(i for i in columns if i not in exact)
    return out


def _from_header(rows: list[tuple[int, list[str]]], path: str, langs: tuple[str, str | None],
                 result: ExchangeResult) -> list[tuple[int, list[str]]]:
    """The rows from the header on, when a title row stands above it (a spreadsheet's
    "Client X glossary" in its first cell): title rows, of one filled cell each, are left out
    and named; anything else above a header row is an error naming both lines."""
    if _header_score(rows[0][1], langs):
        return rows
    for index, (line, cells) in enumerate(rows[1:6], 1):
        if not _header_score(cells, langs):
            continue
        above = rows[:index]
        if all(sum(1 for c in r if c.strip()) <= 1 for _, r in above):
            titles = ", ".join(repr(next(c for c in r if c.strip()).strip()) for _, r in above)
            result.notices.append(f"the header row is line {line}; the title row(s) above it "
                                  f"are not read: {titles}")
            return rows[index:]
        raise GlossaryError(f"line {line} is a header row ({', '.join(map(repr, cells[:3]))}) "
                            f"but rows stand above it: delete the rows above the header",
                            path=path, line=above[0][0])
    return rows


def _status_column(sheet: Sheet, data: list[tuple[int, list[str]]],
                   result: ExchangeResult) -> list[tuple[int, list[str]]]:
    """A "Forbidden" / "Deprecated" column of yes/no marks (a termbase sheet's term status)
    holds no text to find: read as such, "no" became an entry replacing every "no" in the
    text. It is made a status column (``None`` in ``sheet.columns``) and the rows it marks
    are returned, to become finds of the entry of their source term (:func:`_add_forbidden`)."""
    status = sheet.index("status")
    if status is not None:
        return _status_words(sheet, status, data, result)
    index = sheet.index("find")
    if index is None or not sheet.header or normalise_heading(sheet.headings[index]) not in (
            "forbidden", "deprecated", "avoid", "do not use"):
        return []
    cells = [row[index] if index < len(row) else "" for _, row in data]
    if not all(read_bool(cell) is not None for cell in cells):
        return []
    sheet.columns[index] = None
    marked = [(line, row) for (line, row), cell in zip(data, cells, strict=True) if read_bool(cell)]
    result.notices.append(f"column {index + 1} {sheet.headings[index]!r} holds yes/no marks: "
                          f"the {plural(len(marked), 'row')} marked yes "
                          f"{'is a forbidden term' if len(marked) == 1 else 'are forbidden terms'}, "
                          "each replaced by the allowed term of its entry (same id, else a "
                          "same source term)")
    return marked


def _status_words(sheet: Sheet, index: int, data: list[tuple[int, list[str]]],
                  result: ExchangeResult) -> list[tuple[int, list[str]]]:
    """A "Status" column of a termbase sheet (Preferred, Admitted, Forbidden,
    deprecatedTerm-admn-sts...: :func:`status_class`): the rows whose status is deprecated are
    forbidden terms (:func:`_add_forbidden`), the others allowed ones; a status mtfix does not
    know is read as allowed and named. Not read, a forbidden term became an approved term
    record, which the terms check then took as the right translation."""
    sheet.columns[index] = None
    marked, unknown = [], set()
    for line, row in data:
        cell = row[index].strip() if index < len(row) else ""
        kind = status_class(cell) if cell else None
        if kind == DEPRECATED:
            marked.append((line, row))
        elif kind == UNKNOWN:
            unknown.add(cell)
    result.notices.append(f"column {index + 1} {sheet.headings[index]!r} is the term status: "
                          f"{plural(len(marked), 'row')} with a forbidden or deprecated status "
                          f"{'becomes a find' if len(marked) == 1 else 'become finds'}, each "
                          "replaced by the allowed term of its entry (same id, else a same "
                          "source term)")
    if unknown:
        result.notices.append(f"status {', '.join(map(repr, sorted(unknown)))} is not one mtfix "
                              "knows: read as allowed (neither replaced nor preferred)")
    return marked


def _owners(tables: list[tuple[int, dict]]) -> dict[str, list[dict]]:
    """The entries a forbidden row may belong to, by ``id:`` cell (a numeric one is in the
    note: :func:`_rows_to_tables`) and by ``source:`` term."""
    found: dict[str, list[dict]] = {}
    for _, table in tables:
        keys = {"id:" + table["id"]}
        number = re.match(r"entry (\d+)(?:;|$)", table.get("note", ""))
        if number:
            keys.add("id:" + number.group(1))
        keys.update("source:" + term for term in table.get("source", ()))
        for key in keys:
            found.setdefault(key, []).append(table)
    return found


def _add_forbidden(owners_of: dict[str, list[dict]], cells: dict[str, str], path: str,
                   line: int) -> None:
    """A forbidden term row: its target term becomes a find of the entry with the same id
    (else sharing a source term), replaced by that entry's allowed term; a term record
    becomes a phrase entry. No such entry, or several, is an error naming the line."""
    term = cells.get("target", "").strip()
    if not term:
        raise GlossaryError("empty target cell in a row marked forbidden: write the forbidden "
                            "term, or delete the row", path=path, line=line)
    ident = cells.get("id", "").strip()
    sources = set(split_list(cells.get("source", "")))
    keys = ["id:" + ident] if ident else ["source:" + term for term in sorted(sources)]
    owners = list({id(t): t for key in keys for t in owners_of.get(key, ())}.values())
    if len(owners) != 1:
        how = "several entries" if owners else "no entry with an allowed term"
        key = f"id {ident!r}" if ident else f"source term(s) {sorted(sources)!r}"
        raise GlossaryError(f"the forbidden term {_short(term)} has {how} of the same {key} to be "
                            "replaced by; give it the id or source term of the one allowed term",
                            path=path, line=line)
    table = owners[0]
    if table.get("match") == "exact" and table["find"] == [escape_alternatives(table["replace"])]:
        table["find"] = []  # a term record so far: now it has a wrong rendering
        del table["match"]
    table["find"].append(escape_alternatives(term))
    if term != table["replace"] and term.casefold() == table["replace"].casefold():
        table["case"] = "sensitive"  # the sheet forbids a casing: find that casing only


def _check_columns(sheet: Sheet, path: str, line: int) -> None:
    """The header must name what an entry needs, each key once (``note`` may repeat: a
    termbase's definition and comment columns both go to the note)."""
    seen: dict[str, int] = {}
    for number, key in enumerate(sheet.columns, 1):
        if key is None:
            continue
        if key in seen and key != "note":
            first, second = (sheet.headings[n - 1] for n in (seen[key], number))
            option = {"target": "--target-lang", "source": "--source-lang"}.get(key)
            codes = [heading_language(first), heading_language(second)]
            if option and all(codes) and codes[0] != codes[1]:
                how = f", or give {option} with the variant to read ({option} {codes[0]})"
            elif option and all(codes):  # memoQ's export: one column per term of a concept
                how = (": a sheet has one term per row (rows of one concept share an id), so "
                       "move the second column's terms to rows of their own")
            else:
                how = ""
            raise GlossaryError(f"columns {seen[key]} ({first!r}) and {number} ({second!r}) are "
                                f"both read as {key!r}; rename or delete one{how}", path=path,
                                line=line)
        seen.setdefault(key, number)
    if "find" not in seen and "target" not in seen:
        raise GlossaryError("no find column and no target column: name the column of text to "
                            "find 'find' (and its replacement 'replace'), or the approved "
                            "target terms 'target' (see docs/guide/glossary-tools.md)",
                            path=path, line=line)
    if "find" in seen and "replace" not in seen and "target" not in seen:
        raise GlossaryError("the header names a find column but no replace (or target) "
                            "column: add a 'replace' column with the replacements",
                            path=path, line=line)


# -- rows to entry tables ------------------------------------------------------------------------
def _rows_to_tables(rows: list[tuple[int, list[str]]], sheet: Sheet, path: str, *, fmt: str,
                    allow_deletions: bool, result: ExchangeResult) -> list[tuple[int, dict]]:
    """One entry table per row, rows of one explicit id (or one target term, for term
    records) merged; generated ids made unique."""
    stem = Path(path).stem
    grouped: dict[str, tuple[int, dict]] = {}
    used: set[str] = set()
    for line, row in rows:
        cells = _cells(row, sheet, path, line, strip=fmt == "tsv")
        table = _row_table(cells, sheet, path, line, allow_deletions=allow_deletions)
        explicit = cells.get("id", "").strip()
        if explicit:
            key = "id:" + explicit
        elif sheet.index("find") is None:
            key = "target:" + table["replace"]
        else:
            key = None
        if key is not None and key in grouped:
            _merge(grouped[key][1], table, path, line, terms=sheet.index("find") is None)
            continue
        if explicit.isdigit():
            # a CAT tool's entry number ("Entry_ID" 7): as an id it names nothing in a report,
            # and two termbases imported so cannot load together (duplicate id "7")
            table["note"] = "; ".join(n for n in (f"entry {explicit}", table.get("note")) if n)
            explicit = ""
        if not explicit:
            base = make_id(stem, table["find"][0])
            explicit = base
            number = 2
            while explicit in used:
                explicit, number = f"{base}-{number}", number + 1
        table["id"] = explicit
        used.add(explicit)
        grouped[key or f"row:{line}"] = (line, table)
    return list(grouped.values())


def _cells(row: list[str], sheet: Sheet, path: str, line: int, *, strip: bool) -> dict[str, str]:
    """The row's cells by entry key (``note`` columns joined); a missing cell is absent."""
    width = len(sheet.columns)
    if len(row) > width and any(c.strip() for c in row[width:]):
        what = "the header has" if sheet.header else "without a header, rows have at most"
        raise GlossaryError(f"this row has {len(row)} cells but {what} {width} columns; quote a "
                            "cell that holds the delimiter (\"a, b\"), or add the column to "
                            "the header", path=path, line=line)
    cells: dict[str, str] = {}
    for key, value in zip(sheet.columns, row, strict=False):
        if key is None:
            continue
        # TSV from a spreadsheet: stray spaces are noise (as the TSV glossary reader says).
        # CSV values are quoted where needed, so they are kept exactly.
        value = value.strip() if strip else value
        if key == "note" and key in cells:
            cells[key] = "; ".join(v for v in (cells[key], value) if v.strip())
        else:
            cells[key] = value
    return cells


def _row_table(cells: dict[str, str], sheet: Sheet, path: str, line: int, *,
               allow_deletions: bool) -> dict:
    """The entry table of one row: a find/replace entry, or a term record when the sheet
    has no find column."""
    if sheet.index("find") is None:
        table = _term_record(cells, path, line)
    else:
        table = _find_entry(cells, sheet, path, line, allow_deletions=allow_deletions)
    _optional_keys(table, cells, path, line)
    return table


def _find_entry(cells: dict[str, str], sheet: Sheet, path: str, line: int, *,
                allow_deletions: bool) -> dict:
    find = cells.get("find", "")
    if not find.strip():
        raise GlossaryError("empty find cell: write the text to find, or delete the row",
                            path=path, line=line)
    target = cells.get("target", "")
    if sheet.index("replace") is None:
        if not target.strip():
            raise GlossaryError(f"empty target cell for {_short(find)}: write the approved term "
                                "that replaces it", path=path, line=line)
        return {"find": [find], "replace": target}
    if "replace" not in cells:
        raise GlossaryError(f"the row ends before its replace cell ({_short(find)} has no "
                            "replacement): write the replacement", path=path, line=line)
    replace = cells["replace"]
    if not replace.strip() and not _deletion_allowed(sheet, allow_deletions):
        how = ("pass --allow-deletions if deleting it is meant" if sheet.header else
               "a deletion needs a header row naming the replace column, and --allow-deletions")
        raise GlossaryError(f"empty replace cell: this entry would delete {_short(find)} wherever it "
                            f"occurs; write the replacement, or {how}", path=path, line=line)
    table: dict = {"find": [find], "replace": replace}
    if target.strip() and target != replace:
        table["target"] = target
    return table


def _short(text: str, limit: int = 60) -> str:
    """A cell quoted in a message, cut so that a long regex does not bury the message."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _deletion_allowed(sheet: Sheet, allow_deletions: bool) -> bool:
    """An empty replace cell deletes only when the header names the replace column (so the
    emptiness is deliberate, not a short row) and the user asked for deletions."""
    return sheet.header and allow_deletions


def _term_record(cells: dict[str, str], path: str, line: int) -> dict:
    """A row of a termbase sheet (source and target terms, no find): the approved term as its
    own find, matched exactly, so the entry changes nothing until wrong renderings are added."""
    target = cells.get("target", "")
    if not target.strip():
        raise GlossaryError("empty target cell: write the approved target term, or delete the "
                            "row", path=path, line=line)
    # (the term is literal: "the {name} field" is not mtfix's alternatives syntax)
    return {"find": [escape_alternatives(target)], "replace": target, "match": "exact"}


def _optional_keys(table: dict, cells: dict[str, str], path: str, line: int) -> None:
    """The columns besides find/replace/target, read as the entry keys of the same names."""
    for key in ("note", "match", "case", "line", "scope"):
        if cells.get(key, "").strip():
            table[key] = cells[key] if key == "note" else cells[key].strip()
    for key in LIST_KEYS:
        values = split_list(cells.get(key, ""))
        if values:
            table[key] = values
    _check_context(table.get("context", ()), path, line)
    for key in BOOL_KEYS:
        value = read_bool(cells.get(key, ""))
        if value is None:
            raise GlossaryError(f"{key} cell {cells[key]!r}: write true or false (or leave it "
                                "empty)", path=path, line=line)
        if value:
            table[key] = True
    if cells.get("min_score", "").strip():
        try:
            table["min_score"] = float(cells["min_score"])
        except ValueError:
            raise GlossaryError(f"min_score cell {cells['min_score']!r}: write a number from 1 "
                                "to 100", path=path, line=line) from None
    if cells.get("examples", "").strip():
        try:
            table["examples"] = json.loads(cells["examples"])
        except json.JSONDecodeError as exc:
            raise GlossaryError(f"examples cell is not JSON ({exc}); write "
                                '[{"text": "...", "fixed": "..."}]', path=path,
                                line=line) from None


def _check_context(words: list[str], path: str, line: int) -> None:
    """A ``context`` value that is a sentence (a few words and a full stop) is a usage example
    from a CAT tool's "Context" column; read as mtfix's ``context`` it would let the entry fire
    only on lines holding that whole sentence, so it is an error rather than a silent
    narrowing."""
    for word in words:
        if _SENTENCE_END_RE.search(word.strip()):
            raise GlossaryError(f"context cell {_short(word)} is a sentence: mtfix's context is "
                                "words of which one must be on the line for the entry to fire; "
                                "if the column holds usage examples, name it 'Example' (read "
                                "into the note)", path=path, line=line)


def decode_sheet(data: bytes, path: str, result: ExchangeResult) -> str:
    """A sheet's text: UTF-16 when it starts with a UTF-16 byte order mark (reported), else
    UTF-8 with the errors of :func:`mtfix.fileio.decode_text` (which name the line)."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                line = data[:exc.start + len(bom)].decode(codec, "replace").count("\n") + 1
                raise GlossaryError(f"not valid UTF-16 ({exc.reason} at byte {exc.start + len(bom)}"
                                    "); save the sheet again as UTF-8", path=path,
                                    line=line) from None
            result.notices.append(f"read as UTF-16 ({codec[-2:].upper()}, byte order mark)")
            return text
    return decode_text(data, path)


def _merge(table: dict, row: dict, path: str, line: int, *, terms: bool = False) -> None:
    """A further row of one entry: its find (and source terms) are added; it must agree on the
    replacement -- except in a termbase sheet (``terms``: no find column), where rows of one
    concept id are its terms: a further target term is another allowed rendering
    (:func:`_synonyms`), as a TBX concept's admitted terms are."""
    if terms and row["replace"] != table["replace"]:
        also = table.setdefault(_ALSO, [])
        if row["replace"] not in also:
            also.append(row["replace"])
        row = {**row, "find": []}
    elif row["replace"] != table["replace"]:
        raise GlossaryError(f"this row and the earlier rows of entry {table['id']!r} give "
                            f"different replacements ({table['replace']!r} vs "
                            f"{row['replace']!r}); give the row its own id", path=path, line=line)
    for find in row["find"]:
        if find not in table["find"]:
            table["find"].append(find)
    sources = [s for s in row.get("source", []) if s not in table.get("source", [])]
    if sources:
        table["source"] = [*table.get("source", []), *sources]


#: a termbase concept's further allowed terms, until :func:`_synonyms` places them
_ALSO = "_also"


def _synonyms(table: dict) -> dict:
    """The further allowed terms of a termbase concept: ``accepted`` renderings when the
    entry has source terms (the terms check accepts them), else named in the note."""
    also = table.pop(_ALSO, [])
    if also and table.get("source"):
        table["accepted"] = [*table.get("accepted", []), *also]
    elif also:
        table["note"] = "; ".join(n for n in (table.get("note"), "also: " + ", ".join(also)) if n)
    return table


def _report_kinds(entries: list[RawEntry], result: ExchangeResult) -> None:
    """Say how many entries are term records and deletions: neither may pass unnoticed."""
    records = sum(1 for e in entries if e.match == "exact" and e.find == (e.replace,))
    deletions = sum(1 for e in entries if not e.replace)
    if records:
        result.notices.append(
            f"{plural(records, 'entry')} "
            f"{'is a term record' if records == 1 else 'are term records'} (no find column or "
            "no wrong rendering: find is "
            "the approved term, match = \"exact\"): they change no text; add wrong renderings "
            "to their find to make them fix text")
    if deletions:
        result.notices.append(f"{plural(deletions, 'entry')} "
                              f"{'deletes its' if deletions == 1 else 'delete their'} find "
                              "(empty replace cells, "
                              "--allow-deletions)")


__all__ = ["choose_delimiter", "decode_sheet", "normalise_heading", "parse_delimiter",
           "table_to_entries"]
