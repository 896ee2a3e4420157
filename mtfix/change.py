"""The change record: the one piece of data every pass emits and every report reads.

A pass proposes :class:`Edit` objects (offsets into the text it was given). The pipeline turns
them into frozen :class:`Change` records whose offsets point into the ORIGINAL document, so that
the output text is exactly ``apply_changes(original, changes)`` and every report can show what
happened without re-guessing.
"""

from __future__ import annotations

import bisect
import hashlib
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Schema version of a change record on disk (see :mod:`mtfix.changelog`). Version 2 added
#: ``version`` and ``format``; a record without ``version`` is version 1.
CHANGE_LOG_VERSION = 2
# Sort key of edits and changes: text order (a C-level getter; thousands are sorted per run).
START_END = operator.attrgetter("start", "end")
_START, _END = operator.attrgetter("start"), operator.attrgetter("end")


def sort_in_text_order(items: list) -> None:
    """``items.sort(key=START_END)``, as two stable sorts on one ``int`` key each (by end,
    then by start: the same order, ties kept as they came), about twice as fast: no key
    tuple is made per item, and ints compare faster than tuples (a chunk of change-heavy
    text sorts ~20,000 edits and records)."""
    items.sort(key=_END)
    items.sort(key=_START)


# Records are made per change, thousands per megabyte, and stay immutable. Their ``__init__``
# fills the slots through the slot descriptors (the ``_set_*`` globals bound below each class)
# instead of ``object.__setattr__`` per field, as a frozen dataclass would: about 2x faster.
# The dataclass's ``__setattr__`` still refuses every assignment after construction. The
# positional factories of the hot loops (``make_edit``, ``make_change``) are faster still:
# they fill a twin class that has the same slots and no ``__setattr__`` of its own (plain
# attribute stores, which the interpreter specialises), then make the object an ``Edit`` or a
# ``Change`` by assigning its ``__class__`` (allowed between classes of the same slots and
# layout), about 2-3x faster than ``__init__``; the object is then frozen like any other.


@dataclass(frozen=True, slots=True, init=False)
class Edit:
    """What a pass proposes, in the coordinates of the text it was given.

    ``flag=True`` means "show this to a reviewer, do not apply it"; ``after`` then holds the
    proposed text (or ``None`` when there is no proposal).
    """

    start: int
    end: int
    after: str | None
    rule: str
    note: str = ""
    score: float | None = None
    flag: bool = False

    def __init__(self, start: int, end: int, after: str | None, rule: str, note: str = "",
                 score: float | None = None, flag: bool = False) -> None:
        _set_edit_start(self, start)
        _set_edit_end(self, end)
        _set_edit_after(self, after)
        _set_edit_rule(self, rule)
        _set_edit_note(self, note)
        _set_edit_score(self, score)
        _set_edit_flag(self, flag)


_set_edit_start, _set_edit_end, _set_edit_after, _set_edit_rule, _set_edit_note, \
    _set_edit_score, _set_edit_flag = (Edit.__dict__[name].__set__ for name in Edit.__slots__)


class _EditSlots:
    """An :class:`Edit` under construction (see the comment above ``Edit``)."""

    __slots__ = Edit.__slots__


_new_record = object.__new__


def make_edit(start: int, end: int, after: str | None, rule: str, note: str = "",
              score: float | None = None, flag: bool = False) -> Edit:
    """``Edit(start, end, after, rule, note, score, flag)``, made ~2x faster, for the loops
    that make an edit per change of change-heavy text (the ``spacing`` rule's)."""
    edit = _new_record(_EditSlots)
    edit.start = start
    edit.end = end
    edit.after = after
    edit.rule = rule
    edit.note = note
    edit.score = score
    edit.flag = flag
    edit.__class__ = Edit  # type: ignore[assignment]
    return edit


