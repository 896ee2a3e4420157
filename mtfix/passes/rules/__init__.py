"""The rules pass: built-in checks for generic MT garbles that no glossary lists.

Each rule is a small unit (one module each) with the :class:`Rule` shape: an ``id`` (recorded
as ``rule`` in every change), a one-line ``description``, whether it is on by ``default``,
whether it only ever flags (``flag_only``), and ``find(text, guard) -> list[Edit]``. A rule
that is not sure emits a flag (``Edit(flag=True)``): reported, never applied.

>>> from mtfix.passes.rules import RulesPass
>>> from mtfix.change import apply_edits
>>> p = RulesPass()
>>> apply_edits("We adhere to never say anything, never say anything .", p.find_edits(
...     "We adhere to never say anything, never say anything ."))
'We adhere to never say anything.'
>>> [r.id for r in p.rules]
['chrome', 'duplicate_lines', 'repetition', 'spacing', 'capitals']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from mtfix.change import Edit, select_non_overlapping
from mtfix.passes.rules.capitals import CapitalsRule
from mtfix.passes.rules.chrome import ChromePhraseError, ChromeRule
from mtfix.passes.rules.common import Span, SpanGuard
from mtfix.passes.rules.duplicate_lines import DuplicateLinesRule
from mtfix.passes.rules.repetition import RepetitionRule
from mtfix.passes.rules.spacing import SpacingRule

__all__ = [
    "RULE_TYPES",
    "ChromePhraseError",
    "Rule",
    "RuleInfo",
    "RulesPass",
    "UnknownRuleError",
    "available_rules",
    "resolve_rule_ids",
]


@runtime_checkable
class Rule(Protocol):
    id: str
    description: str
    default: bool
    flag_only: bool

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        """Edits and flags for ``text``; none may touch a span ``guard`` protects."""
        ...


#: Every built-in rule, in tie-break order (an earlier rule wins an exact tie).
RULE_TYPES: tuple[type, ...] = (ChromeRule, DuplicateLinesRule, RepetitionRule, SpacingRule,
                                CapitalsRule)


@dataclass(frozen=True)
class RuleInfo:
    """What ``mtfix rules`` lists."""

    id: str
    default: bool
    flag_only: bool
    description: str


class UnknownRuleError(ValueError):
    """A rule id that does not exist (the message lists the ones that do)."""


def available_rules() -> list[RuleInfo]:
    return [RuleInfo(t.id, t.default, t.flag_only, t.description) for t in RULE_TYPES]


def resolve_rule_ids(enabled: Sequence[str] | None = None, disabled: Sequence[str] = ()
                     ) -> list[str]:
    """The rule ids a run uses, in registry order: the rules that are on by default, plus
    ``enabled`` (this switches on rules that are off by default), minus ``disabled``.

    Unknown ids raise :class:`UnknownRuleError`.
    """
    known = {t.id: t for t in RULE_TYPES}
    for rule_id in [*(enabled or ()), *disabled]:
        if rule_id not in known:
            raise UnknownRuleError(f"unknown rule {rule_id!r}; known rules: {', '.join(known)}")
    wanted = {t.id for t in RULE_TYPES if t.default} | set(enabled or ())
    wanted -= set(disabled)
    return [t.id for t in RULE_TYPES if t.id in wanted]


class RulesPass:
    """Runs the enabled rules and merges their edits under the one overlap policy.

    ``enabled``: ids to switch on in addition to the default ones; ``disabled``: ids to switch
    off; ``only``: exactly these rules. ``chrome_phrases``: a page-chrome list to use instead
    of the shipped ``glossaries/chrome/page-chrome.txt``.
    """

    name = "rules"

    def __init__(self, enabled: Sequence[str] | None = None, disabled: Sequence[str] = (), *,
                 only: Sequence[str] | None = None,
                 chrome_phrases: str | Path | None = None) -> None:
        if only is not None:
            resolve_rule_ids(only)  # validates the ids
            ids = [t.id for t in RULE_TYPES if t.id in set(only)]
        else:
            ids = resolve_rule_ids(enabled, disabled)
        rules: list[Rule] = []
        for rule_type in RULE_TYPES:
            if rule_type.id not in ids:
                continue
            if rule_type is ChromeRule:
                rules.append(ChromeRule(path=chrome_phrases))
            else:
                rules.append(rule_type())
        chrome = next((r for r in rules if isinstance(r, ChromeRule)), None)
        for rule in rules:
            if isinstance(rule, DuplicateLinesRule) and chrome is not None:
                # A chrome line between two copies of a headline is deleted in the same run;
                # seeing through it now keeps a second run from finding a new duplicate.
                rule.transparent = chrome.is_chrome_line
        self.rules: list[Rule] = rules
        self._order = {rule.id: i for i, rule in enumerate(rules)}
        self._chrome_phrases = chrome_phrases

    def __reduce__(self):  # automata are rebuilt in worker processes, cheaply
        return (_rebuild, (tuple(self.rule_ids), self._chrome_phrases))

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self.rules]

    def find_edits(self, text: str, protected: Sequence[Span] = ()) -> list[Edit]:
        guard = SpanGuard(protected)
        edits: list[Edit] = []
        for rule in self.rules:
            edits.extend(rule.find(text, guard))
        return select_non_overlapping(edits, self._order)

    def rule_order(self) -> dict[str, int]:
        return dict(self._order)


def _rebuild(ids: tuple[str, ...], chrome_phrases: str | Path | None) -> RulesPass:
    return RulesPass(only=ids, chrome_phrases=chrome_phrases)
