"""Markdown: prose is fixed, code and markup are protected; streamed like plain text.

Protected (never matched by any pass): fenced code blocks (```` ``` ```` / ``~~~``, the fence
lines included), indented code blocks, inline code spans, link and image destinations,
autolinks and raw HTML tags or comments, and link reference definitions. Being generous here is
the safe side: a missed phrase in a heading is a missed fix, a "fix" inside a code block breaks
the code. Lines under an inline suppression (``<!-- mtfix: ignore -->``, ``<!-- mtfix: off -->``
... ``<!-- mtfix: on -->``; :mod:`mtfix.suppress`) are protected whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from mtfix.change import Change
from mtfix.formats.base import FormatSpec, register_format
from mtfix.formats.text import stream_fix
from mtfix.pipeline import Pipeline
from mtfix.spans import Span
from mtfix.suppress import Suppressions

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENTED_RE = re.compile(r"^(?: {4}|\t)")
_REF_DEF_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$")
_INLINE_RE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).|\n(?![ \t]*\n))+?(?P=ticks))"  # `code`, ``co`de``
    r"|\]\([^)\n]*\)"                                  # ](destination "title")
    r"|<!--[\s\S]*?-->"                               # HTML comment
    r"|<[A-Za-z][A-Za-z0-9+.-]*:[^ <>\n]*>"            # <https://autolink>
    r"|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"              # raw HTML tag
)


class MarkdownProtector:
    """Protected spans of consecutive chunks of one markdown document.

    Chunks are cut at line ends, so line-level state (inside a fence or not) carries over.
    """

    def __init__(self) -> None:
        self._fence: tuple[str, int] | None = None  # fence char and length while inside
        self._prev_blank = True
        self._prev_code = False

    def __call__(self, chunk: str) -> list[Span]:
        spans: list[Span] = []
        prose: list[Span] = []  # line ranges outside code blocks, for the inline scan
        pos = 0
        for line in chunk.splitlines(keepends=True):
            start, end = pos, pos + len(line)
            pos = end
            if self._in_code_line(line):
                spans.append((start, end))
            else:
                prose.append((start, end))
        for start, end in _join(prose):
            for m in _INLINE_RE.finditer(chunk, start, end):
                spans.append((m.start(), m.end()))
        return spans

    def _in_code_line(self, line: str) -> bool:
        body = line.rstrip("\r\n")
        blank = not body.strip()
        if self._fence is not None:
            char, length = self._fence
            stripped = body.lstrip(" ")
            if (len(body) - len(stripped) <= 3 and stripped.startswith(char * length)
                    and not stripped.strip(char).strip()):
                self._fence = None
            self._prev_blank = blank
            return True
        fence = _FENCE_RE.match(body)
        if fence and not (fence.group(1)[0] == "`" and "`" in body[fence.end():]):
            self._fence = (fence.group(1)[0], len(fence.group(1)))
            self._prev_blank, self._prev_code = False, False
            return True
        # An indented code block starts after a blank line and goes on through blank lines.
        code = not blank and _INDENTED_RE.match(body) is not None and (
            self._prev_blank or self._prev_code)
        if blank and self._prev_code:
            code = True
        else:
            self._prev_code = code
        if _REF_DEF_RE.match(body):
            code = True
        self._prev_blank = blank
        return code


def _join(ranges: list[Span]) -> list[Span]:
    out: list[list[int]] = []
    for start, end in ranges:
        if out and out[-1][1] == start:
            out[-1][1] = end
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def markdown_protected(text: str) -> list[Span]:
    """Protected spans of a whole markdown text (see module doc)."""
    return MarkdownProtector()(text)


def fix_markdown_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                      options) -> Iterator[Change]:
    """Fix a markdown file, streaming, with code and markup protected, and the lines under an
    inline suppression (``<!-- mtfix: ignore -->``, :mod:`mtfix.suppress`) left as they are."""
    markup, suppressed = MarkdownProtector(), Suppressions(markdown=True)

    def protect(chunk: str) -> list[Span]:
        return [*markup(chunk), *suppressed(chunk)]

    return stream_fix(source, target, pipeline=pipeline, doc=doc, chunk_size=options.chunk_size,
                      format="md", protect=protect)


register_format(FormatSpec(
    name="md", suffixes=(".md", ".markdown"), fix=fix_markdown_file,
    description="markdown, streamed like text; code blocks, inline code, URLs and HTML "
                "are protected"))
