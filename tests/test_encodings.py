"""Never lose a byte: a fixed file keeps its encoding, byte order mark and line ends, and every
byte outside the changed target text (XLIFF, TMX in UTF-16; CRLF XLIFF; PO with a BOM)."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from mtfix.change import apply_changes
from mtfix.changelog import read_change_log
from mtfix.cli import app

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"
runner = CliRunner()

XLIFF = """<?xml version="1.0" encoding="{encoding}"?>
<!-- exported by a CAT tool -->
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
  <file original="a.txt" source-language="zh" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="u1">
        <source>二级巡视员</source>
        <target state='translated'>a <g id="1">second-class inspector</g> &amp; caf&#233;</target>
      </trans-unit>
      <trans-unit id="u2">
        <source>x</source>
        <target>nothing to fix, caf&#xE9; &lt;b&gt;</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""
TMX = """<?xml version="1.0" encoding="{encoding}"?>
<tmx version="1.4">
  <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x"
          adminlang="en" srclang="zh" datatype="plaintext"/>
  <body>
    <tu tuid="t1">
      <tuv xml:lang="zh"><seg>二级巡视员</seg></tuv>
      <tuv xml:lang="en"><seg>the second-class inspector &amp; café</seg></tuv>
    </tu>
    <tu tuid="t2">
      <tuv xml:lang="zh"><seg>x</seg></tuv>
      <tuv xml:lang="en"><seg>nothing to fix</seg></tuv>
    </tu>
  </body>
</tmx>
"""
UTF16 = [pytest.param("utf-16-le", codecs.BOM_UTF16_LE, id="le"),
         pytest.param("utf-16-be", codecs.BOM_UTF16_BE, id="be")]
FIX = ["--no-default-glossaries", "--glossary", str(GLOSSARY), "-j", "1", "-q"]


def fix(path: Path, out: Path, *extra: str) -> list:
    """``mtfix fix PATH -o OUT``; the change records."""
    result = runner.invoke(app, ["fix", str(path), "-o", str(out), *FIX, *extra])
    assert result.exit_code == 0, result.output
    with open(out / "changes.jsonl", encoding="utf-8") as stream:
        return list(read_change_log(stream))


def apply_all(original: Path, log: Path, tmp: Path) -> Path:
    """``mtfix apply`` of ``log`` with every change accepted; the output file."""
    with open(log, encoding="utf-8") as stream:
        ids = [c.id for c in read_change_log(stream)]
    decisions = tmp / "decisions.json"
    decisions.write_text(json.dumps({"version": 1, "decisions": dict.fromkeys(ids, "accept")}))
    result = runner.invoke(app, ["apply", str(original), "--changes", str(log), "--decisions",
                                 str(decisions), "-o", str(tmp / "applied")])
    assert result.exit_code == 0, result.output
    return tmp / "applied" / original.name


@pytest.mark.timeout(60)
@pytest.mark.parametrize("codec,bom", UTF16)
@pytest.mark.parametrize("template,name", [(XLIFF, "a.xlf"), (TMX, "a.tmx")])
def test_utf16_xml_keeps_encoding_bom_and_every_byte_but_the_fixed_target(
        tmp_path, template, name, codec, bom):
    text = template.format(encoding="UTF-16")
    source = tmp_path / name
    source.write_bytes(bom + text.encode(codec))
    changes = fix(source, tmp_path / "out", "--no-mark-review")
    assert changes
    output = (tmp_path / "out" / name).read_bytes()
    expected = text.replace("second-class inspector", "second-level inspector")
    assert output == bom + expected.encode(codec)
    tree = etree.fromstring(output).getroottree()
    assert tree.docinfo.encoding == "UTF-16"
    # a second run finds nothing more, and applying the log with all accepted gives the output
    assert fix(tmp_path / "out" / name, tmp_path / "again") == []
    assert (tmp_path / "again" / name).read_bytes() == output
    assert apply_all(source, tmp_path / "out" / "changes.jsonl", tmp_path).read_bytes() == output


