"""The spacing rule must leave correct text alone (audit cases: inch marks, German quotes,
emoticons, punctuation used as a word, spaced ellipses), while still fixing MT spacing."""

from __future__ import annotations

import pytest

from mtfix.change import apply_edits
from mtfix.passes.rules import RulesPass


def edits_of(text: str):
    return RulesPass(only=["spacing"]).find_edits(text)


def fix(text: str) -> str:
    return apply_edits(text, edits_of(text))


@pytest.mark.parametrize("text", [
    # 1. '"' right after a digit is an inch (or second) mark, not a quote.
    'Cut a 12" pipe and a 6" pipe',
    "He is 5' 10\" tall",
    'Two 12" pipes, then 6" ones, and 3" more.',
    # Ambiguous: the '"' after "2" may close the quote; pair nothing rather than guess.
    'He read "Chapter 2" and " Chapter 3" today',
    # 2. German / Czech quotes: "“" closes „ … “ and ‚ … ‘ lines.
    "Er sagte „Hallo“ und ging.",
    "Řekl „Ahoj“ a odešel.",
    "Sie sagte ‚ja‘ und „nein“ und ging.",
    # 3. A bracket that is part of an emoticon is not a bracket.
    "The emoji :-( means sad.",
    "The emoji :( means sad.",
    "Crying is :'( in chat.",
    "(so happy :) )",
    "(just kidding ;-) )",
    "( :-) is a smile)",
    # 4. "." or "!" used as a word.
    "Press the . key",
    "Use ! to negate",
    "Type . and then ! to finish",
    # 5. Spaced ellipses.
    "Wait . . . what",
    "And then . . . nothing.",
])
def test_correct_text_is_left_alone(text):
    assert edits_of(text) == []
    assert fix(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    # Real quotes around an inch mark are still tidied.
    ('He said " a 12" pipe " twice.', 'He said "a 12" pipe" twice.'),
    # English curly quotes: "“" still opens.
    ("He said “ hello ” and left.", "He said “hello” and left."),
    # Brackets next to a colon that is no emoticon are still fixed.
    ("Note: ( see below ) now.", "Note: (see below) now."),
    # Tokenised MT: commas, sentence-end dots, "!" before a capital, "?" are still fixed.
    ("word , word . Next one ! Then ?", "word, word. Next one! Then?"),
    ("the end .", "the end."),
    ("It rained . the end", "It rained . the end"),  # lower-case after: may be a word
    ("Hello , world !", "Hello, world!"),
    # A single or doubled dot is no spaced ellipsis.
    ("Stop . Go", "Stop. Go"),
])
def test_mt_spacing_is_still_fixed(text, expected):
    assert fix(text) == expected
    assert fix(fix(text)) == fix(text)


def test_unit_marks_do_not_count_towards_unbalanced_quotes():
    # One real quote plus two inch marks: unbalanced either way -> flagged.
    edits = edits_of('He said "two 12" and 6" pipes.')
    assert len(edits) == 1 and edits[0].flag and edits[0].start == 8
    # The '"' after "12" may close the quote: nothing is sure, so neither edit nor flag.
    assert edits_of('He said "a 12" pipe.') == []
    # An odd total that is balanced once the inch mark is left out: no flag.
    assert edits_of('He said "take the 6" pipe" and left.') == []
