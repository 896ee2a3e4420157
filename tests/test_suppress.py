"""Inline suppressions (mtfix.suppress): `mtfix: ignore` keeps a line (a PO or XLIFF unit) as it
is, `mtfix: off` ... `mtfix: on` a block; no pass changes or flags the text, and the comments
themselves are never changed."""

from __future__ import annotations

import pytest

from mtfix.api import build_pipeline, fix_file
from mtfix.formats import FormatOptions
from mtfix.suppress import suppressed_spans, unit_ignored

# Each line is changed by the shipped glossary and rules ("Anti smuggling", " .", "the the").
LINE = "The Anti smuggling Bureau met . It was the the end ."
FIXED = "The Anti-smuggling Bureau met. It was the the end."  # ("the the" is only flagged)


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()


def fix(tmp_path, name, text, pipeline, **options):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = fix_file(source, tmp_path / f"fixed-{name}", pipeline=pipeline,
                      options=FormatOptions(**options) if options else None)
    return (tmp_path / f"fixed-{name}").read_text(encoding="utf-8"), result


def test_text_ignore_line_and_off_on_block(tmp_path, pipeline):
    text = (f"{LINE}  # mtfix: ignore\n{LINE}\n// mtfix: off\n{LINE}\n{LINE} <!-- mtfix: ignore -->\n"
            f"// mtfix: on\n{LINE}  <!-- mtfix: ignore -->\n{LINE}\n")
    out, result = fix(tmp_path, "a.txt", text, pipeline)
    assert out == (f"{LINE}  # mtfix: ignore\n{FIXED}\n// mtfix: off\n{LINE}\n{LINE} <!-- mtfix: "
                   f"ignore -->\n// mtfix: on\n{LINE}  <!-- mtfix: ignore -->\n{FIXED}\n")
    assert {c.line for c in result.changes} == {2, 8}  # no change and no flag elsewhere
    again, second = fix(tmp_path, "b.txt", out, pipeline)
    assert again == out and not second.applied_count


def test_a_block_left_open_runs_to_the_end_and_crosses_chunks(tmp_path, pipeline):
    text = f"{LINE}\n\n# mtfix: off\n" + f"{LINE}\n\n" * 50
    out, _ = fix(tmp_path, "a.txt", text, pipeline, chunk_size=200)
    assert out == f"{FIXED}\n\n# mtfix: off\n" + f"{LINE}\n\n" * 50


def test_fix_text_follows_the_text_convention(pipeline):
    result = pipeline.fix_text(f"{LINE} # mtfix: ignore\n{LINE}\n")
    assert result.text == f"{LINE} # mtfix: ignore\n{FIXED}\n"


def test_markdown_takes_html_comments_only(tmp_path, pipeline):
    text = (f"# Title\n\n{LINE} <!-- mtfix: ignore -->\n\n{LINE} # mtfix: ignore\n\n"
            f"<!-- mtfix: off -->\n{LINE}\n<!-- mtfix: on -->\n\n{LINE}\n")
    out, _ = fix(tmp_path, "a.md", text, pipeline)
    assert out == (f"# Title\n\n{LINE} <!-- mtfix: ignore -->\n\n{FIXED} # mtfix: ignore\n\n"
                   f"<!-- mtfix: off -->\n{LINE}\n<!-- mtfix: on -->\n\n{FIXED}\n")


PO = f"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

# mtfix: ignore
msgid "a"
msgstr "{LINE}"

# reviewed by Ana
msgid "b"
msgstr "{LINE}"
"""


def test_po_translator_comment_ignores_its_unit(tmp_path, pipeline):
    out, result = fix(tmp_path, "a.po", PO, pipeline)
    assert out == PO.replace(f'"b"\nmsgstr "{LINE}"', f'"b"\nmsgstr "{FIXED}"')
    assert {c.segment for c in result.changes} == {"b"}


XLIFF = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="f" source-language="zh" target-language="en" datatype="plaintext">
  <body>
   <trans-unit id="1"><source>x</source><target>{LINE}</target><note>mtfix: ignore</note></trans-unit>
   <trans-unit id="2"><source>x</source><target>{LINE}</target><note>check</note></trans-unit>
  </body>
 </file>
</xliff>
"""

XLIFF2 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">
 <file id="f1">
  <unit id="u1"><notes><note>mtfix: ignore</note></notes>
   <segment><source>x</source><target>{LINE}</target></segment></unit>
  <unit id="u2"><segment><source>x</source><target>{LINE}</target></segment></unit>
 </file>
</xliff>
"""


@pytest.mark.parametrize("xliff,fixed_unit", [(XLIFF, "2"), (XLIFF2, "u2")])
def test_xliff_note_ignores_its_unit(tmp_path, pipeline, xliff, fixed_unit):
    out, result = fix(tmp_path, "a.xlf", xliff, pipeline, mark_review=False)
    assert out.count(LINE) == 1 and out.count(FIXED) == 1
    assert out.index(LINE) < out.index(FIXED)  # the first unit is the one kept
    assert {c.segment for c in result.changes} == {fixed_unit}


def test_the_directives():
    assert unit_ignored("mtfix: ignore") and unit_ignored("checked\nmtfix:ignore")
    assert not unit_ignored("mtfix: ignored later") and not unit_ignored(None)
    text = "a # mtfix: ignore\nb mtfix: ignore\nc\n"
    assert suppressed_spans(text) == [(0, 18)]  # a directive must be in a comment
    assert suppressed_spans(text, markdown=True) == []
