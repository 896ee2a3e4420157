"""Property tests of the review round trip: accept-all gives the fixed output, reject-all the
original, and any mix (edits by the reviewer included) gives a text whose change log is exactly
the accepted subset."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from review_fixtures import ProposalPass, RegexPass

from mtfix.glossary import Glossary
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline
from mtfix.review import apply_decisions, changes_overlap

GLOSSARY = """
[[entry]]
id = "t.vice"
find = "vice-governor"
replace = "vice governor"

[[entry]]
id = "t.info"
find = "informatization"
replace = "digitalization"

[[entry]]
id = "t.delete"
find = "Hit rate:"
replace = ""

[[entry]]
id = "t.strike"
find = "strike hard"
replace = "strike hard"
flag = true
"""


PIPELINE = Pipeline([GlossaryPass(Glossary.from_toml(GLOSSARY)),
                     ProposalPass(r"\bbased on\b", "on the basis of", "style.based-on"),
                     # a second applying pass, so that changes from several passes mix
                     RegexPass("rules", r"\bteh\b", "the", "rules.teh")])
WORDS = ["vice-governor", "informatization", "Hit rate:", "strike hard", "based on", "teh",
         "the", "plan", "Ünïcode", "日本", "meeting", "x"]
SEPARATORS = [" ", " ", "\n", ", ", "\n\n", "\t", ". "]

texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts))


def decompose(original, changes, accepted_ids, output, edits=None):
    """Check, independently of apply_changes, that ``output`` is the original with exactly the
    accepted changes made: gaps byte-identical, accepted spans replaced (by the reviewer's text
    where ``edits`` has one), the others untouched."""
    edits = edits or {}
    pos_in, pos_out = 0, 0
    for change in sorted(changes, key=lambda c: (c.start, c.end)):
        if change.is_flag and change.id not in accepted_ids and change.id not in edits:
            continue
        gap = original[pos_in : change.start]
        assert output[pos_out : pos_out + len(gap)] == gap
        pos_out += len(gap)
        piece = change.after if change.id in accepted_ids else change.before
        if change.is_flag:
            piece = change.proposal if change.proposal is not None else change.before
        if change.id in edits:
            piece = edits[change.id]
        assert output[pos_out : pos_out + len(piece)] == piece
        pos_out += len(piece)
        pos_in = change.end
    assert output[pos_out:] == original[pos_in:]


@settings(max_examples=150, deadline=None)
@given(texts)
def test_accept_all_is_the_fixed_output_and_reject_all_the_original(text):
    result = PIPELINE.fix_text(text, doc="d")
    accept_all = {c.id: "accept" for c in result.changes if not c.is_flag}
    assert apply_decisions(text, result.changes, accept_all) == result.text
    assert apply_decisions(text, result.changes, {c.id: "reject" for c in result.changes}) == text
    assert apply_decisions(text, result.changes, {}) == text


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_any_mix_gives_exactly_the_accepted_subset(text, data):
    result = PIPELINE.fix_text(text, doc="d")
    choices = data.draw(st.lists(st.sampled_from(["accept", "reject", None]),
                                 min_size=len(result.changes), max_size=len(result.changes)))
    pending = data.draw(st.sampled_from(["accept", "reject"]))
    decisions = {c.id: d for c, d in zip(result.changes, choices, strict=True) if d}
    output = apply_decisions(text, result.changes, decisions, pending=pending)
    accepted = {c.id for c in result.changes
                if decisions.get(c.id) == "accept" or (not c.is_flag and c.id not in decisions
                                                       and pending == "accept")}
    decompose(text, result.changes, accepted, output)
    # Fixing the output again finds exactly the changes that were not accepted (the rules here
    # never create new matches), so the accepted ones are really gone and the others really kept.
    again = PIPELINE.fix_text(output, doc="d")
    expected = sorted((c.rule, c.before) for c in result.changes
                      if c.id not in accepted or (c.is_flag and c.proposal is None))
    assert sorted((c.rule, c.before) for c in again.changes) == expected


edit_texts = st.text(alphabet=st.sampled_from("ab -,.\nçé日"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_any_mix_with_edits_gives_the_accepted_subset_with_the_reviewers_text(text, data):
    result = PIPELINE.fix_text(text, doc="d")
    choices = data.draw(st.lists(st.sampled_from(["accept", "reject", "edit", None]),
                                 min_size=len(result.changes), max_size=len(result.changes)))
    edits = {c.id: data.draw(edit_texts) for c, d in zip(result.changes, choices, strict=True)
             if d == "edit"}
    decisions = {c.id: ({"decision": "edit", "text": edits[c.id]} if d == "edit" else d)
                 for c, d in zip(result.changes, choices, strict=True) if d}
    if any(changes_overlap(a, b) for a in result.changes for b in result.changes
           if a.id != b.id and a.id in edits and _applies(b, decisions)):
        with pytest.raises(ValueError, match="overlap"):
            apply_decisions(text, result.changes, decisions)
        return
    output = apply_decisions(text, result.changes, decisions)
    accepted = {c.id for c in result.changes if decisions.get(c.id) == "accept"}
    decompose(text, result.changes, accepted, output, edits)


def _applies(change, decisions):
    """Whether the decision on ``change`` writes text (what can collide with an edit)."""
    value = decisions.get(change.id)
    if isinstance(value, dict):
        return True
    return value == "accept" and (not change.is_flag or change.proposal is not None)
