"""Translation files — PO, XLIFF 1.2 and 2.x, TMX — read and written with translate-toolkit.

Only targets are cleaned: sources, ids, notes, states (unless a unit is marked for review),
comments and everything else are left as parsed. Each target is one :class:`Segment`:

* its text is the target's text with the inline markup shown as tags (``Click <g id="1">here
  </g> to <x id="2"/> continue``); the tags are protected, so a pass only ever touches the text
  between them. Content of ``<g>``, ``<mrk>``, ``<pc>`` and TMX ``<hi>`` is translatable text
  and is fixed; ``<x/>``, ``<ph>``, ``<bpt>``, ``<ept>``, ``<it>``, ``<sc/>``, ``<ec/>``,
  ``<mrk translate="no">`` and the like are kept whole.
* placeholders (``%s``, ``%1$d``, ``%(name)s``, ``{0}``, ``{name}``, ``${x}``, ``&amp;``,
  literal HTML tags) are protected too.
* a unit marked ``mtfix: ignore`` (a PO translator comment ``# mtfix: ignore``, an XLIFF or
  TMX ``<note>mtfix: ignore</note>``) is left as it is.
* a fixed target is written back into the same XML nodes (each text run keeps its place
  between the tags); a changed unit is marked for review the file's own way: XLIFF 1.2
  ``<target state="needs-review-translation">``, XLIFF 2.x ``state="translated"`` plus
  ``subState="mtfix:needs-review"`` on the segment, PO ``#, fuzzy`` (only if asked; TMX has
  no such state).

The changed text runs (and review marks) are spliced into the original bytes
(:mod:`mtfix.formats.xmlsplice`), so everything else keeps its bytes: the encoding (UTF-16
too) and its byte order mark, CRLF line ends, references, quoting; only where that cannot be
exact is the lxml tree re-serialized. An unchanged file is copied as is. A PO file is
re-serialized by translate-toolkit (gettext line wrapping; a UTF-8 BOM is kept).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtfix.change import Change
from mtfix.fileio import InputError, atomic_writer, binary_error, read_bytes, utf16_byte_order
from mtfix.formats.base import (
    FormatSpec,
    Segment,
    file_traits,
    merge_spans,
    placeholder_spans,
    register_format,
)
from mtfix.pipeline import Pipeline, SegmentJob
from mtfix.spans import Span
from mtfix.suppress import unit_ignored

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Inline elements whose content is translatable text; every other inline element is code.
CONTAINERS = frozenset({"g", "mrk", "pc", "hi"})
_XMLNS_RE = re.compile(r'\s+xmlns(?::[\w.-]+)?="[^"]*"')


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# -- XML targets as segments ----------------------------------------------------------------

@dataclass
class _Slot:
    """One run of text in the target's XML: ``element.text`` or ``element.tail``."""

    element: Any
    attr: str  # "text" or "tail"
    start: int  # span in the segment text
    end: int


class XmlTarget:
    """A target element as a :class:`Segment` and back.

    The segment text interleaves the element's text runs with its inline markup (shown as
    tags, protected); :meth:`write` puts fixed text runs back where they were.
    """

    def __init__(self, element: Any, segment_id: str) -> None:
        self.element = element
        self.id = segment_id
        self._slots: list[_Slot] = []
        self._pieces: list[str] = []
        self._markup: list[Span] = []
        self._pos = 0
        self._text_slot(element, "text")
        for child in element:
            self._walk(child)
        self.text = "".join(self._pieces)

    def _add(self, piece: str, markup: bool) -> tuple[int, int]:
        start = self._pos
        self._pieces.append(piece)
        self._pos += len(piece)
        if markup and piece:
            self._markup.append((start, self._pos))
        return start, self._pos

    def _text_slot(self, element: Any, attr: str) -> None:
        start, end = self._add(getattr(element, attr) or "", markup=False)
        self._slots.append(_Slot(element, attr, start, end))

    def _walk(self, child: Any) -> None:
        name = _local(child.tag)
        if name in CONTAINERS and child.get("translate") != "no":
            attrs = "".join(f' {_local(k)}="{v}"' for k, v in child.attrib.items())
            self._add(f"<{name}{attrs}>", markup=True)
            self._text_slot(child, "text")
            for grandchild in child:
                self._walk(grandchild)
            self._add(f"</{name}>", markup=True)
        else:  # code, comments and processing instructions: kept whole
            from lxml import etree

            shown = etree.tostring(child, with_tail=False, encoding="unicode")
            self._add(_XMLNS_RE.sub("", shown), markup=True)
        self._text_slot(child, "tail")

    def segment(self) -> Segment:
        protected = merge_spans(self._markup + placeholder_spans(self.text))
        return Segment(self.id, self.text, protected, source_text(self.element))

    def write(self, changes: list[Change]) -> None:
        """Apply the applied ``changes`` (offsets into :attr:`text`) run by run."""
        by_slot: dict[int, list[Change]] = {}
        for change in changes:
            if change.is_flag:
                continue
            for index, slot in enumerate(self._slots):
                if slot.start <= change.start and change.end <= slot.end:
                    by_slot.setdefault(index, []).append(change)
                    break
            else:  # cannot happen: the markup is protected, so no change crosses it
                raise AssertionError(f"change {change.id} crosses inline markup in {self.id}")
        for index, slot_changes in by_slot.items():
            slot = self._slots[index]
            original = self.text[slot.start:slot.end]
            pieces, pos = [], 0
            for change in sorted(slot_changes, key=lambda c: (c.start, c.end)):
                pieces += [original[pos:change.start - slot.start], change.after]
                pos = change.end - slot.start
            pieces.append(original[pos:])
            new = "".join(pieces)
            if new or getattr(slot.element, slot.attr) is not None:
                setattr(slot.element, slot.attr, new)


