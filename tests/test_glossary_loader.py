"""Loading glossaries: formats, errors that name file/line/entry, the shipped content."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtfix import load_glossaries
from mtfix.glossary import Glossary, GlossaryError, default_glossary_paths, read_glossary

GOOD = '''# a comment translators keep
[glossary]
name = "demo"

[[entry]]
id = "demo.one"
find = ["second-class inspector", "second-class inspectors"]
replace = "Level II Inspector"
note = "二级巡视员"
examples = [
  { text = "the second-class inspectors", fixed = "the Level II Inspector" },
  { text = "a second-class ticket", fixed = "a second-class ticket" },
]
'''


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_entries_keep_what_was_written_with_file_and_line(tmp_path):
    path = write(tmp_path, "demo.toml", GOOD)
    raw = read_glossary(path)
    (entry,) = raw.entries
    assert entry.find == ("second-class inspector", "second-class inspectors")
    assert entry.line == 5 and entry.path == str(path)
    assert raw.meta == {"name": "demo"}
    assert Glossary.load([path]).fix("Second-class inspector") == "Level II Inspector"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('[[entry]]\nid = "x"\nfind = "a"\nreplace = \n', "invalid TOML", 4),
        ('[[entry]]\nid = "x"\nfind = "a"\nreplace = "b"\ncolour = "red"\n', "unknown key(s) colour", 1),
        ('[[entry]]\nfind = "a"\nreplace = "b"\n', "needs an 'id'", 1),
        ('\n[[entry]]\nid = "x"\nreplace = "b"\n', "'find' must be", 2),
        ('[[entry]]\nid = "x"\nfind = "a"\n', "'replace' is required", 1),
        ('[[entry]]\nid = "x"\nfind = "a"\nreplace = "b"\nmatch = "glob"\n', "'match' must be", 1),
        ('[[entry]]\nid = "x"\nfind = "a"\nreplace = "b"\nexamples = [{ text = "a" }]\n',
         "example 1 must be", 1),
        ('[[entry]]\nid = "x"\nfind = "a"\nreplace = "b"\n[[entry]]\nid = "x"\nfind = "c"\n'
         'replace = "d"\n', "duplicate id", 5),
        ('[[entry]]\nid = "x"\nfind = "cat"\nreplace = "dog"\n'
         'examples = [{ text = "a cat", fixed = "a cat" }]\n', "example fails", 1),
        ('[entries]\n', "unknown top-level key", None),
        ('[[entry]]\nid = "x"\nfind = "a"\nreplace = "b"\ncontext = 3\n', "'context' must be", 1),
    ],
)
def test_broken_glossaries_name_file_line_and_entry(tmp_path, text, message, line):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(GlossaryError) as info:
        Glossary.load([path])
    error = info.value
    assert message in str(error)
    assert error.path == str(path)
    assert error.line == line
    assert str(error).startswith(str(path))


def test_failing_example_reports_what_it_got(tmp_path):
    path = write(tmp_path, "bad.toml", '[[entry]]\nid = "x"\nfind = "cat"\nreplace = "dog"\n'
                 'examples = [{ text = "a cat", fixed = "a bird" }]\n')
    with pytest.raises(GlossaryError, match=r"\[x\].*'a cat' should become 'a bird' but becomes 'a dog'"):
        Glossary.load([path])


def test_example_that_would_change_again_on_a_second_run_fails(tmp_path):
    path = write(tmp_path, "loop.toml", '[[entry]]\nid = "xi"\nfind = "Xi"\nreplace = "Xi Jinping"\n'
                 'examples = [{ text = "Xi said", fixed = "Xi Jinping said" }]\n')
    with pytest.raises(GlossaryError, match="example fails"):
        Glossary.load([path])


def test_duplicate_ids_across_files(tmp_path):
    a = write(tmp_path, "a.toml", '[[entry]]\nid = "x"\nfind = "a"\nreplace = "b"\n')
    b = write(tmp_path, "b.toml", '\n[[entry]]\nid = "x"\nfind = "c"\nreplace = "d"\n')
    with pytest.raises(GlossaryError, match=rf"duplicate id \(first defined at {a}:1\)") as info:
        Glossary.load([a, b])
    assert info.value.path == str(b) and info.value.line == 2


def test_tsv_glossary_for_spreadsheet_users(tmp_path):
    path = write(tmp_path, "terms.tsv", "find\treplace\tnote\n# comment\n\nanti smuggling\t"
                 "anti-smuggling\thyphenate\nentry exit\texit and entry\n")
    g = Glossary.load([path])
    assert [e.id for e in g.entries] == ["terms:4", "terms:5"]
    assert g.entries[0].note == "hyphenate"
    assert g.fix("Anti smuggling and entry  exit") == "Anti-smuggling and exit and entry"


def test_tsv_with_wrong_columns_names_the_line(tmp_path):
    path = write(tmp_path, "terms.tsv", "a\tb\nonly one column\n")
    with pytest.raises(GlossaryError, match=r"terms.tsv:2.*expected 2 or 3"):
        Glossary.load([path])


def test_missing_and_non_utf8_glossaries(tmp_path):
    with pytest.raises(GlossaryError, match="not found"):
        Glossary.load([tmp_path / "nope.toml"])
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[entry]]\nid = "x"\nfind = "caf\xe9"\nreplace = "b"\n'.encode("latin-1"))
    with pytest.raises(GlossaryError, match=r"latin1.toml:3: .*UTF-8"):
        Glossary.load([path])


def test_shipped_glossaries_load_and_are_documented():
    paths = default_glossary_paths()
    names = {p.name for p in paths}
    assert {"cn-official.toml", "web-chrome.toml"} <= names
    g = load_glossaries()
    assert len(g) >= 80
    for entry in g.entries:
        assert entry.note.strip(), f"{entry.where()} {entry.id}: no note"
        assert entry.examples, f"{entry.where()} {entry.id}: no example"


def test_a_shipped_glossary_named_again_is_loaded_once():
    paths = default_glossary_paths()
    assert len(load_glossaries(paths)) == len(load_glossaries())
