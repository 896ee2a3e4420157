"""Recording review decisions in the project's decisions store (:mod:`mtfix.memory`).

``mtfix apply`` records the decisions it applied as it writes each file
(:attr:`~mtfix.review.apply.ApplyOutcome.remembered`). ``mtfix review`` and
``mtfix decisions import`` have a change log, decisions and the originals but write no file:
:func:`remember_reviewed` reads each original and works out the same entries.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.change import Change
from mtfix.memory import DecisionMemory, Remembered, remember
from mtfix.review.apply import apply_to_files
from mtfix.review.decisions import DecisionMap, decision_of


@dataclass
class Recorded:
    """What :func:`remember_reviewed` did: the entries kept, and documents it could not
    read (each message names the document and what to do)."""

    entries: list[Remembered] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    memory: DecisionMemory | None = None  # the store after the update


def original_path(doc: str, log_dir: str | Path | None) -> Path | None:
    """Where the original of ``doc`` (as a change record names it) is: relative to the current
    directory, else to the change log's folder."""
    for folder in (Path(), *((Path(log_dir),) if log_dir is not None else ())):
        candidate = folder / doc
        if candidate.is_file():
            return candidate
    return None


def reviewed_entries(changes: Sequence[Change], decisions: DecisionMap,
                     log_dir: str | Path | None = None) -> Recorded:
    """The store entries for the decided changes of ``changes``, document by document (the
    context words need each original); documents with no decision are skipped."""
    recorded = Recorded()
    by_doc: dict[str, list[Change]] = {}
    for change in changes:
        by_doc.setdefault(change.doc, []).append(change)
    with tempfile.TemporaryDirectory(prefix="mtfix-remember-") as scratch:
        for number, (doc, mine) in enumerate(by_doc.items()):
            if not any(decision_of(decisions, c.id) is not None for c in mine):
                continue
            path = original_path(doc, log_dir)
            if path is None:
                recorded.problems.append(
                    f"{doc}: original not found (looked in the current folder and beside the "
                    "change log); its decisions were not remembered: run from the folder the "
                    "change log's paths are relative to")
                continue
            # (each into a folder of its own: documents may share a name)
            (Path(scratch) / str(number)).mkdir()
            outcome, = apply_to_files([path], mine, decisions, Path(scratch) / str(number),
                                      log_dir=log_dir)
            if outcome.ok:
                recorded.entries += outcome.remembered
            else:
                recorded.problems.append(f"{outcome.error}; its decisions were not remembered")
    return recorded


def remember_reviewed(store: str | Path, changes: Sequence[Change], decisions: DecisionMap,
                      log_dir: str | Path | None = None) -> Recorded:
    """Add the decisions on ``changes`` to the decisions store at ``store``."""
    recorded = reviewed_entries(changes, decisions, log_dir)
    recorded.memory = remember(store, recorded.entries)
    return recorded
