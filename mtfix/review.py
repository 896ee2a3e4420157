"""Review decisions: the ``decisions.json`` schema, applying decisions, and the terminal review.

``decisions.json``, schema version 1 (other tools and scripts may write it too)::

    {
      "version": 1,                              # required, the schema version
      "decisions": {"<change id>": "accept" | "reject", ...},   # required
      "comments": {"<change id>": "text", ...},  # optional
      "reviewer": "name",                        # optional
      "change_log": "path/to/changes.jsonl"      # optional, informational
    }

Other top-level keys (``generator``, ``exported``...) are kept but ignored. A change without a
decision is *pending*; :func:`apply_decisions` treats pending changes as rejected unless told
otherwise.

Flags (changes with ``after == before``) are never applied by ``mtfix fix``; only a reviewer can
apply one: accepting a flag that carries a ``proposal`` applies the proposal, accepting a flag
without one changes nothing. Bulk actions ("accept all", "accept the rest of this rule") skip
flags, so each flag is a decision of its own.

Every change carries ``base``, the hash of the original document (or segment) it was made on.
Decisions are applied only to that exact text: if the text has changed since, or a change's
``before`` is not at ``start:end``, :class:`StaleDecisionError` is raised; nothing is ever
applied fuzzily.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mtfix.change import Change, Edit, apply_changes, text_hash
from mtfix.fileio import atomic_writer

DECISIONS_VERSION = 1
ACCEPT, REJECT = "accept", "reject"
DECISION_VALUES = (ACCEPT, REJECT)


class DecisionsError(ValueError):
    """A decisions file that cannot be used (the message names the file and the entry)."""


class StaleDecisionError(ValueError):
    """Decisions made for a text that is not the text given now."""


@dataclass
class Decisions:
    """Reviewer decisions keyed by change id (see the module doc for the JSON form)."""

    decisions: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    reviewer: str | None = None
    change_log: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, change_id: str) -> str | None:
        return self.decisions.get(change_id)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": DECISIONS_VERSION}
        if self.reviewer:
            data["reviewer"] = self.reviewer
        if self.change_log:
            data["change_log"] = self.change_log
        data.update({k: v for k, v in self.extra.items() if k not in data})
        data["decisions"] = dict(self.decisions)
        if self.comments:
            data["comments"] = dict(self.comments)
        return data

    @classmethod
    def from_json(cls, data: Any, name: str = "<decisions>") -> Decisions:
        if not isinstance(data, dict):
            raise DecisionsError(f"{name}: expected a JSON object with \"version\" and \"decisions\"")
        version = data.get("version")
        if version != DECISIONS_VERSION:
            raise DecisionsError(f"{name}: unsupported decisions version {version!r} "
                                 f"(this mtfix reads version {DECISIONS_VERSION})")
        raw = data.get("decisions")
        if not isinstance(raw, dict):
            raise DecisionsError(f"{name}: \"decisions\" must be an object of change id -> "
                                 "\"accept\" | \"reject\"")
        decisions: dict[str, str] = {}
        for change_id, value in raw.items():
            if value not in DECISION_VALUES:
                raise DecisionsError(f"{name}: decision for change {change_id}: {value!r} is not "
                                     "\"accept\" or \"reject\"")
            decisions[change_id] = value
        comments = data.get("comments") or {}
        if not isinstance(comments, dict) or not all(isinstance(v, str) for v in comments.values()):
            raise DecisionsError(f"{name}: \"comments\" must be an object of change id -> text")
        reviewer = data.get("reviewer")
        if reviewer is not None and not isinstance(reviewer, str):
            raise DecisionsError(f"{name}: \"reviewer\" must be a string")
        extra = {k: v for k, v in data.items()
                 if k not in ("version", "decisions", "comments", "reviewer", "change_log")}
        return cls(decisions, dict(comments), reviewer, data.get("change_log"), extra)


def read_decisions(path: str | Path) -> Decisions:
    """Read and validate a ``decisions.json`` (errors name the file and what is wrong)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DecisionsError(f"{name}: no such decisions file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{name}: cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecisionsError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    return Decisions.from_json(data, name)


def write_decisions(decisions: Decisions, path: str | Path) -> None:
    """Write ``decisions.json`` atomically."""
    with atomic_writer(path) as stream:
        json.dump(decisions.to_json(), stream, ensure_ascii=False, indent=2)
        stream.write("\n")


DecisionMap = Decisions | Mapping[str, str]


def _decision_of(decisions: DecisionMap, change_id: str) -> str | None:
    if isinstance(decisions, Decisions):
        return decisions.get(change_id)
    return decisions.get(change_id)


def accepted_changes(changes: Iterable[Change], decisions: DecisionMap,
                     pending: str = REJECT) -> list[Change]:
    """The changes to apply: accepted ones (and pending ones when ``pending="accept"``).

    An accepted flag with a proposal becomes a change to the proposal; flags without one, and
    pending flags, are never applied.
    """
    if pending not in DECISION_VALUES:
        raise ValueError(f"pending must be 'accept' or 'reject', not {pending!r}")
    chosen: list[Change] = []
    for change in changes:
        decision = _decision_of(decisions, change.id)
        if change.is_flag:
            if decision == ACCEPT and change.proposal is not None and change.proposal != change.before:
                chosen.append(replace(change, after=change.proposal, proposal=None, id=change.id))
            continue
        if (decision or pending) == ACCEPT:
            chosen.append(change)
    return chosen


def check_base(original_text: str, changes: Sequence[Change], name: str = "the document") -> None:
    """Refuse changes made on another text: ``base`` must be the hash of ``original_text`` and
    each change's ``before`` must be found at its ``start:end``."""
    digest = text_hash(original_text)
    for change in changes:
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


def apply_decisions(original_text: str, changes: Iterable[Change], decisions: DecisionMap,
                    pending: str = REJECT) -> str:
    """Apply the accepted changes of one document (or segment) to its original text.

    ``changes`` are the change-log records for this text (offsets into ``original_text``);
    ``decisions`` maps change id to ``"accept"``/``"reject"``; ``pending`` says what happens to
    changes without a decision. Raises :class:`StaleDecisionError` if ``original_text`` is not
    the text the changes were made on, and ``ValueError`` if two accepted changes overlap (a
    flag proposal accepted together with a change over the same words).
    """
    changes = list(changes)
    check_base(original_text, changes)
    return apply_changes(original_text, _accepted_in_order(changes, decisions, pending))


def _accepted_in_order(changes: Sequence[Change], decisions: DecisionMap,
                       pending: str) -> list[Change]:
    """The accepted changes in text order; two that overlap cannot both be applied."""
    chosen = sorted(accepted_changes(changes, decisions, pending), key=lambda c: (c.start, c.end))
    for earlier, later in itertools.pairwise(chosen):
        if later.start < earlier.end:
            where = f" in [{later.segment}]" if later.segment else ""
            raise ValueError(f"accepted changes {earlier.id} and {later.id} overlap at line "
                             f"{later.line}{where}; accept only one of them")
    return chosen


# --- the interactive terminal review -------------------------------------------------------

REVIEW_HELP = """\
y - accept this change
n - reject this change
a - accept this change and every later pending change of the same rule (not flags)
d - reject this change and every later pending change of the same rule
s - skip: leave this change pending
k - go back to the previous change
c - add a comment to this change
q - quit; decisions made so far are saved
? - print help"""

PROMPT_KEYS = "y,n,a,d,s,k,c,q,?"


def review_changes(report, decisions: Decisions | None = None, *,
                   ask: Callable[[str], str] = input, console=None,
                   redo: bool = False, save: Callable[[Decisions], None] | None = None) -> Decisions:
    """Walk through the report's changes like ``git add -p`` and collect decisions.

    ``ask`` reads one answer (``input`` by default; tests pass a scripted function); ``save`` is
    called after every decision so that an interrupted review loses nothing. Changes that
    already have a decision are skipped unless ``redo``. End of input counts as quit.
    """
    from rich.console import Console

    from mtfix.report.terminal import render_change

    console = console or Console()
    plain = console.no_color or not console.is_terminal  # then [-deleted-]{+inserted+} marks
    decisions = decisions or Decisions()
    entries = [(doc, c) for doc in report.documents for c in doc.changes]
    todo = [i for i, (_, c) in enumerate(entries) if redo or c.id not in decisions.decisions]
    if not todo:
        console.print("Nothing to review: every change has a decision (use --redo to revisit).")
        return decisions
    position = 0
    while 0 <= position < len(todo):
        document, change = entries[todo[position]]
        console.print()
        console.print(f"[bold]({position + 1}/{len(todo)})[/bold]",
                      render_change(change, document, plain=plain))
        current = decisions.get(change.id)
        if change.is_flag:
            question = "Apply this flag's proposal" if change.proposal is not None else "Accept this flag"
        else:
            question = "Accept this change"
        if current:
            question += f" (now: {current})"
        try:
            answer = ask(f"{question} [{PROMPT_KEYS}]? ").strip().lower()
        except EOFError:
            answer = "q"
        if answer == "y":
            decisions.decisions[change.id] = ACCEPT
        elif answer == "n":
            decisions.decisions[change.id] = REJECT
        elif answer in ("a", "d"):
            value = ACCEPT if answer == "a" else REJECT
            decisions.decisions[change.id] = value
            for _, later in (entries[i] for i in todo[position + 1 :]):
                if (later.rule == change.rule and later.id not in decisions.decisions
                        and not (later.is_flag and value == ACCEPT)):
                    decisions.decisions[later.id] = value
        elif answer == "s":
            pass
        elif answer == "k":
            position = max(0, position - 1)
            continue
        elif answer == "c":
            try:
                text = ask("Comment: ").strip()
            except EOFError:
                text = ""
            if text:
                decisions.comments[change.id] = text
            continue
        elif answer == "q":
            break
        else:
            console.print(REVIEW_HELP)
            continue
        if save is not None:
            save(decisions)
        position += 1
        # Skip over changes decided by "a"/"d" just now.
        while (answer in ("a", "d") and position < len(todo)
               and entries[todo[position]][1].id in decisions.decisions and not redo):
            position += 1
    if save is not None:
        save(decisions)
    return decisions


# --- applying decisions to files -----------------------------------------------------------

@dataclass
class ApplyOutcome:
    """What :func:`apply_to_files` did with one original."""

    input: str
    output: str | None = None
    accepted: int = 0
    rejected: int = 0
    pending: int = 0
    error: str | None = None

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
            decision = _decision_of(decisions, change.id)
            if decision == ACCEPT:
                outcome.accepted += 1
            elif decision == REJECT:
                outcome.rejected += 1
            else:
                outcome.pending += 1
    return outcomes


def _original_text(original: str | Path) -> str:
    """The original's text, for finding its change records. An XLIFF or TMX file may be in
    UTF-16 (its format reads any encoding its XML declaration names), so it is decoded the way
    its byte order mark and declaration say; any other file is read as UTF-8."""
    from mtfix.fileio import read_bytes, read_text
    from mtfix.formats import detect_format

    if detect_format(original) in ("xliff", "tmx"):
        from mtfix.formats.xmlsplice import decode_xml

        text = decode_xml(read_bytes(original))
        if text is not None:
            return text
    return read_text(original)


class ReplayPass:
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

    def rule_order(self) -> dict[str, int]:
        return {}

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
    from mtfix.formats import FormatOptions, detect_format, fix_document
    from mtfix.pipeline import Pipeline

    replay = ReplayPass(changes, decisions, pending, str(original))
    fields: tuple[str, ...] = ()
    file_format = detect_format(original)
    if file_format == "jsonl" and all(c.segment and c.segment.isdigit() for c in changes):
        file_format = "lines"  # a .jsonl file fixed with --format lines: ids are line numbers
    if file_format == "jsonl":  # JSON Lines segment ids are "LINE/field"
        fields = tuple(sorted({c.segment.split("/", 1)[1] for c in changes
                               if c.segment and "/" in c.segment}))
    elif file_format in ("text", "md"):
        # Segments in a text file: it was fixed line by line (`--format lines`).
        file_format = "lines"
    with _replaced_if_accepted(Path(target)) as scratch:
        for _ in fix_document(original, scratch, pipeline=Pipeline([replay]), doc=str(original),
                              format=file_format,
                              options=FormatOptions(fields=fields, mark_review=False)):
            pass
        missing = {c.segment for c in changes} - replay.seen
        if missing:
            raise StaleDecisionError(
                f"{original}: the change log has changes for unit(s) "
                f"{', '.join(sorted(map(str, missing))[:5])} that are not in this file (or whose "
                "text is empty now); re-run `mtfix fix` on it and review the new change log")


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
