"""File formats: what in a file a pass may touch, and how to write it back.

Every format turns a file into :class:`Segment` objects — the units passes see — and writes the
fixed segments back, leaving everything else in the file as it was:

==========  ==============================================  ===================================
format      a segment is                                    protected (never matched)
==========  ==============================================  ===================================
text        a paragraph-aligned chunk (streamed; no id)     —
md          a paragraph-aligned chunk (streamed; no id)     code blocks, inline code, URLs, HTML
lines       one line (``.mt``, ``.hyp``; line count kept)  —
jsonl       one ``--field`` value of one line ("LINE/field") —
po          one msgstr (unit id, ``[n]`` for plurals)       placeholders (``%s``, ``{0}`` ...)
xliff       one <target> (1.2 unit id / 2.x "unit/segment") inline tags, placeholders
tmx         one target-language <seg> (tu id)               inline tags, placeholders
==========  ==============================================  ===================================

Changes of segmented formats carry the segment id as ``segment``, offsets into that segment's
original text and ``base = text_hash(segment text)``; text and markdown changes have document
offsets (``segment`` is null), exactly as :meth:`mtfix.pipeline.Pipeline.fix_text` gives them.

Each format is a function ``fix(source, target, *, pipeline, doc, options)`` that yields the
changes as it goes and commits ``target`` atomically once the generator is exhausted (a
generator closed early leaves no output). :func:`fix_document` picks the format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mtfix.change import Change
from mtfix.fileio import InputError
from mtfix.passes.base import Span
from mtfix.pipeline import CHUNK_SIZE, Pipeline

FORMATS = ("text", "md", "lines", "jsonl", "po", "xliff", "tmx")
SUFFIX_FORMATS = {
    ".txt": "text", ".text": "text",
    ".md": "md", ".markdown": "md",
    # MT output of shared tasks and QE data: one segment per line, aligned with the source
    ".mt": "lines", ".hyp": "lines",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".po": "po", ".pot": "po",
    ".xlf": "xliff", ".xliff": "xliff",
    ".tmx": "tmx",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """The unit a pass may touch: ``text`` with spans (``protected``) no pass may match.

    ``id`` names the unit in its file (XLIFF unit id, PO msgctxt/msgid, "LINE/field" in JSON
    Lines); it is ``None`` for chunks of plain text, whose changes use document offsets.
    """

    id: str | None
    text: str
    protected: tuple[Span, ...] = ()


@dataclass(frozen=True)
class FormatOptions:
    """What a run asks of the formats.

    ``fields``: JSON Lines text fields (dotted paths reach into nested objects).
    ``mark_review``: mark changed units for review the file's own way. ``None`` (default):
    XLIFF yes, PO no (a fuzzy entry is dropped by msgfmt, so PO is marked only if asked);
    ``True``: XLIFF and PO; ``False``: never.
    ``chunk_size``: code points per streamed chunk of text and markdown.
    """

    fields: tuple[str, ...] = ()
    mark_review: bool | None = None
    chunk_size: int = CHUNK_SIZE


def detect_format(path: str | Path, requested: str = "auto") -> str:
    """The format for ``path``: ``requested`` unless it is "auto", else by extension (text if
    the extension is unknown)."""
    if requested != "auto":
        if requested not in FORMATS:
            raise ValueError(f"unknown format {requested!r}; choose one of auto, {', '.join(FORMATS)}")
        return requested
    return SUFFIX_FORMATS.get(Path(path).suffix.lower(), "text")


FixFunction = Callable[..., Iterator[Change]]


def format_function(name: str) -> FixFunction:
    # Imported on demand: translate-toolkit and lxml load only when a translation file comes.
    if name == "text":
        from mtfix.formats.text import fix_text_file
        return fix_text_file
    if name == "md":
        from mtfix.formats.markdown import fix_markdown_file
        return fix_markdown_file
    if name == "lines":
        from mtfix.formats.lines import fix_lines_file
        return fix_lines_file
    if name == "jsonl":
        from mtfix.formats.jsonl import fix_jsonl_file
        return fix_jsonl_file
    from mtfix.formats.translation import translation_fixer
    return translation_fixer(name)


def fix_document(source: str | Path, target: str | Path, *, pipeline: Pipeline,
                 doc: str | None = None, format: str = "auto",
                 options: FormatOptions | None = None) -> Iterator[Change]:
    """Fix ``source`` in its format and write ``target`` atomically; yields every change.

    Consume the generator to the end: the output is committed only then. Raises
    :class:`~mtfix.fileio.InputError` (naming file, line or unit, and what to do) for
    unreadable or malformed input; ``target`` is then left untouched.
    """
    name = detect_format(source, format)
    fixer = format_function(name)
    return fixer(Path(source), Path(target), pipeline=pipeline, doc=doc or str(source),
                 options=options or FormatOptions())


# Placeholders of the common localisation formats. A pass must never edit them: a changed
# "%s" or "{0}" breaks the program that fills it in.
PLACEHOLDER_RE = re.compile(
    r"%(?:\d+\$)?[-+#0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@%]"
    r"|%\([A-Za-z_][\w.]*\)[-+ #0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # Python %(name)s
    r"|\{\{[^{}\n]*\}\}"                                              # {{ mustache }}
    r"|\{[A-Za-z0-9_.$:,#\- ]*\}"                                     # {0} {name} {0,number}
    r"|\$\{[^{}\n]*\}"                                                # ${var}
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);"               # escaped entities
    r"|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"                            # literal HTML in text
)


def placeholder_spans(text: str) -> list[Span]:
    """Spans of ``text`` that are placeholders (``%s``, ``%1$d``, ``{0}``, ``${x}``, ``&amp;``...)."""
    return [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text) if m.end() > m.start()]


def merge_spans(spans: list[Span]) -> tuple[Span, ...]:
    """Sorted, non-overlapping union of ``spans``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] and end > start:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


__all__ = [
    "FORMATS",
    "FormatOptions",
    "InputError",
    "Segment",
    "detect_format",
    "fix_document",
    "merge_spans",
    "placeholder_spans",
]
