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


def test_failing_example_reports_what_it_got_and_what_to_do(tmp_path):
    path = write(tmp_path, "bad.toml", '[[entry]]\nid = "x"\nfind = "cat"\nreplace = "dog"\n'
                 'examples = [{ text = "a cat", fixed = "a bird" }]\n')
    with pytest.raises(GlossaryError, match=r"^\S*bad.toml:1 \[x\]: example fails: 'a cat' should "
                       r"become 'a bird' but becomes 'a dog'; fix the entry or its example"):
        Glossary.load([path])


def test_example_that_would_change_again_on_a_second_run_fails(tmp_path):
    path = write(tmp_path, "loop.toml", '[[entry]]\nid = "prc"\nfind = "PRC"\n'
                 'replace = "the Republic"\ncase = "sensitive"\n'
                 'examples = [{ text = "PRC said", fixed = "the Republic said" }]\n'
                 '[[entry]]\nid = "rep"\nfind = "the Republic"\nreplace = "the PRC"\n'
                 'case = "sensitive"\n')
    with pytest.raises(GlossaryError, match="a second run changes its fixed text again: "
                       "'the Republic said' becomes 'the PRC said'"):
        Glossary.load([path])


def test_an_entry_whose_replacement_holds_its_find_does_not_fire_inside_it_again(tmp_path):
    # "Xi" -> "Xi Jinping" used to expand again on every run ("Xi Jinping Jinping")
    path = write(tmp_path, "expand.toml", '[[entry]]\nid = "xi"\nfind = "Xi"\n'
                 'replace = "Xi Jinping"\ncase = "sensitive"\n'
                 'examples = [{ text = "Xi said", fixed = "Xi Jinping said" }]\n'
                 '[[entry]]\nid = "who"\nfind = "WHO"\nreplace = "World Health Organization '
                 '(WHO)"\ncase = "sensitive"\n[[entry]]\nid = "cpc"\nfind = "communist party '
                 'of china"\nreplace = "Communist Party of China (CPC)"\n')
    glossary = Glossary.load([path])
    text = "Xi said the WHO and the communist party of china agree.\nWHO   and Xi  Jinping."
    once = glossary.fix(text)
    assert once == ("Xi Jinping said the World Health Organization (WHO) and the Communist Party"
                    " of China (CPC) agree.\nWorld Health Organization (WHO)   and Xi  Jinping.")
    assert glossary.fix(once) == once
    assert not glossary.warnings


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


BASE = '''[[entry]]
id = "base.inspector"
find = "second-class inspector"
replace = "Level II Inspector"
examples = [{ text = "inspectors and second-class inspector", fixed = "inspectors and Level II Inspector" }]
'''


DUP = '\n[[entry]]\nid = "r.dup"\nfind = "(\\\\w+) and \\\\1"\nreplace = "\\\\1"\nmatch = "regex"\n'


@pytest.mark.parametrize(("name", "text", "culprit", "line", "matched", "became"), [
    ("ov.toml", DUP, "r.dup", 2, "s and s", "s"),
    ("ov.tsv", "# mine\ninspectors\tcheckers\n", "ov:2", 2, "inspectors", "checkers"),
])
def test_an_example_changed_by_another_file_is_a_warning_naming_both(tmp_path, name, text,
                                                                     culprit, line, matched,
                                                                     became):
    # Examples test their entry with its own file: what another file does to them is reported
    # and the glossaries load (the run goes on).
    base = write(tmp_path, "base.toml", BASE)
    other = write(tmp_path, name, text)
    glossary = Glossary.load([base, other])
    (warning,) = glossary.warnings
    assert (warning.code, warning.path, warning.line, warning.entry_id) == (
        "interaction", str(other), line, culprit)
    assert warning.other.id == "base.inspector"
    assert str(warning).startswith(
        f"{other}:{line} [{culprit}] changes the example of {base}:1 [base.inspector]: "
        f"{matched!r} became {became!r}, so the run gives {warning.got!r} where the example "
        "expects 'inspectors and Level II Inspector'; narrow one of them")
    assert glossary.fix("inspectors and second-class inspector") == warning.got


def test_an_example_broken_by_another_entry_of_its_file_names_that_entry(tmp_path):
    path = write(tmp_path, "base.toml", BASE + DUP)
    assert Glossary.load([write(tmp_path, "alone.toml", BASE)]).warnings == []
    with pytest.raises(GlossaryError) as info:
        Glossary.load([path])
    error = info.value
    assert (error.path, error.line, error.entry_id) == (str(path), 7, "r.dup")
    message = str(error)
    assert f"matches 's and s' in the example of {path}:1 [base.inspector]" in message
    assert "should become 'inspectors and Level II Inspector' but becomes 'inspector" in message
    assert "narrow this entry" in message
    assert message.startswith(f"{path}:7 [r.dup]: ")


