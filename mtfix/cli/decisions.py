"""``mtfix decisions ...``: the project's remembered review decisions (:mod:`mtfix.memory`),
and the helpers ``fix``, ``apply`` and ``review`` use for ``--memory PATH`` / ``--no-memory``.

The store is ``.mtfix/decisions.jsonl`` in the current folder unless ``--memory`` names
another, or the environment variable ``MTFIX_MEMORY`` does (the project config may name it
too; its folder then replaces the current one).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mtfix.cli.common import EXIT_INPUT_FAILED, Typer, read_log_or_exit, usage_error
from mtfix.cli.common import err as _err
from mtfix.textutil import printable

if TYPE_CHECKING:
    from mtfix.change import Change
    from mtfix.memory import DecisionMemory
    from mtfix.review.decisions import Decisions

decisions_app = Typer(
    name="decisions",
    help="Remembered review decisions: import, list, forget.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

MEMORY_HELP = ("The decisions store (JSON Lines) [default: $MTFIX_MEMORY, else the "
               "configuration's `decisions`, else .mtfix/decisions.jsonl in the current folder].")
#: the environment variable that moves the default store
MEMORY_ENV = "MTFIX_MEMORY"
MemoryPath = Annotated[str | None, typer.Option("--memory", metavar="PATH", help=MEMORY_HELP,
                                                show_default=False)]


def _usage(message: str) -> typer.Exit:
    return usage_error(message, prog="mtfix decisions")


def store_path(memory: str | None, config_store: Path | None = None) -> Path:
    """The decisions store a command uses: ``--memory PATH``, else ``$MTFIX_MEMORY``, else
    the configuration's ``decisions`` (``config_store``; by default that of the configuration
    governing the current folder), else the default."""
    if memory or os.environ.get(MEMORY_ENV):
        return Path(memory or os.environ[MEMORY_ENV])
    if config_store is None:
        from mtfix.config import ConfigError, load_config

        try:
            config_store = load_config(Path.cwd()).decisions_path
        except ConfigError as exc:
            raise usage_error(f"config: {exc}") from None
    try:  # (said relative to the current folder where it is inside it)
        return config_store.relative_to(Path.cwd())
    except ValueError:
        return config_store


def memory_for_run(memory: str | None, no_memory: bool, config_store: Path | None = None,
                   ) -> DecisionMemory | None:
    """The remembered decisions ``mtfix fix`` follows (``None`` with ``--no-memory``); a store
    that cannot be read is a usage error naming its file and line. A missing default store is
    no decisions yet; a missing ``--memory PATH`` too (the first apply creates it)."""
    from mtfix.memory import DecisionStoreError, read_memory

    if no_memory:
        if memory:
            raise usage_error("--memory and --no-memory exclude each other")
        return None
    try:
        return read_memory(store_path(memory, config_store))
    except DecisionStoreError as exc:
        raise usage_error(f"{exc} (or run with --no-memory)") from None


def record_decisions(memory: str | None, no_memory: bool, changes: Sequence[Change],
                     decisions: Decisions, log_dir: str | Path | None, *,
                     quiet: bool = False) -> bool:
    """``mtfix review``/``decisions import``: keep the decisions in the store; False (after
    saying why) if some could not be kept."""
    if no_memory:
        return True
    from mtfix.memory import DecisionStoreError
    from mtfix.review.remember import remember_reviewed

    store = store_path(memory)
    try:
        recorded = remember_reviewed(store, changes, decisions, log_dir)
    except (DecisionStoreError, OSError) as exc:
        _err(f"mtfix: {exc}")
        return False
    for problem in recorded.problems:
        _err(f"mtfix: {problem}")
    if not quiet:
        _err(f"mtfix: remembered {_count(len(recorded.entries), 'decision')} in {store}")
    return not recorded.problems


def record_applied(memory: str | None, no_memory: bool, outcomes, *, quiet: bool = False) -> bool:
    """``mtfix apply``: keep the decisions it applied in the store."""
    if no_memory:
        return True
    from mtfix.memory import DecisionStoreError, remember

    entries = [entry for outcome in outcomes if outcome.ok for entry in outcome.remembered]
    store = store_path(memory)
    try:
        remember(store, entries)
    except (DecisionStoreError, OSError) as exc:
        _err(f"mtfix: {exc}")
        return False
    if entries and not quiet:
        _err(f"mtfix: remembered {_count(len(entries), 'decision')} in {store}")
    return True


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@decisions_app.command("import")
def import_cmd(
    decisions: Annotated[str, typer.Argument(help="decisions.json exported from the HTML report "
                                             "(or written by `mtfix review`).",
                                             show_default=False)],
    changes: Annotated[str | None, typer.Option(
        "--changes", "-c", help="The change log the decisions were made on [default: the one "
        "decisions.json names].", show_default=False)] = None,
    memory: MemoryPath = None,
) -> None:
    """Remember the decisions of a review (the originals are read for the words around each
    change: run from the folder the change log's paths are relative to)."""
    from mtfix.review import DecisionsError, read_decisions

    try:
        chosen = read_decisions(decisions)
    except DecisionsError as exc:
        raise _usage(str(exc)) from None
    log = changes or chosen.change_log
    if not log:
        raise _usage(f"{decisions} does not name its change log; give it with --changes")
    records = read_log_or_exit(log, _usage, "; give it with --changes")
    known = {c.id for c in records}
    if chosen.decisions and not any(i in known for i in chosen.decisions):
        raise _usage(f"none of the decisions in {decisions} matches a change in {log}; give "
                     "the change log the review was made on with --changes")
    if not record_decisions(memory, False, records, chosen, Path(log).parent):
        raise typer.Exit(EXIT_INPUT_FAILED)


@decisions_app.command("list")
def list_cmd(memory: MemoryPath = None) -> None:
    """Print the remembered decisions, one a line: decision, rule, before -> after, context."""
    from mtfix.memory import EDIT, DecisionStoreError, read_memory

    try:
        kept = read_memory(store_path(memory))
    except DecisionStoreError as exc:
        raise _usage(str(exc)) from None
    for entry in kept:
        after = entry.text if entry.decision == EDIT else entry.after
        typer.echo(printable(f"{entry.decision}\t{entry.pass_}:{entry.rule}\t{entry.before!r} -> "
                             f"{after!r}\t[{entry.left} _ {entry.right}]"))
    _err(f"mtfix decisions: {_count(len(kept), 'decision')} in {store_path(memory)}")


@decisions_app.command("forget")
def forget_cmd(
    rule: Annotated[str | None, typer.Option("--rule", help="Forget the decisions on this "
                                             "rule (or glossary entry) id.")] = None,
    before: Annotated[str | None, typer.Option("--before", help="Forget the decisions on "
                                               "changes of this text.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Forget every decision.")] = False,
    memory: MemoryPath = None,
) -> None:
    """Forget remembered decisions (those matching every option given)."""
    from mtfix.memory import DecisionStoreError, forget

    if not (rule or before is not None or all_):
        raise _usage("say what to forget: --rule ID, --before TEXT, or --all")
    store = store_path(memory)
    try:
        removed = forget(store, lambda e: (rule is None or e.rule == rule)
                         and (before is None or e.before == before))
    except DecisionStoreError as exc:
        raise _usage(str(exc)) from None
    _err(f"mtfix decisions: forgot {_count(removed, 'decision')} in {store}")
