"""Guards on hand-written rewrites: each bad rewrite is rejected by the right, named guard."""

from __future__ import annotations

import pytest

from mtfix.rewrite.guards import (
    GuardLimits,
    capitalised_names,
    check_dates,
    check_names,
    check_placeholders,
    check_quotes,
    check_repetition,
    check_rewrite,
    check_urls,
    longest_repeat,
)
from mtfix.rewrite.suspect import suspicion

SENTENCE = "On February 1, the Anhui police held a meeting on the work of 2024 at the office."


def guard_of(before: str, after: str, **kwargs) -> str | None:
    _, rejection = check_rewrite(before, after, **kwargs)
    return rejection.guard if rejection else None


def test_a_good_small_rewrite_is_accepted_with_word_edits() -> None:
    after = "On February 1, the Anhui police held a meeting about the work of 2024 at the office."
    edits, rejection = check_rewrite(SENTENCE, after)
    assert rejection is None
    assert [(SENTENCE[e.start:e.end], e.replacement) for e in edits] == [("on", "about")]


@pytest.mark.parametrize(("after", "guard"), [
    # drops a number
    ("On February, the Anhui police held a meeting on the work of 2024 at the office.", "numbers"),
    # changes a number
    ("On February 1, the Anhui police held a meeting on the work of 2023 at the office.", "numbers"),
    # changes a date word
    ("On March 1, the Anhui police held a meeting on the work of 2024 at the office.", "dates"),
    # invents a name
    ("On February 1, the Anhui police held a meeting with Beijing on the work of 2024 at the office.",
     "names"),
    # drops a name
    ("On February 1, the police held a meeting on the work of 2024 at the office.", "names"),
    # loops
    ("On February 1, the the the the police police police police 2024.", "repetition"),
    # empty / no words
    ("", "empty"),
    ("...", "empty"),
    # too much rewritten (same numbers, names and dates, so only the ratio catches it)
    ("On February 1, Anhui hosted a lively festival celebrating 2024 with music and dancing.",
         "edit-ratio"),
    # far too long
    (SENTENCE + " " + SENTENCE.lower().replace("2024", "").replace("1", ""), "length"),
    # adds a line break
    ("On February 1, the Anhui police held a meeting\non the work of 2024 at the office.", "line-break"),
])
def test_bad_rewrites_are_rejected_by_the_named_guard(after: str, guard: str) -> None:
    assert guard_of(SENTENCE, after) == guard


def test_protected_glossary_fix_cannot_be_undone() -> None:
    before = "The directors of the public security bureau held their yearly meeting in town."
    fixed = "public security bureau"
    span = (before.index(fixed), before.index(fixed) + len(fixed))
    undone = "The directors of the police bureau held their yearly meeting in town."
    assert guard_of(before, undone, protected=[span]) == "protected"
    # The same rewrite without the protection is a small, acceptable change.
    assert guard_of(before, undone) is None
    # A rewrite that keeps the protected words but edits around them is fine.
    ok = "The directors of the public security bureau held their annual meeting in town."
    assert guard_of(before, ok, protected=[span]) is None


def test_protected_zero_width_span_blocks_edits_across_it() -> None:
    before = "They studied the plan carefully."
    point = before.index(" carefully")  # an earlier pass deleted something here
    assert guard_of(before, "They studied the plan very carefully.", protected=[(point, point)]) is None
    assert guard_of(before, "They studied the plans thoroughly.", protected=[(point, point)]) == "protected"


def test_placeholders_urls_quotes() -> None:
    dropped_tag = check_placeholders("Hello {0}, see <b>this</b> %s.", "Hello {0}, see this %s.")
    assert dropped_tag is not None and dropped_tag.guard == "placeholders"
    assert check_placeholders("Save 50% of {name}.", "Save 50% of {name} now.") is None
    assert check_urls("Visit https://example.org/a.", "Visit https://example.org.").guard == "urls"
    assert check_urls("Mail x@y.com now.", "Mail x@y.com today.") is None
    assert check_quotes('He said "three justice" today.', 'He said "three justices" today.').guard == "quotes"
    assert check_quotes('He said "three justice" today.', "He said “three justice” today.") is None


def test_dates_tell_the_month_may_from_the_verb() -> None:
    assert check_dates("We may go on May 5.", "We can go on May 5.") is None
    assert check_dates("We met on May 5.", "We met on June 5.").guard == "dates"
    assert check_dates("Tuesday came.", "Wednesday came.").guard == "dates"


def test_names_allow_case_changes_but_not_new_names() -> None:
    before = "meeting Discussion Comprehensively summarize the results."
    assert capitalised_names(before) == ["Discussion", "Comprehensively"]
    assert check_names(before, "meeting discussion comprehensively summarized the results.") is None
    assert check_names("He spoke.", "Xi spoke.").guard == "names"
    assert check_names("Meeting held.", "The meeting held.") is None


def test_repetition_counts_only_new_loops() -> None:
    assert longest_repeat(["a", "b", "a", "b", "a", "b", "c"]) == (3, ("a", "b"))
    assert check_repetition("Rival Rival Rival Rival", "Rival Rival Rival Rival") is None
    assert check_repetition("x y", "x y y y").guard == "repetition"


def test_limits_are_tunable() -> None:
    after = "On February 1, the Anhui police held a short meeting about the work of 2024 at the office."
    assert guard_of(SENTENCE, after) is None
    strict = GuardLimits(max_edit_ratio=0.05, edit_slack=0)
    assert guard_of(SENTENCE, after, limits=strict) == "edit-ratio"


def test_suspicion_signals() -> None:
    assert "lowercase-start" in suspicion("meeting Discussion Comprehensively summarize the work.")
    assert "capitalised-adverb" in suspicion("The leaders, Conscientiously implement the plan.")
    assert "repeated-word" in suspicion("Rival Rival Rival won.")
    assert "space-before-punct" in suspicion("It was good , and fine .")
    assert "unbalanced" in suspicion("He said (this was fine.")
    assert "untranslated" in suspicion("The 会议 was held.")
    assert suspicion("The meeting was held in Hefei on May 5.") == []
    assert suspicion("He had had enough.") == []
