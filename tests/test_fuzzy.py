"""Fuzzy glossary entries: garbled variants are found, the C-level LCS bound loses none."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mtfix.glossary import Glossary
from mtfix.glossary import fuzzy as fuzzy_module
from mtfix.glossary.fuzzy import FuzzyMatcher, max_edits, pieces
from mtfix.glossary.model import GlossaryFile, RawEntry
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline

PHRASES = ["provincial public security", "comprehensive management", "ministry of state security",
           "political and legal committee", "grassroots governance", "joint law enforcement"]


def _entries(min_score: float = 85.0) -> list[RawEntry]:
    return [RawEntry(id=f"f.{i}", find=(p,), replace=p.upper(), match="fuzzy",
                     min_score=min_score) for i, p in enumerate(PHRASES)]


def _mutate(rng: random.Random, phrase: str, edits: int) -> str:
    chars = list(phrase)
    for _ in range(edits):
        i = rng.randrange(1, len(chars) - 1)
        op = rng.choice("sdi")
        if op == "s":
            chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        elif op == "d" and chars[i] != " ":
            del chars[i]
        else:
            chars.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
    return "".join(chars)


def _text(rng: random.Random, planted: list[str]) -> str:
    filler = "the of and work meeting department party committee law state local people".split()
    out = []
    for variant in planted:
        out.append(" ".join(rng.choices(filler, k=rng.randint(3, 12))))
        out.append(variant)
    return " ".join(out) + "."


@pytest.mark.parametrize("seed", range(5))
def test_planted_variants_are_found(seed):
    rng = random.Random(seed)
    glossary = Glossary([GlossaryFile("t.toml", _entries())], run_examples=False)
    planted = [_mutate(rng, rng.choice(PHRASES), rng.randint(1, 2)) for _ in range(30)]
    text = _text(rng, planted)
    found = {text[e.start:e.end] for e in glossary.compiled.find_edits(text)}
    missed = [p for p in planted if p not in found and p not in PHRASES]
    # A 2-edit variant of a short phrase can fall under min_score; 1-edit ones never do.
    assert len(missed) <= len(planted) // 10, missed


def test_lcs_bound_loses_no_match(monkeypatch):
    rng = random.Random(7)
    order = {f"f.{i}": i for i in range(len(PHRASES))}
    matcher = FuzzyMatcher(_entries(80.0), order)
    text = _text(rng, [_mutate(rng, rng.choice(PHRASES), rng.randint(0, 3)) for _ in range(60)])
    bounded = matcher.find(text)

    def no_bound(queries, choices, **_kwargs):  # every place passes: plain window search
        return np.full(len(queries), 10**6, dtype=np.int32)

    monkeypatch.setattr(fuzzy_module.process, "cpdist", no_bound)
    assert matcher.find(text) == bounded
    assert bounded  # the test means something


def test_pieces_cover_the_key_and_k_is_capped():
    key = "ministry of state security"
    k = max_edits(len(key), 85.0)
    assert 1 <= k <= fuzzy_module.MAX_EDITS
    cut = pieces(key, k)
    assert len(cut) == k + 1 and "".join(p for _o, p in cut) == key


OFFICIAL = "Provincial Public Security Department"


def _official(min_score: float | None = 85.0, replace: str = "Provincial Police Department"
              ) -> Glossary:
    entry = RawEntry(id="psd", find=(OFFICIAL,), replace=replace, match="fuzzy",
                     min_score=min_score)
    return Glossary([GlossaryFile("t.toml", [entry])], run_examples=False)


@pytest.mark.parametrize("variant", [
    "Provincial Public Securty Department",      # typo (the audit's repro)
    "provincial public securty department",      # all lower case
    "PROVINCIAL PUBLIC SECURTY DEPARTMENT",      # all caps
    "Provincial Public Security Departments",    # inflection
    "Public Security Provincial Department",     # word order swapped
    "Department Provincial Public Security",     # no piece at its own offset
    "Provincial Public\nSecurity Departmnet",    # line break, transposed letters
])
def test_capitalised_phrase_variants_are_replaced(variant):
    text = f"Yesterday the {variant} met in Hefei."
    edits = _official().compiled.find_edits(text)
    assert [(text[e.start:e.end], e.rule) for e in edits] == [(variant, "psd")]
    assert 85.0 <= edits[0].score <= 100.0


def test_offsets_point_at_the_original_around_non_ascii():
    glossary = _official()
    text = "İstanbul café: the Provincial Public Securty Department met. Ünd so"
    result = Pipeline([GlossaryPass(glossary)]).fix_text(text, doc="d.txt")
    assert result.text == ("İstanbul café: the Provincial Police Department met. Ünd so")
    (change,) = result.changes
    assert text[change.start:change.end] == change.before == "Provincial Public Securty Department"
    assert change.score is not None and change.score > 98
    again = Pipeline([GlossaryPass(glossary)]).fix_text(result.text, doc="d.txt")
    assert again.changes == () and again.text == result.text


@pytest.mark.parametrize("text", [
    "The Provincial Public Health Department met.",    # shares three words, one differs
    "The Provincial Education Department met.",        # shares two words
    "The Municipal Public Security Bureau met.",       # shares two words
    "The Provincial Public Cybersecurity Department met.",  # inside a longer word
    "The Provincial Public Security Departmentalization met.",
])
def test_different_phrases_are_left_alone(text):
    assert _official().compiled.find_edits(text) == []


def test_default_min_score_and_exact_phrase_score():
    glossary = _official(min_score=None)
    text = "The Provincial Public Security Department and the Provincial Public Securty Department."
    scores = [e.score for e in glossary.compiled.find_edits(text)]
    assert scores[0] == 100.0 and 90.0 <= scores[1] < 100.0 and len(scores) == 2


def test_case_only_replacement_still_applies():
    entry = RawEntry(id="mps", find=("ministry of public security",),
                     replace="Ministry of Public Security", match="fuzzy", min_score=85.0)
    glossary = Glossary([GlossaryFile("t.toml", [entry])], run_examples=False)
    text = "the ministry of pubic security said"
    result = Pipeline([GlossaryPass(glossary)]).fix_text(text, doc="d.txt")
    assert result.text == "the Ministry of Public Security said"
    assert Pipeline([GlossaryPass(glossary)]).fix_text(result.text, doc="d.txt").changes == ()