def test_an_entry_failing_its_own_example_is_still_blamed_itself(tmp_path):
    # another entry fires on the same text, but removing it would not make the example pass
    base = write(tmp_path, "base.toml", BASE.replace('fixed = "inspectors and Level II Inspector"',
                                                     'fixed = "inspectors and Level 2 Inspector"'))
    other = write(tmp_path, "ov.toml", '[[entry]]\nid = "o"\nfind = "inspectors"\n'
                  'replace = "checkers"\n')
    with pytest.raises(GlossaryError) as info:
        Glossary.load([base, other])
    assert (info.value.entry_id, info.value.line) == ("base.inspector", 1)
    assert "example fails" in str(info.value)


def test_a_user_entry_changing_shipped_examples_is_a_warning_per_example_entry(tmp_path):
    # an entry that fires on nearly every English sentence, as a careless user entry might
    other = write(tmp_path, "ov.toml", '[[entry]]\nid = "r.dup"\nfind = "the"\nreplace = "teh"\n')
    shipped = {str(p) for p in default_glossary_paths()}
    glossary = load_glossaries([other])
    assert glossary.fix("the cat") == "teh cat"
    interactions = [w for w in glossary.warnings if w.code == "interaction"]
    assert interactions
    assert all(w.entry_id == "r.dup" and w.other.path in shipped for w in interactions)
    assert len({w.other.id for w in interactions}) == len(interactions)  # once per entry


def test_a_shipped_entry_changing_a_user_example_is_a_warning_on_the_shipped_entry(tmp_path):
    mine = write(tmp_path, "mine.toml", '[[entry]]\nid = "mine.otoman"\nfind = "Otoman"\n'
                 'replace = "Ottoman"\nexamples = [{ text = "the Otoman anti smuggling unit", '
                 'fixed = "the Ottoman anti smuggling unit" }]\n')
    (warning,) = load_glossaries([mine]).warnings
    assert (warning.entry_id, warning.other.id) == ("cn-official.anti-smuggling", "mine.otoman")
    assert f"changes the example of {mine}:1 [mine.otoman]: 'anti smuggling' became " \
           "'anti-smuggling'" in str(warning)


def test_the_shipped_glossaries_load_without_warnings():
    assert load_glossaries().warnings == []


@pytest.mark.parametrize(("name", "data", "message"), [
    # (before: "invalid TOML: Invalid statement (at line 1, column 1)")
    ("terms.tbx", b'<?xml version="1.0"?><martif/>', r"is a TBX termbase.*mtfix glossary import "
                                                      r".*terms\.tbx -o terms\.toml"),
    ("sheet.csv", b"Wrong,Correct\na,b\n", r"is a CSV sheet.*mtfix glossary import"),
    # (before: "not valid UTF-8"; Excel's "Unicode Text" is UTF-16)
    ("g.tsv", "find\treplace\na\tb\n".encode("utf-16"), r"is UTF-16 text.*glossary import"),
])
def test_a_file_to_import_given_as_a_glossary_says_how_to_convert_it(tmp_path, name, data,
                                                                     message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(GlossaryError, match=message):
        read_glossary(path)


def test_every_toml_example_of_the_format_doc_loads():
    # the first one was not TOML (an unclosed examples list, then a second examples key)
    import re

    doc = (Path(__file__).parent.parent / "docs" / "glossary-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.S)
    assert len(blocks) >= 6
    for block in blocks:
        assert Glossary.from_toml(block).entries  # parses, and its examples pass


@pytest.mark.parametrize("header", ["find\treplace", "Wrong\tCorrect\tNote",
                                    "Incorrect term\tCorrection", "DEPRECATED\tPREFERRED"])
def test_a_tsv_glossary_header_row_in_a_spreadsheets_words(tmp_path, header):
    # before: "Wrong<TAB>Correct" was an entry, and every "wrong" in the text became "Correct"
    path = tmp_path / "g.tsv"
    path.write_text(f"{header}\nAnti smuggling Bureau\tAnti-smuggling Bureau\n", encoding="utf-8")
    glossary = Glossary([read_glossary(path)])
    assert [e.find for e in glossary.entries] == [("Anti smuggling Bureau",)]
    assert glossary.fix("This is wrong.") == "This is wrong."


def test_a_tsv_glossary_with_a_termbase_header_says_to_import_it(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("Source term\tTarget term\n公安厅\tProvincial Department\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"t\.tsv:1: .*a termbase sheet.*mtfix glossary "
                                            r"import"):
        read_glossary(path)


def test_a_tsv_glossary_in_another_delimiter_points_to_import(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("find;replace\na b;c d\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"found 1; another delimiter .*mtfix glossary import"):
        read_glossary(path)
