"""Cutting a text into chunks for the pipeline: about :data:`CHUNK_SIZE` code points each, at
paragraph breaks, so that memory stays bounded and no match is cut in two.

:func:`chunk_text` cuts a whole text; :func:`stream_chunks` cuts a text that arrives in pieces
(a file read block by block) at exactly the same places, so a streamed file is fixed exactly
as the whole text would be. A line too long for that (no line break near a cut) is cut at a
sentence end where no rule looks across (see ``_safe_sentence_cut``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

CHUNK_SIZE = 1 << 20
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")
# cut_point looks this far past the target size for a paragraph break; a buffer this much
# longer than the chunk size cuts exactly where the whole text would be cut.
_LOOKAHEAD = 1 << 16


def chunk_text(text: str, size: int = CHUNK_SIZE) -> Iterator[str]:
    """Split ``text`` into consecutive chunks of about ``size`` code points, each ending at a
    paragraph break (or, failing that, a line break; in a line longer than the chunk, a safe
    sentence end: ``_cut_in_line``) so that no match is cut in two."""
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
    newline = text.find("\n", target, window_end)
    if newline != -1:
        return newline + 1
    # A line longer than the chunk: cut it at a sentence end rather than hold it whole (a
    # 200 MB line of running text used to be one chunk: minutes and gigabytes).
    return _cut_in_line(text, target, floor, window_end)


#: The most characters mtfix holds as one piece of a line that it cannot cut at a sentence end
#: (text and markdown), and the longest line the one-segment-per-line formats (lines, JSON
#: Lines) take: beyond it memory and time grow without bound, so the file is refused.
LONG_LINE_LIMIT = 1 << 23

# "...two words. Next": a full stop, ! or ? after two lower-case letters (not "Mr.", "U.S.",
# "e.g.", "No. 5"), one space, a capital; the cut goes before the capital.
_SENTENCE_CUT_RE = re.compile(r"[a-z]{2}[.!?] (?=[A-Z])")
_SENTENCE_END_RE = re.compile(r"\w[.!?]+[\"'”’)\]]*[ \t]+\w")


class LongLineError(ValueError):
    """A line longer than :data:`LONG_LINE_LIMIT` characters with no place to cut it."""


def _cut_in_line(text: str, target: int, floor: int, hi: int) -> int:
    """Where to cut a chunk inside a line that has no line break in text[floor + 1:hi]: the
    safe sentence end (:func:`_safe_sentence_cut`) nearest before ``target``, else the first
    after it before ``hi``. A line with none is cut at its next line break, as before, up to
    :data:`LONG_LINE_LIMIT` characters from ``floor``; past that :class:`LongLineError`.
    Only text[floor:hi] is read for a sentence end, so a streamed file is cut like the whole
    text; the fallback reads on to the limit (a stream reads on when the result is its end)."""
    # (the lookahead needs the capital inside endpos: target + 1 finds cuts up to target)
    before = [m.end() for m in _SENTENCE_CUT_RE.finditer(text, floor + 1, min(hi, target + 1))]
    after = (m.end() for m in _SENTENCE_CUT_RE.finditer(text, max(floor + 1, target - 3), hi))
    for cut in itertools.chain(reversed(before), (c for c in after if c > target)):
        if _safe_sentence_cut(text, cut, floor, hi):
            return cut
    limit = floor + LONG_LINE_LIMIT
    newline = text.find("\n", target, limit)
    if newline != -1:
        return newline + 1
    if len(text) <= limit:
        return len(text)
    raise LongLineError(
        f"a line runs on for more than {LONG_LINE_LIMIT:,} characters without a line break "
        "or a sentence end where mtfix may cut it (a full stop, ! or ? after a word, one "
        "space, a capital); break the line into shorter ones first (e.g. `fold -s -w 2000`)")


def _safe_sentence_cut(text: str, cut: int, floor: int, hi: int) -> bool:
    """Is ``cut`` (after "word. " before a capital, see ``_cut_in_line``) a place where
    fixing the two pieces of the line gives what fixing the whole line gives?

    * the words on either side differ, and another sentence ends before it in the piece and
      after it before ``hi``: the repetition rule never crosses a sentence end, and a loop
      that fills a sentence still has other words on its line ("other words" decide whether a
      loop is collapsed or only flagged), so no loop is cut or judged differently;
    * the piece before it holds an even number of '"' and backticks and no unclosed "<": the
      spacing rule pairs quotes line by line, and markdown code spans and HTML tags stay whole.

    The glossary's ``context`` words (same line) and fuzzy phrases that run across a sentence
    end are judged per piece of such a line; ordinary text has neither. A line that starts
    indented (markdown code) is never cut: its pieces would not start indented."""
    if text.startswith(("    ", "\t"), floor):
        return False
    mark = cut - 2
    start = mark
    while start > floor and text[start - 1].isalpha():
        start -= 1
    end = cut
    while end < hi and text[end].isalpha():
        end += 1
    if text[start:mark].lower() == text[cut:end].lower():
        return False
    if _SENTENCE_END_RE.search(text, floor, start) is None or \
            _SENTENCE_END_RE.search(text, end, hi) is None:
        return False
    if text.count('"', floor, cut) % 2 or text.count("`", floor, cut) % 2:
        return False
    return text.rfind("<", floor, cut) <= text.rfind(">", floor, cut)


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
