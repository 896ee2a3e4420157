"""Glossary import and export never guess silently: CSV/TSV dialects (BOM, delimiter, header,
quoting), deletions only when asked for, TBX termbases from CAT tools with their languages,
TBX export that reads back to the same entries, and an import that yields nothing is an error.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.fileio import InputError
from mtfix.glossary import Glossary, read_glossary
from mtfix.glossary.model import GlossaryError, GlossaryFile, RawEntry
from mtfix.glossary_tools.exchange import (
    entries_to_csv,
    entries_to_tbx,
    entries_to_tbx_min,
    export_glossary,
    import_glossary,
    read_entries,
    table_to_entries,
    tbx_to_entries,
)
from mtfix.glossary_tools.tbx import XML_LANG

TBX_DIR = Path(__file__).parent / "data" / "tbx"
runner = CliRunner()


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


def plain(entries):
    return [dataclasses.replace(e, path="", line=None) for e in entries]


def pairs(entries):
    return [(e.find, e.replace) for e in entries]


# -- CSV / TSV: encoding, delimiter, header ------------------------------------------------------
def test_excel_csv_with_bom_and_crlf_reads_its_header_as_a_header(tmp_path):
    path = write(tmp_path / "excel.csv",
                 b"\xef\xbb\xbffind,replace,note\r\nsecond-class inspector,Level II Inspector,"
                 b"\xe4\xba\x8c\xe7\xba\xa7\xe5\xb7\xa1\xe8\xa7\x86\xe5\x91\x98\r\n")
    entries, result = read_entries(path)
    assert [(e.find, e.replace, e.note) for e in entries] == [
        (("second-class inspector",), "Level II Inspector", "二级巡视员")]
    assert any(n.startswith("header row (line 1)") for n in result.notices)


@pytest.mark.parametrize(("text", "name"), [
    ("find;replace;note\nsecond-class inspector;Level II Inspector;rank, civil service\n",
     "semicolon"),
    ("find\treplace\nOtoman, Empire\tOttoman Empire\n", "tab"),
    ('find,replace\n"a; b",c\n"d; e",f\n', "comma"),
])
def test_the_delimiter_is_sniffed_and_reported(tmp_path, text, name):
    entries, result = read_entries(write(tmp_path / "g.csv", text))
    assert all(e.replace for e in entries) and len(entries) == text.count("\n") - 1
    assert result.notices[0].startswith(f"read as {name}-separated")


def test_a_tie_between_delimiters_is_reported_and_can_be_overridden(tmp_path):
    path = write(tmp_path / "g.csv", "a,b;c\nd,e;f\n")
    entries, result = read_entries(path)
    assert pairs(entries) == [(("a",), "b;c"), (("d",), "e;f")]  # the .csv default wins a tie
    assert "semicolon would split the rows evenly too" in result.notices[0]
    entries, result = read_entries(path, delimiter="semicolon")
    assert pairs(entries) == [(("a,b",), "c"), (("d,e",), "f")]
    assert result.notices[0] == "read as semicolon-separated (--delimiter)"


@pytest.mark.parametrize(("header", "expect"), [
    ("FIND,Replace,NOTES", ("find", "replace", "note")),
    ("Wrong term,Correct term,Remarks", ("find", "replace", "note")),
    ("Deprecated,Preferred,Definition", ("find", "target", "note")),
    ("id,find,replace,match,min_score,context", ("id", "find", "replace", "match", "min_score",
                                                 "context")),
    ("Source term,Target term,Comment", ("source", "target", "note")),
    ("Term,Translation", ("source", "target")),
    ("zh-CN,en-US,Note", ("source", "target", "note")),
    ("Chinese (PRC),English (United States)", ("source", "target")),
    ("English_United_States,Chinese_PRC", ("target", "source")),
    # a language name with a note word describes the term (memoQ's English_Def): not a term
    ("Entry_ID,Entry_Note,Chinese_PRC_Def,Chinese_PRC,Term_Example,English_Def,English",
     ("id", "note", "note", "source", "note", "note", "target")),
    ("English,Chinese definition,Usage example", ("target", "note", "note")),
    ("原文,译文,备注", ("source", "target", "note")),
    ("错译,正确译法,说明", ("find", "replace", "note")),
])
def test_headers_are_recognised_by_column_name(header, expect):
    from mtfix.glossary_tools.tables import column_key

    keys = tuple(column_key(cell, ("en", "zh"))[0] for cell in header.split(","))
    assert keys == expect


def test_a_termbase_sheet_gives_term_records_with_sources(tmp_path):
    path = write(tmp_path / "terms.csv",
                 "zh,en,Definition\n二级巡视员,Level II Inspector,rank\n"
                 "二級巡視員,Level II Inspector,\n公安厅,Provincial Department of Public Security,\n")
    entries, result = read_entries(path, source_lang="zh")
    assert [(e.source, e.find, e.replace, e.match) for e in entries] == [
        (("二级巡视员", "二級巡視員"), ("Level II Inspector",), "Level II Inspector", "exact"),
        (("公安厅",), ("Provincial Department of Public Security",),
         "Provincial Department of Public Security", "exact")]
    assert any("2 entries are term records" in n for n in result.notices)
    # without --source-lang the zh column is named as not read, with the option that reads it
    entries, result = read_entries(path)
    assert all(not e.source for e in entries)
    assert any("'zh' (language zh) is not read: give --source-lang zh" in n
               for n in result.notices)


def test_find_rows_with_bilingual_columns(tmp_path):
    path = write(tmp_path / "g.csv", "source,find,replace,target\n"
                 "二级巡视员,second class inspector,level II inspector,Level II Inspector\n")
    (entry,), _ = read_entries(path)
    assert (entry.source, entry.find, entry.replace, entry.target) == (
        ("二级巡视员",), ("second class inspector",), "level II inspector", "Level II Inspector")


def test_quoted_cells_and_line_breaks_inside_them(tmp_path):
    path = write(tmp_path / "g.csv", 'find,replace,note\n"Hit rate:\ntypeface","",'
                 '"page chrome, ""twice"""\n"a, b",c,\n')
    entries, _ = read_entries(path, allow_deletions=True)
    assert [(e.find, e.replace, e.note, e.line) for e in entries] == [
        (("Hit rate:\ntypeface",), "", 'page chrome, "twice"', 2), (("a, b",), "c", "", 4)]


