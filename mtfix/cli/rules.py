"""``mtfix rules``: list the built-in rules (a thin layer over
:func:`mtfix.passes.rules.available_rules` and :func:`mtfix.passes.rules.reference_markdown`)."""

from __future__ import annotations

from typing import Annotated

import typer


def rules_cmd(
    markdown: Annotated[bool, typer.Option(
        "--markdown", help="Print the full rules reference as Markdown (docs/rules.md is made "
                           "so).")] = False,
) -> None:
    """List the built-in MT-garble rules: id, on by default or not, flag-only or not, what it does.

    Switch one per run with `mtfix fix --rule ID` / `--no-rule ID`.
    """
    from mtfix.passes.rules import available_rules, reference_markdown

    if markdown:
        typer.echo(reference_markdown(), nl=False)
        return
    infos = available_rules()
    width = max(len(info.id) for info in infos)
    typer.echo(f"{'id':<{width}}  default  changes     scope   description")
    for info in infos:
        kind = "flag-only" if info.flag_only else "changes"
        typer.echo(f"{info.id:<{width}}  {'on' if info.default else 'off':<7}  {kind:<10}  "
                   f"{info.scope:<6}  {info.description}")
