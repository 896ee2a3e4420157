"""``traded``: two words that trade places and the words next to them, where the post-edit
rewrote the words between them (benchmarks/guards.py: the swaps ``order`` and ``exchange``
let through). One of the two taking a content word that stood next to the other, or both
its neighbours, is enough; "the" on one side is no context."""

from __future__ import annotations

import pytest

from mtfix.rewrite.guards import check_rewrite, check_traded_places


@pytest.mark.parametrize("before, after", [
    ("The three armies were supposed to invade Serbia and Montenegro and learn the Serbian "
     "army on the flanks.",
     "The three armies were supposed to invade Serbia and Serbian and encircle the Montenegro "
     "army on the flanks."),
    ("It has, as it turns out, had a difficult and hard winter.",
     "He has, as it turns out, had a winter and complicated difficult."),
    ("The nuclear generation of polar bears has shown different patterns in brown bears.",
     "The nuclear genome of polar bears shows different brown compared to patterns bears."),
])
def test_two_words_that_take_each_others_neighbours_are_refused(before: str, after: str) -> None:
    rejection = check_traded_places(before, after)
    assert rejection is not None and rejection.guard == "traded"


@pytest.mark.parametrize("before, after", [
    ("India and Pakistan signed the treaty in Delhi.",
     "Pakistan and India signed the treaty in Delhi."),               # two things joined
    ("The problems of Hungary were discussed at length.",
     "Hungary's problems were discussed at length."),                   # a noun phrase turned round
    ("In 1990 the company moved its offices to Tallinn.",
     "The company moved its offices to Tallinn in 1990."),              # a phrase moved
    ("The minister said the reform was necessary.",
     "The reform was necessary, the minister said."),                   # a clause moved
    ("Use private browsers to keep your data secure online.",
     "Use private browsers to keep your online data secure."),         # only "your" taken
])
def test_reorderings_that_say_the_same_pass(before: str, after: str) -> None:
    assert check_traded_places(before, after) is None


def test_check_rewrite_runs_it() -> None:
    # "order" and "exchange" see no swap here: no word kept between the two, and a word of
    # the rewrite between them ("founded") that the MT does not have
    before = "In 1849, the freed prisoners Freetown were set up."
    after = "In 1849, the freed Freetown founded prisoners."
    assert check_rewrite(before, after)[1].guard == "traded"
