"""The rule contract and the one rule registry.

A rule is one module in ``mtfix/passes/rules/`` holding one class decorated with
:func:`register_rule`. The class declares:

* ``id``: recorded as ``rule`` in every change; ``--rule ID`` / ``--no-rule ID`` switch it;
* ``description``: one line for ``mtfix rules``; the module docstring is the rule's user doc
  (``docs/rules.md`` is generated from it: ``mtfix rules --markdown``);
* ``default``: on unless switched off; ``flag_only``: it only ever flags;
* ``scope``: ``"inline"`` (edits within a line) or ``"line"`` (deletes whole lines; runs on the
  text as the in-line rules leave it, see :class:`~mtfix.passes.rules.RulesPass`);
* ``order``: tie-break rank in the overlap policy (lower wins an exact tie);
* ``options``: option name -> help, passed to ``__init__`` as keyword arguments;
* ``line_local``: True when what it finds in a line does not depend on the other lines of
  the text, so that run over many segments joined by line breaks it finds, for each segment
  where it finds something on its own, something touching that segment (it may find more:
  "written joined elsewhere in the text"). It lets one-segment-per-line files be screened
  in one call (:meth:`~mtfix.passes.rules.RulesPass.screen`); left False, every segment is
  fixed on its own. ``tests/test_lines_screen.py`` checks the shipped rules that declare it;
* ``line_exact``: stronger than ``line_local``: what it finds in a line of many, in that
  line, is exactly what it finds in the line alone (no traits, nothing it reads crosses a
  line break). The lines screen's run over many segments then stands for each segment's own
  run (see :meth:`~mtfix.passes.rules.RulesPass.screen`), which is not repeated;
* ``wants_traits``: ``find`` also gets ``traits=`` (the document's traits, see
  :mod:`mtfix.doctraits`), for a rule whose right answer depends on the whole document. A
  trait may only stop an edit, turn a flag into a change at the same place or move an edit's
  end within its line (never add an edit on another line): the lines screen runs rules with
  the file's traits, or none where they are not known;

and ``find(text, guard) -> list[Edit]``. A rule that is not sure emits a flag
(``Edit(flag=True)``): reported, never applied. Adding a rule means adding its module, its tests
and regenerating the docs; nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal, Protocol, TypeVar, runtime_checkable

from mtfix.change import Edit
from mtfix.passes.rules.common import SpanGuard

Scope = Literal["inline", "line"]
SCOPES: tuple[Scope, ...] = ("inline", "line")


@runtime_checkable
class Rule(Protocol):
    id: str
    description: str
    default: bool
    flag_only: bool
    scope: Scope
    order: int

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        """Edits and flags for ``text``; none may touch a span ``guard`` protects."""
        ...

    def bind(self, rules: Sequence[Rule]) -> None:
        """Called once with every rule of the run (itself included), before any ``find``."""
        ...

    def deletes_whole_line(self, line: str) -> bool:
        """Would this rule delete ``line`` (with its line end) whole? Lets other line rules
        see through lines deleted in the same run."""
        ...


class BaseRule:
    """Defaults of the rule contract."""

    id: ClassVar[str]
    description: ClassVar[str]
    default: ClassVar[bool] = True
    flag_only: ClassVar[bool] = False
    scope: ClassVar[Scope] = "inline"
    order: ClassVar[int] = 100
    options: ClassVar[dict[str, str]] = {}
    line_local: ClassVar[bool] = False
    line_exact: ClassVar[bool] = False
    wants_traits: ClassVar[bool] = False

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        raise NotImplementedError

    def bind(self, rules: Sequence[Rule]) -> None:
        return None

    def deletes_whole_line(self, line: str) -> bool:
        return False


#: rule id -> rule class, filled by :func:`register_rule` as the rule modules are imported
REGISTRY: dict[str, type[BaseRule]] = {}

R = TypeVar("R", bound=type[BaseRule])


def register_rule(cls: R) -> R:
    """Class decorator: add a rule to the registry (its declarations are checked here, so a
    malformed rule fails at import, naming itself)."""
    for attribute in ("id", "description"):
        if not isinstance(getattr(cls, attribute, None), str) or not getattr(cls, attribute):
            raise TypeError(f"rule class {cls.__qualname__} needs a non-empty str {attribute!r}")
    if cls.scope not in SCOPES:
        raise TypeError(f"rule {cls.id}: scope must be one of {', '.join(SCOPES)}, "
                        f"not {cls.scope!r}")
    if cls.id in REGISTRY and REGISTRY[cls.id] is not cls:
        raise TypeError(f"rule id {cls.id!r} is registered twice ({REGISTRY[cls.id].__module__} "
                        f"and {cls.__module__}); give one of them another id")
    REGISTRY[cls.id] = cls
    return cls