def test_first_row_not_a_header_is_read_as_an_entry_and_said_so(tmp_path):
    entries, result = read_entries(write(tmp_path / "g.tsv", "Otoman\tOttoman\nOthoman\tOttoman\n"))
    assert pairs(entries) == [(("Otoman",), "Ottoman"), (("Othoman",), "Ottoman")]
    assert any(n.startswith("no header row recognised (line 1: 'Otoman', 'Ottoman'")
               for n in result.notices)


# -- CSV / TSV: errors name the line -------------------------------------------------------------

def test_a_line_break_inside_a_cell_of_a_crlf_sheet_is_one_newline(tmp_path):
    path = write(tmp_path / "g.csv", 'find,replace,note\r\na b,c d,"two\r\nlines"\r\n')
    (entry,), _ = read_entries(path)
    assert entry.note == "two\nlines"  # (was "two\r\nlines": a TBX export lost the \r)


def test_a_title_row_above_the_header_is_left_out_and_named(tmp_path):
    # (before: the title became an entry and the import stopped: "the row ends before its
    # replace cell")
    path = write(tmp_path / "g.csv", "Client X, 2024 glossary\r\nWrong;Correct;Note\r\n"
                 "Anti smuggling Bureau;Anti-smuggling Bureau;x\r\nState Department;State Council;y\r\n")
    entries, result = read_entries(path)
    assert pairs(entries) == [(("Anti smuggling Bureau",), "Anti-smuggling Bureau"),
                              (("State Department",), "State Council")]
    assert ("the header row is line 2; the title row(s) above it are not read: "
            "'Client X, 2024 glossary'") in result.notices
    assert result.notices[0].startswith("read as semicolon-separated (every row splits evenly)")
    other = write(tmp_path / "h.csv", "Client X,2024\nWrong,Correct\na b,c d\n")
    with pytest.raises(GlossaryError, match=r"h\.csv:1: line 2 is a header row .* delete the rows "
                       "above the header"):
        read_entries(other)


@pytest.mark.parametrize(("text", "line", "message"), [
    ("find,replace\na,b\nc,d,e\n", 3, "this row has 3 cells but the header has 2 columns"),
    ("find,replace\na,b\n,d\n", 3, "empty find cell"),
    ("find,replace,note\na,b\nc\n", 3, "the row ends before its replace cell"),
    ('find,replace\na,b\n"c,d\ne,f\n', 3, "a quoted cell must be closed"),
    ('find,replace\na,"b"x\n', 2, "nothing may follow its closing quote"),
    ("find,replace\na,\n", 2, "empty replace cell: this entry would delete 'a'"),
    ("a,\n", 1, "a deletion needs a header row naming the replace column"),
    ("a,b,c,d\n", 1, "the first row is not a header row and has 4 cells"),
    ("find,replace,flag\na,b,maybe\n", 2, "flag cell 'maybe': write true or false"),
    ("find,replace,min_score\na,b,high\n", 2, "min_score cell 'high'"),
])
def test_a_row_that_cannot_be_read_is_an_error_naming_the_line(tmp_path, text, line, message):
    path = write(tmp_path / "g.csv", text)
    with pytest.raises(GlossaryError, match=message) as err:
        read_entries(path)
    assert err.value.path == str(path) and err.value.line == line


def test_rows_repeating_a_find_stay_separate_entries(tmp_path):
    """Rows are merged only by an explicit id: two rows of one find are two entries (lint
    reports the duplicate), never one entry guessed from them."""
    entries, _ = read_entries(write(tmp_path / "g.csv", "find,replace\na,b\na,b\n"))
    assert [e.id for e in entries] == ["g.a", "g.a-2"]


@pytest.mark.parametrize(("text", "message"), [
    ("find,replace\na\n", "the row ends before its replace cell"),
    ("find,note\na,b\n", "names a find column but no replace"),
    ("note,comment\nx,y\n", "no find column and no target column"),
    ("find,find,replace\na,b,c\n", "columns 1 \\('find'\\) and 2 \\('find'\\) are both read as 'find'"),
])
def test_columns_an_entry_needs(tmp_path, text, message):
    with pytest.raises(GlossaryError, match=message):
        read_entries(write(tmp_path / "g.csv", text))


def test_deletions_need_a_replace_column_and_allow_deletions(tmp_path):
    path = write(tmp_path / "g.csv", "find,replace\nVision protection color:,\n")
    with pytest.raises(GlossaryError, match="pass --allow-deletions"):
        read_entries(path)
    entries, result = read_entries(path, allow_deletions=True)
    assert pairs(entries) == [(("Vision protection color:",), "")]
    assert any("1 entry deletes its find" in n for n in result.notices)


