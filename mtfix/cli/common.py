"""What every ``mtfix`` command shares: exit codes and how errors are printed.

Exit codes: 0 ok, 1 some input failed (or, for checks, problems were found), 2 usage or
glossary error.
"""

from __future__ import annotations

import typer

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
