"""Reports: loading originals, HTML (escaping, self-contained), Markdown, JSON schema, terminal,
`mtfix report` and `mtfix fix --report`."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st
from review_fixtures import ProposalPass, glossary_toml
from typer.testing import CliRunner

from mtfix.change import Change, text_hash
from mtfix.cli import app
from mtfix.glossary import Glossary
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline
from mtfix.report import build_report, format_for_path, load_report, render_report
from mtfix.report.html import render_html
from mtfix.report.jsonout import report_to_json
from mtfix.report.loader import context_around
from mtfix.report.redline import tokenize, word_diff

GLOSSARY = glossary_toml("no hyphen <b>here</b>")

TEXT = ("The vice-governor spoke on informatization.\n\n"
        "<script>alert('x')</script> the vice-governor will strike hard ``` on informatization.\n")


PIPELINE = Pipeline([GlossaryPass(Glossary.from_toml(GLOSSARY)),
                     ProposalPass(r"alert", "<i>proposal</i>", "style.script", "odd <tag>")])


@pytest.fixture
def fixed():
    return PIPELINE.fix_text(TEXT, doc="a.txt")


@pytest.fixture
def logged(tmp_path, fixed):
    """A change log in tmp/out/ for tmp/a.txt, as `mtfix fix a.txt -o out` run in tmp writes it."""
    from mtfix.changelog import write_change_log

    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "out").mkdir()
    with open(tmp_path / "out/changes.jsonl", "w") as stream:
        write_change_log(fixed.changes, stream)
    return tmp_path


def test_originals_found_relative_to_cwd_then_change_log_folder(logged, monkeypatch):
    monkeypatch.chdir(logged)
    report = load_report("out/changes.jsonl")
    assert [(d.doc, d.status, d.path) for d in report.documents] == [("a.txt", "ok", "a.txt")]
    # Run from elsewhere: found relative to the change log's folder only if it is there.
    monkeypatch.chdir(logged / "out")
    assert load_report("changes.jsonl").documents[0].status == "missing"
    (logged / "out/a.txt").write_text(TEXT)
    document = load_report(str(logged / "out/changes.jsonl")).documents[0]
    assert document.status == "ok" and document.original == TEXT


def test_in_place_backup_and_changed_and_missing_originals(logged, monkeypatch, fixed):
    monkeypatch.chdir(logged)
    (logged / "a.txt").write_text(fixed.text)  # as after `mtfix fix --in-place`
    document = load_report("out/changes.jsonl").documents[0]
    assert document.status == "changed" and "has changed since" in document.message
    (logged / "a.txt.orig").write_text(TEXT)
    document = load_report("out/changes.jsonl").documents[0]
    assert (document.status, document.path) == ("ok", "a.txt.orig")
    (logged / "a.txt").unlink()
    (logged / "a.txt.orig").unlink()
    report = load_report("out/changes.jsonl")
    assert report.documents[0].status == "missing"
    # Still renders every format, just without context.
    for fmt in ("html", "md", "json", "term"):
        assert "vice" in render_report(report, fmt)
    assert report_to_json(report)["changes"][0]["context_before"] == ""


def test_bad_change_log_names_file_and_line(tmp_path):
    log = tmp_path / "c.jsonl"
    log.write_text('{"id": "x"}\n')
    with pytest.raises(Exception, match=r"c.jsonl:1: not a valid change record"):
        load_report(log)
    result = CliRunner().invoke(app, ["report", str(log)])
    assert result.exit_code == 2 and "c.jsonl:1" in result.output


def test_context_stays_on_the_line_and_never_splits_words():
    text = "first line\n" + " ".join(f"word{i}" for i in range(40)) + "\nlast"
    start = text.index("word20")
    left, right = context_around(text, start, start + 6, width=30)
    assert left.startswith("…word") and left.endswith(" ") and "\n" not in left
    assert right.endswith("…") and right[:-1].split()[-1].startswith("word")
    assert context_around("ab\ncd\nef", 3, 5) == ("", "")


def test_html_escapes_everything_and_is_self_contained(fixed):
    page = render_html(build_report(fixed.changes, {"a.txt": TEXT}))
    # Our two scripts (the JSON data and the code) and nothing from the text.
    assert page.count("<script") == 2
    assert "&lt;script&gt;" in page and "<i>proposal</i>" not in page and "&lt;i&gt;proposal" in page
    assert "<b>here</b>" not in page and "no hyphen &lt;b&gt;here&lt;/b&gt;" in page  # a note, escaped
    assert "odd &lt;tag&gt;" in page  # each card shows its note
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "Content-Security-Policy" in page
    cards = re.findall(r'<article class="chg( flag)?[^"]*" id="c-(\w+)"', page)
    assert [cid for _, cid in cards] == [c.id for c in fixed.changes]
    assert sum(bool(flag) for flag, _ in cards) == sum(c.is_flag for c in fixed.changes)
    for change in fixed.changes:  # the id on each card, to copy
        assert f'<code class="cid" title="change id (click to copy)">{change.id}</code>' in page
    # Word-level redline: only the hyphen changes in "vice-governor", boxed to be seen, and the
    # space shown as a mark (the text itself kept for the page's edits).
    assert 'vice<del class="pt">-</del><ins class="ws" data-t=" ">\u2423</ins>governor' in page
    assert "<del>informatization</del><ins>digitalization</ins>" in page


def test_html_names_changes_that_cannot_both_be_applied():
    from mtfix.report.html import overlapping_ids

    base = text_hash("abc def ghi")

    def change(start, end, segment=None):
        return Change(doc="d", start=start, end=end, line=1, before="x" * (end - start), after="y",
                      pass_="p", rule=f"r{start}{end}", base=base, segment=segment)

    a, b, c, d, e = change(0, 3), change(2, 7), change(3, 3), change(8, 11), change(0, 3, "s")
    found = overlapping_ids([a, b, c, d, e])
    assert found == {a.id: [b.id], b.id: [a.id, c.id], c.id: [b.id]}
    page = render_html(build_report([a, b, c, d], {"d": "abc def ghi"}))
    assert f'data-ov="{b.id}"' in page and f'data-ov="{a.id} {c.id}"' in page


def test_rephrasing_reads_as_one_deletion_and_one_insertion():
    assert word_diff("the Entry and Exit Bureau", "the Exit and Entry Bureau") == [
        ("=", "the "), ("-", "Entry and Exit"), ("+", "Exit and Entry"), ("=", " Bureau")]
    assert word_diff("Entry Exit", "Exit and Entry") == [("-", "Entry Exit"), ("+", "Exit and Entry")]
    # Small fixes far apart stay small.
    assert word_diff("He met the vice-governor of the province on Monday morning",
                     "He met the vice governor of the province on Monday Morning") == [
        ("=", "He met the vice"), ("-", "-"), ("+", " "), ("=", "governor of the province on Monday "),
        ("-", "morning"), ("+", "Morning")]


def test_html_template_is_package_data():
    assert resources.files("mtfix.report").joinpath("template.html").is_file()


def test_markdown_report(fixed):
    md = render_report(build_report(fixed.changes, {"a.txt": TEXT}), "md")
    assert "| t.vice | glossary | 2 | 0 |" in md
    assert "````diff" in md  # the text has a ``` run, so the fence is longer
    assert "  vice[---]{+ +}governor" in md
    assert "! proposal: [-alert-]{+<i>proposal</i>+}" in md
    assert "@@ line 3 · t.strike (glossary) FLAG @@" in md


def test_json_report_schema(fixed):
    data = json.loads(render_report(build_report(fixed.changes, {"a.txt": TEXT}), "json"))
    assert (data["schema"], data["version"]) == ("mtfix-report", 1)
    assert data["summary"]["changes"] == 4 and data["summary"]["flags"] == 2
    assert data["summary"]["by_rule"]["t.strike"] == {"pass": "glossary", "changes": 0, "flags": 1}
    assert data["documents"][0]["changes"] == [c["id"] for c in data["changes"]]
    first = data["changes"][0]
    assert first["kind"] == "change" and first["context_before"] == "The "
    assert first["context_after"] == " spoke on informatization."
    assert Change.from_json({k: v for k, v in first.items()
                             if k not in ("kind", "context_before", "context_after")}) == fixed.changes[0]


def test_terminal_report_plain_and_coloured(fixed):
    from io import StringIO

    from rich.console import Console

    from mtfix.report.terminal import print_report

    report = build_report(fixed.changes, {"a.txt": TEXT})
    plain = render_report(report, "term")
    assert "vice[---]{+ +}governor" in plain and "[?strike hard?]" in plain
    buffer = StringIO()
    print_report(report, Console(file=buffer, force_terminal=True, width=120))
    assert "\x1b[" in buffer.getvalue() and "{+" not in buffer.getvalue()


def test_segment_level_changes_render_without_document_context():
    change = Change(doc="doc.xlf", start=0, end=3, line=1, before="foo", after="bar", pass_="model",
                    rule="m.rewrite", segment="s1",
                    base=text_hash("foo baz"))
    report = build_report([change], {"doc.xlf": "whatever"})
    assert report.documents[0].status == "segments"
    assert "segment s1" in render_report(report, "term")


def test_format_for_path():
    assert [format_for_path(p) for p in ("r.html", "R.MD", "x.json")] == ["html", "md", "json"]
    with pytest.raises(ValueError, match="cannot tell the report format"):
        format_for_path("report.pdf")


def test_cli_report_and_fix_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.toml").write_text(GLOSSARY)
    (tmp_path / "a.txt").write_text(TEXT)
    runner = CliRunner()
    base = ["fix", "a.txt", "-o", "out", "-g", "g.toml", "--no-default-glossaries"]
    result = runner.invoke(app, [*base, "--report", "out/r.pdf"])
    assert result.exit_code == 2 and "--report" in result.output and not (tmp_path / "out").exists()
    result = runner.invoke(app, [*base, "--report", "out/review.html"])
    assert result.exit_code == 0, result.output
    assert "&lt;script&gt;" in (tmp_path / "out/review.html").read_text()
    for name in ("r.md", "r.json"):
        result = runner.invoke(app, ["report", "out/changes.jsonl", "-o", f"out/{name}"])
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out/r.json").read_text())["summary"]["changes"] == 4
    result = runner.invoke(app, ["report", "out/changes.jsonl", "--format", "term"])
    assert result.exit_code == 0 and "[-informatization-]{+digitalization+}" in result.output
    result = runner.invoke(app, ["report", "out/changes.jsonl", "--format", "pdf"])
    assert result.exit_code == 2
    # stdin input: the report has the context from memory.
    result = runner.invoke(app, ["fix", "-", "-g", "g.toml", "--no-default-glossaries", "--report",
                                 "stdin.md"], input="The vice-governor left.\n")
    assert result.exit_code == 0, result.output
    assert "- The vice-governor left." in (tmp_path / "stdin.md").read_text()


words = st.text(alphabet=st.sampled_from("ab -,.\n\tçé日"), max_size=30)


@given(words, words)
def test_word_diff_is_lossless_and_never_splits_a_word(before, after):
    ops = word_diff(before, after)
    assert "".join(t for op, t in ops if op != "+") == before
    assert "".join(t for op, t in ops if op != "-") == after
    for text in (before, after):
        boundaries = {0}
        for token in tokenize(text):
            boundaries.add(max(boundaries) + len(token))
        pos_side = 0
        for op, piece in ops:
            if (text is before and op != "+") or (text is after and op != "-"):
                assert pos_side in boundaries
                pos_side += len(piece)


PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "二级巡视员"
msgstr "the second-class inspector"

msgid "one file"
msgid_plural "%d files"
msgstr[0] "one name"
msgstr[1] "%d name"
'''


def test_segmented_files_show_each_change_in_its_whole_unit_beside_its_source(tmp_path, monkeypatch):
    """PO, XLIFF 1.2 and 2.0, TMX and JSON Lines: the unit's text read through its format, the
    source where the file has one; a unit edited since is shown without it."""
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    data = Path(__file__).parent / "data"
    for name in ("units-1.2.xlf", "units-2.0.xlf", "memory.tmx"):
        (tmp_path / name).write_bytes((data / "formats" / name).read_bytes())
    (tmp_path / "m.po").write_text(PO, encoding="utf-8")
    (tmp_path / "t.jsonl").write_text('{"id": 1, "text": "the second-class inspector met"}\n')
    result = CliRunner().invoke(app, ["fix", "units-1.2.xlf", "units-2.0.xlf", "memory.tmx", "m.po",
                                      "t.jsonl", "-o", "out", "--no-default-glossaries", "-g",
                                      str(data / "formats-glossary.toml"), "--no-rule", "spacing",
                                      "--field", "text"])
    assert result.exit_code == 0, result.output
    report = load_report("out/changes.jsonl")
    shown = {}
    for document in report.documents:
        assert document.status == "ok", (document.doc, document.message)
        for change in document.changes:
            left, right = document.context(change)
            shown[(document.doc, change.segment, change.before)] = (left + change.before + right,
                                                                    document.source(change))
    assert shown[("units-1.2.xlf", "u4", "second-class inspector")] == (
        'a <bpt id="5">&lt;b name="x"&gt;</bpt>second-class inspector<ept id="5">&lt;/b&gt;</ept>',
        "二级巡视员")
    assert shown[("units-2.0.xlf", "u1::s1", "Click here")][1] == '点击<pc id="1">这里</pc><ph id="2"/>。'
    assert shown[("memory.tmx", "t1", "name")][1] == "click here name"
    assert shown[("m.po", "二级巡视员", "second-class inspector")] == ("the second-class inspector",
                                                                    "二级巡视员")
    assert shown[("m.po", "one file[1]", "name")] == ("%d name", "%d files")
    assert shown[("t.jsonl", "1/text", "second-class inspector")] == (
        "the second-class inspector met", None)
    page = render_html(report)
    assert '<div class="src" title="source">二级巡视员</div>' in page
    # A unit edited since: its changes are shown without its text, the others still with theirs.
    (tmp_path / "m.po").write_text(PO.replace("the second-class", "The second-class"), encoding="utf-8")
    document = next(d for d in load_report("out/changes.jsonl").documents if d.doc == "m.po")
    assert document.status == "segments" and "1 unit(s) of m.po have changed" in document.message
    assert sorted(document.segment_texts) == ["one file[0]", "one file[1]"]


def test_a_fix_report_names_its_change_log_for_the_exported_decisions(fixed, tmp_path):
    from mtfix.cli.report import write_fix_report

    write_fix_report(str(tmp_path / "r.html"), fixed.changes, {"a.txt": TEXT},
                     change_log="out/changes.jsonl")
    page = (tmp_path / "r.html").read_text()
    assert '"source": "out/changes.jsonl"' in page and "change log out/changes.jsonl" in page
