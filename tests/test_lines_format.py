"""One segment per line (``--format lines``, ``.mt``): no pass may join, drop or move a line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mtfix.api import build_pipeline
from mtfix.changelog import read_change_log
from mtfix.cli import app
from mtfix.formats import FormatOptions, detect_format, fix_document

DATA = Path(__file__).parent / "data"
GLOSSARY = DATA / "formats-glossary.toml"
runner = CliRunner()


def fix_cli(source: Path, out: Path, *options: str) -> list:
    """`mtfix fix SOURCE -o OUT OPTIONS` (no shipped glossaries), its change records."""
    result = runner.invoke(app, ["fix", str(source), "-o", str(out), "--no-default-glossaries",
                                 "-j", "1", *options])
    assert result.exit_code == 0, result.output
    with open(out / "changes.jsonl", encoding="utf-8") as stream:
        return list(read_change_log(stream))


def apply_cli(source: Path, out: Path, decisions: dict[str, str], applied: Path) -> str:
    """`mtfix apply` the change log in OUT with ``decisions``; the applied file's text."""
    decisions_path = out / "decisions.json"
    decisions_path.write_text(json.dumps({"version": 1, "decisions": decisions}))
    result = runner.invoke(app, ["apply", str(source), "--changes", str(out / "changes.jsonl"),
                                 "--decisions", str(decisions_path), "-o", str(applied)])
    assert result.exit_code == 0, result.output
    return (applied / source.name).read_bytes().decode("utf-8")

LOOP = "He said my lady, my lady, my lady, my lady to her."
ALIGNED = (
    "The same line twice in the source.\n"
    "The same line twice in the source.\r\n"
    "[Print] [Close window]\n"
    "\n"
    f"{LOOP}\n"
    "The second-class inspector came."  # no line end at the end of the file
)


def test_detected_by_extension():
    assert detect_format("dev.mt") == "lines" and detect_format("out.hyp") == "lines"
    assert detect_format("a.txt") == "text"


def test_line_count_order_and_line_ends_are_kept(tmp_path):
    source = tmp_path / "dev.mt"
    source.write_bytes(ALIGNED.encode("utf-8"))
    target = tmp_path / "out.mt"
    pipeline = build_pipeline([GLOSSARY], default_glossaries=False)
    changes = list(fix_document(source, target, pipeline=pipeline, options=FormatOptions()))
    out = target.read_bytes().decode("utf-8")
    assert out.splitlines(keepends=True) == [
        "The same line twice in the source.\n",
        "The same line twice in the source.\r\n",  # a duplicate line stays: it has a source
        "\n",  # page chrome is emptied, its line stays
        "\n",
        "He said my lady to her.\n",
        "The second-level inspector came.",
    ]
    assert {c.segment for c in changes} == {"3", "5", "6"}
    assert all(c.line == int(c.segment) for c in changes)
    # As plain text, the same file loses a line (what this format exists to prevent).
    as_text = build_pipeline([GLOSSARY], default_glossaries=False).fix_text(ALIGNED).text
    assert len(as_text.splitlines()) < len(ALIGNED.splitlines())


def test_a_replacement_with_a_line_break_is_only_proposed(tmp_path):
    glossary = tmp_path / "g.toml"
    glossary.write_text('[[entry]]\nid = "split"\nfind = "one two"\nreplace = "one\\ntwo"\n'
                        'note = "test"\nexamples = [{ text = "x", fixed = "x" }]\n',
                        encoding="utf-8")
    source = tmp_path / "a.mt"
    source.write_text("say one two now\nnext\n", encoding="utf-8")
    target = tmp_path / "b.mt"
    pipeline = build_pipeline([glossary], default_glossaries=False, disabled_rules=["spacing"])
    changes = list(fix_document(source, target, pipeline=pipeline))
    assert target.read_text(encoding="utf-8") == "say one two now\nnext\n"
    assert [(c.is_flag, c.proposal) for c in changes] == [(True, "one\ntwo")]


def test_cli_fix_review_apply_round_trip(tmp_path):
    source = tmp_path / "dev.mt"
    source.write_bytes(ALIGNED.encode("utf-8"))
    out = tmp_path / "fixed"
    changes = [c for c in fix_cli(source, out, "--glossary", str(GLOSSARY)) if not c.is_flag]
    # accept the loop collapse only
    decisions = {c.id: "accept" if c.rule == "repetition" else "reject" for c in changes}
    assert apply_cli(source, out, decisions, tmp_path / "applied") == ALIGNED.replace(
        LOOP, "He said my lady to her.")


def test_a_text_file_fixed_as_lines_applies_as_lines(tmp_path):
    source = tmp_path / "corpus.txt"
    source.write_text("Hello world again\nHello world again\nHe said my lady, my lady, my "
                      "lady, my lady to her.\n", encoding="utf-8")
    out = tmp_path / "fixed"
    changes = fix_cli(source, out, "--format", "lines")
    fixed = (out / "corpus.txt").read_text(encoding="utf-8")
    assert fixed.count("\n") == 3
    decisions = {c.id: "accept" for c in changes}
    assert apply_cli(source, out, decisions, tmp_path / "applied") == fixed


def test_the_report_shows_each_change_in_its_line(tmp_path):
    from mtfix.report import load_report

    source = tmp_path / "dev.mt"
    source.write_bytes(ALIGNED.encode("utf-8"))
    out = tmp_path / "fixed"
    fix_cli(source, out, "--glossary", str(GLOSSARY))
    report = load_report(out / "changes.jsonl")
    (document,) = report.documents
    assert document.status == "ok", document.message
    loop = next(c for c in document.changes if c.rule == "repetition")
    left, right = document.context(loop)
    assert left.endswith("He said my lady") and right.startswith(" to her.")
    # a line edited since: no context for it, and the report says why
    source.write_bytes(ALIGNED.replace(LOOP, LOOP + " Edited.").encode("utf-8"))
    (document,) = load_report(out / "changes.jsonl").documents
    assert document.status != "ok" and document.context(loop) == ("", "")


def test_a_jsonl_file_fixed_as_lines_applies_as_lines(tmp_path):
    source = tmp_path / "a.jsonl"
    source.write_text('{"mt": "a , b"}\n{"mt": "c , d"}\n', encoding="utf-8")
    out = tmp_path / "fixed"
    decisions = {c.id: "accept" for c in fix_cli(source, out, "--format", "lines")}
    assert apply_cli(source, out, decisions, tmp_path / "applied") == \
        '{"mt": "a, b"}\n{"mt": "c, d"}\n'
