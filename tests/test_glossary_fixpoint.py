"""The glossary runs to its fixpoint (mtfix/glossary/fixpoint.py): a change that makes
another entry match, or an overlap that leaves a match for later, is finished in the same run,
so a second run changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invariants import check

from mtfix.glossary import Glossary
from mtfix.glossary.fixpoint import trim_to_words
from mtfix.glossary.model import GlossaryFile, RawEntry
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline


def _pipeline(*entries: RawEntry) -> Pipeline:
    glossary = Glossary([GlossaryFile("chain.toml", list(entries))], run_examples=False)
    return Pipeline([GlossaryPass(glossary)])


def _changes(result) -> list[tuple[str, str, str]]:
    return [(c.rule, c.before, c.after) for c in result.applied]


# Real chains in WMT22 zh-en MT (Online-A, Online-Y), each with the shipped entries' words.
SPELLING = RawEntry(id="spelling", find=("Omiljung",), replace="Omicron")
VARIANT = RawEntry(id="variant", find=("Omicron mutant strain",), replace="Omicron variant")
DEPARTMENT = RawEntry(id="dept", find=("Propaganda Department of the",),
                      replace="Publicity Department of the")
COMMITTEE = RawEntry(id="committee", find=("of the Provincial Committee",),
                     replace="of the provincial Party committee")


def test_a_change_that_makes_another_entry_match_is_finished_in_the_same_run():
    pipeline = _pipeline(SPELLING, VARIANT)
    first = pipeline.fix_text("The Omiljung mutant strain spread.")
    assert first.text == "The Omicron variant spread."
    # each entry's change on its own, trimmed to the words it alters
    assert _changes(first) == [("spelling", "Omiljung", "Omicron"),
                               ("variant", "mutant strain", "variant")]
    assert pipeline.fix_text(first.text).applied == ()


def test_a_match_the_overlap_policy_left_is_finished_in_the_same_run():
    pipeline = _pipeline(DEPARTMENT, COMMITTEE)
    text = "head of the Propaganda Department of the Provincial Committee in Malanshan"
    first = pipeline.fix_text(text)
    assert first.text == ("head of the Publicity Department of the provincial Party committee "
                          "in Malanshan")
    assert _changes(first) == [
        ("dept", "Propaganda Department of the", "Publicity Department of the"),
        ("committee", "Provincial Committee", "provincial Party committee")]
    assert pipeline.fix_text(first.text).applied == ()


def test_a_later_change_that_rewrites_an_earlier_one_becomes_one_change_of_the_later_entry():
    lineage = RawEntry(id="variant", find=("Omicron mutant strain",),
                       replace="B.1.1.529 variant")
    pipeline = _pipeline(SPELLING, lineage)
    first = pipeline.fix_text("The Omiljung mutant strain spread.")
    assert first.text == "The B.1.1.529 variant spread."
    [change] = first.applied
    assert (change.rule, change.before, change.after) == (
        "variant", "Omiljung mutant strain", "B.1.1.529 variant")
    assert "after spelling" in change.note
    assert pipeline.fix_text(first.text).applied == ()


def test_plain_phrase_entries_finish_a_chain_also_beside_other_letters():
    """Plain phrase entries (only a change's surroundings are looked at, not whole lines),
    in text that is ASCII and text that is not."""
    pipeline = _pipeline(SPELLING, VARIANT)
    for text in ("So the Omiljung mutant strain spread.",
                 "À Zürich, l'Omiljung mutant strain — “Omiljung mutant strain”."):
        first = pipeline.fix_text(text)
        assert "Omicron variant" in first.text and "mutant" not in first.text
        assert pipeline.fix_text(first.text).applied == ()


def test_an_entrys_own_key_inside_its_change_is_no_chain():
    """Upper-casing entries whose keys overlap ("of the war", "the war", "war and peace"):
    the change's own key and the keys inside it would write what is there."""
    pipeline = _pipeline(RawEntry(id="war", find=("of the war",), replace="OF THE WAR"),
                         RawEntry(id="the", find=("the war",), replace="THE WAR"),
                         RawEntry(id="peace", find=("war and peace",), replace="WAR AND PEACE"))
    compiled = pipeline.passes[0].glossary.compiled
    fixed = "read OF THE WAR today"
    assert compiled.may_chain(fixed, [(5, 15)]) == []
    assert compiled.may_chain("read OF THE WAR and peace", [(5, 15)]) == [(5, 15)]
    first = pipeline.fix_text("read of the war and peace today")
    assert pipeline.fix_text(first.text).applied == ()


def test_what_never_settles_keeps_the_first_rounds_changes():
    """Replacements that rewrite each other, or one that holds its own key and would grow on
    every round (the loader warns of both): the changes of the first round stand."""
    pipeline = _pipeline(RawEntry(id="a", find=("cat",), replace="dog"),
                         RawEntry(id="b", find=("dog",), replace="cat"))
    assert pipeline.fix_text("a cat here").text == "a dog here"
    grows = _pipeline(RawEntry(id="who", find=("WHO",), replace="World Health Organization (WHO)",
                               case="sensitive"))
    assert grows.fix_text("The WHO said so.").text == \
        "The World Health Organization (WHO) said so."


def test_words_left_as_they_are_are_trimmed_from_both_ends():
    assert trim_to_words("of the Provincial Committee", "of the provincial Party committee") \
        == (7, 0)
    assert trim_to_words("Omicron mutant strain", "Omicron variant") == (8, 0)
    assert trim_to_words("the red cat sat", "the big cat sat") == (4, 8)
    assert trim_to_words("abc", "abd") == (0, 0)
    assert trim_to_words("X", "X Y") == (0, 0)


# -- the invariant, with replacements that complete other keys --------------------------------

# Words by level: an entry finds words of levels up to L and writes words of level L + 1, so
# replacements chain into other keys (level-1 words in a key) but never in a cycle.
LEVELS = [["cat", "tail", "the", "red", "café"], ["dog", "Dog's", "Zürich"], ["wolf", "pack"],
          ["fox"]]
ALL_WORDS = [w for level in LEVELS for w in level]


@st.composite
def chaining_glossaries(draw):
    entries = []
    for i in range(draw(st.integers(1, 6))):
        level = draw(st.integers(0, len(LEVELS) - 2))
        lower = [w for lv in LEVELS[:level + 1] for w in lv]
        find = " ".join(draw(st.lists(st.sampled_from(lower), min_size=1, max_size=3)))
        replace = " ".join(draw(st.lists(st.sampled_from(LEVELS[level + 1]), min_size=1,
                                         max_size=2)))
        extra = {}
        if draw(st.integers(0, 3)) == 0:  # a neighbour condition: whole lines searched again
            extra["after"] = (draw(st.sampled_from(ALL_WORDS)),)
        entries.append(RawEntry(id=f"e{i}", find=(find,), replace=replace, **extra))
    return _pipeline(*entries)


chain_texts = st.lists(st.tuples(st.sampled_from([*ALL_WORDS, ".", ",", "\u201c", "\u201d"]),
                                 st.sampled_from([" ", " ", "\n", "  ", ""])),
                       max_size=30).map(lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain_texts, chaining_glossaries())
def test_chaining_glossaries_keep_the_invariants_and_a_second_run_changes_nothing(text,
                                                                                 pipeline):
    check(text, pipeline)


def test_a_glossary_that_ran_its_fixpoint_still_caches_and_pickles():
    """The overlapping automaton the fixpoint builds on first use is not part of the
    compiled-glossary cache (rebuilt where needed), and the glossary still pickles."""
    import pickle

    pipeline = _pipeline(SPELLING, VARIANT)
    pipeline.fix_text("The Omiljung mutant strain spread.")
    compiled = pipeline.passes[0].glossary.compiled
    assert "_overlapping" in compiled.__dict__
    state = compiled.cache_state()
    assert "_overlapping" not in state
    pickle.loads(pickle.dumps(state))
    again = pickle.loads(pickle.dumps(compiled))
    assert again.find_edits("the Omiljung mutant strain")[1].after == "variant"
