"""Check mode: what ``mtfix fix`` would change, written nowhere, in the forms CI systems read.

:func:`check_paths` finds the inputs the way ``fix`` does (:func:`mtfix.batch.discover`) and
runs each through the same :func:`mtfix.api.fix_file`, with its output going to a temporary
folder that is removed afterwards: the inputs and their folders are never written. Each change
and flag becomes a :class:`Finding` located in its file (line and column, 1-based, in code
points). :func:`render` writes them as text, JSON, SARIF 2.1.0, GitHub workflow commands or
JUnit XML; :func:`unified_diff` as a diff.

Severity: a *change* (fix would make it) is above a *flag* (fix would only report it).
:meth:`CheckResult.exit_code` fails on findings at or above ``fail_on``:

========== ===================================================================
fail_on    exit code 1 when
========== ===================================================================
change     a change would be made (the default)
flag       a change would be made or a flag would be raised
never      never (report only)
========== ===================================================================

A file that cannot be checked (unreadable, malformed) gives exit code 2: a check that did not
run must not pass.
"""

from __future__ import annotations

import difflib
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from mtfix.api import fix_file
from mtfix.batch import FormatFn, SkipFn, discover
from mtfix.change import Change
from mtfix.fileio import InputError, decode_text, read_bytes
from mtfix.formats import FormatOptions
from mtfix.pipeline import Pipeline
from mtfix.textutil import plural, printable

CHANGE, FLAG, NEVER = "change", "flag", "never"
FAIL_ON = (CHANGE, FLAG, NEVER)
OUTPUT_FORMATS = ("text", "json", "sarif", "github", "junit")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Finding:
    """One change or flag, located in its file (1-based lines and columns, in code points;
    the end column is the one after the last character, as SARIF has it). In a PO, XLIFF or
    TMX file the place is the unit's text as found in the file (best effort: its line)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    change: Change

    @property
    def kind(self) -> str:
        return FLAG if self.change.is_flag else CHANGE

    def message(self) -> str:
        c = self.change
        if c.is_flag:
            text = f"{c.rule}: check {c.before!r}"
            if c.proposal is not None:
                text += f" (proposal: {c.proposal!r})"
        else:
            text = f"{c.rule}: {c.before!r} -> {c.after!r}"
        return text


@dataclass
class CheckedFile:
    """What checking one file found: its findings, or the error that stopped it."""

    doc: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    original: str | None = None  # the texts, for --diff (kept only when asked)
    fixed: str | None = None

    @property
    def changes(self) -> int:
        return sum(1 for f in self.findings if f.kind == CHANGE)

    @property
    def flags(self) -> int:
        return sum(1 for f in self.findings if f.kind == FLAG)


@dataclass
class CheckResult:
    files: list[CheckedFile] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for checked in self.files for f in checked.findings]

    @property
    def errors(self) -> list[CheckedFile]:
        return [f for f in self.files if f.error is not None]

    def exit_code(self, fail_on: str = CHANGE) -> int:
        """0 clean, 1 findings at or above ``fail_on``, 2 a file could not be checked."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        if self.errors:  # (no files at all: every one named was excluded)
            return EXIT_ERROR
        if fail_on == NEVER:
            return EXIT_CLEAN
        kinds = {f.kind for f in self.findings}
        return EXIT_FOUND if CHANGE in kinds or (fail_on == FLAG and FLAG in kinds) else EXIT_CLEAN

    def summary(self) -> str:
        checked = [f for f in self.files if f.error is None]
        changes = sum(f.changes for f in checked)
        flags = sum(f.flags for f in checked)
        would = sum(1 for f in checked if f.changes)
        text = (f"{plural(len(checked), 'file')} checked, {plural(changes, 'change')} would be "
                f"made in {plural(would, 'file')}, {plural(flags, 'flag')}")
        if self.errors:
            text += f", {plural(len(self.errors), 'file')} could not be checked"
        return text