# -- the formats ------------------------------------------------------------------------------

def _parse_error(source: Path, exc: Exception, kind: str) -> InputError:
    line = getattr(exc, "lineno", None)
    where = f"{source}:{line}" if line else str(source)
    reason = (getattr(exc, "msg", None) or str(exc)).strip() or type(exc).__name__
    reason = re.sub(r",? line \d+, column \d+$", "", reason)  # the line is already in `where`
    return InputError(f"{where}: not a valid {kind} file ({reason}); fix or remove it")


def _utf16_xml_without_bom(data: bytes) -> bool:
    """UTF-16 XML without a byte order mark: lxml reads it (XML starts with "<", which
    tells the byte order), so it is not refused as binary (PO has no such mark: refused)."""
    return data[:2] in (b"<\x00", b"\x00<") and utf16_byte_order(data) is not None


def _load(source: Path, name: str) -> tuple[Any, bytes, str]:
    data = read_bytes(source)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) \
            and not _utf16_xml_without_bom(data):
        raise binary_error(str(source), data)
    try:
        if name == "po":
            from translate.storage import po

            return po.pofile(data), data, "po"
        if name == "tmx":
            from translate.storage import tmx

            return tmx.tmxfile(data), data, "tmx"
        from translate.storage import xliff

        try:
            return xliff.xlifffile(data), data, "xliff1"
        except ValueError as exc:
            if "2." not in str(exc):
                raise
            from translate.storage import xliff2

            return xliff2.Xliff2File(data), data, "xliff2"
    except InputError:
        raise
    except Exception as exc:  # the toolkit raises lxml, ValueError, parse errors of its own
        raise _parse_error(source, exc, name.upper()) from None


def _xliff1_targets(store: Any) -> Iterator[tuple[Any, XmlTarget, str]]:
    root = store.document.getroot()
    files = [e for e in root if _local(e.tag) == "file"]
    for unit in store.units:
        element = unit.xmlelement
        target = next((c for c in element if _local(c.tag) == "target"), None)
        if target is None or element.get("translate") == "no":
            continue
        unit_id = element.get("id") or unit.getid()
        owner = next((a for a in element.iterancestors() if _local(a.tag) == "file"), None)
        if len(files) > 1:
            unit_id = f"{owner.get('original', '') if owner is not None else ''}/{unit_id}"
        lang = target.get(XML_LANG) or (owner.get("target-language", "") if owner is not None
                                        else "")
        yield target, XmlTarget(target, unit_id), lang


def _xliff2_targets(store: Any) -> Iterator[tuple[Any, XmlTarget, str]]:
    lang = store.document.getroot().get("trgLang") or ""
    for unit in store.units:
        segment = unit.xmlelement
        target = next((c for c in segment if _local(c.tag) == "target"), None)
        parent = segment.getparent()
        if target is None or (parent is not None and parent.get("translate") == "no"):
            continue
        yield segment, XmlTarget(target, str(unit.getid())), lang


def _tmx_srclang(root: Any) -> str:
    header = root.find("header")
    return (header.get("srclang") or "").lower() if header is not None else ""


def _tuv_lang(tuv: Any) -> str:
    return tuv.get(XML_LANG) or tuv.get("lang") or ""


