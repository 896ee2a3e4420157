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


class ProposalPass(BasePass):
    """Flags every match of ``pattern`` with ``proposal`` as its proposed text."""

    name = "style"

    def __init__(self, pattern: str, proposal: str, rule: str, note: str) -> None:
        self.pattern, self.proposal, self.rule, self.note = pattern, proposal, rule, note

    def find_edits(self, text, protected=()):
        return [Edit(m.start(), m.end(), self.proposal, self.rule, self.note, flag=True)
                for m in re.finditer(self.pattern, text)]

    def rule_order(self):
        return {}
