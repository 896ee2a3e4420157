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
from mtfix.pipeline import Pipeline
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


def fix_line(line: str, number: int, *, pipeline: Pipeline, doc: str,
             source: str | None = None, traits: frozenset[str] | None = None,
             ) -> tuple[str, list[Change]]:
    """Fix one line (its end kept as it is); returns the new line and its changes.
    ``source``: the line's source-language text (``--source``), for the terms check;
    ``traits``: the file's document traits (``None``: the line's own)."""
    body, end = split_line_end(line)
    if not body.strip():
        return line, []
    fixed, changes = pipeline.fix_segment(body, doc=doc, segment=str(number),
                                          lines=FixedLine(number),
                                          format="lines", source=source, traits=traits)
    if fixed.count("\n") + fixed.count("\r") != body.count("\n") + body.count("\r"):
        # A replacement holding a line break would shift every later line against its source:
        # the line stays as it was and its changes are only proposed (flags).
        return line, [_as_flag(c) for c in changes]
    return fixed + end, changes


def _as_flag(change: Change) -> Change:
    if change.is_flag:
        return change
    return replace(change, after=change.before, proposal=change.after, id="",
                   note=(change.note + "; " if change.note else "")
                   + "not applied: it would break the line into two in a one-line-per-segment file")


def fix_lines_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                   options) -> Iterator[Change]:
    """Fix a one-segment-per-line UTF-8 file, streaming, line count preserved."""
    sources = _source_lines(options.source)
    # The file is one document: its traits (Chinese official text? tokenised?) are decided
    # once, from its head, not line by line.
    traits = file_traits(source, options.source) if pipeline.wants_traits else None
    count = 0
    with atomic_writer(target) as out:
        for count, line in enumerate(iter_lines(source, LONG_LINE_LIMIT, _TOO_LONG), 1):
            source_line = next(sources)
            if source_line is _ENDED:
                raise _misaligned(options.source, source, f"fewer lines than the {count} of")
            fixed, changes = fix_line(line, count, pipeline=pipeline, doc=doc,
                                      source=source_line, traits=traits)
            out.write(fixed)
            yield from changes
        if options.source is not None and next(sources) is not _ENDED:
            raise _misaligned(options.source, source, f"more lines than the {count} of")


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
