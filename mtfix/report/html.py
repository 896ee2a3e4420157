"""The HTML report: one self-contained file (inline CSS and JS, no network) to review changes.

Every piece of text from the change log or the documents goes through :func:`html.escape`
(and the embedded JSON has ``<``, ``>`` and ``&`` escaped), so an MT segment containing
``<script>`` renders as text. The page is built once, server-side; filtering toggles one
stylesheet rule and decisions toggle one class per card, so 10,000 changes stay responsive.
Cards carry no buttons of their own: one action bar moves to the card being decided, which
keeps the page small and the cards quiet.

Each card shows where the change is, its rule and why (the note), its id, and the redline in
its context: the whole unit of a segmented file, beside its source in a bilingual one.
Changes that cannot both be applied (overlapping spans, :func:`~mtfix.review.changes_overlap`)
name each other, so the page refuses to accept the second one.

Decisions are exported as ``decisions.json`` (schema in :mod:`mtfix.review.decisions`) with a
Blob download; ``mtfix apply`` applies them. Changes marked "add to glossary" are exported as
a glossary TOML file (``[[entry]]`` tables, docs/glossary-format.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from html import escape
from importlib import resources
from typing import IO

from mtfix.change import Change
from mtfix.report.loader import STATUS_OK, Report, ReportDocument
from mtfix.report.redline import word_diff

TEMPLATE = "template.html"
#: above this many cards, off-screen cards are neither laid out nor painted until scrolled to
#: (``content-visibility: auto``); print still shows every card, and so does the page opened
#: with ``#all`` at the end of its address. Up to it every card is rendered, so full-page
#: screenshots show them all: 300 eager cards open in about 0.2 s and a filter takes 50 ms in
#: headless Chromium; 600 take 0.45 s and 150 ms, 2,000 take 1 s and 380 ms (0.35 s and 15 ms
#: lazy), see benchmarks/report_speed.py.
LAZY_CARDS = 300
# How whitespace-only edits are shown: a space is invisible as a deletion or an insertion.
_WS_MARKS = str.maketrans({" ": "\u2423", "\t": "\u21e5", "\u00a0": "\u237d", "\n": "\u21b5\n",
                           "\r": "\u240d"})


def render_html(report: Report, title: str = "mtfix review") -> str:
    """The whole report page as a string."""
    parts: list[str] = []
    write_html(report, _ListWriter(parts), title=title)
    return "".join(parts)


def write_html(report: Report, stream: IO[str], title: str = "mtfix review") -> None:
    """Write the report page to ``stream`` (the template is split at its markers, so the
    documents are streamed rather than built as one more giant string)."""
    from mtfix._version import __version__

    template = resources.files("mtfix.report").joinpath(TEMPLATE).read_text(encoding="utf-8")
    summary = report.summary()
    changes = report.changes
    ids = "".join(c.id for c in changes)
    meta = {
        "source": report.source,
        "generator": f"mtfix {__version__}",
        "key": hashlib.sha1(ids.encode()).hexdigest()[:16],
    }
    subtitle = (f"{summary.changes} change{'s' * (summary.changes != 1)}, "
                f"{summary.flags} flag{'s' * (summary.flags != 1)} in "
                f"{summary.documents} document{'s' * (summary.documents != 1)}")
    if report.source:
        subtitle += f" \u00b7 change log {report.source}"
    values = {
        "TITLE": escape(title),
        "SUBTITLE": escape(subtitle),
        "SUMMARY": _summary_html(report),
        "BODY_CLASS": "lazy" if len(changes) > LAZY_CARDS else "",
        "PASS_OPTIONS": "".join(f'<option value="{escape(p)}">{escape(p)}</option>'
                                for p in sorted(summary.by_pass)),
        "RULE_OPTIONS": "".join(f'<option value="{escape(r)}">{escape(r)}</option>'
                                for r in sorted(summary.by_rule)),
        "META": _script_json(meta),
    }
    head, marker, tail = template.partition("<!--@DOCUMENTS@-->")
    if not marker:
        raise RuntimeError(f"{TEMPLATE} lacks the <!--@DOCUMENTS@--> marker")
    stream.write(_fill(head, values))
    for document in report.documents:
        stream.write(_document_html(document))
    stream.write(_fill(tail, values))


class _ListWriter:
    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


def _fill(text: str, values: dict[str, str]) -> str:
    # Values are escaped HTML (no "<!--@" can appear in them), so replacing in turn is safe.
    for key, value in values.items():
        text = text.replace(f"<!--@{key}@-->", value)
    return text


def _script_json(data: object) -> str:
    """JSON safe inside <script>: no "</script>", no "<!--", no HTML-significant characters."""
    text = json.dumps(data, ensure_ascii=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _summary_html(report: Report) -> str:
    summary = report.summary()
    out = ["<table><tr><th>pass</th><th>changes</th><th>flags</th></tr>"]
    for name, counts in sorted(summary.by_pass.items()):
        out.append(f'<tr><td>{escape(name)}</td><td class="n">{counts["changes"]}</td>'
                   f'<td class="n">{counts["flags"]}</td></tr>')
    out.append("</table><table><tr><th>rule</th><th>pass</th><th>changes</th><th>flags</th></tr>")
    for rule, counts in sorted(summary.by_rule.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        out.append(f'<tr><td><span class="rulelink" data-rule="{escape(rule)}" '
                   f'title="show only this rule">{escape(rule)}</span></td>'
                   f'<td>{escape(summary.rule_pass[rule])}</td><td class="n">{counts["changes"]}</td>'
                   f'<td class="n">{counts["flags"]}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _document_html(document: ReportDocument) -> str:
    formats = {c.format for c in document.changes if c.format}
    fmt = f' data-format="{escape(formats.pop())}"' if len(formats) == 1 else ""
    out = [f'<section class="doc" data-doc="{escape(document.doc)}"{fmt}>'
           f'<h2>{escape(document.doc)}</h2>']
    applied, flags = len(document.applied), len(document.flags)
    message = f"{applied} change{'s' * (applied != 1)}, {flags} flag{'s' * (flags != 1)}"
    if document.path and document.path != document.doc:
        message += f" \u00b7 original read from {document.path}"
    warn = document.status != STATUS_OK
    if document.message:
        message += f" \u00b7 {document.message}"
    out.append(f'<p class="docmsg{" warn" if warn else ""}">{escape(message)}</p>')
    overlaps = overlapping_ids(document.changes)
    for change in document.changes:
        out.append(change_html(change, document, overlaps.get(change.id, ())))
    out.append("</section>\n")
    return "".join(out)


def overlapping_ids(changes: Sequence[Change]) -> dict[str, list[str]]:
    """For each change, the ids of the changes it cannot be applied together with (by
    :func:`mtfix.review.changes_overlap`); most changes have none. A sweep over each unit's
    changes in text order, so 10,000 changes cost no more than sorting them."""
    from mtfix.review import changes_overlap

    by_unit: dict[str | None, list[Change]] = {}
    for change in changes:
        by_unit.setdefault(change.segment, []).append(change)
    found: dict[str, list[str]] = {}
    for unit in by_unit.values():
        open_: list[Change] = []  # earlier changes whose span reaches past the current start
        for change in sorted(unit, key=lambda c: (c.start, c.end)):
            open_ = [c for c in open_ if c.end > change.start]
            for other in open_:
                if changes_overlap(other, change):
                    found.setdefault(change.id, []).append(other.id)
                    found.setdefault(other.id, []).append(change.id)
            open_.append(change)
    return found


def change_html(change: Change, document: ReportDocument, overlaps: Sequence[str] = ()) -> str:
    """One change as a card: where, rule, pass, id, the redline in context (beside the source
    in a bilingual file), the flag's proposal, and the note (why)."""
    flag = change.is_flag
    classes = "chg flag" if flag else "chg"
    if flag and change.proposal is not None:
        classes += " hasprop"
    where = (f"L{change.line}" if change.segment is None or change.format == "lines"
             else f"segment {change.segment}")
    ov = f' data-ov="{escape(" ".join(overlaps))}"' if overlaps else ""
    parts = [
        f'<article class="{classes}" id="c-{escape(change.id)}" data-id="{escape(change.id)}" '
        f'data-pass="{escape(change.pass_)}" data-rule="{escape(change.rule)}"{ov}><header>'
        f'<span class="loc">{escape(where)}</span><span class="rule">{escape(change.rule)}</span>'
        f'<span class="pass">{escape(change.pass_)}</span>',
        '<span class="kind">flag</span>' if flag else "",
        "" if change.score is None else f'<span class="pass">score {change.score:.2f}</span>',
        f'<span class="state"></span><code class="cid" title="change id (click to copy)">'
        f"{escape(change.id)}</code></header>",
    ]
    redline = "".join(_redline_in_context(change, document))
    source = document.source(change)
    if source is not None:
        parts.append(f'<div class="bi"><div class="src" title="source">{escape(source)}</div>'
                     f"{redline}</div>")
    else:
        parts.append(redline)
    if flag and change.proposal is not None:
        parts.append(f'<div class="prop"><span class="d">{redline_html(change.before, change.proposal)}'
                     "</span></div>")
    if change.note:
        parts.append(f'<div class="note">{escape(change.note)}</div>')
    parts.append("</article>\n")
    return "".join(parts)


