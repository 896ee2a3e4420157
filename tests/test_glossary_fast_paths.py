"""The speed shortcuts of the glossary pass give exactly what the general code gives.

* ``MatchView`` does its bookkeeping with numpy from a size on (``NUMPY_MIN_BYTES``/
  ``NUMPY_MIN_OFFSETS``): both ways must build the same view and map offsets alike.
* ``CompiledGlossary.find_edits`` keeps clean automaton matches without the selection step;
  forcing every match through the selection must not change the edits.
* ``select_non_overlapping`` returns edits already disjoint and in order as they are.
* ``Change.id`` is computed on first read, and behaves as if computed at construction.
"""

from __future__ import annotations

import pickle
from contextlib import contextmanager
from dataclasses import asdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import glossaries, texts, valid_occurrences

import mtfix.change as change_module
import mtfix.glossary.compile as compile_module
import mtfix.glossary.matchview as matchview
from mtfix.change import Change, Edit, change_id, select_non_overlapping
from mtfix.glossary.matchview import MatchView
from mtfix.spans import LineIndex

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def numpy_everywhere():
    saved = matchview.NUMPY_MIN_BYTES, matchview.NUMPY_MIN_OFFSETS
    matchview.NUMPY_MIN_BYTES = matchview.NUMPY_MIN_OFFSETS = 0
    try:
        yield
    finally:
        matchview.NUMPY_MIN_BYTES, matchview.NUMPY_MIN_OFFSETS = saved


@contextmanager
def patched(module, name, value):
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def _char_boundary_offsets(view: MatchView) -> list[int]:
    """View offsets that map to a character boundary of the text (where matches start/end)."""
    raw = view._raw
    out = []
    for v in range(len(view.data) + 1):
        pre = view._to_pre(v)
        if pre == len(raw) or not 0x80 <= raw[pre] < 0xC0:
            out.append(v)
    return out


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=30).map("\n\n".join))
def test_numpy_view_equals_python_view(text):
    python = MatchView(text)
    with numpy_everywhere():
        vectorised = MatchView(text)
    assert vectorised.data == python.data
    assert (vectorised._bp_view, vectorised._bp_orig) == (python._bp_view, python._bp_orig)
    offsets = _char_boundary_offsets(python)
    expected = python.to_text_offsets(offsets)
    with numpy_everywhere():
        assert vectorised.to_text_offsets(offsets) == expected
        assert vectorised.to_text_offsets(offsets[::-1]) == expected[::-1]


def test_numpy_view_on_a_long_crlf_text_with_double_spaces():
    text = ("One  two.\r\nThree\t four\xa0 five.\r\n\r\nSix  İstanbul café  e\u0301t\u00e9.\n\n" * 400)
    assert len(text.encode()) > matchview.NUMPY_MIN_BYTES
    python_view = None
    with patched(matchview, "NUMPY_MIN_BYTES", 10**9), patched(matchview, "NUMPY_MIN_OFFSETS", 10**9):
        python_view = MatchView(text)
        offsets = _char_boundary_offsets(python_view)
        expected = python_view.to_text_offsets(offsets)
    view = MatchView(text)
    assert view.data == python_view.data
    assert view.to_text_offsets(offsets) == expected


spans = st.lists(st.tuples(st.integers(0, 80), st.integers(0, 6)), max_size=4).map(
    lambda pairs: [(s, s + n) for s, n in pairs])


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=4).map("\n\n".join), glossaries(), spans)
def test_fast_path_edits_equal_the_general_selection(text, glossary, protected):
    compiled = glossary.compiled
    with patched(compile_module, "_in_order", lambda found: False):  # everything selected
        expected = compiled.find_edits(text, protected)
    assert compiled.find_edits(text, protected) == expected
    with numpy_everywhere():
        assert compiled.find_edits(text, protected) == expected


edits_strategy = st.lists(
    st.builds(Edit, start=st.integers(0, 30), end=st.integers(0, 30),
              after=st.sampled_from(["", "x", None]), rule=st.sampled_from(["a", "b", "c"]),
              flag=st.booleans()),
    max_size=8)


@SETTINGS
@given(edits_strategy, st.booleans())
def test_selection_shortcut_keeps_the_policy(edits, in_order):
    edits = [e for e in edits if e.end >= e.start]
    if in_order:  # make them disjoint and ordered, the case the shortcut takes
        edits = sorted(edits, key=lambda e: e.start)
        kept, last_end = [], 0
        for e in edits:
            if e.start >= last_end and e.end > e.start:
                kept.append(e)
                last_end = e.end
        edits = kept
    order = {"a": 0, "b": 1}
    with patched(change_module, "_disjoint_in_order", lambda edits: False):
        expected = select_non_overlapping(edits, order)
    assert select_non_overlapping(edits, order) == expected