@pytest.mark.timeout(60)
@pytest.mark.parametrize("codec,bom", UTF16)
def test_utf16_xliff_in_place_with_review_mark_stays_valid(tmp_path, codec, bom):
    text = XLIFF.format(encoding="UTF-16")
    source = tmp_path / "a.xlf"
    source.write_bytes(bom + text.encode(codec))
    result = runner.invoke(app, ["fix", str(source), "--in-place", *FIX])
    assert result.exit_code == 0, result.output
    output = source.read_bytes()
    etree.fromstring(output)
    expected = text.replace("second-class inspector", "second-level inspector").replace(
        "state='translated'", "state='needs-review-translation'")
    assert output == bom + expected.encode(codec)
    assert (tmp_path / "a.xlf.orig").read_bytes() == bom + text.encode(codec)


@pytest.mark.timeout(60)
def test_crlf_xliff_keeps_every_crlf(tmp_path):
    text = XLIFF.format(encoding="UTF-8").replace("\n", "\r\n")
    source = tmp_path / "a.xlf"
    source.write_bytes(text.encode("utf-8"))
    fix(source, tmp_path / "out")
    output = (tmp_path / "out" / "a.xlf").read_bytes()
    assert output.count(b"\r\n") == text.count("\r\n")
    assert output.count(b"\n") == output.count(b"\r\n")
    assert output == text.replace("second-class inspector", "second-level inspector").replace(
        "state='translated'", "state='needs-review-translation'").encode("utf-8")


@pytest.mark.timeout(60)
def test_po_with_utf8_bom_keeps_it(tmp_path):
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          'msgid "x"\nmsgstr "the second-class inspector came"\n')
    source = tmp_path / "m.po"
    source.write_bytes(codecs.BOM_UTF8 + po.encode("utf-8"))
    fix(source, tmp_path / "out")
    output = (tmp_path / "out" / "m.po").read_bytes()
    assert output.startswith(codecs.BOM_UTF8) and not output[3:].startswith(codecs.BOM_UTF8)
    assert b"second-level inspector" in output
    assert fix(tmp_path / "out" / "m.po", tmp_path / "again") == []
    assert (tmp_path / "again" / "m.po").read_bytes() == output
    assert apply_all(source, tmp_path / "out" / "changes.jsonl", tmp_path).read_bytes() == output


# Target texts: glossary hits, characters that need escaping, references, line ends.
_PIECES = ["second-class inspector", "the name", "click here", " ", "café", "&amp;", "&lt;",
           "&#233;", "\r\n", "\n", "x", "%s", "{0}", '"', "'", ">"]
_TARGET_RE = re.compile(r"(<target[^>]*>)(.*?)(</target>)", re.S)


@pytest.mark.timeout(60)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(targets=st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join),
                        min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_bytes_outside_targets_are_identical(tmp_path_factory, targets, encoding, newline):
    units = "".join(f'{newline}    <trans-unit id="u{i}"><source>s</source>'
                    f"<target>{t}</target></trans-unit>" for i, t in enumerate(targets))
    text = (f'<?xml version="1.0" encoding="{"UTF-8" if encoding == "utf-8" else "UTF-16"}"?>'
            f'{newline}<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
            f'{newline}  <file original="a" source-language="zh" target-language="en" '
            f'datatype="plaintext"><body>{units}{newline}</body></file>{newline}</xliff>{newline}')
    bom = b"" if encoding == "utf-8" else codecs.BOM_UTF16_LE if encoding.endswith("le") \
        else codecs.BOM_UTF16_BE
    tmp = tmp_path_factory.mktemp("prop")
    source = tmp / "a.xlf"
    source.write_bytes(bom + text.encode(encoding))
    changes = fix(source, tmp / "out", "--no-mark-review")
    output = (tmp / "out" / "a.xlf").read_bytes()
    assert output.startswith(bom)
    fixed = output[len(bom):].decode(encoding)
    assert _TARGET_RE.sub("", fixed) == _TARGET_RE.sub("", text)  # outside the targets
    # and inside them, the text is the original with the applied changes
    before, after = (etree.fromstring(data).iter("{*}target") for data in (source.read_bytes(),
                                                                          output))
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        mine = [c for c in changes if c.segment == f"u{i}" and not c.is_flag]
        assert apply_changes(old.text or "", mine) == (new.text or "")