def check_paths(inputs: Sequence[str], *, pipeline: Pipeline, format: str = "auto",
                options: FormatOptions | None = None, skip: SkipFn | None = None,
                format_of: FormatFn | None = None, force_exclude: bool = False,
                keep_text: bool = False) -> CheckResult:
    """Run ``pipeline`` over every input as ``mtfix fix`` would (same discovery, same
    :func:`~mtfix.api.fix_file`) and write nothing: each output goes to a temporary folder,
    removed at the end. ``keep_text=True`` keeps each file's original and fixed text (for
    :func:`unified_diff`). One bad file never stops the others."""
    jobs, problems = discover(list(inputs), format=format, skip=skip, format_of=format_of,
                              force_exclude=force_exclude)
    result = CheckResult([CheckedFile(p.input, error=p.error) for p in problems])
    with tempfile.TemporaryDirectory(prefix="mtfix-check-") as scratch:
        for number, job in enumerate(jobs):
            target = Path(scratch) / f"{number}{job.input.suffix}"
            checked = CheckedFile(job.doc)
            result.files.append(checked)
            try:
                fixed = fix_file(job.input, target, doc=job.doc, pipeline=pipeline,
                                 format=job.format or format, options=options)
                original = _file_text(job.input, job.doc)
            except (InputError, ValueError, OSError) as exc:
                checked.error = str(exc) if job.doc in str(exc) else f"{job.doc}: {exc}"
                continue
            checked.findings = [locate(job.doc, original, c) for c in fixed.changes]
            if keep_text:
                checked.original = original
                checked.fixed = _file_text(target, job.doc)
            target.unlink(missing_ok=True)
    return result


def _file_text(path: Path, name: str) -> str:
    """A file's text: UTF-8, or an XML file in the encoding its declaration names (XLIFF
    and TMX may be UTF-16)."""
    data = read_bytes(path)
    try:
        return decode_text(data, name)
    except InputError:
        from mtfix.formats.xmlsplice import decode_xml

        text = decode_xml(data)
        if text is None:
            raise
        return text


# -- where a change is -----------------------------------------------------------------------------

def locate(file: str, text: str, change: Change) -> Finding:
    """``change`` as a :class:`Finding` with its line and column in ``text`` (the file)."""
    if change.segment is None:  # offsets into the document
        start, end = change.start, change.end
    else:
        start = _segment_position(text, change)
        end = start + len(change.before) if text.startswith(change.before, start) else start
    line, column = _line_column(text, start)
    end_line, end_column = _line_column(text, end)
    return Finding(file, line, column, end_line, end_column, change)


def _segment_position(text: str, change: Change) -> int:
    """Where a unit's change is in the file: a one-segment-per-line file by its line number;
    else the changed text after the unit's id where both are found, else the unit's id, else
    the first place the changed text is found, else the file's start."""
    segment = change.segment or ""
    if change.format == "lines" and segment.isdigit():
        return _line_start(text, int(segment)) + change.start
    number = re.match(r"(\d+)/", segment)
    if change.format == "jsonl" and number:
        return _line_start(text, int(number.group(1)))
    unit = re.sub(r"\[\d+\]$", "", segment).rsplit("/", 1)[-1]
    anchor = text.find(unit) if unit else -1
    if change.before:
        found = text.find(change.before, max(anchor, 0))
        if found == -1:
            found = text.find(change.before)
        if found != -1:
            return found
    return max(anchor, 0)


def _line_start(text: str, number: int) -> int:
    pos = 0
    for _ in range(number - 1):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos


def _line_column(text: str, offset: int) -> tuple[int, int]:
    offset = min(max(offset, 0), len(text))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- output ------------------------------------------------------------------------------------------

def render(result: CheckResult, output_format: str, fail_on: str = CHANGE) -> str:
    """The findings as ``text``, ``json``, ``sarif``, ``github`` or ``junit``."""
    renderers = {"text": _text, "json": _json, "sarif": _sarif, "github": _github,
                 "junit": _junit}
    if output_format not in renderers:
        raise ValueError(f"unknown output format {output_format!r}; choose one of "
                         f"{', '.join(OUTPUT_FORMATS)}")
    return renderers[output_format](result, fail_on)


def _text(result: CheckResult, fail_on: str) -> str:
    lines = [f"{f.file}:{f.line}:{f.column}: {f.kind} {printable(f.message())}"
             for f in result.findings]
    lines += [f"{printable(f.error or '')}" for f in result.errors]
    return "".join(line + "\n" for line in lines)


def _finding_json(f: Finding) -> dict:
    c = f.change
    return {"file": f.file, "line": f.line, "column": f.column, "end_line": f.end_line,
            "end_column": f.end_column, "kind": f.kind, "rule": c.rule, "pass": c.pass_,
            "before": c.before, "after": c.after, "proposal": c.proposal, "note": c.note,
            "segment": c.segment, "id": c.id}


