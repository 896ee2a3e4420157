"""One large plain-text file cut into pieces that workers fix in parallel, with exactly the
output and change records of fixing it whole.

A text file is fixed chunk by chunk (:func:`mtfix.chunking.stream_chunks`), each chunk on its
own with document-level offsets and line numbers (:meth:`mtfix.pipeline.Pipeline.iter_fix`), so
the chunks can be fixed anywhere, in any order, as long as each is the same chunk and knows
where it starts. :func:`plan_pieces` reads the file once, finds the chunks exactly where a
streamed run cuts, and groups consecutive chunks into pieces (byte range, first offset, first
line, the chunks' lengths); :func:`iter_pieces` finds the same kind of pieces as it reads,
yielding each as soon as it is complete (the local workers start on the first ones while the
rest is read); :func:`fix_piece` fixes one piece into an output piece and a change log piece;
the caller concatenates the pieces in order (:mod:`mtfix.batch`, the Ray engine).
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mtfix.change import Change
from mtfix.changelog import write_change_log
from mtfix.chunking import LongLineError, stream_chunks
from mtfix.doctraits import document_traits
from mtfix.fileio import (
    InputError,
    changed_while_fixed,
    file_signature,
    iter_blocks,
    iter_decoded,
)
from mtfix.pipeline import Pipeline
from mtfix.suppress import Suppressions

#: A file is split only when it holds at least this many chunks: below that the work of
#: planning and joining pieces is not won back.
MIN_CHUNKS = 4


@dataclass(frozen=True)
class Piece:
    """Consecutive chunks of a file: bytes ``start:end``, first code point ``offset`` of the
    document, first line ``line``, and each chunk's length in code points."""

    path: str
    index: int
    start: int
    end: int
    offset: int
    line: int
    chunks: tuple[int, ...]
    base: str  # the whole file's hash prefix (every record's ``base``)
    doc: str  # the input as the user gave it (every record's ``doc``)
    #: the document's traits, from its first chunk, as a run over the whole file decides them
    traits: frozenset[str] = frozenset()
    #: whether the piece starts inside an inline ``mtfix: off`` block of an earlier piece
    suppressed: bool = False
    #: each chunk's length in bytes (UTF-8), so a piece is read a chunk at a time (set by
    #: :func:`plan_pieces`)
    chunk_bytes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    pieces: tuple[Piece, ...]
    input_hash: str  # sha256 of the file (as :func:`mtfix.fileio.file_hash`)
    #: the file as planned (:func:`mtfix.fileio.file_signature`): the join checks it is unchanged
    signature: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass(frozen=True)
class PieceResult:
    index: int
    applied: tuple[tuple[str, int], ...]
    flags: int
    memory_suppressed: int = 0
    memory_applied: int = 0


