"""The per-record shortcuts of the pipeline (change-heavy text makes a record per ~50 bytes)
give exactly what the general code gives.

* ``make_change`` (positional) builds what ``Change(...)`` (keywords) builds, and
  ``make_edit`` what ``Edit(...)`` builds: the same type, fields, equality, hash, repr,
  pickling, and as frozen.
* ``select_non_overlapping`` chooses within runs of competing edits what one greedy choice
  over all gives.
* ``OffsetMap.to_before_all`` maps like ``to_before`` one by one.
* ``_apply_in_order`` (column by column) applies edits in text order as a loop over them.
* ``sort_in_text_order`` (two int-key sorts) orders as one sort on (start, end);
  ``LineIndex.lines_of`` (array-wise) numbers lines as counting line breaks does.
* the rules pass's merge of its two stages (one sort, then the policy) and its array-wise
  ``_without_absorbed`` keep what the general code keeps.
* ``SpanSet.overlapping`` (array-wise) finds what ``overlaps`` finds one by one, and the
  pipeline's ``_admissible`` built on it keeps what the loop over the edits kept.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import itertools
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_changelog_fast_path import changes

from mtfix.change import (
    START_END,
    Change,
    Edit,
    _apply_in_order,
    _greedy,
    _greedy_by_runs,
    apply_edits,
    make_change,
    make_edit,
    select_non_overlapping,
    sort_in_text_order,
)
from mtfix.passes.rules import _near, _without_absorbed
from mtfix.pipeline import _admissible
from mtfix.spans import LineIndex, OffsetMap, ShiftedLines, SpanSet, overlap, within

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(SETTINGS, max_examples=50)
@given(changes)
def test_make_change_equals_keyword_construction(change):
    fields = {name: getattr(change, name) for name in Change.__slots__ if name != "id"}
    made = make_change(**fields)
    assert made == Change(**fields)
    assert made.id == Change(**fields).id
    assert [getattr(made, name) for name in Change.__slots__] == \
        [getattr(Change(**fields), name) for name in Change.__slots__]


def assert_same_frozen_record(made: object, reference: object) -> None:
    """``made`` behaves as ``reference`` in every way a caller can see."""
    assert type(made) is type(reference)
    assert made == reference and hash(made) == hash(reference)
    assert repr(made) == repr(reference)
    assert dataclasses.asdict(made) == dataclasses.asdict(reference)
    # (repr: a NaN score is not equal to itself)
    assert repr(pickle.loads(pickle.dumps(made))) == repr(reference)
    assert repr(copy.copy(made)) == repr(copy.deepcopy(made)) == repr(reference)
    for name in [field.name for field in dataclasses.fields(made)]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, name, getattr(made, name))
    for record in (made, reference):  # (slots: no other attribute either; CPython 3.11's
        with pytest.raises((AttributeError, TypeError)):  # frozen slotted __setattr__
            record.extra = 1  # raises TypeError for a name that is not a field)


@settings(SETTINGS, max_examples=50)
@given(changes)
def test_make_change_is_a_true_frozen_change(change):
    fields = {name: getattr(change, name) for name in Change.__slots__ if name != "id"}
    assert_same_frozen_record(make_change(**fields), Change(**fields))


@SETTINGS
@given(st.integers(0, 10**9), st.integers(0, 50), st.one_of(st.none(), st.text(max_size=5)),
       st.text(max_size=8), st.text(max_size=8),
       st.one_of(st.none(), st.floats(allow_nan=False)), st.booleans())
def test_make_edit_equals_edit(start, width, after, rule, note, score, flag):
    made = make_edit(start, start + width, after, rule, note, score, flag)
    assert_same_frozen_record(made, Edit(start, start + width, after, rule, note, score, flag))
    assert dataclasses.replace(made, start=0) == Edit(0, start + width, after, rule, note,
                                                      score, flag)
    assert make_edit(start, start + width, after, rule) == Edit(start, start + width, after,
                                                                 rule)


# Edits crowded into a short text: overlaps, ties, zero-width edits, flags, unknown rules.
edits = st.lists(
    st.builds(lambda start, width, after, rule, flag: Edit(start, start + width, after, rule,
                                                          flag=flag),
              st.integers(0, 30), st.integers(0, 5), st.sampled_from(["", "x", None]),
              st.sampled_from(["a", "b", "c", "zz"]), st.booleans()),
    max_size=20)


@SETTINGS
@given(edits)
def test_greedy_by_runs_equals_greedy(found):
    rank = {"a": 0, "b": 1, "c": 2}
    # the same objects in the same order (identity, not equality: ties matter)
    assert [id(e) for e in _greedy_by_runs(found, rank)] == [id(e) for e in _greedy(found, rank)]


def reference_selection(found: list[Edit], order: dict[str, int]) -> list[Edit]:
    """The overlap policy as written before the shortcuts: one greedy choice over all changes
    and one over all flags, a flag dropped when it lies inside the change that starts last at
    or before it, then one sort."""
    changes = _greedy([e for e in found if not e.flag and e.after is not None], order)
    flags = _greedy([e for e in found if e.flag or e.after is None], order)
    starts = [c.start for c in changes]
    kept_flags = []
    for flag in flags:
        i = bisect.bisect_right(starts, flag.start) - 1
        if not (i >= 0 and changes[i].end > changes[i].start and
                changes[i].start <= flag.start and flag.end <= changes[i].end):
            kept_flags.append(flag)
    return sorted(changes + kept_flags, key=START_END)


@SETTINGS
@given(edits)
def test_selection_equals_one_choice_over_all(found):
    order = {"a": 0, "b": 1}
    assert [id(e) for e in select_non_overlapping(found, order)] == \
        [id(e) for e in reference_selection(found, order)]


@SETTINGS
@given(edits, st.lists(st.integers(0, 40), max_size=12))
def test_offsets_map_back_alike_one_by_one_and_all_at_once(found, new_offsets):
    applied = select_non_overlapping([e for e in found if not e.flag and e.after is not None])
    offset_map = OffsetMap(applied)
    new_offsets.sort()
    for side in ("start", "end"):
        assert offset_map.to_before_all(new_offsets, side=side) == \
            [offset_map.to_before(o, side=side) for o in new_offsets]


def reference_apply_in_order(text: str, found: list[Edit]) -> str | None:
    """``_apply_in_order`` as a loop over the edits (what it was before it went by columns)."""
    pieces: list[str] = []
    pos = 0
    for edit in found:
        if edit.flag or edit.after is None:
            continue
        if edit.start < pos:
            return None
        pieces.append(text[pos:edit.start])
        pieces.append(edit.after)
        pos = edit.end
    pieces.append(text[pos:])
    return "".join(pieces)


@SETTINGS
@given(st.text(alphabet="ab \n", max_size=40), edits, st.booleans())
def test_edits_in_order_apply_as_one_by_one(text, found, in_order):
    """Edits in text order (or not: then None), flags among them, offsets past the text."""
    if in_order:
        found = select_non_overlapping(found)
    assert _apply_in_order(text, found) == reference_apply_in_order(text, found)
    if _apply_in_order(text, found) is not None:
        assert apply_edits(text, found) == _apply_in_order(text, found)


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)).map(
    lambda pair: (pair[0], pair[0] + pair[1])), max_size=8)


@SETTINGS
@given(spans, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)), max_size=20))
def test_overlapping_finds_what_overlaps_finds(guarded, queries):
    """``SpanSet.overlapping`` (array-wise) picks the queries ``overlaps`` says yes to."""
    span_set = SpanSet(guarded)
    starts = [start for start, _ in queries]
    ends = [start + width for start, width in queries]
    assert span_set.overlapping(starts, ends) == [
        i for i, (start, end) in enumerate(zip(starts, ends, strict=True))
        if span_set.overlaps(start, end)]


def reference_admissible(found, guarded, hard, current):
    """``_admissible`` as a loop asking ``overlaps`` edit by edit (what it was before)."""
    edits, absorbing = [], set()
    for e in found:
        if e.flag or e.after is None or not guarded.overlaps(e.start, e.end):
            edits.append(e)
        elif e.after != "" or guarded.straddles(e.start, e.end) or hard.overlaps(e.start, e.end):
            continue
        elif not guarded.covers_range(e.start, e.end):
            cuts = [e.start, *guarded.points_inside(e.start, e.end), e.end]
            edits.extend(Edit(a, b, "", e.rule, e.note, e.score)
                         for a, b in itertools.pairwise(cuts) if b > a)
        elif current[e.start:e.end].strip():
            edits.append(e)
            absorbing.add(id(e))
    return edits, absorbing


@SETTINGS
@given(edits, spans, spans, st.text(alphabet="ab ", min_size=40, max_size=40))
def test_admissible_equals_edit_by_edit(found, guarded, hard, current):
    hard_set = SpanSet(hard)
    guard_set = SpanSet(guarded + hard, untouchable=hard_set)
    got, absorbing = _admissible(found, guard_set, hard_set, current)
    expected, expected_absorbing = reference_admissible(found, guard_set, hard_set, current)
    assert got == expected  # (equal edits; the cut deletions are new objects)
    assert [id(e) for e in got if e in found] == [id(e) for e in expected if e in found]
    assert absorbing == expected_absorbing


@SETTINGS
@given(st.text(alphabet="a\n", max_size=60), st.lists(st.integers(0, 70), min_size=1,
                                                      max_size=200),
       st.integers(1, 5), st.integers(0, 30))
def test_lines_looked_up_array_wise_equal_the_count(text, offsets, first, shift):
    """``LineIndex.lines_of`` (array-wise from 64 offsets, one per 64 characters) and
    ``ShiftedLines`` give what counting the line breaks one offset at a time gives, in any
    order; later single lookups go on from where it stopped."""
    def counted(offset: int) -> int:
        return first + text.count("\n", 0, offset)

    index = LineIndex(text, first)
    assert index.lines_of(offsets) == [counted(o) for o in offsets]
    assert index.line_of(offsets[-1] // 2) == counted(offsets[-1] // 2)
    shifted = ShiftedLines(LineIndex(text, first), shift, 10)
    assert shifted.lines_of([o + shift for o in offsets]) == [counted(o) + 9 for o in offsets]


@SETTINGS
@given(edits)
def test_two_int_sorts_give_the_text_order(found):
    """``sort_in_text_order`` orders as ``sort(key=START_END)``, ties as they came."""
    ours = list(found)
    sort_in_text_order(ours)
    assert [id(e) for e in ours] == [id(e) for e in sorted(found, key=START_END)]


@SETTINGS
@given(edits, edits)
def test_two_selections_merged_in_order_select_as_concatenated(first, second):
    """The rules pass merges its in-line and whole-line edits (each in text order) by one
    sort before the overlap policy: the same edits, the same objects, as the policy over the
    two lists one after the other."""
    order = {"a": 0, "b": 1}
    first, second = select_non_overlapping(first, order), select_non_overlapping(second, order)
    merged = first + second
    sort_in_text_order(merged)
    assert [id(e) for e in select_non_overlapping(merged, order)] == \
        [id(e) for e in select_non_overlapping(first + second, order)]


@SETTINGS
@given(edits, spans)
def test_absorbed_in_line_edits_are_those_a_line_deletion_holds(found, deleted):
    """``_without_absorbed`` (array-wise) drops what asking each edit against its nearest
    deletions dropped."""
    inline = select_non_overlapping(found)
    deletions = [(e.start, e.end) for e in select_non_overlapping(
        [Edit(s, t, "", "line") for s, t in deleted if t > s])]
    expected = [e for e in inline if not any(
        within(e.start, e.end, s, t) or overlap(e.start, e.end, s, t)
        for s, t in _near(deletions, e))]
    assert [id(e) for e in _without_absorbed(inline, deletions)] == [id(e) for e in expected]
