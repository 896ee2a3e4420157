"""What every ``mtfix`` command shares: exit codes and how errors are printed.

Exit codes: 0 ok, 1 some input failed (or, for checks, problems were found), 2 usage or
glossary error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from mtfix.textutil import printable

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2


def err(message: str) -> None:
    """Print to standard error (standard output may carry the result, e.g. ``fix -``).

    Control characters are shown escaped: messages quote file names, entries and text.
    """
    typer.echo(printable(message), err=True)


def usage_error(message: str, prog: str = "mtfix") -> typer.Exit:
    """Print ``PROG: error: MESSAGE`` and return the exit (exit code 2) to raise."""
    err(f"{prog}: error: {message}")
    return typer.Exit(EXIT_USAGE)


# -- help text is plain text ---------------------------------------------------------------------
# Typer renders help with rich markup, which takes any "[word ...]" for a style tag and drops
# it: "mtfix[model]" came out as "mtfix", "[default: number of cores]" vanished. mtfix's help
# holds no markup on purpose, so every help text is escaped just before it is rendered (the
# rich panels and layout are kept). Every command and group is made with these classes
# (:class:`Typer` sets them as the defaults).



@contextlib.contextmanager
def _escaped_help(command: Any) -> Iterator[None]:
    """The help texts of ``command``, its parameters and (for a group) its sub-commands with
    rich markup escaped, restored afterwards (the objects are shared between invocations)."""
    from rich.markup import escape

    holders: list[object] = [command, *command.params]
    holders += list(getattr(command, "commands", {}).values())  # a group's commands
    saved = [(h, a, getattr(h, a)) for h in holders for a in ("help", "short_help")
             if isinstance(getattr(h, a, None), str)]
    try:
        for holder, attr, text in saved:
            setattr(holder, attr, escape(text))
        yield
    finally:
        for holder, attr, text in saved:
            setattr(holder, attr, text)


class PlainHelpCommand(TyperCommand):
    """A command whose help text is shown as written (brackets kept)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _escaped_help(self):
            super().format_help(ctx, formatter)


class PlainHelpGroup(TyperGroup):
    """A command group whose help text (and its commands' summaries) is shown as written."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _escaped_help(self):
            super().format_help(ctx, formatter)


class Typer(typer.Typer):
    """``typer.Typer`` whose groups and commands show their help as written."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cls", PlainHelpGroup)
        super().__init__(**kwargs)

    def command(self, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("cls", PlainHelpCommand)
        return super().command(*args, **kwargs)



def read_log_or_exit(path: str, usage: Any, hint: str = "") -> list:
    """The change records of the log ``path`` for a command; a missing or broken log is a usage
    error (``usage``: the command's error maker) naming the file, ``hint`` saying what to do."""
    from mtfix.changelog import read_change_log

    try:
        with open(path, encoding="utf-8") as stream:
            return list(read_change_log(stream, path))
    except FileNotFoundError:
        raise usage(f"{path}: no such change log{hint}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise usage(str(exc)) from None
