"""Glossary regexes cannot hang a run: RE2 runs what it can run exactly, the rest is checked.

Issue "Never lose a byte", item 8: patterns such as ``\\b(?:[A-Z]\\w{0,20} ?){2,}Bureau`` ran for
minutes on one line under Python's backtracking ``re`` and ``mtfix glossary lint`` passed them.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mtfix
from mtfix.glossary import Glossary, GlossaryError
from mtfix.glossary.re2route import Re2Pattern, _all_chars, for_re2, relaxed_pattern, to_re2
from mtfix.glossary.regexcheck import SPECIAL_FOLD_CHARS
from mtfix.glossary_tools.lint import lint_glossaries

HOSTILE = [
    r"\b(?:[A-Z]\w{0,20} ?){2,}Bureau",
    r"(?:xx?)+y",
    r"(?:x{1,2})+y",
    r"(?=(?:xx?)+y)x",
    r"(?:a{0,50}){0,50}b",
    r"\w*\w*\w*\w*!",
]
# lines on which Python's re backtracks for minutes (the first is the 61-byte line of the issue)
LINES = [
    "Anhui Provincial Public Security Department Traffic Police Bu",
    "Anhui Provincial Public Security Department Traffic Police Bu 中",
    "x" * 3000,
    "a" * 3000,
    "Abc" * 1000,
]


def toml_entry(pattern: str) -> str:
    return f"[[entry]]\nid = \"hostile\"\nfind = '''{pattern}'''\nreplace = \"B\"\nmatch = \"regex\"\n"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("pattern", HOSTILE)
def test_hostile_regex_runs_fast_or_is_refused_naming_the_entry(pattern):
    try:
        glossary = Glossary.from_toml(toml_entry(pattern), "hostile.toml")
    except GlossaryError as exc:
        assert "hostile.toml:1" in str(exc) and "hostile" in str(exc) and "rewrite" in str(exc)
        return
    start = time.perf_counter()
    for line in LINES:
        glossary.compiled.find_edits(line)
    assert time.perf_counter() - start < 1.0


def test_which_hostile_patterns_load():
    """The ones RE2 runs on every text load; those that may need Python's re are refused."""
    loaded = []
    for pattern in HOSTILE:
        try:
            Glossary.from_toml(toml_entry(pattern), "hostile.toml")
            loaded.append(pattern)
        except GlossaryError:
            pass
    assert loaded == [r"(?:xx?)+y", r"(?:x{1,2})+y", r"\w*\w*\w*\w*!"]


def test_lint_reports_the_refused_ones_as_errors(tmp_path: Path):
    path = tmp_path / "g.toml"
    path.write_text("".join(toml_entry(p).replace('"hostile"', f'"h{i}"')
                            for i, p in enumerate(HOSTILE)), encoding="utf-8")
    report = lint_glossaries([path])
    assert sorted(p.entry_id for p in report.errors if p.code == "regex") == ["h0", "h3", "h4"]


def test_a_boundary_pattern_runs_on_python_only_for_non_ascii_words():
    glossary = Glossary.from_toml(toml_entry(r"\bparty\b"), "t.toml")
    (_o, _e, pattern), = glossary.compiled._regexes
    assert isinstance(pattern, Re2Pattern)
    assert pattern.linear_for("the party’s line, “party” — café") is False  # é: a word letter
    assert pattern.linear_for("the party’s line, “party” — cafe")
    # Python's \b sees é as a word character, RE2's would not: both answers stay Python's
    assert [m.span() for m in pattern.finditer("éparty party")] == [(7, 12)]


def test_case_folds_onto_ascii_are_only_the_special_ones():
    """Case-insensitive ASCII nodes are decided on ASCII and SPECIAL_FOLD_CHARS only."""
    text = _all_chars()
    found = {m.group() for m in re.finditer(r"(?i)[\x00-\x7f]", text) if not m.group().isascii()}
    assert found == set(SPECIAL_FOLD_CHARS)


