"""Run passes over text and turn their edits into change records.

Each pass sees the text as the earlier passes left it; what earlier passes wrote is protected
from later ones, and every edit is mapped back to offsets in the ORIGINAL text, so that
``apply_changes(original, result.changes) == result.text`` always holds.

Large texts are processed in paragraph-aligned chunks (about 1 MiB), which bounds memory and
lets files stream; offsets and line numbers stay document-level.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mtfix.change import (
    Change,
    Edit,
    applied_edits,
    apply_edits,
    make_change,
    select_non_overlapping,
    sort_in_text_order,
    text_hash,
)
from mtfix.chunking import chunk_text
from mtfix.doctraits import document_traits
from mtfix.memory import (
    EDIT,
    REJECT,
    DecisionMemory,
    Remembered,
    Verdicts,
    is_from_memory,
    memory_note,
)
from mtfix.passes.base import Pass, check_pass
from mtfix.spans import (
    LineIndex,
    LineNumbers,
    OffsetMap,
    ShiftedLines,
    Span,
    SpanSet,
    lines_touched,
    overlap,
    overlaps_any,
    within,
)
from mtfix.suppress import Suppressions

#: Protected spans per chunk (called on the chunks in order, so it may carry state such as
#: "inside a code fence").
ProtectFn = Callable[[str], Sequence[Span]]
#: the remembered decision on an edit: (pass, rule, before, proposal, start, end) -> decision
Decide = Callable[[str, str, str, str | None, int, int], Remembered | None]
# rounds of following what the output says about remembered decisions (see fix_segment)
_MEMORY_ROUNDS = 8
_MEMORY_FREE_ROUNDS = 2  # rounds that may add decisions; then they are only dropped


@dataclass(frozen=True)
class Result:
    """The outcome for one text: the fixed text and every change and flag, in text order."""

    text: str
    changes: tuple[Change, ...]
    original: str = field(repr=False, default="")
    doc: str = "<text>"

    @property
    def applied(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.is_flag)

    @property
    def flags(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.is_flag)

    def counts_by_pass(self) -> Counter[str]:
        return Counter(c.pass_ for c in self.applied)


# What str.splitlines breaks lines at: a segment holding one is never screened.
_BREAK_RE = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_OTHER_BREAK_RE = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

T = TypeVar("T")


@dataclass(frozen=True)
class SegmentJob:
    """One segment for :meth:`Pipeline.fix_segments`: its text and the keyword arguments of
    :meth:`Pipeline.fix_segment` (``doc``, ``segment``, ``protected``, ``source``...)."""

    text: str
    options: dict[str, Any]


@dataclass(frozen=True)
class _PassCall:
    """What a segment asks a batching pass: ``step.find_edits(text, protected, **extra)``."""

    step: Any
    step_number: int
    text: str
    protected: Any
    extra: dict[str, Any]


class Pipeline:
    """An ordered list of passes (glossary, rules, model...)."""

    def __init__(self, passes: Sequence[Pass], memory: DecisionMemory | None = None) -> None:
        self.passes = [check_pass(step) for step in passes]
        #: does any pass read the document's traits (else they are never computed)?
        self.wants_traits = any(getattr(step, "wants_traits", False) for step in self.passes)
        #: remembered review decisions (:mod:`mtfix.memory`); ``None`` or empty: none
        self.memory = memory
        #: what memory did so far: "suppressed" (changes and flags not proposed again) and
        #: "applied" (flags accepted, changes edited by a reviewer before); callers read the
        #: difference around a file
        self.memory_counts: Counter[str] = Counter()

    def prepare(self, nbytes: int) -> None:
        """About ``nbytes`` of text are to be fixed by each process that inherits this
        pipeline (see the passes' ``prepare``; a pass without one needs nothing)."""
        for step in self.passes:
            prepare = getattr(step, "prepare", None)
            if prepare is not None:
                prepare(nbytes)

    def fingerprint_parts(self) -> list[str]:
        """What makes this pipeline edit as it does: each pass's ``fingerprint()``, and the
        remembered decisions when there are any."""
        parts = [step.fingerprint() for step in self.passes]
        if self.memory:
            parts.append(f"memory:{self.memory.fingerprint()}")
        return parts

    def fix_segment(self, text: str, *, doc: str, segment: str | None = None,
                    protected: Sequence[Span] = (), offset: int = 0,
                    lines: LineNumbers | None = None, base: str | None = None,
                    format: str | None = None, source: str | None = None,
                    traits: frozenset[str] | None = None, unit: bool = False,
                    skip: frozenset[int] = frozenset(),
                    ) -> tuple[str, list[Change]]:
        """Run every pass over ``text``. Offsets in the changes are ``offset`` + position in
        ``text``; ``lines`` gives line numbers (document-level) for those offsets; ``format``
        names the file format, recorded in every change; ``source`` is the unit's source-
        language text where the file has one (bilingual files, ``--source``). ``traits``: the
        document's traits (:func:`mtfix.doctraits.document_traits`, computed once per
        document by the caller); ``None`` takes this text alone for the document.

        ``unit=True``: ``text`` is a translation unit (a PO msgstr, an XLIFF or TMX target).
        A unit is a whole string of a program's interface, not a line of a web page: a
        deletion of whole lines (page chrome, duplicate lines) or one that would leave the
        unit empty or without a word is flagged for review, never applied
        (:func:`unit_safe_edits`).

        ``skip``: numbers of passes known to find nothing in ``text`` as it is with no
        protected span (:meth:`screen_lines`); each is left out while no earlier pass has
        changed the text, and run as usual after.

        With remembered decisions, a change or flag a reviewer rejected is not proposed, a
        flag a reviewer accepted is applied and an edited change gets the reviewer's text,
        where the pass, rule, before, proposal and the words around it match
        (:mod:`mtfix.memory`)."""
        if traits is None and self.wants_traits:
            traits = document_traits(text, source)
        if base is None:
            base = text_hash(text)
        lines = lines or LineIndex(text)
        run = functools.partial(self._drive, text, doc=doc, segment=segment,
                                protected=protected, offset=offset, lines=lines, base=base,
                                format=format, source=source, traits=traits, unit=unit,
                                skip=skip)
        memory = self.memory
        if not memory:
            return run(None)[:2]

        followed: Verdicts = {}

        def in_input(pass_: str, rule: str, before: str, proposal: str | None, start: int,
                     end: int) -> Remembered | None:
            entry = memory.find(pass_, rule, before, proposal, text, start, end)
            if entry is not None:
                followed[(pass_, rule, start, end, proposal)] = entry
            return entry

        current, changes, dropped = run(in_input)
        # The decisions were found by the words around each change in the input; a second
        # run finds them by the words in this run's output. Where the two differ (a neighbour
        # fixed, or kept by another decision), follow what the output says until they agree,
        # so that a second run proposes nothing: usually at once. Text that repeats itself can
        # make two readings alternate; then decisions the output no longer confirms are
        # dropped, and none is added, until the rest is confirmed.
        for round_number in range(_MEMORY_ROUNDS):
            verdicts = memory.verdicts(current, changes, [*changes, *dropped], offset)
            if verdicts == followed:
                break
            if round_number >= _MEMORY_FREE_ROUNDS:
                verdicts = {key: entry for key, entry in followed.items()
                            if verdicts.get(key) is entry}
            current, changes, dropped = run(functools.partial(_verdict, verdicts))
            followed = verdicts
        self.memory_counts["suppressed"] += len(dropped)
        self.memory_counts["applied"] += sum(map(is_from_memory, changes))
        return current, changes

    def _drive(self, text: str, decide: Decide | None, **options: Any
               ) -> tuple[str, list[Change], list[Change]]:
        """:meth:`_run` to its end, a batching pass asked for this one segment alone."""
        run = self._run(text, decide, **options)
        try:
            call = next(run)
            while True:
                call = run.send(call.step.find_edits(call.text, call.protected, **call.extra))
        except StopIteration as stop:
            return stop.value

    @property
    def segment_window(self) -> int:
        """How many segments :meth:`fix_in_order` fixes together: the largest
        ``segment_window`` of a batching pass, 1 when no pass batches."""
        return max((getattr(step, "segment_window", 1) for step in self.passes
                    if getattr(step, "batches", False)), default=1)

    def fix_segments(self, jobs: Sequence[SegmentJob]) -> list[tuple[str, list[Change]]]:
        """:meth:`fix_segment` for each job, with every batching pass (``batches = True``: the
        model pass) asked once for all of them through ``find_edits_many``. The results are
        those of :meth:`fix_segment` job by job, byte for byte; only the pass is asked fewer,
        larger questions (a model server gets them in parallel, a local model in batches).
        With remembered decisions (which may rerun a segment's passes), one job at a time."""
        if self.memory:
            return [self.fix_segment(job.text, **job.options) for job in jobs]
        runs = [self._run(job.text, None, **job.options) for job in jobs]
        results: list[tuple[str, list[Change]] | None] = [None] * len(jobs)
        waiting: dict[int, _PassCall] = {}

        def advance(index: int, found: list[Edit] | None) -> None:
            try:
                call = next(runs[index]) if found is None else runs[index].send(found)
            except StopIteration as stop:
                results[index] = stop.value[:2]
                waiting.pop(index, None)
            else:
                waiting[index] = call

        for index in range(len(runs)):
            advance(index, None)
        while waiting:
            # the earliest pass any segment waits at: every segment reaches it in pass order
            first = min(call.step_number for call in waiting.values())
            indexes = [i for i, call in waiting.items() if call.step_number == first]
            calls = [waiting[i] for i in indexes]
            found_all = calls[0].step.find_edits_many(
                [(c.text, c.protected, c.extra) for c in calls])
            for index, found in zip(indexes, found_all, strict=True):
                advance(index, found)
        return results  # type: ignore[return-value]

    def fix_in_order(self, items: Iterable[T], jobs: Callable[[T], Sequence[SegmentJob]],
                     ) -> Iterator[tuple[T, list[tuple[str, list[Change]]]]]:
        """(item, the results of its jobs) for each item, in order, reading ahead up to
        :attr:`segment_window` items so that a batching pass sees many segments at once.

        For the segmented formats: an item is a line or a translation unit, ``jobs(item)`` its
        segments (none for a blank line). Without a batching pass, one item at a time."""
        window = self.segment_window
        iterator = iter(items)
        while True:
            taken = list(itertools.islice(iterator, window))
            if not taken:
                return
            job_lists = [list(jobs(item)) for item in taken]
            flat = [job for job_list in job_lists for job in job_list]
            results = self.fix_segments(flat) if window > 1 else [
                self.fix_segment(job.text, **job.options) for job in flat]
            at = 0
            for item, job_list in zip(taken, job_lists, strict=True):
                yield item, results[at:at + len(job_list)]
                at += len(job_list)

    def _run(self, text: str, decide: Decide | None, *, doc: str, segment: str | None = None,
             protected: Sequence[Span] = (), offset: int = 0,
             lines: LineNumbers | None = None, base: str | None = None,
             format: str | None = None, source: str | None = None,
             traits: frozenset[str] | None = None, unit: bool = False,
             skip: frozenset[int] = frozenset(),
             ) -> Generator[_PassCall, list[Edit], tuple[str, list[Change], list[Change]]]:
        """The body of :meth:`fix_segment`, as a generator that stops at each batching pass
        (yielding what to ask it; the edits it found are sent back) and returns the result
        and the records of what remembered decisions (``decide``) kept out."""
        if traits is None and self.wants_traits:
            traits = document_traits(text, source)
        if base is None:
            base = text_hash(text)
        lines = lines or LineIndex(text)
        dropped: list[Change] = []
        current = text
        maps: list[OffsetMap] = []  # one per pass that changed the text, oldest first
        guarded = list(protected)
        # What no pass may touch at all (placeholders, markup: the format's protected spans);
        # text written by earlier passes is guarded too, but a later deletion may absorb it.
        untouchable = list(protected)
        flagged: list[Span] = []  # spans flagged by earlier passes, in `current` coordinates
        changes: list[Change] = []
        # A pass that needs a source finds nothing without one: it is not run, so the pass
        # before it may be the last (whose edits need no map, nor guards for later passes).
        idle = frozenset() if source else frozenset(
            number for number, step in enumerate(self.passes)
            if getattr(step, "needs_source", False))
        last_step = max((n for n in range(len(self.passes)) if n not in idle), default=-1)
        skip = skip if not protected else frozenset()  # (known for no protected span only)
        for step_number, step in enumerate(self.passes):
            if step_number in idle or (step_number in skip and not maps):
                continue  # it finds nothing in the text as given, and no pass changed it yet
            # indexed: overlap checks stay O(log n) per edit; ``untouchable``: what even a
            # deletion may never hold (SpanGuard.may_delete_over)
            hard = SpanSet(untouchable)
            guard_set = SpanSet(guarded, untouchable=hard)
            # Declared capabilities (see mtfix.passes.base.Pass): the model pass gets the
            # earlier passes' flag spans, the replay pass the segment id, the terms check the
            # source text.
            extra: dict = {}
            if step.wants_flags:
                extra["flags"] = list(flagged)
            if step.wants_segment:
                extra["segment"] = segment
            if step.wants_source:
                extra["source"] = source
            if getattr(step, "wants_traits", False):
                extra["traits"] = traits
            if getattr(step, "wants_original", False):
                extra["original"] = text
            if getattr(step, "batches", False):
                found = yield _PassCall(step, step_number, current, guard_set, extra)
            else:
                found = step.find_edits(current, guard_set, **extra)
            if not found:
                continue
            edits, absorbing = _admissible(found, guard_set, hard, current) if guarded \
                else (found, set())
            edits = select_non_overlapping(edits, step.rule_order())
            if unit:
                edits = unit_safe_edits(edits, current, hard)
            starts = list(map(_START, edits))
            ends = list(map(_END, edits))
            for m in reversed(maps):  # back to offsets into the original text
                starts = m.to_before_all(starts, side="start")
                ends = m.to_before_all(ends, side="end")
            proposals: dict[int, str | None] = {}
            if decide is not None:
                edits, starts, ends, gone, proposals = _follow_memory(
                    edits, starts, ends, decide, step.name, text, guard_set, absorbing)
                dropped.extend(_records(gone[0], gone[1], gone[2], text, offset, lines, doc=doc,
                                        pass_name=step.name, segment=segment, base=base,
                                        format=format))
            applied = applied_edits(edits)
            if applied is not edits:  # (some are flags)
                flagged.extend((e.start, e.end) for e in edits if e.flag or e.after is None)
            if absorbing:
                changes = _without_absorbed(changes, [
                    (offset + start, offset + end) for edit, start, end in zip(
                        edits, starts, ends, strict=True) if id(edit) in absorbing])
            records = _records(edits, starts, ends, text, offset, lines, doc=doc,
                               pass_name=step.name, segment=segment, base=base, format=format,
                               proposals=proposals)
            changes.extend(records)
            if applied and step_number == last_step:
                current = apply_edits(current, applied)  # no later pass: no map, no guards
            elif applied:
                step_map = OffsetMap(applied)
                guarded = [(step_map.to_after(s), step_map.to_after(e)) for s, e in guarded]
                untouchable = [(step_map.to_after(s), step_map.to_after(e))
                               for s, e in untouchable]
                flagged = [(step_map.to_after(s), step_map.to_after(e)) for s, e in flagged]
                guarded.extend(step_map.protected_spans())
                current = apply_edits(current, applied)
                maps.append(step_map)
        sort_in_text_order(changes)
        return current, changes, dropped

    def fix_text(self, text: str, *, doc: str = "<text>", format: str | None = None,
                 traits: frozenset[str] | None = None) -> Result:
        """Fix a whole plain-text document (offsets are document-level, ``segment`` is null);
        lines under an inline suppression (``# mtfix: ignore``, :mod:`mtfix.suppress`) are
        left as they are. ``traits``: the document's traits (``None``: decided from the
        text, see :meth:`iter_fix`)."""
        pieces: list[str] = []
        changes: list[Change] = []
        for out, chunk_changes in self.iter_fix(chunk_text(text), doc=doc, base=text_hash(text),
                                                format=format, traits=traits,
                                                protect=Suppressions()):
            pieces.append(out)
            changes.extend(chunk_changes)
        return Result("".join(pieces), tuple(changes), text, doc)

    def quiet_lines(self, segments: Sequence[str], sources: Sequence[str | None] = ()
                    ) -> list[bool]:
        """For each segment (a line, no line break in it), True when no pass can find an edit
        in it, so that :meth:`fix_segment` would return it unchanged with no change: the
        passes screen all the segments in one call (:meth:`BasePass.screen`) instead of
        being run on each. False where unsure (a pass that cannot screen, a segment holding
        a line break). ``sources``: the segments' source-language texts, if any."""
        return [not may for may in self.screen_lines(segments, sources)]

    def screen_lines(self, segments: Sequence[str], sources: Sequence[str | None] = (),
                     traits: frozenset[str] | None = None) -> list[frozenset[int]]:
        """For each segment (a line, no line break in it), the numbers of the passes that may
        find something in it alone (empty: the line is quiet, see :meth:`quiet_lines`); every
        pass where unsure. A pass left out finds nothing on the segment as it is, with no
        protected span: :meth:`fix_segment` may skip it (``skip``) while no earlier pass has
        changed the segment. ``sources``: the segments' source-language texts, if any.
        ``traits``: the document traits each segment will be fixed with (``fix_segment``'s
        ``traits``); ``None``: each segment's own."""
        every = frozenset(range(len(self.passes)))
        unsure = [every] * len(segments)
        if not segments:
            return []
        if any(sources) and any(step.wants_source for step in self.passes):
            return unsure
        text = "\n".join(segments)
        broken: list[int] = []  # segments holding a line break: never screened
        if text.count("\n") != len(segments) - 1 or _OTHER_BREAK_RE.search(text):
            broken = [i for i, segment in enumerate(segments) if _BREAK_RE.search(segment)]
            text = "\n".join("" if _BREAK_RE.search(s) else s for s in segments)
        starts = [0, *itertools.accumulate(len(s) + 1 for s in segments)][:-1]
        touched: list[set[int]] = []  # per pass, the segments its screen touched
        for step in self.passes:
            if step.wants_flags or step.wants_segment:
                return unsure
            screen = getattr(step, "screen", None)
            # (a pass that wants the traits screens with them, as it will fix with them)
            told = traits is not None and getattr(step, "wants_traits", False)
            spans = None if screen is None else screen(text, traits=traits) if told \
                else screen(text)
            if spans is None:
                return unsure
            touched.append(lines_touched(starts, spans))
        may: list[frozenset[int]] = [frozenset()] * len(segments)
        for i in broken:
            may[i] = every
        nothing = SpanSet([], untouchable=SpanSet([]))  # what fix_segment gives the first pass
        for i in sorted(set().union(*touched) - set(broken)):
            # A screen may touch more than it must (a key whose checks fail): ask the passes
            # that touched it, on the segment alone, exactly as fix_segment would first ask,
            # up to the first that finds something (the rules pass's screen is its edits).
            # The passes after it see the segment as that pass leaves it: they may all edit.
            for number, (step, hit) in enumerate(zip(self.passes, touched, strict=True)):
                if i in hit and (getattr(step, "screen_finds_edits", False)
                                 or _finds_any(step, segments[i], nothing, traits)):
                    may[i] = frozenset(range(number, len(self.passes)))
                    break
        return may

    def iter_fix(self, chunks: Iterable[str], *, doc: str, base: str,
                 protect: ProtectFn | None = None, format: str | None = None,
                 traits: frozenset[str] | None = None, offset: int = 0, line: int = 1,
                 ) -> Iterator[tuple[str, list[Change]]]:
        """Fix a document given as consecutive chunks (for streaming large files).

        ``protect`` gives the spans of each chunk no pass may touch (markdown code, say).
        ``traits``: the document's traits; ``None``: decided from the first chunk (about
        1 MiB, :data:`mtfix.doctraits.SAMPLE`), so a streamed file and the same text fixed
        whole get the same. ``offset`` and ``line``: where the first chunk starts in the
        document (a piece of a file fixed apart from the rest, :mod:`mtfix.pieces`, which
        then gives the document's ``traits``)."""
        for chunk in chunks:
            if traits is None and self.wants_traits:
                traits = document_traits(chunk)
            lines = LineIndex(chunk)
            shifted = ShiftedLines(lines, offset, line)
            yield self.fix_segment(chunk, doc=doc, offset=offset, lines=shifted, base=base,
                                   protected=protect(chunk) if protect else (), format=format,
                                   traits=traits)
            offset += len(chunk)
            line += lines.line_count - 1


_START, _END = operator.attrgetter("start"), operator.attrgetter("end")
_WORD = re.compile(r"[^\W_]")  # a letter or digit: what makes a unit say something
UNIT_LINE_NOTE = ("not applied in a translation unit: it deletes a whole line, and the unit "
                  "is a string of its own; accept it to delete the line")
UNIT_EMPTY_NOTE = ("not applied in a translation unit: it would leave the unit empty or "
                   "without a word (untranslated); accept it to apply")


def _finds_any(step: Pass, segment: str, nothing: SpanSet, traits: frozenset[str] | None
               ) -> bool:
    """Does ``step`` find anything in ``segment`` alone, as :meth:`Pipeline.fix_segment` would
    first ask it (with ``traits`` where it wants them and they are known)?"""
    if traits is not None and getattr(step, "wants_traits", False):
        return bool(step.find_edits(segment, nothing, traits=traits))
    return bool(step.find_edits(segment, nothing))


def unit_safe_edits(edits: Sequence[Edit], text: str, hard: SpanSet) -> list[Edit]:
    """``edits`` of one pass over the translation unit ``text``, with the harmful ones turned
    into flags (their text kept as the proposal, so a reviewer can still accept them):

    * a deletion of whole lines: the text before it on its first line and after it on its
      last line is only spaces (a line of page chrome, a duplicate line);
    * all of the pass's edits that remove words, when together they would leave the unit
      empty or without a letter or digit outside the ``hard`` spans (placeholders, tags):
      ``"Vision protection color: %s"`` must not become ``"%s"``.
    """
    out = [_flagged(e, UNIT_LINE_NOTE) if _deletes_whole_lines(e, text) else e for e in edits]
    applied = [e for e in out if not e.flag and e.after is not None]
    if applied and _says_something(text, hard):
        step_map = OffsetMap(applied)
        moved = [(step_map.to_after(s), step_map.to_after(e)) for s, e in hard]
        if not _says_something(apply_edits(text, applied), moved):
            ids = {id(e) for e in applied}
            out = [_flagged(e, UNIT_EMPTY_NOTE) if id(e) in ids and _removes_words(e, text)
                   else e for e in out]
    return out


def _flagged(edit: Edit, why: str) -> Edit:
    note = f"{edit.note}; {why}" if edit.note else why
    return Edit(edit.start, edit.end, edit.after, edit.rule, note, edit.score, flag=True)


def _deletes_whole_lines(edit: Edit, text: str) -> bool:
    if edit.flag or edit.after is None or edit.after.strip():
        return False
    removed = text[edit.start:edit.end]
    if not removed.strip():
        return False  # spacing
    first = edit.start + (len(removed) - len(removed.lstrip()))
    last = edit.end - (len(removed) - len(removed.rstrip()))
    line_start = text.rfind("\n", 0, first) + 1
    line_end = text.find("\n", last)
    line_end = len(text) if line_end == -1 else line_end
    return not text[line_start:first].strip() and not text[last:line_end].strip()


def _removes_words(edit: Edit, text: str) -> bool:
    before = len(_WORD.findall(text, edit.start, edit.end))
    return before > len(_WORD.findall(edit.after or ""))


def _says_something(text: str, hard: Sequence[Span]) -> bool:
    """Whether ``text`` has a letter or digit outside the ``hard`` spans."""
    pos = 0
    for start, end in sorted(hard):
        if _WORD.search(text, pos, max(pos, start)):
            return True
        pos = max(pos, end)
    return _WORD.search(text, pos) is not None


def _records(edits: list[Edit], starts: list[int], ends: list[int], text: str, offset: int,
             lines: LineNumbers, *, doc: str, pass_name: str, segment: str | None, base: str,
             format: str | None, proposals: dict[int, str | None] | None = None
             ) -> list[Change]:
    """The change records of one pass's ``edits``, whose offsets into the original ``text``
    are ``starts``/``ends``. A flag records its proposal; an edit that changes nothing is no
    change. One loop with positional records (:func:`make_change`): change-heavy text makes a
    record per ~50 bytes. ``proposals``: the pass's own proposal of each edit a remembered
    decision changed (by ``id``), kept as its record's ``proposal``."""
    records: list[Change] = []
    append = records.append
    line_numbers = lines.lines_of([offset + start for start in starts])
    for edit, start, end, line in zip(edits, starts, ends, line_numbers, strict=True):
        before = text[start:end]
        after = edit.after
        if edit.flag or after is None:
            after, proposal = before, after if after != before else None
        elif after == before:
            continue
        else:
            proposal = proposals.get(id(edit)) if proposals else None
        append(make_change(doc, offset + start, offset + end, line, before, after, pass_name,
                           edit.rule, edit.note, segment, edit.score, base, proposal, format))
    return records


def _verdict(verdicts: Verdicts, pass_: str, rule: str, before: str, proposal: str | None,
             start: int, end: int) -> Remembered | None:
    return verdicts.get((pass_, rule, start, end, proposal))


def _follow_memory(edits: list[Edit], starts: list[int], ends: list[int], decide: Decide,
                   pass_name: str, text: str, guarded: SpanSet, absorbing: set[int]
                   ) -> tuple[list[Edit], list[int], list[int],
                              tuple[list[Edit], list[int], list[int]], dict[int, str | None]]:
    """One pass's edits after remembered decisions: rejected ones left out (returned apart, to
    be counted), an accepted flag made a change to its proposal and an edited one a change to
    the reviewer's text (their notes say so; ``proposals`` keeps what the pass proposed). A
    flag whose change would overlap protected text or a change of this pass stays a flag."""
    kept: tuple[list[Edit], list[int], list[int]] = ([], [], [])
    gone: tuple[list[Edit], list[int], list[int]] = ([], [], [])
    proposals: dict[int, str | None] = {}
    taken: list[Span] | None = None  # spans of this pass's changes, once a flag is converted
    for edit, start, end in zip(edits, starts, ends, strict=True):
        before = text[start:end]
        proposed = None if edit.after is None or (edit.flag and edit.after == before) \
            else edit.after
        entry = decide(pass_name, edit.rule, before, proposed, start, end)
        new_after = _remembered_text(edit, before, proposed, entry)
        if new_after is _DROP:
            target = gone
        else:
            target = kept
            if isinstance(new_after, str) and entry is not None:
                if edit.flag:
                    if taken is None:
                        taken = [(e.start, e.end) for e in edits
                                 if not e.flag and e.after is not None]
                    if guarded.overlaps(edit.start, edit.end) or \
                            overlaps_any(edit.start, edit.end, taken):
                        new_after = None  # it stays a flag: nothing else may be touched
                    else:
                        taken.append((edit.start, edit.end))
                if new_after is not None:
                    changed = Edit(edit.start, edit.end, new_after, edit.rule,
                                   memory_note(entry, edit.note), edit.score)
                    if id(edit) in absorbing:
                        absorbing.add(id(changed))
                    proposals[id(changed)] = proposed
                    edit = changed
        for part, value in zip(target, (edit, start, end), strict=True):
            part.append(value)
    return kept[0], kept[1], kept[2], gone, proposals


_DROP = object()  # (a remembered rejection: the edit is left out)


def _remembered_text(edit: Edit, before: str, proposed: str | None,
                     entry: Remembered | None) -> object:
    """What a remembered decision does to ``edit``: ``_DROP`` (rejected, or edited back to the
    text it had), the text to change it to (an accepted flag's proposal, an edit's text), or
    ``None`` (nothing: no decision, an accepted change, an accepted flag with no proposal)."""
    if entry is None:
        return None
    if entry.decision == REJECT:
        return _DROP
    if entry.decision == EDIT:
        return _DROP if entry.text == before else entry.text
    if edit.flag and proposed is not None and proposed != before:
        return proposed
    return None


def _admissible(found: list[Edit], guarded: SpanSet, hard: SpanSet, current: str
                ) -> tuple[list[Edit], set[int]]:
    """The edits a pass may make next to protected text, and the ids of the deletions among
    them that absorb earlier passes' changes.

    A flag changes nothing, so it may cover protected text (e.g. a rejected rewrite of a
    sentence that holds a glossary fix); an applied edit may not, except a deletion that holds
    whole spans earlier passes wrote ("the principal official" x4, each copy a glossary fix,
    collapsed by the repetition rule): it absorbs those changes, or a second run would
    collapse what this one left. Nothing may touch ``hard`` spans (placeholders, markup).
    """
    found = found if isinstance(found, list) else list(found)
    edits: list[Edit] = []
    absorbing: set[int] = set()
    done = 0  # found[:done] is decided; the edits that touch nothing guarded stay as they are
    for i in guarded.overlapping(list(map(_START, found)), list(map(_END, found))):
        e = found[i]
        if e.flag or e.after is None:
            continue  # (a flag may cover protected text: it stays in place)
        edits += found[done:i]
        done = i + 1
        if e.after != "" or guarded.straddles(e.start, e.end) or hard.overlaps(e.start, e.end):
            continue
        elif not guarded.covers_range(e.start, e.end):
            # Only earlier deletions' points inside ("Dept  Hit rate:  ," after "Hit rate:"
            # went): cut there, so each part maps to the original text beside, not over, what
            # the earlier pass deleted.
            cuts = [e.start, *guarded.points_inside(e.start, e.end), e.end]
            edits.extend(Edit(a, b, "", e.rule, e.note, e.score)
                         for a, b in itertools.pairwise(cuts) if b > a)
        elif current[e.start:e.end].strip():  # (whitespace never absorbs)
            edits.append(e)
            absorbing.add(id(e))
    edits += found[done:]
    return edits, absorbing


def _without_absorbed(changes: list[Change], deletions: list[Span]) -> list[Change]:
    """``changes`` less those lying wholly inside one of ``deletions`` (original offsets): a
    later deletion removed the text they wrote, and its record covers their original text."""
    def inside(change: Change) -> bool:
        # (an insertion point counts only strictly inside: at an end it stays beside)
        return any(within(change.start, change.end, start, end) and (
            change.start < change.end or overlap(change.start, change.end, start, end))
            for start, end in deletions)

    return [c for c in changes if not inside(c)]
