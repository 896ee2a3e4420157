"""The shipped zh-news glossary: every entry says where its rendering comes from and tests both
that it fires and that it stays quiet.

The loader already runs every example; these tests check what the examples must cover, so an
entry cannot pass with only negative examples (or a flag whose example never raises the flag).
"""

from __future__ import annotations

import pytest

from mtfix.glossary import Glossary, default_glossary_paths

ZH = "zh."


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return Glossary.load(default_glossary_paths(), run_examples=False)


@pytest.fixture(scope="module")
def zh_entries(shipped):
    entries = [e for e in shipped.entries if e.id.startswith(ZH)]
    assert len(entries) >= 300
    return entries


def test_every_entry_names_its_source_term_and_where_the_rendering_comes_from(zh_entries):
    for entry in zh_entries:
        assert entry.path.endswith("zh-news.toml"), entry.id
        assert entry.source, f"{entry.id}: add source = [the Chinese term(s)]"
        assert entry.note.strip(), f"{entry.id}: the note must say where the rendering comes from"


def test_every_entry_has_an_example_that_fires_and_one_that_does_not(shipped, zh_entries):
    """A flag entry's firing example raises its flag (the text stays as it is); an applied
    entry's changes the text."""
    for entry in zh_entries:
        fired = []
        for example in entry.examples:
            edits = [e for e in shipped.compiled.find_edits(example.text) if e.rule == entry.id]
            fired.append(bool(edits) and all(e.flag == entry.flag for e in edits))
        assert any(fired), f"{entry.id}: no example on which the entry fires"
        assert not all(fired), f"{entry.id}: no negative example (text it must leave alone)"


def test_flag_entries_never_change_text(shipped, zh_entries):
    flagged = [e for e in zh_entries if e.flag]
    assert flagged
    for entry in flagged:
        for example in entry.examples:
            assert example.fixed == example.text, entry.id
