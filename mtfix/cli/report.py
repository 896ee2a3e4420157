"""CLI commands ``report``, ``apply`` and ``review``: thin layers over :mod:`mtfix.report` and
:mod:`mtfix.review` (registered in :mod:`mtfix.cli`). Heavy imports stay inside the functions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mtfix.cli.common import EXIT_INPUT_FAILED, read_log_or_exit
from mtfix.cli.common import err as _err
from mtfix.cli.common import usage_error as _usage
from mtfix.cli.decisions import MemoryPath, record_applied, record_decisions
from mtfix.textutil import plural


def _load(change_log: str):
    from mtfix.fileio import InputError
    from mtfix.report import load_report

    try:
        return load_report(change_log)
    except InputError as exc:
        raise _usage(str(exc)) from None


def report_cmd(
    change_log: Annotated[str, typer.Argument(help="The change log (JSON Lines) written by `mtfix fix`.",
                                              show_default=False)],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write the report here; the format follows the extension "
        "(.html, .md, .json). Without it the report goes to standard output.")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="html, md, json or term (coloured terminal redline).")] = None,
    title: Annotated[str, typer.Option("--title", help="Report title.")] = "mtfix review",
    color: Annotated[bool | None, typer.Option(
        "--color/--no-color", help="Force colour on or off in the terminal format "
        "(e.g. --color for `| less -R`).")] = None,
    pager: Annotated[bool, typer.Option("--pager", help="Show the terminal report in a pager.")] = False,
) -> None:
    """Render a change log as an HTML review page, Markdown, JSON, or a terminal redline.

    Originals are looked up relative to the current directory, then to the change log's folder;
    a missing original only drops the context around its changes.
    """
    from mtfix.report import FORMATS, format_for_path, render_report, write_report

    if fmt is not None and fmt not in FORMATS:
        raise _usage(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt is None:
        try:
            fmt = format_for_path(output) if output and output != "-" else "term"
        except ValueError as exc:
            raise _usage(str(exc)) from None
    report = _load(change_log)
    for document in report.documents:
        if document.message and document.status != "ok":
            _err(f"mtfix: {document.doc}: {document.message}")
    if output and output != "-":
        write_report(report, output, fmt, title)
        _err(f"mtfix: wrote {fmt} report of {plural(len(report.changes), 'change')} to {output}")
        return
    if fmt != "term":
        sys.stdout.write(render_report(report, fmt, title))
        return
    from rich.console import Console

    from mtfix.report.terminal import print_report

    console = Console(force_terminal=color if color else None, no_color=color is False)
    if pager:
        with console.pager(styles=True):
            print_report(report, console)
    else:
        print_report(report, console)


def apply_cmd(
    changes: Annotated[str, typer.Option("--changes", "-c", help="The change log (JSON Lines).",
                                         show_default=False)],
    decisions: Annotated[str, typer.Option("--decisions", "-d", help="decisions.json from the HTML "
                                           "report or `mtfix review`.", show_default=False)],
    output_dir: Annotated[str, typer.Option("--output-dir", "-o", help="Write the results here "
                                            "(same file names; folders keep their relative paths).",
                                            show_default=False)],
    pending: Annotated[str, typer.Option(
        "--pending", help="What to do with changes that have no decision: accept or reject.")] = "reject",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    memory: MemoryPath = None,
    no_memory: Annotated[bool, typer.Option(
        "--no-memory", help="Do not remember the decisions for later runs.")] = False,
    originals: Annotated[list[str] | None, typer.Argument(
        help="The original documents the changes were made on: files or folders (searched as "
        "`mtfix fix` searches them); none: the documents the change log names.",
        show_default=False)] = None,
) -> None:
    """Apply accepted changes only, to the originals, writing OUTDIR/NAME for each.

    Folders keep their files' relative paths under OUTDIR, as `mtfix fix -o` wrote them.

    Decisions made for a text that has changed since are refused, never applied fuzzily.
    Accepting a flag that has a proposal applies the proposal. The decisions applied are
    remembered in the decisions store, so the next `mtfix fix` follows them.
    """
    from mtfix.review import DecisionsError, apply_to_paths, read_decisions

    if pending not in ("accept", "reject"):
        raise _usage(f"--pending must be accept or reject, not {pending!r}")
    records = read_log_or_exit(changes, _usage)
    try:
        chosen = read_decisions(decisions)
    except DecisionsError as exc:
        raise _usage(str(exc)) from None
    _check_decision_ids(list(chosen.decisions), {c.id for c in records}, decisions, changes)
    outcomes = apply_to_paths(originals or [], records, chosen, output_dir, pending=pending,
                              log_dir=Path(changes).parent)
    for outcome in outcomes:
        if not outcome.ok:
            _err(f"mtfix: {outcome.error}")
        elif not quiet:
            edited = f" ({outcome.edited} edited)" if outcome.edited else ""
            _err(f"mtfix: {outcome.input}: {outcome.accepted} accepted{edited}, {outcome.rejected} "
                 f"rejected, {outcome.pending} pending ({pending}ed) -> {outcome.output}")
    remembered = record_applied(memory, no_memory, outcomes, quiet=quiet)
    if not outcomes or any(not o.ok for o in outcomes) or not remembered:
        raise typer.Exit(EXIT_INPUT_FAILED)


def _check_decision_ids(ids: list[str], known: set[str], decisions: str, changes: str) -> None:
    """Refuse a decisions file none of whose ids is in the change log: it belongs to another
    run, and applying it would write unchanged copies and report success. Where only some ids
    are unknown, say how many and which (the rest is applied)."""
    unknown = [i for i in ids if i not in known]
    if not unknown:
        return
    if len(unknown) == len(ids):
        raise _usage(f"none of the {len(ids)} decision(s) in {decisions} matches a change in "
                     f"{changes}; wrong decisions file? Give the one exported from this change "
                     "log's report (or `mtfix review` of it)")
    shown = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
    _err(f"mtfix: warning: {len(unknown)} decision(s) in {decisions} name changes that are not in "
         f"{changes} (ignored): {shown}; was it exported from another report?")


def review_cmd(
    change_log: Annotated[str, typer.Argument(help="The change log (JSON Lines) to review.",
                                              show_default=False)],
    decisions: Annotated[str | None, typer.Option(
        "--decisions", "-d", help="Read and write decisions here [default: decisions.json beside "
        "the change log]. Existing decisions are kept; the review resumes where it stopped.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Your name, recorded in the "
                                                 "decisions file.")] = None,
    redo: Annotated[bool, typer.Option("--redo", help="Also revisit changes that already have a "
                                       "decision.")] = False,
    memory: MemoryPath = None,
    no_memory: Annotated[bool, typer.Option(
        "--no-memory", help="Do not remember the decisions for later runs.")] = False,
) -> None:
    """Review changes one by one in the terminal (like `git add -p`) and write decisions.json."""
    from mtfix.review import Decisions, DecisionsError, read_decisions, write_decisions
    from mtfix.review.interactive import review_changes

    report = _load(change_log)
    target = Path(decisions) if decisions else Path(change_log).parent / "decisions.json"
    try:
        existing = read_decisions(target) if target.exists() else Decisions(change_log=change_log)
    except DecisionsError as exc:
        raise _usage(f"{exc} (fix or remove it, or give another --decisions)") from None
    if reviewer:
        existing.reviewer = reviewer
    try:
        result = review_changes(report, existing, redo=redo,
                                save=lambda d: write_decisions(d, target))
    except KeyboardInterrupt:
        _err("")
        _err(f"mtfix: interrupted; {_decision_counts(existing, len(report.changes))}, "
             f"saved in {target}")
        _err(f"mtfix: run `mtfix review {change_log}` again to go on where you stopped")
        record_decisions(memory, no_memory, report.changes, existing, Path(change_log).parent)
        raise typer.Exit(130) from None
    _err(f"mtfix: {_decision_counts(result, len(report.changes))}; decisions in {target}")
    # (the review itself is saved: a decision that could not be remembered is only said)
    record_decisions(memory, no_memory, report.changes, result, Path(change_log).parent)
    _err(f"mtfix: apply them with: mtfix apply ORIGINAL... --changes {change_log} --decisions {target} "
         "-o OUTDIR")


def _decision_counts(decisions, total: int) -> str:
    """"N accepted (E edited), R rejected, P pending" for the messages of `mtfix review`."""
    values = list(decisions.decisions.values())
    edited = values.count("edit")
    accepted = values.count("accept") + edited
    rejected = values.count("reject")
    shown = f"{accepted} accepted" + (f" ({edited} edited)" if edited else "")
    return f"{shown}, {rejected} rejected, {total - accepted - rejected} pending"


def write_fix_report(path: str, changes, originals=None, change_log: str | None = None) -> None:
    """``mtfix fix --report PATH``: render this run's changes (format by extension).

    ``change_log`` (the log this run wrote, if any) is named in the report, and in the
    ``decisions.json`` the HTML page exports, so decisions can be traced to their log."""
    from mtfix.report import build_report, write_report

    write_report(build_report(changes, originals, source=change_log), path)
