"""Shared test set-up."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run by default (``derandomize``), so a run
# in CI fails only where the code or the test changed, never by a draw's luck; new examples
# are explored with ``HYPOTHESIS_PROFILE=explore python -m pytest`` (random draws; 500 where
# a test does not set its number), and a failure found so is kept as a fixed test.
settings.register_profile("mtfix", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mtfix"))


@pytest.fixture(autouse=True, scope="session")
def _glossary_cache_per_session(tmp_path_factory):
    """Compiled glossaries are cached in a folder of this test session, never the user's."""
    os.environ["MTFIX_CACHE_DIR"] = str(tmp_path_factory.mktemp("mtfix-cache"))


@pytest.fixture(autouse=True)
def _decisions_store_per_test(tmp_path_factory, monkeypatch):
    """Each test gets a decisions store of its own: `mtfix apply` remembers decisions in
    .mtfix/decisions.jsonl of the current folder by default, and tests that run the CLI from
    the repository would otherwise leave one there for the next test's `mtfix fix` to follow."""
    monkeypatch.setenv("MTFIX_MEMORY", str(tmp_path_factory.mktemp("memory") / "decisions.jsonl"))
