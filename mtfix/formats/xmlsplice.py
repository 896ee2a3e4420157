"""Write a fixed XML translation file back by splicing into its original text.

Only the text runs that a fix changed (and the attributes a review mark sets) are replaced;
every other byte stays as it was: the encoding and its byte order mark, the XML declaration,
CRLF line ends, entity and character references, attribute quoting, comments. Re-serializing
the lxml tree would normalise all of that (CRLF becomes LF, ``&#233;`` becomes "é"), and
translate-toolkit's own writer puts a second byte order mark after the declaration of a UTF-16
file, which no XML parser accepts.

:func:`splice_xml` returns ``None`` when it cannot be sure of a byte-exact result (an encoding
that does not round-trip, a run holding a CDATA section or an entity of the document's own,
tokens that do not line up with the parsed tree); the caller then re-serializes the tree.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Sequence
from typing import Any

# (element or comment node, "text" | "tail", text before the fix, text after it)
Run = tuple[Any, str, str, str]

_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_DECLARED_RE = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

_TOKEN_RE = re.compile(
    r"<!--.*?-->"
    r"|<\?.*?\?>"
    r"|<!\[CDATA\[.*?\]\]>"
    r"|</[^>]*>"
    r"|<([^\s/>!?]+)[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>",
    re.S,
)
_ATTR_RE = re.compile(r"""(\s+)([^\s=/>]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')""")
_ATOM_RE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));|\r\n?|[&<]")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def xml_codec(data: bytes) -> tuple[str, int] | None:
    """(Python codec, length of the byte order mark) the XML bytes ``data`` are written in.

    A BOM decides; without one, UTF-16 shows as ``<`` next to a NUL byte, else the declared
    encoding (UTF-8 if none) counts. ``None`` for UTF-32 and unknown encodings.
    """
    if data.startswith(_UTF32_BOMS):
        return None
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if data.startswith(b"<\x00"):
        return "utf-16-le", 0
    if data.startswith(b"\x00<"):
        return "utf-16-be", 0
    declared = _DECLARED_RE.match(data)
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return codecs.lookup(name).name, 0
    except LookupError:
        return None


def decode_xml(data: bytes) -> str | None:
    """The text of the XML bytes ``data`` (BOM left out), or None if it cannot be decoded."""
    found = xml_codec(data)
    if found is None:
        return None
    codec, bom = found
    try:
        return data[bom:].decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def splice_xml(original: bytes, root: Any, runs: Sequence[Run], elements: Iterable[Any]
               ) -> bytes | None:
    """``original`` with the changed ``runs`` and the attributes of ``elements`` (as they are
    now in the tree under ``root``) replaced in place; ``None`` if that cannot be done exactly
    (see the module doc). The result is checked to parse."""
    found = xml_codec(original)
    if found is None:
        return None
    codec, bom = found
    text = decode_xml(original)
    if text is None or text.encode(codec) != original[bom:]:
        return None  # the encoding does not round-trip: splicing text would change bytes
    elements = list(dict.fromkeys(elements))
    spans = _locate(text, root, {(node, attr) for node, attr, _old, _new in runs}, set(elements))
    if spans is None:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []
    for node, attr, old, new in runs:
        start, end = spans[(node, attr)]
        edit = _splice_run(text[start:end], old, new, newline)
        if edit is None:
            return None
        edits.append((start + edit[0], start + edit[1], edit[2]))
    for element in elements:
        start, end = spans[(element, "tag")]
        tag = _retag(text[start:end], element.attrib)
        if tag is None:
            return None
        edits.append((start, end, tag))
    pieces, pos = [], 0
    for start, end, new_text in sorted(edits):
        pieces += [text[pos:start], new_text]
        pos = end
    pieces.append(text[pos:])
    data = original[:bom] + "".join(pieces).encode(codec, errors="xmlcharrefreplace")
    return data if _parses(data) else None


def _parses(data: bytes) -> bool:
    """A last check before anything is written: the spliced file is well-formed XML (parsed
    as a stream, each element dropped once read: a second whole tree would double the
    memory a large file takes)."""
    import io

    from lxml import etree

    try:
        for _event, element in etree.iterparse(io.BytesIO(data), events=("end",),
                                               resolve_entities=False, huge_tree=True,
                                               no_network=True):
            element.clear(keep_tail=True)
    except etree.XMLSyntaxError:
        return False
    return True