@dataclass(frozen=True, slots=True, init=False)
class Change:
    """One change (or flag) to one document, as written to the change log (one JSON line).

    ``start``/``end`` are code-point offsets into the original document (or into the original
    segment text when ``segment`` is set). A flag has ``after == before``; what the flagging pass
    proposed, if anything, is in ``proposal``. ``format`` names the file format that produced
    the change (``None`` for text fixed from Python). Built with keyword arguments only.
    """

    doc: str
    start: int
    end: int
    line: int
    before: str
    after: str
    pass_: str
    rule: str
    note: str = ""
    segment: str | None = None
    score: float | None = None
    base: str = ""
    proposal: str | None = None
    format: str | None = None
    id: str = field(default="")  # computed on first read when not given (see _lazy_id)

    def __init__(self, *, doc: str, start: int, end: int, line: int, before: str, after: str,
                 pass_: str, rule: str, note: str = "", segment: str | None = None,
                 score: float | None = None, base: str = "", proposal: str | None = None,
                 format: str | None = None, id: str = "") -> None:
        _set_doc(self, doc)
        _set_start(self, start)
        _set_end(self, end)
        _set_line(self, line)
        _set_before(self, before)
        _set_after(self, after)
        _set_pass(self, pass_)
        _set_rule(self, rule)
        _set_note(self, note)
        _set_segment(self, segment)
        _set_score(self, score)
        _set_base(self, base)
        _set_proposal(self, proposal)
        _set_format(self, format)
        _set_id(self, id)

    @property
    def is_flag(self) -> bool:
        return self.after == self.before

    def to_json(self) -> dict[str, Any]:
        """The record as written to the change log (schema :data:`CHANGE_LOG_VERSION`), keys
        in :data:`_JSON_ORDER`: schema, identity, location, then content.

        Built field by field: ``dataclasses.asdict`` deep-copies every value, which for the
        strings and numbers of a record gives the same values ~10x slower."""
        return {"version": CHANGE_LOG_VERSION, "id": self.id, "doc": self.doc,
                "format": self.format, "segment": self.segment, "start": self.start,
                "end": self.end, "line": self.line, "before": self.before, "after": self.after,
                "pass": self.pass_, "rule": self.rule, "note": self.note, "score": self.score,
                "proposal": self.proposal, "base": self.base}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        """A record of the change log; version 1 records (no ``version`` key) are accepted."""
        if not isinstance(data, dict):
            raise ValueError(f"a change record is a JSON object, not {type(data).__name__}")
        fields = dict(data)
        version = fields.pop("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValueError(f"\"version\" must be a positive integer, not {version!r}")
        if version > CHANGE_LOG_VERSION:
            raise ValueError(f"written by a newer mtfix (change log version {version}; this "
                             f"mtfix reads up to {CHANGE_LOG_VERSION}); upgrade mtfix")
        if "pass" not in fields:
            raise ValueError("missing key: pass")
        fields["pass_"] = fields.pop("pass")
        extra = set(fields) - set(cls.__dataclass_fields__)
        if extra:
            raise ValueError(f"unknown change-record key(s): {', '.join(sorted(extra))}")
        try:
            check_record_fields(fields)
        except ValueError as exc:
            if isinstance(fields.get("id"), str) and fields["id"]:
                raise ValueError(f"change {fields['id']}: {exc}") from None
            raise
        return cls(**fields)


_JSON_ORDER = ("version", "id", "doc", "format", "segment", "start", "end", "line", "before",
               "after", "pass", "rule", "note", "score", "proposal", "base")
(_set_doc, _set_start, _set_end, _set_line, _set_before, _set_after, _set_pass, _set_rule,
 _set_note, _set_segment, _set_score, _set_base, _set_proposal, _set_format, _set_id) = (
    Change.__dict__[name].__set__ for name in Change.__slots__)


class _ChangeSlots:
    """A :class:`Change` under construction (see the comment above ``Edit``)."""

    __slots__ = Change.__slots__


def make_change(doc: str, start: int, end: int, line: int, before: str, after: str,
                pass_: str, rule: str, note: str, segment: str | None, score: float | None,
                base: str, proposal: str | None, format: str | None) -> Change:
    """``Change(doc=doc, start=start, ...)`` for the pipeline's loop over edits, which makes a
    record per ~50 bytes of change-heavy text: positional arguments, in this order, and the
    twin class (see the comment above ``Edit``) make it ~3x faster than keyword construction.
    Everything else builds records with keywords (safer to read)."""
    change = _new_record(_ChangeSlots)
    change.doc = doc
    change.start = start
    change.end = end
    change.line = line
    change.before = before
    change.after = after
    change.pass_ = pass_
    change.rule = rule
    change.note = note
    change.segment = segment
    change.score = score
    change.base = base
    change.proposal = proposal
    change.format = format
    change.id = ""
    change.__class__ = Change  # type: ignore[assignment]
    return change


_INT_FIELDS = ("start", "end", "line")
_STR_FIELDS = ("doc", "before", "after", "pass_", "rule", "note", "base", "id")
_OPTIONAL_STR_FIELDS = ("segment", "proposal")


