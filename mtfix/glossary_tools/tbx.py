"""TBX (TermBase eXchange, ISO 30042) in and out: a termbase becomes glossary entries.

**Reading** accepts TBX-Basic and TBX-Default v2 (``martif`` / ``termEntry`` / ``langSet`` /
``tig`` or ``ntig``/``termGrp``), TBX v3 (``tbx`` / ``conceptEntry`` / ``langSec`` /
``termSec``, DCA or DCT style), TBX-Min (``TBX dialect="TBX-Min"`` / ``conceptEntry`` or
``entry`` / ``langGroup`` / ``termGroup`` with ``termStatus``, and the v3 ``tbx
type="TBX-Min"``), SDL MultiTerm's own XML export (``mtf`` / ``conceptGrp`` / ``languageGrp`` /
``termGrp``) and the shapes memoQ and SDL Trados MultiTerm export to TBX (term
status in ``administrativeStatus``, ``normativeAuthorization`` or a custom "Status" / "Usage"
field; upper-case, lower-case or three-letter language codes). Each concept becomes one entry:

* the target-language terms (``target_lang``, matched by primary subtag: ``en`` ~ ``en-US``)
  marked deprecated, superseded or forbidden become ``find`` -- that is how a termbase says
  "do not write this" -- and the preferred term (else the first admitted or unmarked one)
  replaces them;
* a concept with no deprecated target term becomes a **term record**: ``find`` is the
  approved term itself, ``match = "exact"``, so it changes no text (and keeps the approved term
  away from later passes) until a translator adds the wrong renderings;
* the source-language terms (``source_lang``) become ``source``;
* the note records the concept id, subject and definition and the other target terms.

Terms, subjects and definitions of a foreign file are read as XML text: each run of spaces, tabs
and line breaks is one space, and none at either end, so a pretty-printed termbase
(``<term>\n    State Council\n  </term>``) gives "State Council"; mtfix's own export is read as
written (its terms may hold such whitespace on purpose).

A file that yields no entry is an error that says why (no concept elements; no term in the
target language, naming the languages the file has). The XML is parsed without resolving
entities, loading DTDs or touching the network (lxml), and an entity reference in a term is an
error rather than text.

**Writing** (:func:`entries_to_tbx`) gives TBX-Basic v2, the dialect CAT tools import most
widely: the approved term as preferred, each ``find`` as deprecated, the ``source`` terms in
their own ``langSet``. What TBX-Basic has no field for (match kind, flag, settings, examples,
a replacement that is not the approved term) travels in ``<note>mtfix:KEY=VALUE</note>``
elements, so glossary -> TBX -> glossary keeps every entry as it was.
:func:`entries_to_tbx_min` writes TBX-Min, the minimal dialect for glossaries sent to a
translator: the same terms, with ``termStatus`` preferred / notRecommended, and mtfix's notes
on the approved term (TBX-Min has no concept-level note).
"""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from mtfix.glossary.model import GlossaryError, RawEntry, entry_from_table
from mtfix.glossary.variants import escape_alternatives
from mtfix.glossary_tools.edit import make_id
from mtfix.glossary_tools.exchange_base import (
    DEPRECATED,
    PREFERRED,
    UNKNOWN,
    ExchangeResult,
    primary_subtag,
    same_language,
    same_variant,
    status_class,
)
from mtfix.textutil import plural

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MTFIX_NOTE = "mtfix:"
EXPORT_MARK = "Exported by mtfix."
_NCNAME_RE = re.compile(r"^[A-Za-z_][\w.-]*$")
_STATUS_TYPES = ("administrativestatus", "normativeauthorization", "termstatus")
#: TBX-Min's names for the concept, language and term elements (the 2014 drafts wrote
#: ``entry``; later ``conceptEntry``, ``langGroup``, ``termGroup``)
#: (``languageGrp`` and ``termGrp`` directly inside it: MultiTerm XML, ``<mtf>``)
_CONCEPT_ELEMENTS = ("{*}termEntry", "{*}conceptEntry", "{*}conceptGrp")
_LANG_ELEMENTS = ("langSet", "langSec", "langGroup", "languageGrp")
_TERM_ELEMENTS = ("tig", "ntig", "termSec", "termGroup", "termGrp")
_XML_SPACE_RE = re.compile(r"[ \t\r\n]+")
#: mtfix settings that may repeat (one note per value)
_REPEATED = ("context", "source", "source_not", "before", "after", "not_before", "not_after",
             "example")


