"""The format contract and the one format registry.

A format is one module in ``mtfix/formats/`` that registers a :class:`FormatSpec` with
:func:`register_format`: its name (``--format NAME``), the file suffixes it claims, how it
fixes a file (a ``fix`` function that splits the file into segments, runs the pipeline on
each and writes the file back), and how its segment ids look. Adding a format means adding its
module, its tests and its docs; nothing else.

A ``fix`` function has the signature ``fix(source, target, *, pipeline, doc, options)``; it
yields the changes as it goes and commits ``target`` atomically once the generator is exhausted
(a generator closed early leaves no output). It passes ``format=spec.name`` to the pipeline, so
that every change records the format that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.change import Change
from mtfix.chunking import CHUNK_SIZE
from mtfix.doctraits import SAMPLE, document_traits
from mtfix.spans import Span

FixFunction = Callable[..., Iterator[Change]]


@dataclass(frozen=True, slots=True)
class Segment:
    """The unit a pass may touch: ``text`` with spans (``protected``) no pass may match.

    ``id`` names the unit in its file (XLIFF unit id, PO msgctxt/msgid, "LINE/field" in JSON
    Lines); it is ``None`` for chunks of plain text, whose changes use document offsets.
    """

    id: str | None
    text: str
    protected: tuple[Span, ...] = ()
    source: str | None = None  # the unit's source-language text, where the file has one


@dataclass(frozen=True)
class FormatOptions:
    """What a run asks of the formats.

    ``fields``: JSON Lines text fields (dotted paths reach into nested objects).
    ``mark_review``: mark changed units for review the file's own way. ``None`` (default):
    XLIFF yes, PO no (a fuzzy entry is dropped by msgfmt, so PO is marked only if asked);
    ``True``: XLIFF and PO; ``False``: never.
    ``chunk_size``: code points per streamed chunk of text and markdown.
    ``source``: a source-language file, line-aligned with a one-segment-per-line input
    (``--source``): each line's source is given to the passes that check terms.
    """

    fields: tuple[str, ...] = ()
    mark_review: bool | None = None
    chunk_size: int = CHUNK_SIZE
    source: str | None = None  # a line-aligned source-language file (the lines format)


def _default_replay_options(segment_ids: Iterable[str]) -> FormatOptions:
    return FormatOptions(mark_review=False)


@dataclass(frozen=True)
class FormatSpec:
    """One file format, as the registry knows it.

    ``segment_ids``: what a segment id looks like in the change log (``None``: the format has
    no segments; changes carry document offsets). ``replay_options``: the options that read
    the file back the way it was fixed, from the segment ids of its changes (JSON Lines takes
    its fields from "LINE/field" ids), used when ``mtfix apply`` replays reviewed changes.
    """

    name: str
    suffixes: tuple[str, ...]
    fix: FixFunction
    description: str
    segment_ids: str | None = None
    replay_options: Callable[[Iterable[str]], FormatOptions] = field(
        default=_default_replay_options)

    @property
    def segmented(self) -> bool:
        return self.segment_ids is not None


#: format name -> spec, filled by :func:`register_format` as the format modules are imported
REGISTRY: dict[str, FormatSpec] = {}


def register_format(spec: FormatSpec) -> FormatSpec:
    """Add a format to the registry (a clash of names or suffixes fails at import)."""
    if spec.name in REGISTRY and REGISTRY[spec.name] != spec:
        raise TypeError(f"format {spec.name!r} is registered twice")
    for other in REGISTRY.values():
        clash = set(other.suffixes) & set(spec.suffixes)
        if clash and other.name != spec.name:
            raise TypeError(f"format {spec.name!r} claims {', '.join(sorted(clash))}, which "
                            f"format {other.name!r} already claims")
    REGISTRY[spec.name] = spec
    return spec


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


def file_traits(path: str | Path, source: str | Path | None = None) -> frozenset[str]:
    """The document traits of a file that is fixed segment by segment, from its first
    :data:`~mtfix.doctraits.SAMPLE` code points (and its source file's, with ``--source``):
    one decision per file, as plain text gets per document."""
    return document_traits(_head(path), _head(source) if source is not None else None)


def _head(path: str | Path) -> str:
    with open(path, encoding="utf-8", errors="replace", newline="") as stream:
        return stream.read(SAMPLE)
