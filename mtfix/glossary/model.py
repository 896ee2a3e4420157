"""Glossary entries exactly as written (raw), and the TOML / TSV readers.

A :class:`RawEntry` keeps what the file says plus where it says it (file and line), so every
error and every report can point a translator at the line to edit. Compiling into matchers is
a separate step (:mod:`mtfix.glossary.compile`).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.doctraits import TRAITS
from mtfix.glossary.lines import LINE_MODES
from mtfix.glossary.variants import VariantError, expand_alternatives, split_alternatives
from mtfix.textutil import split_records

MATCH_KINDS = ("phrase", "exact", "regex", "fuzzy")
CASE_POLICIES = ("insensitive", "sensitive", "title")
#: neighbour conditions: phrases that must (not) come right before / after a match
NEIGHBOUR_KEYS = ("before", "after", "not_before", "not_after")
ENTRY_KEYS = frozenset(
    {"id", "find", "replace", "match", "note", "examples", "flag", "min_score", "context", "scope",
     "forms", "separators", "case", "source", "source_not", "target", "accepted", "line", *NEIGHBOUR_KEYS}
)
#: most variants one ``find`` may expand to (alternatives x separators x forms)
MAX_VARIANTS = 512
META_KEYS = frozenset({"name", "description", "language", "version", "source", "license"})
_ENTRY_HEADER_RE = re.compile(r"^[ \t]*\[\[[ \t]*entry[ \t]*\]\]", re.MULTILINE)
_TOML_LINE_RE = re.compile(r"at line (\d+)")


class GlossaryError(ValueError):
    """A glossary cannot be used. The message names file, line and entry id."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None,
                 entry_id: str | None = None) -> None:
        self.path = path
        self.line = line
        self.entry_id = entry_id
        where = path + (f":{line}" if line else "")
        who = f" [{entry_id}]" if entry_id else ""
        super().__init__(f"{where}{who}: {message}" if where else f"{who.strip()} {message}".strip())


def pickled_as_tuple(cls: type) -> type:
    """Pickle the frozen, slotted dataclass ``cls`` as the tuple of its field values.

    The dataclass default builds a dict per object with ``dataclasses.fields()`` and sets it
    back field by field (~15 µs an object to load); the compiled-glossary cache holds one per
    entry, example and key check, so 10,000 entries cost ~0.3 s of every start-up.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    setters = tuple(cls.__dict__[name].__set__ for name in names)  # slots: no __setattr__

    def __getstate__(self) -> tuple:
        return tuple([getattr(self, name) for name in names])

    def __setstate__(self, state: tuple) -> None:
        for set_field, value in zip(setters, state, strict=True):
            set_field(self, value)

    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    return cls


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Example:
    """A self-test: the glossary turns ``text`` into ``fixed`` (``fixed == text``: must not fire)."""

    text: str
    fixed: str

    @property
    def is_negative(self) -> bool:
        return self.text == self.fixed


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class RawEntry:
    """One glossary entry as the translator wrote it."""

    id: str
    find: tuple[str, ...]
    replace: str
    match: str = "phrase"
    note: str = ""
    examples: tuple[Example, ...] = ()
    flag: bool = False
    min_score: float | None = None
    # Words one of which the line must hold for the entry to fire (domain entries such as
    # "party" -> "Party" that are right in Chinese official text and wrong elsewhere).
    context: tuple[str, ...] = ()
    # A document trait (mtfix.doctraits, e.g. "china") the DOCUMENT must have for the entry to
    # fire: decided once per document, where ``context`` looks at one line.
    scope: str | None = None
    # Declarative variants of phrase/exact entries (see docs/glossary-format.md):
    forms: bool = False  # also the plural / possessive of each key's last word, inflected alike
    separators: bool = False  # hyphen, space, slash and en dash between words match each other
    case: str = "insensitive"  # phrase entries: insensitive | sensitive | title
    before: tuple[str, ...] = ()  # one of these must end right before the match
    after: tuple[str, ...] = ()  # one of these must start right after the match
    not_before: tuple[str, ...] = ()  # none of these may end right before the match
    not_after: tuple[str, ...] = ()  # none of these may start right after the match
    # Deletions of page furniture (TOML key ``line``): where the entry may delete a line,
    # one of ``lines.LINE_MODES``; None for an ordinary entry
    line_mode: str | None = None
    # Bilingual entries: source-language terms, and the approved target when not ``replace``
    source: tuple[str, ...] = ()
    target: str | None = None
    # other renderings the terms check accepts for the source term (TBX "admitted" terms)
    accepted: tuple[str, ...] = ()
    # source-language words that hold a source term but are not it (澳大利亚, Australia,
    # holds 澳大, the University of Macau): the terms check skips the term inside them
    source_not: tuple[str, ...] = ()
    path: str = ""
    line: int | None = None

    @property
    def approved(self) -> str:
        """The approved target term (``target``, else ``replace``)."""
        return self.target if self.target is not None else self.replace

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(slots=True)
class GlossaryFile:
    """The entries of one glossary file, in file order, with its optional metadata."""

    path: str
    entries: list[RawEntry] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


#: files ``mtfix glossary import`` reads, which a run does not take as they are
_EXCHANGE_SUFFIXES = {".tbx": "a TBX termbase", ".tbxm": "a TBX-Min termbase",
                      ".xml": "an XML file (a TBX or MultiTerm termbase?)",
                      ".csv": "a CSV sheet", ".xlsx": "an Excel workbook (save it as CSV UTF-8)"}


def read_glossary(path: str | Path) -> GlossaryFile:
    """Read one glossary file (``.toml``, or ``.tsv``/``.txt`` tab-separated) without compiling it."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError("glossary file not found", path=name) from None
    except OSError as exc:
        raise GlossaryError(f"cannot read glossary: {exc.strerror}", path=name) from None
    return glossary_from_bytes(data, path)


