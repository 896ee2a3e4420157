"""Shortcuts of the change-heavy path (a record per ~50 bytes of tokenized MT) give exactly
what the general code gives."""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mtfix.batch as batch
import mtfix.passes.rules.tokenized as tokenized
import mtfix.pieces as pieces
from mtfix.batch import fix_paths
from mtfix.change import Change, Edit, apply_edits
from mtfix.passes.base import BasePass
from mtfix.passes.rules._scan import line_spans
from mtfix.passes.rules.tokenized import TokenizedRule
from mtfix.pipeline import Pipeline

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _SpaceBeforeComma(BasePass):
    name = "spaces"

    def find_edits(self, text, protected=(), **extra):
        return [Edit(i, i + 1, "", "space") for i in range(len(text) - 1)
                if text[i:i + 2] == " ,"]


class _SourceCheck(BasePass):
    """Finds nothing without a source (like the terms check); counts its calls."""

    name = "source-check"
    wants_source = True

    def __init__(self, needs_source: bool) -> None:
        self.needs_source = needs_source
        self.calls = 0

    def find_edits(self, text, protected=(), *, source=None):
        self.calls += 1
        if not source:
            return []
        at = text.find("x")
        return [] if at < 0 else [Edit(at, at + 1, None, "x", "source says x", flag=True)]


@SETTINGS
@given(st.text(alphabet="ab ,x\n", max_size=60), st.sampled_from([None, "", "src"]))
def test_a_pass_that_needs_a_source_is_not_run_without_one(text, source):
    lazy, eager = _SourceCheck(needs_source=True), _SourceCheck(needs_source=False)
    got = Pipeline([_SpaceBeforeComma(), lazy]).fix_segment(text, doc="d", source=source)
    want = Pipeline([_SpaceBeforeComma(), eager]).fix_segment(text, doc="d", source=source)
    assert got == want
    assert lazy.calls == (1 if source else 0)


def test_a_run_collects_garbage_less_often_and_restores_the_collector(tmp_path):
    """fix_paths raises the collector's first threshold and freezes what exists while it
    runs (and in the workers it forks), and leaves it as it found it, also when a file fails;
    a caller's own freeze is kept."""
    seen = []

    class Watching(_SpaceBeforeComma):
        def find_edits(self, text, protected=(), **extra):
            seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
            return super().find_edits(text, protected)

    (tmp_path / "a.txt").write_text("a , b\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe not utf-8 , \n")
    before = gc.get_threshold()
    result = fix_paths([str(tmp_path / "a.txt"), str(tmp_path / "bad.txt")],
                       pipeline=Pipeline([Watching()]), output_dir=str(tmp_path / "out"))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert seen == [(max(before[0], batch._RUN_GC_THRESHOLD), True)]
    assert len(result.failed) == 1
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "a, b\n"
    gc.freeze()  # a caller's own freeze stays as it was
    try:
        frozen = gc.get_freeze_count()
        fix_paths([str(tmp_path / "a.txt")], pipeline=Pipeline([Watching()]),
                  output_dir=str(tmp_path / "out2"))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


@SETTINGS
@given(st.lists(st.builds(lambda before, after, pass_: Change(
    doc="d", start=0, end=len(before), line=1, before=before, after=after, pass_=pass_,
    rule="r"), st.sampled_from(["", " ", "a"]), st.sampled_from(["", " ", "a"]),
    st.sampled_from(["glossary", "rules"])), max_size=12))
def test_a_piece_counts_its_changes_column_wise_as_one_by_one(changes):
    applied: Counter[str] = Counter({"rules": 2})
    flags = pieces._count_applied(changes, applied)
    assert flags == sum(change.is_flag for change in changes)
    assert applied == Counter({"rules": 2}) + Counter(c.pass_ for c in changes if not c.is_flag)


# -- the tokenized rule's apostrophes, tried only where a match can start ------------------

_TOKENIZED = TokenizedRule()
_PIECES = st.sampled_from(["it", "don", "do", "n't", "n’t", "'", "’", "s", "t", "re", "ll",
                           "d", "m", "the", "1990", "_x", "Can", "WON", "I", "é", "they",
                           " ", "  ", "   ", "    ", "\n", ".", ",", '"', "a'", "'s", " n't"])


@SETTINGS
@given(st.lists(_PIECES, max_size=24).map("".join))
def test_apostrophes_tried_at_their_word_are_those_of_scanning_each_line(text):
    needles = [(index, start) for index, start, _ in
               tokenized._NEEDLES.find_matches_as_indexes(text, overlapping=True)
               if tokenized._NEEDLE_KIND[index] == 2]
    lines = line_spans(text, sorted(start for _, start in needles))
    assert _TOKENIZED._apostrophes_at(text, needles) == _TOKENIZED._apostrophes(text, lines)


# -- a run of one file: its change log is its part, linked into place ------------------------

def _fix_one(tmp_path):
    (tmp_path / "a.txt").write_text("a , b\n", encoding="utf-8")
    return fix_paths([str(tmp_path / "a.txt")], pipeline=Pipeline([_SpaceBeforeComma()]),
                     output_dir=str(tmp_path / "out"))


@pytest.mark.parametrize("can_link", [True, False])
def test_the_change_log_of_one_file_is_linked_or_copied_alike(tmp_path, monkeypatch, can_link):
    if not can_link:
        def no_links(*args, **kwargs):
            raise OSError(errno.EPERM, "no hard links here")
        monkeypatch.setattr(os, "link", no_links)
    log = tmp_path / "out" / "changes.jsonl"
    log.parent.mkdir()
    log.write_text("an earlier run's log\n", encoding="utf-8")
    log.chmod(0o640)  # an existing log keeps its permissions, as atomic_writer keeps them
    result = _fix_one(tmp_path)
    assert result.change_log == str(log)
    [record] = log.read_text(encoding="utf-8").splitlines()
    assert '"before": " ", "after": ""' in record
    assert stat.S_IMODE(log.stat().st_mode) == 0o640
    assert sorted(p.name for p in log.parent.iterdir()) == ["a.txt", "changes.jsonl"]


def test_a_new_change_log_linked_into_place_gets_a_new_file_s_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    _fix_one(tmp_path)
    log = tmp_path / "out" / "changes.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o666 & ~umask


# -- applying edits already in text order -----------------------------------------------------

_EDITS = st.lists(st.builds(lambda start, width, after, flag: Edit(start, start + width, after,
                                                                   "r", flag=flag),
                            st.integers(0, 12), st.integers(0, 3),
                            st.sampled_from(["", "x", "yz", None]), st.booleans()),
                  max_size=8)


def _sorted_application(text: str, edits: list[Edit]) -> str:
    """apply_edits as it was: sort, then apply (or refuse an overlap)."""
    pieces, pos = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.flag or edit.after is None:
            continue
        if edit.start < pos:
            raise ValueError("overlap")
        pieces += [text[pos:edit.start], edit.after]
        pos = edit.end
    return "".join(pieces) + text[pos:]


@SETTINGS
@given(_EDITS, st.booleans())
def test_edits_in_text_order_apply_as_sorted_ones(edits, in_order):
    text = "abcdefghijklmnop"
    if in_order:
        edits = sorted(edits, key=lambda e: (e.start, e.end))
    try:
        expected = _sorted_application(text, edits)
    except ValueError:
        with pytest.raises(ValueError):
            apply_edits(text, edits)
        return
    assert apply_edits(text, edits) == apply_edits(text, iter(edits)) == expected
