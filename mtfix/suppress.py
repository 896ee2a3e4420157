"""Inline suppressions: comments in a file that keep mtfix off some of its text.

In Markdown (and in plain text), an HTML comment; in plain text also a ``#`` or ``//``
comment::

    Some line mtfix leaves alone.  <!-- mtfix: ignore -->
    Another line left alone.  # mtfix: ignore
    <!-- mtfix: off -->
    A block left alone, up to the matching "on" (or the end of the file).
    <!-- mtfix: on -->

``mtfix: ignore`` keeps its whole line untouched; ``mtfix: off`` ... ``mtfix: on`` the lines
from the one holding ``off`` to the one holding ``on``, both included. The text they cover is
protected like a placeholder: no pass may change it, not even a deletion that would hold it
whole, and no flag is raised in it. The comments themselves lie in that text, so they are
never changed either. Translation files mark a whole unit: a PO translator comment
``# mtfix: ignore``, an XLIFF or TMX ``<note>mtfix: ignore</note>``
(:mod:`mtfix.formats.translation`).
"""

from __future__ import annotations

import re

from mtfix.spans import Span

#: the directive inside a comment of either style
DIRECTIVE = r"mtfix:\s*(?P<what>ignore|off|on)\b"
_HTML_RE = re.compile(r"<!--\s*" + DIRECTIVE + r"\s*-->")
_ANY_RE = re.compile(r"(?:<!--\s*" + DIRECTIVE.replace("what", "html") + r"\s*-->"
                     r"|(?:^|(?<=\s))(?:#|//)[ \t]*" + DIRECTIVE + ")", re.MULTILINE)
_UNIT_NOTE_RE = re.compile(r"(?:^|\s|#)" + DIRECTIVE.replace("(?P<what>ignore|off|on)", "ignore"))
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def unit_ignored(note: str | None) -> bool:
    """Does a translation unit's note or translator comment say ``mtfix: ignore``?"""
    return bool(note) and _UNIT_NOTE_RE.search(note) is not None  # type: ignore[arg-type]


class Suppressions:
    """The suppressed spans of consecutive chunks of one document (a ``protect`` function for
    :meth:`mtfix.pipeline.Pipeline.iter_fix`). Chunks are cut at line ends, so an ``off`` block
    goes on into the next chunk. ``markdown=True``: only HTML comments count (``#`` starts a
    heading there)."""

    def __init__(self, *, markdown: bool = False, off: bool = False) -> None:
        self._pattern = _HTML_RE if markdown else _ANY_RE
        self._off = off  # (True: the first chunk starts inside an ``off`` block)

    @property
    def off(self) -> bool:
        """Whether the next chunk starts inside an ``off`` block."""
        return self._off

    def __call__(self, chunk: str) -> list[Span]:
        if not self._off and "mtfix:" not in chunk:
            return []  # (the common case: one C-speed look per chunk)
        spans: list[Span] = []
        block_start = 0 if self._off else None
        for line in _LINE_RE.finditer(chunk):
            start, end = line.span()
            if start == end:
                break
            ignored = closing = False
            for match in (self._pattern.finditer(chunk, start, end)
                          if "mtfix:" in line.group() else ()):
                what = next(group for group in match.groups() if group)
                if block_start is None and what == "off":
                    block_start, closing = start, False
                elif block_start is not None:
                    closing = closing or what == "on"
                else:
                    ignored = ignored or what == "ignore"
            if block_start is not None and closing:
                spans.append((block_start, end))
                block_start = None
            elif block_start is None and ignored:
                spans.append((start, end))
        self._off = block_start is not None
        if block_start is not None:
            spans.append((block_start, len(chunk)))
        return spans


def suppressed_spans(text: str, *, markdown: bool = False) -> list[Span]:
    """The suppressed spans of a whole text (see the module doc)."""
    return Suppressions(markdown=markdown)(text)