def test_a_sheet_with_a_definition_column_per_language_imports(tmp_path):
    # (before: "English_Def" was a second target column, so the sheet could not be read)
    path = write(tmp_path / "memoq.csv",
                 "Entry_ID,Chinese_PRC_Def,Chinese_PRC,English_Def,English\n"
                 "7,,公安厅,The public-security department of a province,"
                 "Provincial Department of Public Security\n")
    (entry,), _ = read_entries(path, source_lang="zh")
    # an entry number as id would name nothing in a report, and two termbases imported so
    # could not load together (duplicate id "7"): the id is made from the term, the number
    # kept in the note
    assert (entry.id, entry.source, entry.find, entry.note) == (
        "memoq.provincial-department-of-public-security", ("公安厅",),
        ("Provincial Department of Public Security",),
        "entry 7; The public-security department of a province")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_a_utf16_sheet_with_a_byte_order_mark_is_read(tmp_path, codec):
    # Excel's "Unicode Text" (.txt): UTF-16 LE with a BOM, tab-separated
    text = "\ufeffWrong\tCorrect\tComment\r\nAnti smuggling Bureau\tAnti-smuggling Bureau\t缉私局\r\n"
    path = write(tmp_path / "sheet.txt", text.encode(codec))
    entries, result = read_entries(path)
    assert [(e.find, e.replace, e.note) for e in entries] == [
        (("Anti smuggling Bureau",), "Anti-smuggling Bureau", "缉私局")]
    assert result.notices[0].startswith("read as UTF-16")
    broken = write(tmp_path / "broken.txt", b"\xff\xfef\x00\t\x00g\x00\n\x00\x00\xdc")
    with pytest.raises(GlossaryError, match=r"broken\.txt:2: not valid UTF-16"):
        read_entries(broken)


def test_a_context_column_of_sentences_is_an_error_not_a_silent_narrowing(tmp_path):
    # a CAT tool's "Context" column holds usage examples; as mtfix's context the entry would
    # fire only on lines holding the whole sentence
    path = write(tmp_path / "g.csv", "Wrong,Correct,Context\nsecond class inspector,"
                 "Level II Inspector,The second class inspector came.\n")
    with pytest.raises(GlossaryError, match=r"g\.csv:2: context cell 'The second class inspector "
                       r"came\.' is a sentence.*name it 'Example'"):
        read_entries(path)
    words = write(tmp_path / "w.csv", "find,replace,context\nparty members,Party members,"
                  "CPC|Communist Party of China|Secretary for Social Affairs and Culture\n")
    (entry,), _ = read_entries(words)
    assert len(entry.context) == 3


def test_a_forbidden_column_of_yes_no_marks_is_a_term_status(tmp_path):
    # before: "Forbidden" was read as the find column, so its cells "no" and "yes" became
    # entries replacing every "no" and "yes" in the text by a term
    path = write(tmp_path / "tb.csv", "ID;English;Forbidden;Chinese\n"
                 "7;Provincial Department of Public Security;;公安厅\n"
                 "7;Provincial Public Security Department;x;\n"
                 "8;party committee;yes;\n8;Party committee;no;党委\n"
                 "9;police station;no;派出所\n")
    entries, result = read_entries(path, source_lang="zh")
    assert [(e.find, e.replace, e.match, e.case) for e in entries] == [
        (("Provincial Public Security Department",), "Provincial Department of Public Security",
         "phrase", "insensitive"),
        (("party committee",), "Party committee", "phrase", "sensitive"),
        (("police station",), "police station", "exact", "insensitive")]
    assert any("'Forbidden' holds yes/no marks: the 2 rows marked yes are forbidden terms" in n
               for n in result.notices)
    glossary = Glossary([GlossaryFile("tb.toml", entries)])
    assert glossary.fix("no, yes") == "no, yes"
    orphan = write(tmp_path / "o.csv", "source,target,forbidden\n公安厅,a b,no\n缉私局,c d,yes\n")
    with pytest.raises(GlossaryError, match=r"o\.csv:3: the forbidden term 'c d' has no entry"):
        read_entries(orphan, source_lang="zh")
    # a "Forbidden" column of terms is still the find column
    terms = write(tmp_path / "t.csv", "Forbidden,Preferred\nState Department,State Council\n")
    assert pairs(read_entries(terms)[0]) == [(("State Department",), "State Council")]


def test_a_status_column_and_a_concept_per_id(tmp_path):
    # before: 'Term Status' was not read (the forbidden term became an approved term record,
    # which the terms check took as the right translation), and a concept's second term was
    # an error ("give the row its own id")
    path = write(tmp_path / "st.csv", "Concept ID,Chinese,English,Term Status,Definition\n"
                 "1,公安厅,Provincial Department of Public Security,Preferred,dept\n"
                 "1,,Provincial Public Security Department,Forbidden term,\n"
                 "2,派出所,police station,preferredTerm-admn-sts,\n"
                 "2,,local police station,Admitted,\n3,,Anti-smuggling Bureau,Draft,\n"
                 "3,,Anti-Smuggling Police,,\n")
    entries, result = read_entries(path, source_lang="zh")
    assert [(e.find, e.replace, e.match, e.source, e.accepted, e.note) for e in entries] == [
        (("Provincial Public Security Department",), "Provincial Department of Public Security",
         "phrase", ("公安厅",), (), "entry 1; dept"),
        (("police station",), "police station", "exact", ("派出所",), ("local police station",),
         "entry 2"),
        (("Anti-smuggling Bureau",), "Anti-smuggling Bureau", "exact", (), (),
         "entry 3; also: Anti-Smuggling Police")]
    assert any("1 row with a forbidden or deprecated status becomes a find" in n
               for n in result.notices)
    assert "status 'Draft' is not one mtfix knows: read as allowed (neither replaced nor " \
           "preferred)" in result.notices


