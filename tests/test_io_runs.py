"""A run never loses a byte: crashes resume with the full change log, two runs never share an
output folder, a full disk or an unwritable folder is a clear error, workers that die are
reported, stale temporary files are cleaned up. See docs/guarantees.md."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mtfix.batch
import mtfix.fileio
from mtfix.api import build_pipeline
from mtfix.batch import BatchUsageError, fix_paths
from mtfix.cli import app
from mtfix.passes.base import BasePass

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline([GLOSSARY], default_glossaries=False)


# -- a crash right after an in-place swap -------------------------------------------------------

def test_a_kill_right_after_the_in_place_swap_resumes_without_fixing_twice(
        pipeline, tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("click here\n", encoding="utf-8")
    real_update = mtfix.fileio.in_place_update

    @contextlib.contextmanager
    def killed_after_the_swap(path, **kwargs):
        with real_update(path, **kwargs) as update:
            yield update
        raise KeyboardInterrupt  # the process dies between the swap and what follows

    monkeypatch.setattr(mtfix.fileio, "in_place_update", killed_after_the_swap)
    with pytest.raises(KeyboardInterrupt):
        fix_paths([str(target)], pipeline=pipeline, in_place=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "select this\n"  # the swap happened
    swapped = target.stat().st_mtime_ns

    result = fix_paths([str(target)], pipeline=pipeline, in_place=True, resume=True)
    assert not result.failed and result.results[0].resumed
    assert [(c.before, c.after) for c in result.changes] == [("click here", "select this")]
    assert result.summary() == "1 file (1 already done), 1 change (glossary 1), 0 flags"
    assert target.stat().st_mtime_ns == swapped  # not fixed twice
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == "click here\n"
    assert not (tmp_path / "a.txt.orig.1").exists()


# -- two runs into one output folder ----------------------------------------------------------------

class _WaitingPass(BasePass):
    """Finds nothing, but holds the run until ``release`` is set (a run caught half-way)."""

    name = "rules"

    def __init__(self, started: threading.Event, release: threading.Event) -> None:
        self.started, self.release = started, release

    def find_edits(self, text: str, protected=()) -> list:
        self.started.set()
        assert self.release.wait(10)
        return []

    def rule_order(self) -> dict[str, int]:
        return {}


@pytest.mark.timeout(30)
def test_a_second_run_into_the_same_output_folder_is_refused_and_touches_nothing(tmp_path):
    for name in ("b1", "b2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text("click here\n", encoding="utf-8")
    out = tmp_path / "bo"
    started, release = threading.Event(), threading.Event()
    slow = build_pipeline([GLOSSARY], default_glossaries=False,
                          extra_passes=[_WaitingPass(started, release)])
    first: list = []
    runner = threading.Thread(target=lambda: first.append(
        fix_paths([str(tmp_path / "b1")], pipeline=slow, output_dir=str(out))))
    runner.start()
    try:
        assert started.wait(10)
        before = sorted(p.name for p in out.rglob("*"))  # the first run is caught half-way
        second = CliRunner().invoke(app, ["fix", str(tmp_path / "b2"), "-o", str(out), "-j", "1"])
        after = sorted(p.name for p in out.rglob("*"))
    finally:
        release.set()
        runner.join(20)
    assert second.exit_code == 2, second.output
    assert "another mtfix run" in second.output and "is writing here" in second.output
    assert str(out / ".changes.jsonl.lock") in second.output
    assert "wait for it or choose another -o" in second.output
    assert after == before and ".changes.jsonl.lock" in before
    [result] = first
    assert not result.failed
    assert [c.doc for c in result.changes] == [str(tmp_path / "b1" / "b1.txt")]
    assert not (out / ".changes.jsonl.lock").exists()  # released and removed
    # once the first run is over, the folder is free again
    again = CliRunner().invoke(app, ["fix", str(tmp_path / "b2"), "-o", str(out), "-j", "1"])
    assert again.exit_code == 0, again.output


def test_the_lock_is_taken_beside_the_change_log(pipeline, tmp_path):
    import fcntl

    (tmp_path / "a.txt").write_text("click here\n", encoding="utf-8")
    log = tmp_path / "logs" / "run.jsonl"
    log.parent.mkdir()
    with open(log.parent / ".run.jsonl.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BatchUsageError, match="another mtfix run"):
            fix_paths([str(tmp_path / "a.txt")], pipeline=pipeline, change_log=str(log))
    assert not (tmp_path / "a.fixed.txt").exists() and not log.exists()


# -- folders that cannot be written ------------------------------------------------------------------

def _deny_writes_under(monkeypatch, folder: Path) -> None:
    """Act as if ``folder`` (and everything under it) were not writable for us (we may be root,
    who may write anywhere): creating a file or folder there fails with EACCES."""
    real_open, real_mkdir = os.open, os.mkdir

    def denied(path) -> bool:
        return Path(os.fsdecode(path)).absolute().is_relative_to(folder.absolute())

    def fake_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and denied(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if denied(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)


def test_an_output_folder_that_cannot_be_written_is_a_clear_usage_error(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("click here\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    _deny_writes_under(monkeypatch, out)
    result = CliRunner().invoke(app, ["fix", str(tmp_path / "a.txt"), "-o", str(out), "-j", "1"])
    monkeypatch.undo()
    assert result.exit_code == 2, result.output
    assert f"cannot write in {out}: permission denied" in result.output
    assert "chmod u+w" in result.output and "choose another output folder (-o)" in result.output
    assert list(out.iterdir()) == []


def test_a_sub_folder_that_cannot_be_written_fails_its_files_only(tmp_path, monkeypatch):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("click here\n", encoding="utf-8")
    (src / "sub" / "b.txt").write_text("click here\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    _deny_writes_under(monkeypatch, out / "sub")
    result = CliRunner().invoke(app, ["fix", str(src), "-o", str(out), "-j", "1",
                                      "--no-default-glossaries", "-g", str(GLOSSARY)])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == "select this\n"
    assert (f"{src / 'sub' / 'b.txt'}: cannot write in {out / 'sub'}: permission denied; make "
            f"it writable (chmod u+w {out / 'sub'})") in result.output
    assert "1 file, 1 change" in result.output and "1 failed" in result.output


# -- temporary files of killed runs ----------------------------------------------------------------

def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(10)
    return child.pid


def test_temporary_files_of_dead_runs_are_removed_and_nothing_else(pipeline, tmp_path):
    (tmp_path / "a.txt").write_text("click here\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getpid()
    stale = [f".a.txt.mtfix-{dead}.k2j4h_9x.tmp", f".changes.jsonl.mtfix-{dead}.abcdefgh.tmp",
             f".x.txt.mtfix-{dead}.abcdefgh.new.tmp", f".x.txt.mtfix-{dead}.abcdefgh.orig.tmp"]
    kept = [f".a.txt.mtfix-{alive}.abcdefgh.tmp",  # a live process's (here: ours)
            ".a.txt.abcdefgh.tmp",  # not our naming: never touched
            f"a.txt.mtfix-{dead}.abcdefgh.tmp", f".a.txt.mtfix-{dead}.abcdefgh.tmp.keep",
            "notes.txt"]
    for name in stale + kept:
        (out / name).write_text("x", encoding="utf-8")
    result = fix_paths([str(tmp_path / "a.txt")], pipeline=pipeline, output_dir=str(out))
    assert not result.failed
    assert sorted(p.name for p in out.iterdir()) == sorted([*kept, "a.txt", "changes.jsonl"])


def test_temporary_files_carry_the_writing_process_id(tmp_path):
    from mtfix.fileio import atomic_writer

    with atomic_writer(tmp_path / "a.txt") as stream:
        stream.write("x")
        [tmp] = [p.name for p in tmp_path.iterdir()]
    assert tmp.startswith(f".a.txt.mtfix-{os.getpid()}.") and tmp.endswith(".tmp")


# -- a full disk while writing the change log ---------------------------------------------------------

def test_a_full_disk_while_writing_the_change_log_is_recovered_by_resume(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text(f"{name}: click here\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["fix", str(src), "-o", str(out), "-j", "1", "--no-default-glossaries",
            "-g", str(GLOSSARY)]
    real_writer = mtfix.batch.atomic_writer

    @contextlib.contextmanager
    def full_disk_for_the_log(path, **kwargs):
        with real_writer(path, **kwargs) as stream:
            if Path(path).name == "changes.jsonl":
                half = '{"half a record'  # (the log is joined as bytes)
                stream.write(half.encode() if "b" in kwargs.get("mode", "") else half)
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            yield stream

    monkeypatch.setattr(mtfix.batch, "atomic_writer", full_disk_for_the_log)
    first = CliRunner().invoke(app, args)
    monkeypatch.undo()
    log, parts = out / "changes.jsonl", out / ".changes.jsonl.parts"
    assert first.exit_code == 1, first.output
    assert (f"could not write the change log {log}: No space left on device; free space and "
            "rerun with --resume (the outputs already written are kept and their changes are "
            f"recorded in {parts})") in first.output
    assert not log.exists() and parts.is_dir()
    assert (out / "a.txt").read_text(encoding="utf-8") == "a.txt: select this\n"

    second = CliRunner().invoke(app, [*args, "--resume"])
    assert second.exit_code == 0, second.output
    assert "2 files (2 already done), 2 changes" in second.output
    assert [(r["doc"], r["after"]) for r in map(json.loads, log.read_text().splitlines())] == [
        (str(src / "a.txt"), "select this"), (str(src / "b.txt"), "select this")]
    assert not parts.exists()


# -- a file written to while it is fixed ---------------------------------------------------------

def _dated_back(path: Path) -> None:
    """File times tick coarsely (a few ms): date the input back, as a real one is."""
    import time

    then = time.time_ns() - 10**10
    os.utime(path, ns=(then, then))


class _WritesTheFileMidRun(BasePass):
    """A pass that, like an editor saving the file, writes to the input while it is fixed."""

    name = "writer"

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data = path, data

    def find_edits(self, text, protected=(), traits=None):
        if self.data is not None:  # once, while the first file is fixed
            self.path.write_bytes(self.data)
            self.data = None
        return []


@pytest.mark.parametrize("in_place", [True, False], ids=["in-place", "output-dir"])
def test_a_file_written_to_while_it_is_fixed_fails_and_keeps_the_other_writers_bytes(
        pipeline, tmp_path, in_place):
    """In place, the fixed text does not replace what another program wrote meanwhile (even at
    the same length): the file fails with what to do, keeps the other writer's bytes, gets no
    backup, and its records are not in the change log; the batch's other files are fixed.
    Into an output folder, no output is written (it would not be the fix of either version)."""
    from mtfix.pipeline import Pipeline

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The the informatization plan.\n", encoding="utf-8")
    b.write_text("Our informatization budget.\n", encoding="utf-8")
    _dated_back(a)
    theirs = b"The THE informatization plan.\n"  # the same length
    writer = _WritesTheFileMidRun(a, theirs)
    run_pipeline = Pipeline([writer, *pipeline.passes])
    out = None if in_place else str(tmp_path / "out")
    result = fix_paths([str(a), str(b)], pipeline=run_pipeline, in_place=in_place,
                       output_dir=out, jobs=1)
    by_name = {Path(r.input).name: r for r in result.results}
    assert result.failed and not by_name["a.txt"].ok and by_name["b.txt"].ok
    assert "changed while it was being fixed" in by_name["a.txt"].error
    assert "run mtfix again" in by_name["a.txt"].error
    assert a.read_bytes() == theirs
    assert not (tmp_path / "a.txt.orig").exists()
    if not in_place:
        out_folder = tmp_path / "out"
        assert not (out_folder / "a.txt").exists() and (out_folder / "b.txt").exists()
        assert not list(out_folder.glob(".*.tmp"))
    records = [json.loads(line) for line in
               Path(result.change_log).read_text(encoding="utf-8").splitlines()]
    assert str(a) not in {r["doc"] for r in records}