def _json(result: CheckResult, fail_on: str) -> str:
    data = {"version": 1, "exit_code": result.exit_code(fail_on), "summary": result.summary(),
            "findings": [_finding_json(f) for f in result.findings],
            "errors": [{"file": f.doc, "message": f.error} for f in result.errors]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _uri(path: str) -> str:
    """A relative file path as a SARIF ``uri`` (a URI reference: forward slashes, escaped)."""
    return quote(Path(path).as_posix(), safe="/")


def _sarif(result: CheckResult, fail_on: str) -> str:
    from mtfix._version import __version__

    rules: dict[str, int] = {}
    descriptors = []
    results = []
    for f in result.findings:
        c = f.change
        if c.rule not in rules:
            rules[c.rule] = len(descriptors)
            descriptors.append({"id": c.rule, "shortDescription": {
                "text": f"mtfix {c.pass_} rule {c.rule}"}})
        region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                  "endColumn": f.end_column}
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(f.file)},
                                         "region": region}}
        entry = {"ruleId": c.rule, "ruleIndex": rules[c.rule],
                 "level": "warning" if f.kind == CHANGE else "note",
                 "message": {"text": f.message() + (f" ({c.note})" if c.note else "")},
                 "locations": [location],
                 "properties": {"kind": f.kind, "pass": c.pass_, "changeId": c.id}}
        replacement = c.proposal if c.is_flag else c.after
        if replacement is not None and c.segment is None:
            entry["fixes"] = [{"description": {"text": f"replace with {replacement!r}"},
                               "artifactChanges": [{
                                   "artifactLocation": {"uri": _uri(f.file)},
                                   "replacements": [{"deletedRegion": region,
                                                     "insertedContent": {"text": replacement}}]}]}]
        results.append(entry)
    notifications = [{"level": "error", "message": {"text": f.error or ""},
                      "locations": [{"physicalLocation": {"artifactLocation": {
                          "uri": _uri(f.doc)}}}]} for f in result.errors]
    run = {"tool": {"driver": {"name": "mtfix", "version": __version__,
                               "rules": descriptors}},
           "columnKind": "unicodeCodePoints", "results": results,
           "invocations": [{"executionSuccessful": not result.errors,
                            "toolExecutionNotifications": notifications}]}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      ensure_ascii=False, indent=2) + "\n"


def escape_github_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped (GitHub's toolkit rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(text: str) -> str:
    """A workflow command's property (file, title): as data, plus ``:`` and ``,``."""
    return escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(result: CheckResult, fail_on: str) -> str:
    lines = []
    for f in result.findings:
        command = "warning" if f.kind == CHANGE else "notice"
        props = {"file": f.file, "line": f.line, "col": f.column, "endLine": f.end_line,
                 "endColumn": f.end_column, "title": f"mtfix {f.kind}: {f.change.rule}"}
        shown = ",".join(f"{k}={escape_github_property(str(v))}" for k, v in props.items())
        lines.append(f"::{command} {shown}::{escape_github_data(f.message())}")
    for f in result.errors:
        lines.append(f"::error file={escape_github_property(f.doc)}::"
                     f"{escape_github_data(f.error or '')}")
    return "".join(line + "\n" for line in lines)


_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (shown escaped instead)."""
    return _XML_BAD.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _junit(result: CheckResult, fail_on: str) -> str:
    """One test case per file: it fails when it has findings at or above ``fail_on``, errs
    when it could not be checked; findings below go to its system-out."""
    from xml.etree import ElementTree as ET

    failing = {CHANGE: {CHANGE}, FLAG: {CHANGE, FLAG}, NEVER: set()}[fail_on]
    suite = ET.Element("testsuite", name="mtfix check")
    failures = errors = 0
    for checked in result.files:
        case = ET.SubElement(suite, "testcase", classname="mtfix", name=_xml_text(checked.doc))
        if checked.error is not None:
            errors += 1
            ET.SubElement(case, "error", message=_xml_text(checked.error), type="unreadable")
            continue
        bad = [f for f in checked.findings if f.kind in failing]
        lines = [f"{f.line}:{f.column}: {f.kind} {f.message()}" for f in checked.findings]
        if bad:
            failures += 1
            failure = ET.SubElement(case, "failure", type=bad[0].kind, message=_xml_text(
                f"{plural(checked.changes, 'change')} would be made, "
                f"{plural(checked.flags, 'flag')}"))
            failure.text = _xml_text("\n".join(lines))
        elif lines:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(lines))
    suite.set("tests", str(len(result.files)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suites = ET.Element("testsuites", name="mtfix", tests=str(len(result.files)),
                        failures=str(failures), errors=str(errors))
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def unified_diff(result: CheckResult) -> str:
    """What fix would change, as one unified diff (``a/FILE`` -> ``b/FILE``); needs
    :func:`check_paths` with ``keep_text=True``."""
    out: list[str] = []
    for checked in result.files:
        if checked.original is None or checked.fixed is None or checked.original == checked.fixed:
            continue
        out.extend(difflib.unified_diff(
            checked.original.splitlines(keepends=True), checked.fixed.splitlines(keepends=True),
            f"a/{checked.doc}", f"b/{checked.doc}"))
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
    return "".join(out)