def glossary_from_bytes(data: bytes, path: str | Path) -> GlossaryFile:
    """Parse the bytes of glossary file ``path`` (its suffix says TOML or TSV)."""
    path = Path(path)
    name = str(path)
    kind = _EXCHANGE_SUFFIXES.get(path.suffix.lower())
    if kind is not None:  # read as TOML it was "invalid TOML: Invalid statement"
        raise GlossaryError(f"is {kind}, not a glossary mtfix runs with: convert it first, "
                            f"`mtfix glossary import {name} -o {path.stem}.toml` (with "
                            "--source-lang/--target-lang for a bilingual file), then give the "
                            ".toml", path=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GlossaryError("glossary is UTF-16 text; save it as UTF-8, or convert it with "
                            f"`mtfix glossary import {name} -o {path.stem}.toml`", path=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError("glossary is not valid UTF-8; save it as UTF-8", path=name,
                            line=line) from None
    if path.suffix.lower() in (".tsv", ".tab", ".txt"):
        return parse_tsv(text, name)
    return parse_toml(text, name)


def parse_toml(text: str, path: str = "<toml>") -> GlossaryFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE_RE.search(str(exc))
        raise GlossaryError(f"invalid TOML: {exc}", path=path,
                            line=int(found.group(1)) if found else None) from None
    except RecursionError:
        raise too_deep_error(path) from None
    unknown = set(data) - {"glossary", "entry"}
    if unknown:
        raise GlossaryError(
            f"unknown top-level key(s) {', '.join(sorted(unknown))}; a glossary has an optional "
            "[glossary] table and [[entry]] tables", path=path)
    meta = data.get("glossary", {})
    if not isinstance(meta, dict):
        raise GlossaryError("[glossary] must be a table", path=path)
    bad_meta = set(meta) - META_KEYS
    if bad_meta:
        raise GlossaryError(f"unknown [glossary] key(s): {', '.join(sorted(bad_meta))} "
                            f"(allowed: {', '.join(sorted(META_KEYS))})", path=path)
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        raise GlossaryError("'entry' must be an array of tables: write [[entry]]", path=path)
    header_lines = _header_lines(text)
    glossary = GlossaryFile(path=path, meta={k: str(v) for k, v in meta.items()})
    for index, table in enumerate(raw_entries):
        line = header_lines[index] if index < len(header_lines) else None
        glossary.entries.append(entry_from_table(table, path, line, index))
    return glossary


def _header_lines(text: str) -> list[int]:
    """The line number of each ``[[entry]]`` header, counting line breaks once (counting from
    the start for each header took seconds for a glossary of 10,000 entries)."""
    lines = []
    line, pos = 1, 0
    for header in _ENTRY_HEADER_RE.finditer(text):
        line += text.count("\n", pos, header.start())
        pos = header.start()
        lines.append(line)
    return lines


def entry_from_table(table: object, path: str, line: int | None, index: int) -> RawEntry:
    if not isinstance(table, dict):
        raise GlossaryError("each [[entry]] must be a table", path=path, line=line)
    entry_id = table.get("id")

    def fail(message: str) -> GlossaryError:
        return GlossaryError(message, path=path, line=line,
                             entry_id=entry_id if isinstance(entry_id, str) else None)

    unknown = set(table) - ENTRY_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(_with_guess(k) for k in sorted(unknown))} "
                   f"(allowed: {', '.join(sorted(ENTRY_KEYS))})")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise fail(f"entry #{index + 1} needs an 'id' (a unique, stable string)")
    find = table.get("find")
    if isinstance(find, str):
        finds: tuple[str, ...] = (find,)
    elif isinstance(find, list) and find and all(isinstance(f, str) for f in find):
        finds = tuple(find)
    else:
        raise fail("'find' must be a non-empty string or a non-empty list of strings")
    if any(not f.strip() for f in finds):
        raise fail("'find' contains an empty string; write the phrase to find, or remove it")
    replace = table.get("replace")
    if not isinstance(replace, str):
        raise fail("'replace' is required and must be a string (use \"\" to delete)")
    match = table.get("match", "phrase")
    if match not in MATCH_KINDS:
        raise fail(f"'match' must be one of {', '.join(MATCH_KINDS)}, not {match!r}")
    note = table.get("note", "")
    if not isinstance(note, str):
        raise fail("'note' must be a string")
    flag = table.get("flag", False)
    if not isinstance(flag, bool):
        raise fail("'flag' must be true or false")
    min_score = table.get("min_score")
    if min_score is not None:
        if match != "fuzzy":
            raise fail("'min_score' only applies to match = \"fuzzy\"")
        if not isinstance(min_score, int | float) or not 0 < min_score <= 100:
            raise fail("'min_score' must be a number in (0, 100]")
        min_score = float(min_score)
    context = table.get("context", [])
    if isinstance(context, str):
        context = [context]
    if not isinstance(context, list) or not all(isinstance(c, str) and c.strip() for c in context):
        raise fail("'context' must be a word or a list of words (one must be on the same line)")
    scope = table.get("scope")
    if scope is not None and scope not in TRAITS:
        raise fail(f"'scope' must be one of {', '.join(sorted(TRAITS))} (a document trait: "
                   f"the entry fires only in documents that have it), not {scope!r}")
    declared = _declarative_keys(table, match, fail)
    if match != "regex":
        for find in finds:
            _check_alternatives(find, fail, "'find'")
    if "line" in table:
        declared["line_mode"] = _line_mode(table, match, replace, fail)
    examples_raw = table.get("examples", [])
    if not isinstance(examples_raw, list):
        raise fail("'examples' must be a list of { text = \"...\", fixed = \"...\" } tables")
    examples = []
    for number, example in enumerate(examples_raw, 1):
        if (not isinstance(example, dict) or set(example) != {"text", "fixed"}
                or not all(isinstance(v, str) for v in example.values())):
            raise fail(f"example {number} must be {{ text = \"...\", fixed = \"...\" }}"
                       + _example_problem(example))
        examples.append(Example(example["text"], example["fixed"]))
    return RawEntry(id=entry_id, find=finds, replace=replace, match=match, note=note,
                    context=tuple(c.strip() for c in context), scope=scope,
                    examples=tuple(examples), flag=flag, min_score=min_score, path=path,
                    line=line, **declared)


