"""Applying review decisions: to a text, to files, and to the units of segmented files.

Flags (changes with ``after == before``) are never applied by ``mtfix fix``; only a reviewer can
apply one: accepting a flag that carries a ``proposal`` applies the proposal, accepting a flag
without one changes nothing. An *edit* (a change or flag whose text the reviewer replaced)
applies the reviewer's text at the change's span, like an accepted change. Bulk actions
("accept all", "accept the rest of this rule") skip flags, so each flag is a decision of its own.

Every change carries ``base``, the hash of the original document (or segment) it was made on.
Decisions are applied only to that exact text: if the text has changed since, or a change's
``before`` is not at ``start:end``, :class:`StaleDecisionError` is raised; nothing is ever
applied fuzzily.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mtfix.change import Change, Edit, apply_changes, text_hash
from mtfix.passes.base import BasePass
from mtfix.review.decisions import (
    ACCEPT,
    DECISION_VALUES,
    EDIT,
    REJECT,
    DecisionMap,
    decision_of,
    edit_text,
)


class StaleDecisionError(ValueError):
    """Decisions made for a text that is not the text given now."""


def accepted_changes(changes: Iterable[Change], decisions: DecisionMap,
                     pending: str = REJECT) -> list[Change]:
    """The changes to apply: accepted and edited ones (and pending ones when
    ``pending="accept"``).

    An accepted flag with a proposal becomes a change to the proposal; flags without one, and
    pending flags, are never applied. An edited change or flag becomes a change to the
    reviewer's text (same span, same id, so the stale checks and messages are the same).
    """
    if pending not in DECISION_VALUES:
        raise ValueError(f"pending must be 'accept' or 'reject', not {pending!r}")
    chosen: list[Change] = []
    for change in changes:
        decision = decision_of(decisions, change.id)
        if decision == EDIT:
            chosen.append(_edited(change, decisions))
            continue
        if change.is_flag:
            if decision == ACCEPT and change.proposal is not None and change.proposal != change.before:
                chosen.append(replace(change, after=change.proposal, proposal=None, id=change.id))
            continue
        if (decision or pending) == ACCEPT:
            chosen.append(change)
    return chosen


def _edited(change: Change, decisions: DecisionMap) -> Change:
    """``change`` with the reviewer's text as its ``after`` (a flag becomes a change)."""
    text = edit_text(decisions, change.id)
    if not isinstance(text, str):
        raise ValueError(f"the edit of change {change.id} (line {change.line}) has no text; "
                         'write it as {"decision": "edit", "text": "..."}')
    return replace(change, after=text, proposal=None, id=change.id)


def changes_overlap(one: Change, other: Change) -> bool:
    """Whether two changes cannot both be applied: their spans overlap, or an insertion lies
    strictly inside the other's span. Insertions at the same point, or at either end of a
    span, can both be applied. The one definition used by ``apply`` and the review page."""
    if one.segment != other.segment or one.doc != other.doc:
        return False
    first, second = sorted((one, other), key=lambda c: (c.start, c.end))
    return second.start < first.end


def check_base(original_text: str, changes: Sequence[Change], name: str = "the document") -> None:
    """Refuse changes made on another text: ``base`` must be the hash of ``original_text`` and
    each change's ``before`` must be found at its ``start:end``."""
    digest = text_hash(original_text)
    for change in changes:
        check_offsets(original_text, change, name)
        if change.base and change.base != digest:
            raise StaleDecisionError(
                f"{name}: has changed since the change log was written (change {change.id} at line "
                f"{change.line} was made on text with hash {change.base}, this text has {digest}); "
                "re-run `mtfix fix` on it and review the new change log")
        found = original_text[change.start : change.end]
        if found != change.before:
            raise StaleDecisionError(
                f"{name}: change {change.id} at line {change.line} expects {change.before!r} at "
                f"{change.start}:{change.end} but the text there is {found!r}; the change log "
                "does not belong to this text")


def check_offsets(original_text: str, change: Change, name: str = "the document") -> None:
    """Refuse a change whose offsets are not a span of ``original_text``.

    ``before`` matching the slice is not enough: with ``start > end`` or ``start`` past the end
    the slice is empty, so an empty ``before`` "matches", and applying it would duplicate or
    append text. Checked for every record before anything is applied.
    """
    if not 0 <= change.start <= change.end <= len(original_text):
        raise StaleDecisionError(
            f"{name}: change {change.id} at line {change.line} has offsets "
            f"{change.start}:{change.end}, outside the text (0:{len(original_text)}); the change "
            "log does not belong to this text or was edited: re-run `mtfix fix` on it")


def apply_decisions(original_text: str, changes: Iterable[Change], decisions: DecisionMap,
                    pending: str = REJECT) -> str:
    """Apply the accepted changes of one document (or segment) to its original text.

    ``changes`` are the change-log records for this text (offsets into ``original_text``);
    ``decisions`` maps change id to ``"accept"``/``"reject"`` or an edit
    (``{"decision": "edit", "text": "..."}``, see :mod:`mtfix.review.decisions`); ``pending``
    says what happens to changes without a decision. Raises :class:`StaleDecisionError` if
    ``original_text`` is not the text the changes were made on, and ``ValueError`` if two
    accepted changes overlap (a flag proposal accepted together with a change over the same
    words).
    """
    changes = list(changes)
    check_base(original_text, changes)
    return apply_changes(original_text, _accepted_in_order(changes, decisions, pending))