def check_record_fields(fields: dict[str, Any]) -> None:
    """Refuse a change record whose fields have the wrong types or impossible offsets.

    A hand-edited or corrupted log (``"start": "88"``, ``"after": true``, ``start > end``)
    would otherwise fail deep inside ``apply``/``report`` with a TypeError, or be applied
    wrongly. Raises ValueError naming the field; read_change_log adds file and line.
    """
    for name in _INT_FIELDS:
        value = fields.get(name)
        if type(value) is not int or value < 0:  # (bool is an int subclass: refused too)
            raise ValueError(f"'{name}' must be a non-negative integer, not {value!r}")
    for name in _STR_FIELDS:
        if name in fields and not isinstance(fields[name], str):
            raise ValueError(f"'{name.rstrip('_')}' must be a string, not {fields[name]!r}")
    for name in _OPTIONAL_STR_FIELDS:
        if fields.get(name) is not None and not isinstance(fields[name], str):
            raise ValueError(f"'{name}' must be a string or null, not {fields[name]!r}")
    score = fields.get("score")
    if score is not None and (type(score) not in (int, float)):
        raise ValueError(f"'score' must be a number or null, not {score!r}")
    if fields["start"] > fields["end"]:
        raise ValueError(f"'start' ({fields['start']}) is after 'end' ({fields['end']})")
    if fields.get("format") is not None and not isinstance(fields["format"], str):
        raise ValueError(f"'format' must be a string or null, not {fields['format']!r}")


# ``id`` is a hash of the other fields. A run makes a record per change but most are never
# serialised or compared, so the hash is computed on first read instead of in ``__init__``
# (it was about a third of the cost of making a record). The slot still stores a given id (a
# change log's) as is, and ``==``, ``hash``, ``repr``, ``asdict`` and pickling all read
# ``id`` through the property, so they behave as if it had been computed eagerly.
_ID_SLOT = Change.__dict__["id"]  # the member descriptor of the ``id`` slot


def _lazy_id(change: Change) -> str:
    value = _ID_SLOT.__get__(change, Change)
    if not value:
        value = change_id(change)
        _ID_SLOT.__set__(change, value)
    return value


Change.id = property(_lazy_id, _ID_SLOT.__set__)  # type: ignore[assignment,method-assign]


def change_id(change: Change) -> str:
    """A stable id: the same change to the same text always gets the same id."""
    return id_of(change.doc, change.segment, change.start, change.end, change.before,
                 change.after, change.pass_, change.rule, change.proposal)


