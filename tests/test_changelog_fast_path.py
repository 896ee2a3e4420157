"""The change log's hand-written JSON (``change_line``, ``write_change_log``) is byte for byte
``json.dumps(record, ensure_ascii=False)``, with ASCII escapes when a surrogate is in (see
``_json_line``); ``Change.to_json`` reads the fields directly and gives what
``dataclasses.asdict`` gave. A change-heavy file makes a record per ~50 bytes.
"""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import asdict

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mtfix.changelog as changelog
from mtfix.change import CHANGE_LOG_VERSION, Change, change_id
from mtfix.changelog import change_line, read_change_log, write_change_log

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(SETTINGS, max_examples=50)
_SURROGATE = re.compile("[\ud800-\udfff]")


def reference_json(change: Change) -> dict:
    """The record as ``to_json`` built it with ``dataclasses.asdict``."""
    data = asdict(change)
    data["pass"] = data.pop("pass_")
    data["version"] = CHANGE_LOG_VERSION
    order = ("version", "id", "doc", "format", "segment", "start", "end", "line", "before",
             "after", "pass", "rule", "note", "score", "proposal", "base")
    return {key: data[key] for key in order}


def reference_line(change: Change) -> str:
    """The change-log line as ``json.dumps`` writes it (ASCII escapes when a surrogate is in)."""
    record = reference_json(change)
    line = json.dumps(record, ensure_ascii=False)
    return json.dumps(record) if _SURROGATE.search(line) else line


# Text with what JSON must escape: quotes, backslashes, control characters (and DEL, which it
# must not), line separators, non-BMP characters, lone surrogates (non-UTF-8 file names).
_SPECIAL = st.sampled_from(['"', "\\", "\n", "\r", "\t", "\x00", "\x08", "\x0c", "\x1f", "\x7f",
                            "\u2028", "\u2029", "\ufeff", "é", "中", "😀", "\U0010ffff",
                            "\udce9", "\ud800", "\udfff", "\ud83d\ude00", "/", "<", "&"])
text_values = st.lists(st.one_of(_SPECIAL, st.text(max_size=4),
                                 st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                               exclude_categories=())),
                       max_size=6).map("".join)
optional_text = st.one_of(st.none(), text_values)
scores = st.one_of(st.none(), st.floats(), st.integers(-10**20, 10**20),
                   st.sampled_from([0.0, -0.0, 1e-310, 1.5e300, math.inf, -math.inf, math.nan,
                                    0.1, 1 / 3, True, False]))
offsets = st.integers(0, 10**12)

changes = st.builds(
    Change, doc=text_values, start=offsets, end=offsets, line=offsets, before=text_values,
    after=text_values, pass_=st.sampled_from(["glossary", "rules", "model"]) | text_values,
    rule=text_values, note=text_values, segment=optional_text, score=scores,
    base=st.sampled_from(["", "0123456789abcdef"]) | text_values, proposal=optional_text,
    format=st.one_of(st.none(), st.sampled_from(["text", "po"]), text_values),
    id=st.sampled_from(["", "0123456789ab"]) | text_values)


@SETTINGS
@given(changes)
@example(Change(doc="caf\udce9.txt", start=0, end=1, line=1, before=" ", after="",
                pass_="rules", rule="spacing", format="text"))
@example(Change(doc="d", start=0, end=0, line=1, before="", after="x", pass_="p", rule="r",
                score=math.nan))
def test_change_line_is_json_dumps(change):
    assert change_line(change) == reference_line(change)
    assert change.to_json() == reference_json(change) or _has_nan(change)


def _has_nan(change: Change) -> bool:  # (nan != nan: the dicts hold the same object)
    return isinstance(change.score, float) and math.isnan(change.score)