def _accepted_in_order(changes: Sequence[Change], decisions: DecisionMap,
                       pending: str) -> list[Change]:
    """The accepted changes in text order; two that overlap cannot both be applied."""
    chosen = sorted(accepted_changes(changes, decisions, pending), key=lambda c: (c.start, c.end))
    for earlier, later in itertools.pairwise(chosen):
        if changes_overlap(earlier, later):
            where = f" in [{later.segment}]" if later.segment else ""
            raise ValueError(f"accepted changes {earlier.id} and {later.id} overlap at line "
                             f"{later.line}{where}; accept only one of them")
    return chosen


# --- applying decisions to files -----------------------------------------------------------

@dataclass
class ApplyOutcome:
    """What :func:`apply_to_files` did with one original."""

    input: str
    output: str | None = None
    accepted: int = 0  # edited ones included
    rejected: int = 0
    pending: int = 0
    error: str | None = None
    edited: int = 0  # accepted with the reviewer's own text

    @property
    def ok(self) -> bool:
        return self.error is None


def changes_for_file(path: str | Path, text: str, changes: Sequence[Change],
                     log_dir: str | Path | None = None) -> list[Change]:
    """The change-log records that belong to the file ``path`` (whose text is ``text``).

    A record belongs to it when its ``doc`` names the same file (relative to the current
    directory or to the change log's folder), or else when its ``base`` is the hash of ``text``
    (the file was moved or renamed since).
    """
    target = Path(path).resolve()
    folders = [Path()] + ([Path(log_dir)] if log_dir is not None else [])
    docs = {c.doc for c in changes}
    named = {doc for doc in docs
             if doc == str(path) or any((folder / doc).resolve() == target for folder in folders)}
    if named:
        return [c for c in changes if c.doc in named]
    digest = text_hash(text)
    return [c for c in changes if c.segment is None and c.base == digest]


def apply_to_files(originals: Sequence[str | Path], changes: Sequence[Change], decisions: DecisionMap,
                   output_dir: str | Path, *, pending: str = REJECT,
                   log_dir: str | Path | None = None) -> list[ApplyOutcome]:
    """Apply decisions to each original file and write the result to ``output_dir``/NAME.

    One failing file (unreadable, changed since, not in the change log) never stops the others;
    its :class:`ApplyOutcome` carries the error. Outputs are written atomically and never over
    an original.
    """
    from mtfix.fileio import InputError, write_text_atomic

    outcomes: list[ApplyOutcome] = []
    out_dir = Path(output_dir)
    names: dict[str, str] = {}
    for original in originals:
        outcome = ApplyOutcome(str(original))
        outcomes.append(outcome)
        target = out_dir / Path(original).name
        if target.name in names:
            outcome.error = (f"{original}: output {target} would also be written for "
                             f"{names[target.name]}; apply them to separate output folders")
            continue
        names[target.name] = str(original)
        try:
            text = _original_text(original)
        except InputError as exc:
            outcome.error = str(exc)
            continue
        mine = changes_for_file(original, text, changes, log_dir)
        if not mine:
            outcome.error = (f"{original}: the change log has no changes for this file (its "
                             "documents are: " + ", ".join(sorted({c.doc for c in changes})[:5])
                             + "); give one of its originals")
            continue
        if target.exists() and target.resolve() == Path(original).resolve():
            outcome.error = f"{original}: output would overwrite the original; choose another -o"
            continue
        try:
            if any(c.segment is not None for c in mine):
                apply_to_segments(original, target, mine, decisions, pending)
            else:
                check_base(text, mine, str(original))
                write_text_atomic(target, apply_decisions(text, mine, decisions, pending))
        except (ValueError, InputError) as exc:  # StaleDecisionError included
            outcome.error = str(exc) if str(original) in str(exc) else f"{original}: {exc}"
            continue
        except OSError as exc:
            outcome.error = f"{original}: cannot write {target}: {exc.strerror}"
            continue
        outcome.output = str(target)
        for change in mine:
            decision = decision_of(decisions, change.id)
            if decision in (ACCEPT, EDIT):
                outcome.accepted += 1
                outcome.edited += decision == EDIT
            elif decision == REJECT:
                outcome.rejected += 1
            else:
                outcome.pending += 1
    return outcomes


def _original_text(original: str | Path) -> str:
    """The original's text, for finding its change records. An XLIFF or TMX file may be in
    UTF-16 (its format reads any encoding its XML declaration names), so it is decoded the way
    its byte order mark and declaration say; any other file is read as UTF-8."""
    from mtfix.fileio import iter_blocks, read_bytes, read_text
    from mtfix.formats import detect_format

    if detect_format(original) == "parquet":
        # binary: its records are found by name (they all have a segment); only check that
        # it can be read, with the usual message naming it
        next(iter_blocks(original), b"")
        return ""
    if detect_format(original) in ("xliff", "tmx"):
        from mtfix.formats.xmlsplice import decode_xml

        text = decode_xml(read_bytes(original))
        if text is not None:
            return text
    return read_text(original)


