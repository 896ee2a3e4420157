"""Shared test set-up."""

from __future__ import annotations

import os

import pytest


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