def test_an_import_writes_only_a_toml_name(tmp_path):
    # before: "-o terms.tsv" wrote TOML text under a TSV name, which no run could load
    sheet = write(tmp_path / "g.csv", "find,replace\na b,c d\n")
    with pytest.raises(ValueError, match=r"terms\.tsv: an import writes a TOML glossary"):
        import_glossary(sheet, tmp_path / "terms.tsv")
    assert not (tmp_path / "terms.tsv").exists()


def test_encoding_errors_name_the_line(tmp_path):
    path = write(tmp_path / "g.csv", "find,replace\n公安厅,x\n".encode("gb18030"))
    with pytest.raises(InputError, match=r"g\.csv:2: not valid UTF-8.*iconv -f GB18030"):
        read_entries(path)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("g.csv", "", "no rows: the file is empty"),
    ("g.tsv", "# only a comment\n\n", "no rows"),
    ("g.csv", "find,replace,note\n", "no entries: the sheet has a header row but no rows"),
    ("g.tsv", "find\treplace\n", "no entries"),
])
def test_an_import_that_yields_no_entry_is_an_error(tmp_path, name, text, message):
    with pytest.raises(GlossaryError, match=message):
        import_glossary(write(tmp_path / name, text), tmp_path / "out.toml")
    assert not (tmp_path / "out.toml").exists()


# (braces and backslashes are the {a|b} alternatives syntax of a find: written \{ in a sheet)
_cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"),
                              exclude_characters="{}\\"), min_size=1,
                max_size=12).filter(lambda s: s.strip() == s and s and not s.startswith("#"))
