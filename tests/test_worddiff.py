"""Word-level diff: lossless round trip, word boundaries, hunks, and the checked timeout."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.worddiff import DiffTimeout, WordEdit, apply_word_edits, word_edits, word_tokens

WORDS = ["the", "meeting", "Meeting", "discussed", "work", "2024", "in", "Anhui", "police", "a", "é"]
texts = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from([" ", "  ", "\n", ", ", ". ", "\t", "-"]),
                           st.text(max_size=3)), max_size=30).map("".join)


def test_tokens_keep_whitespace_and_split_punctuation() -> None:
    assert word_tokens("Hi,  you\u00a0there!!") == ["Hi", ",", "  ", "you", "\u00a0", "there", "!", "!"]
    assert word_tokens("") == []


def test_small_rewrite_gives_separate_word_hunks() -> None:
    before = "The meeting discuss the work of Anhui police in 2024."
    after = "The meeting discussed the work of the Anhui police in 2024."
    edits = word_edits(before, after)
    assert edits == [WordEdit(12, 19, "discussed"), WordEdit(32, 32, "the ")]
    assert apply_word_edits(before, edits) == after


def test_identical_texts_give_no_edits() -> None:
    assert word_edits("Same text.", "Same text.") == []


@given(texts, texts)
@settings(max_examples=300, deadline=None)
def test_round_trip_and_word_boundaries(before: str, after: str) -> None:
    edits = word_edits(before, after)
    assert apply_word_edits(before, edits) == after
    # Every edit starts and ends on a token boundary of `before`: no word is ever split.
    boundaries = {0}
    pos = 0
    for token in word_tokens(before):
        pos += len(token)
        boundaries.add(pos)
    for edit in edits:
        assert edit.start in boundaries and edit.end in boundaries
        assert edit.start <= edit.end
    # Hunks are ordered and separated by unchanged text.
    for left, right in itertools.pairwise(edits):
        assert left.end < right.start


def test_timeout_is_checked_and_refused() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(3000)]
    before = " ".join(rng.choice(vocab) for _ in range(6000))
    after = " ".join(rng.choice(vocab) for _ in range(6000))
    with pytest.raises(DiffTimeout, match="did not finish"):
        word_edits(before, after, timeout=0.001)


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        word_edits("a", "b", timeout=0)
