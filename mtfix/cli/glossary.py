"""``mtfix glossary ...``: tools for the translators who own the glossaries.

Each command is a thin layer over a function in ``mtfix.glossary.*``. Exit codes: 0 ok,
1 problems found (lint errors, failing examples, refused entry), 2 usage error or a glossary
that cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mtfix.cli.common import EXIT_INPUT_FAILED as EXIT_PROBLEMS
from mtfix.cli.common import EXIT_USAGE, Typer, usage_error
from mtfix.cli.common import err as _err
from mtfix.glossary.model import GlossaryError
from mtfix.textutil import plural, printable

if TYPE_CHECKING:
    from mtfix.glossary_tools.exchange_base import ExchangeResult

glossary_app = Typer(
    name="glossary",
    help="Check, test, extend, exchange and learn glossaries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _usage(message: str) -> typer.Exit:
    return usage_error(message, prog="mtfix glossary")


Files = Annotated[list[Path], typer.Argument(help="Glossary files or folders (.toml/.tsv).",
                                             show_default=False)]
NoDefaults = Annotated[bool, typer.Option(
    "--no-default-glossaries", help="Check without the shipped glossaries (as `mtfix fix "
    "--no-default-glossaries` runs).")]


@glossary_app.command("lint")
def lint_cmd(
    files: Files,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Errors only.")] = False,
    no_default_glossaries: NoDefaults = False,
) -> None:
    """Check glossaries with the checks `mtfix fix` runs when it loads them (with the shipped
    glossaries, as fix), plus style warnings: errors exit 1, and exactly those stop fix."""
    from mtfix.glossary_tools.lint import lint_glossaries

    report = lint_glossaries(files, defaults=not no_default_glossaries)
    for problem in report.problems:
        if quiet and problem.severity != "error":
            continue
        typer.echo(printable(str(problem)))
    _err(f"mtfix glossary lint: {report.summary()}")
    if report.errors or (strict and report.warnings):
        raise typer.Exit(EXIT_PROBLEMS)


@glossary_app.command("test")
def test_cmd(files: Files) -> None:
    """Run every entry's examples; print each failure as `file:line id: expected ... got ...`."""
    from mtfix.glossary_tools.selftest import run_glossary_examples

    report = run_glossary_examples(files)
    for error in report.errors:
        _err(f"mtfix glossary test: {error}")
    for failure in report.failures:
        typer.echo(printable(str(failure)))
    _err(f"mtfix glossary test: {report.summary()}")
    if report.errors:
        raise typer.Exit(EXIT_USAGE)
    if report.failures:
        raise typer.Exit(EXIT_PROBLEMS)


SHOWN_SKIPS = 20
TargetLang = Annotated[str, typer.Option(
    "--target-lang", "--lang", help="TBX: the language of the target terms (matched by "
                                    "primary subtag: en ~ en-US; with a region, en-GB, that "
                                    "variant where a concept has it); CSV/TSV: a column named "
                                    "by it is read as the target terms.")]
SourceLang = Annotated[str | None, typer.Option(
    "--source-lang", help="TBX: the language of the source terms, kept as each entry's "
                          "'source' (e.g. zh); CSV/TSV: a column named by it is read as them.")]


