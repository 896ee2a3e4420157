"""``list``: an enumeration item of up to six words is guarded (a dropped "the new northern
railway line" loses a fact as "rye" does); longer runs are clauses, left to ``drops``."""

from __future__ import annotations

from mtfix.rewrite.guards import check_list_items, list_items
from mtfix.worddiff import word_edits

BEFORE = "The plan covers roads, the new northern railway line, schools and hospitals."


def test_an_item_of_five_words_is_an_item() -> None:
    assert "the new northern railway line" in list_items(BEFORE)


def test_an_item_of_five_words_dropped_is_refused() -> None:
    after = "The plan covers roads, schools and hospitals."
    rejection = check_list_items(BEFORE, after, word_edits(BEFORE, after))
    assert rejection is not None and rejection.guard == "list"


def test_an_item_of_five_words_reworded_passes() -> None:
    after = "The plan covers roads, the new northern rail line, schools and hospitals."
    assert check_list_items(BEFORE, after, word_edits(BEFORE, after)) is None


def test_a_clause_of_seven_words_is_no_item() -> None:
    text = "It rained, the old bridge over the river fell down, and we left."
    assert all(len(item.split()) <= 6 for item in list_items(text))
