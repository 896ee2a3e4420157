"""Guards against a dropped list item, a dropped near-negator and a dropped number word
(benchmarks/guards.py: the "list-item" harm), each with the good edits it must let through;
and a preposition opening a rewrite, which is no new name."""

from __future__ import annotations

import pytest

from mtfix.rewrite.guards import (
    check_list_items,
    check_near_negation,
    check_number_words,
    check_rewrite,
    list_items,
)
from mtfix.worddiff import word_edits


def items_guard(before: str, after: str):
    return check_list_items(before, after, word_edits(before, after))


# --- the first item of a list of single words -------------------------------------------------

def test_the_first_item_of_three_single_words_is_an_item() -> None:
    text = "The people were conquered, killed, imprisoned and kidnapped."
    assert list_items(text) == ["conquered", "killed", "imprisoned"]
    assert items_guard(text, "The people were killed, imprisoned and kidnapped.").guard == "list"


@pytest.mark.parametrize("text", [
    "In Light, good and evil are equal.",          # two items: "Light" opens no list
    "He came home, tired and hungry.",
])
def test_two_items_have_no_first_item(text: str) -> None:
    assert "Light" not in list_items(text) and "home" not in list_items(text)


# --- an item's word accounted for by another word of the sentence ----------------------------

def test_a_word_said_elsewhere_in_the_sentence_does_not_keep_the_item() -> None:
    before = "I remember the astonished look of the operative, who, looking at the girl, asked:"
    after = "I remember the astonished look of the police investigator and asked:"
    assert items_guard(before, after).guard == "list"
    kept = "I remember the astonished look of the police investigator, who looked at the girl, asked:"
    assert items_guard(before, kept) is None


def test_an_item_the_mt_says_twice_may_go_once() -> None:
    before = "Putin is called 'Vova', a plague or plague for Russia."
    assert items_guard(before, "Putin is called 'Vova', a plague or pandemic for Russia.") is None


# --- a word of a two-word item deleted outright ------------------------------------------------

def test_a_word_of_a_two_word_item_deleted_outright_is_refused() -> None:
    before = "Compared to the classic style, folkloric traditions, popular, have a vocal part."
    after = "Compared to the classic style, popular traditions have a vocal part."
    assert items_guard(before, after).guard == "list"
    kept = "Compared to the classic style, folkloric, popular traditions have a vocal part."
    assert items_guard(before, kept) is None


def test_a_clause_between_commas_may_lose_a_word() -> None:
    before = "The attacks went on, but everyone failed, and the war ended."
    assert items_guard(before, "The attacks went on, but they all failed, and the war ended.") is None


# --- an item reworded in its place --------------------------------------------------------------

@pytest.mark.parametrize(("before", "after"), [
    ("There is a dowry of soil, animals, money or building materials.",
     "There is a dowry of land, animals, money or building materials."),
    ("They valued light and shelter, job, family and kinship.",
     "They valued light and shelter, occupation, family and kinship."),
])
def test_an_item_reworded_in_its_place_passes(before: str, after: str) -> None:
    assert items_guard(before, after) is None


def test_an_item_dropped_with_its_comma_is_refused_even_if_another_is_reworded() -> None:
    before = "There is a dowry of soil, animals, money or building materials."
    after = "There is a dowry of land, money or building materials."
    assert items_guard(before, after).guard == "list"


# --- near-negators ------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after"), [
    ("Blue skin is caused by alkaptonuria and rarely by Parkinson's disease.",
     "Blue skin is caused by alkaptonuria and by Parkinson's disease."),
    ("He hardly knew her at the time of the war.", "He knew her well at the time of the war."),
    ("He knew her at the time of the war.", "He barely knew her at the time of the war."),
    ("He hardly worked at the time of the war.", "He worked hard at the time of the war."),
])
def test_a_near_negator_dropped_or_added_is_refused(before: str, after: str) -> None:
    assert check_near_negation(before, after).guard == "negation"
    assert check_rewrite(before, after)[1].guard == "negation"


@pytest.mark.parametrize(("before", "after"), [
    ("The name is met rarely in Portugal.", "The name is relatively rare in Portugal."),
    ("He barely slept.", "He scarcely slept."),
])
def test_a_near_negator_said_otherwise_passes(before: str, after: str) -> None:
    assert check_near_negation(before, after) is None


# --- number words -------------------------------------------------------------------------------

def test_a_number_word_dropped_is_refused() -> None:
    before = "Around six families took part, so the event was small."
    rejection = check_number_words(before, "Around the families took part, so the event was small.")
    assert rejection.guard == "numbers" and "six" in rejection.reason
    assert check_rewrite(before, "Families took part, so the event was small.")[1].guard in (
        "numbers", "length")


@pytest.mark.parametrize(("before", "after"), [
    ("He decreased it more than twice.", "He decreased it more than two times."),  # added
    ("One of them came with hundreds of friends.", "A man came with his friends."),  # loose
    ("Six people came.", "Six persons came."),
])
def test_number_words_added_kept_or_loose_pass(before: str, after: str) -> None:
    assert check_number_words(before, after) is None


# --- a preposition opening the rewrite is no name ------------------------------------------------

@pytest.mark.parametrize(("before", "after"), [
    ("Some twelve feature films are made annually.", "Around twelve feature films are made annually."),
    ("The growth of the economy raised the rates.", "Due to the growth of the economy, the rates rose."),
])
def test_a_preposition_opening_the_rewrite_is_no_new_name(before: str, after: str) -> None:
    assert check_rewrite(before, after)[1] is None


def test_a_name_in_place_of_a_pronoun_opening_the_sentence_is_still_refused() -> None:
    before = "Around noon he went home. He said nothing."
    assert check_rewrite(before, "Around noon he went home. Putin said nothing.")[1].guard == "names"
