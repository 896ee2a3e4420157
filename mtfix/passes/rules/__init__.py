"""The rules pass: built-in checks for generic MT garbles that no glossary lists.

Each rule is a small unit (one module each) with the :class:`Rule` shape: an ``id`` (recorded
as ``rule`` in every change), a one-line ``description``, whether it is on by ``default``,
whether it only ever flags (``flag_only``), and ``find(text, guard) -> list[Edit]``. A rule
that is not sure emits a flag (``Edit(flag=True)``): reported, never applied.

>>> from mtfix.passes.rules import RulesPass
>>> from mtfix.change import apply_edits
>>> p = RulesPass()
>>> text = 'He said my lady, my lady, my lady, my lady to her , "never mind, never mind" .'
>>> edits = p.find_edits(text)
>>> apply_edits(text, edits)
'He said my lady to her, "never mind, never mind".'
>>> [(text[e.start:e.end], e.after) for e in edits if e.flag]  # only proposed
[(', never mind', '')]
>>> [r.id for r in p.rules]
['chrome', 'duplicate_lines', 'repetition', 'spacing', 'capitals']
"""

from __future__ import annotations

import bisect
import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mtfix.change import START_END, Edit, apply_edits, select_non_overlapping
from mtfix.passes.base import BasePass
from mtfix.passes.rules.base import REGISTRY, BaseRule, Rule, register_rule
from mtfix.passes.rules.chrome import ChromePhraseError
from mtfix.passes.rules.common import SpanGuard
from mtfix.spans import OffsetMap, Span

__all__ = [
    "RULE_TYPES",
    "BaseRule",
    "ChromePhraseError",
    "Rule",
    "RuleInfo",
    "RulesPass",
    "UnknownRuleError",
    "available_rules",
    "register_rule",
    "resolve_rule_ids",
]

_NOT_RULES = frozenset({"base", "common"})  # helper modules of this package