_cell_nl = st.one_of(_cell, st.tuples(_cell, _cell).map(lambda t: f"{t[0]}\n{t[1]}"))
_source = _cell.filter(lambda s: "|" not in s and not s.startswith("["))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_cell_nl, _cell, st.lists(_source, max_size=2, unique=True)),
                     min_size=1, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans(),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_a_written_sheet_reads_back_row_for_row(rows, delimiter, bom, newline):
    """Whatever the dialect (delimiter, BOM, CRLF, quotes, line breaks in cells), a sheet with
    a header gives exactly its rows: the header never becomes an entry."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["find", "replace", "source"])
    for find, replace, sources in rows:
        writer.writerow([find, replace, "|".join(sources)])
    text = ("\ufeff" if bom else "") + out.getvalue()
    entries, _ = table_to_entries(text, "g.csv", fmt="csv", source_lang="zh")
    assert [(e.find, e.replace, e.source) for e in entries] == [
        ((find,), replace, tuple(sources)) for find, replace, sources in rows]


# -- CSV export and import keep every key ---------------------------------------------------------
_term = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"),
                                  exclude_characters="{}\\"),
                min_size=1, max_size=10)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(_term, min_size=1, max_size=2, unique=True), _term,
                          st.lists(_term, max_size=2, unique=True), st.one_of(st.none(), _term),
                          st.booleans()), min_size=1, max_size=5))
def test_csv_round_trip_keeps_bilingual_and_variant_keys(rows):
    entries = [RawEntry(id=f"t.{i}", find=tuple(finds), replace=replace, source=tuple(sources),
                        target=None if target == replace else target,  # equal: not written
                        forms=forms, separators=not forms,
                        before=("the",) if forms else (), note="n")
               for i, (finds, replace, sources, target, forms) in enumerate(rows)]
    back, _ = table_to_entries(entries_to_csv(entries), "t.csv", fmt="csv")
    assert plain(back) == plain(entries)


# -- TBX import ----------------------------------------------------------------------------------
FIXTURES = {
    "tbx-basic-v2.tbx": [
        ("tbx-basic-v2.level-ii-inspector", ("二级巡视员",),
         ("second-class inspector", "second class inspector"), "Level II Inspector", "phrase",
         "TBX concept rank-2; subject: civil service; definition: A civil-service rank (not a "
         "post) since the 2019 reform."),
        ("tbx-basic-v2.party-committee", ("党委",), ("Party committee",), "Party committee",
         "exact", "TBX concept party-committee; Term record: no wrong rendering is known.")],
    "tbx-default-v2.tbx": [
        ("tbx-default-v2.anti-smuggling-bureau", ("反走私局",), ("Anti smuggling Bureau",),
         "Anti-smuggling Bureau", "phrase", "TBX concept c-anti-smuggling")],
    "tbx-v3-dca.tbx": [
        ("tbx-v3-dca.vice-governor", ("副省长",), ("Deputy Provincial Governor",),
         "Vice Governor", "phrase", "TBX concept vice-governor; subject: provincial government")],
    "tbx-min.tbx": [
        ("tbx-min.provincial-department-of-public-security", ("公安厅",),
         ("Provincial Public Security Department", "Public Security Hall"),
         "Provincial Department of Public Security", "phrase",
         "TBX concept psd; subject: public security; a common MT calque"),
        ("tbx-min.police-station", ("派出所",), ("police station",), "police station", "exact",
         "TBX concept station")],
    "tbx-min-entry.tbx": [
        ("tbx-min-entry.anti-smuggling-bureau", ("缉私局",), ("Smuggling Suppression Bureau",),
         "Anti-smuggling Bureau", "phrase", "TBX concept bureau")],
    "tbx-v3-dct.tbx": [
        ("tbx-v3-dct.discipline-inspection-and-supervision", ("纪检监察",),
         ("discipline inspection and monitoring",), "discipline inspection and supervision",
         "phrase", "TBX concept discipline-inspection; subject: Party discipline")],
    "memoq.tbx": [
        ("memoq.provincial-department-of-public-security", ("公安厅",),
         ("Provincial Public Security Department",), "Provincial Department of Public Security",
         "phrase", "TBX concept _0; subject: Public security; definition: The public-security "
         "department of a province.; Provincial-level department."),
        ("memoq.police-station", ("派出所",), ("police station",), "police station", "exact",
         "TBX concept _1")],
    "multiterm.tbx": [
        ("multiterm.anti-smuggling-bureau", ("缉私局",), ("Smuggling Suppression Bureau",),
         "Anti-smuggling Bureau", "phrase", "TBX concept 3; subject: Customs; definition: The "
         "customs bureau that fights smuggling.")],
    "multiterm-xml.xml": [
        ("multiterm-xml.provincial-department-of-public-security", ("公安厅",),
         ("Provincial Public Security Department",), "Provincial Department of Public Security",
         "phrase", "TBX concept 1; subject: Public security"),
        ("multiterm-xml.police-station", ("派出所",), ("police station",), "police station",
         "exact", "TBX concept 2")],
    # (whitespace of a pretty-printed file is XML's: not a replacement "\n   State Council\n")
    "pretty-printed.tbx": [
        ("pretty-printed.state-council", ("國務院",), ("State Affairs Council",), "State Council",
         "phrase", "TBX concept state-council; subject: government")],
}
#: admitted target terms of a concept with source terms: renderings the terms check accepts
ACCEPTED = {"multiterm.anti-smuggling-bureau": ("Anti-Smuggling Police",),
            "tbx-basic-v2.level-ii-inspector": ("second-level inspector",)}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_tbx_dialects_and_cat_tool_exports(name):
    path = TBX_DIR / name
    entries, _ = read_entries(path, target_lang="en", source_lang="zh")
    assert [(e.id, e.source, e.find, e.replace, e.match, e.note) for e in entries] == FIXTURES[name]
    assert all(e.accepted == ACCEPTED.get(e.id, ()) for e in entries)
    assert all(e.line for e in entries)  # each entry points at its concept's line


def test_tbx_notices_say_what_was_decided(tmp_path):
    _, result = read_entries(TBX_DIR / "multiterm.tbx", source_lang="zh")
    assert result.notices == ["status 'Draft' is not one mtfix knows: read as admitted "
                              "(neither replaced nor preferred) (1 concept: 3)"]
    _, result = read_entries(TBX_DIR / "tbx-basic-v2.tbx")  # no --source-lang
    assert result.notices[0] == ("terms in zh-CN, ja were not read: give --source-lang zh to "
                                 "keep them as each entry's 'source'")
    assert result.skipped == ["ja-only: no en term"]


@pytest.mark.parametrize(("value", "expect"), [
    # picklist values of CAT-tool termbases, as words (were all "unknown", read as admitted:
    # a "Forbidden term" became an allowed rendering)
    ("Forbidden term", "deprecated"), ("Deprecated Term", "deprecated"),
    ("Deprecated (do not use)", "deprecated"), ("Obsolete term", "deprecated"),
    ("Not recommended term", "deprecated"), ("deprecated-term", "deprecated"), ("禁用", "deprecated"),
    ("Preferred term", "preferred"), ("Preferred/Approved", "preferred"), ("推荐", "preferred"),
    ("Admitted term", "admitted"), ("Legal term", "admitted"),
    # unchanged: TBX values and the unknown
    ("deprecatedTerm-admn-sts", "deprecated"), ("preferredTerm-admn-sts", "preferred"),
    ("Do not use", "deprecated"), ("Not allowed", "deprecated"), ("Draft", "unknown"),
    # a negation or a mix is not read backwards
    ("not approved", "unknown"), ("Preferred, forbidden", "unknown"),
])
def test_status_values_in_words(value, expect):
    from mtfix.glossary_tools.tbx import status_class

    assert status_class(value) == expect


REGIONS_TBX = """<martif type="TBX-Basic"><text><body><termEntry id="org">
  <langSet xml:lang="zh-CN"><tig><term>组织部</term></tig></langSet>
  <langSet xml:lang="en-US">
    <tig><term>Organization Department</term><termNote type="administrativeStatus">
    preferredTerm-admn-sts</termNote></tig>
    <tig><term>Organisation Department</term><termNote type="administrativeStatus">
    deprecatedTerm-admn-sts</termNote></tig></langSet>
  <langSet xml:lang="EN_gb">
    <tig><term>Organisation Department</term><termNote type="administrativeStatus">
    preferredTerm-admn-sts</termNote></tig>
    <tig><term>Organization Department</term><termNote type="administrativeStatus">
    deprecatedTerm-admn-sts</termNote></tig></langSet>
