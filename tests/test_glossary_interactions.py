"""Glossary files that meet: each file's examples test it alone, what one file does to another
is a warning (never a refusal), and lint, fix and learn all run the loader's checks."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.glossary import Glossary, GlossaryError, GlossaryFile, load_glossaries
from mtfix.glossary.checks import FileMatchers
from mtfix.glossary.compile import CompiledGlossary
from mtfix.glossary.model import RawEntry, parse_toml
from mtfix.glossary_tools.learn import LearnSettings, learn_from_segments, read_segments
from mtfix.glossary_tools.lint import lint_glossaries

DATA = Path(__file__).parent / "data"
runner = CliRunner()
# The measured case: a house entry that rewrites words inside a shipped entry's example.
HOUSE = ('[[entry]]\nid = "house.comrades"\nfind = "Comrades in charge"\n'
         'replace = "Officials in charge"\n'
         'examples = [{ text = "Comrades in charge met.", fixed = "Officials in charge met." }]\n')


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- lint has an error exactly when loading for fix raises ---------------------------------------
# Entry templates: good ones, broken ones, and ones that meet others (chains, conflicts,
# interactions) in the same file or across files. Ids come from a small pool, so some clash.
POOL = [
    'find = "cat"\nreplace = "dog"\nexamples = [{ text = "a cat", fixed = "a dog" }]',
    'find = "dog"\nreplace = "hound"',  # rewrites the "dog" of other entries' examples
    'find = "big dog"\nreplace = "large dog"\n'
    'examples = [{ text = "the big dog ran", fixed = "the large dog ran" }]',
    'find = "red"\nreplace = "blue"\nexamples = [{ text = "red", fixed = "red" }]',  # fails
    "find = '(a+)+$'\nreplace = \"b\"\nmatch = \"regex\"",  # catastrophic
    'find = "x"',  # no replace
    'find = "  "\nreplace = "y"',  # only whitespace
    "find = '\\bcolou?r\\b'\nreplace = \"shade\"\nmatch = \"regex\"\n"
    'examples = [{ text = "the colour", fixed = "the shade" }]',
    'find = "cat"\nreplace = "kitten"',  # the same find, another replacement
    'find = "CAT"\nreplace = "Cat"\nmatch = "exact"\nexamples = [{ text = "CAT", fixed = "Cat" }]',
    'find = "tea"\nreplace = "green tea"',  # rewrites its own replacement
]
entry_specs = st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from("abcdef")),
                       max_size=3)


def _toml(specs: list[tuple[int, str]]) -> str:
    return "".join(f'[[entry]]\nid = "{name}"\n{POOL[index]}\n\n' for index, name in specs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entry_specs, min_size=1, max_size=3))
def test_lint_reports_an_error_exactly_when_loading_for_a_run_raises(files):
    with tempfile.TemporaryDirectory() as folder:
        paths = [write(Path(folder) / f"g{n}.toml", _toml(specs)) for n, specs in enumerate(files)]
        report = lint_glossaries(paths)
        try:
            loaded = Glossary.load(paths)
        except GlossaryError:
            assert report.errors, "fix would refuse these glossaries but lint passed them"
            return
        assert report.errors == [], [str(p) for p in report.errors]
        shown = {(p.code, p.entry_id) for p in report.warnings}
        assert {(w.code, w.entry_id) for w in loaded.warnings} <= shown


def test_lint_and_fix_refuse_a_failing_own_example_with_the_shipped_glossaries(tmp_path):
    # (they agree on the interaction below too: lint exits 0 and so does fix)
    house = write(tmp_path / "house.toml", HOUSE.replace('fixed = "Officials', 'fixed = "Comrades'))
    doc = write(tmp_path / "t.txt", "The Comrades in charge met.\n")
    lint = runner.invoke(app, ["glossary", "lint", str(house)])
    fix = runner.invoke(app, ["fix", str(doc), "-g", str(house), "--jobs", "1"])
    assert (lint.exit_code, fix.exit_code) == (1, 2)
    message = ("example fails: 'Comrades in charge met.' should become 'Comrades in charge met.' "
               "but becomes 'Officials in charge met.'")
    assert f"{house}:1 house.comrades: error: {message}" in lint.output
    assert f"{house}:1 [house.comrades]: {message}" in fix.output


def test_lint_lists_the_interaction_with_the_shipped_glossaries_as_a_warning(tmp_path):
    house = write(tmp_path / "house.toml", HOUSE)
    result = runner.invoke(app, ["glossary", "lint", str(house)])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if "[interaction]" in x)
    assert line.startswith(f"{house}:1 house.comrades: warning: changes the example of ")
    assert "cn-official.toml:" in line and "'Comrades in charge' became 'Officials in charge'" in line
    assert "checked with 3 shipped glossaries" in result.output  # cn-official, web-chrome, zh-news
    alone = runner.invoke(app, ["glossary", "lint", "--no-default-glossaries", str(house)])
    assert alone.exit_code == 0 and "interaction" not in alone.output


# -- fix: the run goes on, each warning printed once ---------------------------------------------
def test_fix_prints_each_glossary_warning_once_and_counts_them(tmp_path):
    house = write(tmp_path / "house.toml", HOUSE)
    docs = tmp_path / "in"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        write(docs / name, "The Comrades in charge met.\n")
    result = runner.invoke(app, ["fix", str(docs), "-g", str(house), "-o", str(tmp_path / "out"),
                                 "--jobs", "2"])
    assert result.exit_code == 0, result.output
    warnings = [x for x in result.output.splitlines() if x.startswith("mtfix: warning: ")]
    assert len(warnings) == 1 and f"{house}:1 [house.comrades] changes the example" in warnings[0]
    assert "2 files, 2 changes (glossary 2), 0 flags, 1 glossary warning;" in result.output
    assert (tmp_path / "out" / "a.txt").read_text() == "The Officials in charge met.\n"
    quiet = runner.invoke(app, ["fix", str(docs / "a.txt"), "-g", str(house), "-o",
                                str(tmp_path / "q"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


# -- each file's own matcher ---------------------------------------------------------------------
WORDS = ["cat", "big", "dog", "the", "red", "CAT", "e.g."]
keys = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


@st.composite
def two_files(draw):
    files = []
    for f in range(2):
        entries = [RawEntry(id=f"f{f}e{i}", find=tuple(draw(st.lists(keys, min_size=1, max_size=2))),
                            replace=draw(st.sampled_from(["X", "Y z", "", "dog"])),
                            match=draw(st.sampled_from(["phrase", "phrase", "exact"])),
                            flag=draw(st.booleans()) and draw(st.booleans()))
                   for i in range(draw(st.integers(0, 4)))]
        files.append(GlossaryFile(f"f{f}.toml", entries))
    return files


@settings(max_examples=80, deadline=None)
@given(two_files(), st.lists(st.sampled_from([*WORDS, "x", ",", "\n"]), max_size=12).map(" ".join))
def test_the_merged_matcher_stands_in_for_a_file_only_where_it_gives_the_same_edits(files, text):
    merged = CompiledGlossary([e for f in files for e in f.entries])
    matchers = FileMatchers(files, merged)
    for index, glossary in enumerate(files):
        alone = CompiledGlossary(glossary.entries).find_edits(text)
        assert matchers.own_edits(index, text) == alone


# -- learn checks what it learned against the glossaries it runs with ----------------------------
@pytest.fixture(scope="module")
def excerpt():
    return (read_segments(DATA / "mlqe-ro-en-excerpt.mt"),
            read_segments(DATA / "mlqe-ro-en-excerpt.pe"))


def _learn(excerpt, against_toml: str) -> tuple[list[RawEntry], str, Glossary]:
    against = Glossary.from_toml(against_toml, "house.toml")
    result = learn_from_segments(*excerpt, LearnSettings(min_count=3), prefix="ro", against=against)
    draft = result.to_toml(name="ro")
    # the draft loads after the glossary it was checked against, with no warning about it
    loaded = Glossary([*against.files, parse_toml(draft, "draft.toml")])
    assert [str(w) for w in loaded.warnings] == []
    return result.entries, draft, against


def test_learn_drops_an_entry_whose_find_another_glossary_replaces_otherwise(excerpt):
    entries, draft, _ = _learn(excerpt, '[[entry]]\nid = "h.istanbul"\nfind = "Constantinopoly"\n'
                                        'replace = "Istanbul"\n')
    assert entries == []
    assert "1 conflict with the glossaries it runs with: 1 dropped." in draft
    assert "Dropped 'Constantinopoly' -> 'Constantinople': it finds 'Constantinopoly' like " \
           "house.toml:1 [h.istanbul]" in draft


def test_learn_turns_an_entry_that_changes_another_glossary_example_into_a_flag(excerpt):
    entries, draft, _ = _learn(excerpt, (
        '[[entry]]\nid = "h.siege"\nfind = "the siege"\nreplace = "the Siege"\n'
        'examples = [{ text = "the siege of Constantinopoly", '
        'fixed = "the Siege of Constantinopoly" }]\n'))
    (entry,) = entries
    assert entry.flag and not entry.examples
    assert "Turned into a flag, as it conflicts with a glossary it runs with: it changes the " \
           "example of house.toml:1 [h.siege]" in entry.note
    assert "1 turned into flags" in draft


def test_learn_chooses_examples_the_other_glossaries_leave_alone(excerpt):
    entries, draft, against = _learn(excerpt, '[[entry]]\nid = "h.the"\nfind = "the"\n'
                                              'replace = "that"\n')
    (entry,) = entries
    assert not entry.flag and entry.examples
    assert all(against.fix(x.text) == x.text and against.fix(x.fixed) == x.fixed
               for x in entry.examples)
    assert "conflict" not in draft


def test_learn_cli_checks_with_the_shipped_and_given_glossaries(tmp_path):
    house = write(tmp_path / "house.toml", '[[entry]]\nid = "h.istanbul"\n'
                  'find = "Constantinopoly"\nreplace = "Istanbul"\n')
    out = tmp_path / "draft.toml"
    args = ["glossary", "learn", str(DATA / "mlqe-ro-en-excerpt.mt"),
            str(DATA / "mlqe-ro-en-excerpt.pe"), "-o", str(out), "--min-count", "3"]
    result = runner.invoke(app, [*args, "-g", str(house)])
    assert result.exit_code == 0, result.output
    assert ("0 entries (0 as flags) from 58 segments written to "
            f"{out}; 1 conflict with the glossaries it runs with: 1 dropped;") in result.output
    assert load_glossaries([house, out]).warnings == []
    broken = write(tmp_path / "broken.toml", '[[entry]]\nid = "b"\nfind = "x"\n')
    refused = runner.invoke(app, [*args, "--force", "-g", str(broken)])
    assert refused.exit_code == 2 and f"{broken}:1 [b]" in refused.output


# -- interactions are judged by outcome --------------------------------------------------------
VICE = ('[[entry]]\nid = "a.vice"\nfind = "Vice Prime Minister"\nreplace = "Vice Premier"\n'
        'case = "sensitive"\nexamples = [{ text = "Chinese Vice Prime Minister He Lifeng met.", '
        'fixed = "Chinese Vice Premier He Lifeng met." }]\n')


def _he_lifeng(replace: str) -> str:
    return (f'[[entry]]\nid = "b.he-lifeng"\nfind = "Vice Prime Minister He Lifeng"\n'
            f'replace = "{replace}"\n')


def test_an_entry_firing_in_another_file_example_with_the_same_outcome_is_no_interaction(
        tmp_path):
    a = write(tmp_path / "a.toml", VICE)
    b = write(tmp_path / "b.toml", _he_lifeng("Vice Premier He Lifeng"))
    glossary = Glossary.load([a, b])
    text = "Chinese Vice Prime Minister He Lifeng met."
    # the longer find of b.toml is what fires inside a.toml's example ...
    assert [e.rule for e in glossary.compiled.find_edits(text)] == ["b.he-lifeng"]
    # ... and the example still gets its expected result: no warning, in load and lint
    assert glossary.fix(text) == "Chinese Vice Premier He Lifeng met."
    assert glossary.warnings == []
    assert [p for p in lint_glossaries([a, b]).warnings if p.code == "interaction"] == []


def test_an_entry_giving_another_file_example_another_outcome_is_an_interaction(tmp_path):
    a = write(tmp_path / "a.toml", VICE)
    b = write(tmp_path / "b.toml", _he_lifeng("Vice-Premier He Lifeng"))
    (warning,) = Glossary.load([a, b]).warnings
    assert (warning.code, warning.entry_id, warning.other.id) == (
        "interaction", "b.he-lifeng", "a.vice")
    message = str(warning)
    assert message.startswith(f"{b}:1 [b.he-lifeng] changes the example of {a}:1 [a.vice]")
    assert ("'Vice Prime Minister He Lifeng' became 'Vice-Premier He Lifeng', so the run gives "
            "'Chinese Vice-Premier He Lifeng met.' where the example expects "
            "'Chinese Vice Premier He Lifeng met.'") in message


def test_only_the_entry_that_makes_the_difference_is_named(tmp_path):
    # b.he-lifeng fires in the example with the same outcome, c.the makes it differ: only
    # c.the is reported (the first foreign edit is not blamed for what another one does)
    a = write(tmp_path / "a.toml", VICE.replace(" met.", " met the press."))
    b = write(tmp_path / "b.toml", _he_lifeng("Vice Premier He Lifeng"))
    c = write(tmp_path / "c.toml", '[[entry]]\nid = "c.the"\nfind = "the"\nreplace = "teh"\n')
    warnings = Glossary.load([a, b, c]).warnings
    assert [(w.entry_id, w.other.id) for w in warnings] == [("c.the", "a.vice")]
    assert "'the' became 'teh'" in str(warnings[0])


def test_the_shipped_glossaries_load_without_a_warning():
    # zh.vice-premier-he-lifeng finds "Vice Prime Minister He Lifeng" inside the example of
    # cn-official.vice-premier-chinese, with the same result
    glossary = load_glossaries()
    entry = next(e for e in glossary.entries if e.id == "zh.vice-premier-he-lifeng")
    assert "Vice Prime Minister He Lifeng" in entry.find
    assert glossary.warnings == []


# -- flags compete only with flags (docs/design.md, the overlap policy) --------------------------
FLAGGED = '''
[[entry]]
id = "t.deputy-governor"
find = "Deputy Governor"
replace = "Vice Governor"

[[entry]]
id = "t.of-the-bank"
find = "Deputy Governor of the bank"
replace = "Deputy Governor of the Bank"
flag = true

[[entry]]
id = "t.governor"
find = "Governor"
replace = "governor"
flag = true
'''


def test_a_longer_glossary_flag_never_keeps_a_change_out():
    glossary = Glossary.from_toml(FLAGGED)
    text = "the Deputy Governor of the bank said; the Governor too"
    edits = glossary.compiled.find_edits(text)
    assert [(e.rule, e.flag) for e in edits] == [
        ("t.deputy-governor", False), ("t.of-the-bank", True), ("t.governor", True)]
    assert glossary.fix(text) == "the Vice Governor of the bank said; the Governor too"
    # a flag lying wholly inside a kept change is dropped
    assert [e.rule for e in glossary.compiled.find_edits("a Deputy Governor")] == [
        "t.deputy-governor"]
