"""Inputs of every kind are read once and never lost: pipes and FIFOs, symbolic links (also
looping ones), file names that are not UTF-8. See docs/guarantees.md."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.api import build_pipeline
from mtfix.batch import fix_paths
from mtfix.cli import app

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline([GLOSSARY], default_glossaries=False)


def _records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


# -- file names that are not UTF-8 ---------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_fixed_and_logged_losslessly(pipeline, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # "caf\udce9.txt": Latin-1 bytes, surrogate-escaped
    (src / name).write_text("click here\n", encoding="utf-8")
    result = fix_paths([str(src)], pipeline=pipeline, output_dir=str(tmp_path / "out"))
    assert not result.failed, result.failed
    assert (tmp_path / "out" / name).read_text(encoding="utf-8") == "select this\n"
    raw = (tmp_path / "out" / "changes.jsonl").read_bytes()
    raw.decode("utf-8")  # the log stays valid UTF-8 ...
    [record] = _records(tmp_path / "out" / "changes.jsonl")
    assert os.fsencode(record["doc"]) == os.fsencode(str(src / name))  # ... and names the file exactly
    assert [c.doc for c in result.changes] == [str(src / name)]


@pytest.mark.parametrize("report", ["r.html", "r.json"])
def test_the_cli_reports_a_name_that_is_not_utf8(tmp_path, report):
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text("The Anti smuggling Bureau met.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fix", str(tmp_path / name), "-o", str(tmp_path / "o"),
                                      "-j", "1", "--report", str(tmp_path / report)])
    assert result.exit_code == 0, result.output
    assert "1 file, " in result.output
    text = (tmp_path / report).read_text(encoding="utf-8")
    assert "caf\\udce9.txt" in text  # shown escaped; in JSON that reads back as the name
    if report.endswith(".json"):
        assert str(tmp_path / name) in json.dumps(json.loads(text), ensure_ascii=False)