@dataclass(slots=True)
class Term:
    """One term of a language section, with its status (preferred / admitted / deprecated,
    ``None`` when unmarked, ``unknown`` for a status word mtfix does not know)."""

    text: str
    status: str | None
    status_text: str = ""


@dataclass(slots=True)
class Concept:
    """What one ``termEntry`` / ``conceptEntry`` holds, as read."""

    ident: str
    line: int | None
    langs: list[tuple[str, list[Term]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    settings: dict[str, list[str]] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)
    #: (language code, or "" at concept level; definition)
    definitions: list[tuple[str, str]] = field(default_factory=list)

    def terms(self, language: str) -> list[Term]:
        """The terms of ``language``: of the sections in exactly that variant when it names
        one and the concept has them (``en-GB``: not the ``en-US`` terms, whose preferred
        spelling may be the one en-GB deprecates), else of every section of its primary
        language (``en`` reads ``en-US`` and ``en-GB``)."""
        exact = [t for code, terms in self.langs if same_variant(code, language)
                 for t in terms]
        if exact:
            return exact
        return [t for code, terms in self.langs if same_language(code, language) for t in terms]


@dataclass(slots=True)
class Tally:
    """Concepts that share one notice, so a termbase of 10,000 concepts gives one line per
    kind of decision rather than 10,000."""

    found: dict[str, list[str]] = field(default_factory=dict)

    def add(self, message: str, ident: str) -> None:
        self.found.setdefault(message, []).append(ident)

    def lines(self) -> list[str]:
        return [f"{message} ({_count(ids)})" for message, ids in self.found.items()]


def _count(ids: list[str]) -> str:
    shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
    return f"{plural(len(ids), 'concept')}: {shown}"


# -- reading -------------------------------------------------------------------------------------
def parse_xml(data: bytes, path: str) -> etree._Element:
    """Parse without resolving entities, loading DTDs or using the network: a termbase from
    elsewhere must not read local files or expand into gigabytes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise GlossaryError(f"not well-formed XML ({exc.msg}); a TBX file must be XML: fix it "
                            "where the message says", path=path, line=exc.lineno) from None


@functools.lru_cache(maxsize=256)
def _local(tag: object) -> str:
    """``{namespace}name`` -> ``name`` (cached: a termbase repeats a dozen tags a million
    times); comments and entities, whose tag is not a string, have none."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(node: etree._Element, path: str) -> str:
    """The text of an element; an entity reference in it is an error (it is not expanded, so
    reading on would import ``&name;`` as the term)."""
    for sub in node.iter():
        if sub.tag is etree.Entity:
            raise GlossaryError(f"{sub.text} is an entity declared in the file's DTD; mtfix does "
                                "not expand entities: write the text itself", path=path,
                                line=sub.sourceline)
    return "".join(node.itertext())


def tbx_to_entries(data: bytes | str, path: str, *, target_lang: str = "en",
                   source_lang: str | None = None) -> tuple[list[RawEntry], ExchangeResult]:
    """The entries of a TBX file (module docstring), with what was skipped and why. Raises
    :class:`GlossaryError` when the file is not TBX or yields no entry."""
    root = parse_xml(data.encode("utf-8") if isinstance(data, str) else data, path)
    elements = list(root.iter(*_CONCEPT_ELEMENTS))
    if not elements and is_tbx_min(root):
        elements = [e for e in root.iter("{*}entry") if _local(e.getparent().tag) == "body"]
    if not elements:
        raise GlossaryError(f"no <termEntry>, <conceptEntry> or <conceptGrp> element: is this a "
                            f"TBX or MultiTerm XML file? (its root element is "
                            f"<{_local(root.tag)}>)", path=path)
    ours = _is_mtfix_export(root)
    concepts = [read_concept(e, number, path, as_written=ours)
                for number, e in enumerate(elements, 1)]
    result = ExchangeResult()
    _check_languages(concepts, path, target_lang, source_lang, result)
    tally = Tally()
    entries: list[RawEntry] = []
    used: set[str] = set()
    stem = Path(path).stem
    for concept in concepts:
        table = concept_table(concept, target_lang=target_lang, source_lang=source_lang,
                              ours=ours, tally=tally, result=result)
        if table is None:
            continue
        name = table.get("target") or table["replace"] or table["find"][0]  # the concept's name
        table["id"] = _unique(table.get("id") or make_id(stem, name), used, stem, name)
        entries.append(entry_from_table(table, path, concept.line, len(entries)))
    result.notices.extend(tally.lines())
    if not entries:
        reasons = "; ".join(result.skipped[:3]) + ("; ..." if len(result.skipped) > 3 else "")
        raise GlossaryError(f"no entry could be imported from {len(concepts)} concepts: "
                            f"{reasons}", path=path)
    return entries, result


def _unique(entry_id: str, used: set[str], stem: str, name: str) -> str:
    """Ids must be unique in the glossary; a clash falls back to the id made from the term,
    then -2, -3, ..."""
    if entry_id in used:
        entry_id = make_id(stem, name)
    base, number = entry_id, 2
    while entry_id in used:
        entry_id, number = f"{base}-{number}", number + 1
    used.add(entry_id)
    return entry_id


def is_tbx_min(root: etree._Element) -> bool:
    """``<TBX dialect="TBX-Min">`` (TBX v2 era) or ``<tbx type="TBX-Min">`` (v3)."""
    return _local(root.tag).lower() == "tbx" and "TBX-Min" in (
        root.get("dialect") or root.get("type") or "")


def _is_mtfix_export(root: etree._Element) -> bool:
    """A file mtfix wrote: its ids and notes are mtfix's own and are read back as they are
    (a foreign file's concept ids and fields go into the note instead)."""
    for node in root.iter("{*}sourceDesc", "{*}description"):
        return "".join(node.itertext()).strip().startswith(EXPORT_MARK)
    return False


def read_concept(element: etree._Element, number: int, path: str, *,
                 as_written: bool = False) -> Concept:
    """One concept's languages, terms, notes, ``mtfix:`` settings, subject and definitions.
    ``as_written``: keep the whitespace of terms (mtfix's own export), else collapse it as XML
    text (module docstring)."""
    concept = Concept(ident=element.get("id") or _child_text(element, "concept")
                      or f"#{number}", line=element.sourceline)
    for child in element:
        name = _local(child.tag)
        if name in _LANG_ELEMENTS:
            code = child.get(XML_LANG) or child.get("lang") or _mtf_language(child)
            concept.langs.append((code, _lang_terms(child, path, concept, as_written)))
            _descriptions(child, concept, path, code)
        elif name == "note":
            _note(_text(child, path), concept)
    _descriptions(element, concept, path, "")
    return concept


def _child_text(element: etree._Element, name: str) -> str:
    """The text of the first direct child ``name`` (MultiTerm XML's ``<concept>1</concept>``,
    the concept's number), or ""."""
    for child in element:
        if _local(child.tag) == name:
            return collapse_space("".join(child.itertext()))
    return ""


def _mtf_language(lang_group: etree._Element) -> str:
    """MultiTerm XML names a ``languageGrp``'s language in a child:
    ``<language type="English" lang="EN-US"/>``."""
    for child in lang_group:
        if _local(child.tag) == "language":
            return (child.get("lang") or child.get("type") or "").strip()
    return ""


def collapse_space(text: str) -> str:
    """XML text as a reader sees it: runs of spaces, tabs and line breaks are one space, none
    at the ends (NBSP and other spaces stay: they are content)."""
    return _XML_SPACE_RE.sub(" ", text).strip(" ")


def _note(value: str, concept: Concept) -> None:
    if value.startswith(MTFIX_NOTE):
        key, _, setting = value[len(MTFIX_NOTE):].partition("=")
        concept.settings.setdefault(key, []).append(setting)
    elif value.strip():
        concept.notes.append(value)


def _descriptions(element: etree._Element, concept: Concept, path: str, code: str) -> None:
    """Subject and definition fields of a concept or of the language section ``code``
    (directly, or inside ``descripGrp`` as memoQ and MultiTerm write them)."""
    for child in element:
        name = _local(child.tag)
        if name == "descripGrp":
            _descriptions(child, concept, path, code)
        elif name in ("descrip", "subjectField", "definition"):
            # TBX v3 DCT style names the field by the element (<basic:subjectField>)
            kind = (child.get("type") or name).strip().lower()
            value = collapse_space(_text(child, path))
            if not value:
                continue
            if kind in ("subjectfield", "subject", "subject field", "domain"):
                concept.subjects.append(value)
            elif kind == "definition":
                concept.definitions.append((code, value))


def _lang_terms(lang_set: etree._Element, path: str, concept: Concept,
                as_written: bool) -> list[Term]:
    """The terms of a language section; notes on a TBX-Min term (the only notes that dialect
    has) are the concept's. Term text is collapsed as XML text unless ``as_written``."""
    terms = []
    for holder in lang_set:
        if _local(holder.tag) not in _TERM_ELEMENTS:
            continue
        if _local(holder.tag) == "termGroup":
            for node in holder:
                if _local(node.tag) == "note":
                    _note(_text(node, path), concept)
        text = None
        status_text, kind = "", ""
        for node in holder.iter():
            name = _local(node.tag)
            if name == "term" and text is None:
                text = _text(node, path)
                text = text if as_written else collapse_space(text)
            elif _is_status_field(name, node):
                status_text = _text(node, path).strip()
                kind = (node.get("type") or name).strip().lower()
        if text is not None:
            terms.append(Term(text, status_class(status_text, kind) if status_text else None,
                              status_text))
    return terms


def _is_status_field(name: str, node: etree._Element) -> bool:
    """``termNote type="administrativeStatus"`` (TBX-Basic), ``normativeAuthorization``
    (TBX-Default), a DCT-style ``<administrativeStatus>`` element (TBX v3), or a custom field
    whose type says status, usage or forbidden (memoQ, MultiTerm)."""
    if name.lower() in _STATUS_TYPES:
        return True
    if name not in ("termNote", "descrip", "admin"):
        return False
    kind = (node.get("type") or "").strip().lower()
    return kind in _STATUS_TYPES or "status" in kind or kind in ("usage", "forbidden")


def _check_languages(concepts: list[Concept], path: str, target_lang: str,
                     source_lang: str | None, result: ExchangeResult) -> None:
    """A language the file does not have is an error that names the ones it has; languages
    that are not read are named, with the option that reads them."""
    codes = list(dict.fromkeys(code for c in concepts for code, terms in c.langs if terms))
    has = ", ".join(codes) or "no language at all"
    for option, wanted in (("--target-lang", target_lang), ("--source-lang", source_lang)):
        if wanted and not any(same_language(code, wanted) for code in codes):
            raise GlossaryError(f"no term in language {wanted} ({option}): the file has {has}; "
                                f"give {option} with one of these", path=path)
    unread = [c for c in codes if not same_language(c, target_lang)
              and not (source_lang and same_language(c, source_lang))]
    if unread and not source_lang:
        result.notices.append(f"terms in {', '.join(unread)} were not read: give --source-lang "
                              f"{primary_subtag(unread[0])} to keep them as each entry's "
                              "'source'")
    elif unread:
        result.notices.append(f"terms in {', '.join(unread)} were not read (neither the source "
                              "nor the target language)")


def concept_table(concept: Concept, *, target_lang: str, source_lang: str | None, ours: bool,
                  tally: Tally, result: ExchangeResult) -> dict | None:
    """The entry table of one concept, or ``None`` (reason in ``result.skipped``)."""
    terms = concept.terms(target_lang)
    deprecated = [t.text for t in terms if t.status == DEPRECATED and t.text.strip()]
    allowed = {t.text for t in terms if t.status != DEPRECATED}
    # en-US prefers what en-GB deprecates, read as one (mtfix's own export may list a find as
    # accepted too, on purpose: the terms check accepts what the entry still rewrites)
    if not ours and allowed.intersection(deprecated):
        deprecated = [d for d in deprecated if d not in allowed]
        tally.add(f"a term deprecated in one {target_lang} section is allowed in another: it "
                  "is kept as allowed, not replaced; give --target-lang with the region "
                  f"(e.g. {primary_subtag(target_lang)}-GB) to read one section", concept.ident)
    approved, others = _approved(terms, concept.ident, tally)
    settings = concept.settings
    if "replace" in settings:
        replace = settings["replace"][0]
    elif approved is not None:
        replace = approved
    elif settings.get("delete") == ["true"]:
        replace = ""
    elif deprecated:
        result.skipped.append(f"{concept.ident}: deprecated {target_lang} term(s) "
                              f"{deprecated!r} but no approved {target_lang} term to replace "
                              "them with")
        return None
    else:
        result.skipped.append(f"{concept.ident}: no {target_lang} term")
        return None
    # a foreign term is literal text; mtfix's own export writes finds in its {a|b} syntax
    literal = (lambda term: term) if ours else escape_alternatives
    if deprecated:
        table: dict = {"find": [literal(d) for d in deprecated], "replace": replace}
        if not ours and any(d.casefold() == replace.casefold() for d in deprecated):
            # the termbase forbids a casing ("party committee" for "Party committee"); read
            # case-insensitively the entry would rewrite every casing, "PARTY COMMITTEE" in a
            # headline and other allowed ones ("IPHONE") included
            table["case"] = "sensitive"
            tally.add("a deprecated term differs from the approved one only in case: the entry "
                      "is case = \"sensitive\" (it finds the deprecated casings only)",
                      concept.ident)
    elif approved is not None and approved.strip():
        table = {"find": [literal(approved)], "replace": replace, "match": "exact"}
        tally.add("no deprecated term: written as a term record (find is the approved term, "
                  "match = \"exact\"; it changes no text until wrong renderings are added)",
                  concept.ident)
    else:
        result.skipped.append(f"{concept.ident}: no {target_lang} term to find")
        return None
    if approved is not None and approved != replace:
        table["target"] = approved
    _apply_settings(table, settings)
    sources = _sources(concept, source_lang, settings)
    if sources:
        table["source"] = sources
        if others:  # other admitted renderings: the terms check accepts them too
            table["accepted"] = others
            others = []
        if settings.get("source_not"):
            table["source_not"] = settings["source_not"]
    elif source_lang:
        tally.add(f"no {source_lang} term: the entry has no 'source'", concept.ident)
    note = _note_text(concept, others, ours, (target_lang, source_lang))
    if note:
        table["note"] = note
    if ours:
        table["id"] = settings.get("id", [concept.ident])[0]
    return table


def _approved(terms: list[Term], ident: str, tally: Tally) -> tuple[str | None, list[str]]:
    """The approved target term (the preferred one; else the first admitted or unmarked one,
    said in a notice) and the other usable target terms (``accepted``, or the note)."""
    usable = [t for t in terms if t.status != DEPRECATED and t.text]
    for term in usable:
        if term.status == UNKNOWN:
            tally.add(f"status {term.status_text!r} is not one mtfix knows: read as admitted "
                      "(neither replaced nor preferred)", ident)
    preferred = [t for t in usable if t.status == PREFERRED]
    if len(preferred) > 1:
        tally.add("several preferred terms: the first is the approved term, the others are "
                  f"kept as {_OTHERS}", ident)
    if not preferred and len(usable) > 1:
        tally.add("no term marked preferred among several: the first is the approved term, the "
                  f"others are kept as {_OTHERS}", ident)
    chosen = (preferred or usable or [None])[0]
    if chosen is None:
        return None, []
    return chosen.text, [t.text for t in usable if t is not chosen]


#: where :func:`concept_table` puts the other allowed target terms
_OTHERS = "'accepted' renderings (in the note when the concept has no source term)"


def _sources(concept: Concept, source_lang: str | None, settings: dict[str, list[str]]) -> list[str]:
    """Source terms: those of the source language, then any kept in ``mtfix:source`` notes."""
    found = [t.text.strip() for t in concept.terms(source_lang)] if source_lang else []
    found += settings.get("source", [])
    return [s for s in dict.fromkeys(found) if s.strip()]


def _apply_settings(table: dict, settings: dict[str, list[str]]) -> None:
    """The ``mtfix:`` notes mtfix's own export writes, back into entry keys."""
    for key in ("match", "case", "line", "scope"):
        if key in settings:
            table[key] = settings[key][0]
    for key in ("flag", "forms", "separators"):
        if settings.get(key) == ["true"]:
            table[key] = True
    if "min_score" in settings:
        table["min_score"] = float(settings["min_score"][0])
    for key in ("context", "before", "after", "not_before", "not_after"):
        if key in settings:
            table[key] = settings[key]
    if "example" in settings:
        table["examples"] = [json.loads(value) for value in settings["example"]]


def _note_text(concept: Concept, others: list[str], ours: bool,
               langs: tuple[str, str | None]) -> str:
    """mtfix's own notes as written; for a foreign termbase, the concept id, subject,
    definitions (of the concept and of the languages read), notes and the other target terms,
    so a reviewer can trace the entry back."""
    if ours:
        return " ".join(concept.notes)
    parts = [f"TBX concept {concept.ident}"] if not concept.ident.startswith("#") else []
    parts += [f"subject: {s}" for s in dict.fromkeys(concept.subjects)]
    parts += [f"definition: {d}" for code, d in dict.fromkeys(concept.definitions)
              if not code or any(lang and same_language(code, lang) for lang in langs)]
    parts += concept.notes
    if others:
        parts.append("also: " + ", ".join(others))
    return "; ".join(parts)


# -- writing -------------------------------------------------------------------------------------
# What XML 1.0 cannot hold, even escaped: C0 controls but tab and line breaks, surrogates,
# U+FFFE and U+FFFF (lxml and ElementTree write them anyway, and no reader takes the file).
_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _check_xml_chars(entries: Sequence[RawEntry]) -> None:
    """Refuse, naming the entry and the character, an entry a TBX file cannot carry."""
    for entry in entries:
        for name in entry.__dataclass_fields__:
            value = getattr(entry, name)
            for text in value if isinstance(value, tuple) else (value,):
                found = _NOT_XML_RE.search(text) if isinstance(text, str) else None
                if found is not None:
                    raise GlossaryError(
                        f"its {name} holds U+{ord(found.group()):04X}, which XML (so TBX) "
                        "cannot hold: remove the character, or export to TOML or CSV",
                        path=entry.path, line=entry.line, entry_id=entry.id)


def entries_to_tbx(entries: Sequence[RawEntry], *, target_lang: str = "en",
                   source_lang: str | None = None, title: str = "glossary") -> bytes:
    """TBX-Basic (v2, ``martif``), the dialect CAT tools import most widely (module
    docstring). Without ``source_lang``, source terms travel in ``mtfix:source`` notes.
    :class:`GlossaryError` for an entry with a character XML cannot hold."""
    _check_xml_chars(entries)
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: source_lang or target_lang})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(file_desc, "titleStmt"), "title").text = title
    ET.SubElement(ET.SubElement(file_desc, "sourceDesc"), "p").text = (
        f"{EXPORT_MARK} Deprecated terms are what mtfix finds; the preferred term replaces "
        "them. Notes starting 'mtfix:' keep mtfix settings; leave them as they are.")
    ET.SubElement(ET.SubElement(header, "encodingDesc"), "p",
                  {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    used_ids: set[str] = set()
    for entry in entries:
        _write_concept(body, entry, used_ids, target_lang=target_lang, source_lang=source_lang)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def entries_to_tbx_min(entries: Sequence[RawEntry], *, target_lang: str = "en",
                       source_lang: str | None = None, title: str = "glossary") -> bytes:
    """TBX-Min (``<TBX dialect="TBX-Min">``): per entry a ``conceptEntry`` with a
    ``langGroup`` per language and a ``termGroup`` per term, ``termStatus`` preferred for the
    approved term and notRecommended for each ``find``. TBX-Min has notes on terms only, so
    the entry's note and its ``mtfix:`` settings are notes of its first target term.
    :class:`GlossaryError` for an entry with a character XML cannot hold."""
    _check_xml_chars(entries)
    root = ET.Element("TBX", {"dialect": "TBX-Min"})
    header = ET.SubElement(root, "header")
    ET.SubElement(header, "id").text = title
    ET.SubElement(header, "description").text = (
        f"{EXPORT_MARK} Terms marked notRecommended are what mtfix finds; the preferred term "
        "replaces them. Notes starting 'mtfix:' keep mtfix settings; leave them as they are.")
    ET.SubElement(header, "languages", {"source": source_lang or target_lang,
                                        "target": target_lang})
    body = ET.SubElement(root, "body")
    used_ids: set[str] = set()
    for entry in entries:
        xml_id = _unique_xml_id(entry.id, used_ids)
        concept = ET.SubElement(body, "conceptEntry", {"id": xml_id})
        if source_lang and entry.source:
            group = ET.SubElement(concept, "langGroup", {XML_LANG: source_lang})
            for term in entry.source:
                ET.SubElement(ET.SubElement(group, "termGroup"), "term").text = term
        group = ET.SubElement(concept, "langGroup", {XML_LANG: target_lang})
        terms = [(entry.approved, "preferred")] if entry.approved else []
        terms += [(term, "admitted") for term in entry.accepted]
        if not _is_term_record(entry):
            terms += [(find, "notRecommended") for find in entry.find]
        notes = ([entry.note] if entry.note else []) + [
            f"{MTFIX_NOTE}{key}={value}"
            for key, value in export_settings(entry, xml_id, with_sources=source_lang is None)]
        for number, (term, status) in enumerate(terms):
            term_group = ET.SubElement(group, "termGroup")
            ET.SubElement(term_group, "term").text = term
            ET.SubElement(term_group, "termStatus").text = status
            for note in notes if number == 0 else ():
                ET.SubElement(term_group, "note").text = note
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _unique_xml_id(entry_id: str, used_ids: set[str]) -> str:
    xml_id = entry_id if _NCNAME_RE.match(entry_id) else _xml_id(entry_id)
    while xml_id in used_ids:
        xml_id += "_"
    used_ids.add(xml_id)
    return xml_id


def _write_concept(body: ET.Element, entry: RawEntry, used_ids: set[str], *, target_lang: str,
                   source_lang: str | None) -> None:
    xml_id = _unique_xml_id(entry.id, used_ids)
    term_entry = ET.SubElement(body, "termEntry", {"id": xml_id})
    if entry.note:
        ET.SubElement(term_entry, "note").text = entry.note
    for key, value in export_settings(entry, xml_id, with_sources=source_lang is None):
        ET.SubElement(term_entry, "note").text = f"{MTFIX_NOTE}{key}={value}"
    if source_lang and entry.source:
        lang_set = ET.SubElement(term_entry, "langSet", {XML_LANG: source_lang})
        for term in entry.source:
            ET.SubElement(ET.SubElement(lang_set, "tig"), "term").text = term
    lang_set = ET.SubElement(term_entry, "langSet", {XML_LANG: target_lang})
    approved = entry.approved
    if approved:
        _tig(lang_set, approved, "preferredTerm-admn-sts")
    for term in entry.accepted:
        _tig(lang_set, term, "admittedTerm-admn-sts")
    if not _is_term_record(entry):
        for find in entry.find:
            _tig(lang_set, find, "deprecatedTerm-admn-sts")


def _is_term_record(entry: RawEntry) -> bool:
    """An exact entry whose only find is its approved term: written as the preferred term
    alone, which is how a termbase writes a concept with no wrong rendering."""
    return entry.match == "exact" and entry.find == (entry.approved,)


def export_settings(entry: RawEntry, xml_id: str, *, with_sources: bool) -> list[tuple[str, str]]:
    """(key, value) of each ``mtfix:`` note an entry needs to read back exactly."""
    out: list[tuple[str, str]] = []
    if xml_id != entry.id:
        out.append(("id", entry.id))
    if entry.match != "phrase":
        out.append(("match", entry.match))
    if entry.flag:
        out.append(("flag", "true"))
    if entry.min_score is not None:
        out.append(("min_score", f"{entry.min_score:g}"))
    out += [("context", word) for word in entry.context]
    if entry.replace != entry.approved or not entry.replace:
        out.append(("replace", entry.replace))
    if entry.case != "insensitive":
        out.append(("case", entry.case))
    if entry.line_mode is not None:
        out.append(("line", entry.line_mode))
    if entry.scope is not None:
        out.append(("scope", entry.scope))
    out += [(key, "true") for key in ("forms", "separators") if getattr(entry, key)]
    for key in ("before", "after", "not_before", "not_after"):
        out += [(key, value) for value in getattr(entry, key)]
    if with_sources:
        out += [("source", term) for term in entry.source]
    out += [("source_not", word) for word in entry.source_not]
    out += [("example", json.dumps({"text": x.text, "fixed": x.fixed}, ensure_ascii=False))
            for x in entry.examples]
    return out


def _xml_id(entry_id: str) -> str:
    safe = re.sub(r"[^\w.-]", "_", entry_id)
    return safe if _NCNAME_RE.match(safe) else "_" + safe


def _tig(lang_set: ET.Element, term: str, status: str) -> None:
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = term
    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


__all__ = ["entries_to_tbx", "entries_to_tbx_min", "is_tbx_min", "parse_xml", "status_class",
           "tbx_to_entries"]
