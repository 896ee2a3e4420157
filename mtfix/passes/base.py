"""The shape every pass has.

A pass gets the text as earlier passes left it and the spans it must not touch (text written
by earlier passes, inline tags and placeholders of the file format), and returns proposed
:class:`~mtfix.change.Edit` objects in that text's coordinates. The pipeline maps them back to
the original document and records them as :class:`~mtfix.change.Change` records.

Optional: a pass that sets the class attribute ``wants_flags = True`` is called as
``find_edits(text, protected, flags=spans)``, where ``spans`` are the spans flagged by earlier
passes, in ``text`` coordinates (the model pass uses them to choose what to rewrite). Flag edits
(``flag=True``) may cover protected spans, since they change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from mtfix.change import Edit

Span = tuple[int, int]


@runtime_checkable
class Pass(Protocol):
    #: recorded in every change as ``pass`` (e.g. "glossary", "rules", "model")
    name: str

    def find_edits(self, text: str, protected: Sequence[Span] = ()) -> list[Edit]:
        """Edits for ``text`` (non-overlapping, not touching ``protected``)."""
        ...

    def rule_order(self) -> dict[str, int]:
        """Rank of each rule id, used to break ties in the overlap policy."""
        ...