def _tmx_roles(tuvs: list[Any], srclang: str) -> tuple[Any | None, list[Any]]:
    """(source tuv, target tuvs) of a TMX unit. With a header ``srclang``, the tuvs in that
    language are the source (or, when none is, those of its primary language: ``zh-Hans``
    for ``zh-CN``) and the others the targets. With ``*all*`` (any language may be
    the source) or none, the English tuvs are the targets -- mtfix fixes English, and a memory
    may list them first -- and the first other tuv is the source; a unit with no English tuv
    keeps the TMX reading (the first tuv is the source)."""
    if srclang and srclang != "*all*":
        sources = [t for t in tuvs if _same_language(_tuv_lang(t), srclang)]
        if not sources:  # zh-CN in the header, zh-Hans in the unit: the same language
            primary = srclang.replace("_", "-").split("-")[0]
            sources = [t for t in tuvs if _tuv_lang(t).lower().replace("_", "-").split("-")[0]
                       == primary]
        return (sources[0] if sources else None), [t for t in tuvs if t not in sources]
    english = [t for t in tuvs if _same_language(_tuv_lang(t), "en")]
    if english and len(english) < len(tuvs):
        return next(t for t in tuvs if t not in english), english
    return (tuvs[0] if tuvs else None), tuvs[1:]


def _tmx_targets(store: Any) -> Iterator[tuple[Any, XmlTarget]]:
    srclang = _tmx_srclang(store.document.getroot())
    for number, unit in enumerate(store.units, 1):
        tu = unit.xmlelement
        tuvs = [t for t in tu if _local(t.tag) == "tuv"]
        _, targets = _tmx_roles(tuvs, srclang)
        tuid = tu.get("tuid") or f"#{number}"
        for tuv in targets:
            seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
            if seg is None:
                continue
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            yield tuv, XmlTarget(seg, tuid if len(targets) == 1 else f"{tuid}/{lang}"), lang


def _english_or_unknown(lang: str) -> bool:
    """Is ``lang`` (an xml:lang, target-language or PO Language value) English, or not
    given? mtfix fixes English: a target in another language is left as it is."""
    lang = lang.strip().lower().replace("_", "-")
    return not lang or lang == "en" or lang.startswith("en-")


def _foreign_only(name: str, languages: set[str]) -> InputError:
    listed = ", ".join(sorted(languages))
    return InputError(f"{name}: its targets are in {listed}, not English; mtfix fixes English "
                      "machine translation, so nothing was changed. Give it files whose "
                      "target language is English (en, en-US...)")


def source_text(target: Any) -> str | None:
    """The source-language text beside a target: the ``<source>`` of an XLIFF unit or
    segment, or the source-language ``<seg>`` of a TMX unit (:func:`_tmx_roles`).
    ``None`` where there is none."""
    parent = target.getparent()
    if parent is None:
        return None
    if _local(target.tag) == "target":  # XLIFF: <source> is a sibling
        element = next((c for c in parent if _local(c.tag) == "source"), None)
    else:  # TMX: target is the <seg> of a <tuv> of a <tu>
        tu = parent.getparent()
        if tu is None:
            return None
        tuvs = [t for t in tu if _local(t.tag) == "tuv"]
        source_tuv, _ = _tmx_roles(tuvs, _tmx_srclang(tu.getroottree().getroot()))
        if source_tuv is parent:  # (a header srclang no tuv has: none of them is the source)
            source_tuv = None
        element = None if source_tuv is None else next(
            (c for c in source_tuv if _local(c.tag) == "seg"), None)
    return "".join(element.itertext()) if element is not None else None


def _same_language(lang: str, srclang: str) -> bool:
    """"en" and "en-US" are the source language "en-us" too (a source tuv is never fixed)."""
    lang = lang.lower()
    return lang == srclang or lang.startswith(srclang + "-") or srclang.startswith(lang + "-")


def _mark_xml(kind: str, owner: Any, target: XmlTarget) -> None:
    if kind == "xliff1":
        target.element.set("state", "needs-review-translation")
    elif kind == "xliff2":
        state = owner.get("state")
        if state in (None, "reviewed", "final"):
            state = "translated"
        owner.set("state", state)
        owner.set("subState", "mtfix:needs-review")


