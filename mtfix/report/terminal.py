"""The terminal report (rich): a coloured word-level redline per change, pager-friendly.

Deleted words are red and struck through, inserted words green and underlined, flags yellow.
Colour is used when writing to a terminal (or when forced, e.g. for ``less -R``); without
colour the redline falls back to ``[-deleted-]{+inserted+}`` marks so it still reads in a
plain pipe or a log file.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from mtfix.change import Change
from mtfix.report.loader import STATUS_OK, Report, ReportDocument
from mtfix.report.redline import word_diff

DEL_STYLE = "red strike"
INS_STYLE = "green underline"
FLAG_STYLE = "black on yellow"


def redline_text(before: str, after: str, plain: bool = False) -> Text:
    text = Text()
    for op, piece in word_diff(before, after):
        shown = piece.replace("\n", "\u21b5\n") if op != "=" else piece
        if op == "=":
            text.append(piece)
        elif plain:
            text.append(f"[-{shown}-]" if op == "-" else f"{{+{shown}+}}")
        else:
            text.append(shown, style=DEL_STYLE if op == "-" else INS_STYLE)
    return text


def render_change(change: Change, document: ReportDocument, plain: bool = False) -> Group:
    """One change: a header line (document, line, rule, pass, note) and the redline in context."""
    where = f"{change.doc}:{change.line}" if change.segment is None else \
        f"{change.doc} segment {change.segment}"
    header = Text()
    header.append(where, style="bold")
    header.append("  ")
    header.append(change.rule, style="cyan")
    header.append(f"  ({change.pass_})", style="dim")
    if change.is_flag:
        header.append("  FLAG", style="bold yellow")
    if change.score is not None:
        header.append(f"  score {change.score:.2f}", style="dim")
    left, right = document.context(change)
    body = Text()
    body.append(left, style="dim")
    if change.is_flag:
        body.append(f"[?{change.before}?]" if plain else change.before,
                    style="" if plain else FLAG_STYLE)
    else:
        body.append_text(redline_text(change.before, change.after, plain))
    body.append(right, style="dim")
    rows = [header, body]
    if change.is_flag and change.proposal is not None:
        proposal = Text("proposal: ", style="dim")
        proposal.append_text(redline_text(change.before, change.proposal, plain))
        rows.append(proposal)
    if change.note:
        rows.append(Text(change.note, style="dim italic"))
    return Group(*rows)


def summary_table(report: Report) -> Table:
    summary = report.summary()
    table = Table(title=f"{summary.documents} document(s), {summary.changes} change(s), "
                        f"{summary.flags} flag(s)", title_justify="left")
    table.add_column("rule")
    table.add_column("pass")
    table.add_column("changes", justify="right")
    table.add_column("flags", justify="right")
    for rule, counts in sorted(summary.by_rule.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        table.add_row(rule, summary.rule_pass[rule], str(counts["changes"]), str(counts["flags"]))
    return table


def print_report(report: Report, console: Console | None = None) -> None:
    """Print the summary, then each document with its changes."""
    console = console or Console()
    plain = console.no_color or not console.is_terminal
    console.print(summary_table(report))
    for document in report.documents:
        console.print()
        title = Text(document.doc, style="bold underline")
        if document.status != STATUS_OK and document.message:
            title.append(f"  ({document.message})", style="yellow")
        console.print(title)
        for change in document.changes:
            console.print()
            console.print(render_change(change, document, plain=plain))