@glossary_app.command("add")
def add_cmd(
    file: Annotated[Path, typer.Argument(help="The TOML glossary to extend (created if missing).")],
    find: Annotated[list[str] | None, typer.Option(
        "--find", help="Text to find; repeatable.", show_default=False)] = None,
    replace: Annotated[str | None, typer.Option("--replace", help="Replacement (\"\" deletes).",
                                                show_default=False)] = None,
    from_file: Annotated[Path | None, typer.Option(
        "--from", help="Add every entry of this glossary (TOML, TSV, CSV or TBX; e.g. the "
                       "glossary-additions.toml a review page exports) instead of one entry.",
        show_default=False)] = None,
    note: Annotated[str, typer.Option("--note", help="Why; the source term.")] = "",
    example: Annotated[list[str] | None, typer.Option(
        "--example", help="TEXT=>FIXED (a positive case) or TEXT alone (must stay unchanged); "
                          "repeatable.")] = None,
    entry_id: Annotated[str | None, typer.Option(
        "--id", help="Entry id (default: file stem + find).")] = None,
    match: Annotated[str, typer.Option("--match", help="phrase | exact | regex | fuzzy")] = "phrase",
    flag: Annotated[bool, typer.Option("--flag", help="Report only, never apply.")] = False,
    context: Annotated[list[str] | None, typer.Option(
        "--context", help="Fire only on lines holding this word; repeatable.")] = None,
    min_score: Annotated[float | None, typer.Option(
        "--min-score", help="Fuzzy entries: the least score (0-100] that fires.")] = None,
    before: Annotated[list[str] | None, typer.Option(
        "--before", help="A phrase that must come right before the match; repeatable.")] = None,
    after: Annotated[list[str] | None, typer.Option(
        "--after", help="A phrase that must come right after the match; repeatable.")] = None,
    not_before: Annotated[list[str] | None, typer.Option(
        "--not-before", help="A phrase that must not come right before; repeatable.")] = None,
    not_after: Annotated[list[str] | None, typer.Option(
        "--not-after", help="A phrase that must not come right after; repeatable.")] = None,
    forms: Annotated[bool, typer.Option(
        "--forms", help="Also the plural / possessive of each find's last word.")] = False,
    separators: Annotated[bool, typer.Option(
        "--separators", help="Hyphen, space, slash and en dash between words match each "
                             "other.")] = False,
    case: Annotated[str | None, typer.Option(
        "--case", help="Phrase entries: insensitive | sensitive | title.")] = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Source-language term (e.g. 二级巡视员); repeatable.")] = None,
    target: Annotated[str | None, typer.Option(
        "--target", help="The approved target term, when it is not the replacement.")] = None,
    glossary: Annotated[list[Path] | None, typer.Option(
        "--glossary", "-g", "--with", help="Another glossary this one runs with (as `mtfix fix "
        "-g`), checked too; repeatable.")] = None,
    no_default_glossaries: Annotated[bool, typer.Option(
        "--no-default-glossaries", help="Check without the shipped glossaries (for a glossary "
        "run with `mtfix fix --no-default-glossaries`).")] = False,
    keep_ids: Annotated[bool, typer.Option(
        "--keep-ids", help="--from: refuse an entry whose id is already used (default: "
                           "rename it id-2, id-3...).")] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="--from: csv | tsv | tbx | tbx-min | toml (default: from the "
                         "name)")] = None,
    target_lang: TargetLang = "en",
    source_lang: SourceLang = None,
) -> None:
    """Append an entry (or, with --from, every entry of a file), checked with the glossaries it
    runs with (the shipped ones and -g): refuses what a load refuses, a failing example, a
    conflict, chain or cycle; an interaction is a warning; the file's layout is kept."""
    others = list(glossary or ())
    if from_file is not None:
        given = [name for name, value in (("--find", find), ("--replace", replace),
                                          ("--example", example), ("--id", entry_id))
                 if value]
        if given:
            raise _usage(f"--from adds the entries of a file: {', '.join(given)} cannot be "
                         "given with it")
        _add_from(file, from_file, others, not no_default_glossaries, keep_ids, fmt,
                  target_lang, source_lang)
        return
    if not find or replace is None:
        raise _usage("give --find and --replace (or --from FILE)")
    from mtfix.glossary.model import Example
    from mtfix.glossary_tools.edit import add_entry

    examples = []
    for raw in example or ():
        text, sep, fixed = raw.partition("=>")
        examples.append(Example(text, fixed if sep else text))
    try:
        result = add_entry(file, find=find, replace=replace, entry_id=entry_id, match=match,
                           note=note, flag=flag, examples=examples, min_score=min_score,
                           context=context or (), before=before or (), after=after or (),
                           not_before=not_before or (), not_after=not_after or (),
                           forms=forms, separators=separators, case=case,
                           source=source or (), target=target,
                           with_glossaries=others, defaults=not no_default_glossaries)
    except GlossaryError as exc:
        _err(printable(f"mtfix glossary add: {exc}"))
        raise typer.Exit(EXIT_PROBLEMS) from None
    for warning in result.warnings:
        _err(printable(f"mtfix glossary add: {warning}"))
    if result.skipped:
        _err(printable(f"mtfix glossary add: nothing written: {result.skipped}"))
        return
    _err(f"mtfix glossary add: added {result.entry.id} at {result.entry.where()}")