def _import_rule_modules() -> tuple[type[BaseRule], ...]:
    """Import every rule module of this package (each registers its rule) and return the
    rule classes in tie-break order."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_RULES and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return tuple(sorted(REGISTRY.values(), key=lambda t: (t.order, t.id)))


#: Every built-in rule, in tie-break order (an earlier rule wins an exact tie).
RULE_TYPES: tuple[type[BaseRule], ...] = _import_rule_modules()


@dataclass(frozen=True)
class RuleInfo:
    """What ``mtfix rules`` lists (and ``docs/rules.md`` documents)."""

    id: str
    default: bool
    flag_only: bool
    description: str
    scope: str = "inline"
    options: tuple[tuple[str, str], ...] = ()
    doc: str = ""  # the rule module's docstring: the rule's user documentation


class UnknownRuleError(ValueError):
    """A rule id (or rule option) that does not exist (the message lists the ones that do)."""


def available_rules() -> list[RuleInfo]:
    import sys

    return [RuleInfo(t.id, t.default, t.flag_only, t.description, t.scope,
                     tuple(t.options.items()), sys.modules[t.__module__].__doc__ or "")
            for t in RULE_TYPES]


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


RuleOptions = Mapping[str, Mapping[str, Any]]


def _make_rule(rule_type: type[BaseRule], options: Mapping[str, Any]) -> BaseRule:
    """One rule, built with its options (each checked against the rule's declared ones)."""
    unknown = set(options) - set(rule_type.options)
    if unknown:
        known = ", ".join(rule_type.options) or "none"
        raise UnknownRuleError(f"rule {rule_type.id!r} has no option(s) "
                               f"{', '.join(sorted(unknown))}; its options: {known}")
    factory = getattr(rule_type, "from_options", rule_type)
    return factory(**options)


class RulesPass(BasePass):
    """Runs the enabled rules and merges their edits under the one overlap policy.

    ``enabled``: ids to switch on in addition to the default ones; ``disabled``: ids to switch
    off; ``only``: exactly these rules. ``options``: rule id -> {option: value} (each rule
    declares its options, see ``mtfix rules``); ``chrome_phrases`` is short for
    ``options={"chrome": {"phrases": path}}``.
    """

    name = "rules"

    def __init__(self, enabled: Sequence[str] | None = None, disabled: Sequence[str] = (), *,
                 only: Sequence[str] | None = None, options: RuleOptions | None = None,
                 chrome_phrases: str | Path | None = None) -> None:
        if only is not None:
            resolve_rule_ids(only)  # validates the ids
            ids = [t.id for t in RULE_TYPES if t.id in set(only)]
        else:
            ids = resolve_rule_ids(enabled, disabled)
        options = {rule_id: dict(values) for rule_id, values in (options or {}).items()}
        if chrome_phrases is not None:
            options.setdefault("chrome", {})["phrases"] = chrome_phrases
        resolve_rule_ids(list(options))  # options of unknown rules are a mistake too
        rules: list[BaseRule] = [_make_rule(t, options.get(t.id, {}))
                                 for t in RULE_TYPES if t.id in ids]
        for rule in rules:
            rule.bind(rules)
        self.rules: list[BaseRule] = rules
        self._order = {rule.id: i for i, rule in enumerate(rules)}
        self._options = {k: v for k, v in options.items() if k in ids}

    def __reduce__(self):  # automata are rebuilt in worker processes, cheaply
        return (_rebuild, (tuple(self.rule_ids), self._options))

    def state(self) -> str:
        return repr((self.rule_ids, sorted((k, sorted(map(str, v.items())))
                                           for k, v in self._options.items())))

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self.rules]

    def find_edits(self, text: str, protected: Sequence[Span] = ()) -> list[Edit]:
        """Edits of every enabled rule, in two stages so that one run reaches a fixpoint.

        Stage 1, rules inside a line (repetition, spacing, capitals). Stage 2, whole-line rules
        (chrome, duplicate_lines) run on the text as stage 1 leaves it: a collapse can make a
        line equal to the one above it ("Headline\nHeadline Headline") or a chrome line, and
        a second run must not find it then. A stage-2 deletion of a whole line absorbs the
        stage-1 edits inside that line. Stage 2 never creates stage-1 work (it deletes whole
        lines, it joins none)."""
        guard = SpanGuard(protected)
        inline: list[Edit] = []
        for rule in self.rules:
            if rule.scope == "inline":
                inline.extend(rule.find(text, guard))
        # In text order (a stable C-level sort), select_non_overlapping takes its fast path
        # when nothing overlaps; its result does not depend on the input order otherwise.
        inline.sort(key=START_END)
        inline = select_non_overlapping(inline, self._order)
        line_rules = [rule for rule in self.rules if rule.scope == "line"]
        if not line_rules:
            return inline
        applied = [e for e in inline if not e.flag]
        staged = apply_edits(text, applied) if applied else text
        lines: list[Edit] = []
        for rule in line_rules:
            lines.extend(rule.find(staged, SpanGuard(()) if applied else guard))
        lines = select_non_overlapping(lines, self._order)
        if not lines:
            return inline
        if applied:
            lines = _map_back(lines, applied, guard)
            # Only a deletion absorbs the in-line edits inside it; a flag changes nothing,
            # so it must not keep them out (they would only appear on a second run).
            spans = [(e.start, e.end) for e in lines if not e.flag]
            inline = [e for e in inline if not any((s <= e.start and e.end <= t) or (
                e.start < t and s < e.end) for s, t in _near(spans, e))]
        return select_non_overlapping(inline + lines, self._order)

    def rule_order(self) -> dict[str, int]:
        return dict(self._order)


def _map_back(edits: list[Edit], applied: list[Edit], guard: SpanGuard) -> list[Edit]:
    """Whole-line edits found on the stage-1 text, in the coordinates of the original text
    (a line's boundaries are never inside a stage-1 edit, which stays within its line)."""
    offsets = OffsetMap(applied)
    out = []
    for edit in edits:
        start = offsets.to_before(edit.start, side="end")
        end = offsets.to_before(edit.end, side="start")
        if guard and not edit.flag and guard.touches(start, end) and (
                edit.after != "" or not guard.may_delete_over(start, end)):
            continue  # (a flag changes nothing: it may cover protected text; a deletion
            # may hold whole protected spans, see keep_clear)
        out.append(replace(edit, start=start, end=end))
    return out


def _near(spans: list[tuple[int, int]], edit: Edit) -> list[tuple[int, int]]:
    """The (sorted, disjoint) spans that may overlap ``edit``."""
    i = bisect.bisect_right(spans, (edit.start, edit.end + 1))
    return spans[max(0, i - 1):i + 1]


def _rebuild(ids: tuple[str, ...], options: dict[str, dict[str, Any]]) -> RulesPass:
    return RulesPass(only=ids, options=options)
