"""Decisions applied back into segmented files (XLIFF, PO, JSON Lines) through their formats."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mtfix.changelog import read_change_log
from mtfix.cli import app

DATA = Path(__file__).parent / "data"
GLOSSARY = DATA / "formats-glossary.toml"
runner = CliRunner()


def fix_then_apply(tmp_path: Path, name: str, text: str, decide, *extra: str):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "fixed"
    result = runner.invoke(app, ["fix", str(source), "-o", str(out), "--no-default-glossaries",
                                 "--glossary", str(GLOSSARY), "--no-rule", "spacing", "-j", "1",
                                 "--no-mark-review", *extra])
    assert result.exit_code == 0, result.output
    with open(out / "changes.jsonl", encoding="utf-8") as stream:
        changes = list(read_change_log(stream))
    decisions = {c.id: decide(c) for c in changes}
    (tmp_path / "decisions.json").write_text(json.dumps({"version": 1, "decisions": decisions}))
    applied = tmp_path / "applied"
    result = runner.invoke(app, ["apply", str(source), "--changes", str(out / "changes.jsonl"),
                                 "--decisions", str(tmp_path / "decisions.json"), "-o", str(applied)])
    return result, changes, out / name, applied / name


def test_accept_all_in_xliff_gives_the_fixed_file(tmp_path):
    xliff = (DATA / "formats" / "units-1.2.xlf").read_text(encoding="utf-8")
    result, changes, fixed, applied = fix_then_apply(tmp_path, "a.xlf", xliff, lambda c: "accept")
    assert result.exit_code == 0, result.output
    assert any(c.segment for c in changes)
    assert applied.read_bytes() == fixed.read_bytes()


def test_reject_all_in_xliff_gives_the_original(tmp_path):
    xliff = (DATA / "formats" / "units-1.2.xlf").read_text(encoding="utf-8")
    result, _changes, _fixed, applied = fix_then_apply(tmp_path, "a.xlf", xliff, lambda c: "reject")
    assert result.exit_code == 0, result.output
    assert applied.read_text(encoding="utf-8") == xliff


def test_mixed_decisions_in_xliff_apply_only_the_accepted_unit(tmp_path):
    xliff = (DATA / "formats" / "units-1.2.xlf").read_text(encoding="utf-8")
    result, _changes, _fixed, applied = fix_then_apply(
        tmp_path, "a.xlf", xliff, lambda c: "accept" if c.rule == "t.inspector" else "reject")
    assert result.exit_code == 0, result.output
    text = applied.read_text(encoding="utf-8")
    assert "second-level inspector" in text
    assert text.replace("second-level inspector", "second-class inspector") == xliff


def test_po_round_trip_and_stale_unit_is_refused(tmp_path):
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          '#: a.c:1\nmsgid "x"\nmsgstr "the second-class inspector came"\n\n'
          'msgid "y"\nmsgstr "click here now"\n')
    result, _changes, fixed, applied = fix_then_apply(tmp_path, "m.po", po, lambda c: "accept")
    assert result.exit_code == 0, result.output
    assert applied.read_text(encoding="utf-8") == fixed.read_text(encoding="utf-8")
    # the translator edits the unit afterwards: its decisions must not be applied fuzzily
    source = tmp_path / "m.po"
    source.write_text(po.replace("came", "arrived"), encoding="utf-8")
    log = tmp_path / "fixed" / "changes.jsonl"
    result = runner.invoke(app, ["apply", str(source), "--changes", str(log), "--decisions",
                                 str(tmp_path / "decisions.json"), "-o", str(tmp_path / "again")])
    assert result.exit_code == 1
    assert "changed since" in result.output
    assert not (tmp_path / "again" / "m.po").exists()


def test_jsonl_fields(tmp_path):
    lines = [json.dumps({"id": 1, "text": "a second-class inspector", "other": "name"}),
             json.dumps({"id": 2, "text": "click here"})]
    text = "\n".join(lines) + "\n"
    result, _changes, _fixed, applied = fix_then_apply(
        tmp_path, "d.jsonl", text, lambda c: "accept" if c.rule == "t.here" else "reject",
        "--field", "text")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in applied.read_text(encoding="utf-8").splitlines()]
    assert out == [{"id": 1, "text": "a second-class inspector", "other": "name"},
                   {"id": 2, "text": "select this"}]
