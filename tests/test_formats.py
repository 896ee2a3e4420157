"""File formats: only target text changes, markup and placeholders are never touched, and the
output parses with the same library to the same data except the fixed targets."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from mtfix.api import build_pipeline, fix_file
from mtfix.change import apply_changes, text_hash
from mtfix.chunking import chunk_text, stream_chunks
from mtfix.fileio import InputError
from mtfix.formats import FormatOptions, detect_format, fix_document, placeholder_spans
from mtfix.formats.markdown import markdown_protected

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"
DATA = Path(__file__).parent / "data" / "formats"


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline([GLOSSARY], default_glossaries=False)


def run(pipeline, source: Path, target: Path, **options):
    return list(fix_document(source, target, pipeline=pipeline, options=FormatOptions(**options)))


# -- XLIFF 1.2 -------------------------------------------------------------------------------------

XLIFF12 = (DATA / "units-1.2.xlf").read_text(encoding="utf-8")


def _without_targets(tree, target_tag: str, state_holders=()):
    """A copy of the tree with target contents and review states emptied, in canonical form."""
    tree = copy.deepcopy(tree)
    for element in tree.iter(target_tag):
        for child in list(element):
            element.remove(child)
        element.text = None
        element.attrib.pop("state", None)
    for tag in state_holders:
        for element in tree.iter(tag):
            element.attrib.pop("state", None)
            element.attrib.pop("subState", None)
    return etree.tostring(tree, method="c14n")


def test_xliff12_only_targets_change_and_markup_is_kept(pipeline, tmp_path):
    from translate.storage import xliff

    source = tmp_path / "a.xlf"
    source.write_text(XLIFF12, encoding="utf-8")
    changes = run(pipeline, source, tmp_path / "out.xlf")

    before = xliff.xlifffile.parsefile(str(source))
    after = xliff.xlifffile.parsefile(str(tmp_path / "out.xlf"))
    assert [u.getid() for u in before.units] == [u.getid() for u in after.units]
    for old, new in zip(before.units, after.units, strict=True):
        assert new.source == old.source and new.getnotes() == old.getnotes()
        assert new.getcontext() == old.getcontext()
    # Every field outside the targets (and the review state) is identical.
    ns = "{urn:oasis:names:tc:xliff:document:1.2}"
    assert _without_targets(before.document, ns + "target") == _without_targets(
        after.document, ns + "target")

    targets = {u.getid().split("\x04")[-1]: u.xmlelement.find(ns + "target") for u in after.units}
    u1 = etree.tostring(targets["u1"], encoding="unicode", with_tail=False)
    # Text between the tags is fixed; tags, placeholders and attribute values are not.
    assert ('>Please select this: <g id="1">your title &amp; {name}</g> or <x id="name"/> '
            '%s %(name)s title.</target>') in u1
    assert targets["u1"].get("state") == "needs-review-translation"
    # Unchanged unit: state kept; code inside <ph> and <bpt> never matched.
    assert targets["u2"].get("state") == "final"
    assert "&lt;name&gt;" in etree.tostring(targets["u2"], encoding="unicode")
    u4 = etree.tostring(targets["u4"], encoding="unicode", with_tail=False)
    assert '<bpt id="5">&lt;b name="x"&gt;</bpt>second-level inspector<ept id="5">' in u4

    assert {c.segment for c in changes} == {"u1", "u4"}
    for change in changes:
        unit = XLIFF_SEGMENTS(source)[change.segment]
        assert change.base == text_hash(unit)
        assert unit[change.start:change.end] == change.before
    # Unchanged bytes stay unchanged: only the two target lines differ.
    old_lines = XLIFF12.splitlines()
    new_lines = (tmp_path / "out.xlf").read_text(encoding="utf-8").splitlines()
    assert len(old_lines) == len(new_lines)
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [8, 20]


def XLIFF_SEGMENTS(path: Path) -> dict[str, str]:
    """Segment texts as mtfix sees them (for checking change offsets)."""
    from mtfix.formats.translation import _load, _xliff1_targets

    store, _data, _kind = _load(path, "xliff")
    return {t.id: t.text for _owner, t, _lang in _xliff1_targets(store)}


def test_xliff_second_run_changes_nothing(pipeline, tmp_path):
    source = tmp_path / "a.xlf"
    source.write_text(XLIFF12, encoding="utf-8")
    run(pipeline, source, tmp_path / "once.xlf")
    assert [c for c in run(pipeline, tmp_path / "once.xlf", tmp_path / "twice.xlf")
            if not c.is_flag] == []
    assert (tmp_path / "once.xlf").read_bytes() == (tmp_path / "twice.xlf").read_bytes()


def test_xliff_no_mark_review_keeps_states(pipeline, tmp_path):
    source = tmp_path / "a.xlf"
    source.write_text(XLIFF12, encoding="utf-8")
    run(pipeline, source, tmp_path / "out.xlf", mark_review=False)
    out = (tmp_path / "out.xlf").read_text(encoding="utf-8")
    assert "needs-review" not in out and "second-level inspector" in out


def test_unchanged_xliff_is_copied_byte_for_byte(pipeline, tmp_path):
    source = tmp_path / "a.xlf"
    data = XLIFF12.replace("click here", "tap").replace("name", "nom").replace("second-class", "x")
    source.write_text(data, encoding="utf-8")
    assert run(pipeline, source, tmp_path / "out.xlf") == []
    assert (tmp_path / "out.xlf").read_bytes() == source.read_bytes()


# -- XLIFF 2 -------------------------------------------------------------------------------------

XLIFF2 = (DATA / "units-2.0.xlf").read_text(encoding="utf-8")


def test_xliff2_targets_fixed_pc_content_fixed_ph_and_untranslatable_kept(pipeline, tmp_path):
    from translate.storage import xliff2

    source = tmp_path / "a.xlf"
    source.write_text(XLIFF2, encoding="utf-8")
    changes = run(pipeline, source, tmp_path / "out.xlf")
    assert {c.segment for c in changes} == {"u1::s1"}
    before = xliff2.Xliff2File.parsefile(str(source))
    after = xliff2.Xliff2File.parsefile(str(tmp_path / "out.xlf"))
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    assert _without_targets(before.document, ns + "target", [ns + "segment"]) == _without_targets(
        after.document, ns + "target", [ns + "segment"])
    s1, s2 = after.units
    target = etree.tostring(s1.xmlelement.find(ns + "target"), encoding="unicode", with_tail=False)
    assert ('>Select this <pc id="1">title</pc><ph id="2"/> {0} <mrk id="m1" translate="no">name'
            '</mrk>.</target>') in target
    assert s1.xmlelement.get("state") == "translated"
    assert s1.xmlelement.get("subState") == "mtfix:needs-review"
    assert s2.xmlelement.get("state") == "reviewed" and s2.xmlelement.get("subState") is None
    assert [u.getnotes() for u in after.units] == [u.getnotes() for u in before.units]


# -- TMX -----------------------------------------------------------------------------------------------

TMX = (DATA / "memory.tmx").read_text(encoding="utf-8")


def test_tmx_source_language_variants_and_untranslatable_xliff_units_are_left(pipeline, tmp_path):
    source = tmp_path / "a.tmx"
    source.write_text(TMX.replace('xml:lang="fr"', 'xml:lang="FR"'), encoding="utf-8")
    assert [c.segment for c in run(pipeline, source, tmp_path / "out.tmx")] == ["t1"]
    xlf = tmp_path / "a.xlf"
    xlf.write_text(XLIFF12.replace('<trans-unit id="u4">', '<trans-unit id="u4" translate="no">'),
                   encoding="utf-8")
    assert {c.segment for c in run(pipeline, xlf, tmp_path / "out.xlf")} == {"u1"}


def test_tmx_only_target_language_fixed(pipeline, tmp_path):
    from translate.storage import tmx

    source = tmp_path / "a.tmx"
    source.write_text(TMX, encoding="utf-8")
    changes = run(pipeline, source, tmp_path / "out.tmx")
    assert [(c.segment, c.before, c.after) for c in changes] == [("t1", "name", "title")]
    before = tmx.tmxfile.parsefile(str(source))
    after = tmx.tmxfile.parsefile(str(tmp_path / "out.tmx"))
    assert [u.source for u in after.units] == [u.source for u in before.units]
    assert after.units[0].target == before.units[0].target.replace(">name<", ">title<")
    out = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert ('<seg>Hello <bpt i="1">&lt;b name="1"&gt;</bpt>title<ept i="1">&lt;/b&gt;</ept> %s'
            '</seg>') in out
    assert out.replace(">title<", ">name<", 1) == TMX


# -- PO -----------------------------------------------------------------------------------------------

PO = r'''# Translator comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#. extracted: name field
#: src/a.c:10
#, c-format
msgctxt "form"
msgid "Enter your name %s"
msgstr "Enter your name %s, %(name)s"

#: src/a.c:20
msgid "one file"
msgid_plural "%d files"
msgstr[0] "one name"
msgstr[1] "%d names, click here"

msgid "untouched"
msgstr "nothing to do"

#~ msgid "old name"
#~ msgstr "old name"
'''


def _po_fields(unit):
    return (unit.getid(), unit.source, unit.getnotes(), unit.getlocations(), unit.isobsolete(),
            unit.hasplural(), unit.msgctxt, unit.typecomments)


@pytest.mark.parametrize("mark", [None, True])
def test_po_msgstr_fixed_everything_else_kept(pipeline, tmp_path, mark):
    from translate.storage import po

    source = tmp_path / "a.po"
    source.write_text(PO, encoding="utf-8")
    changes = run(pipeline, source, tmp_path / "out.po", mark_review=mark)
    before = po.pofile.parsefile(str(source))
    after = po.pofile.parsefile(str(tmp_path / "out.po"))
    assert len(before.units) == len(after.units)
    changed = {c.segment for c in changes}
    assert changed == {"form\x04Enter your name %s", "one file[0]", "one file[1]"}
    for old, new in zip(before.units, after.units, strict=True):
        if old.getid() in ("form\x04Enter your name %s", "one file"):
            assert new.isfuzzy() is bool(mark)
            continue
        assert _po_fields(new)[:-1] == _po_fields(old)[:-1]
        assert new.target == old.target and new.isfuzzy() == old.isfuzzy()
    units = {u.getid(): u for u in after.units}
    # %(name)s is a placeholder: protected.
    assert units["form\x04Enter your name %s"].target == "Enter your title %s, %(name)s"
    assert list(map(str, units["one file"].target.strings)) == ["one title", "%d names, select this"]
    # Everything outside the msgstrs: identical fields.
    for key in ("form\x04Enter your name %s", "one file"):
        old = next(u for u in before.units if u.getid() == key)
        assert _po_fields(units[key])[:-1] == _po_fields(old)[:-1]


def test_malformed_xml_names_file_and_line_and_writes_nothing(pipeline, tmp_path):
    source = tmp_path / "bad.xlf"
    source.write_text(XLIFF12.replace("</g> or", "</x> or"), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.xlf:9: not a valid XLIFF file"):
        run(pipeline, source, tmp_path / "out.xlf")
    assert not (tmp_path / "out.xlf").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.xlf"]


# -- JSON Lines -----------------------------------------------------------------------------------

def test_jsonl_fields_fixed_other_bytes_kept(pipeline, tmp_path):
    lines = [
        '{"id": 1, "text": "a second-class inspector", "score": 1.50, "meta": {"mt": "name"}}',
        '{"id":2,"text":"nothing","note":"name"}',
        '{"id": 3, "text": "\\u540d click here", "meta": {"mt": "your name"}}',
        '{"id": 4}',
        '',
        '{"id": 5, "text": 42}',
    ]
    source = tmp_path / "a.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    changes = run(pipeline, source, tmp_path / "out.jsonl", fields=("text", "meta.mt"))
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8").split("\n")
    assert out[0] == ('{"id": 1, "text": "a second-level inspector", "score": 1.50, '
                      '"meta": {"mt": "title"}}')
    assert out[1:] == [lines[1], '{"id": 3, "text": "\\u540d select this", "meta": '
                       '{"mt": "your title"}}', *lines[3:], ""]
    for old, new in zip(lines, out, strict=False):
        if old:
            a, b = json.loads(old), json.loads(new)
            assert {k: v for k, v in a.items() if k not in ("text", "meta")} == \
                {k: v for k, v in b.items() if k not in ("text", "meta")}
    assert sorted({c.segment for c in changes}) == ["1/meta.mt", "1/text", "3/meta.mt", "3/text"]
    originals = {"1/text": "a second-class inspector", "1/meta.mt": "name",
                 "3/text": "名 click here", "3/meta.mt": "your name"}
    for change in changes:
        original = originals[change.segment]
        assert change.base == text_hash(original)
        assert original[change.start:change.end] == change.before


def test_jsonl_broken_line_is_an_error_with_line_number(pipeline, tmp_path):
    source = tmp_path / "a.jsonl"
    source.write_text('{"text": "name"}\n{"text": "name"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.jsonl:2: not a JSON object line"):
        run(pipeline, source, tmp_path / "out.jsonl", fields=("text",))
    assert not (tmp_path / "out.jsonl").exists()


def test_jsonl_without_fields_is_an_error(pipeline, tmp_path):
    source = tmp_path / "a.jsonl"
    source.write_text('{"text": "name"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="--field"):
        run(pipeline, source, tmp_path / "out.jsonl")


# -- Markdown and text ---------------------------------------------------------------------------

MARKDOWN = """# The name of the page

