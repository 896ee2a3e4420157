"""Shared fixtures of the report, review and browser tests: a small glossary with a change, a
second change and a flag, and a pass that raises flags with proposals (the glossary pass's
flags carry none)."""

from __future__ import annotations

import re

from mtfix.change import Edit
from mtfix.passes.base import BasePass


def glossary_toml(vice_note: str, strike_note: str | None = None) -> str:
    """Entries t.vice (change, note ``vice_note``), t.info (change) and t.strike (flag)."""
    strike = f'note = "{strike_note}"\n' if strike_note is not None else ""
    return f"""
[[entry]]
id = "t.vice"
find = "vice-governor"
replace = "vice governor"
note = "{vice_note}"

[[entry]]
id = "t.info"
find = "informatization"
replace = "digitalization"

[[entry]]
id = "t.strike"
find = "strike hard"
replace = "strike hard"
flag = true
{strike}"""


class RegexPass(BasePass):
    """Edits every match of ``pattern`` to ``after`` under ``rule`` (with ``flag``, raises a flag
    proposing ``after`` instead): a second or third pass for tests where changes of several
    passes mix."""

    def __init__(self, name: str, pattern: str, after: str, rule: str, note: str = "", *,
                 flag: bool = False) -> None:
        self.name, self.pattern, self.after, self.rule = name, pattern, after, rule
        self.note, self.flag = note, flag

    def find_edits(self, text, protected=()):
        return [Edit(m.start(), m.end(), self.after, self.rule, self.note, flag=self.flag)
                for m in re.finditer(self.pattern, text)]

    def rule_order(self):
        return {}


def ProposalPass(pattern: str, proposal: str, rule: str, note: str = "") -> RegexPass:
    """Flags every match of ``pattern`` with ``proposal`` as its proposed text (the glossary
    pass's flags carry none)."""
    return RegexPass("style", pattern, proposal, rule, note, flag=True)
