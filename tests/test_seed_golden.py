"""The seed document through the shipped glossaries.

``tests/data/seed_glossary_expected.txt`` was produced once and reviewed by eye line by line
against the input (see the commit that added it); update it only after reviewing the diff.
"""

from __future__ import annotations

from pathlib import Path

import mtfix
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "anhui-police-meeting-2024.txt"
EXPECTED = ROOT / "tests" / "data" / "seed_glossary_expected.txt"


def glossary_only(text: str):
    return Pipeline([GlossaryPass(mtfix.load_glossaries())]).fix_text(text, doc=str(SEED))


def test_seed_through_shipped_glossaries_matches_reviewed_output():
    seed = SEED.read_bytes().decode("utf-8")
    result = glossary_only(seed)
    assert result.text == EXPECTED.read_bytes().decode("utf-8")


def test_seed_garbles_a_glossary_can_fix_are_fixed_or_flagged():
    result = glossary_only(SEED.read_text(encoding="utf-8"))
    text = result.text
    for garble in ["Hit rate", "typeface", "Vision protection color", "second-class inspectors",
                   "Entry Exit Frontier", "Anti smuggling", "Deputy Governor", "Welcome to the",
                   "seven strong provinces", "three regions and one district"]:
        assert garble not in text, garble
    flagged = {c.rule for c in result.flags}
    assert "cn-official.never-say-anything" in flagged
    # the repeated slogan is also caught by the rules pass of the default pipeline (collapsed,
    # or flagged for a reviewer when the rule is not sure)
    full = mtfix.fix_text(SEED.read_text(encoding="utf-8"))
    assert any(c.pass_ == "rules" and "never say anything" in c.before for c in full.changes)


def test_seed_full_pipeline_removes_chrome_and_keeps_the_rest_of_the_line():
    text = mtfix.fix_text(SEED.read_text(encoding="utf-8")).text
    assert "Published: 2024-02-02 18:11 Source: The Provincial Public Security Department\n" in text