def _root_span(data: bytes) -> tuple[int, int] | None:
    """Byte span of the root element in ``data`` (prolog and epilog hold only the XML
    declaration, comments, processing instructions, a doctype and whitespace)."""
    i = 0
    while True:
        i = data.find(b"<", i)
        if i == -1:
            return None
        if data.startswith(b"<?", i):
            i = data.find(b"?>", i) + 2
        elif data.startswith(b"<!--", i):
            i = data.find(b"-->", i) + 3
        elif data.startswith(b"<!", i):  # doctype, possibly with an internal subset
            close = data.find(b"]>", i) if b"[" in data[i:data.find(b">", i)] else -1
            i = (close + 2) if close != -1 else data.find(b">", i) + 1
        else:
            break
        if i <= 1:
            return None
    end = len(data.rstrip())
    while True:
        tail = data[:end]
        if tail.endswith(b"-->"):
            end = len(data[:tail.rfind(b"<!--")].rstrip())
        elif tail.endswith(b"?>"):
            end = len(data[:tail.rfind(b"<?")].rstrip())
        else:
            break
    return (i, end) if i < end else None


def _serialize_xml(store: Any, original: bytes) -> bytes:
    """The tree as XML: the new root element between the original prolog and epilog bytes."""
    from lxml import etree

    encoding = (store.document.docinfo.encoding or "UTF-8").upper()
    span = _root_span(original)
    if encoding not in ("UTF-8", "UTF8") or span is None:
        # lxml writes other encodings with one BOM where one is needed (the toolkit's own
        # writer puts a second one after the declaration of a UTF-16 file)
        return etree.tostring(store.document, encoding=encoding, xml_declaration=True)
    root = etree.tostring(store.document.getroot(), encoding="UTF-8", xml_declaration=False,
                          with_tail=False)
    return original[:span[0]] + root + original[span[1]:]


def _changed_runs(target: XmlTarget) -> list[tuple[Any, str, str, str]]:
    """(node, "text"|"tail", old text, new text) of each text run :meth:`XmlTarget.write`
    changed."""
    runs = []
    for slot in target._slots:
        old = target.text[slot.start:slot.end]
        new = getattr(slot.element, slot.attr) or ""
        if new != old:
            runs.append((slot.element, slot.attr, old, new))
    return runs


def _write_back(store: Any, original: bytes, written: list[tuple[Any, XmlTarget]]) -> bytes:
    """The fixed file's bytes: the changed text runs and review marks spliced into the
    original bytes, so that everything else (encoding, BOM, CRLF, references, quoting) stays
    byte for byte; the whole tree re-serialized only where splicing cannot be exact."""
    from mtfix.formats.xmlsplice import splice_xml

    runs = [run for _owner, target in written for run in _changed_runs(target)]
    elements = [e for owner, target in written for e in (owner, target.element)]
    data = splice_xml(original, store.document.getroot(), runs, elements)
    return data if data is not None else _serialize_xml(store, original)


def fix_xml_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str, options,
                 name: str) -> Iterator[Change]:
    store, original, kind = _load(source, name)
    units = {"xliff1": _xliff1_targets, "xliff2": _xliff2_targets, "tmx": _tmx_targets}[kind]
    mark = options.mark_review is not False
    # one document: its traits from the file's head (source and target text, markup and all)
    traits = file_traits(source) if pipeline.wants_traits else None
    changed = False
    written: list[tuple[Any, XmlTarget]] = []

    foreign: set[str] = set()  # the other target languages met (those units are left alone)
    english = False

    def targets() -> Iterator[tuple[Any, XmlTarget, Segment]]:
        nonlocal english
        for owner, xml_target, lang in units(store):
            if not _english_or_unknown(lang):
                foreign.add(lang)
                continue
            english = True
            segment = xml_target.segment()
            if segment.text.strip() and not _xml_unit_ignored(xml_target.element):
                yield owner, xml_target, segment

    def jobs(item: tuple[Any, XmlTarget, Segment]) -> list[SegmentJob]:
        segment = item[2]
        return [SegmentJob(segment.text, {"doc": doc, "segment": segment.id,
                                          "protected": segment.protected, "format": name,
                                          "source": segment.source, "traits": traits,
                                          "unit": True})]

    # a window of units at a time, so the model pass sees many segments at once
    for (owner, xml_target, segment), [(fixed, changes)] in pipeline.fix_in_order(targets(), jobs):
        yield from changes
        if fixed != segment.text:
            xml_target.write(changes)
            if XmlTarget(xml_target.element, segment.id).text != fixed:
                raise AssertionError(f"{source}: unit {segment.id}: target did not round-trip")
            changed = True
            written.append((owner, xml_target))
            if mark:
                _mark_xml(kind, owner, xml_target)
    if foreign and not english:
        raise _foreign_only(doc, foreign)
    data = _write_back(store, original, written) if changed else original
    with atomic_writer(target, mode="wb") as out:
        out.write(data)


