"""Load a change log into a :class:`Report`: changes grouped by document, with the original text.

The change log is the single source of truth; every report format renders a :class:`Report`.
Reports need the original documents only for context around each change. ``doc`` in a change
is the input path as it was given to ``mtfix fix`` (relative to where it ran), so a document is
looked for

1. relative to the current directory, then
2. relative to the change log's folder,

and at each place as ``DOC`` and then ``DOC.orig`` (what ``mtfix fix --in-place`` keeps). The
first file whose hash equals the changes' ``base`` is the original. A file that exists but has
changed since (hash differs) is reported as ``changed``; a document that cannot be found is
``missing``. Either way the report still renders, just without context.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.change import Change, text_hash
from mtfix.changelog import read_change_log
from mtfix.fileio import InputError, iter_lines, read_text

CONTEXT_CHARS = 80  # context shown on each side of a change, at most (never past a line end)
# A unit of a segmented file (a PO/XLIFF/TMX unit, a line of MT output) is shown whole, up to
# this much on each side: a reviewer decides on a translation unit as a whole.
SEGMENT_CONTEXT_CHARS = 1000

STATUS_OK = "ok"            # original found and unchanged: context shown
STATUS_MISSING = "missing"  # original not found (or stdin): no context
STATUS_CHANGED = "changed"  # a file is there but its text is not what the changes were made on
STATUS_SEGMENTS = "segments"  # segment-level changes: context is the segment text, not the file


@dataclass
class ReportDocument:
    """One document of the report: its changes in text order and, if found, its original."""

    doc: str
    changes: list[Change]
    original: str | None = None
    path: str | None = None
    status: str = STATUS_MISSING
    message: str = ""
    #: original text of each changed segment, where it is known
    segment_texts: dict[str, str] = field(default_factory=dict)
    #: source text of each changed segment of a bilingual file (PO, XLIFF, TMX)
    segment_sources: dict[str, str] = field(default_factory=dict)

    @property
    def applied(self) -> list[Change]:
        return [c for c in self.changes if not c.is_flag]

    @property
    def flags(self) -> list[Change]:
        return [c for c in self.changes if c.is_flag]

    def context(self, change: Change, width: int = CONTEXT_CHARS) -> tuple[str, str]:
        """Text just before and just after ``change`` in the original ("" when unknown); for a
        segment, the rest of the segment (up to :data:`SEGMENT_CONTEXT_CHARS` each side)."""
        if change.segment is not None:
            segment = self.segment_texts.get(change.segment)
            if segment is None:
                return "", ""
            return context_around(segment, change.start, change.end,
                                  max(width, SEGMENT_CONTEXT_CHARS), lines=False)
        if self.original is None:
            return "", ""
        return context_around(self.original, change.start, change.end, width)

    def source(self, change: Change) -> str | None:
        """The source text of the change's segment in a bilingual file, where known."""
        return None if change.segment is None else self.segment_sources.get(change.segment)


@dataclass
class Summary:
    documents: int
    changes: int
    flags: int
    by_pass: dict[str, Counter[str]] = field(default_factory=dict)  # pass -> {"changes", "flags"}
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)  # rule -> {"changes", "flags"}
    rule_pass: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "changes": self.changes,
            "flags": self.flags,
            "by_pass": {p: {"changes": c["changes"], "flags": c["flags"]}
                        for p, c in sorted(self.by_pass.items())},
            "by_rule": {r: {"pass": self.rule_pass[r], "changes": c["changes"], "flags": c["flags"]}
                        for r, c in sorted(self.by_rule.items())},
        }


@dataclass
class Report:
    """Everything a report renders: documents in change-log order, each with its changes."""

    documents: list[ReportDocument]
    source: str | None = None  # the change log's path, when loaded from one

    @property
    def changes(self) -> list[Change]:
        return [c for d in self.documents for c in d.changes]

    def summary(self) -> Summary:
        by_pass: dict[str, Counter[str]] = {}
        by_rule: dict[str, Counter[str]] = {}
        rule_pass: dict[str, str] = {}
        flags = 0
        for change in self.changes:
            kind = "flags" if change.is_flag else "changes"
            flags += change.is_flag
            by_pass.setdefault(change.pass_, Counter())[kind] += 1
            by_rule.setdefault(change.rule, Counter())[kind] += 1
            rule_pass.setdefault(change.rule, change.pass_)
        total = len(self.changes)
        return Summary(len(self.documents), total - flags, flags, by_pass, by_rule, rule_pass)


def context_around(text: str, start: int, end: int, width: int = CONTEXT_CHARS,
                   lines: bool = True) -> tuple[str, str]:
    """Up to ``width`` code points each side of ``text[start:end]`` on the same line (any line,
    when not ``lines``: a segment's line breaks are part of it), cut at a space (marked "…")
    so that no word is shown half."""
    left = text[max(0, start - width) : start]
    newline = max(left.rfind("\n"), left.rfind("\r")) if lines else -1
    if newline != -1:
        left = left[newline + 1 :]
    elif start - width > 0:
        space = left.find(" ")
        if 0 <= space < len(left) - 1:
            left = "…" + left[space + 1 :]
    right = text[end : end + width]
    cut = [i for i in (right.find("\n"), right.find("\r")) if i != -1] if lines else []
    if cut:
        right = right[: min(cut)]
    elif end + width < len(text):
        space = right.rfind(" ")
        if space > 0:
            right = right[:space] + "…"
    return left, right


