"""Fuzzy glossary entries: garbled variants are found, the C-level LCS bound loses none."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mtfix.glossary import Glossary
from mtfix.glossary import fuzzy as fuzzy_module
from mtfix.glossary.fuzzy import FuzzyMatcher, max_edits, pieces
from mtfix.glossary.model import GlossaryFile, RawEntry

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
