"""The model pass inside the pipeline, with a scripted rewriter (no torch needed).

Checks what the pass does with rewrites: accepted ones become word-level changes that
``apply_changes`` reproduces, rejected ones become flags carrying the proposal and the guard,
glossary fixes are protected, and ``rewrite="flagged"`` sends only flagged or suspicious
sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

pytest.importorskip("pysbd")  # the sentence splitter (part of the ``model`` extra)

from mtfix.change import Edit, apply_changes
from mtfix.glossary import Glossary
from mtfix.passes.base import BasePass
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline
from mtfix.rewrite.passes import ModelPass

GLOSSARY = Glossary.from_toml("""
[[entry]]
id = "psb"
find = "public security bureau director meeting"
replace = "meeting of public security bureau directors"
""")

TEXT = (
    "The province held the public security bureau director meeting on February 1.\n"
    "The meeting discuss the work of 2024 in the whole province.\n"
    "Officials from 16 cities attended the meeting in Hefei.\n"
)


class ScriptedRewriter:
    """Returns a fixed rewrite per sentence (the sentence itself when none is scripted)."""

    model_id = "scripted"

    def __init__(self, script: dict[str, str | None]) -> None:
        self.script = script
        self.seen: list[str] = []

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None) -> list[str | None]:
        self.seen.extend(sentences)
        if progress:
            progress(len(sentences))
        return [self.script.get(s, s) for s in sentences]


class FlagPass(BasePass):
    """Flags one phrase, like a rule that is not sure enough to fix it."""

    name = "rules"

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase

    def find_edits(self, text: str, protected=()) -> list[Edit]:
        at = text.find(self.phrase)
        if at == -1:
            return []
        return [Edit(at, at + len(self.phrase), None, rule="test.flag", flag=True)]

    def rule_order(self) -> dict[str, int]:
        return {"test.flag": 0}


def run(script: dict[str, str | None], *, rewrite: str = "all", extra=(), text: str = TEXT):
    rewriter = ScriptedRewriter(script)
    model = ModelPass(rewriter, rewrite=rewrite, batch_size=2)  # type: ignore[arg-type]
    pipeline = Pipeline([GlossaryPass(GLOSSARY), *extra, model])
    result = pipeline.fix_text(text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    return result, model, rewriter


def test_accepted_rewrite_becomes_word_level_changes() -> None:
    result, model, _ = run({
        "The meeting discuss the work of 2024 in the whole province.":
            "The meeting discussed the work of 2024 in the whole province.",
    })
    model_changes = [c for c in result.changes if c.pass_ == "model"]
    assert [(c.before, c.after, c.rule) for c in model_changes] == [("discuss", "discussed", "scripted")]
    assert "The meeting discussed the work of 2024" in result.text
    assert model.stats.accepted == 1 and model.stats.unchanged == 2


def test_rejected_rewrite_is_a_flag_with_proposal_and_reason() -> None:
    bad = "The meeting discussed the work of 2023 in the whole province."
    result, model, _ = run({"The meeting discuss the work of 2024 in the whole province.": bad})
    flags = [c for c in result.changes if c.pass_ == "model"]
    assert len(flags) == 1 and flags[0].is_flag
    assert flags[0].proposal == bad
    assert flags[0].note.startswith("model rewrite rejected by guard numbers:")
    assert "2024" in result.text and "discuss the work" in result.text
    assert model.stats.rejected == {"numbers": 1}


def test_glossary_fix_is_protected_and_its_rejection_still_reported() -> None:
    fixed = "The province held the meeting of public security bureau directors on February 1."
    undone = "The province held a public security bureau director meeting on February 1."
    # The model sees the glossary's output and tries to put the old wording back.
    result, _, rewriter = run({fixed: undone})
    assert fixed in rewriter.seen
    assert "meeting of public security bureau directors" in result.text
    flag = next(c for c in result.changes if c.pass_ == "model")
    assert flag.is_flag and "protected" in flag.note and flag.proposal == undone
    # The flag covers the whole sentence in the original text, glossary span included.
    assert flag.before == TEXT.splitlines()[0]


def test_rewrite_next_to_a_glossary_fix_is_accepted() -> None:
    fixed = "The province held the meeting of public security bureau directors on February 1."
    better = "The province held a meeting of public security bureau directors on February 1."
    result, _, _ = run({fixed: better})
    model_changes = [c for c in result.changes if c.pass_ == "model"]
    assert [(c.before, c.after) for c in model_changes] == [("the", "a")]
    assert result.text.startswith(better)


def test_flagged_mode_sends_only_flagged_or_suspicious_sentences() -> None:
    text = TEXT + "meeting Discussion Comprehensively summarize the results of the year.\n"
    _, model, rewriter = run({}, rewrite="flagged", extra=[FlagPass("16 cities")], text=text)
    assert rewriter.seen == [
        "Officials from 16 cities attended the meeting in Hefei.",  # flagged by the rule
        "meeting Discussion Comprehensively summarize the results of the year.",  # suspicious
    ]
    assert model.stats.sentences == 4 and model.stats.sent == 2
    _, model_all, rewriter_all = run({}, rewrite="all", text=text)
    assert len(rewriter_all.seen) == 4 and model_all.stats.sent_fraction == 1.0


def test_sentence_the_model_skips_is_left_alone() -> None:
    result, model, _ = run({"Officials from 16 cities attended the meeting in Hefei.": None})
    assert model.stats.skipped == 1
    assert "Officials from 16 cities" in result.text


def test_second_run_changes_nothing_when_the_model_agrees_with_itself() -> None:
    script = {"The meeting discuss the work of 2024 in the whole province.":
              "The meeting discussed the work of 2024 in the whole province."}
    first, _, _ = run(script)
    second, _, _ = run(script, text=first.text)
    assert second.text == first.text
    assert [c for c in second.changes if not c.is_flag] == []


def test_progress_reports_running_totals() -> None:
    seen: list[tuple[int, int]] = []
    model = ModelPass(ScriptedRewriter({}), rewrite="all", progress=lambda t, d: seen.append((t, d)))
    Pipeline([model]).fix_text(TEXT)
    assert seen[0] == (3, 0) and seen[-1] == (3, 3)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="rewrite must be one of"):
        ModelPass(ScriptedRewriter({}), rewrite="some")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size"):
        ModelPass(ScriptedRewriter({}), batch_size=0)
