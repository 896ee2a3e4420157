"""Cutting a text into chunks for the pipeline: about :data:`CHUNK_SIZE` code points each, at
paragraph breaks, so that memory stays bounded and no match is cut in two.

:func:`chunk_text` cuts a whole text; :func:`stream_chunks` cuts a text that arrives in pieces
(a file read block by block) at exactly the same places, so a streamed file is fixed exactly
as the whole text would be.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

CHUNK_SIZE = 1 << 20
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")
# cut_point looks this far past the target size for a paragraph break; a buffer this much
# longer than the chunk size cuts exactly where the whole text would be cut.
_LOOKAHEAD = 1 << 16


def chunk_text(text: str, size: int = CHUNK_SIZE) -> Iterator[str]:
    """Split ``text`` into consecutive chunks of about ``size`` code points, each ending at a
    paragraph break (or, failing that, a line break) so that no match is cut in two."""
    n = len(text)
    start = 0
    while n - start > size:
        cut = cut_point(text, start + size, start)
        yield text[start:cut]
        start = cut
    if start < n or n == 0:
        yield text[start:]


def cut_point(text: str, target: int, floor: int) -> int:
    """Where to end a chunk that starts at ``floor`` and should end near ``target``: after a
    paragraph break near ``target`` that does not separate a line from its copy, else after
    the last line break before ``target``, else after the first one past it."""
    window_start = max(floor + 1, target - _LOOKAHEAD)
    window_end = min(len(text), target + _LOOKAHEAD)
    found = None
    for m in _PARAGRAPH_BREAK_RE.finditer(text, window_start, window_end):
        if _repeats_across(text, m.end(), window_start, window_end):
            continue  # a line and its copy must be in one chunk (duplicate_lines sees both)
        found = m.end()
        if found >= target:
            break
    if found is not None:
        return found
    newline = text.rfind("\n", floor + 1, target)
    if newline != -1:
        return newline + 1
    newline = text.find("\n", target)
    return len(text) if newline == -1 else newline + 1


def _repeats_across(text: str, cut: int, lo: int, hi: int) -> bool:
    """Is the first line with text after ``cut`` the same as one of the three lines with text
    before it? Only text[lo:hi] is read, so a streamed file is cut where the whole text is."""
    line_end = text.find("\n", cut, hi)
    while line_end != -1 and not text[cut:line_end].strip():
        cut, line_end = line_end + 1, text.find("\n", line_end + 1, hi)
    if line_end == -1:
        return False
    first = text[cut:line_end].strip()
    end, seen = cut, 0
    while seen < 3:
        start = text.rfind("\n", lo, max(lo, end - 1)) + 1
        if start <= lo:
            return False
        line = text[start:end].strip()
        if line:
            if line == first:
                return True
            seen += 1
        end = start
    return False


def stream_chunks(pieces: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[str]:
    """Re-cut consecutive ``pieces`` of a text into exactly ``chunk_text(whole, size)``."""
    buffer, pos = "", 0  # pos: where the next chunk starts in buffer
    for piece in pieces:
        if pos:
            buffer, pos = buffer[pos:], 0
        buffer += piece
        while len(buffer) - pos > size + _LOOKAHEAD:
            cut = cut_point(buffer, pos + size, pos)
            if cut >= len(buffer):  # no line break after the target yet: read on
                break
            yield buffer[pos:cut]
            pos = cut
    yield from chunk_text(buffer[pos:], size)
