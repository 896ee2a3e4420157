"""The change record: the one piece of data every pass emits and every report reads.

A pass proposes :class:`Edit` objects (offsets into the text it was given). The pipeline turns
them into frozen :class:`Change` records whose offsets point into the ORIGINAL document, so that
the output text is exactly ``apply_changes(original, changes)`` and every report can show what
happened without re-guessing.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import IO, Any

CHANGE_LOG_VERSION = 1
# Sort key of edits and changes: text order (a C-level getter; thousands are sorted per run).
START_END = operator.attrgetter("start", "end")


def _fast_frozen_init(cls: type) -> type:
    """Give a frozen slots dataclass an ``__init__`` that fills the slots through their
    descriptors instead of ``object.__setattr__`` per field: the same signature and result,
    about 2.5x faster (records are made per change, thousands per megabyte). Instances stay
    immutable: the dataclass's ``__setattr__`` still refuses every assignment."""
    import dataclasses

    fields_ = [f for f in dataclasses.fields(cls) if f.init]
    namespace: dict[str, Any] = {}
    params = []
    for f in fields_:
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"        _set_{f.name}(self, {f.name})\n" for f in fields_)
    source = (f"def _factory({', '.join(namespace)}):\n"
              f"    def __init__(self, {', '.join(params)}):\n{body}"
              "    return __init__\n")
    exec(source, {}, local := {})  # the source is built from the field names above
    init = local["_factory"](**namespace)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[misc]
    return cls


@_fast_frozen_init
@dataclass(frozen=True, slots=True)
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


@_fast_frozen_init
@dataclass(frozen=True, slots=True)
class Change:
    """One change (or flag) to one document, as written to the change log (one JSON line).

    ``start``/``end`` are code-point offsets into the original document (or into the original
    segment text when ``segment`` is set). A flag has ``after == before``; what the flagging pass
    proposed, if anything, is in ``proposal``.
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
    id: str = field(default="")  # computed on first read when not given (see _lazy_id)

    @property
    def is_flag(self) -> bool:
        return self.after == self.before

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pass"] = data.pop("pass_")
        # A stable, readable key order: identity first, then location, then content.
        order = ("id", "doc", "segment", "start", "end", "line", "before", "after", "pass",
                 "rule", "note", "score", "proposal", "base")
        return {key: data[key] for key in order}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        fields = dict(data)
        fields["pass_"] = fields.pop("pass")
        known = {f for f in cls.__dataclass_fields__}
        extra = set(fields) - known
        if extra:
            raise ValueError(f"unknown change-record key(s): {', '.join(sorted(extra))}")
        return cls(**fields)


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
    key = "\x1f".join((change.doc, change.segment or "", str(change.start), str(change.end),
                       change.before, change.after, change.pass_, change.rule,
                       change.proposal or ""))
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


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
    changes = _greedy([e for e in edits if not e.flag and e.after is not None], order or {})
    flags = _greedy([e for e in edits if e.flag or e.after is None], order or {})
    if changes and flags:
        starts = [c.start for c in changes]
        kept_flags = []
        for flag in flags:
            i = bisect.bisect_right(starts, flag.start) - 1
            inside = i >= 0 and changes[i].end > changes[i].start and \
                changes[i].start <= flag.start and flag.end <= changes[i].end
            if not inside:
                kept_flags.append(flag)
        flags = kept_flags
    return sorted(changes + flags, key=START_END)


def _disjoint_in_order(edits: list[Edit]) -> bool:
    """Are the edits non-empty, non-overlapping and in text order? Then the greedy choice
    keeps all of them (no ties to break) and no flag lies inside a change."""
    last_end = 0
    for edit in edits:
        if edit.start < last_end or edit.end <= edit.start:
            return False
        last_end = edit.end
    return True


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


class LineIndex:
    """Maps a code-point offset to a 1-based line number (``\\n``, ``\\r\\n``, ``\\r`` end lines).

    Counts newlines incrementally with ``str.count`` (C speed) instead of building an index:
    passes ask for offsets in increasing order, so each pass scans the text about once.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._first = first_line
        self._has_cr = "\r" in text
        self._offset = 0
        self._line = first_line

    def _count(self, start: int, end: int) -> int:
        text = self._text
        lines = text.count("\n", start, end)
        if self._has_cr:
            # "\r\n" is one line end; a pair cut by `end` is counted once, at its "\r"
            lines += text.count("\r", start, end) - text.count("\r\n", start, end)
        return lines

    def line_of(self, offset: int) -> int:
        if offset < self._offset:
            self._offset, self._line = 0, self._first
        if self._has_cr and 0 < self._offset < offset and self._text[self._offset - 1] == "\r" \
                and self._text[self._offset] == "\n":
            self._line -= 1  # that "\r\n" was counted at its "\r" already
        self._line += self._count(self._offset, offset)
        self._offset = offset
        return self._line

    def lines_of(self, offsets: Sequence[int]) -> list[int]:
        """``line_of`` for each offset (one call per batch; cheapest in increasing order)."""
        if self._has_cr:
            return [self.line_of(offset) for offset in offsets]
        text = self._text
        pos, line = self._offset, self._line
        out = []
        for offset in offsets:
            if offset < pos:
                pos, line = 0, self._first
            line += text.count("\n", pos, offset)
            pos = offset
            out.append(line)
        self._offset, self._line = pos, line
        return out

    @property
    def line_count(self) -> int:
        return self._count(0, len(self._text)) + 1


