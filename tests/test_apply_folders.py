"""``mtfix apply`` takes what ``mtfix fix`` took: folders (found the way fix finds files,
outputs at the same relative paths) and, with no paths, the documents the change log names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.changelog import read_change_log
from mtfix.cli import app
from mtfix.review import apply_to_paths, logged_documents


@pytest.fixture
def fixed(tmp_path, monkeypatch):
    """A folder fixed with ``fix in -o out`` and every change accepted (run in tmp_path)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in" / "sub").mkdir(parents=True)
    Path("in/a.txt").write_text("The Anti smuggling Bureau met .\n", encoding="utf-8")
    Path("in/sub/b.txt").write_text("Vision protection color:\nHello world.\n", encoding="utf-8")
    Path("in/c.txt").write_text("Plain fine text.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fix", "in", "-o", "out"])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in Path("out/changes.jsonl").read_text().splitlines()]
    Path("d.json").write_text(json.dumps({"version": 2, "decisions": {i: "accept" for i in ids}}))
    return tmp_path


def _tree(folder: str) -> dict[str, bytes]:
    root = Path(folder)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "changes.jsonl"}


def test_apply_takes_the_folder_fix_took(fixed):
    result = CliRunner().invoke(app, ["apply", "in", "--changes", "out/changes.jsonl",
                                      "--decisions", "d.json", "-o", "reviewed"])
    assert result.exit_code == 0, result.output
    assert "is a directory" not in result.output
    # every change accepted: the reviewed folder is what fix wrote, file for file
    assert _tree("reviewed") == _tree("out")


def test_apply_without_paths_uses_the_documents_of_the_change_log(fixed):
    result = CliRunner().invoke(app, ["apply", "--changes", "out/changes.jsonl",
                                      "--decisions", "d.json", "-o", "reviewed"])
    assert result.exit_code == 0, result.output
    expected = {k: v for k, v in _tree("out").items() if k != "c.txt"}  # c.txt had no change
    assert _tree("reviewed") == expected


def test_documents_of_the_log_are_found_beside_the_log_too(fixed, tmp_path):
    with open("out/changes.jsonl", encoding="utf-8") as stream:
        changes = list(read_change_log(stream, "out/changes.jsonl"))
    pairs = logged_documents(changes, "r")
    assert [(doc, str(out)) for doc, out, _ in pairs] == [
        ("in/a.txt", "r/a.txt"), ("in/sub/b.txt", "r/sub/b.txt")]


def test_a_file_named_on_its_own_must_be_in_the_log(fixed):
    with open("out/changes.jsonl", encoding="utf-8") as stream:
        changes = list(read_change_log(stream, "out/changes.jsonl"))
    outcomes = apply_to_paths(["in/c.txt"], changes, {}, "r")
    assert not outcomes[0].ok and "no changes for this file" in outcomes[0].error


def test_a_missing_path_fails_alone(fixed):
    result = CliRunner().invoke(app, ["apply", "in/a.txt", "nowhere.txt", "--changes",
                                      "out/changes.jsonl", "--decisions", "d.json", "-o", "r"])
    assert result.exit_code == 1
    assert "nowhere.txt: no such file" in result.output
    assert Path("r/a.txt").read_text() == Path("out/a.txt").read_text()