def _add_from(file: Path, from_file: Path, others: list[Path], defaults: bool, keep_ids: bool,
              fmt: str | None, target_lang: str, source_lang: str | None) -> None:
    """``add --from``: one line per entry added, renamed, skipped or refused, the warnings,
    and a summary; exit 1 if an entry was refused, 2 if a file cannot be read."""
    from mtfix.fileio import InputError
    from mtfix.glossary_tools.merge import add_from_file

    try:
        done = add_from_file(file, from_file, fmt=fmt, with_glossaries=others,
                             defaults=defaults, rename_ids=not keep_ids,
                             target_lang=target_lang, source_lang=source_lang)
    except (GlossaryError, InputError, ValueError, OSError) as exc:
        raise _usage(printable(str(exc))) from None
    _report("add", done.read)
    merge = done.merge
    for old, new, why in merge.renamed:
        _err(printable(f"mtfix glossary add: renamed {old} -> {new} ({why})"))
    for entry in merge.added:
        _err(printable(f"mtfix glossary add: added {entry.id} at {entry.where()}"))
    for entry, why in merge.skipped:
        _err(printable(f"mtfix glossary add: skipped {entry.id}: {why}"))
    for entry, why in merge.refused:
        _err(printable(f"mtfix glossary add: refused {entry.id} ({from_file}:{entry.line}): "
                       f"{why}"))
    for warning in merge.warnings:
        _err(printable(f"mtfix glossary add: {warning}"))
    _err(f"mtfix glossary add: {merge.summary()} ({from_file} into {file})")
    if merge.refused:
        raise typer.Exit(EXIT_PROBLEMS)


def _report(command: str, result: ExchangeResult) -> None:
    """How the input was read, then what was left out (the first few, and how many more)."""
    for notice in result.notices:
        _err(printable(f"mtfix glossary {command}: note: {notice}"))
    for skipped in result.skipped[:SHOWN_SKIPS]:
        _err(printable(f"mtfix glossary {command}: left out {skipped}"))
    if len(result.skipped) > SHOWN_SKIPS:
        _err(f"mtfix glossary {command}: ... and {len(result.skipped) - SHOWN_SKIPS} more left out")


@glossary_app.command("import")
def import_cmd(
    source: Annotated[Path, typer.Argument(
        help="CSV, TSV (UTF-8, or UTF-16 with a BOM), TBX, or MultiTerm XML (.xml) file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="TOML glossary to write.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="csv | tsv | tbx | tbx-min (default: from the name)")] = None,
    target_lang: TargetLang = "en",
    source_lang: SourceLang = None,
    delimiter: Annotated[str | None, typer.Option(
        "--delimiter", help="CSV/TSV: comma | semicolon | tab (default: sniffed and "
                            "reported).")] = None,
    allow_deletions: Annotated[bool, typer.Option(
        "--allow-deletions", help="CSV/TSV: an empty cell in the replace column deletes the "
                                  "find (otherwise it is an error).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output.")] = False,
) -> None:
    """Convert a CSV/TSV sheet or a TBX / MultiTerm termbase to a TOML glossary; says how it
    was read."""
    from mtfix.fileio import InputError
    from mtfix.glossary_tools.exchange import import_glossary

    try:
        result = import_glossary(source, output, fmt, target_lang=target_lang,
                                 source_lang=source_lang, delimiter=delimiter,
                                 allow_deletions=allow_deletions, overwrite=force)
    except (GlossaryError, InputError, ValueError, FileExistsError, OSError) as exc:
        raise _usage(printable(str(exc))) from None
    _report("import", result)
    _err(f"mtfix glossary import: {plural(result.entries, 'entry')} written to {output}; "
         f"run `mtfix glossary lint {output}` next")


@glossary_app.command("export")
def export_cmd(
    files: Files,
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV, TSV or TBX file to write.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="csv | tsv | tbx | tbx-min | toml (default: from the name)")] = None,
    target_lang: TargetLang = "en",
    source_lang: SourceLang = None,
) -> None:
    """Write glossaries as CSV (everything), TSV (plain phrase entries), TBX-Basic or TBX-Min
    (.tbxm or --format tbx-min)."""
    from mtfix.glossary_tools.exchange import export_glossary

    try:
        result = export_glossary(files, output, fmt, target_lang=target_lang,
                                 source_lang=source_lang)
    except (GlossaryError, ValueError, OSError) as exc:
        raise _usage(str(exc)) from None
    _report("export", result)
    _err(f"mtfix glossary export: {plural(result.entries, 'entry')} written to {output}")