class OffsetMap:
    """Maps offsets in a text produced by applied edits back to the text before them.

    Built from the edits that turned ``before`` into ``after`` (offsets into ``before``).
    ``to_before(x)`` is exact for offsets outside the replaced spans.
    """

    def __init__(self, applied: Sequence[Edit]) -> None:
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._deltas: list[int] = []  # cumulative (before - after) length difference up to and incl. i
        self._old_ends: list[int] = []
        shift = 0
        delta = 0
        for edit in sorted(applied, key=lambda e: e.start):
            if edit.flag or edit.after is None:
                continue
            new_start = edit.start - shift
            new_end = new_start + len(edit.after)
            delta += (edit.end - edit.start) - len(edit.after)
            shift = delta
            self._new_starts.append(new_start)
            self._new_ends.append(new_end)
            self._deltas.append(delta)
            self._old_ends.append(edit.end)

    def protected_spans(self) -> list[tuple[int, int]]:
        """Spans of the new text written by the applied edits (later passes must not touch them)."""
        return list(zip(self._new_starts, self._new_ends, strict=True))

    def to_before(self, offset: int, *, side: str = "start") -> int:
        """Map an offset of the new text to the text before the edits.

        At the point where an edit deleted text, a ``start`` maps after the deleted text and an
        ``end`` maps before it, so a later edit never swallows an earlier deletion.
        """
        i = bisect.bisect_right(self._new_ends, offset) - 1
        if side == "end":
            while i >= 0 and self._new_ends[i] == offset and self._new_starts[i] == offset:
                i -= 1
        return offset + (self._deltas[i] if i >= 0 else 0)


    def to_after(self, offset: int) -> int:
        """Map an offset of the text before the edits (outside replaced spans) to the new text."""
        i = bisect.bisect_right(self._old_ends, offset) - 1
        return offset - (self._deltas[i] if i >= 0 else 0)


class SpanSet(list):
    """A list of (start, end) spans with an index, so overlap queries cost O(log n).

    Passes receive protected spans as a plain sequence; the pipeline hands them a ``SpanSet``
    so that :func:`overlaps_any` does not scan hundreds of spans for every candidate edit.
    Treat it as read-only.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        super().__init__(spans)
        ranges = sorted((s, e) for s, e in self if e > s)
        self._starts = [s for s, _ in ranges]
        self._ends = [e for _, e in ranges]
        self._max_end: list[int] = []
        top = -1
        for _, e in ranges:
            top = max(top, e)
            self._max_end.append(top)
        self._points = sorted(s for s, e in self if e == s)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # spans starting before `end`
        if i and self._max_end[i - 1] > start:
            # the span reaching furthest among them reaches past `start`; for an empty
            # query (start == end) that means a span strictly contains it
            return start < end or any(s < start < e for s, e in self if e > s)
        j = bisect.bisect_right(self._points, start)
        return j < len(self._points) and self._points[j] < end

    def covers_range(self, start: int, end: int) -> bool:
        """Does a non-empty span overlap [start, end)?"""
        i = bisect.bisect_left(self._starts, end)
        return bool(i) and self._max_end[i - 1] > start

    def points_inside(self, start: int, end: int) -> list[int]:
        """The zero-width spans strictly inside [start, end)."""
        i = bisect.bisect_right(self._points, start)
        j = bisect.bisect_left(self._points, end)
        return self._points[i:j]

    def straddles(self, start: int, end: int) -> bool:
        """Does a (non-empty) span cross an end of [start, end), i.e. overlap it without
        lying wholly inside it?"""
        i = bisect.bisect_left(self._starts, end) - 1  # spans starting before `end`
        max_end, starts, ends = self._max_end, self._starts, self._ends
        while i >= 0 and max_end[i] > start:  # earlier ones all end by `start`
            s, e = starts[i], ends[i]
            if s < start < e or s < end < e:
                return True
            i -= 1
        return False


def overlaps_any(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """True if [start, end) overlaps a span (or a non-empty edit sits inside a zero-width span)."""
    if isinstance(spans, SpanSet):
        return spans.overlaps(start, end)
    for s, e in spans:
        if s == e:
            if start < s < end:
                return True
        elif start < e and s < end:
            return True
    return False


def write_change_log(changes: Iterable[Change], stream: IO[str]) -> int:
    """Write changes as JSON Lines; returns how many were written."""
    count = 0
    for change in changes:
        stream.write(_json_line(change.to_json()))
        stream.write("\n")
        count += 1
    return count


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_line(record: dict[str, Any]) -> str:
    """One record as JSON, readable UTF-8. A file name that is not UTF-8 reaches us with
    surrogate escapes (``caf\\udce9.txt`` for the bytes ``caf\\xe9.txt``), which UTF-8 cannot
    encode; such a record is written with ASCII escapes (``"caf\\udce9.txt"`` in the JSON), which
    ``json.loads`` reads back to the same string, so ``os.fsencode(doc)`` gives the exact name."""
    line = json.dumps(record, ensure_ascii=False)
    if _LONE_SURROGATE.search(line):
        return json.dumps(record)
    return line


def read_change_log(stream: IO[str], name: str = "<change log>") -> Iterator[Change]:
    """Read a JSON Lines change log, with file and line in every error."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield Change.from_json(json.loads(line))
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"{name}:{number}: not a valid change record: {exc}") from exc


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``); flags are skipped."""
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