</termEntry></body></text></martif>"""


@pytest.mark.parametrize(("target_lang", "find", "replace"), [
    ("en-GB", ("Organization Department",), "Organisation Department"),
    ("en-US", ("Organisation Department",), "Organization Department"),
    # both regions as one: neither spelling is replaced (before: the approved term was also
    # a find, and en-GB's preferred spelling was replaced by en-US's)
    ("en", ("Organization Department",), "Organization Department"),
])
def test_tbx_target_lang_with_a_region_reads_that_region(target_lang, find, replace):
    (entry,), result = tbx_to_entries(REGIONS_TBX, "r.tbx", target_lang=target_lang,
                                      source_lang="zh")
    assert (entry.find, entry.replace, entry.source) == (find, replace, ("组织部",))
    if target_lang == "en":
        assert entry.match == "exact" and entry.accepted == ("Organisation Department",)
        assert any("deprecated in one en section is allowed in another" in n
                   for n in result.notices)


def test_a_sheet_with_a_column_per_region_reads_the_one_asked_for(tmp_path):
    path = write(tmp_path / "r.csv", "zh-CN,en-US,en-GB\n组织部,Organization Department,"
                 "Organisation Department\n")
    (entry,), result = read_entries(path, source_lang="zh", target_lang="en-GB")
    assert entry.replace == "Organisation Department"
    assert any("'en-US' (language en-US) is not read" in n for n in result.notices)
    with pytest.raises(GlossaryError, match=r"columns 2 \('en-US'\) and 3 \('en-GB'\) are both "
                       r"read as 'target'.*--target-lang en-US"):
        read_entries(path, source_lang="zh", target_lang="en")


def test_a_deprecated_casing_is_found_in_that_casing_only():
    text = ('<martif><text><body><termEntry id="pc"><langSet xml:lang="en">'
            '<tig><term>Party committee</term><termNote type="administrativeStatus">'
            'preferredTerm-admn-sts</termNote></tig><tig><term>party committee</term>'
            '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>'
            '</langSet></termEntry></body></text></martif>')
    (entry,), result = tbx_to_entries(text, "c.tbx")
    assert entry.case == "sensitive"
    assert any("differs from the approved one only in case" in n for n in result.notices)
    glossary = Glossary([GlossaryFile("c.toml", [entry])])
    # (before: "THE PARTY COMMITTEE" became "THE Party committee")
    assert glossary.fix("the party committee; THE PARTY COMMITTEE") == (
        "the Party committee; THE PARTY COMMITTEE")


def test_foreign_terms_with_braces_are_literal():
    # a termbase term is text, not mtfix's {a|b} syntax: "the {name field" stopped the import
    # (a brace never closed) and a term record "the {name} field" found "the name field"
    text = ('<martif><text><body><termEntry id="b"><langSet xml:lang="en">'
            '<tig><term>the {name} field</term><termNote type="administrativeStatus">'
            'preferredTerm-admn-sts</termNote></tig><tig><term>the {name field</term>'
            '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>'
            '</langSet></termEntry><termEntry id="r"><langSet xml:lang="en"><tig><term>'
            '{x|y} key</term></tig></langSet></termEntry></body></text></martif>')
    entries, _ = tbx_to_entries(text, "b.tbx")
    glossary = Glossary([GlossaryFile("b.toml", entries)])
    assert glossary.fix("Fill the {name field; the name field; x key") == (
        "Fill the {name} field; the name field; x key")
    sheet, _ = table_to_entries("source,target\n字段,the {name} field\n", "s.csv",
                                source_lang="zh")
    assert Glossary([GlossaryFile("s.toml", sheet)]).fix("the name field") == "the name field"
    # mtfix's own export keeps its syntax
    ours = RawEntry(id="o.a", find=("second-{class|grade} inspector",), replace="Level II Inspector")
    (back,), _ = tbx_to_entries(entries_to_tbx([ours]), "o.tbx")
    assert back.find == ours.find


def test_tbx_deprecated_terms_are_replaced_by_the_preferred_one():
    entries, _ = read_entries(TBX_DIR / "tbx-basic-v2.tbx", source_lang="zh-CN")
    glossary = Glossary([GlossaryFile("t.toml", entries)])
    assert glossary.fix("the second-class inspector and the Party committee") == (
        "the Level II Inspector and the Party committee")
    assert glossary.fix("a second-level inspector") == "a second-level inspector"  # admitted


def test_a_term_record_changes_nothing_and_keeps_later_passes_off_the_term(tmp_path):
    import mtfix

    # (the approved term as a house style writes it, capital "With" and all)
    slogan = "a community With a shared future for mankind"
    sheet = write(tmp_path / "slogans.csv", f"zh,en\n人类命运共同体,{slogan}\n")
    out = tmp_path / "slogans.toml"
    import_glossary(sheet, out, source_lang="zh")
    text = f"The campaign to build {slogan} began.\n"
    without = mtfix.fix_text(text, [], default_glossaries=False)
    assert {c.before for c in without.changes} == {"With"}  # the capitals rule flags
    with_record = mtfix.fix_text(text, [out], default_glossaries=False)
    assert with_record.text == text and with_record.changes == ()


def test_multiterm_xml_utf16_as_multiterm_writes_it(tmp_path):
    text = (TBX_DIR / "multiterm-xml.xml").read_text(encoding="utf-8")
    path = write(tmp_path / "mt.xml", text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
                 .encode("utf-16"))
    entries, _ = read_entries(path, source_lang="zh")
    assert [e.replace for e in entries] == ["Provincial Department of Public Security",
                                            "police station"]
    text = "The Provincial Public Security Department opened a police station."
    assert Glossary([GlossaryFile("t.toml", entries)]).fix(text) == (
        "The Provincial Department of Public Security opened a police station.")


def test_tbx_utf16_as_multiterm_saves_it(tmp_path):
    text = (TBX_DIR / "multiterm.tbx").read_text(encoding="utf-8")
    path = write(tmp_path / "mt.tbx", text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
                 .encode("utf-16"))
    entries, _ = read_entries(path, source_lang="zh")
    assert pairs(entries) == [(("Smuggling Suppression Bureau",), "Anti-smuggling Bureau")]


@pytest.mark.parametrize(("langs", "message"), [
    ({"target_lang": "de"}, r"no term in language de \(--target-lang\): the file has zh-CN, "
                            r"en-US, ja; give --target-lang with one of these"),
    ({"source_lang": "ko"}, r"no term in language ko \(--source-lang\): the file has zh-CN"),
])
def test_tbx_missing_language_is_an_error_naming_the_languages(langs, message):
    with pytest.raises(GlossaryError, match=message):
        read_entries(TBX_DIR / "tbx-basic-v2.tbx", **langs)


@pytest.mark.parametrize("code", ["EN", "en-us", "en_GB", "eng", "eng-US"])
def test_tbx_languages_match_by_primary_subtag(code):
    text = (f'<martif><text><body><termEntry><langSet xml:lang="{code}"><tig><term>a b</term>'
            '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>'
            '<tig><term>c</term></tig></langSet></termEntry></body></text></martif>')
    entries, _ = tbx_to_entries(text, "x.tbx", target_lang="en")
    assert pairs(entries) == [(("a b",), "c")]


@pytest.mark.parametrize(("text", "message"), [
    ("<html><body/></html>", r"no <termEntry>, <conceptEntry> or <conceptGrp> element: is this a TBX or "
                             r"MultiTerm XML file\? "
                             r"\(its root element is <html>\)"),
    ("<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>x</term>"
     "<termNote type='administrativeStatus'>deprecatedTerm-admn-sts</termNote></tig>"
     "</langSet></termEntry></body></text></martif>",
     r"no entry could be imported from 1 concepts: #1: deprecated en term\(s\) \['x'\] but no "
     r"approved en term"),
])
def test_tbx_that_yields_no_entry_is_an_error_saying_why(text, message):
    with pytest.raises(GlossaryError, match=message):
        tbx_to_entries(text, "x.tbx")


def test_tbx_entities_are_never_expanded_nor_fetched(tmp_path):
    secret = write(tmp_path / "secret.txt", "TOP SECRET")
    text = (f'<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa">'
            f'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file://{secret}">]>'
            '<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&x;&b;</term>'
            '</tig></langSet></termEntry></body></text></martif>')
    with pytest.raises(GlossaryError, match=r"&x; is an entity declared in the file's DTD; mtfix "
                                            "does not expand entities") as err:
        tbx_to_entries(text, "x.tbx")
    assert err.value.line == 1 and "TOP SECRET" not in str(err.value)


def test_tbx_bad_xml_names_the_line():
    with pytest.raises(GlossaryError, match=r"not well-formed XML") as err:
        tbx_to_entries("<martif>\n<text>\n<body></martif>", "x.tbx")
    assert err.value.line == 3


# -- TBX export ----------------------------------------------------------------------------------
def test_bilingual_tbx_export_reads_back_to_the_same_entries(tmp_path):
    entries, _ = read_entries(TBX_DIR / "tbx-basic-v2.tbx", source_lang="zh")
    entries += [RawEntry(id="t.psd", find=("provincial public security department",),
                         replace="provincial department of public security",
                         target="Provincial Department of Public Security", source=("公安厅",),
                         context=("police",), note="case follows the text"),
                RawEntry(id="t.chrome", find=("Vision protection color:",), replace="")]
    data = entries_to_tbx(entries, target_lang="en-US", source_lang="zh-CN")
    text = data.decode()
    assert '<langSet xml:lang="zh-CN">\n          <tig>\n            <term>二级巡视员</term>' in text
    assert ("<term>Provincial Department of Public Security</term>\n            <termNote "
            'type="administrativeStatus">preferredTerm-admn-sts</termNote>') in text
    back, result = tbx_to_entries(data, "x.tbx", target_lang="en", source_lang="zh")
    assert plain(back) == plain(entries)
    assert result.skipped == []


def test_tbx_export_without_source_lang_keeps_sources_in_notes(tmp_path):
    src = write(tmp_path / "g.toml", '[[entry]]\nid = "g.a"\nfind = "second class inspector"\n'
                'replace = "Level II Inspector"\nsource = "二级巡视员"\n')
    result = export_glossary([src], tmp_path / "g.tbx")
    assert "give --source-lang" in result.notices[0]
    assert "<note>mtfix:source=二级巡视员</note>" in (tmp_path / "g.tbx").read_text("utf-8")
    back, _ = read_entries(tmp_path / "g.tbx")
    assert plain(back) == plain(read_glossary(src).entries)


# (XML cannot hold U+FFFE/U+FFFF: the export refuses such an entry, as
# test_glossary_tools.py's test of it checks; here only what a TBX file can carry)
_tbx_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"),
                                  exclude_characters="{}\\\ufffe\uffff"), min_size=1,
                    max_size=15).filter(lambda s: s.strip() == s)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(_tbx_text, min_size=1, max_size=2, unique=True),
                          st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"),
                                                exclude_characters="\ufffe\uffff"),
                                  max_size=15),
                          st.lists(_tbx_text, max_size=2, unique=True),
                          st.one_of(st.none(), _tbx_text), st.sampled_from(["phrase", "exact"])),
                min_size=1, max_size=5))
def test_tbx_round_trip_property(rows):
    entries = [RawEntry(id=f"t:{i}", find=tuple(finds), replace=replace, source=tuple(sources),
                        target=None if target == replace else target, match=match)
               for i, (finds, replace, sources, target, match) in enumerate(rows)]
    # --source-lang names a language the file must have (else it is a wrong code)
    source_lang = "zh" if any(e.source for e in entries) else None
    for write in (entries_to_tbx, entries_to_tbx_min):
        data = write(entries, target_lang="en", source_lang=source_lang)
        back, result = tbx_to_entries(data, "x.tbx", target_lang="en", source_lang=source_lang)
        assert result.skipped == []
        assert plain(back) == plain(entries)


def test_tbx_min_export_is_the_minimal_dialect_and_reads_back(tmp_path):
    source = tmp_path / "police.toml"
    source.write_text(
        '[[entry]]\nid = "police.psd"\nfind = "Provincial Public Security Department"\n'
        'replace = "Provincial Department of Public Security"\nsource = "公安厅"\n'
        'note = "official name"\nexamples = [{ text = "the Provincial Public Security '
        'Department", fixed = "the Provincial Department of Public Security" }]\n',
        encoding="utf-8")
    out = tmp_path / "police.tbxm"
    result = runner.invoke(app, ["glossary", "export", str(source), "-o", str(out),
                                 "--source-lang", "zh"])
    assert result.exit_code == 0, result.output
    root = etree.fromstring(out.read_bytes())
    assert (root.tag, root.get("dialect")) == ("TBX", "TBX-Min")
    assert root.find("header/languages").attrib == {"source": "zh", "target": "en"}
    groups = root.findall("body/conceptEntry/langGroup")
    assert [g.get(XML_LANG) for g in groups] == ["zh", "en"]
    terms = [(t.findtext("term"), t.findtext("termStatus")) for t in groups[1]]
    assert terms == [("Provincial Department of Public Security", "preferred"),
                     ("Provincial Public Security Department", "notRecommended")]
    # only TBX-Min's elements: notes sit on the approved term
    names = {e.tag for e in root.iter()}
    assert names <= {"TBX", "header", "id", "description", "languages", "body", "conceptEntry",
                     "langGroup", "termGroup", "term", "termStatus", "note"}
    back = tmp_path / "back.toml"
    assert runner.invoke(app, ["glossary", "import", str(out), "-o", str(back),
                               "--source-lang", "zh"]).exit_code == 0
    assert plain(read_glossary(back).entries) == plain(read_glossary(source).entries)


# -- the CLI --------------------------------------------------------------------------------------
def test_cli_import_tbx_with_languages(tmp_path):
    out = tmp_path / "police.toml"
    result = runner.invoke(app, ["glossary", "import", str(TBX_DIR / "memoq.tbx"), "-o", str(out),
                                 "--source-lang", "zh", "--target-lang", "en"])
    assert result.exit_code == 0, result.output
    assert "note: no deprecated term: written as a term record" in result.output
    assert "2 entries written" in result.output
    first, _record = read_glossary(out).entries
    assert (first.source, first.find) == (("公安厅",), ("Provincial Public Security Department",))
    Glossary.load([out])


def test_cli_import_that_yields_nothing_exits_2(tmp_path):
    out = tmp_path / "x.toml"
    result = runner.invoke(app, ["glossary", "import", str(TBX_DIR / "memoq.tbx"), "-o", str(out),
                                 "--target-lang", "fr"])
    assert result.exit_code == 2
    assert "no term in language fr (--target-lang): the file has zh-cn, en-gb" in result.output
    assert not out.exists()
    semicolons = write(tmp_path / "g.csv", "find;replace\nVision protection color:;\n")
    result = runner.invoke(app, ["glossary", "import", str(semicolons), "-o", str(out)])
    assert result.exit_code == 2 and "g.csv:2: empty replace cell" in result.output
    result = runner.invoke(app, ["glossary", "import", str(semicolons), "-o", str(out),
                                 "--allow-deletions"])
    assert result.exit_code == 0 and "read as semicolon-separated" in result.output
    gb = write(tmp_path / "gb.csv", "find,replace\n公安厅,x\n".encode("gb18030"))
    result = runner.invoke(app, ["glossary", "import", str(gb), "-o", str(tmp_path / "gb.toml")])
    assert result.exit_code == 2 and "gb.csv:2: not valid UTF-8" in result.output


def test_cli_export_tbx_with_languages(tmp_path):
    src = write(tmp_path / "g.toml", '[[entry]]\nid = "g.a"\nfind = "second class inspector"\n'
                'replace = "Level II Inspector"\nsource = "二级巡视员"\n')
    out = tmp_path / "g.tbx"
    result = runner.invoke(app, ["glossary", "export", str(src), "-o", str(out),
                                 "--source-lang", "zh", "--target-lang", "en"])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.toml"
    result = runner.invoke(app, ["glossary", "import", str(out), "-o", str(back),
                                 "--source-lang", "zh", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert plain(read_glossary(back).entries) == plain(read_glossary(src).entries)


# -- the guide's examples run as written ------------------------------------------------------------
GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "glossary-tools.md"


def test_the_guide_examples_run_as_written(tmp_path, monkeypatch):
    """The import/export examples in docs/guide/glossary-tools.md give what the guide says they
    give. bash runs the shell around them (here-documents, printf); each ``mtfix`` call is
    recorded and then run in this process, in order (no interpreter start per call)."""
    import re
    import subprocess

    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    wanted = [b for b in blocks if "police.tbx <<" in b or "sheet.csv" in b]
    assert len(wanted) == 2
    record = 'n=0\nmtfix() { n=$((n+1)); printf "%s\\0" "$@" > "call.$n"; }\n'
    run = subprocess.run(["bash", "-c", record + "\n".join(wanted)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    calls = sorted(tmp_path.glob("call.*"), key=lambda p: int(p.suffix[1:]))
    assert len(calls) == 5, run.stderr
    monkeypatch.chdir(tmp_path)
    output = ""
    for call in calls:
        args = call.read_bytes().decode("utf-8").split("\0")[:-1]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        output += result.output
    promised = re.search(r"cat out/news.txt +# (.*)", wanted[0]).group(1)
    assert (tmp_path / "out" / "news.txt").read_text(encoding="utf-8") == promised + "\n"
    for line in re.findall(r"^# (mtfix glossary import: note: .*)$", wanted[1], re.M):
        assert line in output
    first, term_record = read_glossary(tmp_path / "police.toml").entries
    assert (first.id, first.source, first.note) == (
        "police.provincial-department-of-public-security", ("公安厅",),
        "TBX concept psd; subject: public security")
    assert (term_record.id, term_record.match) == ("police.police-station", "exact")
    back, _ = read_entries(tmp_path / "back.tbx", source_lang="zh")
    assert plain(back) == plain([first, term_record])
