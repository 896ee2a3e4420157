"""Help and summaries read as written: rich markup must not eat bracketed text in any
command's help ("mtfix[model]", "[default: ...]"), and counts agree with their nouns."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.cli.common import Typer
from mtfix.review.decisions import Decisions, DecisionsError
from mtfix.textutil import plural


def _commands(command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def _flat(text: str) -> str:
    """Help output without the box drawing and the line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "mtfix" for p, _ in COMMANDS])
def test_every_option_help_is_shown_in_full(path, command):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "2000"})
    assert result.exit_code == 0, result.output
    shown = _flat(result.output)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            assert _flat(text) in shown, f"{' '.join(path)} {param.name}: help shown cut"
    if command.help:
        assert _flat(command.help.split("\n\n")[0]) in shown


def test_bracketed_text_survives_in_help():
    """The cases that were eaten: a package extra and a bracketed default, in a command and
    a group made the way every mtfix command is (:class:`mtfix.cli.common.Typer`)."""
    group = Typer(help="Tools [beta].")

    @group.command("go")
    def go(jobs: Annotated[int, typer.Option(help="Worker processes [default: cores].")] = 1,
           model: Annotated[bool, typer.Option(help='Model rewrite (needs "mtfix[model]").')
                            ] = False) -> None:
        """Go [somewhere]."""

    @group.command("stay")
    def stay() -> None:
        """Stay [here]."""

    runner = CliRunner()
    shown = _flat(runner.invoke(group, ["go", "--help"], env={"COLUMNS": "200"}).output)
    assert "Worker processes [default: cores]." in shown
    assert 'Model rewrite (needs "mtfix[model]").' in shown and "Go [somewhere]." in shown
    listing = _flat(runner.invoke(group, ["--help"], env={"COLUMNS": "200"}).output)
    assert "Tools [beta]." in listing and "Stay [here]." in listing


@pytest.mark.parametrize("count, noun, expected", [
    (0, "flag", "0 flags"), (1, "flag", "1 flag"), (1, "entry", "1 entry"),
    (2, "entry", "2 entries"), (1, "glossary warning", "1 glossary warning"),
    (2, "shipped glossary", "2 shipped glossaries"), (2, "key", "2 keys")])
def test_plural(count, noun, expected):
    assert plural(count, noun) == expected


def test_one_flag_is_not_flags(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("He said that that was fine.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fix", str(source), "-o", str(tmp_path / "out"),
                                      "--no-default-glossaries"])
    summary = result.output
    assert not re.search(r"\b1 (flags|changes|files|entries)\b", summary), summary


def test_a_decisions_file_without_version_says_what_it_expects():
    with pytest.raises(DecisionsError) as info:
        Decisions.from_json({"decisions": {"c1": "accept"}}, "d.json")
    message = str(info.value)
    assert "d.json" in message and '"version": 2' in message and "None" not in message
