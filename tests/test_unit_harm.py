"""No harm in translation files (PO, XLIFF, TMX): a unit is a string of a program's interface,
so no pass may empty it or delete all its words, and whole-line deletions (page chrome,
duplicate lines, glossary ``line`` deletions) are flagged there, never applied. The shipped
glossaries and rules are used: they are what did the harm (``msgstr "Vision protection
color:"`` became ``""`` and ``"Vision protection color: %s"`` became ``"%s"``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from translate.storage import po, tmx, xliff

from mtfix.api import build_pipeline, fix_file
from mtfix.change import Edit
from mtfix.pipeline import Pipeline, unit_safe_edits
from mtfix.spans import SpanSet

HARMED = ["Vision protection color:", "Vision protection color: %s", "Hit rate:",
          "Eye-care mode: off", "Print this page"]
KEPT = "Published: 2024-02-02 News source: The Provincial Public Security Department"


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()  # the shipped glossaries and the default rules


def _po(texts: list[str]) -> str:
    units = "".join(f'\nmsgid "id{n}"\nmsgstr "{text}"\n' for n, text in enumerate(texts))
    return 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n' + units


def _xliff(texts: list[str]) -> str:
    units = "".join(f'<trans-unit id="u{n}"><source>s{n}</source><target>{text}</target>'
                    "</trans-unit>" for n, text in enumerate(texts))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
            'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
            'source-language="zh" target-language="en" datatype="plaintext"><body>'
            f"{units}</body></file></xliff>\n")


def _tmx(texts: list[str]) -> str:
    units = "".join(f'<tu tuid="t{n}"><tuv xml:lang="zh"><seg>s{n}</seg></tuv>'
                    f'<tuv xml:lang="en"><seg>{text}</seg></tuv></tu>'
                    for n, text in enumerate(texts))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh" '
            'datatype="plaintext" segtype="sentence" adminlang="en" creationtool="t" '
            f'creationtoolversion="1" o-tmf="t"/><body>{units}</body></tmx>\n')


def _targets(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".po":
        return [str(u.target) for u in po.pofile(data).units if not u.isheader()]
    if path.suffix == ".xlf":
        return [str(u.target) for u in xliff.xlifffile(data).units]
    return [str(u.target) for u in tmx.tmxfile(data).units]


@pytest.mark.parametrize("suffix, make", [(".po", _po), (".xlf", _xliff), (".tmx", _tmx)])
def test_chrome_never_empties_a_unit_or_deletes_all_its_words(pipeline, tmp_path, suffix, make):
    source = tmp_path / f"ui{suffix}"
    source.write_text(make([*HARMED, KEPT]), encoding="utf-8")
    result = fix_file(source, tmp_path / f"out{suffix}", pipeline=pipeline)
    fixed = _targets(tmp_path / f"out{suffix}")
    assert fixed[: len(HARMED)] == HARMED  # untouched: "" and "%s" were the harm
    # a fragment inside a unit with other words may still go
    assert fixed[-1] == "Published: 2024-02-02 Source: The Provincial Public Security Department"
    flagged = {c.segment for c in result.changes if c.is_flag}
    assert len(flagged) >= len(HARMED)  # each harmful deletion is shown to a reviewer
    assert all(c.proposal is not None for c in result.changes if c.is_flag and "unit" in c.note)


def test_po_placeholder_alone_is_never_left(pipeline, tmp_path):
    source = tmp_path / "a.po"
    source.write_text(_po(["Vision protection color: %s"]), encoding="utf-8")
    fix_file(source, tmp_path / "b.po", pipeline=pipeline)
    assert 'msgstr "Vision protection color: %s"' in (tmp_path / "b.po").read_text("utf-8")


def test_a_duplicate_line_inside_a_unit_is_flagged_not_deleted(tmp_path):
    text = "The meeting was held.\\nThe meeting was held."
    source = tmp_path / "a.po"
    source.write_text(_po([text]), encoding="utf-8")
    pipeline = build_pipeline(default_glossaries=False)
    result = fix_file(source, tmp_path / "b.po", pipeline=pipeline)
    assert _targets(tmp_path / "b.po") == ["The meeting was held.\nThe meeting was held."]
    assert [c.rule for c in result.changes if c.is_flag] == ["duplicate_lines"]


def test_the_same_text_outside_a_unit_is_still_fixed(pipeline):
    assert pipeline.fix_text("Title\nVision protection color:\nBody\n").text == "Title\nBody\n"


def test_second_run_on_a_unit_file_changes_nothing(pipeline, tmp_path):
    source = tmp_path / "a.po"
    source.write_text(_po([*HARMED, KEPT]), encoding="utf-8")
    fix_file(source, tmp_path / "b.po", pipeline=pipeline)
    again = fix_file(tmp_path / "b.po", tmp_path / "c.po", pipeline=pipeline)
    assert not [c for c in again.changes if not c.is_flag]
    assert (tmp_path / "b.po").read_bytes() == (tmp_path / "c.po").read_bytes()


class _Delete:
    """A pass that deletes each given span (to drive :func:`unit_safe_edits` directly)."""

    name, wants_flags, wants_segment, wants_source = "del", False, False, False

    def __init__(self, spans):
        self.spans = spans

    def find_edits(self, text, protected=()):
        return [Edit(s, e, "", "del") for s, e in self.spans if e <= len(text)]

    def rule_order(self):
        return {}

    def fingerprint(self):
        return "del"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab %s\n.", max_size=30),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=4))
def test_no_pass_leaves_a_unit_without_words(text, spans):
    spans = [(min(a, b), max(a, b)) for a, b in spans]
    fixed, _changes = Pipeline([_Delete(spans)]).fix_segment(
        text, doc="d", segment="u", unit=True)
    if any(ch.isalnum() for ch in text):
        assert any(ch.isalnum() for ch in fixed)
    if text.strip():
        assert fixed.strip()


def test_unit_safe_edits_keeps_edits_that_leave_words():
    edits = [Edit(0, 5, "", "r"), Edit(6, 11, "World", "r")]
    assert unit_safe_edits(edits, "Hello world again", SpanSet([])) == edits
