"""The ``mtfix`` application: the version option and one registration per command group.

Exit codes: 0 ok, 1 some input failed, 2 usage or glossary error.
Nothing here imports torch or transformers at module level (``mtfix --help`` stays fast).
"""

from __future__ import annotations

from typing import Annotated

import typer

from mtfix.cli.common import Typer

app = Typer(
    name="mtfix",
    help="Clean up machine-translated English: glossary fixes, MT-garble rules, reviewable changes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from mtfix._version import __version__

        typer.echo(f"mtfix {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Clean up machine-translated English. Run `mtfix COMMAND --help` for a command's options."""


from mtfix.cli.fix import fix_cmd  # noqa: E402  (light: typer only)

app.command("fix")(fix_cmd)

from mtfix.cli.report import apply_cmd, report_cmd, review_cmd  # noqa: E402  (light: typer only)

app.command("report")(report_cmd)
app.command("apply")(apply_cmd)
app.command("review")(review_cmd)

from mtfix.cli.rules import rules_cmd  # noqa: E402  (light: typer only)

app.command("rules")(rules_cmd)

from mtfix.cli.check import check_cmd  # noqa: E402  (light: typer only)

app.command("check")(check_cmd)

from mtfix.cli.project import config_cmd  # noqa: E402  (light: typer only)

app.command("config")(config_cmd)

from mtfix.cli.glossary import glossary_app  # noqa: E402  (light: typer only)

app.add_typer(glossary_app, name="glossary")

from mtfix.cli.decisions import decisions_app  # noqa: E402  (light: typer only)

app.add_typer(decisions_app, name="decisions")


def main() -> None:
    """Console entry point: usage errors exit 2 (click's default), crashes are not hidden."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