def test_change_id_is_computed_on_first_read_and_behaves_as_eager():
    fields = dict(doc="d.txt", start=3, end=7, line=1, before="name", after="title",
                  pass_="glossary", rule="t.name", base="abc")
    change = Change(**fields)
    assert change.id == change_id(change)
    assert Change(**fields) == change and hash(Change(**fields)) == hash(change)
    assert asdict(Change(**fields))["id"] == change.id
    assert Change.from_json(change.to_json()) == change
    assert pickle.loads(pickle.dumps(Change(**fields))).id == change.id
    stored = Change(**fields, id="0123456789ab")  # a change log's id is kept as given
    assert stored.id == "0123456789ab" and stored != change
    assert Change.from_json(stored.to_json()).id == "0123456789ab"


@SETTINGS
@given(st.text(alphabet="ab\n\r", max_size=40), st.lists(st.integers(0, 40), max_size=8),
       st.lists(st.integers(0, 40), max_size=8))
def test_batched_line_numbers_equal_one_by_one(text, first, second):
    index = LineIndex(text, first_line=3)
    for batch in (first, second):  # the second batch starts from the state the first left
        offsets = [min(o, len(text)) for o in batch]
        assert index.lines_of(offsets) == [LineIndex(text, 3).line_of(o) for o in offsets]


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=8).map(" ".join), glossaries())
def test_windowed_rescan_finds_every_valid_occurrence(text, glossary):
    """The rescan's search for the next match in growing windows (here from the smallest
    window) enumerates exactly the valid occurrences an overlapping automaton reports."""
    compiled = glossary.compiled
    if compiled._fast is None:
        return
    view = MatchView(text)
    expected = valid_occurrences(compiled, view)
    for window in (0, 3):
        with patched(compile_module, "RESCAN_WINDOW", window):
            found = compiled._all_occurrences(view, 0, len(view.data))
        assert {(s, e, key.entry.id) for s, e, key in found} == expected


_FOLD_CHARS = st.sampled_from([*"aZ .,\n", "É", "é", "Ä", "Σ", "ς", "\u212a", "İ", "ẞ", "Ω", "中",
                                "ǅ", "Ǆ", "ﬁ", "😀", "ö", "Ö"])


@SETTINGS
@given(st.lists(_FOLD_CHARS, max_size=200).map("".join))
def test_run_wise_fold_equals_replacing_each_character_everywhere(text):
    """The folding of non-ASCII characters inside runs of non-ASCII bytes (long texts) gives
    what replacing each character through the whole text gives (short texts)."""
    expected = matchview._fold(text)
    with numpy_everywhere():
        assert matchview._fold(text) == expected


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=8).map(" ".join), glossaries())
def test_the_dfa_built_after_the_first_bytes_finds_what_the_nfa_found(text, glossary):
    """The automaton starts as an NFA and becomes a DFA once a process has scanned
    ``DFA_AFTER_BYTES`` (here: after the first scan): the edits are the same either way."""
    if glossary.compiled._fast is None:
        return
    before = glossary.compiled.find_edits(text)
    with patched(compile_module, "DFA_AFTER_BYTES", 0):
        fresh = pickle.loads(pickle.dumps(glossary))  # automata built anew, DFA at once
        automaton = fresh.compiled._fast
        assert fresh.compiled.find_edits(text) == before
    assert automaton._dfa is False or not automaton._scanned  # (a DFA, where allowed)


def test_the_automaton_is_built_on_first_use_and_becomes_a_dfa_after_enough_bytes():
    automaton = compile_module._Automaton([b"second class", b"class"], dfa=True)
    assert automaton._built is None  # loading a glossary builds nothing
    with patched(compile_module, "DFA_AFTER_BYTES", 20):
        assert automaton.find_matches_as_indexes(b"second class") == [(0, 0, 12)]
        nfa = automaton._built  # 12 bytes scanned: still the NFA
        assert automaton.find_matches_as_indexes(b"one class, two") == [(1, 4, 9)]
    assert automaton._built is not nfa and automaton._dfa is False  # rebuilt once, as a DFA
    kept = compile_module._Automaton([b"class"], dfa=False)
    with patched(compile_module, "DFA_AFTER_BYTES", 0):
        kept.find_matches_as_indexes(b"class class")
        built = kept._built
        kept.find_matches_as_indexes(b"class")
    assert kept._built is built  # a trie too big for a DFA stays an NFA