class ReplayPass(BasePass):
    """A pass that re-applies reviewed changes, one segment at a time.

    Segmented formats (PO, XLIFF, TMX, JSON Lines) record changes per unit; applying decisions
    to them goes through the format's own reader and writer (so markup, ids, notes and
    untouched units stay exactly as they were), with this pass in place of the real ones.
    """

    name = "replay"
    wants_segment = True

    def __init__(self, changes: Sequence[Change], decisions: DecisionMap, pending: str = REJECT,
                 name: str = "the document") -> None:
        self._by_segment: dict[str | None, list[Change]] = {}
        for change in changes:
            self._by_segment.setdefault(change.segment, []).append(change)
        self._decisions, self._pending, self._name = decisions, pending, name
        self.seen: set[str | None] = set()

    def find_edits(self, text: str, protected: Sequence[tuple[int, int]] = (), *,
                   segment: str | None = None) -> list[Edit]:
        changes = self._by_segment.get(segment)
        if not changes:
            return []
        self.seen.add(segment)
        check_base(text, changes, f"{self._name} [{segment}]")
        chosen = _accepted_in_order(changes, self._decisions, self._pending)
        return [Edit(c.start, c.end, c.after, c.rule, c.note) for c in chosen]


def apply_to_segments(original: str | Path, target: str | Path, changes: Sequence[Change],
                      decisions: DecisionMap, pending: str = REJECT) -> None:
    """Apply decisions to a segmented file (PO, XLIFF, TMX, JSON Lines, lines) through its format.

    Refuses (``StaleDecisionError``) a unit whose text changed since the change log was
    written, and a change log whose units are not in the file.
    """
    from mtfix.formats import fix_document, format_spec
    from mtfix.pipeline import Pipeline

    replay = ReplayPass(changes, decisions, pending, str(original))
    spec = format_spec(recorded_format(original, changes))
    if spec.name == "lines":
        refuse_line_breaks(original, changes, decisions)
    options = spec.replay_options([c.segment for c in changes if c.segment is not None])
    with _replaced_if_accepted(Path(target)) as scratch:
        for _ in fix_document(original, scratch, pipeline=Pipeline([replay]), doc=str(original),
                              format=spec.name, options=options):
            pass
        missing = {c.segment for c in changes} - replay.seen
        if missing:
            raise StaleDecisionError(
                f"{original}: the change log has changes for unit(s) "
                f"{', '.join(sorted(map(str, missing))[:5])} that are not in this file (or whose "
                "text is empty now); re-run `mtfix fix` on it and review the new change log")


def refuse_line_breaks(original: str | Path, changes: Sequence[Change],
                       decisions: DecisionMap) -> None:
    """Refuse an edit holding a line break in a one-segment-per-line file: the lines format
    keeps such a replacement out (it would shift every later line against its source), so
    the edit would silently not be applied."""
    for change in changes:
        text = edit_text(decisions, change.id)
        if text is not None and ("\n" in text or "\r" in text):
            raise ValueError(f"{original}: the edit of change {change.id} (line {change.line}) "
                             "holds a line break, which a one-segment-per-line file cannot take; "
                             "edit it again on one line")


@contextlib.contextmanager
def _replaced_if_accepted(target: Path) -> Iterator[Path]:
    """A scratch path beside ``target`` for the body to write; it replaces ``target`` only
    when the body ends without an error. Some refusals are known only once the whole file has
    been written (units of the change log missing from it): an earlier good output in the same
    folder must then stay as it was, never be deleted or truncated."""
    scratch = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.apply.tmp")
    try:
        yield scratch
        if target.exists():  # keep the output's permissions, as atomic_writer does
            with contextlib.suppress(OSError):
                shutil.copymode(target, scratch)
        os.replace(scratch, target)
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()


def recorded_format(original: str | Path, changes: Sequence[Change]) -> str:
    """The format the changes of a segmented file were made in: the one their records name
    (change log version 2), else inferred for a version-1 log from the file's extension and
    the shape of the segment ids."""
    from mtfix.formats import detect_format

    named = {c.format for c in changes if c.format is not None}
    if len(named) == 1:
        return named.pop()
    if len(named) > 1:
        raise StaleDecisionError(f"{original}: the change log records this file in several "
                                 f"formats ({', '.join(sorted(named))}); it mixes two runs: "
                                 "apply each run's change log on its own")
    file_format = detect_format(original)
    if file_format == "jsonl" and all(c.segment and c.segment.isdigit() for c in changes):
        return "lines"  # a .jsonl file fixed with --format lines: ids are line numbers
    if file_format in ("text", "md"):
        return "lines"  # segments in a text file: it was fixed line by line (--format lines)
    return file_format
