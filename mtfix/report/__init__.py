"""Reports of a change log: HTML (interactive review), Markdown, terminal and JSON.

>>> from mtfix.report import load_report, write_report
>>> report = load_report("out/changes.jsonl")            # doctest: +SKIP
>>> write_report(report, "review.html")                  # doctest: +SKIP

All formats render the same :class:`Report` (changes grouped by document, originals attached
for context); see :mod:`mtfix.report.loader` for how originals are found.
"""

from __future__ import annotations

from pathlib import Path

from mtfix.fileio import atomic_writer
from mtfix.report.loader import Report, ReportDocument, build_report, load_report

FORMATS = ("html", "md", "json", "term")
_SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json",
                   ".txt": "term"}


def format_for_path(path: str | Path) -> str:
    """The report format a file name asks for (by extension)."""
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIX_FORMATS[suffix]
    except KeyError:
        raise ValueError(f"{path}: cannot tell the report format from the extension "
                         f"{suffix or '(none)'}; use .html, .md or .json (or give --format)") from None


def render_report(report: Report, fmt: str, title: str = "mtfix review") -> str:
    """The report as text in ``fmt`` (html, md, json or term; term is uncoloured here)."""
    if fmt == "html":
        from mtfix.report.html import render_html

        return render_html(report, title)
    if fmt == "md":
        from mtfix.report.markdown import render_markdown

        return render_markdown(report, title)
    if fmt == "json":
        from mtfix.report.jsonout import render_json

        return render_json(report)
    if fmt == "term":
        import io

        from rich.console import Console

        from mtfix.report.terminal import print_report

        buffer = io.StringIO()
        print_report(report, Console(file=buffer, no_color=True, width=100, force_terminal=False))
        return buffer.getvalue()
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_report(report: Report, path: str | Path, fmt: str | None = None,
                 title: str = "mtfix review") -> str:
    """Write the report atomically to ``path``; the format follows the extension unless given.
    Returns the format used."""
    fmt = fmt or format_for_path(path)
    if fmt == "html":
        from mtfix.report.html import write_html

        # a file name that is not UTF-8 (surrogate-escaped) shows as \udce9 (in JSON: the
        # same string again)
        with atomic_writer(path, errors="backslashreplace") as stream:
            write_html(report, stream, title)
        return fmt
    text = render_report(report, fmt, title)
    with atomic_writer(path, errors="backslashreplace") as stream:
        stream.write(text)
    return fmt


__all__ = ["FORMATS", "Report", "ReportDocument", "build_report", "format_for_path", "load_report",
           "render_report", "write_report"]