def plan_pieces(path: str | Path, pieces: int, chunk_size: int, doc: str | None = None
                ) -> Plan | None:
    """Cut the UTF-8 text file ``path`` into about ``pieces`` pieces of whole chunks, or None
    when it is not worth it (fewer than :data:`MIN_CHUNKS` chunks) or the file has a problem:
    then it is fixed whole, and reports its problem exactly as it always does."""
    digest = hashlib.sha256()
    try:
        signature = file_signature(path)
    except OSError:
        return None

    def blocks():
        for data in iter_blocks(path):
            digest.update(data)
            yield data

    try:
        chunks = list(_chunk_rows(blocks(), str(path), chunk_size))
    except (InputError, LongLineError, OSError):
        return None
    if len(chunks) < MIN_CHUNKS:
        return None
    input_hash = digest.hexdigest()
    total = sum(row[0] for row in chunks)
    target = max(1, total // max(1, pieces))
    return Plan(tuple(_grouped(chunks, lambda _start: target, str(path), input_hash, doc)),
                input_hash, signature)


def iter_pieces(path: str | Path, workers: int, chunk_size: int, input_hash: str,
                doc: str | None = None) -> Iterator[Piece]:
    """The pieces of ``path`` for ``workers`` workers that take them in order, each yielded
    as soon as it is found, so that workers fix the first ones while the rest of the file is
    read (:func:`plan_pieces` reads it all first). Sizes shrink as the file goes (each about
    the bytes left over twice the workers, at least a chunk): the first pieces are large,
    the last ones small, so the workers finish close together. ``input_hash``: the file's
    sha256 (:func:`mtfix.fileio.file_hash`). Nothing is yielded when the file holds fewer
    than :data:`MIN_CHUNKS` chunks (not worth cutting); a file with a problem raises
    :class:`~mtfix.fileio.InputError`, :class:`~mtfix.chunking.LongLineError` or
    ``OSError`` where it is found (a caller that already started fixes the file whole)."""
    size = os.stat(path).st_size
    rows = _chunk_rows(iter_blocks(path), str(path), chunk_size)
    first = list(itertools.islice(rows, MIN_CHUNKS))
    if len(first) < MIN_CHUNKS:
        return
    share = 2 * max(1, workers)
    yield from _grouped(itertools.chain(first, rows),
                        lambda start: max(chunk_size, (size - start) // share), str(path),
                        input_hash, doc)


# One chunk of a file as the plans see it: (bytes, code points, newlines, whether an inline
# ``mtfix: off`` block is open at its start, the document's traits).
_Row = tuple[int, int, int, bool, frozenset[str]]


def _chunk_rows(blocks: Iterator[bytes], name: str, chunk_size: int) -> Iterator[_Row]:
    """The file's chunks, exactly where a streamed run cuts them, with what a piece needs to
    know of each: each chunk's inline-suppression state at its start (an ``off`` block goes
    on across chunks), and the document's traits from its first chunk, as a run over the
    whole file carries them."""
    suppressions = Suppressions()
    traits: frozenset[str] | None = None
    for chunk in stream_chunks(iter_decoded(blocks, name), chunk_size):
        if traits is None:
            traits = document_traits(chunk)
        off = suppressions.off
        suppressions(chunk)
        yield (len(chunk.encode("utf-8", "surrogatepass")), len(chunk), chunk.count("\n"),
               off, traits)


def _grouped(rows: Iterable[_Row], target: Callable[[int], int], path: str, input_hash: str,
             doc: str | None) -> Iterator[Piece]:
    """Consecutive chunks grouped into pieces of at least ``target(start)`` bytes, ``start``
    the piece's first byte (the last piece may hold less), each yielded as soon as it is
    complete."""
    group: list[_Row] = []
    index = start = offset = 0
    line = 1
    wanted = target(start)
    for row in rows:
        group.append(row)
        if sum(r[0] for r in group) >= wanted:
            yield _piece(group, index, start, offset, line, path, input_hash, doc)
            index += 1
            start += sum(r[0] for r in group)
            offset += sum(r[1] for r in group)
            line += sum(r[2] for r in group)
            group = []
            wanted = target(start)
    if group:
        yield _piece(group, index, start, offset, line, path, input_hash, doc)


def _piece(group: list[_Row], index: int, start: int, offset: int, line: int, path: str,
           input_hash: str, doc: str | None) -> Piece:
    return Piece(path, index, start, start + sum(r[0] for r in group), offset, line,
                 tuple(r[1] for r in group), input_hash[:16], doc or path, group[0][4],
                 group[0][3], tuple(r[0] for r in group))


def fix_piece(piece: Piece, pipeline: Pipeline, output: str | Path, records: str | Path
              ) -> PieceResult:
    """Fix ``piece`` into ``output`` (its fixed text, UTF-8) and ``records`` (its change
    records, change-log lines); both are plain files the caller joins and removes."""
    applied: Counter[str] = Counter()
    flags = 0
    memory_before = Counter(pipeline.memory_counts)
    with open(output, "w", encoding="utf-8", newline="") as out, \
            open(records, "w", encoding="utf-8", newline="") as log:
        for fixed, changes in pipeline.iter_fix(_read_chunks(piece), doc=piece.doc,
                                                base=piece.base,
                                                format="text", offset=piece.offset,
                                                line=piece.line, traits=piece.traits,
                                                protect=Suppressions(off=piece.suppressed)):
            out.write(fixed)
            write_change_log(changes, log)
            flags += _count_applied(changes, applied)
    memory = Counter(pipeline.memory_counts)
    memory.subtract(memory_before)
    return PieceResult(piece.index, tuple(sorted(applied.items())), flags,
                       memory["suppressed"], memory["applied"])


_BEFORE, _AFTER, _PASS = (operator.attrgetter(name) for name in ("before", "after", "pass_"))


def _count_applied(changes: list[Change], applied: Counter[str]) -> int:
    """Add the applied changes of ``changes`` to ``applied`` (by pass); return how many are
    flags (``after == before``). Column-wise, C-level loops: a chunk of change-heavy text
    holds ~20,000 records."""
    is_flag = list(map(operator.eq, map(_AFTER, changes), map(_BEFORE, changes)))
    applied.update(itertools.compress(map(_PASS, changes), map(operator.not_, is_flag)))
    return sum(is_flag)


def _read_chunks(piece: Piece) -> Iterator[str]:
    """The piece's chunks, read one at a time: a worker holds one chunk (about 1 MiB), not
    the piece (a share of a file that may be gigabytes)."""
    with open(piece.path, "rb") as stream:
        stream.seek(piece.start)
        for size, length in zip(piece.chunk_bytes, piece.chunks, strict=True):
            data = stream.read(size)
            try:
                chunk = data.decode("utf-8")
            except UnicodeDecodeError:
                chunk = None
            if chunk is None or len(chunk) != length:  # the file changed since it was planned
                raise changed_while_fixed(piece.doc)
            yield chunk
