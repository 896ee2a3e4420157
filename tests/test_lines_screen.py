"""The one-segment-per-line screen (``Pipeline.quiet_lines``, each pass's ``screen``): a segment
it calls quiet gets no change when fixed on its own, so ``--format lines`` writes exactly what
fixing every line alone writes. Differential tests: the screen against each pass run on each
segment alone, and the lines format with the screen against the same format without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_glossary_variants import declarative_glossaries, line_glossaries
from test_invariants import glossaries

from mtfix.api import build_pipeline
from mtfix.formats import FormatOptions, fix_document
from mtfix.glossary import Glossary, GlossaryFile
from mtfix.glossary.model import RawEntry
from mtfix.passes.glossary import GlossaryPass
from mtfix.passes.rules import RULE_TYPES, RulesPass
from mtfix.passes.rules.common import SpanGuard
from mtfix.pipeline import Pipeline
from mtfix.spans import SpanSet, lines_touched

DATA = Path(__file__).parent / "data"
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Pieces of MT lines that wake every shipped rule and many shipped glossary entries (loops,
# spacing, tokenised hyphens, capitals, page chrome, news furniture, full-width marks, CJK,
# glossary keys, a regex entry's trigger with and without its colon), and separators.
_PIECES = st.sampled_from([
    "the", "The", "my lady", "my lady,", "of the", "meeting", "Discussion", "Comprehensively",
    "grass - roots", "and / or", "it ' s", "don 't", "word ,", "end .", "Print", "Close window",
    "Editor: Zhang San", "- Xinhuanet", "（", "）", "，", "中国", "second-class inspector",
    "Second Class Inspectors", "principal responsible comrade", "Central Political Bureau",
    "Hits:", "hits", "number of views: 35", "Vision protection color:", "Share to:", "WeChat",
    "Welcome to", "state council", "entry - exit", "the the", "Yang Yang", "B6", "2019", "über",
    "(", ")", "\"", "...", "!", "?", ";", ":", "K", "ſ", "İ",
])
_SEPS = st.sampled_from([" ", " ", " ", ", ", ". ", "  ", "\t", ""])


@st.composite
def segments(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        parts.append(draw(_PIECES))
        parts.append(draw(_SEPS))
    return "".join(parts)


segment_lists = st.lists(segments(), min_size=1, max_size=12)


def _touched_alone(step, lines: list[str]) -> set[int]:
    nothing = SpanSet([], untouchable=SpanSet([]))
    return {i for i, line in enumerate(lines) if step.find_edits(line, nothing)}


def _screened(step, lines: list[str]) -> set[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    spans = step.screen("\n".join(lines))
    assert spans is not None
    return lines_touched(starts, spans)


@pytest.fixture(scope="module")
def shipped() -> Pipeline:
    return build_pipeline()


@SETTINGS
@given(segment_lists)
@example(["Hits: 35", "number of views", "the the"])
@example(["Welcome to our WeChat official account", "Welcome to Beijing"])
def test_shipped_passes_screen_every_segment_they_edit(shipped, lines):
    for step in shipped.passes:
        if step.screen("x") is not None:
            assert _touched_alone(step, lines) <= _screened(step, lines), step.name


@pytest.mark.parametrize("rule_id", [t.id for t in RULE_TYPES if t.line_local])
@SETTINGS
@given(lines=segment_lists)
def test_each_line_local_rule_screens_every_segment_it_edits(rule_id, lines):
    step = RulesPass(only=[rule_id])
    assert _touched_alone(step, lines) <= _screened(step, lines)


_LOOP_PIECES = st.sampled_from([
    "a princess wakes up", "a princess", "and", "And", "of", "the", "The", "my lady", "X",
    "of the ninth volume", "never say", "Yang", "\"", "“", "”", "(", ")", "-", "'s", "2019",
])
_LOOP_SEPS = st.sampled_from([" ", " ", ", ", "; ", ". ", " - ", "", "\t", "  "])
loop_lines = st.lists(st.lists(st.tuples(_LOOP_PIECES, _LOOP_SEPS), max_size=14).map(
    lambda parts: "".join(a + b for a, b in parts)), min_size=1, max_size=10)


@pytest.mark.parametrize("rule_id", [t.id for t in RULE_TYPES if t.line_exact])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.one_of(loop_lines, segment_lists), pad=st.booleans())
@example(lines=["Of a princess, a princess wakes up, and a princess wakes up.",
                "And when the farmer saw it"], pad=True)  # (real MT: MLQE-PE)
def test_each_line_exact_rule_finds_in_each_line_what_it_finds_in_it_alone(rule_id, lines, pad):
    """What the lines screen keeps per line of a ``line_exact`` rule is the line's own run
    (``pad``: a long last line sends the joined text down the array-wise path)."""
    if pad:
        lines = [*lines, " ".join(f"w{i}" for i in range(600))]
    rule = next(r for r in RulesPass(only=[rule_id]).rules)
    text = "\n".join(lines)
    joined = sorted((e.start, e.end, e.after, e.note, e.flag)
                    for e in rule.find(text, SpanGuard(())))
    alone, at = [], 0
    for line in lines:
        alone += [(e.start + at, e.end + at, e.after, e.note, e.flag)
                  for e in rule.find(line, SpanGuard(()))]
        at += len(line) + 1
    assert joined == sorted(alone)


def test_a_line_exact_rule_on_a_screened_line_is_not_run_again(monkeypatch):
    step = RulesPass(only=["repetition"])
    lines = ["my lady, my lady, my lady, my lady said", "nothing here", "the the end"]
    step.screen("\n".join(lines))
    rule = step.rules[0]
    monkeypatch.setattr(rule, "find", lambda *a, **k: pytest.fail("run again"))
    nothing = SpanSet([], untouchable=SpanSet([]))
    assert [e.flag for e in step.find_edits(lines[0], nothing)] == [False]
    assert step.find_edits(lines[1], nothing) == []


def test_a_line_after_a_screen_that_is_not_one_of_its_lines_is_run():
    step = RulesPass(only=["repetition"])
    step.screen("nothing here")
    nothing = SpanSet([], untouchable=SpanSet([]))
    assert step.find_edits("the lady the lady the lady the lady went", nothing)


@SETTINGS
@given(segment_lists, glossaries())
def test_random_glossaries_screen_every_segment_they_edit(lines, glossary):
    step = GlossaryPass(glossary)
    assert _touched_alone(step, lines) <= _screened(step, lines)


def test_a_glossary_with_flags_and_changes_screens_its_flags_too(tmp_path):
    """Flag entries compile into a matcher of their own beside the changes: the screen must
    ask it too, or a line whose only hit is a flag loses it in --format lines."""
    glossary = Glossary.from_toml(
        '[[entry]]\nid = "f"\nfind = "zebra crossing"\nreplace = "crosswalk"\nflag = true\n'
        '[[entry]]\nid = "c"\nfind = "lorry"\nreplace = "truck"\n')
    lines = ["a zebra crossing here", "no lorry", "plain"]
    step = GlossaryPass(glossary)
    assert _touched_alone(step, lines) == {0, 1} <= _screened(step, lines)
    text = "\n".join(lines) + "\n"
    pipeline = Pipeline([step])
    assert _fix_lines(tmp_path, text, pipeline, True) == _fix_lines(tmp_path, text, pipeline,
                                                                    False)


def test_a_pass_that_cannot_screen_screens_nothing(shipped):
    class Opaque(GlossaryPass):
        def screen(self, text):
            return None

    pipeline = Pipeline([Opaque(shipped.passes[0].glossary)])
    assert pipeline.quiet_lines(["plain words", "more words"]) == [False, False]
    assert shipped.quiet_lines(["plain words", "a\rb"]) == [True, False]
    assert shipped.quiet_lines(["plain words"], ["源"]) == [False]  # the terms check asks


def _fix_lines(tmp_path: Path, text: str, pipeline: Pipeline, screened: bool) -> tuple:
    source = tmp_path / "in.mt"
    source.write_bytes(text.encode("utf-8"))
    target = tmp_path / ("screened.mt" if screened else "alone.mt")
    if not screened:  # every line fixed alone by every pass
        every = frozenset(range(len(pipeline.passes)))
        pipeline.screen_lines = lambda segments, sources=(), traits=None: [every] * len(segments)
    try:
        changes = list(fix_document(source, target, pipeline=pipeline, options=FormatOptions()))
    finally:
        pipeline.__dict__.pop("screen_lines", None)
    return target.read_bytes(), [c.to_json() for c in changes]


@settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(segments(), min_size=1, max_size=30),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_lines_format_with_the_screen_writes_what_each_line_alone_writes(
        tmp_path, shipped, lines, end, final_end):
    text = end.join(lines) + (end if final_end else "")
    assert _fix_lines(tmp_path, text, shipped, True) == _fix_lines(tmp_path, text, shipped, False)


def _skip_matches_alone(pipeline: Pipeline, lines: list[str],
                        traits: frozenset[str] | None) -> None:
    """Each line fixed skipping the passes its screen left out == the line fixed by all."""
    every = frozenset(range(len(pipeline.passes)))
    may = pipeline.screen_lines(lines)
    assert [not m for m in may] == pipeline.quiet_lines(lines)
    for number, (line, passes) in enumerate(zip(lines, may, strict=True), 1):
        options = {"doc": "d", "segment": str(number), "format": "lines", "traits": traits}
        alone = pipeline.fix_segment(line, **options)
        assert pipeline.fix_segment(line, skip=every - passes, **options) == alone
        if not passes:
            assert alone == (line, [])


@SETTINGS
@given(segment_lists, st.sampled_from([None, frozenset(), frozenset({"china"}),
                                       frozenset({"china", "spaced-hyphens"})]))
@example(["the the", "second-class inspector the the", "Hits: 35"], frozenset({"china"}))
def test_skipping_the_passes_a_screen_left_out_changes_nothing(shipped, lines, traits):
    _skip_matches_alone(shipped, lines, traits)


@SETTINGS
@given(segment_lists, glossaries())
def test_skipping_with_random_glossaries_changes_nothing(lines, glossary):
    pipeline = Pipeline([GlossaryPass(glossary), RulesPass()])
    _skip_matches_alone(pipeline, lines, None)


def test_a_skipped_pass_runs_again_once_an_earlier_pass_changed_the_line(shipped):
    """The rules pass is skipped only on the line as given: after a glossary fix it runs."""
    line = "the principal responsible comrade said said"
    every = frozenset(range(len(shipped.passes)))
    alone = shipped.fix_segment(line, doc="d", traits=frozenset())
    assert shipped.fix_segment(line, doc="d", traits=frozenset(), skip=every - {0}) == alone
    assert any(c.pass_ == "glossary" for c in alone[1])


def test_lines_format_screen_on_real_mt(tmp_path, shipped):
    """The tests' own MT lines and the format tests' file, screened and one by one."""
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(DATA.glob("**/*.mt")))
    text += "Hits: 35\nThe same line.\nThe same line.\n[Print] [Close window]\n"
    assert _fix_lines(tmp_path, text, shipped, True) == _fix_lines(tmp_path, text, shipped, False)


# -- the glossary screen drops automaton matches that fail line-local checks ---------------------
# (word boundaries, case, context, line deletions, no-ops): random declarative and line
# glossaries, with context words, against each segment fixed alone.
@st.composite
def _checked_glossaries(draw):
    base = draw(st.one_of(declarative_glossaries(), line_glossaries()))
    entries = list(base.entries)
    if draw(st.booleans()):
        entries.append(RawEntry(id="ctx", find=("dog", "print"), replace="hound",
                                context=(draw(st.sampled_from(["near", "this", "cat"])),)))
    if draw(st.booleans()):
        entries.append(RawEntry(id="noop", find=("Cat", "cat"), replace="cat",
                                case=draw(st.sampled_from(["insensitive", "sensitive"]))))
    return Glossary([GlossaryFile("random.toml", entries)], run_examples=False)


_CHECK_TEXTS = st.lists(st.tuples(
    st.sampled_from(["cat", "Cat", "dog", "the", "x-ray", "box", "man", "cats", "near", "far",
                     "north", "east", "print", "Print this", "[print]", "close", "top",
                     "back to top", "this", "x", ":", "[", "]", ".", ","]),
    st.sampled_from([" ", " ", "  ", "-", "/", "\n", "\n", "\u2013"])), max_size=30).map(
    lambda parts: "".join(a + b for a, b in parts).split("\n"))


@SETTINGS
@given(_CHECK_TEXTS, _checked_glossaries())
@example(["Print", "the cat near", "print this x"], None)
def test_glossaries_with_checks_screen_every_segment_they_edit(lines, glossary):
    if glossary is None:
        glossary = Glossary.from_toml('[[entry]]\nid = "p"\nfind = "print"\nreplace = ""\n'
                                      'line = "whole"\n')
    step = GlossaryPass(glossary)
    assert _touched_alone(step, lines) <= _screened(step, lines)


def test_a_failing_match_that_hides_a_valid_key_still_touches_its_segment():
    """"cat dog" fails its context, and hides "dog" (a key starting inside it) and "cat" (a
    shorter key at its start): the segment must still be asked."""
    for inner in ("dog", "cat"):
        glossary = Glossary([GlossaryFile("g.toml", [
            RawEntry(id="long", find=("cat dog",), replace="x", context=("zebra",)),
            RawEntry(id="inner", find=(inner,), replace="owl")])], run_examples=False)
        step = GlossaryPass(glossary)
        lines = ["the cat dog ran", "plain"]
        assert _touched_alone(step, lines) == {0} <= _screened(step, lines)
    glossary = Glossary([GlossaryFile("g.toml", [
        RawEntry(id="long", find=("cat dog",), replace="x", context=("zebra",))])],
        run_examples=False)
    assert _screened(GlossaryPass(glossary), ["the cat dog ran", "zebra"]) == set()
