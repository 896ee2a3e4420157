"""The harms of ``benchmarks/guards.py`` are harms against the MT (the guards' input): each
kind is applied only where it changes or drops something the MT says. A corruption that puts
back what the MT says (two words the post-editor turned round, turned back; a negation or a
list item the post-editor added, dropped again) is no harm a guard can or should see."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "guards.py"
_SPEC = importlib.util.spec_from_file_location("guards_benchmark", _PATH)
assert _SPEC and _SPEC.loader
bench = sys.modules.setdefault("guards_benchmark", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(bench)


def _all(harm, text: str, mt: str, others: tuple[str, ...] = ("Then Putin came.",)) -> set[str]:
    """Every corruption ``harm`` makes of ``text`` over many seeds (None dropped)."""
    found = {harm(text, mt, random.Random(seed), list(others)) for seed in range(60)}
    return found - {None}


def test_a_swap_in_the_mts_order_is_offered() -> None:
    mt = "In the final, Ankara beat Athens."
    assert _all(bench.HARMS["swap"], "In the final, Ankara defeated Athens.", mt) == {
        "In the final, Athens defeated Ankara."}


def test_a_swap_that_restores_the_mts_order_is_not_offered() -> None:
    # the post-editor turned the two round; swapping them back gives the MT's order
    mt = "In the final, Ankara beat Athens."
    pe = "In the final, Athens lost to Ankara."
    assert _all(bench.HARMS["swap"], pe, mt) == set()
    # the blind-spot variant, which ignores the MT, still swaps them
    assert _all(bench.BLIND_SPOTS["swap, any words"], pe, mt)


def test_in_mt_order_wants_every_first_before_every_second() -> None:
    assert bench.in_mt_order("rye", "oats", "rye and then oats")
    assert not bench.in_mt_order("oats", "rye", "rye and then oats")
    assert not bench.in_mt_order("rye", "oats", "rye, oats and rye again")
    assert not bench.in_mt_order("rye", "flax", "rye and oats")


def test_a_list_item_the_mt_has_is_dropped() -> None:
    mt = "They grow rye, barley, oats and flax."
    assert _all(bench.HARMS["list-item"], "They grow rye, barley, oats and flax.", mt) == {
        "They grow rye, oats and flax.", "They grow rye, barley and flax."}


def test_a_list_item_only_the_post_editor_wrote_is_not_dropped() -> None:
    mt = "They grow rye, oats and flax."
    after = _all(bench.HARMS["list-item"], "They grow rye, barley, oats and flax.", mt)
    assert after == {"They grow rye, barley and flax."}  # "barley" is the post-editor's


def test_a_list_item_said_again_as_often_as_the_mt_says_it_is_not_dropped() -> None:
    mt = "Oats matter: they grow rye and oats."
    pe = "Oats matter: they grow rye, oats, and flax, oats again."
    assert _all(bench.HARMS["list-item"], pe, mt) == set()


def test_a_third_dropped_loses_a_word_of_the_mt() -> None:
    mt = "The minister opened the bridge."
    pe = "The minister opened the new bridge yesterday."
    for bad in _all(bench.HARMS["third"], pe, mt):
        lost = bench._word_counts(mt) - bench._word_counts(bad)
        assert any(bench._is_content(w) for w in lost), bad


def test_a_third_that_leaves_the_mts_words_as_often_as_the_mt_says_them_is_not_dropped(
        ) -> None:
    # every run of a third (five words) leaves a "rain" and a "fell": the MT says no more
    mt = "Rain fell."
    pe = "Rain fell, rain fell, and the rain fell on the old town all day."
    assert _all(bench.HARMS["third"], pe, mt) == set()


def test_a_negation_the_post_editor_added_is_not_dropped_again() -> None:
    mt = "The bridge is open."
    for bad in _all(bench.HARMS["negation"], "The bridge is not open.", mt):
        assert bench._negator_count(bad) > bench._negator_count(mt)  # only "not" added


def test_a_negation_of_the_mt_dropped_or_one_added() -> None:
    mt = "The bridge is not open."
    found = _all(bench.HARMS["negation"], "The bridge is not open.", mt)
    assert "The bridge is open." in found
    assert "The bridge is not not open." in found


@pytest.mark.parametrize("kind, pe, mt", [
    ("polarity", "Prices rose sharply.", "Prices rose quickly and fell."),
    ("unit", "It is 5 km long, 3 km wide.", "It is 5 km long."),
])
def test_a_word_the_mt_has_no_more_often_than_the_harm_leaves_it_is_not_changed(
        kind: str, pe: str, mt: str) -> None:
    for bad in _all(bench.HARMS[kind], pe, mt):
        lost = bench._word_counts(mt) - bench._word_counts(bad)
        assert lost, bad


def test_a_name_brought_in_is_in_neither_the_post_edit_nor_the_mt() -> None:
    mt = "Putin met Merkel in Berlin."
    found = _all(bench.HARMS["name"], "Putin met Merkel in Berlin.", mt,
                 others=("Then Putin met Macron.",))
    assert found == {"Putin met Macron in Berlin.", "Putin met Merkel in Macron."}


def test_a_capitalised_word_opening_a_sentence_is_no_name() -> None:
    text = "Oh Jesus! Glory! And then Putin came. Thus I'm here with Merkel."
    assert [m.group() for m in bench._names(text)] == ["Jesus", "Putin", "Merkel"]


@pytest.mark.parametrize("pe", [
    "In the final, Ankara and Athens met.",          # a coordination: the same said
    "In the final, Ankara and the Athens team met.",
    "Later Russia's team beat Russia.",              # one name, possessive or not
    "Later Abdel Nasser spoke.",                     # one name of two words
])
def test_names_that_trade_places_saying_the_same_are_not_swapped(pe: str) -> None:
    names = bench._names(pe)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
             if bench._stem(a.group()) != bench._stem(b.group())
             and bench._apart(pe[a.end():b.start()])]
    assert pairs == []
