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

Each format is one module of this package registered in :mod:`mtfix.formats.base` (see there
for the contract); :func:`fix_document` picks the format.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

from mtfix.change import Change
from mtfix.fileio import InputError
from mtfix.formats.base import (
    REGISTRY,
    FormatOptions,
    FormatSpec,
    Segment,
    merge_spans,
    placeholder_spans,
    register_format,
)
from mtfix.pipeline import Pipeline

_NOT_FORMATS = frozenset({"base"})


def _import_format_modules() -> dict[str, FormatSpec]:
    """Import every format module of this package (each registers its formats)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_FORMATS and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    order = {name: i for i, name in enumerate(("text", "md", "lines", "jsonl", "parquet", "po", "xliff",
                                               "tmx"))}  # the order help texts list them in
    return dict(sorted(REGISTRY.items(), key=lambda item: (order.get(item[0], len(order)),
                                                           item[0])))


#: name -> spec of every registered format
SPECS: dict[str, FormatSpec] = _import_format_modules()
FORMATS: tuple[str, ...] = tuple(SPECS)
SUFFIX_FORMATS: dict[str, str] = {suffix: spec.name for spec in SPECS.values()
                                  for suffix in spec.suffixes}


def format_spec(name: str) -> FormatSpec:
    """The registered format ``name`` (``ValueError`` naming the known ones otherwise)."""
    try:
        return SPECS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of auto, "
                         f"{', '.join(FORMATS)}") from None


def detect_format(path: str | Path, requested: str = "auto") -> str:
    """The format for ``path``: ``requested`` unless it is "auto", else by extension (text if
    the extension is unknown)."""
    if requested != "auto":
        return format_spec(requested).name
    return SUFFIX_FORMATS.get(Path(path).suffix.lower(), "text")


def fix_document(source: str | Path, target: str | Path, *, pipeline: Pipeline,
                 doc: str | None = None, format: str = "auto",
                 options: FormatOptions | None = None) -> Iterator[Change]:
    """Fix ``source`` in its format and write ``target`` atomically; yields every change.

    Consume the generator to the end: the output is committed only then. Raises
    :class:`~mtfix.fileio.InputError` (naming file, line or unit, and what to do) for
    unreadable or malformed input; ``target`` is then left untouched.
    """
    spec = format_spec(detect_format(source, format))
    return spec.fix(Path(source), Path(target), pipeline=pipeline, doc=doc or str(source),
                    options=options or FormatOptions())


__all__ = [
    "FORMATS",
    "SPECS",
    "SUFFIX_FORMATS",
    "FormatOptions",
    "FormatSpec",
    "InputError",
    "Segment",
    "detect_format",
    "fix_document",
    "format_spec",
    "merge_spans",
    "placeholder_spans",
    "register_format",
]