def _locate(text: str, root: Any, wanted_runs: set[tuple[Any, str]], wanted_tags: set[Any]
            ) -> dict[tuple[Any, str], tuple[int, int]] | None:
    """Spans in ``text`` of the wanted text runs ``(node, "text"|"tail")`` and start tags
    ``(element, "tag")``, found by walking the markup and the parsed tree in step (every
    element, comment and processing instruction under the root is one token, in document
    order). ``None`` if the two do not line up or something wanted is not found."""
    from lxml import etree

    wanted = len(wanted_runs) + len(wanted_tags)
    spans: dict[tuple[Any, str], tuple[int, int]] = {}
    nodes = root.iter()
    stack: list[Any] = []
    owner: tuple[Any, str] | None = None  # whose text run the text since run_start is
    run_start = 0
    started = False
    for m in _TOKEN_RE.finditer(text):
        token = m.group()
        if not started and m.group(1) is None:
            continue  # the prolog: declaration, comments, doctype
        started = True
        if token.startswith("<![CDATA["):
            continue  # part of the current text run
        if owner in wanted_runs:
            spans[owner] = (run_start, m.start())
        if len(spans) == wanted:
            return spans
        if token.startswith("</"):
            if not stack:
                return None
            owner = (stack.pop(), "tail")
            if not stack:
                break  # the root element ended
        else:
            node = next(nodes, None)
            if node is None or not _same_node(node, token, m.group(1), etree):
                return None
            if node in wanted_tags:
                spans[(node, "tag")] = (m.start(), m.end())
            if m.group(1) is not None and not token.endswith("/>"):
                stack.append(node)
                owner = (node, "text")
            else:
                owner = (node, "tail")
        run_start = m.end()
    return spans if len(spans) == wanted else None


def _same_node(node: Any, token: str, name: str | None, etree: Any) -> bool:
    if token.startswith("<!--"):
        return node.tag is etree.Comment
    if token.startswith("<?"):
        return node.tag is etree.PI
    tag = node.tag if isinstance(node.tag, str) else ""
    return name is not None and tag.rsplit("}", 1)[-1] == name.rsplit(":", 1)[-1]


def _decode_run(raw: str) -> tuple[str, list[int]] | None:
    """The parsed value of the raw text run ``raw`` and, for each of its characters, where it
    starts in ``raw`` (plus ``len(raw)`` at the end). ``None`` for a run holding a CDATA
    section or an entity other than the five predefined ones."""
    value: list[str] = []
    starts: list[int] = []
    pos = 0
    for m in _ATOM_RE.finditer(raw):
        value.append(raw[pos:m.start()])
        starts.extend(range(pos, m.start()))
        token = m.group()
        if token in ("&", "<"):
            return None
        if token[0] == "\r":
            char = "\n"  # XML reads CRLF and a lone CR as LF
        elif m.group(3):
            char = _ENTITIES[m.group(3)]
        else:
            char = chr(int(m.group(1), 16) if m.group(1) else int(m.group(2)))
        value.append(char)
        starts.append(m.start())
        pos = m.end()
    value.append(raw[pos:])
    starts.extend(range(pos, len(raw) + 1))
    return "".join(value), starts


def _splice_run(raw: str, old: str, new: str, newline: str) -> tuple[int, int, str] | None:
    """The smallest replacement (start, end, raw text) in ``raw`` that turns its value ``old``
    into ``new``; references and line ends outside the changed part stay as written."""
    decoded = _decode_run(raw)
    if decoded is None or decoded[0] != old:
        return None
    starts = decoded[1]
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    middle = new[prefix:len(new) - suffix]
    if "\r\n" in raw:
        newline = "\r\n"
    return starts[prefix], starts[len(old) - suffix], _escape_text(middle, newline)


def _escape_text(value: str, newline: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;").replace("\n", newline)


def _escape_attr(value: str, quote: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(quote, "&quot;" if quote == '"'
                                                                   else "&apos;")
    return value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")


def _attr_value(raw: str) -> str | None:
    decoded = _decode_run(raw.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
                          .replace("\t", " "))
    return None if decoded is None else decoded[0]


def _retag(tag: str, attrib: Any) -> str | None:
    """The start tag ``tag`` with the element's current attributes: changed values replaced
    where they stand (quote style kept), new ones added at the end. ``None`` if an attribute
    was removed or a namespaced one changed (mtfix never does either)."""
    plain = {k: v for k, v in attrib.items() if not k.startswith("{")}
    namespaced = len(attrib) - len(plain)
    name_end = re.match(r"<[^\s/>]+", tag).end()  # type: ignore[union-attr]
    pieces, pos, last, seen_namespaced = [], 0, name_end, 0
    seen: set[str] = set()
    for m in _ATTR_RE.finditer(tag, name_end):
        name, last = m.group(2), m.end()
        if name == "xmlns" or name.startswith("xmlns:"):
            continue
        if ":" in name:
            seen_namespaced += 1
            continue
        quote = '"' if m.group(4) is not None else "'"
        raw = m.group(4) if m.group(4) is not None else m.group(5)
        if name not in plain or _attr_value(raw) is None:
            return None
        seen.add(name)
        if _attr_value(raw) != plain[name]:
            value_start = m.start(4) if m.group(4) is not None else m.start(5)
            pieces += [tag[pos:value_start], _escape_attr(plain[name], quote)]
            pos = value_start + len(raw)
    if seen_namespaced != namespaced:
        return None
    added = "".join(f' {k}="{_escape_attr(v, chr(34))}"' for k, v in plain.items() if k not in seen)
    pieces += [tag[pos:last], added, tag[last:]]
    return "".join(pieces)
