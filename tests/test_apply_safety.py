"""`mtfix apply` never reports success for decisions that match nothing, and a refused apply
leaves an earlier good output as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.changelog import read_change_log
from mtfix.cli import app

DATA = Path(__file__).parent / "data"
GLOSSARY = DATA / "formats-glossary.toml"
XLIFF = (DATA / "formats" / "units-1.2.xlf").read_text(encoding="utf-8")
runner = CliRunner()


def fixed_log(tmp_path: Path, name: str, text: str) -> tuple[Path, list]:
    """Write ``name`` with ``text``, fix it; the original and its change records."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["fix", str(source), "-o", str(tmp_path / "fixed"), "-j", "1",
                                 "--no-mark-review", "--no-default-glossaries", "--glossary",
                                 str(GLOSSARY)])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "fixed" / "changes.jsonl", encoding="utf-8") as stream:
        return source, list(read_change_log(stream))


def apply(tmp_path: Path, source: Path, decisions: dict, out: str = "applied"):
    (tmp_path / "d.json").write_text(json.dumps({"version": 1, "decisions": decisions}))
    return runner.invoke(app, ["apply", str(source), "--changes",
                               str(tmp_path / "fixed" / "changes.jsonl"), "--decisions",
                               str(tmp_path / "d.json"), "-o", str(tmp_path / out)])


@pytest.mark.timeout(30)
def test_decisions_that_match_no_change_are_an_error(tmp_path):
    source, _changes = fixed_log(tmp_path, "a.xlf", XLIFF)
    foreign = {"0123456789ab": "accept", "ba9876543210": "reject"}
    result = apply(tmp_path, source, foreign)
    assert result.exit_code == 2
    assert "none of the 2 decision(s)" in result.output and "wrong decisions file?" in result.output
    assert not (tmp_path / "applied").exists()


@pytest.mark.timeout(30)
def test_some_unmatched_decisions_are_warned_about_by_count_and_id(tmp_path):
    source, changes = fixed_log(tmp_path, "a.xlf", XLIFF)
    foreign = {f"{n:012x}": "accept" for n in range(7)}
    result = apply(tmp_path, source, {**foreign, **{c.id: "accept" for c in changes}})
    assert result.exit_code == 0, result.output
    assert "7 decision(s)" in result.output
    assert "000000000000, 000000000001, 000000000002, 000000000003, 000000000004, ..." \
        in result.output
    assert (tmp_path / "applied" / "a.xlf").read_bytes() == (tmp_path / "fixed" / "a.xlf").read_bytes()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("edit", [
    pytest.param(lambda text: text.replace("second-class inspector<ept", "inspector<ept"), id="stale"),
    pytest.param(lambda text: text[:text.index('<trans-unit id="u4">')]
                 + text[text.index("</body>"):], id="unit-gone"),
])
def test_a_refused_apply_keeps_the_earlier_output(tmp_path, edit):
    source, changes = fixed_log(tmp_path, "a.xlf", XLIFF)
    decisions = {c.id: "accept" for c in changes}
    assert apply(tmp_path, source, decisions).exit_code == 0
    good = (tmp_path / "applied" / "a.xlf").read_bytes()
    source.write_text(edit(XLIFF), encoding="utf-8")  # edited since the fix: refused
    result = apply(tmp_path, source, decisions)
    assert result.exit_code == 1
    assert (tmp_path / "applied" / "a.xlf").read_bytes() == good
    assert [p.name for p in (tmp_path / "applied").iterdir()] == ["a.xlf"]  # no scratch left


@pytest.mark.timeout(30)
def test_a_refused_apply_of_a_lines_file_keeps_the_earlier_output(tmp_path):
    source, changes = fixed_log(tmp_path, "a.mt", "the second-class inspector\nname\nx\n")
    decisions = {c.id: "accept" for c in changes}
    assert apply(tmp_path, source, decisions).exit_code == 0
    good = (tmp_path / "applied" / "a.mt").read_bytes()
    source.write_text("the second-class inspector\n", encoding="utf-8")  # line 2 is gone
    result = apply(tmp_path, source, decisions)
    assert result.exit_code == 1 and "not in this file" in result.output
    assert (tmp_path / "applied" / "a.mt").read_bytes() == good
