"""The configuration examples of the docs are valid: every ```toml block of
docs/guide/config.md reads without error, and the YAML of docs/guide/ci.md parses."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mtfix.config import read_config

DOCS = Path(__file__).resolve().parent.parent / "docs" / "guide"


def _blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def test_config_examples_read(tmp_path):
    blocks = _blocks("config.md", "toml")
    assert blocks
    for number, block in enumerate(blocks):
        path = tmp_path / str(number) / "mtfix.toml"
        path.parent.mkdir()
        path.write_text(block, encoding="utf-8")
        config = read_config(path)
        assert config.path == path


def test_the_full_example_sets_every_documented_key(tmp_path):
    path = tmp_path / "mtfix.toml"
    path.write_text(_blocks("config.md", "toml")[0], encoding="utf-8")
    config = read_config(path)
    assert config.rules_select == ("capitals",) and config.rules_ignore == ("repetition",)
    assert config.format_for(tmp_path / "corpus" / "a" / "b.out") == "lines"
    assert config.model["url"].startswith("http://") and config.memory
    assert config.decisions_path == tmp_path / ".mtfix" / "decisions.jsonl"


def test_ci_examples_parse():
    blocks = _blocks("ci.md", "yaml")
    assert len(blocks) >= 2
    for block in blocks:
        assert yaml.safe_load(block)
