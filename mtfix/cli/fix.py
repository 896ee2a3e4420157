"""``mtfix fix``: the command-line layer over :func:`mtfix.batch.fix_paths` (files) and
:func:`mtfix.api.fix_text` (standard input). Options are checked here; the work is the
library's."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from mtfix.cli.common import EXIT_INPUT_FAILED, usage_error
from mtfix.cli.common import err as _err
from mtfix.cli.settings import (
    MODEL_PARAMS,
    ConfigOption,
    DefaultGlossariesOption,
    ForceExcludeOption,
    GlossaryOption,
    NoConfigOption,
    build_run_pipeline,
    from_config,
    run_config,
)
from mtfix.glossary import GlossaryWarning
from mtfix.textutil import plural

PROGRESS_THRESHOLD = 5  # show a progress bar above this many files
_MODEL_PANEL = "Model rewrite"

fail_usage = usage_error


def fix_cmd(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(
        help="Files or directories to fix (directories are searched recursively), or URIs "
             "pyarrow or fsspec open (s3://, file://...; with -o); - for stdin.",
        show_default=False)],
    output_dir: Annotated[str | None, typer.Option(
        "--output-dir", "-o", help="Write outputs here, keeping relative paths.")] = None,
    in_place: Annotated[bool, typer.Option(
        "--in-place", help="Replace the inputs (atomically; keeps NAME.orig).")] = False,
    no_backup: Annotated[bool, typer.Option(
        "--no-backup", help="With --in-place: do not keep NAME.orig.")] = False,
    glossary: GlossaryOption = None,
    default_glossaries: DefaultGlossariesOption = None,
    changes: Annotated[str | None, typer.Option(
        "--changes", help="Write the change log (JSON Lines) here.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    rule: Annotated[list[str] | None, typer.Option(
        "--rule", help="Switch a rule on (ids: `mtfix rules`); repeatable.")] = None,
    no_rule: Annotated[list[str] | None, typer.Option(
        "--no-rule", help="Switch a rule off (ids: `mtfix rules`); repeatable.")] = None,
    report_path: Annotated[str | None, typer.Option(
        "--report", help="Also write a review report here; format by extension (.html, .md, .json).")
    ] = None,
    file_format: Annotated[str, typer.Option(
        "--format", help="Input format: auto (by the file extension) or a format name, e.g. "
        "lines (one segment per line, line count kept); an unknown name lists them all.")
    ] = "auto",
    field: Annotated[list[str] | None, typer.Option(
        "--field", help="JSON Lines (a.b for nested) and Parquet: a text field to fix; repeatable.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes [default: number of cores].",
        show_default=False)] = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="Where the files are fixed: local (worker processes here) or ray "
        "(a Ray cluster; pip install \"mtfix[ray]\"). Same outputs and change log.")] = "local",
    address: Annotated[str | None, typer.Option(
        "--address", help="With --engine ray: the cluster (auto, ray://HOST:PORT) [default: "
        "start one here]; every node must see the files at the same paths.",
        show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Skip files an interrupted run with the same settings finished.")] = False,
    source_file: Annotated[str | None, typer.Option(
        "--source", help="A source-language file line-aligned with the one input (line N is the "
        "source of line N): glossary entries with source terms check that their approved "
        "target is used. The input is read one segment per line.", show_default=False)] = None,
    mark_review: Annotated[bool | None, typer.Option(
        "--mark-review/--no-mark-review", show_default=False,
        help="Mark changed units for review (XLIFF state; PO fuzzy). Default: XLIFF only.")
    ] = None,
    memory: Annotated[str | None, typer.Option(
        "--memory", metavar="PATH", show_default=False,
        help="Remembered review decisions (JSON Lines) [default: $MTFIX_MEMORY, else "
             ".mtfix/decisions.jsonl in the current folder]: rejected changes are not proposed "
             "again, accepted flags are applied.")] = None,
    no_memory: Annotated[bool, typer.Option(
        "--no-memory", help="Do not follow remembered review decisions.")] = False,
    model: Annotated[str | None, typer.Option(
        "--model", metavar="NAME_OR_PATH", rich_help_panel=_MODEL_PANEL,
        help="Guarded model rewrite after the glossary and rules: a local folder or a Hugging "
             "Face id already in the local cache (never downloaded); with --model-url, the "
             "served model's name. Files run one at a time.")
    ] = None,
    model_url: Annotated[str | None, typer.Option(
        "--model-url", metavar="URL", rich_help_panel=_MODEL_PANEL, show_default=False,
        help="Ask an OpenAI-compatible server instead (vLLM, llama.cpp, Ollama), e.g. "
             "http://127.0.0.1:8000/v1; API key from $MTFIX_API_KEY or $OPENAI_API_KEY.")
    ] = None,
    model_backend: Annotated[str | None, typer.Option(
        "--model-backend", metavar="NAME", rich_help_panel=_MODEL_PANEL, show_default=False,
        help="transformers or openai [default: openai with --model-url, else transformers].")
    ] = None,
    model_prompt: Annotated[str | None, typer.Option(
        "--model-prompt", rich_help_panel=_MODEL_PANEL, show_default=False,
        help="Instruction put before each sentence [default: 'Fix grammatical errors in this "
             "sentence: ' (CoEdIT style)]; with --model-url, the chat instruction.")] = None,
    rewrite: Annotated[str, typer.Option(
        "--rewrite", rich_help_panel=_MODEL_PANEL,
        help="Which sentences go to the model: flagged (flagged by a rule or looking garbled) "
             "or all.")] = "flagged",
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, rich_help_panel=_MODEL_PANEL,
        help="Sentences per model batch (in-process model).")] = 8,
    max_new_tokens: Annotated[int, typer.Option(
        "--max-new-tokens", min=1, rich_help_panel=_MODEL_PANEL,
        help="Upper bound on generated tokens per sentence (also bounded by its length).")] = 256,
    model_parallel: Annotated[int, typer.Option(
        "--model-parallel", min=1, rich_help_panel=_MODEL_PANEL,
        help="Requests in flight at once to --model-url.")] = 4,
    model_timeout: Annotated[float, typer.Option(
        "--model-timeout", min=1, rich_help_panel=_MODEL_PANEL, metavar="SECONDS",
        help="Time one request to --model-url may take (retried 3 times).")] = 120.0,
    model_cache: Annotated[str | None, typer.Option(
        "--model-cache", metavar="DIR|off", rich_help_panel=_MODEL_PANEL, show_default=False,
        help="Keep rewrites here, so a rerun asks for none again [default: ~/.cache/mtfix "
             "with --model-url, none for a local model].")] = None,
    model_gpus: Annotated[float, typer.Option(
        "--model-gpus", min=0, rich_help_panel=_MODEL_PANEL, metavar="N",
        help="With --engine ray: GPUs per model actor (one actor per N GPUs of the cluster); "
             "0: one model actor on a CPU.")] = 0,
    force_exclude: ForceExcludeOption = False,
    config_file: ConfigOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Fix machine-translated text files and write a change log of every change.

    Settings come from the nearest mtfix.toml (or [tool.mtfix] in pyproject.toml) above the
    inputs; flags override them (`mtfix config` shows them).
    """
    from mtfix.api import fix_text
    from mtfix.batch import BatchUsageError, ChangeLogError, check_arguments, fix_paths
    from mtfix.fileio import InputError, decode_text

    if in_place and output_dir:
        raise fail_usage("--in-place and --output-dir exclude each other")
    if report_path:
        from mtfix.report import format_for_path

        try:
            format_for_path(report_path)
        except ValueError as exc:
            raise fail_usage(f"--report: {exc}") from None
    if changes == "-":
        raise fail_usage("--changes -: the change log needs a file name (standard output "
                         "carries the fixed text of '-'); e.g. --changes changes.jsonl")
    if changes and report_path and Path(changes).resolve() == Path(report_path).resolve():
        raise fail_usage(f"--report {report_path} would overwrite the change log (--changes "
                         f"{changes}); give them different paths")
    if no_backup and not in_place:
        raise fail_usage("--no-backup only makes sense with --in-place")
    if "-" in inputs and (output_dir or in_place):
        # stdin has no file name to keep and no file to replace: its output is stdout
        raise fail_usage(f"{'--output-dir' if output_dir else '--in-place'} does not apply to "
                         "'-': stdin is fixed to stdout; redirect it instead, e.g. "
                         "`mtfix fix - < in.txt > out/in.txt`")
    config = run_config(inputs, config_file, no_config)
    model_values = from_config(ctx, config, {
        "model": model, "model_url": model_url, "model_backend": model_backend,
        "model_prompt": model_prompt, "rewrite": rewrite, "batch_size": batch_size,
        "max_new_tokens": max_new_tokens, "model_parallel": model_parallel,
        "model_timeout": model_timeout, "model_cache": model_cache,
        "model_gpus": model_gpus}, MODEL_PARAMS)
    model, model_url, model_backend, model_prompt, rewrite = (
        model_values[k] for k in ("model", "model_url", "model_backend", "model_prompt", "rewrite"))
    batch_size, max_new_tokens, model_parallel, model_timeout, model_cache, model_gpus = (
        model_values[k] for k in ("batch_size", "max_new_tokens", "model_parallel",
                                  "model_timeout", "model_cache", "model_gpus"))
    from mtfix.formats import FORMATS, FormatOptions

    if file_format != "auto" and file_format not in FORMATS:
        raise fail_usage(f"--format {file_format}: choose auto, {', '.join(FORMATS)}")
    if file_format in ("jsonl", "parquet") and not field:
        raise fail_usage(f"--format {file_format} needs --field NAME (the text field to fix)")
    if source_file is not None:
        file_format = _format_with_source(inputs, file_format, source_file)
    batch_options = {"format": file_format, "jobs": jobs, "resume": resume, "options":
                     FormatOptions(fields=tuple(dict.fromkeys(field or ())),
                                   mark_review=mark_review, source=source_file),
                     # checked against every input and output before any work
                     "also_writes": {"--report": report_path} if report_path else None,
                     "skip": config.ignore_filter(), "format_of": config.format_for,
                     "force_exclude": force_exclude}
    batch_options["runner"] = _engine_runner(engine, address, quiet, jobs, model_gpus)
    extra_passes = []
    if model or model_url:
        from mtfix.cli.model import ModelOptionError, model_pass_from_options

        try:
            extra_passes.append(model_pass_from_options(
                model, url=model_url, backend=model_backend, prompt=model_prompt,
                rewrite=rewrite, batch_size=batch_size, max_new_tokens=max_new_tokens,
                parallel=model_parallel, timeout_s=model_timeout, cache=model_cache,
                show_progress=not quiet, runner=batch_options["runner"]))
        except ModelOptionError as exc:
            raise fail_usage(str(exc)) from None
        if batch_options["runner"] is None:
            batch_options["jobs"] = 1  # one model in one process; it uses the cores itself
    elif given := [name for name, value in (("--model-prompt", model_prompt is not None),
                                             ("--rewrite", rewrite != "flagged"),
                                             ("--model-backend", model_backend is not None),
                                             ("--model-cache", model_cache is not None),
                                             ("--model-gpus", model_gpus != 0)) if value]:
        raise fail_usage(f"{' and '.join(given)} need{'s' if len(given) == 1 else ''} --model "
                         "or --model-url")
    from mtfix.cli.decisions import memory_for_run

    # --memory and --no-memory over the configuration's `decisions` and `memory`
    remembered = memory_for_run(memory, no_memory or (not config.memory and memory is None),
                                config.decisions_path)
    pipeline, glossaries = build_run_pipeline(config, list(glossary or ()), default_glossaries,
                                              rule or (), no_rule or (), extra_passes,
                                              memory=remembered)

    if not quiet:
        print_glossary_warnings(glossaries.warnings)
    warned = glossary_warning_count(glossaries.warnings)

    if "-" in inputs:
        if len(inputs) > 1:
            raise fail_usage("'-' (stdin) cannot be combined with other inputs")
        try:
            text = decode_text(sys.stdin.buffer.read(), "<stdin>")
        except InputError as exc:
            _err(f"mtfix: {exc}")
            raise typer.Exit(EXIT_INPUT_FAILED) from None
        try:
            result = fix_text(text, pipeline=pipeline, doc="-")
        except InputError as exc:  # a model server that failed: nothing was written
            _err(f"mtfix: {exc}")
            raise typer.Exit(EXIT_INPUT_FAILED) from None
        sys.stdout.write(result.text)
        sys.stdout.flush()
        if changes:
            from mtfix.changelog import write_change_log
            from mtfix.fileio import atomic_writer

            with atomic_writer(changes) as stream:
                write_change_log(result.changes, stream)
        if report_path:
            from mtfix.cli.report import write_fix_report

            write_fix_report(report_path, result.changes, {"-": text}, change_log=changes)
        if not quiet:
            from mtfix.batch import memory_summary

            applied = len(result.applied)
            counts = pipeline.memory_counts
            _err(f"mtfix: 1 file, {plural(applied, 'change')}, "
                 f"{plural(len(result.flags), 'flag')}"
                 f"{memory_summary(counts['suppressed'], counts['applied'])}{warned}")
            _report_model(extra_passes)
        return

    def report(result) -> None:
        if not result.ok:
            _err(f"mtfix: {result.error}")
        elif result.note and not quiet:
            _err(f"mtfix: {result.note}")

    try:
        check_arguments(inputs, output_dir)
        if quiet:
            batch = fix_paths(inputs, pipeline=pipeline, output_dir=output_dir,
                              in_place=in_place, backup=not no_backup, change_log=changes,
                              on_file=report, **batch_options)
        else:
            batch = _with_progress(inputs, pipeline, output_dir, in_place, not no_backup,
                                   changes, report, batch_options)
    except BatchUsageError as exc:  # found before any file was touched
        raise fail_usage(str(exc)) from None
    except ChangeLogError as exc:  # the files were fixed; the message says how to recover
        _err(f"mtfix: {exc}")
        raise typer.Exit(EXIT_INPUT_FAILED) from None
    if not quiet:
        where = ""
        outputs = [r.output for r in batch.results if r.ok]
        if len(outputs) == 1:
            where = f"; output {outputs[0]}"
        elif output_dir:
            where = f"; outputs in {output_dir}"
        if batch.change_log:
            where += f"; change log {batch.change_log}"
        _err(f"mtfix: {batch.summary()}{warned}{where}")
        if batch.note:
            _err(f"mtfix: {batch.note}")
        _report_model(extra_passes)
    if report_path and any(r.ok for r in batch.results):
        from mtfix.cli.report import write_fix_report

        write_fix_report(report_path, batch.changes, change_log=batch.change_log)
        if not quiet:
            _err(f"mtfix: report {report_path}")
    if batch.failed or (not batch.results and not force_exclude):
        raise typer.Exit(EXIT_INPUT_FAILED)