def _example_problem(example: object) -> str:
    """What is wrong with an example table, for its error message ("" if nothing to add)."""
    if not isinstance(example, dict):
        return ""
    problems = [f"'{k}' is not a key of an example" + (
        f" (did you mean {close[0]}?)" if (close := difflib.get_close_matches(
            str(k).lower(), ["text", "fixed"], n=1, cutoff=0.6)) else "")
                for k in example if k not in ("text", "fixed")]
    problems += [f"it has no '{k}'" for k in ("text", "fixed") if k not in example]
    problems += [f"'{k}' must be a string" for k in ("text", "fixed")
                 if k in example and not isinstance(example[k], str)]
    return ": " + "; ".join(problems) if problems else ""


def _with_guess(key: str) -> str:
    """An unknown entry key with the known key it is probably a typo of ("not_befor (did
    you mean not_before?)", "Case (did you mean case?)")."""
    normal = key.strip().lower().replace("-", "_").replace(" ", "_")
    if normal in ENTRY_KEYS:
        return f"{key} (did you mean {normal}?)"
    close = difflib.get_close_matches(normal, sorted(ENTRY_KEYS), n=1, cutoff=0.75)
    return f"{key} (did you mean {close[0]}?)" if close else key


def _string_list(table: dict, key: str, fail, what: str) -> tuple[str, ...]:
    """A key that holds a string or a list of non-empty strings."""
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"'{key}' must be {what}: a string or a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _check_alternatives(text: str, fail, what: str) -> None:
    """``{a|b}`` syntax errors are reported when the glossary is read, naming the entry."""
    try:
        split_alternatives(text)
        if "{" in text or "}" in text:
            expand_alternatives(text, limit=MAX_VARIANTS)
    except VariantError as exc:
        raise fail(f"{what} {exc}") from None