def test_records_of_other_types_go_through_the_general_encoder():
    """A field of a type the hand-written JSON does not know: what json.dumps gives (a
    ``null`` note, a ``true`` offset), or its error."""
    odd = [Change(doc="d", start=True, end=1, line=1, before="a", after="b", pass_="p",
                  rule="r"),
           Change(doc="d", start=0, end=1, line=1, before="a", after="b", pass_="p", rule="r",
                  note=None),  # type: ignore[arg-type]
           Change(doc="d", start=0, end=1, line=1, before="a", after="b", pass_="p", rule="r",
                  score=[1.0])]  # type: ignore[arg-type]
    for change in odd:
        assert change_line(change) == reference_line(change)
    with pytest.raises(TypeError):
        change_line(Change(doc=object(), start=0, end=1, line=1, before="a", after="b",  # type: ignore[arg-type]
                           pass_="p", rule="r"))


@FEWER
@given(st.lists(changes, max_size=8), st.integers(1, 5))
def test_change_log_is_one_json_dumps_line_per_record(records, batch):
    stream = io.StringIO()
    saved = changelog._WRITE_BATCH
    changelog._WRITE_BATCH = batch  # several batches, some with a surrogate, some without
    try:
        assert write_change_log(records, stream) == len(records)
    finally:
        changelog._WRITE_BATCH = saved
    assert stream.getvalue() == "".join(reference_line(c) + "\n" for c in records)


def test_a_change_log_reads_back():
    records = [Change(doc=f"caf\udce9{i}.txt", start=i, end=i + 1, line=1, before='"\\',
                      after="\x00é😀", pass_="rules", rule="r", score=0.25, format="text")
               for i in range(3)]
    stream = io.StringIO()
    write_change_log(records, stream)
    assert list(read_change_log(io.StringIO(stream.getvalue()))) == records


@SETTINGS
@given(text_values)
def test_surrogate_check_equals_the_search(text):
    assert changelog._has_surrogates(text) == bool(_SURROGATE.search(text))


# Records as a run makes them: no id yet (computed while the log is written), a few pass, rule
# and note values shared by many records, plain offsets; some fields of every odd kind above.
fresh_changes = st.builds(
    Change, doc=st.sampled_from(["BIG.txt", "d\"oc"]) | text_values,
    start=offsets, end=offsets, line=offsets,
    before=st.sampled_from([" ", " ,", "a  b"]) | text_values,
    after=st.sampled_from(["", ",", "a b"]) | text_values,
    pass_=st.sampled_from(["glossary", "rules"]) | text_values,
    rule=st.sampled_from(["spacing", "tokenized"]) | text_values,
    note=st.sampled_from(["", "space before punctuation"]) | text_values,
    segment=st.one_of(st.none(), st.just("s1"), text_values), score=scores,
    base=st.sampled_from(["0123456789abcdef"]) | text_values,
    proposal=st.one_of(st.none(), st.just("x"), text_values),
    format=st.one_of(st.none(), st.just("text"), text_values))


@SETTINGS
@given(st.lists(fresh_changes, min_size=1, max_size=12))
def test_a_batch_of_fresh_records_is_one_json_dumps_line_each(records):
    """Records as a run makes them (no id yet): each line is what ``json.dumps`` writes,
    and each record keeps the id ``change_id`` gives."""
    expected_ids = [change_id(c) for c in records]  # (computed apart: the slots stay empty)
    assert changelog._lines(records) == "".join(reference_line(c) + "\n" for c in records)
    assert [changelog._stored_id(c) for c in records] == expected_ids


def test_scores_equal_as_numbers_are_written_each_as_itself():
    """1, 1.0 and True (or 0.0 and -0.0) are equal keys, but json.dumps writes each its own
    way: a batch holding several wrote them all as the first (the fields written once per
    batch are now keyed by the score's JSON)."""
    def record(score: object, id: str = "") -> Change:
        return Change(doc="d", start=0, end=1, line=1, before="a", after="b", pass_="p",
                      rule="r", score=score, id=id)  # type: ignore[arg-type]

    scores = [1, True, 1.0, 0.0, -0.0, None, False, 0]
    for given_id in ("", "0123456789ab"):  # (an id to compute, or given)
        batch = [record(score, given_id) for score in scores]
        assert changelog._lines(batch) == "".join(reference_line(c) + "\n" for c in batch)
