"""User text never drives the terminal: control characters print escaped, markup literally.

Issue "Never lose a byte", item 9: ESC sequences in the input text, in a glossary's
replacement or note, or in a file name reached the terminal raw in ``mtfix report`` (terminal
format), ``mtfix review`` and the CLI's messages.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.report import load_report
from mtfix.review.interactive import review_changes
from mtfix.textutil import printable

# what a hostile file can carry: set the window title, clear the screen, a one-byte CSI
HOSTILE = ("\x1b]0;title\x07", "\x1b[2J", "\x9b")
NAME = "a\x1b[2J[bold]x.txt"
GLOSSARY = ('[[entry]]\nid = "vg[bold]"\nfind = "vice-governor"\n'
            'replace = "Vice Governor\\u001b]0;title\\u0007"\nnote = "see \\u001b[2J"\n')
runner = CliRunner()


def test_printable_escapes_controls_and_keeps_text():
    assert printable("a\x1b[2Jb\x9b\x07") == "a\\x1b[2Jb\\x9b\\x07"
    assert printable("tab\there\r\nnext 中文 café") == "tab\there\r\nnext 中文 café"
    assert printable("lone\rcarriage") == "lone\\x0dcarriage"


@pytest.fixture
def fixed(tmp_path, monkeypatch):
    """A change log whose file name, before, after, context and note hold ESC sequences."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.toml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / NAME).write_text("The vice-governor\x1b[2J spoke \x9b31m here.\n", encoding="utf-8")
    result = runner.invoke(app, ["fix", "--no-default-glossaries", "-g", "g.toml", NAME,
                                 "-o", "out", "--changes", "out/c.jsonl"])
    assert result.exit_code == 0, result.output
    assert not any(s in result.output for s in HOSTILE)  # the summary names the file
    return tmp_path


@pytest.mark.parametrize("color", ["--no-color", "--color"])
def test_terminal_report_shows_controls_escaped_and_markup_literally(fixed, color):
    result = runner.invoke(app, ["report", "out/c.jsonl", "--format", "term", color])
    assert result.exit_code == 0, result.output
    assert not any(s in result.output for s in HOSTILE)
    if color == "--no-color":
        assert "\x1b" not in result.output
    assert "a\\x1b[2J[bold]x.txt" in result.output  # the name, escaped, its [bold] literal
    assert "Vice Governor\\x1b]0;title\\x07" in result.output and "\\x9b31m" in result.output
    assert "vg[bold]" in result.output


def test_review_shows_controls_escaped(fixed):
    out = io.StringIO()
    review_changes(load_report("out/c.jsonl"), ask=lambda _prompt: "q",
                   console=Console(file=out, force_terminal=True))
    assert not any(s in out.getvalue() for s in HOSTILE)
    assert "\\x1b[2J" in out.getvalue()


def test_error_message_shows_the_file_name_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["fix", "--no-default-glossaries", "no\x1b[2Jsuch\x9b.txt"])
    assert result.exit_code == 1
    assert "no\\x1b[2Jsuch\\x9b.txt" in result.output and "\x1b" not in result.output


def test_markdown_report_shows_controls_escaped(tmp_path):
    """A Markdown report printed to a terminal carries no raw ESC either."""
    from mtfix.change import Change, text_hash
    from mtfix.report import build_report, render_report

    text = "a \x1b]0;pwned\x07 b\n"
    change = Change(doc="d.txt", start=2, end=11, line=1, before="\x1b]0;pwned\x07", after="",
                    pass_="rules", rule="x", base=text_hash(text))
    rendered = render_report(build_report([change], {"d.txt": text}), "md")
    assert "\x1b" not in rendered and "\x07" not in rendered and "\\x1b" in rendered
