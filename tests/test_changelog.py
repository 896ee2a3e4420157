"""The change log on disk: every record names its schema version and file format; logs written
before the version existed (version 1) are still read, reported and applied.

``data/changelog-v1.jsonl`` was written by the release before the version field (mtfix 0.1.0
at commit da9c628) with, from ``tests/data``:
``mtfix fix formats/units-1.2.xlf formats/units-2.0.xlf formats/memory.tmx
mlqe-ne-en-tokenized-excerpt.mt -g formats-glossary.toml --no-default-glossaries
-o OUT --changes changelog-v1.jsonl``. Keep it as it is.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.change import CHANGE_LOG_VERSION, Change
from mtfix.changelog import read_change_log, write_change_log
from mtfix.cli import app

DATA = Path(__file__).parent / "data"
V1_LOG = DATA / "changelog-v1.jsonl"
V1_INPUTS = ["formats/units-1.2.xlf", "formats/units-2.0.xlf", "formats/memory.tmx",
             "mlqe-ne-en-tokenized-excerpt.mt"]
runner = CliRunner()
#: rules added after the release that wrote the log: switched off to compare with it
RULES_ADDED_SINCE_V1 = [arg for rule in ("news_furniture", "tokenized", "stray_punctuation",
                                         "fullwidth", "cjk") for arg in ("--no-rule", rule)]


def _read(path: Path) -> list[Change]:
    with open(path, encoding="utf-8") as stream:
        return list(read_change_log(stream, str(path)))


def test_every_record_names_version_and_format(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["fix", str(DATA / "formats" / "units-1.2.xlf"),
                                 str(DATA / "mlqe-ne-en-tokenized-excerpt.mt"), "-o", str(out),
                                 "-g", str(DATA / "formats-glossary.toml"),
                                 "--no-default-glossaries", "-j", "1"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "changes.jsonl").read_text().splitlines()]
    assert records and all(r["version"] == CHANGE_LOG_VERSION for r in records)
    assert {r["format"] for r in records} == {"xliff", "lines"}
    assert list(records[0])[:2] == ["version", "id"]


def test_a_version_1_log_is_read_with_its_ids():
    changes = _read(V1_LOG)
    raw = [json.loads(line) for line in V1_LOG.read_text(encoding="utf-8").splitlines()]
    assert len(changes) == len(raw) == 133
    assert all("version" not in r for r in raw)
    assert [c.id for c in changes] == [r["id"] for r in raw]
    assert all(c.format is None for c in changes)


def test_a_version_1_log_applies_like_a_new_run(tmp_path, monkeypatch):
    """Accepting every change of the old log gives exactly what fixing gives today with the
    rules of that release (the format of each file is inferred, as the log does not name
    it)."""
    monkeypatch.chdir(DATA)
    fixed = tmp_path / "fixed"
    result = runner.invoke(app, ["fix", *V1_INPUTS, "-g", "formats-glossary.toml",
                                 "--no-default-glossaries", "-o", str(fixed), "-j", "1",
                                 "--no-mark-review", *RULES_ADDED_SINCE_V1])
    assert result.exit_code == 0, result.output
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"version": 1, "decisions": {}}))
    applied = tmp_path / "applied"
    result = runner.invoke(app, ["apply", *V1_INPUTS, "--changes", str(V1_LOG), "--decisions",
                                 str(decisions), "--pending", "accept", "-o", str(applied)])
    assert result.exit_code == 0, result.output
    for name in V1_INPUTS:
        assert (applied / Path(name).name).read_bytes() == (fixed / Path(name).name).read_bytes()
    # and the new log holds the same changes, now with their format
    new = _read(fixed / "changes.jsonl")
    assert [c.id for c in new] == [c.id for c in _read(V1_LOG)]


def test_a_version_1_log_is_reported(monkeypatch):
    monkeypatch.chdir(DATA)
    result = runner.invoke(app, ["report", str(V1_LOG), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "mlqe-ne-en-tokenized-excerpt.mt" in result.output


def test_round_trip_keeps_every_field():
    change = Change(doc="a.po", start=1, end=4, line=3, before="abc", after="xyz",
                    pass_="glossary", rule="g.x", note="why", segment="u1", score=0.5,
                    base="0123456789abcdef", proposal=None, format="po")
    stream = io.StringIO()
    assert write_change_log([change], stream) == 1
    (back,) = read_change_log(io.StringIO(stream.getvalue()))
    assert back == change and back.format == "po"


@pytest.mark.parametrize(("version", "message"), [
    (CHANGE_LOG_VERSION + 1, "newer mtfix"),
    ("2", "positive integer"),
    (0, "positive integer"),
])
def test_unreadable_versions_are_refused_with_the_line(version, message):
    record = Change(doc="d", start=0, end=1, line=1, before="a", after="b", pass_="p",
                    rule="r").to_json()
    record["version"] = version
    with pytest.raises(ValueError, match=rf"log.jsonl:2: .*{message}"):
        list(read_change_log(io.StringIO("\n" + json.dumps(record) + "\n"), "log.jsonl"))
