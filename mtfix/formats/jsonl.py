"""JSON Lines: the ``--field`` values are fixed, every other byte of the line is kept.

Streamed line by line. Each named field of each line is one segment, id ``"LINE/FIELD"``
(1-based line number, the field path as given; ``a.b`` reaches into nested objects). Only the
JSON string literal of a changed field is re-encoded in place; unchanged lines, other fields,
key order, spacing and number formats stay byte-identical. Lines where a field is missing or
not a string are left alone; a line that is not a JSON object is an error naming the line, and
so is a line longer than :data:`~mtfix.chunking.LONG_LINE_LIMIT` characters (before it is read
whole). A UTF-8 byte order mark before the first line is kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path

from mtfix.change import Change
from mtfix.chunking import LONG_LINE_LIMIT
from mtfix.fileio import InputError, atomic_writer, iter_lines
from mtfix.formats.base import FormatOptions, FormatSpec, file_traits, register_format
from mtfix.pipeline import Pipeline, SegmentJob

_DECODER = json.JSONDecoder()
_TOO_LONG = "shorten the record's text or split the record into several lines"
_WS = " \t\n\r"


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def member_spans(line: str, start: int = 0) -> tuple[dict[str, tuple[int, int]], int]:
    """Spans of the values of the JSON object starting at ``start`` (after whitespace), keyed by
    member name, and where the object ends. Raises ValueError if it is not an object."""
    i = _skip_ws(line, start)
    if i >= len(line) or line[i] != "{":
        raise ValueError("not a JSON object")
    spans: dict[str, tuple[int, int]] = {}
    i = _skip_ws(line, i + 1)
    if i < len(line) and line[i] == "}":
        return spans, i + 1
    while True:
        if i >= len(line) or line[i] != '"':
            raise ValueError(f"expected a member name at column {i + 1}")
        key, i = scanstring(line, i + 1)
        i = _skip_ws(line, i)
        if i >= len(line) or line[i] != ":":
            raise ValueError(f"expected ':' at column {i + 1}")
        i = _skip_ws(line, i + 1)
        _value, end = _DECODER.raw_decode(line, i)
        spans[key] = (i, end)  # a repeated key: the last one counts, as in json.loads
        i = _skip_ws(line, end)
        if i < len(line) and line[i] == ",":
            i = _skip_ws(line, i + 1)
            continue
        if i < len(line) and line[i] == "}":
            return spans, i + 1
        raise ValueError(f"expected ',' or '}}' at column {i + 1}")


def field_span(line: str, path: Sequence[str]) -> tuple[int, int] | None:
    """Span of the value at ``path`` in the object ``line``, or None if a member is missing."""
    start = 0
    span = None
    for depth, name in enumerate(path):
        spans, _end = member_spans(line, start)
        span = spans.get(name)
        if span is None:
            return None
        if depth < len(path) - 1:
            if line[span[0]] != "{":
                return None
            start = span[0]
    return span


def encode_like(value: str, original_literal: str) -> str:
    """``value`` as a JSON string literal in the original's style (\\u escapes or not)."""
    ascii_only = original_literal.isascii() and not json.loads(original_literal).isascii()
    return json.dumps(value, ensure_ascii=ascii_only)


def jsonl_jobs(line: str, number: int, *, doc: str, fields: Sequence[str], name: str,
               traits: frozenset[str] | None = None,
               ) -> list[tuple[tuple[int, int], SegmentJob]]:
    """The ``fields`` of one JSON Lines line to fix: (span of the string literal in the line,
    its segment job) each. A line that is not a JSON object is an :class:`InputError`.
    ``traits``: the file's document traits (``None``: each field's own)."""
    body = line.rstrip("\r\n")
    if not body.strip():
        return []
    try:
        json.loads(body)  # full validation first: a broken line is an error, not skipped
        found = []
        for field in fields:
            span = field_span(body, field.split("."))
            if span is None or body[span[0]] != '"':
                continue
            text = json.loads(body[span[0]:span[1]])
            found.append((span, SegmentJob(text, {"doc": doc, "segment": f"{number}/{field}",
                                                  "format": "jsonl", "traits": traits})))
    except ValueError as exc:
        raise InputError(f"{name}:{number}: not a JSON object line ({exc}); fix the line or "
                         "remove it") from None
    return found