def group_by_document(changes: Iterable[Change]) -> dict[str, list[Change]]:
    """Changes per document (documents in first-seen order), each list in text order."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.doc, []).append(change)
    for items in grouped.values():
        items.sort(key=lambda c: (c.segment or "", c.start, c.end))
    return grouped


def build_report(changes: Iterable[Change], originals: Mapping[str, str] | None = None,
                 *, search_dirs: Sequence[str | Path] = (), source: str | None = None) -> Report:
    """Group ``changes`` by document and attach each original.

    ``originals`` maps ``doc`` to its original text (used as given, e.g. by ``mtfix fix``
    which still has it in memory); other documents are looked up on disk in ``search_dirs``
    (the current directory when empty), see the module doc.
    """
    originals = originals or {}
    dirs = [Path(d) for d in search_dirs] or [Path()]
    documents = []
    for doc, items in group_by_document(changes).items():
        document = ReportDocument(doc, items)
        if any(c.segment is not None for c in items):
            document.status = STATUS_SEGMENTS
            document.message = ("segment-level changes: the file was not found as it was fixed, "
                                "shown without their units' text")
            if not _find_lines(document, dirs):
                _find_units(document, dirs)
        elif doc in originals:
            _attach(document, originals[doc], None)
        else:
            _find_original(document, dirs)
        documents.append(document)
    return Report(documents, source)


def load_report(change_log: str | Path, *, originals: Mapping[str, str] | None = None) -> Report:
    """Read a change log (JSON Lines) and build its report; documents are looked up relative to
    the current directory, then relative to the change log's folder."""
    path = Path(change_log)
    try:
        with open(path, encoding="utf-8") as stream:
            changes = list(read_change_log(stream, str(path)))
    except FileNotFoundError:
        raise InputError(f"{path}: no such change log") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 change log (JSON Lines written by `mtfix fix`)") from None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    dirs = [Path()]  # the current directory, kept relative so paths in reports stay short
    if path.parent.resolve() != Path.cwd().resolve():
        dirs.append(path.parent)
    return build_report(changes, originals, search_dirs=dirs, source=str(path))


def _find_original(document: ReportDocument, dirs: Sequence[Path]) -> None:
    if document.doc in ("-", "<stdin>", "<text>"):
        document.message = "read from standard input: no original to show context from"
        return
    bases = {c.base for c in document.changes}
    changed_at: str | None = None
    for folder in dirs:
        for name in (document.doc, document.doc + ".orig"):
            candidate = Path(name) if Path(name).is_absolute() else folder / name
            if not candidate.is_file():
                continue
            try:
                text = read_text(candidate)
            except InputError:
                continue
            if text_hash(text) in bases:
                _attach(document, text, str(candidate))
                return
            changed_at = changed_at or str(candidate)
    if changed_at is not None:
        document.status = STATUS_CHANGED
        document.path = changed_at
        document.message = (f"{changed_at} has changed since the change log was written: "
                            "shown without context")
    else:
        tried = " or ".join(str(d) for d in dirs)
        document.message = f"original not found (looked in {tried}): shown without context"


def _find_lines(document: ReportDocument, dirs: Sequence[Path]) -> bool:
    """For a one-segment-per-line file (segment ids are line numbers, ``--format lines``),
    each changed line's text from the file on disk, where it still hashes to the change's
    ``base``: the report then shows every change in its line. False for another format."""
    wanted = {c.segment for c in document.changes}
    formats = {c.format for c in document.changes}
    if formats != {"lines"} and (formats != {None} or not all(
            s is not None and s.isdigit() for s in wanted)):
        return False  # another format (a version-1 log names none: line-number ids tell)
    for folder in dirs:
        candidate = Path(document.doc)
        candidate = candidate if candidate.is_absolute() else folder / candidate
        if not candidate.is_file():
            continue
        # the lines as the lines format reads them (same splitting, same line ends)
        from mtfix.formats.lines import split_line_end

        try:
            lines = [split_line_end(line)[0] for line in iter_lines(candidate)]
        except InputError:
            continue
        texts = {}
        for change in document.changes:
            number = int(change.segment)
            if number <= len(lines) and text_hash(lines[number - 1]) == change.base:
                texts[change.segment] = lines[number - 1]
        if texts.keys() == wanted:
            document.segment_texts = texts
            document.path = str(candidate)
            document.status = STATUS_OK
            document.message = ""
            return True
    return True


def _find_units(document: ReportDocument, dirs: Sequence[Path]) -> None:
    """For another segmented file (PO, XLIFF, TMX, JSON Lines), each changed unit's text and,
    in a bilingual file, its source, read through the file's format
    (:mod:`mtfix.report.segments`). Units that changed since are shown without their text."""
    from mtfix.report.segments import unit_texts

    wanted = {c.segment for c in document.changes}
    for folder, name in ((f, n) for f in dirs for n in (document.doc, document.doc + ".orig")):
        candidate = Path(name) if Path(name).is_absolute() else folder / name
        if not candidate.is_file():
            continue
        try:
            texts = unit_texts(candidate, document.changes)
        except (InputError, ValueError, OSError):
            continue  # not readable in its format here: try the next place
        if not texts.targets:
            continue
        document.segment_texts = texts.targets
        document.segment_sources = texts.sources
        document.path = str(candidate)
        missing = len(wanted - texts.targets.keys())
        if missing:
            document.message = (f"{missing} unit(s) of {candidate} have changed since the change "
                                "log was written: shown without their text")
        else:
            document.status = STATUS_OK
            document.message = ""
        return


def _attach(document: ReportDocument, text: str, path: str | None) -> None:
    bases = {c.base for c in document.changes}
    if bases and text_hash(text) not in bases:
        document.status = STATUS_CHANGED
        document.message = "the given original is not the text the changes were made on"
        return
    document.original = text
    document.path = path
    document.status = STATUS_OK
