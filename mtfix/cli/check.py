"""``mtfix check``: the command-line layer over :func:`mtfix.check.check_paths`. It runs the
same pipeline as ``mtfix fix`` (same configuration, same flags) and writes nothing.

Exit codes: 0 nothing would change (nothing at or above ``--fail-on``), 1 a change would be
made (or a flag, with ``--fail-on flag``), 2 usage error or a file that could not be checked.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mtfix.cli.common import err, usage_error
from mtfix.cli.decisions import MemoryPath, memory_for_run
from mtfix.cli.settings import (
    ConfigOption,
    DefaultGlossariesOption,
    ForceExcludeOption,
    GlossaryOption,
    NoConfigOption,
    build_run_pipeline,
    run_config,
)


def check_cmd(
    inputs: Annotated[list[str], typer.Argument(
        help="Files or directories to check (directories are searched as `mtfix fix` "
             "searches them).", show_default=False)],
    output_format: Annotated[str, typer.Option(
        "--output-format", help="text, json, sarif (SARIF 2.1.0), github (workflow "
        "annotations) or junit (JUnit XML); written to standard output.")] = "text",
    fail_on: Annotated[str, typer.Option(
        "--fail-on", help="Exit 1 on findings at or above this level: change (a change "
        "would be made), flag (a change or a flag), or never.")] = "change",
    diff: Annotated[bool, typer.Option(
        "--diff", help="Print what fix would change as a unified diff instead of the "
        "findings.")] = False,
    glossary: GlossaryOption = None,
    default_glossaries: DefaultGlossariesOption = None,
    rule: Annotated[list[str] | None, typer.Option(
        "--rule", help="Switch a rule on (ids: `mtfix rules`); repeatable.")] = None,
    no_rule: Annotated[list[str] | None, typer.Option(
        "--no-rule", help="Switch a rule off (ids: `mtfix rules`); repeatable.")] = None,
    file_format: Annotated[str, typer.Option(
        "--format", help="Input format: auto (by the extension and the configuration's "
        "[formats]) or a format name.")] = "auto",
    field: Annotated[list[str] | None, typer.Option(
        "--field", help="JSON Lines: a text field to check (a.b for nested); repeatable.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary.")] = False,
    force_exclude: ForceExcludeOption = False,
    config_file: ConfigOption = None,
    no_config: NoConfigOption = False,
    memory: MemoryPath = None,
    no_memory: Annotated[bool, typer.Option(
        "--no-memory", help="Ignore the remembered review decisions for this check.")] = False,
) -> None:
    """Report what `mtfix fix` would change, writing nothing; exit 1 if it would change
    anything (a CI check, a pre-commit hook).

    The model rewrite runs only if the configuration's [model] table names a model.
    """
    from mtfix.check import FAIL_ON, OUTPUT_FORMATS, check_paths, render, unified_diff
    from mtfix.formats import FORMATS, FormatOptions

    if output_format not in OUTPUT_FORMATS:
        raise usage_error(f"--output-format {output_format}: choose {', '.join(OUTPUT_FORMATS)}")
    if fail_on not in FAIL_ON:
        raise usage_error(f"--fail-on {fail_on}: choose {', '.join(FAIL_ON)}")
    if diff and output_format != "text":
        raise usage_error("--diff prints a diff instead of the findings; leave out "
                          f"--output-format {output_format}, or --diff")
    if "-" in inputs:
        raise usage_error("check reads files, not standard input; use `mtfix fix -` for a pipe")
    if file_format != "auto" and file_format not in FORMATS:
        raise usage_error(f"--format {file_format}: choose auto, {', '.join(FORMATS)}")
    if file_format == "jsonl" and not field:
        raise usage_error("--format jsonl needs --field NAME (the text field to check)")
    config = run_config(inputs, config_file, no_config)
    # what a reviewer rejected is not reported again (as `mtfix fix` would not propose it)
    remembered = memory_for_run(memory, no_memory or (not config.memory and memory is None),
                                config.decisions_path)
    pipeline, _glossaries = build_run_pipeline(config, list(glossary or ()), default_glossaries,
                                               rule or (), no_rule or (), _model_passes(config),
                                               memory=remembered)
    result = check_paths(inputs, pipeline=pipeline, format=file_format,
                         options=FormatOptions(fields=tuple(dict.fromkeys(field or ())),
                                               mark_review=False),
                         skip=config.ignore_filter(), format_of=config.format_for,
                         force_exclude=force_exclude, keep_text=diff)
    sys.stdout.write(unified_diff(result) if diff else render(result, output_format, fail_on))
    sys.stdout.flush()
    if diff or output_format != "text":  # (the text output lists them already)
        for checked in result.errors:
            err(f"mtfix: {checked.error}")
    if not quiet:
        err(f"mtfix check: {result.summary()}")
    raise typer.Exit(result.exit_code(fail_on))


def _model_passes(config) -> list:
    """The model pass, when the configuration names a model (as `mtfix fix` would run it)."""
    settings = config.model
    if not (settings.get("name") or settings.get("url")):
        return []
    from mtfix.cli.model import ModelOptionError, model_pass_from_options

    try:
        return [model_pass_from_options(
            settings.get("name"), url=settings.get("url"), backend=settings.get("backend"),
            prompt=settings.get("prompt"), rewrite=settings.get("rewrite", "flagged"),
            batch_size=settings.get("batch_size", 8),
            max_new_tokens=settings.get("max_new_tokens", 256),
            parallel=settings.get("parallel", 4), timeout_s=settings.get("timeout", 120.0),
            cache=settings.get("cache"), show_progress=False)]
    except ModelOptionError as exc:
        raise usage_error(f"config [model]: {exc}") from None
