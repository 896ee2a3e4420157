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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, runtime_checkable

from mtfix.change import START_END, Edit, OffsetMap, apply_edits, select_non_overlapping
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
            if rule.id not in LINE_RULES:
                inline.extend(rule.find(text, guard))
        # In text order (a stable C-level sort), select_non_overlapping takes its fast path
        # when nothing overlaps; its result does not depend on the input order otherwise.
        inline.sort(key=START_END)
        inline = select_non_overlapping(inline, self._order)
        line_rules = [rule for rule in self.rules if rule.id in LINE_RULES]
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


#: Rules that delete whole lines; they run on the text as the in-line rules leave it.
LINE_RULES = frozenset({"chrome", "duplicate_lines"})


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


def _rebuild(ids: tuple[str, ...], chrome_phrases: str | Path | None) -> RulesPass:
    return RulesPass(only=ids, chrome_phrases=chrome_phrases)
