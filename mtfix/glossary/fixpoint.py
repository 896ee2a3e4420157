"""Chains inside one glossary run: a change that makes another match.

A change can write text that an entry matches: a spelling fix turns "Omiljung mutant strain"
into "Omicron mutant strain", which another entry turns into "Omicron variant"; and of two
overlapping matches the overlap policy applies one, leaving the other's text for later
("Propaganda Department of the Provincial Committee": the department's entry takes "of the",
so the committee's entry, whose find starts with it, waits). Either way a second run would
change the text again, and a second run must change nothing.

So the glossary runs to its fixpoint (:func:`to_fixpoint`): the places its changes touched
are searched again in the fixed text, and what is found there joins the changes; the places
of the new changes are searched in turn, until a round finds nothing (at most
:data:`MAX_ROUNDS`; a cycle of replacements, which the loader warns about, never settles, and
then the first round's changes stand). Elsewhere the text did not change, so nothing new can
match there. A place is the changed lines, with a line of context each side (a match may span
one line break), where a match may depend on more than its key (regex, neighbour conditions,
``context``, line entries); for plain phrase entries, the reach of the longest key around a
change, and only where a key over or next to it would change something.

A change of a later round is trimmed to the words it alters ("of the Provincial Committee" ->
"of the provincial Party committee" after the department's change: "Provincial Committee" ->
"provincial Party committee") and recorded as a change of its own where it then stands apart
from the earlier ones; where it still touches one, the two become one change, of the later
entry, with a note naming the earlier.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from mtfix.change import Edit, apply_edits

#: rounds after the first; a chain longer than this is a cycle (the loader warns of those)
MAX_ROUNDS = 8
#: what joins the searched windows: a blank line, which no match or condition crosses
_JOIN = "\n\n"

Span = tuple[int, int]
FindFn = Callable[[str, Sequence[Span]], list[Edit]]
ChainFn = Callable[[str, list[Span]], list[Span]]


def to_fixpoint(text: str, edits: list[Edit], protected: Sequence[Span], find: FindFn,
                may_chain: ChainFn | None, reach: int | None) -> list[Edit]:
    """``edits`` (the glossary's edits on ``text``, in text order) with what later rounds
    find where they changed the text, in text order. ``find(text, protected)`` is the
    glossary's search. ``may_chain(fixed, spans)``: the spans of ``fixed`` that changes
    wrote over or next to which a key may match (the others are not searched again);
    ``reach``: how far from a change a match that overlaps it can start or end (the longest
    key, with room for runs of whitespace), searched around each change. Both None: the
    glossary has entries whose matches depend on more than their keys (regex, neighbour
    conditions), so the whole lines of every change are searched, with a line of context
    each side."""
    first = edits
    fresh = [e for e in edits if _changes(e, text)]
    for _ in range(MAX_ROUNDS):
        if not fresh:
            return edits
        edits, fresh = _next_round(text, edits, fresh, protected, find, may_chain, reach)
    # Still changing: a cycle, or a replacement that holds its own key and grows on every
    # round ("WHO" -> "World Health Organization (WHO)"); the loader warns of both. The first
    # round's edits, as a run without the fixpoint made them, do the least harm.
    return edits if not fresh else first


def _changes(edit: Edit, text: str) -> bool:
    return not edit.flag and edit.after is not None and edit.after != text[edit.start:edit.end]


def _next_round(text: str, edits: list[Edit], fresh: list[Edit], protected: Sequence[Span],
                find: FindFn, may_chain: ChainFn | None, reach: int | None
                ) -> tuple[list[Edit], list[Edit]]:
    """One round: (all edits, the edits this round added or merged)."""
    applied = [e for e in edits if not e.flag and e.after is not None]
    fixed = apply_edits(text, applied)
    places = _Places(applied)
    fresh_ids = {id(e) for e in fresh}
    outputs = [places.output(e) for e in applied if id(e) in fresh_ids]
    if may_chain is not None:
        outputs = may_chain(fixed, outputs)
        if not outputs:
            return edits, []
    if reach is None:  # whole lines, a line of context each side; keep what is on them
        cores = _merge_ranges([_lines_of(fixed, s, e) for s, e in outputs])
        windows = _merge_ranges([_with_context(fixed, s, e) for s, e in cores])
    else:  # around each change; keep what overlaps or touches one
        cores = outputs
        windows = _merge_ranges([(max(0, s - reach), min(len(fixed), e + reach))
                                 for s, e in outputs])
    found = [e for e in _find_in_windows(fixed, windows, places.to_fixed_spans(protected), find)
             if _changes(e, fixed) and _within(e, cores, reach is None)]
    if not found:
        return edits, []
    merged_away: set[int] = set()
    added: list[Edit] = []
    for later, earlier in _groups(fixed, found, applied, places):
        edit = _combined(text, fixed, later, earlier, places)
        if edit is None or _overlaps(edit, protected):
            continue
        merged_away.update(id(e) for e in earlier)
        added.append(edit)
    if not added:
        return edits, []
    spans = sorted((e.start, e.end) for e in added)
    kept = [e for e in edits if id(e) not in merged_away
            and not (e.flag and _overlaps(e, spans))]  # a flag on text that now changes: moot
    return sorted(kept + added, key=lambda e: (e.start, e.end)), added


def _within(edit: Edit, cores: list[Span], inside: bool) -> bool:
    """Is ``edit`` inside one of the ``cores`` (``inside``: whole lines, with the line break
    after the last, which a line deletion takes), else overlapping or touching one?"""
    if inside:
        return any(s <= edit.start and edit.end <= e + 1 for s, e in cores)
    return any(s <= edit.end and edit.start <= e for s, e in cores)


class _Places:
    """Where the applied edits' texts stand in the fixed text."""

    def __init__(self, applied: list[Edit]) -> None:
        self.edits = applied
        self.out_starts: list[int] = []
        self.out_ends: list[int] = []
        shift = 0
        for e in applied:
            self.out_starts.append(e.start + shift)
            shift += len(e.after or "") - (e.end - e.start)
            self.out_ends.append(e.end + shift)
        self.ends = [e.end for e in applied]
        self._index = {id(e): i for i, e in enumerate(applied)}

    def output(self, edit: Edit) -> Span:
        i = self._index[id(edit)]
        return self.out_starts[i], self.out_ends[i]

    def to_original(self, position: int) -> int:
        """The original offset of a fixed-text ``position`` outside every edit's text (or at
        one's edge: its start maps to the edit's start, its end to the edit's end)."""
        i = bisect.bisect_right(self.out_ends, position)  # edits whose text ends at or before
        if i and self.out_ends[i - 1] == position:
            return self.edits[i - 1].end
        if i < len(self.edits) and self.out_starts[i] == position:
            return self.edits[i].start
        if i == 0:
            return position
        last = self.edits[i - 1]
        return last.end + (position - self.out_ends[i - 1])

    def to_fixed(self, position: int) -> int:
        """The fixed-text offset of an original ``position`` outside every edit."""
        i = bisect.bisect_right(self.ends, position)
        if i == 0:
            return position
        return self.out_ends[i - 1] + (position - self.edits[i - 1].end)

    def to_fixed_spans(self, spans: Sequence[Span]) -> list[Span]:
        # (protected spans lie outside every edit: the glossary does not edit them)
        return [(self.to_fixed(s), self.to_fixed(e)) for s, e in spans]

    def touching(self, start: int, end: int) -> list[int]:
        """Indexes of the edits whose text in the fixed text overlaps or touches
        ``[start, end)``."""
        i = bisect.bisect_left(self.out_ends, start)  # the first that ends at or after start
        found = []
        while i < len(self.edits) and self.out_starts[i] <= end:
            found.append(i)
            i += 1
        return found


def _lines_of(text: str, start: int, end: int) -> Span:
    """The whole lines holding ``text[start:end]``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _merge_ranges(ranges: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _find_in_windows(fixed: str, windows: list[Span], protected: list[Span], find: FindFn
                     ) -> list[Edit]:
    """The edits ``find`` makes on the ``windows`` of ``fixed``, all searched at once (joined
    by blank lines, which no match crosses), in ``fixed`` offsets."""
    parts: list[str] = []
    starts: list[int] = []  # where each window starts in the joined text
    at = 0
    for start, end in windows:
        starts.append(at)
        parts.append(fixed[start:end])
        at += end - start + len(_JOIN)
    shifted = sorted((s - w0 + j0, e - w0 + j0) for s, e in protected
                     for (w0, w1), j0 in zip(windows, starts, strict=True) if w0 <= s and e <= w1)
    found = []
    for edit in find(_JOIN.join(parts), shifted):
        k = bisect.bisect_right(starts, edit.start) - 1
        offset = windows[k][0] - starts[k]
        found.append(Edit(edit.start + offset, edit.end + offset, edit.after, edit.rule,
                          edit.note, edit.score, edit.flag))
    return found


def _with_context(text: str, start: int, end: int) -> Span:
    """``[start, end)`` (whole lines) with the line before and the line after, not across a
    blank line."""
    if start > 0:
        before = text.rfind("\n", 0, start - 1) + 1
        if text[before:start - 1].strip():
            start = before
    if end < len(text):
        after = text.find("\n", end + 1)
        after = len(text) if after < 0 else after
        if text[end + 1:after].strip():
            end = after
    return start, end


def _groups(fixed: str, found: list[Edit], applied: list[Edit], places: _Places
            ) -> list[tuple[list[Edit], list[Edit]]]:
    """The new edits, each trimmed to the words it changes (:func:`trim_to_words`), grouped
    with the earlier edits whose text they overlap or touch: new edits that touch the same
    earlier one are one group ("cat" -> "dog dog", each "dog" rewritten). A new edit that
    touches none is a group of its own."""
    groups: list[tuple[list[Edit], set[int]]] = []
    for edit in sorted(found, key=lambda e: (e.start, e.end)):
        before, after = fixed[edit.start:edit.end], edit.after or ""
        head, tail = trim_to_words(before, after)
        trimmed = Edit(edit.start + head, edit.end - tail, after[head:len(after) - tail],
                       edit.rule, edit.note, edit.score)
        near = set(places.touching(trimmed.start, trimmed.end))
        if near and groups and groups[-1][1] & near:  # (in text order: only the last can share)
            groups[-1][0].append(trimmed)
            groups[-1][1].update(near)
        else:
            groups.append(([trimmed], near))
    return [(later, [applied[i] for i in sorted(near)]) for later, near in groups]


def trim_to_words(before: str, after: str) -> tuple[int, int]:
    """How many characters to drop from the start and from the end of both ``before`` and
    ``after`` (which differ): their common prefix up to and including its last whitespace,
    and their common suffix from its first whitespace on, so that what is left starts and
    ends where words do ("of the Provincial Committee" -> "of the provincial Party
    committee": drop "of the " at the start, nothing at the end)."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    head = next((i + 1 for i in range(head - 1, -1, -1) if before[i].isspace()), 0)
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    suffix = before[len(before) - tail:]
    space = next((i for i, c in enumerate(suffix) if c.isspace()), None)
    return head, 0 if space is None else tail - space


def _combined(text: str, fixed: str, later: list[Edit], earlier: list[Edit], places: _Places
              ) -> Edit | None:
    """The edit of ``text`` that gives what the ``earlier`` edits and then the ``later`` ones
    (in fixed-text offsets, trimmed, in text order) give, of the first later edit's entry;
    a later edit alone, back in ``text`` offsets, where it touches no earlier one. None
    where the result is no change."""
    if not earlier:
        [edit] = later
        start, end = places.to_original(edit.start), places.to_original(edit.end)
        if text[start:end] == edit.after:
            return None
        return Edit(start, end, edit.after, edit.rule, edit.note, edit.score)
    first, last = places.output(earlier[0])[0], places.output(earlier[-1])[1]
    lo, hi = min(later[0].start, first), max(later[-1].end, last)
    pieces, at = [], lo
    for edit in later:
        pieces += [fixed[at:edit.start], edit.after or ""]
        at = edit.end
    new_text = "".join(pieces) + fixed[at:hi]
    begin = earlier[0].start if lo == first else places.to_original(lo)
    finish = earlier[-1].end if hi == last else places.to_original(hi)
    if new_text == text[begin:finish]:
        return None
    rules = ", ".join(dict.fromkeys(e.rule for e in earlier))
    note = f"{later[0].note} (after {rules})" if later[0].note else f"after {rules}"
    return Edit(begin, finish, new_text, later[0].rule, note, later[0].score)


def _overlaps(edit: Edit, spans: Sequence[Span]) -> bool:
    return any(s < edit.end and edit.start < e for s, e in spans)
