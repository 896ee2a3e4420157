"""Run every glossary example and report ALL failures (loading stops at the first one).

The examples are run by :meth:`Glossary.example_failures` (the same check a load runs): each
example's ``text`` must become ``fixed`` under its own file's entries, and ``fixed`` must stay
as it is (idempotence); what other files do to it is a warning of the load, not a failure
(``mtfix glossary lint`` lists those). Here the glossary is built with ``run_examples=False``
so that one failing example does not hide the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.glossary import Glossary, expand_glossary_paths
from mtfix.glossary.model import Example, GlossaryError, RawEntry, read_glossary
from mtfix.textutil import plural


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    entry: RawEntry
    example: Example
    got: str

    def __str__(self) -> str:
        kind = " (negative: must stay unchanged)" if self.example.is_negative else ""
        return (f"{self.entry.where()} {self.entry.id}: expected {self.example.fixed!r} "
                f"got {self.got!r} from {self.example.text!r}{kind}")


@dataclass(slots=True)
class SelfTestReport:
    failures: list[ExampleFailure] = field(default_factory=list)
    errors: list[GlossaryError] = field(default_factory=list)  # glossary does not load at all
    entries: int = 0
    examples: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"glossary cannot be loaded ({len(self.errors)} error(s)); run `mtfix glossary lint`"
        return (f"{plural(self.examples, 'example')} in {plural(self.entries, 'entry')}: "
                f"{len(self.failures)} failing")


def run_glossary_examples(paths: Iterable[str | Path]) -> SelfTestReport:
    """Run the examples of the glossaries at ``paths`` (loaded together, in order)."""
    report = SelfTestReport()
    files = []
    for path in expand_glossary_paths(paths):
        try:
            files.append(read_glossary(path))
        except GlossaryError as exc:
            report.errors.append(exc)
    if report.errors:
        return report
    try:
        glossary = Glossary(files, run_examples=False)
    except GlossaryError as exc:  # duplicate ids, bad regex: nothing can be tested
        report.errors.append(exc)
        return report
    report.entries = len(glossary)
    report.examples = sum(len(e.examples) for e in glossary.entries)
    report.failures = [ExampleFailure(entry, example, got)
                       for entry, example, got in glossary.example_failures()]
    return report