def id_of(doc: str, segment: str | None, start: int, end: int, before: str, after: str,
          pass_: str, rule: str, proposal: str | None) -> str:
    """:func:`change_id` of a record with these fields (for a caller that has read them)."""
    key = "\x1f".join((doc, segment or "", str(start), str(end), before, after, pass_, rule,
                       proposal or ""))
    return _blake2b(key.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


_blake2b = hashlib.blake2b


def text_hash(text: str) -> str:
    """Hash of an original document or segment, stored in each change as ``base``."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def select_non_overlapping(edits: Iterable[Edit], order: dict[str, int] | None = None) -> list[Edit]:
    """The single overlap policy: leftmost wins, then longest, then rule order.

    Changes compete only with changes, and flags only with flags: a flag changes nothing, so
    it must not keep a change out (or the change would appear only on a second run). A flag
    lying wholly inside a kept change is dropped (the text it points at is replaced anyway).
    ``order`` ranks rules (lower first); edits of unknown rules rank last in name order.
    The result is in text order.
    """
    edits = list(edits)
    if _disjoint_in_order(edits):
        return edits  # what the policy below would keep, in the same order (the common case)
    changes = _greedy_by_runs([e for e in edits if not e.flag and e.after is not None],
                              order or {})
    flags = _greedy_by_runs([e for e in edits if e.flag or e.after is None], order or {})
    if not (changes and flags):
        return changes or flags  # (each is in text order, its starts distinct)
    starts = [c.start for c in changes]
    kept_flags = []
    for flag in flags:
        i = bisect.bisect_right(starts, flag.start) - 1
        inside = i >= 0 and changes[i].end > changes[i].start and \
            changes[i].start <= flag.start and flag.end <= changes[i].end
        if not inside:
            kept_flags.append(flag)
    return _with_flags(changes, kept_flags, starts)


def _with_flags(changes: list[Edit], flags: list[Edit], starts: list[int]) -> list[Edit]:
    """``sorted(changes + flags, key=START_END)`` for two lists in text order, the starts
    distinct within each (``starts``: those of ``changes``): the few flags are put in place
    by bisection instead of sorting thousands of changes again."""
    out: list[Edit] = []
    done = 0
    for flag in flags:
        at = bisect.bisect_right(starts, flag.start)
        if at and starts[at - 1] == flag.start and changes[at - 1].end > flag.end:
            at -= 1  # a longer change from the same start sorts after the flag
        out += changes[done:at]
        out.append(flag)
        done = at
    out += changes[done:]
    return out


def _disjoint_in_order(edits: list[Edit]) -> bool:
    """Are the edits non-empty, non-overlapping and in text order? Then the greedy choice
    keeps all of them (no ties to break) and no flag lies inside a change."""
    last_end = 0
    for edit in edits:
        if edit.start < last_end or edit.end <= edit.start:
            return False
        last_end = edit.end
    return True


def _greedy_by_runs(edits: list[Edit], rank: dict[str, int]) -> list[Edit]:
    """``_greedy(edits, rank)``: the same edits in the same order, with the ranking sort and
    the choice made only inside runs of edits that compete.

    Change-heavy text makes thousands of edits per chunk, a few of which overlap (a repeated
    phrase holding a spacing fix): ranking them all cost ~1 µs each. In text order, an edit
    that starts after every earlier start and at or after every earlier end cannot be kept
    out by them, nor keep them out: it opens a new run, and the greedy choice within each run
    is the choice over all (test_greedy_by_runs_equals_greedy)."""
    if _disjoint_in_order(edits):
        return edits  # (all changes of a pass, usually: only flags overlap them)
    edits = sorted(edits, key=START_END)
    kept: list[Edit] = []
    done = run = 0  # edits[done:run]: runs of one edit, kept; edits[run:i]: the current run
    max_end = max_start = -1
    for i, edit in enumerate(edits):
        start, end = edit.start, edit.end
        if start >= max_end and start > max_start:  # a new run
            if i - run > 1:
                kept += edits[done:run]
                kept += _greedy(edits[run:i], rank)
                done = i
            run = i
        if end > max_end:
            max_end = end
        max_start = start
    kept += edits[done:run]
    kept += _greedy(edits[run:], rank) if len(edits) - run > 1 else edits[run:]
    return kept


def _greedy(edits: list[Edit], rank: dict[str, int]) -> list[Edit]:
    ranked = sorted(
        edits,
        key=lambda e: (e.start, -(e.end - e.start), rank.get(e.rule, len(rank)), e.rule),
    )
    kept: list[Edit] = []
    last_end = -1
    last_start = -1
    for edit in ranked:
        if edit.start < last_end or (edit.start == last_start and edit.end == edit.start):
            continue
        kept.append(edit)
        last_end = max(last_end, edit.end)
        last_start = edit.start
    return kept


def apply_changes(original: str, changes: Iterable[Change]) -> str:
    """Apply changes (offsets into ``original``) and return the new text.

    Flags change nothing. Overlapping changes are an error: they cannot both be applied.
    Text outside the changes is copied byte for byte.
    """
    pieces: list[str] = []
    pos = 0
    for change in sorted(changes, key=START_END):
        if change.is_flag:
            continue
        if change.start < pos:
            raise ValueError(f"change {change.id} overlaps an earlier change at offset {change.start}")
        if not change.start <= change.end <= len(original):  # (an empty slice would "match")
            raise ValueError(f"change {change.id} has offsets {change.start}:{change.end}, outside "
                             f"the text (0:{len(original)})")
        if original[change.start : change.end] != change.before:
            raise ValueError(
                f"change {change.id} does not match the text at {change.start}:{change.end} "
                f"(expected {change.before!r}, found {original[change.start:change.end]!r})"
            )
        pieces.append(original[pos : change.start])
        pieces.append(change.after)
        pos = change.end
    pieces.append(original[pos:])
    return "".join(pieces)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``); flags are skipped."""
    edits = edits if isinstance(edits, list) else list(edits)
    in_order = _apply_in_order(text, edits)
    if in_order is not None:
        return in_order
    pieces: list[str] = []
    pos = 0
    for edit in sorted(edits, key=START_END):
        if edit.flag or edit.after is None:
            continue
        if edit.start < pos:
            raise ValueError(f"edit {edit.rule} at {edit.start} overlaps an earlier edit")
        pieces.append(text[pos : edit.start])
        pieces.append(edit.after)
        pos = edit.end
    pieces.append(text[pos:])
    return "".join(pieces)


def applied_edits(edits: list[Edit]) -> list[Edit]:
    """The edits of ``edits`` that are applied (not flags, with a text): ``edits`` itself when
    that is all of them (checked column by column: usually every edit of a pass is), else a
    new list."""
    if None in map(_AFTER, edits) or any(map(_FLAG, edits)):
        return [e for e in edits if not e.flag and e.after is not None]
    return edits


def _apply_in_order(text: str, edits: list[Edit]) -> str | None:
    """What :func:`apply_edits` gives, for edits already in text order (as the overlap policy
    returns them: two applications of ~20,000 per chunk of change-heavy text), without
    sorting them first; None as soon as one starts before the end of the one before it
    (out of order, or overlapping: the general path sorts, or says which overlaps). (A loop:
    slicing by ``map(text.__getitem__, map(slice, ...))`` measured twice as slow.)"""
    pieces: list[str] = []
    append = pieces.append
    pos = 0
    for edit in edits:
        if edit.flag or edit.after is None:
            continue
        start = edit.start
        if start < pos:
            return None
        append(text[pos:start])
        append(edit.after)
        pos = edit.end
    append(text[pos:])
    return "".join(pieces)


_AFTER, _FLAG = operator.attrgetter("after"), operator.attrgetter("flag")