Please click here for your `name` and [name](http://x.org/name) <span title="name">name</span>.

```python
name = "click here"

second-class inspector
```

    indented name code

Last name paragraph.
"""


def test_markdown_code_and_markup_protected(pipeline, tmp_path):
    source = tmp_path / "a.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    changes = run(pipeline, source, tmp_path / "out.md")
    out = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert out == (MARKDOWN.replace("The name", "The title")
                   .replace("Please click here", "Please select this")
                   .replace("[name](", "[title](").replace(">name<", ">title<")
                   .replace("Last name", "Last title"))
    assert apply_changes(MARKDOWN, changes) == out
    assert all(c.segment is None for c in changes)


def test_markdown_fence_state_carries_across_chunks(pipeline, tmp_path):
    body = "\n\n".join(f"para {i} name" for i in range(50))
    code = "\n\n".join(f"code {i} name" for i in range(50))
    text = f"{body}\n\n```\n{code}\n```\n\n{body}\n"
    source = tmp_path / "a.md"
    source.write_text(text, encoding="utf-8")
    run(pipeline, source, tmp_path / "out.md", chunk_size=64)
    out = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert out.count("code") == 50 and "code 7 name" in out and "para 7 title" in out
    assert out == text.replace("name", "title").replace(
        code.replace("name", "title"), code)


def test_markdown_protected_spans_examples():
    text = "a `x` b\n\n~~~\ncode\n~~~\n<!-- c -->"
    spans = markdown_protected(text)
    assert sorted(text[s:e] for s, e in spans) == sorted(["`x`", "~~~\n", "code\n", "~~~\n",
                                                           "<!-- c -->"])


SAMPLE = Path(__file__).parent.parent / "samples" / "anhui-police-meeting-2024.txt"


def _generated_text(paragraphs: int) -> str:
    """Real MT paragraphs (the repository sample), numbered, with test-glossary phrases mixed in
    and some CRLF line ends and single line breaks."""
    lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    matches = ["second-class inspector", "name", "click here", "spirit of the important instructions"]
    out = []
    for i in range(paragraphs):
        sentence = f"{i}. {lines[i % len(lines)]}"
        if i % 3 == 0:
            sentence += f" The {matches[i % len(matches)]} {i}."
        out.append(sentence + ("\r\n" if i % 17 == 0 else "\n") + ("\n" if i % 4 else ""))
    return "".join(out)


def test_streamed_large_text_equals_whole_text(pipeline, tmp_path):
    text = _generated_text(6_000)  # about 2.5 MB
    assert len(text.encode()) > 2_000_000
    source = tmp_path / "big.txt"
    source.write_bytes(text.encode("utf-8"))
    streamed = run(pipeline, source, tmp_path / "out.txt", chunk_size=4096)
    whole = pipeline.fix_text(text, doc=str(source), format="text")
    assert (tmp_path / "out.txt").read_bytes().decode("utf-8") == whole.text
    assert streamed == list(whole.changes)
    assert len(streamed) > 1_000


def test_fix_file_api_uses_formats(pipeline, tmp_path):
    source = tmp_path / "a.po"
    source.write_text(PO, encoding="utf-8")
    result = fix_file(source, tmp_path / "out.po", pipeline=pipeline)
    assert result.ok and len(result.changes) == 3
    assert "select this" in (tmp_path / "out.po").read_text(encoding="utf-8")


def test_invalid_utf8_in_a_stream_names_the_line(pipeline, tmp_path):
    source = tmp_path / "bad.txt"
    source.write_bytes(b"ok line\n" * 200_000 + b"caf\xe9\n")
    with pytest.raises(InputError, match=r"bad\.txt:200001: not valid UTF-8 \(byte 0xe9 at offset 1600003\)"):
        run(pipeline, source, tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["word ", "\n", "\n\n", " \n\t\n", "x" * 300, "\r\n", "é"]),
                max_size=400),
       st.integers(1, 500), st.integers(1, 3000))
def test_stream_chunks_cut_like_chunk_text(pieces, size, piece_size):
    import mtfix.chunking as text_module

    text = "".join(pieces) * 3
    parts = [text[i:i + piece_size] for i in range(0, len(text), piece_size)]
    old = text_module._LOOKAHEAD
    try:
        assert list(stream_chunks(parts, size)) == list(chunk_text(text, size))
    finally:
        text_module._LOOKAHEAD = old


def test_placeholders():
    text = "Hi %s, %1$d of {0} {name} ${x} %(user)s &amp; <b>ok</b> 100% sure"
    found = [text[s:e] for s, e in placeholder_spans(text)]
    assert found == ["%s", "%1$d", "{0}", "{name}", "${x}", "%(user)s", "&amp;", "<b>", "</b>"]


def test_detect_format():
    assert [detect_format(p) for p in ("a.TXT", "b.md", "c.jsonl", "d.po", "e.xlf", "f.xliff",
                                        "g.tmx", "h.log")] == [
        "text", "md", "jsonl", "po", "xliff", "xliff", "tmx", "text"]
    assert detect_format("a.txt", "jsonl") == "jsonl"
    with pytest.raises(ValueError, match="unknown format"):
        detect_format("a.txt", "docx")


def test_a_line_and_its_copy_are_never_cut_into_two_chunks(pipeline, tmp_path):
    # duplicate_lines must see both copies in one run (else only a second run deletes one).
    from mtfix.chunking import chunk_text

    text = "\n\n".join(f"Paragraph {i} says something of its own, {i * 7919 % 1000}."
                       for i in range(4000))
    for k in range(1, 6):  # plant a copy of the line before the k-th cut right after it
        at = sum(len(c) for c in list(chunk_text(text, 8192))[:k])
        line = text[:at].rstrip("\n").rsplit("\n", 1)[-1]
        text = text[:at] + line + "\n\n" + text[at:]
    source = tmp_path / "big.txt"
    source.write_text(text, encoding="utf-8")
    streamed = run(pipeline, source, tmp_path / "out.txt", chunk_size=8192)
    whole = pipeline.fix_text(text, doc=str(source), format="text")  # one chunk
    assert sum(c.rule == "duplicate_lines" for c in whole.applied) == 5
    assert streamed == list(whole.changes)


# -- targets that are not English -----------------------------------------------------------------

def _retargeted(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize("name, old, new", [
    ("units-1.2.xlf", 'target-language="en"', 'target-language="zh-CN"'),
    ("units-2.0.xlf", 'trgLang="en"', 'trgLang="zh"'),
])
def test_a_bilingual_file_whose_targets_are_not_english_is_refused_and_left_alone(
        pipeline, tmp_path, name, old, new):
    """An en->zh file fixed by mistake: English rules must not touch Chinese targets (the
    fullwidth rule alone would rewrite their punctuation). The file fails with what to do
    and no output is written."""
    source = tmp_path / name
    source.write_text(_retargeted((DATA / name).read_text(encoding="utf-8"), old, new),
                      encoding="utf-8")
    target = tmp_path / "out" / name
    with pytest.raises(InputError, match="not English; mtfix fixes English"):
        run(pipeline, source, target)
    assert not target.exists()


def test_a_memory_fixes_its_english_targets_only(pipeline, tmp_path):
    """A TMX with variants in several languages: only the English ones are fixed (mtfix's
    rules and glossaries are English); one with no English target is refused."""
    memory = TMX.replace('<tuv xml:lang="en"><seg>y</seg></tuv>',
                         '<tuv xml:lang="en"><seg>y</seg></tuv>\n      '
                         '<tuv xml:lang="de"><seg>name</seg></tuv>')
    tmx = tmp_path / "m.tmx"
    tmx.write_text(memory, encoding="utf-8")
    assert [(c.segment, c.before) for c in run(pipeline, tmx, tmp_path / "out1.tmx")] == [
        ("t1", "name")]
    assert '<tuv xml:lang="de"><seg>name</seg></tuv>' in (tmp_path / "out1.tmx").read_text()
    tmx.write_text(TMX.replace('xml:lang="en"', 'xml:lang="pt-BR"'), encoding="utf-8")
    with pytest.raises(InputError, match="targets are in pt-BR"):
        run(pipeline, tmx, tmp_path / "out2.tmx")


def test_a_po_file_whose_language_is_not_english_is_refused(pipeline, tmp_path):
    po = tmp_path / "zh.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Language: zh_CN\\n"\n\nmsgid "The the name"\nmsgstr "名称，名称"\n',
                  encoding="utf-8")
    with pytest.raises(InputError, match="targets are in zh_CN"):
        run(pipeline, po, tmp_path / "out.po")
    assert not (tmp_path / "out.po").exists()
