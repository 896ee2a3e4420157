"""The glossary pass: known-bad phrases from the loaded glossaries."""

from __future__ import annotations

from collections.abc import Sequence

from mtfix.change import Edit
from mtfix.glossary import Glossary
from mtfix.passes.base import BasePass
from mtfix.spans import Span


class GlossaryPass(BasePass):
    name = "glossary"
    wants_traits = True  # entries with a ``scope`` fire only in documents with that trait

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        # Without a scoped entry the traits change nothing: the pipeline need not work them
        # out (a scan of the document's first MiB).
        self.wants_traits = bool(glossary.compiled.scopes)

    def find_edits(self, text: str, protected: Sequence[Span] = (),
                   traits: frozenset[str] | None = None) -> list[Edit]:
        return self.glossary.compiled.find_edits(text, protected, traits)

    def screen(self, text: str, traits: frozenset[str] | None = None) -> list[Span] | None:
        return self.glossary.compiled.screen(text, traits)

    def prepare(self, nbytes: int) -> None:
        self.glossary.compiled.prepare(nbytes)

    def rule_order(self) -> dict[str, int]:
        return self.glossary.compiled.order

    def state(self) -> str:
        return repr(self.glossary.entries)
