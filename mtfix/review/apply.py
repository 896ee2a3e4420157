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

import bisect
import contextlib
import itertools
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mtfix.change import Change, Edit, apply_changes, text_hash
from mtfix.memory import (
    Remembered,
    TextPositions,
    context_words,
    now,
    proposal_of,
    remembered_context,
)
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


def _spans_overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    """:func:`changes_overlap` of two spans of one text."""
    (_, first_end), (second_start, _) = sorted(((start, end), (other_start, other_end)))
    return second_start < first_end


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
    #: the decisions made on this file, as the project's decisions store keeps them
    remembered: list[Remembered] = field(default_factory=list)

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
    an original. :func:`apply_to_paths` also takes folders (and no paths at all).
    """
    out_dir = Path(output_dir)
    return _apply_pairs([(str(o), out_dir / Path(o).name, True) for o in originals], changes,
                        decisions, pending=pending, log_dir=log_dir)


def apply_to_paths(paths: Sequence[str | Path], changes: Sequence[Change], decisions: DecisionMap,
                   output_dir: str | Path, *, pending: str = REJECT,
                   log_dir: str | Path | None = None) -> list[ApplyOutcome]:
    """Apply decisions to what ``mtfix fix`` took: files and folders, found the way fix finds
    them (:func:`mtfix.batch.discover`: folders recurse, outputs keep their paths relative to
    the folder given, as ``fix -o`` wrote them), or with no ``paths`` the documents the change
    log names (looked up relative to the current folder, then to ``log_dir``; outputs keep
    their paths relative to the documents' common folder).

    A file found in a folder that has no change in the log is copied unchanged (fix found
    nothing there), so the output folder holds every document; a file named on its own must
    have changes in the log (else it is the wrong log or the wrong file).
    """
    from mtfix.batch import discover

    if not paths:
        return _apply_pairs(logged_documents(changes, output_dir, log_dir), changes, decisions,
                            pending=pending, log_dir=log_dir)
    jobs, problems = discover([str(p) for p in paths], str(output_dir))
    outcomes = [ApplyOutcome(r.input, error=r.error) for r in problems]
    named = _named(paths)
    pairs = [(job.doc, job.output, job.doc in named) for job in jobs]
    return outcomes + _apply_pairs(pairs, changes, decisions, pending=pending, log_dir=log_dir)


def _named(paths: Sequence[str | Path]) -> set[str]:
    """The paths given as files (not folders)."""
    return {str(p) for p in paths if not Path(p).is_dir()}


def logged_documents(changes: Sequence[Change], output_dir: str | Path,
                     log_dir: str | Path | None = None) -> list[tuple[str, Path, bool]]:
    """(document, output, must have changes) for each document the change log names, in log
    order: the path as found (relative to the current folder, else to ``log_dir``) and its
    output under ``output_dir`` relative to the documents' common folder."""
    docs = list(dict.fromkeys(c.doc for c in changes))
    found: list[str] = []
    for doc in docs:
        here = Path(doc)
        if not here.exists() and log_dir is not None and (Path(log_dir) / doc).exists():
            here = Path(log_dir) / doc
        found.append(str(here))
    parents = [Path(os.path.abspath(f)).parent for f in found]
    common = Path(os.path.commonpath(parents)) if parents else Path()
    return [(f, Path(output_dir) / Path(os.path.abspath(f)).relative_to(common), True)
            for f in found]


def _apply_pairs(pairs: Sequence[tuple[str, Path, bool]], changes: Sequence[Change],
                 decisions: DecisionMap, *, pending: str,
                 log_dir: str | Path | None) -> list[ApplyOutcome]:
    """Apply to each (original, output, must have changes); see :func:`apply_to_files`."""
    from mtfix.fileio import InputError, atomic_writer, read_bytes, write_text_atomic

    outcomes: list[ApplyOutcome] = []
    written: dict[Path, str] = {}
    for original, target, required in pairs:
        outcome = ApplyOutcome(str(original))
        outcomes.append(outcome)
        claim = target.parent.resolve() / target.name
        if claim in written:
            outcome.error = (f"{original}: output {target} would also be written for "
                             f"{written[claim]}; apply them to separate output folders")
            continue
        written[claim] = str(original)
        if original == "-":
            outcome.error = ("-: standard input cannot be read again; fix it from a file to "
                             "review and apply its changes")
            continue
        try:
            text = _original_text(original)
        except InputError as exc:
            outcome.error = str(exc)
            continue
        if target.exists() and target.resolve() == Path(original).resolve():
            outcome.error = f"{original}: output would overwrite the original; choose another -o"
            continue
        mine = changes_for_file(original, text, changes, log_dir)
        if not mine and required:
            outcome.error = (f"{original}: the change log has no changes for this file (its "
                             "documents are: " + ", ".join(sorted({c.doc for c in changes})[:5])
                             + "); give one of its originals")
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not mine:  # found in a folder; fix changed nothing in it
                with atomic_writer(target, mode="wb") as stream:
                    stream.write(read_bytes(original))
            elif any(c.segment is not None for c in mine):
                outcome.remembered = apply_to_segments(original, target, mine, decisions,
                                                       pending)
            else:
                check_base(text, mine, str(original))
                write_text_atomic(target, apply_decisions(text, mine, decisions, pending))
                outcome.remembered = remembered_decisions(text, mine, decisions)
        except (ValueError, InputError) as exc:  # StaleDecisionError included
            outcome.error = str(exc) if str(original) in str(exc) else f"{original}: {exc}"
            continue
        except OSError as exc:
            outcome.error = f"{original}: cannot write {target}: {exc.strerror}"
            continue
        outcome.output = str(target)
        _count(outcome, mine, decisions)
    return outcomes


def _count(outcome: ApplyOutcome, mine: Sequence[Change], decisions: DecisionMap) -> None:
    for change in mine:
        decision = decision_of(decisions, change.id)
        if decision in (ACCEPT, EDIT):
            outcome.accepted += 1
            outcome.edited += decision == EDIT
        elif decision == REJECT:
            outcome.rejected += 1
        else:
            outcome.pending += 1


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
        #: the decisions made on the units seen so far, as the decisions store keeps them
        self.remembered: list[Remembered] = []

    def find_edits(self, text: str, protected: Sequence[tuple[int, int]] = (), *,
                   segment: str | None = None) -> list[Edit]:
        changes = self._by_segment.get(segment)
        if not changes:
            return []
        self.seen.add(segment)
        check_base(text, changes, f"{self._name} [{segment}]")
        chosen = _accepted_in_order(changes, self._decisions, self._pending)
        self.remembered += remembered_decisions(text, changes, self._decisions)
        return [Edit(c.start, c.end, c.after, c.rule, c.note) for c in chosen]


def apply_to_segments(original: str | Path, target: str | Path, changes: Sequence[Change],
                      decisions: DecisionMap, pending: str = REJECT) -> list[Remembered]:
    """Apply decisions to a segmented file (PO, XLIFF, TMX, JSON Lines, lines) through its format;
    returns the decisions as the decisions store keeps them.

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
    return replay.remembered


def remembered_decisions(text: str, changes: Sequence[Change], decisions: DecisionMap
                         ) -> list[Remembered]:
    """The decisions on ``changes`` (records of ``text``, a document or one unit) as the
    project's decisions store keeps them (:mod:`mtfix.memory`): keyed by pass, rule, before,
    proposal and the words around each change in the text the next run will make of ``text``
    (:func:`next_run_changes`), so that the next run finds them. Pending changes are not
    remembered."""
    chosen = next_run_changes(changes, decisions)
    by_id = {c.id: c for c in chosen}
    reviewed = apply_changes(text, chosen)
    positions = TextPositions(chosen)
    at = now()
    remembered = []
    for change in changes:
        decision = decision_of(decisions, change.id)
        if decision is None:
            continue
        left, right = remembered_context(reviewed, positions, by_id.get(change.id, change))
        left_before, right_before = context_words(text, change.start, change.end)
        remembered.append(Remembered(
            decision, change.pass_, change.rule, change.before, proposal_of(change), left, right,
            edit_text(decisions, change.id) if decision == EDIT else None, left_before,
            right_before, change.doc, at))
    return remembered


def next_run_changes(changes: Sequence[Change], decisions: DecisionMap) -> list[Change]:
    """The changes the next run makes once it remembers ``decisions``: the accepted and edited
    ones, and the pending changes (not flags), which it proposes again, except where one
    overlaps an accepted change (a flag accepted over it: the accepted one is made)."""
    chosen = accepted_changes(changes, decisions, REJECT)
    taken = sorted(((c.start, c.end, c.segment) for c in chosen), key=lambda s: s[:2])
    starts = [start for start, _, _ in taken]
    for change in changes:
        if change.is_flag or decision_of(decisions, change.id) is not None:
            continue
        # (the accepted changes do not overlap, so only those just before its end may)
        i = bisect.bisect_left(starts, change.end)
        if not any(seg == change.segment and _spans_overlap(change.start, change.end, s, e)
                   for s, e, seg in taken[max(0, i - 2):i + 1]):
            chosen.append(change)
    return sorted(chosen, key=lambda c: (c.start, c.end))


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
