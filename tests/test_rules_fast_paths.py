"""The array-wise paths the rules take on long texts find exactly what their plain paths find
on short texts (segments): differential tests over random lines.

Both rules look no further than the line they are in, so a long text made of lines must get
the edits each line gets on its own, moved by the line's offset."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mtfix.passes.rules.capitals import SMALL_TEXT as CAPITALS_SMALL_TEXT
from mtfix.passes.rules.capitals import CapitalsRule
from mtfix.passes.rules.common import SpanGuard
from mtfix.passes.rules.repetition import SMALL_TEXT as REPETITION_SMALL_TEXT
from mtfix.passes.rules.repetition import RepetitionRule

# Common words (lower, capitalised, upper case), a common word that only starts a longer word
# ("Form" / "Formula"), names, function words, non-ASCII letters and joiners.
_CAPITAL_WORDS = st.sampled_from([
    "the", "The", "THE", "meeting", "Meeting", "discussion", "Discussion", "Comprehensively",
    "comprehensively", "Form", "Formula", "Formal", "formal", "Of", "of", "His", "help", "To",
    "Moon", "Paris", "Hague", "Été", "été", "Tom", "A", "a", "Public", "Security", "Work-shop",
    "Work's", "Works", "work", "Happily", "Italy", "B6", "2019",
])
_CAPITAL_SEPS = st.sampled_from([" ", " ", " ", ", ", ". ", "\t", "  ", " - ", " (", ") "])

_REPEAT_WORDS = st.sampled_from([
    "the", "The", "THE", "that", "had", "bye", "ha", "no", "very", "church", "Church", "Sirhan",
    "über", "Über", "2019", "½", "stained", "stalled", "of", "and", "my", "lady", "war",
    "pre", "x",
])
_REPEAT_SEPS = st.sampled_from([" ", " ", " ", ", ", "; ", " - ", "-", "'", ". ", "  ", "\t"])


def _line(words, seps):
    @st.composite
    def line(draw) -> str:
        parts = []
        for _ in range(draw(st.integers(1, 14))):
            parts.append(draw(words))
            parts.append(draw(seps))
        return "".join(parts)
    return line()


def _edits(rule, text: str, shift: int = 0) -> list[tuple]:
    return [(e.start + shift, e.end + shift, e.after, e.note, e.flag)
            for e in rule.find(text, SpanGuard(()))]


def _long_equals_lines(rule, lines: list[str], filler: str, small: int) -> None:
    text = "\n".join([*lines, filler])
    assert len(text) >= small and all(len(line) < small for line in lines)
    expected, offset = [], 0
    for line in lines:
        expected += _edits(rule, line, offset)
        offset += len(line) + 1
    assert sorted(_edits(rule, text)) == sorted(expected)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line(_CAPITAL_WORDS, _CAPITAL_SEPS), min_size=1, max_size=12), st.booleans())
def test_capitals_long_path_equals_short_path(lines, ascii_filler):
    filler = " ".join(f"w{i}" if ascii_filler else f"wé{i}" for i in range(500))
    _long_equals_lines(CapitalsRule(), lines, filler, CAPITALS_SMALL_TEXT)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line(_REPEAT_WORDS, _REPEAT_SEPS), min_size=1, max_size=12), st.booleans())
# "stained stalled": different words with the same array key (length, first three and last
# letters); "ha ha", "that that": allowed doubles; "½ ½": a number.
@example(["the stained stalled church", "ha ha that that ½ ½ Über über"], False)
def test_repetition_long_path_equals_short_path_on_doubles(lines, ascii_filler):
    filler = " ".join(f"w{i}" if ascii_filler else f"wé{i}" for i in range(500))
    _long_equals_lines(RepetitionRule(), lines, filler, REPETITION_SMALL_TEXT)
