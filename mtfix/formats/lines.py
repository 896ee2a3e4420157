"""One segment per line: MT output and parallel-corpus files (``.mt``, ``.hyp``, ``--format lines``).

In such a file line *i* translates source line *i*. Fixed as plain text, a rule that deletes a
whole line (a duplicated line, page chrome) would shift every later line against its source.
Here each line is its own segment (id = the line number), so no pass ever sees two lines at
once: the output has exactly as many lines as the input, in the same order, with the same
line ends. A line a rule empties (page chrome) stays as an empty line. A line longer than
:data:`~mtfix.chunking.LONG_LINE_LIMIT` characters is refused (naming it) before it is read whole.

Changes carry ``segment`` = the line number (as a string), offsets into that line and ``base``
= the hash of the line's original text, like the other segmented formats; their ``line`` is
the line number in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from mtfix.change import Change
from mtfix.chunking import LONG_LINE_LIMIT
from mtfix.fileio import InputError, atomic_writer, iter_lines
from mtfix.formats.base import FormatSpec, file_traits, register_format
from mtfix.pipeline import Pipeline, SegmentJob
from mtfix.spans import FixedLine

_TOO_LONG = ("split it, or fix the file as plain text (--format text), which cuts long lines "
             "at sentence ends")


def split_line_end(line: str) -> tuple[str, str]:
    """(text, line end) of one line as :func:`iter_lines` yields it ("\\n", "\\r\\n" or "")."""
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith("\n"):
        return line[:-1], "\n"
    return line, ""


def line_jobs(line: str, number: int, *, doc: str, source: str | None = None,
              traits: frozenset[str] | None = None,
              skip: frozenset[int] = frozenset()) -> list[SegmentJob]:
    """The segment of one line for the pipeline (none for a blank line). ``source``: the
    line's source-language text (``--source``), for the terms check and the model;
    ``traits``: the file's document traits (``None``: the line's own); ``skip``: passes the
    screen showed find nothing in the line (:meth:`Pipeline.screen_lines`)."""
    body, _end = split_line_end(line)
    if not body.strip():
        return []
    return [SegmentJob(body, {"doc": doc, "segment": str(number), "lines": FixedLine(number),
                              "format": "lines", "source": source, "traits": traits,
                              "skip": skip})]


def finish_line(line: str, results: list[tuple[str, list[Change]]]) -> tuple[str, list[Change]]:
    """The new line (its end kept as it is) and its changes, from the result of its job."""
    if not results:
        return line, []
    body, end = split_line_end(line)
    fixed, changes = results[0]
    if fixed.count("\n") + fixed.count("\r") != body.count("\n") + body.count("\r"):
        # A replacement holding a line break would shift every later line against its source:
        # the line stays as it was and its changes are only proposed (flags).
        return line, [_as_flag(c) for c in changes]
    return fixed + end, changes


def fix_line(line: str, number: int, *, pipeline: Pipeline, doc: str,
             source: str | None = None, traits: frozenset[str] | None = None,
             skip: frozenset[int] = frozenset()) -> tuple[str, list[Change]]:
    """Fix one line (its end kept as it is); returns the new line and its changes.
    ``source``: the line's source-language text (``--source``), for the terms check;
    ``traits``: the file's document traits (``None``: the line's own); ``skip``: passes
    known to find nothing in the line (:meth:`Pipeline.screen_lines`)."""
    jobs = line_jobs(line, number, doc=doc, source=source, traits=traits, skip=skip)
    return finish_line(line, [pipeline.fix_segment(job.text, **job.options) for job in jobs])


def _as_flag(change: Change) -> Change:
    if change.is_flag:
        return change
    return replace(change, after=change.before, proposal=change.after, id="",
                   note=(change.note + "; " if change.note else "")
                   + "not applied: it would break the line into two in a one-line-per-segment file")


#: lines screened together (:meth:`Pipeline.quiet_lines`); a few hundred KB of text at most
BATCH_LINES = 1024


def fix_lines_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                   options) -> Iterator[Change]:
    """Fix a one-segment-per-line UTF-8 file, streaming, line count preserved.

    Lines are read in batches that the passes screen in one call: a line no pass can edit is
    written as it is, the others are fixed one by one (each on its own, as :func:`fix_line`
    always does), so the output and the changes are those of fixing every line alone."""
    sources = _source_lines(options.source)
    # The file is one document: its traits (Chinese official text? tokenised?) are decided
    # once, from its head, not line by line.
    traits = file_traits(source, options.source) if pipeline.wants_traits else None
    count = 0
    if pipeline.segment_window > 1:
        # a batching pass (the model): read ahead a window of lines so it sees many at once
        def numbered() -> Iterator[tuple[int, str, str | None]]:
            nonlocal count
            for count, line in enumerate(iter_lines(source, LONG_LINE_LIMIT, _TOO_LONG), 1):
                source_line = next(sources)
                if source_line is _ENDED:
                    raise _misaligned(options.source, source, f"fewer lines than the {count} of")
                yield count, line, source_line

        with atomic_writer(target) as out:
            for (_number, line, _), results in pipeline.fix_in_order(
                    numbered(), lambda item: line_jobs(item[1], item[0], doc=doc, source=item[2],
                                           traits=traits)):
                fixed, changes = finish_line(line, results)
                out.write(fixed)
                yield from changes
            _check_source_ended(sources, options.source, source, count)
    else:
        # no batching pass: screen batches of lines, fix only those a pass would edit
        with atomic_writer(target) as out:
            for batch, error in _batches(iter_lines(source, LONG_LINE_LIMIT, _TOO_LONG)):
                source_lines = []
                for _ in batch:
                    source_lines.append(next(sources))
                    if source_lines[-1] is _ENDED:
                        break
                bodies = [split_line_end(line)[0] for line in batch[:len(source_lines)]]
                may = pipeline.screen_lines(
                    bodies, [None if s is _ENDED else s for s in source_lines], traits=traits)
                every = frozenset(range(len(pipeline.passes)))
                for index, line in enumerate(batch):
                    count += 1
                    source_line = source_lines[index]
                    if source_line is _ENDED:
                        raise _misaligned(options.source, source, f"fewer lines than the {count} of")
                    if not may[index]:
                        out.write(line)
                        continue
                    fixed, changes = fix_line(line, count, pipeline=pipeline, doc=doc,
                                              source=source_line, traits=traits,
                                              skip=every - may[index])
                    out.write(fixed)
                    yield from changes
                if error is not None:
                    raise error
            _check_source_ended(sources, options.source, source, count)


def _check_source_ended(sources: Iterator, source_file, path: Path, count: int) -> None:
    """Inside the output's atomic writer: a source file with lines left over is an error, and
    the output is not written."""
    if source_file is not None and next(sources) is not _ENDED:
        raise _misaligned(source_file, path, f"more lines than the {count} of")


def _batches(lines: Iterator[str]) -> Iterator[tuple[list[str], Exception | None]]:
    """``lines`` in lists of :data:`BATCH_LINES`; a read error ends the last list (the lines
    before it are still fixed, as when lines were read one at a time) and comes with it."""
    batch: list[str] = []
    try:
        for line in lines:
            batch.append(line)
            if len(batch) == BATCH_LINES:
                yield batch, None
                batch = []
    except Exception as exc:  # (re-raised by the caller after the lines before it)
        yield batch, exc
        return
    if batch:
        yield batch, None


_ENDED = object()  # the source file has no more lines


def _source_lines(path: str | None) -> Iterator:
    """The lines of the source-language file (``--source``), without their ends, one per
    target line, then ``_ENDED`` for ever; ``None`` for every line when there is no file."""
    if path is not None:
        for line in iter_lines(path, LONG_LINE_LIMIT, _TOO_LONG):
            yield split_line_end(line)[0]
        while True:
            yield _ENDED
    while True:
        yield None


def _misaligned(path: str | None, target: Path, how: str) -> InputError:
    return InputError(f"{path}: the source file has {how} {target}: the two must be "
                      "line-aligned (line N of the source is the source of line N); give the "
                      "source file of this translation")


register_format(FormatSpec(
    name="lines", suffixes=(".mt", ".hyp"), fix=fix_lines_file,
    description="one segment per line (MT output of shared tasks and QE data), line count kept",
    segment_ids="the line number"))