@glossary_app.command("stats")
def stats_cmd(
    files: Files,
    corpus: Annotated[list[Path], typer.Option("--corpus", help="Text files or folders; repeatable.",
                                               show_default=False)],
    top: Annotated[int, typer.Option("--top", help="How many slowest entries to show.")] = 10,
) -> None:
    """How often each entry fires on a corpus, which never fire, and the slowest entries."""
    from mtfix.glossary import Glossary
    from mtfix.glossary_tools.stats import glossary_stats

    try:
        glossary = Glossary.load(files)
    except GlossaryError as exc:
        raise _usage(f"glossary: {exc}") from None
    stats = glossary_stats(glossary, corpus)
    for problem in stats.unreadable:
        _err(f"mtfix glossary stats: skipped {problem}")
    typer.echo(f"corpus: {plural(stats.files, 'file')}, {plural(stats.chars, 'character')}")
    typer.echo("fires  entry")
    for entry in glossary.entries:
        if stats.fires[entry.id]:
            typer.echo(printable(f"{stats.fires[entry.id]:5d}  {entry.id}"))
    never = stats.never_fired
    typer.echo(f"never fired ({len(never)}):")
    for entry in never:
        typer.echo(printable(f"       {entry.id}  ({entry.where()})"))
    typer.echo("slowest:")
    for what, seconds in stats.timings[:top]:
        typer.echo(printable(f"{seconds * 1000:9.1f} ms  {what}"))


@glossary_app.command("learn")
def learn_cmd(
    mt: Annotated[Path, typer.Argument(
        help="MT segments, one per line (or a change log with --reviews).")],
    pe: Annotated[Path, typer.Argument(
        help="Post-edited segments, same lines (or decisions.json with --reviews).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Draft TOML glossary to write.")],
    reviews: Annotated[bool, typer.Option(
        "--reviews", help="MT is a change log (JSON Lines) and PE its decisions.json.")] = False,
    detokenize: Annotated[bool, typer.Option(
        "--detokenize", help="Moses-detokenize tokenized input first (needs sacremoses).")] = False,
    min_count: Annotated[int, typer.Option("--min-count", help="Minimum times a change was made.")] = 4,
    min_precision: Annotated[float, typer.Option(
        "--min-precision", help="Minimum precision (Wilson lower bound).")] = 0.8,
    prefix: Annotated[str | None, typer.Option("--prefix", help="Id prefix (default: output stem).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output.")] = False,
    glossary: Annotated[list[Path] | None, typer.Option(
        "--glossary", "-g", help="A glossary the draft will run with (as `mtfix fix -g`); "
        "repeatable.")] = None,
    no_default_glossaries: NoDefaults = False,
) -> None:
    """Mine draft entries from post-edits (or reviewed change logs), for a translator to review.

    What it learns is checked against the glossaries it will run with (the shipped ones and
    any -g, as `mtfix fix` loads them): conflicting entries are dropped or turned into flags."""
    from mtfix.api import load_glossary_set
    from mtfix.fileio import InputError, write_text_atomic
    from mtfix.glossary_tools.learn import (
        LearnSettings,
        check_draft,
        learn_from_reviews,
        learn_from_segments,
        read_segments,
    )

    if output.exists() and not force:
        raise _usage(f"{output} exists; choose another name or pass --force")
    settings = LearnSettings(min_count=min_count, min_precision=min_precision)
    prefix = prefix or output.stem
    try:
        against = load_glossary_set(list(glossary or ()), defaults=not no_default_glossaries)
    except GlossaryError as exc:  # the run it is made for could not start either
        raise _usage(f"glossary: {exc}") from None
    try:
        if reviews:
            result = learn_from_reviews([mt], [pe], settings, prefix=prefix, against=against)
        else:
            result = learn_from_segments(read_segments(mt, detokenize=detokenize),
                                         read_segments(pe, detokenize=detokenize), settings,
                                         prefix=prefix, progress=lambda m: _err(f"  {m}"),
                                         against=against)
    except (InputError, ValueError, ImportError) as exc:
        raise _usage(str(exc)) from None
    draft = result.to_toml(name=prefix, source=f"{mt.name} / {pe.name}")
    try:
        check_draft(draft, str(output), against=against)
    except GlossaryError as exc:
        _err(f"mtfix glossary learn: the draft would not load, so it is not written (please "
             f"report this with the input files): {exc}")
        raise typer.Exit(EXIT_PROBLEMS) from None
    write_text_atomic(output, draft)
    flags = sum(e.flag for e in result.entries)
    conflicts = result.conflict_summary()
    _err(f"mtfix glossary learn: {plural(len(result.entries), 'entry')} ({flags} as flags) from "
         f"{result.segments} segments written to {output}"
         f"{'; ' + conflicts if conflicts else ''}; review them before use")