def finish_jsonl_line(line: str, spans: Sequence[tuple[int, int]],
                      results: Sequence[tuple[str, list[Change]]]) -> tuple[str, list[Change]]:
    """The new line and its changes, from the fixed text of each field (``spans``: where each
    field's string literal is in ``line``)."""
    edits: list[tuple[int, int, str]] = []
    changes: list[Change] = []
    for (start, end), (fixed, found) in zip(spans, results, strict=True):
        changes.extend(found)
        literal = line[start:end]
        if fixed != json.loads(literal):
            edits.append((start, end, encode_like(fixed, literal)))
    if not edits:
        return line, changes
    pieces, pos = [], 0
    for start, end, literal in sorted(edits):
        pieces += [line[pos:start], literal]
        pos = end
    pieces.append(line[pos:])  # the rest of the line, end of line included
    return "".join(pieces), changes


def fix_jsonl_line(line: str, number: int, *, pipeline: Pipeline, doc: str,
                   fields: Sequence[str], name: str, traits: frozenset[str] | None = None,
                   ) -> tuple[str, list[Change]]:
    """Fix the ``fields`` of one JSON Lines line; returns the new line and its changes."""
    found = jsonl_jobs(line, number, doc=doc, fields=fields, name=name, traits=traits)
    return finish_jsonl_line(line, [span for span, _ in found],
                             [pipeline.fix_segment(job.text, **job.options) for _, job in found])


def fix_jsonl_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                   options) -> Iterator[Change]:
    """Fix the ``options.fields`` of every line of a JSON Lines file, streaming (a window of
    lines at a time when the model pass is on, so it sees many fields at once)."""
    if not options.fields:
        raise InputError(f"{source}: JSON Lines needs the text field(s) to fix: give --field NAME")
    traits = file_traits(source) if pipeline.wants_traits else None  # the file: one document
    spans: dict[int, list[tuple[int, int]]] = {}

    def jobs(item: tuple[int, str, str]) -> list[SegmentJob]:
        number, _bom, line = item
        found = jsonl_jobs(line, number, doc=doc, fields=options.fields, name=str(source),
                           traits=traits)
        spans[number] = [span for span, _ in found]
        return [job for _, job in found]

    def numbered() -> Iterator[tuple[int, str, str]]:
        for number, line in enumerate(iter_lines(source, LONG_LINE_LIMIT, _TOO_LONG), 1):
            bom, line = split_bom(line) if number == 1 else ("", line)
            yield number, bom, line

    with atomic_writer(target) as out:
        for (number, bom, line), results in pipeline.fix_in_order(numbered(), jobs):
            fixed, changes = finish_jsonl_line(line, spans.pop(number), results)
            out.write(bom + fixed)
            yield from changes


def split_bom(line: str) -> tuple[str, str]:
    """(byte order mark or "", the rest) of a file's first line. Windows tools write UTF-8
    with a BOM; JSON does not allow one before the object, so it is set aside while the line
    is parsed and written back in front of it."""
    if line.startswith("\ufeff"):
        return "\ufeff", line[1:]
    return "", line


def _replay_options(segment_ids: Iterable[str]) -> FormatOptions:
    """The fields a JSON Lines file was fixed with, from its changes' "LINE/field" ids."""
    fields = sorted({sid.split("/", 1)[1] for sid in segment_ids if "/" in sid})
    return FormatOptions(fields=tuple(fields), mark_review=False)


register_format(FormatSpec(
    name="jsonl", suffixes=(".jsonl", ".ndjson"), fix=fix_jsonl_file,
    description="JSON Lines: the --field values of each line",
    segment_ids='"LINE/field" (line number and dotted field path)',
    replay_options=_replay_options))
