"""Worker processes: one that dies is one failed file and the others are done; none outlives
the run when the run itself is killed. See docs/guarantees.md."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mtfix.api import build_pipeline
from mtfix.batch import fix_paths
from mtfix.passes.base import BasePass

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"


class _KillerPass(BasePass):
    """Kills the worker process that meets "KILL ME" (as the kernel's OOM killer would);
    never the test's own process. Files after it may be finished by then: they are taken as
    done when the run goes on, not fixed again."""

    name = "rules"

    def __init__(self) -> None:
        self.parent = os.getpid()

    def find_edits(self, text: str, protected=()) -> list:
        if "KILL ME" in text and os.getpid() != self.parent:
            time.sleep(0.3)  # the other worker finishes the later files meanwhile
            os.kill(os.getpid(), signal.SIGKILL)
        return []

    def rule_order(self) -> dict[str, int]:
        return {}


@pytest.mark.timeout(60)
def test_a_worker_that_dies_fails_its_file_and_the_others_are_done(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"]
    for name in names:
        text = "KILL ME\n" if name == "c.txt" else f"{name}: click here\n"
        (src / name).write_text(text, encoding="utf-8")
    pipeline = build_pipeline([GLOSSARY], default_glossaries=False, extra_passes=[_KillerPass()])
    seen: list[str] = []
    result = fix_paths([str(src)], pipeline=pipeline, output_dir=str(tmp_path / "out"), jobs=2,
                       on_file=lambda report: seen.append(Path(report.input).name))
    assert seen == names  # every file reported once, in input order
    [failed] = result.failed
    assert failed.error == (f"worker process died (killed? out of memory?) while fixing "
                            f"{src / 'c.txt'}; rerun with --resume")
    assert [Path(c.doc).name for c in result.changes] == [n for n in names if n != "c.txt"]
    for name in names:
        assert (tmp_path / "out" / name).exists() == (name != "c.txt")
    assert not any(r.resumed for r in result.results)  # nothing here was done by another run
    assert result.summary() == "5 files, 5 changes (glossary 5), 0 flags, 1 failed"


_SLOW_RUN = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from mtfix.api import build_pipeline
    from mtfix.batch import fix_paths
    from mtfix.passes.base import BasePass

    class SleepPass(BasePass):  # a file that takes long: the worker notes its pid, then works on
        name = "rules"
        def find_edits(self, text, protected=()):
            (Path(sys.argv[1]) / f"{os.getpid()}.pid").touch()
            time.sleep(60)
            return []
        def rule_order(self):
            return {}

    src = Path(sys.argv[1]) / "in"
    src.mkdir()
    for i in range(4):
        (src / f"{i}.txt").write_text("text\\n", encoding="utf-8")
    fix_paths([str(src)], pipeline=build_pipeline(extra_passes=[SleepPass()]),
              output_dir=str(Path(sys.argv[1]) / "out"), jobs=2)
""")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has ended
    except OSError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to watch workers")
@pytest.mark.timeout(60)
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_workers_do_not_outlive_a_killed_run(tmp_path, how):
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    run = subprocess.Popen([sys.executable, "-c", _SLOW_RUN, str(tmp_path)], env=env,
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("*.pid"))) < 2:
            assert time.monotonic() < deadline and run.poll() is None, "no workers started"
            time.sleep(0.05)
        workers = [int(p.stem) for p in tmp_path.glob("*.pid")]
        run.send_signal(how)
        run.wait(10)
        deadline = time.monotonic() + 10
        while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(_gone(pid) for pid in workers), "a worker kept running after the run died"
    finally:  # never leave a sleeping worker behind, whatever happened
        run.kill()
        for pid_file in tmp_path.glob("*.pid"):
            with contextlib.suppress(OSError):
                os.kill(int(pid_file.stem), signal.SIGKILL)
