"""A run never loses a byte: crashes resume with the full change log, two runs never share an
output folder, a full disk or an unwritable folder is a clear error, workers that die are
reported, stale temporary files are cleaned up. See docs/guarantees.md."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

import mtfix.batch
from mtfix.api import build_pipeline
from mtfix.batch import fix_paths

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline([GLOSSARY], default_glossaries=False)


# -- a crash right after an in-place swap -------------------------------------------------------

def test_a_kill_right_after_the_in_place_swap_resumes_without_fixing_twice(
        pipeline, tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("click here\n", encoding="utf-8")
    real_update = mtfix.batch.in_place_update

    @contextlib.contextmanager
    def killed_after_the_swap(path, **kwargs):
        with real_update(path, **kwargs) as update:
            yield update
        raise KeyboardInterrupt  # the process dies between the swap and what follows

    monkeypatch.setattr(mtfix.batch, "in_place_update", killed_after_the_swap)
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