_UNITS = frozenset({"trans-unit", "unit", "tu"})


def _xml_unit_ignored(target: Any) -> bool:
    """Does the unit holding ``target`` carry a note ``mtfix: ignore`` (XLIFF 1.2 ``<note>`` of
    the trans-unit, XLIFF 2 ``<notes><note>`` of the unit, TMX ``<note>`` of the tu)?"""
    unit = next((a for a in target.iterancestors() if _local(a.tag) in _UNITS), None)
    if unit is None:
        return False
    for child in unit:
        notes = [child] if _local(child.tag) == "note" else \
            [n for n in child if _local(n.tag) == "note"] if _local(child.tag) == "notes" else []
        if any(unit_ignored("".join(note.itertext())) for note in notes):
            return True
    return False


def _po_segments(unit: Any) -> list[tuple[str, str]]:
    """(segment id, text) of each msgstr of a unit (plural forms get ``[n]``)."""
    unit_id = str(unit.getid())
    if unit.hasplural():
        return [(f"{unit_id}[{n}]", str(s)) for n, s in enumerate(unit.target.strings)]
    return [(unit_id, str(unit.target or ""))]


def fix_po_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                options) -> Iterator[Change]:
    from translate.misc.multistring import multistring

    store, original, _kind = _load(source, "po")
    language = store.parseheader().get("Language", "") if store.units else ""
    if not _english_or_unknown(language):
        raise _foreign_only(doc, {language})
    traits = file_traits(source) if pipeline.wants_traits else None  # the file: one document
    changed = False

    def jobs(unit: Any) -> list[SegmentJob]:
        return [SegmentJob(text, {"doc": doc, "segment": segment_id,
                                  "protected": merge_spans(placeholder_spans(text)),
                                  "format": "po", "source": str(unit.source or "") or None,
                                  "traits": traits, "unit": True})
                for segment_id, text in _po_segments(unit) if text.strip()]

    units = (unit for unit in store.units
             if not (unit.isheader() or unit.isobsolete() or not unit.target
                     or unit_ignored(unit.getnotes("translator"))))
    # a window of units at a time, so the model pass sees many segments at once
    for unit, results in pipeline.fix_in_order(units, jobs):
        new_texts, unit_changed = [], False
        fixed_texts = iter(results)
        for _segment_id, text in _po_segments(unit):
            if not text.strip():
                new_texts.append(text)
                continue
            fixed, changes = next(fixed_texts)
            yield from changes
            new_texts.append(fixed)
            unit_changed |= fixed != text
        if unit_changed:
            changed = True
            unit.target = multistring(new_texts) if unit.hasplural() else new_texts[0]
            if options.mark_review:
                unit.markfuzzy(True)
    with atomic_writer(target, mode="wb") as out:
        out.write(_keep_utf8_bom(original, bytes(store)) if changed else original)


def _keep_utf8_bom(original: bytes, data: bytes) -> bytes:
    """``data`` with the original's UTF-8 byte order mark, which translate-toolkit's PO writer
    drops (Windows tools that wrote it may expect it back)."""
    if original.startswith(codecs.BOM_UTF8) and not data.startswith(codecs.BOM_UTF8):
        return codecs.BOM_UTF8 + data
    return data


def _xml_fixer(name: str):
    """The fix function of XML translation format ``name`` (xliff or tmx)."""

    def fix(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
            options) -> Iterator[Change]:
        return fix_xml_file(source, target, pipeline=pipeline, doc=doc, options=options,
                            name=name)

    fix.__name__ = fix.__qualname__ = f"fix_{name}_file"
    return fix


register_format(FormatSpec(
    name="po", suffixes=(".po", ".pot"), fix=fix_po_file,
    description="gettext PO: each msgstr; placeholders protected",
    segment_ids="the unit id (msgctxt/msgid), [n] for plural forms"))
register_format(FormatSpec(
    name="xliff", suffixes=(".xlf", ".xliff"), fix=_xml_fixer("xliff"),
    description="XLIFF 1.2 and 2.x: each <target>; inline tags and placeholders protected",
    segment_ids="the unit id (1.2), \"unit::segment\" (2.x)"))
register_format(FormatSpec(
    name="tmx", suffixes=(".tmx",), fix=_xml_fixer("tmx"),
    description="TMX: each target-language <seg>; inline tags and placeholders protected",
    segment_ids="the tu id"))
