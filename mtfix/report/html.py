"""The HTML report: one self-contained file (inline CSS and JS, no network) to review changes.

Every piece of text from the change log or the documents goes through :func:`html.escape`
(and the embedded JSON has ``<``, ``>`` and ``&`` escaped), so an MT segment containing
``<script>`` renders as text. The page is built once, server-side; filtering toggles one
stylesheet rule and decisions toggle one class per card, so 10,000 changes stay responsive.

Decisions are exported as ``decisions.json`` (schema in :mod:`mtfix.review`) with a Blob
download; ``mtfix apply`` applies them.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from importlib import resources
from typing import IO

from mtfix.change import Change
from mtfix.report.loader import STATUS_OK, Report, ReportDocument
from mtfix.report.redline import word_diff

TEMPLATE = "template.html"


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
    notes = _rule_notes(report)
    ids = "".join(c.id for c in report.changes)
    meta = {
        "source": report.source,
        "generator": f"mtfix {__version__}",
        "key": hashlib.sha1(ids.encode()).hexdigest()[:16],
        "notes": notes,
    }
    subtitle = (f"{summary.documents} document{'s' * (summary.documents != 1)}, "
                f"{summary.changes} change{'s' * (summary.changes != 1)}, "
                f"{summary.flags} flag{'s' * (summary.flags != 1)}")
    if report.source:
        subtitle += f" \u00b7 change log {report.source}"
    values = {
        "TITLE": escape(title),
        "SUBTITLE": escape(subtitle),
        "SUMMARY": _summary_html(report),
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
        stream.write(_document_html(document, notes))
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


def _rule_notes(report: Report) -> dict[str, str]:
    """The note of each rule (the first one seen); cards repeat a note only when it differs."""
    notes: dict[str, str] = {}
    for change in report.changes:
        notes.setdefault(change.rule, change.note)
    return notes


def _summary_html(report: Report) -> str:
    summary = report.summary()
    out = [
        '<table><tr><th>documents</th><td class="n big">', str(summary.documents),
        '</td></tr><tr><th>changes</th><td class="n big">', str(summary.changes),
        '</td></tr><tr><th>flags</th><td class="n big">', str(summary.flags), "</td></tr></table>",
        "<table><tr><th>pass</th><th>changes</th><th>flags</th></tr>",
    ]
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


def _document_html(document: ReportDocument, notes: dict[str, str]) -> str:
    out = [f'<section class="doc" data-doc="{escape(document.doc)}"><h2>{escape(document.doc)}</h2>']
    applied, flags = len(document.applied), len(document.flags)
    message = f"{applied} change{'s' * (applied != 1)}, {flags} flag{'s' * (flags != 1)}"
    if document.path and document.path != document.doc:
        message += f" \u00b7 original read from {document.path}"
    warn = document.status != STATUS_OK
    if document.message:
        message += f" \u00b7 {document.message}"
    out.append(f'<p class="docmsg{" warn" if warn else ""}">{escape(message)}</p>')
    for change in document.changes:
        out.append(change_html(change, document, notes))
    out.append("</section>\n")
    return "".join(out)


def change_html(change: Change, document: ReportDocument, notes: dict[str, str]) -> str:
    """One change as a card: location, rule, pass, actions, then the redline in context."""
    flag = change.is_flag
    where = f"L{change.line}" if change.segment is None else f"segment {change.segment}"
    parts = [
        f'<article class="chg{" flag" if flag else ""}" id="c-{escape(change.id)}" '
        f'data-id="{escape(change.id)}" data-pass="{escape(change.pass_)}" '
        f'data-rule="{escape(change.rule)}"><header>'
        f'<span class="loc">{escape(where)}</span><span class="rule">{escape(change.rule)}</span>'
        f'<span class="pass">{escape(change.pass_)}</span>',
        '<span class="kind">flag</span>' if flag else "",
        "" if change.score is None else f'<span class="pass">score {change.score:.2f}</span>',
        '<span class="state"></span><span class="acts">'
        '<button data-act="accept">accept</button><button data-act="reject">reject</button>'
        '<button data-act="undo" title="back to pending">undo</button>',
        "" if flag else '<button data-act="rule" title="accept every pending change of this rule">'
                        "accept rule</button>",
        '<button data-act="comment">comment</button></span></header>',
    ]
    left, right = document.context(change)
    parts.append(f'<div class="rl"><span class="ctx">{escape(left)}</span>')
    if flag:
        parts.append(f"<mark>{_visible(change.before, 'mark')}</mark>")
    else:
        parts.append(redline_html(change.before, change.after))
    parts.append(f'<span class="ctx">{escape(right)}</span></div>')
    if flag and change.proposal is not None:
        parts.append(f'<div class="prop">{redline_html(change.before, change.proposal)}</div>')
    if change.note and change.note != notes.get(change.rule):
        parts.append(f'<div class="note">{escape(change.note)}</div>')
    parts.append("</article>\n")
    return "".join(parts)


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
    """Escaped ``text`` in ``tag``; whitespace-only edits get a visible outline, and deleted or
    inserted line breaks a ↵ mark, since they would otherwise not be seen."""
    body = escape(text).replace("\n", "\u21b5\n")
    cls = ' class="ws"' if text.isspace() else ""
    if tag == "mark":
        return body if not cls else f'<span{cls}>{body}</span>'
    return f"<{tag}{cls}>{body}</{tag}>"
