"""Inputs of every kind are read once and never lost: pipes and FIFOs, symbolic links (also
looping ones), file names that are not UTF-8. See docs/guarantees.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
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


# -- symbolic links --------------------------------------------------------------------------------

def test_in_place_on_a_symlink_fixes_the_file_it_points_to_and_keeps_the_link(pipeline, tmp_path):
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "real.txt"
    real.write_text("click here\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(Path("data") / "real.txt")
    # the link and its file named together: one file, fixed once
    result = fix_paths([str(link), str(real)], pipeline=pipeline, in_place=True, jobs=2)
    assert not result.failed and len(result.results) == 1, result.results
    assert link.is_symlink() and os.readlink(link) == str(Path("data") / "real.txt")
    assert real.read_text(encoding="utf-8") == "select this\n"
    assert (tmp_path / "data" / "real.txt.orig").read_text(encoding="utf-8") == "click here\n"
    assert [c.doc for c in result.changes] == [str(link)]
    assert result.change_log == str(tmp_path / "link.changes.jsonl")
    again = fix_paths([str(link)], pipeline=pipeline, in_place=True)  # nothing left to fix
    assert not again.failed and again.summary() == "1 file, 0 changes, 0 flags"


def test_an_output_path_holding_a_symlink_gets_the_link_replaced_never_written_through(
        pipeline, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("click here\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").symlink_to(elsewhere)
    (out / "b.txt").symlink_to("b.txt")  # a link to itself: a loop
    (tmp_path / "b.txt").write_text("click here\n", encoding="utf-8")
    result = fix_paths([str(src), str(tmp_path / "b.txt")], pipeline=pipeline, output_dir=str(out))
    assert not result.failed, result.failed
    assert elsewhere.read_text(encoding="utf-8") == "someone else's file\n"
    for name in ("a.txt", "b.txt"):
        assert not (out / name).is_symlink()
        assert (out / name).read_text(encoding="utf-8") == "select this\n"
    assert len(result.changes) == 2


def test_a_symlink_loop_is_one_failed_file_and_the_others_are_done(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("The Anti smuggling Bureau met.\n", encoding="utf-8")
    (src / "loop1.txt").symlink_to("loop2.txt")
    (src / "loop2.txt").symlink_to("loop1.txt")
    (src / "gone.txt").symlink_to("nowhere.txt")
    result = CliRunner().invoke(app, ["fix", str(src), str(src / "loop1.txt"), "-o",
                                      str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == \
        "The Anti-smuggling Bureau met.\n"
    assert result.output.count("loops (a symbolic link that leads back to itself)") == 3
    assert "gone.txt: is a symbolic link to nowhere.txt, which does not exist" in result.output
    assert "1 file, " in result.output and "4 failed" in result.output


# -- pipes and FIFOs -------------------------------------------------------------------------------

def _env() -> dict[str, str]:
    """This checkout first on the path of a child Python (whatever is installed)."""
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p)}


@pytest.mark.timeout(15)
def test_a_fifo_is_read_once_and_fixed(pipeline, tmp_path):
    fifo = tmp_path / "queue.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as stream:  # blocks until the run opens it
            stream.write("click here\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = fix_paths([str(fifo)], pipeline=pipeline, output_dir=str(tmp_path / "out"))
    writer.join(10)
    assert not result.failed, result.failed
    assert (tmp_path / "out" / "queue.txt").read_text(encoding="utf-8") == "select this\n"
    assert [(r["doc"], r["after"]) for r in _records(tmp_path / "out" / "changes.jsonl")] == [
        (str(fifo), "select this")]
    assert result.summary() == "1 file, 1 change (glossary 1), 0 flags"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["changes.jsonl", "queue.txt"]


def test_a_pipe_is_read_once_and_fixed_also_beside_worker_processes(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("The Anti smuggling Bureau met.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "mtfix.cli", "fix", "/dev/stdin", str(other), "-o", str(out),
         "-j", "2"], input=b"The Anti smuggling Bureau met .\n", capture_output=True,
        env=_env(), timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert (out / "stdin").read_text(encoding="utf-8") == "The Anti-smuggling Bureau met.\n"
    docs = [r["doc"] for r in _records(out / "changes.jsonl")]
    assert docs.count("/dev/stdin") == 2 and docs.count(str(other)) == 1
    assert "2 files, 3 changes" in proc.stderr.decode()


def test_in_place_on_a_pipe_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "mtfix.cli", "fix", "/dev/stdin", "--in-place"],
                          input=b"click here\n", capture_output=True, env=_env(), timeout=60,
                          check=False)
    assert proc.returncode == 2, proc.stderr.decode()
    assert "--in-place /dev/stdin: not a regular file" in proc.stderr.decode()


@pytest.mark.timeout(15)
def test_the_api_reads_a_fifo_once(tmp_path):
    """``mtfix.fix_file`` (not only the batch) reads a pipe once: hashed and fixed from a copy."""
    from mtfix.api import fix_file

    fifo = tmp_path / "in.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=("The Anti smuggling Bureau met .\n",))
    writer.start()
    result = fix_file(fifo, tmp_path / "out.txt", pipeline=build_pipeline())
    writer.join(5)
    assert (tmp_path / "out.txt").read_text() == "The Anti-smuggling Bureau met.\n"
    assert result.applied_count == 2 and result.input == str(fifo)