def _line_mode(table: dict, match: str, replace: str, fail) -> str:
    """The ``line`` key: where a deletion of page furniture may delete a line."""
    mode = table["line"]
    if mode not in LINE_MODES:
        raise fail(f"'line' must be one of {', '.join(LINE_MODES)}, not {mode!r}")
    if match not in ("phrase", "exact"):
        raise fail("'line' applies to phrase and exact entries")
    if replace != "":
        raise fail("'line' deletes page furniture with its line: set replace = \"\"")
    return mode


def _declarative_keys(table: dict, match: str, fail) -> dict:
    """The declarative keys of an entry (variants, neighbours, case, bilingual), checked."""
    out: dict = {}
    for key in ("forms", "separators"):
        if key in table:
            if not isinstance(table[key], bool):
                raise fail(f"'{key}' must be true or false")
            if match not in ("phrase", "exact"):
                raise fail(f"'{key}' applies to match = \"phrase\" or \"exact\" entries")
            out[key] = table[key]
    if "case" in table:
        if table["case"] not in CASE_POLICIES:
            raise fail(f"'case' must be one of {', '.join(CASE_POLICIES)}, not {table['case']!r}")
        if match != "phrase":
            raise fail("'case' applies to match = \"phrase\" entries (exact is case-sensitive, "
                       "a regex says its own case with (?i))")
        out["case"] = table["case"]
    for key in NEIGHBOUR_KEYS:
        if key in table:
            if match not in ("phrase", "exact"):
                raise fail(f"'{key}' applies to phrase and exact entries (a regex can say it "
                           "with a lookaround)")
            out[key] = _string_list(table, key, fail, "the words that must come "
                                    f"{'right before' if 'before' in key else 'right after'}")
            for phrase in out[key]:
                _check_alternatives(phrase, fail, f"'{key}'")
                if not phrase.replace("...", " ").replace("\u2026", " ").strip():
                    raise fail(f"'{key}' {phrase!r}: a condition needs a word besides '...'")
    if "source" in table:
        out["source"] = _string_list(table, "source", fail, "the source-language term(s)")
    if "target" in table:
        if not isinstance(table["target"], str) or not table["target"].strip():
            raise fail("'target' must be the approved target term (a non-empty string)")
        if table["target"] != table.get("replace"):  # the same as replace says nothing more
            out["target"] = table["target"]
    # keys the terms check reads beside ``source``: without it they would do nothing
    for key, what in (("source_not", "source-language words that hold a source term but are "
                       "not it"), ("accepted", "other renderings the terms check accepts")):
        if key in table:
            if "source" not in table:
                raise fail(f"'{key}' lists {what}: it needs 'source' (the terms check reads "
                           "it only beside the entry's source terms)")
            out[key] = _string_list(table, key, fail, what)
    return out