def _redline_in_context(change: Change, document: ReportDocument) -> Iterator[str]:
    """The change's redline (``span.d``) between its context (``span.ctx``)."""
    left, right = document.context(change)
    yield f'<div class="rl"><span class="ctx">{escape(left)}</span><span class="d">'
    if change.is_flag:
        yield _visible(change.before, "mark")
    else:
        yield redline_html(change.before, change.after)
    yield f'</span><span class="ctx">{escape(right)}</span></div>'


def redline_html(before: str, after: str) -> str:
    """Word-level ``<del>``/``<ins>`` markup turning ``before`` into ``after`` (escaped)."""
    out = []
    for op, text in word_diff(before, after):
        if op == "=":
            out.append(escape(text))
        else:
            out.append(_visible(text, "del" if op == "-" else "ins"))
    return "".join(out)


def _visible(text: str, tag: str) -> str:
    """Escaped ``text`` in ``tag``, made visible where it would not be: whitespace is shown as
    marks (␣ a space, ⇥ a tab, ↵ a line break) in a box, and a lone punctuation mark (a hyphen,
    a dot) gets a box too, so a spacing or hyphen fix cannot be missed. Where the marks change
    what is shown, ``data-t`` holds the text itself (the page reads it for edits)."""
    cls = ""
    shown = text
    if text.isspace():
        cls, shown = "ws", text.translate(_WS_MARKS)
    elif len(text) <= 3 and not any(ch.isalnum() or ch.isspace() for ch in text):
        cls = "pt"
    elif "\n" in text:
        shown = text.replace("\n", "\u21b5\n")
    attrs = (f' class="{cls}"' if cls else "") + (f' data-t="{escape(text)}"' if shown != text else "")
    return f"<{tag}{attrs}>{escape(shown)}</{tag}>"