def print_glossary_warnings(warnings: Sequence[GlossaryWarning]) -> None:
    """Each glossary warning once, before the run: what entries do to each other's examples
    and replacements (mostly entries of different glossaries) is the user's to judge, so the
    run goes on (``mtfix glossary lint`` lists the same warnings)."""
    for warning in warnings:
        _err(f"mtfix: warning: {warning}")


def glossary_warning_count(warnings: Sequence[GlossaryWarning]) -> str:
    """The summary's part about glossary warnings (empty when there are none)."""
    n = len(warnings)
    return f", {plural(n, 'glossary warning')}" if n else ""


def _report_model(extra_passes) -> None:
    if extra_passes:
        from mtfix.cli.model import model_summary

        for step in extra_passes:
            for line in model_summary(step):
                _err(f"mtfix: {line}")


def _with_progress(inputs, pipeline, output_dir, in_place, backup, changes, report,
                   batch_options):
    """Run the batch with a progress bar once it has found more than a few files, and one
    for the pieces of a large file cut for several workers (while they are fixed)."""
    from rich.progress import Progress

    from mtfix.batch import fix_paths

    with contextlib.ExitStack() as stack:
        bar: dict = {}

        def shown() -> Progress:
            if "progress" not in bar:
                bar["progress"] = stack.enter_context(Progress(transient=True,
                                                               console=_stderr_console()))
            return bar["progress"]

        def start(total: int) -> None:
            if total > PROGRESS_THRESHOLD:
                progress = shown()
                bar["advance"] = functools.partial(progress.advance,
                                                   progress.add_task("fixing", total=total))

        def step(result) -> None:
            report(result)
            if "advance" in bar:
                bar["advance"]()

        def piece(doc: str, done: int, total: int) -> None:
            progress = shown()
            if bar.get("piece") is None:
                bar["piece"] = progress.add_task(f"{Path(doc).name}: pieces", total=total)
            progress.update(bar["piece"], completed=done)
            if done >= total:
                progress.remove_task(bar.pop("piece"))

        return fix_paths(inputs, pipeline=pipeline, output_dir=output_dir, in_place=in_place,
                         backup=backup, change_log=changes, on_file=step, on_start=start,
                         on_piece=piece, **batch_options)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _engine_runner(engine: str, address: str | None, quiet: bool, jobs: int | None,
                   model_gpus: float):
    """The runner of ``--engine`` (None: the local worker pool); usage errors say why not."""
    from mtfix.engines import EngineUnavailable, engine_runner

    try:
        return engine_runner(engine, address=address, quiet=quiet, jobs=jobs,
                             model_gpus=model_gpus)
    except (ValueError, EngineUnavailable) as exc:
        raise fail_usage(f"--engine: {exc}") from None


def _format_with_source(inputs: list[str], file_format: str, source_file: str) -> str:
    """``--source`` pairs one input, read one segment per line, with its source file."""
    if len(inputs) != 1 or inputs[0] == "-" or Path(inputs[0]).is_dir():
        raise fail_usage("--source pairs one input file with its source-language file; give "
                         "exactly one input file (run once per file)")
    if not Path(source_file).is_file():
        raise fail_usage(f"--source {source_file}: no such file; give the source-language "
                         "file that is line-aligned with the input")
    if file_format == "auto":
        from mtfix.formats import detect_format

        detected = detect_format(inputs[0])
        if detected not in ("text", "lines"):
            # read as lines, a PO/XLIFF/TMX file would be fixed as text, msgids and tags too
            raise fail_usage(f"--source: {inputs[0]} is a {detected} file; bilingual files (PO, "
                             "XLIFF, TMX) carry their source already, so leave --source out; "
                             "give --format lines if the file really is one segment per line")
    if file_format in ("auto", "text", "lines"):
        return "lines"  # line N of the source is the source of line N
    raise fail_usage(f"--source needs the one-segment-per-line reading (--format lines), not "
                     f"--format {file_format}; bilingual files (PO, XLIFF, TMX) carry their "
                     "source already")