def too_deep_error(path: str) -> GlossaryError:
    """tomllib parses nested arrays and inline tables recursively: thousands of ``[`` exhaust
    Python's stack (a RecursionError, not a TOMLDecodeError). Named like any other TOML error."""
    return GlossaryError("invalid TOML: arrays or tables nested too deeply to read (a glossary "
                         "needs two or three levels); check the file's brackets", path=path)


#: first-row headings of a TSV glossary's two columns that make the row a header, as
#: spreadsheets name them (``mtfix glossary import`` knows more: docs/guide/glossary-tools.md)
_TSV_FIND = frozenset({"find", "wrong", "incorrect", "bad", "deprecated", "forbidden", "avoid",
                       "do not use", "mt", "error", "garble", "错译"})
_TSV_REPLACE = frozenset({"replace", "replacement", "correct", "correction", "right", "fix",
                          "fixed", "should be", "use", "post edit", "preferred", "approved",
                          "正确译法"})
_TSV_TERMBASE = frozenset({"source", "target", "original", "translation", "原文", "译文"})


def _tsv_header(cells: list[str], path: str) -> bool:
    """Whether the first row is a header: its two headings name the find and replace columns
    ("Wrong / Correct" as well as "find / replace"; read as an entry, "Wrong -> Correct"
    rewrote every "wrong" in the text). A source/target header is a termbase sheet, which
    needs importing: an error that says so."""
    names = [re.sub(r"\s*\([^)]*\)|\s+term$", "", c.strip().lower()) for c in cells[:2]]
    if len(names) == 2 and names[0] in _TSV_FIND and names[1] in _TSV_REPLACE:
        return True
    if len(names) == 2 and names[0] in _TSV_TERMBASE and names[1] in _TSV_TERMBASE:
        raise GlossaryError(f"the header row names {cells[0].strip()!r} and {cells[1].strip()!r}: "
                            "a termbase sheet, not find/replace columns; convert it with "
                            f"`mtfix glossary import {path} -o {Path(path).stem}.toml "
                            "--source-lang LANG`", path=path, line=1)
    return False


def parse_tsv(text: str, path: str = "<tsv>") -> GlossaryFile:
    """``find<TAB>replace[<TAB>note]`` per line; ``#`` starts a comment; ids are ``stem:line``."""
    stem = Path(path).stem
    glossary = GlossaryFile(path=path)
    for number, line in enumerate(split_records(text), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if number == 1 and _tsv_header(cells, path):
            continue  # a spreadsheet header row
        if len(cells) < 2 or len(cells) > 3:
            raise GlossaryError(
                f"expected 2 or 3 tab-separated columns (find, replace, note), found {len(cells)}"
                + ("; another delimiter (comma, semicolon)? `mtfix glossary import "
                   f"{path} -o {stem}.toml` reads it" if len(cells) == 1 else ""),
                path=path, line=number)
        find, replace = cells[0].strip(), cells[1].strip()
        if not find:
            raise GlossaryError("empty 'find' column", path=path, line=number)
        _check_alternatives(find, lambda message, n=number: GlossaryError(
            message, path=path, line=n), "'find'")
        glossary.entries.append(RawEntry(
            id=f"{stem}:{number}", find=(find,), replace=replace,
            note=cells[2].strip() if len(cells) == 3 else "", path=path, line=number))
    return glossary


def check_unique_ids(files: Sequence[GlossaryFile]) -> None:
    seen: dict[str, RawEntry] = {}
    for glossary in files:
        for entry in glossary.entries:
            if entry.id in seen:
                first = seen[entry.id]
                raise GlossaryError(f"duplicate id (first defined at {first.where()}); give each entry "
                                    "its own id (ids appear in every report)",
                                    path=entry.path, line=entry.line, entry_id=entry.id)
            seen[entry.id] = entry
