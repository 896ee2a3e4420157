"""Inputs named by a URI (``mtfix/uris.py``): a ``file://`` folder through pyarrow's local file
system and a ``memory://`` file through fsspec give the outputs of the same files named by
path, their records name the URIs, and a URI that cannot be opened fails that input alone
with its URI and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.cli import app

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TEXT = "The Anti smuggling Bureau met .\nIt was held  in Hefei .\n"


def _inputs(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "sub" / "b.jsonl").write_text(
        "".join(json.dumps({"text": line}) + "\n" for line in TEXT.splitlines()), encoding="utf-8")
    pq.write_table(pa.table({"text": TEXT.splitlines()}), root / "sub" / "c.parquet")
    (root / ".hidden.txt").write_text(TEXT, encoding="utf-8")
    return root


def _outputs(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "changes.jsonl"}


def _docs(log: Path) -> list[str]:
    return [json.loads(line)["doc"] for line in log.read_text(encoding="utf-8").splitlines()]


def test_a_file_uri_folder_is_fixed_like_the_folder(tmp_path: Path) -> None:
    root = _inputs(tmp_path / "in")
    uri = root.as_uri()
    runs = {}
    for name, arg in (("path", str(root)), ("uri", uri)):
        result = CliRunner().invoke(app, ["fix", arg, "-o", str(tmp_path / name), "--field",
                                          "text", "-q"])
        assert result.exit_code == 0, result.output
        runs[name] = tmp_path / name
    assert _outputs(runs["path"]) == _outputs(runs["uri"])
    assert set(_outputs(runs["uri"])) == {"a.txt", "sub/b.jsonl", "sub/c.parquet"}
    by_path, by_uri = _docs(runs["path"] / "changes.jsonl"), _docs(runs["uri"] / "changes.jsonl")
    assert by_uri == [doc.replace(str(root), uri) for doc in by_path]
    assert f"{uri}/sub/c.parquet" in by_uri
    assert not list((tmp_path / "uri").glob(".*"))  # the copies went with the parts folder


def test_an_fsspec_memory_file(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    memory.pipe("/mtfix-test/news.txt", TEXT.encode("utf-8"))
    try:
        result = CliRunner().invoke(app, ["fix", "memory://mtfix-test/news.txt", "-o",
                                          str(tmp_path / "out"), "-q"])
    finally:
        memory.rm("/mtfix-test", recursive=True)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "news.txt").read_text(encoding="utf-8") == \
        "The Anti-smuggling Bureau met.\nIt was held in Hefei.\n"
    assert set(_docs(tmp_path / "out" / "changes.jsonl")) == {"memory://mtfix-test/news.txt"}


def test_uris_that_cannot_be_opened_fail_alone(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    missing = (tmp_path / "nowhere" / "x.txt").as_uri()
    result = CliRunner().invoke(app, ["fix", missing, "nosuch://bucket/x.txt", str(good),
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{missing}: no such file or folder" in result.output
    assert "nosuch://bucket/x.txt: neither pyarrow nor fsspec opens it" in result.output
    assert (tmp_path / "out" / "good.txt").exists()


def test_a_uri_needs_an_output_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    for extra in ([], ["--in-place"]):
        result = CliRunner().invoke(app, ["fix", (tmp_path / "a.txt").as_uri(), *extra])
        assert result.exit_code == 2
        assert "needs an output folder (-o FOLDER)" in result.output
