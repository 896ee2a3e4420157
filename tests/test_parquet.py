"""Parquet in and out (mtfix/formats/parquet.py): only the --field columns change, the rest of
the table and its row groups are kept, a file with no change is copied byte for byte, and bad
input is an error naming the file and the column."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.api import build_pipeline, fix_file
from mtfix.changelog import read_change_log
from mtfix.cli import app
from mtfix.fileio import InputError
from mtfix.formats import FormatOptions

pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (pip install 'mtfix[parquet]')")
pq = pytest.importorskip("pyarrow.parquet")

PIPELINE = build_pipeline()
TEXTS = ["The Anti smuggling Bureau met .", None, "Nothing to fix here.", "It was held  in Hefei ."]


def _table() -> pa.Table:
    return pa.table({"id": [1, 2, 3, 4], "text": TEXTS, "score": [0.5, None, 1.0, 2.0],
                     "other": ["The Anti smuggling Bureau met ."] * 4})


def test_only_the_field_columns_change_and_row_groups_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "mt.parquet"
    pq.write_table(_table(), source, row_group_size=3)
    result = fix_file(source, tmp_path / "out.parquet", pipeline=PIPELINE,
                      options=FormatOptions(fields=("text",)))
    fixed = pq.read_table(tmp_path / "out.parquet")
    assert fixed.schema == _table().schema
    assert fixed.column("text").to_pylist() == [
        "The Anti-smuggling Bureau met.", None, "Nothing to fix here.", "It was held in Hefei."]
    for name in ("id", "score", "other"):
        assert fixed.column(name) == _table().column(name)
    assert pq.ParquetFile(tmp_path / "out.parquet").num_row_groups == 2
    segments = {c.segment for c in result.changes}
    assert segments == {"1/text", "4/text"}  # 1-based row numbers across row groups
    assert {c.format for c in result.changes} == {"parquet"}


def test_a_file_with_nothing_to_fix_is_copied_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "clean.parquet"
    pq.write_table(pa.table({"text": ["Nothing to fix here.", None]}), source, compression="gzip")
    result = fix_file(source, tmp_path / "out.parquet", pipeline=PIPELINE,
                      options=FormatOptions(fields=("text",)))
    assert not result.changes
    assert (tmp_path / "out.parquet").read_bytes() == source.read_bytes()


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "mt.parquet"
    pq.write_table(_table(), source)
    fix_file(source, tmp_path / "once.parquet", pipeline=PIPELINE,
             options=FormatOptions(fields=("text",)))
    again = fix_file(tmp_path / "once.parquet", tmp_path / "twice.parquet", pipeline=PIPELINE,
                     options=FormatOptions(fields=("text",)))
    assert not again.changes
    assert (tmp_path / "twice.parquet").read_bytes() == (tmp_path / "once.parquet").read_bytes()


@pytest.mark.parametrize(("field", "message"), [
    ("missing", r"no column 'missing' \(columns: id, text, score, other\)"),
    ("score", r"column 'score' holds double, not text"),
])
def test_a_bad_field_names_the_file_and_the_columns(tmp_path: Path, field, message) -> None:
    source = tmp_path / "mt.parquet"
    pq.write_table(_table(), source)
    with pytest.raises(InputError, match=message):
        fix_file(source, tmp_path / "out.parquet", pipeline=PIPELINE,
                 options=FormatOptions(fields=(field,)))
    assert not (tmp_path / "out.parquet").exists()


def test_cli_fixes_parquet_and_reports_a_broken_file_with_its_path(tmp_path: Path) -> None:
    pq.write_table(_table(), tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"PAR1 not really")
    runner = CliRunner()
    result = runner.invoke(app, ["fix", str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"),
                                 "--field", "text", "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert f"{tmp_path / 'b.parquet'}: not a readable Parquet file" in result.output
    with open(tmp_path / "out" / "changes.jsonl", encoding="utf-8") as stream:
        docs = {c.doc for c in read_change_log(stream)}
    assert docs == {str(tmp_path / "a.parquet")}
    usage = runner.invoke(app, ["fix", str(tmp_path / "a.parquet"), "--format", "parquet"])
    assert usage.exit_code == 2 and "--format parquet needs --field" in usage.output


def test_apply_replays_reviewed_changes_into_parquet(tmp_path: Path) -> None:
    """Accept all: the applied file is the fixed one; reject all: the original's values."""
    import json

    source = tmp_path / "mt.parquet"
    pq.write_table(_table(), source)
    runner = CliRunner()
    out = tmp_path / "fixed"
    result = runner.invoke(app, ["fix", str(source), "--field", "text", "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    with open(out / "changes.jsonl", encoding="utf-8") as stream:
        changes = list(read_change_log(stream))
    for verdict in ("accept", "reject"):
        decisions = tmp_path / f"{verdict}.json"
        decisions.write_text(json.dumps({"version": 1, "decisions": {
            c.id: verdict for c in changes}}), encoding="utf-8")
        applied = tmp_path / verdict
        result = runner.invoke(app, ["apply", str(source), "--changes", str(out / "changes.jsonl"),
                                     "--decisions", str(decisions), "-o", str(applied)])
        assert result.exit_code == 0, result.output
        expected = pq.read_table(out / "mt.parquet" if verdict == "accept" else source)
        assert pq.read_table(applied / "mt.parquet") == expected
