"""Plain text, streamed: memory stays a few chunks whatever the file size.

The file is decoded block by block and cut into the same paragraph-aligned chunks that
:func:`mtfix.chunking.chunk_text` makes of the whole text (so a streamed file gives exactly
the result of :meth:`Pipeline.fix_text`); each chunk's output is written as soon as it is fixed,
into a temporary file renamed over the target at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from mtfix.change import Change
from mtfix.chunking import LongLineError, stream_chunks
from mtfix.fileio import InputError, atomic_writer, file_hash, iter_blocks, iter_decoded
from mtfix.formats.base import FormatOptions, FormatSpec, register_format
from mtfix.pipeline import Pipeline, ProtectFn
from mtfix.suppress import Suppressions


def stream_fix(source: Path, target: Path, *, pipeline: Pipeline, doc: str, chunk_size: int,
               format: str, protect: ProtectFn | None = None) -> Iterator[Change]:
    """Fix a UTF-8 file chunk by chunk (``protect`` gives each chunk's protected spans)."""
    # The change records' base is the hash of the whole original text; hashing the bytes
    # first costs one extra read but keeps memory flat (UTF-8 bytes hash like the text).
    base = file_hash(source)[:16]
    chunks = _naming_long_lines(
        stream_chunks(iter_decoded(iter_blocks(source), str(source)), chunk_size), source)
    with atomic_writer(target) as out:
        for fixed, changes in pipeline.iter_fix(chunks, doc=doc, base=base, protect=protect,
                                                format=format):
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
                  options: FormatOptions) -> Iterator[Change]:
    """Fix a UTF-8 text file, streaming (see module doc); lines under an inline suppression
    (``# mtfix: ignore``, :mod:`mtfix.suppress`) are left as they are."""
    return stream_fix(source, target, pipeline=pipeline, doc=doc, chunk_size=options.chunk_size,
                      format="text", protect=Suppressions())


register_format(FormatSpec(
    name="text", suffixes=(".txt", ".text"), fix=fix_text_file,
    description="plain UTF-8 text, fixed in paragraph-aligned chunks (streamed)"))
