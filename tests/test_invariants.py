"""Invariants of the change record, over random text and random glossaries (hypothesis).

* applying the records to the input gives the output;
* text outside the records is byte-identical (line endings, Unicode, trailing whitespace);
* a second run on the output makes no change.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtfix import apply_changes, fix_text
from mtfix.glossary import Glossary
from mtfix.glossary.model import GlossaryFile, RawEntry
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline

# Keys are built from these words; replacements from disjoint words, so that no replacement
# can complete a key (that would be a glossary chain, which `mtfix glossary lint` reports).
# Replacements are never empty here: a deletion can join its neighbours into a new match
# ("cat cat cat cat" minus "cat cat" twice leaves "cat  cat"), which only a second run sees,
# because a pass never re-scans its own output (see docs/glossary-format.md, "Overlaps").
KEY_WORDS = ["cat", "Cat", "CAT", "the", "approx.", "e.g.", "İstanbul", "café", "naïve", "x-ray"]
REPLACEMENT_WORDS = ["dog", "Dog", "bird", "zebra", "Ω", "über"]
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\xa0", "\n\n", " \n"]
FILLER = st.text(alphabet=string.ascii_letters + "  .,;:!?'\"-()" + "éİıßﬁ\u0301\u3000\U0001f600",
                 max_size=6)

token = st.one_of(st.sampled_from(KEY_WORDS), FILLER)
texts = st.lists(st.tuples(token, st.sampled_from(SPACES)), max_size=40).map(
    lambda parts: "".join(t + s for t, s in parts))


@st.composite
def glossaries(draw):
    count = draw(st.integers(1, 8))
    entries = []
    for i in range(count):
        finds = draw(st.lists(
            st.lists(st.sampled_from(KEY_WORDS), min_size=1, max_size=3).map(" ".join),
            min_size=1, max_size=3))
        replace = " ".join(draw(st.lists(st.sampled_from(REPLACEMENT_WORDS), min_size=1, max_size=3)))
        match = draw(st.sampled_from(["phrase", "phrase", "exact"]))
        entries.append(RawEntry(id=f"e{i}", find=tuple(finds), replace=replace, match=match))
    return Glossary([GlossaryFile("random.toml", entries)], run_examples=False)


def check(text: str, pipeline: Pipeline) -> None:
    result = pipeline.fix_text(text, doc="doc")
    # 1. the records reproduce the output
    assert apply_changes(text, result.changes) == result.text
    # 2. outside the records, the output is the input, byte for byte
    pos = 0
    out_pos = 0
    for change in sorted(result.applied, key=lambda c: c.start):
        gap = text[pos : change.start]
        assert result.text[out_pos : out_pos + len(gap)] == gap
        assert text[change.start : change.end] == change.before
        out_pos += len(gap) + len(change.after)
        pos = change.end
    assert result.text[out_pos:] == text[pos:]
    # 3. idempotent
    again = pipeline.fix_text(result.text, doc="doc")
    assert again.applied == (), [(c.rule, c.before, c.after) for c in again.applied]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, glossaries())
def test_glossary_pass_invariants(text, glossary):
    check(text, Pipeline([GlossaryPass(glossary)]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_default_pipeline_invariants(text):
    from mtfix.api import build_pipeline

    check(text, build_pipeline())


def test_shipped_pipeline_on_the_seed_is_idempotent():
    from pathlib import Path

    seed = (Path(__file__).resolve().parent.parent / "samples" / "anhui-police-meeting-2024.txt"
            ).read_text(encoding="utf-8")
    first = fix_text(seed)
    assert apply_changes(seed, first.changes) == first.text
    assert fix_text(first.text).applied == ()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, glossaries())
def test_paragraph_rescan_finds_every_valid_occurrence(text, glossary):
    """The rescan of a paragraph where a candidate failed its checks enumerates exactly the
    valid occurrences an overlapping automaton reports."""
    from mtfix.glossary.matchview import MatchView

    compiled = glossary.compiled
    if compiled._fast is None:
        return
    view = MatchView(text)
    found = {(s, e, key.entry.id) for s, e, key in compiled._all_occurrences(view, 0, len(view.data))}
    assert found == valid_occurrences(compiled, view)


def valid_occurrences(compiled, view) -> set[tuple[int, int, str]]:
    """The oracle: every key occurrence an overlapping automaton reports that passes the
    boundary checks, as (view start, view end, entry id)."""
    import ahocorasick_rs as ac

    overlapping = ac.BytesAhoCorasick(compiled._patterns)
    return {
        (s, e, key.entry.id)
        for index, s, e in overlapping.find_matches_as_indexes(view.data, overlapping=True)
        for key in compiled._owners[index]
        if compiled._key_ok(view, key, s, e)
    }


def test_a_flag_never_keeps_a_change_out():
    from mtfix.change import Edit, select_non_overlapping

    flag = Edit(0, 20, None, "repetition", flag=True)
    change = Edit(0, 1, "", "spacing")
    inside = Edit(5, 6, None, "capitals", flag=True)
    deletion = Edit(4, 8, "", "chrome")
    assert select_non_overlapping([flag, change, inside, deletion]) == [change, flag, deletion]


def test_default_pipeline_is_idempotent_on_real_tokenized_mt():
    """Real MLQE-PE ne-en MT (tokenized, loops and all; see the .README beside it)."""
    from pathlib import Path

    from mtfix.api import build_pipeline

    path = Path(__file__).parent / "data" / "mlqe-ne-en-tokenized-excerpt.mt"
    text = path.read_text(encoding="utf-8")
    pipeline = build_pipeline()
    first = pipeline.fix_text(text)
    assert apply_changes(text, first.changes) == first.text
    assert len(first.applied) > 50
    second = pipeline.fix_text(first.text)
    assert second.applied == (), [(c.rule, c.before, c.after) for c in second.applied]


# Loops of glossary keys: the rules pass collapses copies the glossary pass has just fixed.
LOOP_WORDS = ["cat", "the", "cat the", "x-ray", "tail", "of the"]


@st.composite
def loopy_texts(draw):
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        phrase = draw(st.sampled_from(LOOP_WORDS + KEY_WORDS))
        sep = draw(st.sampled_from([", ", " ", "; "]))
        parts.append(sep.join([phrase] * draw(st.integers(1, 12))))
        parts.append(draw(st.sampled_from([" and ", ". ", "\n", " tail "])))
    return "".join(parts)


@st.composite
def glossaries_without_repeats(draw):
    """One distinct replacement word per entry. Replacements that repeat a word ("dog dog")
    or that different entries share ("cat" -> "dog", "tail" -> "dog Bird") can create a loop
    the original text did not have, across the glossary's own protected output: only a
    second run sees it whole (the same limit as a deletion that joins its neighbours into a
    new match; docs/glossary-format.md "Overlaps" and docs/guide/rules.md)."""
    words = draw(st.permutations(["dog", "Bird", "zebra", "über", "Ω"]))
    entries = []
    for i in range(draw(st.integers(1, 5))):
        finds = draw(st.lists(st.sampled_from(LOOP_WORDS + KEY_WORDS), min_size=1, max_size=2))
        entries.append(RawEntry(id=f"e{i}", find=tuple(finds), replace=words[i]))
    return Glossary([GlossaryFile("random.toml", entries)], run_examples=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loopy_texts(), glossaries_without_repeats())
def test_glossary_and_rules_invariants_on_loops_of_keys(text, glossary):
    from mtfix.passes.rules import RulesPass

    check(text, Pipeline([GlossaryPass(glossary), RulesPass()]))
