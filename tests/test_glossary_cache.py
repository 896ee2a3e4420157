"""The compiled-glossary cache: a hit behaves exactly as a fresh load; changed bytes, a
corrupt or foreign file, an unwritable folder never give a wrong glossary."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mtfix.glossary as glossary_module
from mtfix.cli import app
from mtfix.glossary import Glossary, GlossaryError, default_glossary_paths
from mtfix.glossary.cache import cache_folder, load_glossary_cached
from mtfix.passes.glossary import GlossaryPass
from mtfix.passes.rules import RulesPass
from mtfix.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "samples" / "anhui-police-meeting-2024.txt").read_text(encoding="utf-8")
# Every kind of entry the cache stores: plain, declarative (forms, neighbours, case), regex,
# fuzzy, flag, scoped; and one that changes a shipped entry's example (an interaction warning).
HOUSE = '''
[[entry]]
id = "house.comrades"
find = "Comrades in charge"
replace = "Officials in charge"
examples = [{ text = "Comrades in charge met.", fixed = "Officials in charge met." }]

[[entry]]
id = "house.inspector"
find = "second{-| }class inspector"
replace = "Level II Inspector"
forms = true
after = ["of the"]

[[entry]]
id = "house.regex"
match = "regex"
find = '\\bpublic security organs?\\b'
replace = "police"

[[entry]]
id = "house.fuzzy"
match = "fuzzy"
find = "Ministry of Public Security"
replace = "Ministry of Public Security"
min_score = 85

[[entry]]
id = "house.flag"
find = "comrades"
replace = "officials"
flag = true
note = "say who"

[[entry]]
id = "house.case"
scope = "china"
find = "PSB"
replace = "Public Security Bureau"
case = "sensitive"
'''
TEXT = SAMPLE + (
    "\nThe second class inspectors of the city met. The Minstry of Public Secrity spoke; "
    "public security organs and the PSB (not psb) and Comrades in charge attended.\n")


@pytest.fixture()
def house(tmp_path: Path) -> Path:
    path = tmp_path / "house.toml"
    path.write_text(HOUSE, encoding="utf-8")
    return path


def records(glossary: Glossary, text: str = TEXT) -> tuple[str, list]:
    result = Pipeline([GlossaryPass(glossary), RulesPass()]).fix_text(text, doc="t.txt")
    return result.text, list(result.changes)


def no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a compile (a cache miss) fail the test."""
    def boom(*args, **kwargs):
        raise AssertionError("compiled although cached")
    monkeypatch.setattr(glossary_module, "check_glossary_files", boom)


def paths(house: Path) -> list[Path]:
    return [*default_glossary_paths(), house]


def test_a_cache_hit_behaves_as_a_cold_load(tmp_path, house, monkeypatch):
    folder = tmp_path / "cache"
    cold = Glossary.load(paths(house))
    first = load_glossary_cached(paths(house), folder=folder)  # a miss: compiles and stores
    assert len(list(folder.glob("*.pickle"))) == 1
    no_compiling(monkeypatch)
    hit = load_glossary_cached(paths(house), folder=folder)
    assert hit is not first
    expected = records(cold)
    assert any(c.rule == "house.fuzzy" for c in expected[1])  # the text exercises them
    assert any(c.rule == "house.case" for c in expected[1])
    assert any(c.rule == "house.inspector" for c in expected[1])  # a neighbour condition
    assert records(first) == expected
    assert records(hit) == expected
    assert records(hit, SAMPLE) == records(cold, SAMPLE)
    # what a run prints once, and what lint and reports read
    assert [str(w) for w in hit.warnings] == [str(w) for w in cold.warnings]
    assert any(w.code == "interaction" for w in hit.warnings)
    assert hit.entries == cold.entries
    assert [f.path for f in hit.files] == [f.path for f in cold.files]
    assert hit.example_failures() == []


def test_editing_a_glossary_invalidates_its_cache(tmp_path, house):
    folder = tmp_path / "cache"
    before = load_glossary_cached([house], folder=folder)
    assert before.fix("PSB") == "Public Security Bureau"
    house.write_text(HOUSE.replace('"Public Security Bureau"', '"Police Bureau"'),
                     encoding="utf-8")
    after = load_glossary_cached([house], folder=folder)
    assert after.fix("PSB") == "Police Bureau"
    assert len(list(folder.glob("*.pickle"))) == 2