@pytest.mark.timeout(60)
def test_utf16_xliff_that_cannot_be_spliced_is_still_valid(tmp_path):
    # a CDATA section in the changed run: the tree is re-serialized, in the same encoding
    text = XLIFF.format(encoding="UTF-16").replace("a <g id=", "a <![CDATA[x]]> <g id=").replace(
        '<g id="1">second-class inspector</g>', "second-class inspector")
    source = tmp_path / "a.xlf"
    source.write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    fix(source, tmp_path / "out")
    output = (tmp_path / "out" / "a.xlf").read_bytes()
    tree = etree.fromstring(output).getroottree()
    assert tree.docinfo.encoding == "UTF-16"
    assert "second-level inspector" in etree.tostring(tree, encoding="unicode")


# -- UTF-16 without a byte order mark, JSON Lines with one ---------------------------------------

@pytest.mark.timeout(60)
@pytest.mark.parametrize("order", ["LE", "BE"])
@pytest.mark.parametrize("name", ["a.txt", "a.mt", "a.md"])
def test_utf16_text_without_bom_gets_the_utf16_message_not_binary(tmp_path, name, order):
    source = tmp_path / name
    source.write_bytes("The second-class inspector came.\r\nA line.\r\n".encode(f"utf-16-{order}"))
    result = runner.invoke(app, ["fix", str(source), "-o", str(tmp_path / "out"), *FIX])
    assert result.exit_code == 1
    assert "is UTF-16 text" in result.output and "binary" not in result.output
    assert f"iconv -f UTF-16{order} -t UTF-8" in result.output
    assert not (tmp_path / "out" / name).exists()


def test_binary_file_is_still_called_binary():
    from mtfix.fileio import binary_error, utf16_byte_order

    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    assert utf16_byte_order(png) is None
    assert "binary" in str(binary_error("x.png", png))
    assert utf16_byte_order("plain text".encode("utf-16-le")) == "LE"
    assert utf16_byte_order("plain text".encode("utf-16-be")) == "BE"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_xliff_without_bom_is_fixed_in_its_encoding(tmp_path, codec):
    text = XLIFF.format(encoding="UTF-16")
    source = tmp_path / "a.xlf"
    source.write_bytes(text.encode(codec))
    fix(source, tmp_path / "out", "--no-mark-review")
    output = (tmp_path / "out" / "a.xlf").read_bytes()
    assert output == text.replace("second-class inspector", "second-level inspector").encode(codec)
    etree.fromstring(output)
    assert apply_all(source, tmp_path / "out" / "changes.jsonl", tmp_path).read_bytes() == output


@pytest.mark.timeout(60)
def test_jsonl_with_utf8_bom_is_read_and_keeps_it(tmp_path):
    lines = [json.dumps({"text": "the second-class inspector"}), json.dumps({"text": "name"})]
    source = tmp_path / "a.jsonl"
    source.write_bytes(codecs.BOM_UTF8 + "\n".join(lines).encode("utf-8") + b"\n")
    changes = fix(source, tmp_path / "out", "--field", "text")
    assert {c.segment for c in changes} == {"1/text", "2/text"}
    output = (tmp_path / "out" / "a.jsonl").read_bytes()
    assert output == codecs.BOM_UTF8 + (
        b'{"text": "the second-level inspector"}\n{"text": "title"}\n')
    assert apply_all(source, tmp_path / "out" / "changes.jsonl", tmp_path).read_bytes() == output
