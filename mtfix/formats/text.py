"""Plain text, streamed: memory stays a few chunks whatever the file size.

The file is decoded block by block and cut into the same paragraph-aligned chunks that
:func:`mtfix.pipeline.chunk_text` makes of the whole text (so a streamed file gives exactly
the result of :meth:`Pipeline.fix_text`); each chunk's output is written as soon as it is fixed,
into a temporary file renamed over the target at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from mtfix.change import Change
from mtfix.fileio import InputError, atomic_writer, file_hash, iter_blocks, iter_decoded
from mtfix.passes.base import Span
from mtfix.pipeline import CHUNK_SIZE, LongLineError, Pipeline, _cut_point, chunk_text

# chunk_text looks this far past the target size for a paragraph break; a buffer this much
# longer than the chunk size cuts exactly where the whole text would be cut.
_LOOKAHEAD = 1 << 16


def stream_chunks(pieces: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[str]:
    """Re-cut consecutive ``pieces`` of a text into exactly ``chunk_text(whole, size)``."""
    buffer, pos = "", 0  # pos: where the next chunk starts in buffer
    for piece in pieces:
        if pos:
            buffer, pos = buffer[pos:], 0
        buffer += piece
        while len(buffer) - pos > size + _LOOKAHEAD:
            cut = _cut_point(buffer, pos + size, pos)
            if cut >= len(buffer):  # no line break after the target yet: read on
                break
            yield buffer[pos:cut]
            pos = cut
    yield from chunk_text(buffer[pos:], size)


ProtectFn = Callable[[str], Sequence[Span]]


def fix_chunks(chunks: Iterable[str], *, pipeline: Pipeline, doc: str, base: str,
               protect: ProtectFn | None = None) -> Iterator[tuple[str, list[Change]]]:
    """Like :meth:`Pipeline.iter_fix`, with protected spans per chunk (``protect`` is called on
    the chunks in order, so it may carry state such as "inside a code fence")."""
    if protect is None:
        yield from pipeline.iter_fix(chunks, doc=doc, base=base)
        return
    from mtfix.change import LineIndex
    from mtfix.pipeline import _ShiftedLines

    offset, line = 0, 1
    for chunk in chunks:
        lines = LineIndex(chunk)
        shifted = _ShiftedLines(lines, offset, line)
        yield pipeline.fix_segment(chunk, doc=doc, offset=offset, lines=shifted,  # type: ignore[arg-type]
                                   base=base, protected=protect(chunk))
        offset += len(chunk)
        line += lines.line_count - 1


def stream_fix(source: Path, target: Path, *, pipeline: Pipeline, doc: str, chunk_size: int,
               protect: ProtectFn | None = None) -> Iterator[Change]:
    # The change records' base is the hash of the whole original text; hashing the bytes
    # first costs one extra read but keeps memory flat (UTF-8 bytes hash like the text).
    base = file_hash(source)[:16]
    chunks = _naming_long_lines(
        stream_chunks(iter_decoded(iter_blocks(source), str(source)), chunk_size), source)
    with atomic_writer(target) as out:
        for fixed, changes in fix_chunks(chunks, pipeline=pipeline, doc=doc, base=base,
                                         protect=protect):
            out.write(fixed)
            yield from changes


def _naming_long_lines(chunks: Iterable[str], source: Path) -> Iterator[str]:
    """``chunks``, with a line that cannot be cut (:class:`LongLineError`) reported as an
    :class:`InputError` naming the file and the line (the line after the chunks so far)."""
    line = 1
    try:
        for chunk in chunks:
            yield chunk
            line += chunk.count("\n")
    except LongLineError as exc:
        raise InputError(f"{source}:{line}: {exc}") from None


def fix_text_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                  options) -> Iterator[Change]:
    """Fix a UTF-8 text file, streaming (see module doc)."""
    return stream_fix(source, target, pipeline=pipeline, doc=doc, chunk_size=options.chunk_size)
