"""Shortcuts of the change-heavy path (a record per ~50 bytes of tokenized MT) give exactly
what the general code gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtfix.change import Edit
from mtfix.passes.base import BasePass
from mtfix.pipeline import Pipeline

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _SpaceBeforeComma(BasePass):
    name = "spaces"

    def find_edits(self, text, protected=(), **extra):
        return [Edit(i, i + 1, "", "space") for i in range(len(text) - 1)
                if text[i:i + 2] == " ,"]


class _SourceCheck(BasePass):
    """Finds nothing without a source (like the terms check); counts its calls."""

    name = "source-check"
    wants_source = True

    def __init__(self, needs_source: bool) -> None:
        self.needs_source = needs_source
        self.calls = 0

    def find_edits(self, text, protected=(), *, source=None):
        self.calls += 1
        if not source:
            return []
        at = text.find("x")
        return [] if at < 0 else [Edit(at, at + 1, None, "x", "source says x", flag=True)]


@SETTINGS
@given(st.text(alphabet="ab ,x\n", max_size=60), st.sampled_from([None, "", "src"]))
def test_a_pass_that_needs_a_source_is_not_run_without_one(text, source):
    lazy, eager = _SourceCheck(needs_source=True), _SourceCheck(needs_source=False)
    got = Pipeline([_SpaceBeforeComma(), lazy]).fix_segment(text, doc="d", source=source)
    want = Pipeline([_SpaceBeforeComma(), eager]).fix_segment(text, doc="d", source=source)
    assert got == want
    assert lazy.calls == (1 if source else 0)
