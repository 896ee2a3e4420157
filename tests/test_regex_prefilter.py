"""The regex prefilter (triggers + windows) must never change what a regex entry matches.

Compared with plain ``finditer`` over the whole text, for every regex entry of the shipped
glossaries, on texts stitched together from the entries' own examples (so the regexes do
fire) with random glue.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mtfix
from mtfix.glossary.matchview import MatchView

GLOSSARY = mtfix.load_glossaries()
COMPILED = GLOSSARY.compiled
PIECES = sorted({ex.text for e in GLOSSARY.entries for ex in e.examples})
GLUE = st.sampled_from([" ", "\n", "\n\n", ", ", " the ", "\t", "\xa0", "ſ", "İ", " Inspector "])
texts = st.lists(st.tuples(st.sampled_from(PIECES), GLUE), min_size=1, max_size=12).map(
    lambda parts: "".join(a + b for a, b in parts))


def plain(text):
    return {(e.id, m.start(), m.end()) for _o, e, p in COMPILED._regexes
            for m in p.finditer(text) if m.end() > m.start()}


def prefiltered(text):
    return {(e.id, m.start(), m.end()) for _o, e, ms in COMPILED._regex_matches(text, MatchView(text))
            for m in ms if m.end() > m.start()}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_prefilter_finds_exactly_what_finditer_finds(text):
    assert prefiltered(text) == plain(text)


def test_every_shipped_regex_is_prefiltered():
    # a regex without triggers or without a bounded reach scans every text in full
    assert all(needs is not None for needs in COMPILED._regex_needs)
    assert all(reach is not None for reach in COMPILED._regex_reach)
