"""Line-based user files split into records at \\n and \\r\\n only.

Issue "Never lose a byte", item 17: ``str.splitlines`` also splits at U+0085, U+2028, U+2029,
\\x0b, \\x0c and \\x1c-\\x1e, so a TSV glossary row holding one became two rows: a bogus entry,
applied silently. The same held for the page-chrome phrase list and ``glossary learn``'s
segment files.
"""

from __future__ import annotations

import pytest

from mtfix.glossary.model import parse_tsv
from mtfix.glossary_tools.exchange import table_to_entries
from mtfix.glossary_tools.learn import read_segments
from mtfix.passes.rules.chrome import read_phrases
from mtfix.textutil import split_records

SEPARATORS = ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


def test_split_records_only_at_newlines():
    assert split_records("a\u2028b\r\nc\n\nd") == ["a\u2028b", "c", "", "d"]
    assert split_records("a\n") == ["a"] and split_records("") == []


@pytest.mark.parametrize("sep", SEPARATORS)
def test_tsv_row_with_a_unicode_line_separator_stays_one_entry(sep):
    glossary = parse_tsv(f"alpha\tbeta{sep}gamma\tdelta\r\nomega\tpsi\n", "g.tsv")
    assert [(e.find, e.replace, e.note, e.line) for e in glossary.entries] == [
        (("alpha",), f"beta{sep}gamma", "delta", 1), (("omega",), "psi", "", 2)]


@pytest.mark.parametrize("sep", SEPARATORS)
def test_chrome_phrase_with_a_unicode_line_separator_stays_one_phrase(tmp_path, sep):
    path = tmp_path / "chrome.txt"
    path.write_text(f"# buttons\nPrint{sep}this page\r\nClose\n", encoding="utf-8")
    assert read_phrases(path) == [f"Print{sep}this page", "Close"]


def test_learn_segments_keep_a_unicode_line_separator(tmp_path):
    path = tmp_path / "mt.txt"
    path.write_text("one\u2028two\r\nthree\n", encoding="utf-8")
    assert read_segments(path) == ["one\u2028two", "three"]


def test_tsv_import_keeps_a_unicode_line_separator():
    entries, _result = table_to_entries("find\treplace\nalpha\u2028x\tbeta\n", "g.tsv",
                                        delimiter="\t")
    assert [(e.find, e.replace) for e in entries] == [(("alpha\u2028x",), "beta")]