# Python patterns made of the constructs to_re2 rewrites; each must match exactly as in Python
ATOMS = [r"\w", r"\W", r"\d", r"\s", r"\S", ".", "[^a-z]", "[a-zé]", "(?i:[a-z])", "(?i:k)",
         "(?i:[^s])", "x", "é", "中", " ", "\\b", "\\B", "(?m:^)", "(?m:$)", "\\A", "\\Z",
         "(?i:İ)", "[\\d,]", "(?a:\\w)", "(?s:.)"]
patterns = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4).map(
    lambda atoms: "(?:" + "".join(atoms) + ")+?" if len(atoms) % 2 else "".join(atoms) + "[a-z]")
texts = st.text(alphabet="ab xkKsSſİı\u212a中é\n\t\xa0\u2028_9٣,\ud800", max_size=30)


@settings(max_examples=300, deadline=None)
@given(patterns, texts)
def test_rewritten_patterns_match_exactly_as_python(pattern, text):
    rewritten = to_re2(pattern)
    if rewritten is None:
        return
    glossary = Glossary.from_toml(toml_entry(pattern.replace("'''", "")), "t.toml")
    (_o, _e, compiled), = glossary.compiled._regexes
    if not isinstance(compiled, Re2Pattern) or not compiled.linear_for(text):
        return
    python = re.compile(pattern)
    assert [m.span() for m in compiled.finditer(text)] == \
        [m.span() for m in python.finditer(text) if m.end() > m.start()]
    for pos in range(len(text)):
        ours, theirs = compiled.search(text, pos), python.search(text, pos)
        assert (ours and ours.span()) == (theirs and theirs.span())


def test_shipped_regexes_mostly_run_on_re2():
    regexes = mtfix.load_glossaries().compiled._regexes
    linear = [p for _o, _e, p in regexes if isinstance(p, Re2Pattern)]
    assert len(linear) >= len(regexes) // 3


@pytest.mark.parametrize("pattern", [r"\b\w*\w*\w*\w*!", r"(?=\w*\w*!)x", r"x.*\s*y(?<=y)"])
def test_adjacent_unbounded_repeats_that_may_run_on_python_are_refused(pattern):
    """Sequential repeats over the same characters are polynomial, not exponential, but on a
    long line still minutes: where Python's re may run them, they are refused by name."""
    with pytest.raises(GlossaryError, match="two unbounded repeats in a row"):
        Glossary.from_toml(toml_entry(pattern), "hostile.toml")


@pytest.mark.parametrize("pattern", [r"\b\w+\s+\w+\b", r"\b\d+\.\d*\b", r"(?<=\s)[a-z]+[0-9]+"])
def test_adjacent_repeats_over_different_characters_load(pattern):
    Glossary.from_toml(toml_entry(pattern), "fine.toml")


# Lookarounds too: the relaxed prefilter leaves them out; bounded repeats: it unbounds them
RELAXED_ATOMS = [*ATOMS, "(?=x)", "(?!a)", "(?<=b)", "(?<! )", "(?=\\s|$)", "$",
                 "[^\\n]{0,3}?", "(?:ab){1,2}", " {0,2}", "\\w{2,3}"]
relaxed_patterns = st.lists(st.sampled_from(RELAXED_ATOMS), min_size=1, max_size=5).map(
    lambda atoms: "".join(atoms) + "[a-z]")


@settings(max_examples=300, deadline=None)
@given(relaxed_patterns, texts)
def test_relaxed_pattern_matches_wherever_python_does(pattern, text):
    """Each match Python's re finds starts inside, or at the start of, a match the RE2
    prefilter reports (see CompiledGlossary._narrowed)."""
    relaxed = relaxed_pattern(pattern)
    if relaxed is None:
        return
    spans = [m.span() for m in relaxed.finditer(for_re2(text))]
    for m in re.compile(pattern).finditer(text):
        assert any(lo <= m.start() <= hi for lo, hi in spans), (m.span(), spans)
