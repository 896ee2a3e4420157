"""The array-wise paths the rules take on long texts find exactly what their plain paths find
on short texts (segments): differential tests over random lines. The spacing rule's fast
paths are checked against its trigger scan of every kind.

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
from mtfix.passes.rules.spacing import SMALL_TEXT as SPACING_SMALL_TEXT
from mtfix.passes.rules.spacing import SpacingRule

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


@settings(max_examples=300, deadline=None)
@given(_line(_REPEAT_WORDS, _REPEAT_SEPS))
@example("the war of the war")
@example("my lady, my lady")
@example("Über über")
def test_repetition_segment_prefilter_equals_the_general_path(line):
    """The segment prefilter (``_may_repeat``) only skips segments where the plain path finds
    no candidate, so a segment's edits are the same with it and without it."""
    from mtfix.passes.rules import repetition

    hashes = repetition._tokens_py(line)[2]
    if repetition._candidates_py(hashes):
        assert repetition._may_repeat(line)
    rule = RepetitionRule()
    with_prefilter = _edits(rule, line)
    saved = repetition._may_repeat
    repetition._may_repeat = lambda text: True
    try:
        assert with_prefilter == _edits(rule, line)
    finally:
        repetition._may_repeat = saved


# Spacing: tokens around blanks, every kind's context (marks, brackets, quotes, emoticons,
# numbers, a mark used as a word, ellipses), non-ASCII letters and quotes before a blank,
# "_" (a word character that the look-behind refuses), line ends.
_SPACING_TOKENS = st.sampled_from([
    "word", "Word", "é", "中", "x²", "_", "10", "a", "b", "“", "”", "’", "‘", "„", '"', "(", ")",
    "[", "]", "{", "}", ",", ".", ";", ":", "?", "!", ":-(", ":)", ";-)", "...", "-", "\n",
    "\r\n", "\r", "\u2028"])
_SPACING_BLANKS = st.sampled_from(["", " ", " ", " ", "  ", "   ", "    ", "\t", " \t", "\xa0"])


@st.composite
def _spacing_text(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 40))):
        parts.append(draw(_SPACING_TOKENS))
        parts.append(draw(_SPACING_BLANKS))
    return "".join(parts)


def _spacing_edits(found) -> list[tuple]:
    return [(e.start, e.end, e.after, e.rule, e.note, e.flag) for e in found]


@settings(max_examples=300, deadline=None)
@given(_spacing_text(), st.sampled_from(["", "plain words here. ", "wé plain words. "]))
@example("word , word . Next ! a ? b : c 10 : 30 the . key Wait . . . end ( x ) “ y ”", "")
@example("_ , x _ ,word ’ ; ” .\n( :-) )", "")
def test_spacing_fast_paths_equal_the_trigger_path(text, filler):
    """Short texts (the regex scan) and long ones (numpy, ASCII or not) find exactly what the
    trigger scan of every kind finds, in the same order."""
    rule = SpacingRule()
    guard = SpanGuard(())
    assert len(text) < SPACING_SMALL_TEXT or not filler
    assert _spacing_edits(rule.find(text, guard)) == \
        _spacing_edits(rule._find_by_triggers(text, guard))
    if filler:
        long_text = text + "\n" + filler * (SPACING_SMALL_TEXT // len(filler) + 1) + text
        ascii_text = long_text.encode("ascii", "ignore").decode()  # (one byte per code point)
        for each in (long_text, ascii_text):
            assert _spacing_edits(rule.find(each, guard)) == \
                _spacing_edits(rule._find_by_triggers(each, guard))


@settings(max_examples=200, deadline=None)
@given(_line(_REPEAT_WORDS, _REPEAT_SEPS))
@example("Über über ÜBER x½X")
def test_repetition_segment_tokens_fold_each_word(line):
    """The segment path folds the text once; each word's hash is that of its own fold."""
    from mtfix.passes.rules import repetition

    words = list(repetition._WORD_RE.finditer(line))
    assert repetition._tokens_py(line) == (
        [m.start() for m in words], [m.end() for m in words],
        [hash(repetition._fold(m.group())) for m in words])


def _automaton_candidates():
    """The short path as it was: one automaton of "<letter or comma> <Common word>"."""
    import ahocorasick_rs as ac

    from mtfix.passes.rules.capitals import common_words

    patterns = [f"{c} {w.capitalize()}" for w in sorted(common_words())
                for c in "abcdefghijklmnopqrstuvwxyz,"]
    automaton = ac.AhoCorasick(patterns, implementation=ac.Implementation.DFA)
    return lambda text: [start for _i, start, _e in automaton.find_matches_as_indexes(text)]


_OLD_CAPITALS = []


@settings(max_examples=300, deadline=None)
@given(_line(_CAPITAL_WORDS, _CAPITAL_SEPS))
@example("a Formula, Form The Of a Formm Then x Formal To")
def test_capitals_short_path_finds_what_the_automaton_found(line):
    import mtfix.passes.rules.capitals as capitals

    if not _OLD_CAPITALS:
        _OLD_CAPITALS.append(_automaton_candidates())
    rule = CapitalsRule()
    now = _edits(rule, line)
    saved = capitals._candidates_py
    capitals._candidates_py = _OLD_CAPITALS[0]
    try:
        assert _edits(rule, line) == now
    finally:
        capitals._candidates_py = saved


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=60))
@example([1, 2, 3, 1, 2, 3, 1, 2])
@example([5, 6, 7, 8, 9, 5, 6, 7, 8])
def test_repetition_word_candidates_equal_the_word_by_word_reference(hashes):
    from mtfix.passes.rules import repetition

    assert repetition._candidates_py(hashes) == repetition._candidates_reference(hashes)
