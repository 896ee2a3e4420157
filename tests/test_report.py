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
    assert "<b>here</b>" not in page and "\\u003cb\\u003ehere" in page  # note, in the JSON data
    assert "odd \\u003ctag\\u003e" in page  # a rule's note is in the data, shown on hover
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "Content-Security-Policy" in page
    cards = re.findall(r'<article class="chg( flag)?" id="c-(\w+)"', page)
    assert [cid for _, cid in cards] == [c.id for c in fixed.changes]
    assert sum(bool(flag) for flag, _ in cards) == sum(c.is_flag for c in fixed.changes)
    # Word-level redline: only the hyphen changes in "vice-governor".
    assert 'vice<del>-</del><ins class="ws"> </ins>governor' in page
    assert "<del>informatization</del><ins>digitalization</ins>" in page


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