def test_a_corrupt_or_truncated_cache_file_is_rebuilt_silently(tmp_path, house):
    folder = tmp_path / "cache"
    expected = records(load_glossary_cached([house], folder=folder))
    (stored,) = folder.glob("*.pickle")
    good = stored.read_bytes()
    for bad in (b"", b"not a pickle", good[: len(good) // 2], good[:-1] + b"X",
                good.replace(b"mtfix-glossary-cache", b"mtfix-glossary-cachf")):
        stored.write_bytes(bad)
        assert records(load_glossary_cached([house], folder=folder)) == expected
        assert stored.read_bytes() == good  # rewritten


def test_a_cache_file_others_may_write_is_not_loaded(tmp_path, house, monkeypatch):
    folder = tmp_path / "cache"
    load_glossary_cached([house], folder=folder)
    (stored,) = folder.glob("*.pickle")
    os.chmod(stored, 0o666)
    monkeypatch.setattr(glossary_module, "check_glossary_files", lambda *a, **k: (_ for _ in ()).throw(
        RuntimeError("compiled")))
    with pytest.raises(RuntimeError, match="compiled"):  # ignored: a fresh compile
        load_glossary_cached([house], folder=folder)


def test_an_unwritable_cache_folder_still_loads(tmp_path, house):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    folder = blocker / "cache"  # cannot be made: a file is in the way
    for _ in range(2):
        assert load_glossary_cached([house], folder=folder).fix("PSB") == "Public Security Bureau"
    assert not folder.exists()


def test_a_glossary_that_fails_to_load_raises_every_time_and_is_not_stored(tmp_path):
    folder = tmp_path / "cache"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entry]]\nid = "x"\nfind = "cat"\nreplace = "dog"\n'
                   'examples = [{ text = "a cat", fixed = "a cow" }]\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(GlossaryError, match="example"):
            load_glossary_cached([bad], folder=folder)
    assert not list(folder.glob("*.pickle"))
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary_cached([tmp_path / "missing.toml"], folder=folder)


def test_the_cache_folder_follows_the_environment_and_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("MTFIX_CACHE_DIR", str(tmp_path / "c"))
    assert cache_folder() == tmp_path / "c" / "glossaries"
    monkeypatch.delenv("MTFIX_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "mtfix" / "glossaries"
    monkeypatch.setenv("MTFIX_GLOSSARY_CACHE", "off")
    assert cache_folder() is None


def test_fix_prints_the_interaction_warning_from_the_cache_too(tmp_path, house, monkeypatch):
    monkeypatch.setenv("MTFIX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.txt"
    source.write_text("Comrades in charge met.\n", encoding="utf-8")
    outputs = []
    for n in range(2):
        from mtfix import api

        api._load_cached.cache_clear()  # a new process, as far as the loader can tell
        result = CliRunner().invoke(app, ["fix", str(source), "-g", str(house), "-o",
                                          str(tmp_path / f"out{n}")])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert "mtfix: warning:" in outputs[0]
    assert outputs[1] == outputs[0].replace("out0", "out1")
    assert list((tmp_path / "cache" / "glossaries").glob("*.pickle"))


def test_a_lazy_pattern_is_the_pattern_it_stands_for():
    import pickle
    import re

    from mtfix.glossary.cache import LazyPattern

    lazy = LazyPattern(r"(?i)\bof (the)\b", 0)
    real = re.compile(r"(?i)\bof (the)\b")
    assert lazy.pattern == real.pattern
    text = "Head OF THE office, of the city, off them"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy.match(text, 5).group(1) == "THE" and lazy.search(text, 20).start() == 20
    assert (lazy.flags, lazy.groups, lazy.groupindex) == (real.flags, real.groups,
                                                          real.groupindex)
    assert pickle.loads(pickle.dumps(lazy)) == real  # pickled, it is the compiled pattern


def test_entries_examples_and_key_checks_pickle_as_tuples_and_stay_frozen():
    """The cache pickles entries, examples and key checks as tuples of their fields (see
    ``pickled_as_tuple``): what loads equals what was stored, and is as frozen."""
    import dataclasses
    import pickle

    compiled = Glossary.load(default_glossary_paths(), run_examples=False).compiled
    checks = {k.checks for owners in compiled._owners for k in owners if k.checks is not None}
    entries = compiled.entries
    examples = [x for e in entries for x in e.examples]
    assert checks and examples
    for objects in (list(entries), examples, sorted(checks, key=repr)):
        loaded = pickle.loads(pickle.dumps(objects, protocol=pickle.HIGHEST_PROTOCOL))
        assert loaded == objects
        assert [type(x) for x in loaded] == [type(x) for x in objects]
        first = loaded[0]
        name = dataclasses.fields(first)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(first, name, getattr(first, name))
