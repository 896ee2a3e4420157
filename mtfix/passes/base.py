"""The pass contract: what every pass (glossary, rules, model, replay...) is and may ask for.

A pass gets the text as earlier passes left it and the spans it must not touch (text written
by earlier passes, inline tags and placeholders of the file format), and returns proposed
:class:`~mtfix.change.Edit` objects in that text's coordinates. The pipeline maps them back to
the original document and records them as :class:`~mtfix.change.Change` records.

Capabilities are declared, never sniffed:

* ``wants_flags = True``: the pipeline calls ``find_edits(text, protected, flags=spans)``, where
  ``spans`` are the spans flagged by earlier passes, in ``text`` coordinates (the model pass
  uses them to choose what to rewrite);
* ``wants_segment = True``: the pipeline also passes ``segment=`` (the id of the unit being
  fixed, ``None`` for plain text; the replay pass of ``mtfix apply`` uses it);
* ``wants_source = True``: the pipeline also passes ``source=`` (the unit's source-language
  text in bilingual files and with ``--source``, else ``None``; the terms check uses it);
* ``needs_source = True``: the pass finds nothing where the unit has no source text
  (``source`` ``None`` or empty), so the pipeline does not run it there (and does not
  prepare its protected spans: on change-heavy text the pass before it is then the last,
  which maps nothing forward); optional like ``wants_traits``;
* ``batches = True``: the pass also has ``find_edits_many(calls)``, ``calls`` being
  ``(text, protected, extra)`` triples (``extra``: the keyword arguments above), returning one
  list of edits per call, the same as ``find_edits`` would one by one. The segmented formats
  then hand it up to ``segment_window`` segments at once (the model pass: one batch of
  sentences for many short segments); ``find_edits`` stays for one text;
* ``wants_traits = True``: the pipeline also passes ``traits=`` (the document's traits, a
  frozenset of names from :mod:`mtfix.doctraits`, decided once per document: glossary entries
  with a ``scope``, the ``tokenized`` rule); optional, read with ``getattr`` (False when
  absent), so passes written before it still qualify;
* ``wants_original = True``: the pipeline also passes ``original=`` (the segment as it came
  in, before any pass changed it: the terms check does not ask for a target term that a
  pass deleted on purpose, such as a site name cut from a headline); optional like
  ``wants_traits``;
* ``prepare(nbytes)`` (optional): about ``nbytes`` of text are to be fixed by each process
  that inherits the pass (a batch calls it before it forks its workers): build now what pays
  for itself at that size (the glossary's DFA), once, instead of in every worker;
* ``fingerprint()``: a string that changes whenever the pass would edit differently (its
  glossary entries, its rules, its model); ``--resume`` never reuses results made otherwise.
* ``screen(text)`` (optional): for one-segment-per-line files, where most lines get no change.
  ``text`` is many segments joined by ``\\n``; the pass returns spans such that every segment
  for which ``find_edits(segment)`` (nothing protected) returns anything is touched by one of
  them (see :func:`mtfix.spans.lines_touched`), or ``None`` when it cannot tell. It may
  return more than that; never less. Only segments it touches are then fixed one by one (see
  :meth:`mtfix.pipeline.Pipeline.quiet_lines`). A ``wants_source`` pass is screened only where
  no segment has a source; ``wants_flags``/``wants_segment`` passes are not screened.
  ``screen_finds_edits = True`` says the spans are (nearly always) edits it will find, so a
  segment it touches is fixed without asking it again first. A ``wants_traits`` pass gets
  ``traits=`` in ``screen`` too where the segments' document traits are known (the traits
  their ``find_edits`` will get), and may screen out what they rule out.

Flag edits (``flag=True``) may cover protected spans, since they change nothing.
:class:`BasePass` gives the defaults; subclass it and set ``name``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

from mtfix.change import Edit
from mtfix.spans import Span

__all__ = ["BasePass", "Pass", "Span", "check_pass"]


@runtime_checkable
class Pass(Protocol):
    #: recorded in every change as ``pass`` (e.g. "glossary", "rules", "model")
    name: str
    wants_flags: ClassVar[bool]
    wants_segment: ClassVar[bool]
    wants_source: ClassVar[bool]

    def find_edits(self, text: str, protected: Sequence[Span] = ()) -> list[Edit]:
        """Edits for ``text`` (not touching ``protected``; overlaps are resolved by the
        pipeline's one overlap policy)."""
        ...

    def rule_order(self) -> dict[str, int]:
        """Rank of each rule id, used to break ties in the overlap policy."""
        ...

    def fingerprint(self) -> str:
        """What this pass does, as a string (see the module doc)."""
        ...


class BasePass:
    """Defaults of the pass contract: no extra arguments, no rule ranks, a fingerprint made
    of the class name and :meth:`state`."""

    name: str = "pass"
    wants_flags: ClassVar[bool] = False
    wants_segment: ClassVar[bool] = False
    wants_source: ClassVar[bool] = False
    needs_source: ClassVar[bool] = False
    screen_finds_edits: ClassVar[bool] = False
    batches: ClassVar[bool] = False
    wants_traits: ClassVar[bool] = False
    wants_original: ClassVar[bool] = False

    def find_edits(self, text: str, protected: Sequence[Span] = ()) -> list[Edit]:
        raise NotImplementedError

    def rule_order(self) -> dict[str, int]:
        return {}

    def screen(self, text: str) -> list[Span] | None:
        """See the module doc; ``None``: this pass cannot screen, every segment is fixed."""
        return None

    def prepare(self, nbytes: int) -> None:
        """See the module doc: nothing to build ahead by default."""

    def state(self) -> str:
        """What distinguishes two instances of this pass (override: entries, rule ids...)."""
        return ""

    def fingerprint(self) -> str:
        cls = type(self)
        what = f"{self.name}\0{cls.__module__}.{cls.__qualname__}\0{self.state()}"
        return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def check_pass(step: object) -> Pass:
    """``step`` if it has the whole pass contract, else a ``TypeError`` naming what is missing."""
    missing = [member for member in ("name", "wants_flags", "wants_segment", "wants_source",
                                     "find_edits", "rule_order", "fingerprint")
               if not hasattr(step, member)]
    if missing:
        raise TypeError(f"{type(step).__qualname__} is not a pass: it lacks {', '.join(missing)} "
                        "(subclass mtfix.passes.base.BasePass for the defaults)")
    return step  # type: ignore[return-value]
