"""The text of each changed unit of a segmented file, and its source in a bilingual one.

A change in a PO, XLIFF, TMX or JSON Lines file has offsets into one unit's text, so a report
can show it inside the whole unit, and beside the unit's source text where the file has one
(PO ``msgid``, XLIFF ``<source>``, the TMX source-language ``<tuv>``). A reviewer deciding on
a spacing fix in a translation needs both.

Targets are read through the file's own format (the reader ``mtfix apply`` replays reviewed
changes through), with a pass that only records each unit's text, so unit ids and texts are
exactly those the changes were made on; a unit whose text no longer hashes to the changes'
``base`` is left out (the file changed since). Sources are read with the same unit walk the
translation formats use, so their ids match.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.change import Change, Edit, text_hash
from mtfix.passes.base import BasePass

BILINGUAL = frozenset({"po", "xliff", "tmx"})


@dataclass
class UnitTexts:
    """Unit id -> target text (as the changes were made on it) and -> source text."""

    targets: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


class _RecordingPass(BasePass):
    """A pass that edits nothing and keeps the text of the units it is asked for."""

    name = "record"
    wants_segment = True

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.texts: dict[str, str] = {}

    def find_edits(self, text: str, protected=(), *, segment: str | None = None) -> list[Edit]:
        if segment in self.wanted:
            self.texts[segment] = text
        return []


def unit_texts(path: str | Path, changes: Sequence[Change]) -> UnitTexts:
    """The current text (and source, for PO/XLIFF/TMX) of each unit ``changes`` name, read
    from the file at ``path``; units whose text changed since are left out. Raises
    ``InputError``/``ValueError`` for a file its format cannot read."""
    from mtfix.formats import fix_document, format_spec
    from mtfix.pipeline import Pipeline
    from mtfix.review.apply import recorded_format

    wanted = {c.segment for c in changes if c.segment is not None}
    spec = format_spec(recorded_format(path, changes))
    recorder = _RecordingPass(wanted)
    with tempfile.TemporaryDirectory(prefix="mtfix-report-") as scratch:
        for _ in fix_document(path, Path(scratch) / "unit-texts", pipeline=Pipeline([recorder]),
                              doc=str(path), format=spec.name,
                              options=spec.replay_options(sorted(wanted))):
            pass
    bases = {c.segment: c.base for c in changes}
    targets = {unit: text for unit, text in recorder.texts.items()
               if not bases.get(unit) or text_hash(text) == bases[unit]}
    sources = _sources(path, spec.name, set(targets)) if spec.name in BILINGUAL else {}
    return UnitTexts(targets, sources)


def _sources(path: str | Path, fmt: str, wanted: set[str]) -> dict[str, str]:
    """The source text of each wanted unit of a PO, XLIFF or TMX file."""
    from mtfix.formats import translation

    store, _data, kind = translation._load(Path(path), fmt)
    pairs = _po_sources(store) if kind == "po" else _xml_sources(store, kind)
    return {unit: text for unit, text in pairs if unit in wanted}


def _po_sources(store: Any) -> Iterable[tuple[str, str]]:
    """(unit id, msgid) per msgstr, with the ids the PO format gives its units (a plural
    form ``[n]`` shows the plural msgid)."""
    from mtfix.formats.translation import _po_segments

    for unit in store.units:
        if unit.isheader() or unit.isobsolete() or not unit.target:
            continue
        strings = list(getattr(unit.source, "strings", None) or [str(unit.source)])
        for n, (unit_id, _text) in enumerate(_po_segments(unit)):
            yield unit_id, str(strings[min(n, len(strings) - 1)])


def _xml_sources(store: Any, kind: str) -> Iterable[tuple[str, str]]:
    """(unit id, source text with inline tags shown as the target's are) per XLIFF/TMX
    target, with the ids the format gives them."""
    from mtfix.formats import translation as t

    walk = {"xliff1": t._xliff1_targets, "xliff2": t._xliff2_targets, "tmx": t._tmx_targets}[kind]
    srclang = ""
    if kind == "tmx":
        header = store.document.getroot().find("header")
        srclang = (header.get("srclang") or "").lower() if header is not None else ""
    for owner, target, _lang in walk(store):
        source = _source_element(owner, target.element, kind, srclang)
        if source is not None:
            yield target.id, t.XmlTarget(source, target.id).text


def _source_element(owner: Any, target: Any, kind: str, srclang: str) -> Any | None:
    """The element holding a target's source: the unit's (XLIFF 1.2) or segment's (2.x)
    ``<source>``, or the ``<seg>`` of the TMX unit's source-language variant."""
    from mtfix.formats.translation import XML_LANG, _local, _same_language

    if kind == "xliff1":
        return next((c for c in target.getparent() if _local(c.tag) == "source"), None)
    if kind == "xliff2":
        return next((c for c in owner if _local(c.tag) == "source"), None)
    tuvs = [v for v in owner.getparent() if _local(v.tag) == "tuv" and v is not owner]
    chosen = next((v for v in tuvs if srclang and srclang != "*all*"
                   and _same_language(v.get(XML_LANG) or v.get("lang") or "", srclang)), None)
    if chosen is None and tuvs and (not srclang or srclang == "*all*"):
        chosen = tuvs[0]
    if chosen is None:
        return None
    return next((c for c in chosen if _local(c.tag) == "seg"), None)
