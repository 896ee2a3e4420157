"""Hostile glossaries and change logs give clear errors, never tracebacks or wrong output.

Issue "Never lose a byte", items 16 (deeply nested TOML, wrongly typed change records) and 6
(``mtfix apply`` applied a record with ``start > end`` or offsets past the end of the text).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.change import Change, apply_changes
from mtfix.cli import app
from mtfix.glossary import Glossary, GlossaryError
from mtfix.glossary_tools.lint import lint_glossaries

runner = CliRunner()
TEXT = "The vice-governor spoke. " * 10 + "\n"  # 251 characters


def record(**fields) -> dict:
    base = {"id": "abc123abc123", "doc": "a.txt", "segment": None, "start": 4, "end": 17,
            "line": 1, "before": "vice-governor", "after": "Vice Governor", "pass": "glossary",
            "rule": "vg", "note": "", "score": None, "proposal": None, "base": ""}
    return base | fields


def write_log(folder: Path, *records: dict) -> None:
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                    encoding="utf-8")
    (folder / "d.json").write_text('{"version": 1, "decisions": {}}', encoding="utf-8")


def apply(folder: Path):
    return runner.invoke(app, ["apply", "a.txt", "--changes", "c.jsonl", "--decisions", "d.json",
                               "-o", "res", "--pending", "accept"])


# -- item 16: deeply nested TOML -----------------------------------------------------------------
@pytest.mark.timeout(30)
def test_deeply_nested_toml_is_a_glossary_error_naming_the_file(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"deep\.toml: invalid TOML: .*nested too deeply"):
        Glossary.load([path])
    report = lint_glossaries([path])
    assert [p.code for p in report.errors] == ["schema"] and "nested too deeply" in str(report.errors[0])


# -- item 16: wrongly typed change records -----------------------------------------------------
@pytest.mark.parametrize("fields, message", [
    ({"start": "88"}, "'start' must be a non-negative integer"),
    ({"after": True}, "'after' must be a string"),
    ({"line": -1}, "'line' must be a non-negative integer"),
    ({"end": 4.5}, "'end' must be a non-negative integer"),
    ({"segment": 3}, "'segment' must be a string or null"),
    ({"score": "high"}, "'score' must be a number or null"),
    ({"start": 200, "end": 100}, "'start' (200) is after 'end' (100)"),
])
def test_badly_typed_record_is_refused_naming_file_line_and_change(fields, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Change.from_json(record(**fields))
    with pytest.raises(ValueError, match="change abc123abc123"):
        Change.from_json(record(**fields))


@pytest.mark.parametrize("command", ["apply", "report"])
def test_cli_names_the_log_line_of_a_badly_typed_record(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    write_log(tmp_path, record(), record(id="def456def456", start="88"))
    if command == "apply":
        result = apply(tmp_path)
    else:
        result = runner.invoke(app, ["report", "c.jsonl", "--format", "term"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "c.jsonl:2" in result.output and "'start' must be a non-negative integer" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "res/a.txt").exists()


# -- item 6: impossible offsets are refused before anything is applied ---------------------------
@pytest.mark.parametrize("fields", [
    {"start": 200, "end": 100, "before": ""},        # duplicated characters 100-200
    {"start": 10**7, "end": 10**7, "before": ""},    # appended past the end
    {"start": 251, "end": 300, "before": ""},        # runs past the end
])
def test_apply_refuses_a_record_outside_the_text(tmp_path, monkeypatch, fields):
    monkeypatch.chdir(tmp_path)
    write_log(tmp_path, record(), record(id="def456def456", after="X", **fields))
    result = apply(tmp_path)
    assert result.exit_code != 0, result.output
    assert "def456def456" in result.output and ("a.txt" in result.output or "c.jsonl" in result.output)
    assert not (tmp_path / "res/a.txt").exists()  # nothing applied, not even the good record


def test_apply_changes_refuses_offsets_past_the_end():
    bad = Change(doc="a", start=10**7, end=10**7, line=1, before="", after="X", pass_="p",
                 rule="r")
    with pytest.raises(ValueError, match="outside the text"):
        apply_changes("abc", [bad])
