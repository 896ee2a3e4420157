"""The Markdown report, for pull requests and tickets.

A summary table, then one fenced ``diff`` block per document (code hosts colour ``-``/``+``
lines): for each change a ``@@`` line with line number, rule and pass, the original line
fragment (with context) as ``-`` and the changed one as ``+``. Word-level marks
``[-deleted-]{+inserted+}`` show exactly which words changed. Flags show as ``!`` lines.
Everything outside code blocks is escaped, and each fence is longer than any run of
backticks inside it, so no text from a document can break the layout.
"""

from __future__ import annotations

import re

from mtfix.change import Change
from mtfix.report.loader import STATUS_OK, Report, ReportDocument
from mtfix.report.redline import word_diff
from mtfix.textutil import printable

# Only what can start emphasis, code, links, HTML or table cells mid-line; "-", "." and the like
# matter only at the start of a line, and every escaped text here follows a prefix ("## ", "| ").
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def md_escape(text: str) -> str:
    """Escape Markdown (and HTML) syntax in running text; newlines become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "\u21b5")


def _marked(before: str, after: str) -> str:
    out = []
    for op, piece in word_diff(before, after):
        out.append(piece if op == "=" else f"[-{piece}-]" if op == "-" else f"{{+{piece}+}}")
    return _one_line("".join(out))


def render_markdown(report: Report, title: str = "mtfix review") -> str:
    summary = report.summary()
    lines = [f"# {md_escape(title)}", ""]
    if report.source:
        lines += [f"Change log: `{report.source.replace('`', '')}`", ""]
    lines += [f"**{summary.documents}** document(s), **{summary.changes}** change(s), "
              f"**{summary.flags}** flag(s).", "",
              "| rule | pass | changes | flags |", "|---|---|---:|---:|"]
    for rule, counts in sorted(summary.by_rule.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        lines.append(f"| {md_escape(rule)} | {md_escape(summary.rule_pass[rule])} | "
                     f"{counts['changes']} | {counts['flags']} |")
    for document in report.documents:
        lines += ["", f"## {md_escape(document.doc)}", ""]
        if document.status != STATUS_OK and document.message:
            lines += [f"_{md_escape(document.message)}_", ""]
        block = [_change_lines(change, document) for change in document.changes]
        body = "\n".join(block)
        fence = "`" * max(3, _longest_backtick_run(body) + 1)
        lines += [f"{fence}diff", body, fence]
    # Control characters of the input (ESC sequences) mean nothing in a Markdown report and
    # would drive a terminal the report is printed on: shown escaped, like the terminal report.
    return printable("\n".join(lines) + "\n")


def _change_lines(change: Change, document: ReportDocument) -> str:
    where = f"line {change.line}" if change.segment is None else f"segment {change.segment}"
    kind = " FLAG" if change.is_flag else ""
    head = f"@@ {where} · {change.rule} ({change.pass_}){kind} @@"
    if change.note:
        head += " " + _one_line(change.note)
    left, right = (_one_line(t) for t in document.context(change))
    if change.is_flag:
        rows = [head, f"! {left}[?{_one_line(change.before)}?]{right}"]
        if change.proposal is not None:
            rows.append(f"! proposal: {_marked(change.before, change.proposal)}")
        return "\n".join(rows)
    return "\n".join([head, f"- {left}{_one_line(change.before)}{right}",
                      f"+ {left}{_one_line(change.after)}{right}",
                      f"  {_marked(change.before, change.after)}"])


def _longest_backtick_run(text: str) -> int:
    return max((len(m) for m in re.findall(r"`+", text)), default=0)
