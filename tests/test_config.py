"""Project configuration: mtfix.toml / [tool.mtfix] found by walking up from the inputs,
every key checked (errors name file, line and key; exit code 2), flags over settings,
excludes and .gitignore in folder walks, formats by glob, and `mtfix config`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.config import (
    Config,
    ConfigError,
    config_for_inputs,
    find_config_file,
    load_config,
    read_config,
)

GARBLED = "The Anti smuggling Bureau met .\n"
HOUSE = '[[entry]]\nid = "house.greeting"\nfind = "Good day to you"\nreplace = "Hello"\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project: its mtfix.toml, a house glossary, files to fix in folders."""
    root = tmp_path / "proj"
    write(root / "mtfix.toml", 'glossaries = ["style/house.toml"]\nexclude = ["drafts/"]\n\n'
          '[rules]\nignore = ["spacing"]\n\n[formats]\n"corpus/*.out" = "lines"\n')
    write(root / "style" / "house.toml", HOUSE)
    write(root / "docs" / "a.txt", "Good day to you .\n")
    write(root / "drafts" / "b.txt", GARBLED)
    write(root / "corpus" / "c.out", GARBLED)
    monkeypatch.chdir(tmp_path)
    return root


def fix(*args: str):
    return CliRunner().invoke(app, ["fix", *args])


# -- finding ------------------------------------------------------------------------------------

def test_found_by_walking_up_from_a_file_or_folder(project):
    assert find_config_file(project / "docs" / "a.txt") == project / "mtfix.toml"
    assert find_config_file(project / "docs") == project / "mtfix.toml"
    config = load_config(project / "docs" / "a.txt")
    assert config.glossaries == (project / "style" / "house.toml",)  # relative to the file
    assert config.rules_ignore == ("spacing",)


def test_pyproject_tool_mtfix_is_read_and_mtfix_toml_wins(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.mtfix]\nmemory = false\n'
          '[tool.mtfix.rules]\nselect = ["capitals"]\n')
    config = load_config(tmp_path)
    assert config.path == tmp_path / "pyproject.toml"
    assert not config.memory and config.rules_select == ("capitals",)
    assert config.source("rules.select") == f"{tmp_path / 'pyproject.toml'}:7"
    write(tmp_path / "mtfix.toml", "memory = true\n")
    assert load_config(tmp_path).path == tmp_path / "mtfix.toml"


def test_a_pyproject_without_tool_mtfix_is_passed_over(tmp_path):
    write(tmp_path / "mtfix.toml", "default_glossaries = false\n")
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(tmp_path / "sub") == tmp_path / "mtfix.toml"


def test_no_config_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config_file(tmp_path) is None  # (nothing above the temporary folder)
    config = config_for_inputs([str(tmp_path)])
    assert config.path is None and config.default_glossaries and config.memory
    assert config.decisions_path == tmp_path / ".mtfix" / "decisions.jsonl"


def test_decisions_and_memory_for_the_memory_feature(tmp_path):
    write(tmp_path / "mtfix.toml", 'decisions = "review/decisions.jsonl"\nmemory = false\n')
    config = load_config(tmp_path)
    assert config.decisions_path == tmp_path / "review" / "decisions.jsonl"
    assert config.memory is False
    assert load_config(write(tmp_path / "d" / "mtfix.toml", "")).decisions_path == \
        tmp_path / "d" / ".mtfix" / "decisions.jsonl"


def test_inputs_with_different_configs_are_refused(tmp_path):
    write(tmp_path / "one" / "mtfix.toml", "")
    write(tmp_path / "two" / "mtfix.toml", "")
    a = write(tmp_path / "one" / "a.txt", GARBLED)
    b = write(tmp_path / "two" / "b.txt", GARBLED)
    with pytest.raises(ConfigError, match="different configurations"):
        config_for_inputs([str(a), str(b)])
    result = fix(str(a), str(b), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "different configurations" in result.output
    assert not (tmp_path / "out").exists()
    # one config for both with --config, or none
    assert fix(str(a), str(b), "-o", str(tmp_path / "out"), "--no-config").exit_code == 0


# -- bad configurations ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, words", [
    ("glossaries = 3\n", 2, ["glossaries", "list of strings"]),
    ("colour = true\n", 2, ["colour", "unknown key"]),
    ("[rules]\nselect = [\"no-such-rule\"]\n", 3, ["rules.select", "unknown rule 'no-such-rule'"]),
    ("[rules.options.chrome]\nlist = 'x'\n", 3, ["rules.options.chrome.list", "phrases"]),
    ("[model]\nbatch_size = \"eight\"\n", 3, ["model.batch_size", "whole number"]),
    ("[model]\nrewrite = \"some\"\n", 3, ["model.rewrite", "flagged or all"]),
    ("[formats]\n\"*.out\" = \"lines2\"\n", 3, ['formats."*.out"', "unknown format"]),
    ("memory = \"yes\"\n", 2, ["memory", "true or false"]),
    ("exclude = [\n", 2, ["not valid TOML"]),
])
def test_a_bad_config_names_file_line_and_key(tmp_path, text, line, words):
    path = write(tmp_path / "mtfix.toml", "# project settings\n" + text)
    with pytest.raises(ConfigError) as info:
        read_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    for word in words:
        assert word in message
    doc = write(tmp_path / "a.txt", GARBLED)
    result = fix(str(doc), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and f"{path}:{line}" in result.output
    config = CliRunner().invoke(app, ["config", str(tmp_path)])
    assert config.exit_code == 2 and f"{path}:{line}" in config.output


def test_a_bad_key_in_pyproject_is_named_with_its_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.mtfix]\nmemory = true\n\n[tool.mtfix.model]\n"
                 "parallel = 0\n")
    with pytest.raises(ConfigError, match=rf"{path}:5: model.parallel: expected at least 1"):
        read_config(path)


def test_model_gpus_in_the_config_may_be_zero_or_a_fraction_but_not_negative(tmp_path):
    ok = read_config(write(tmp_path / "a" / "mtfix.toml", "[model]\ngpus = 0.5\n"))
    assert ok.model["gpus"] == 0.5
    path = write(tmp_path / "b" / "mtfix.toml", "[model]\ngpus = -1\n")
    with pytest.raises(ConfigError, match=rf"{path}:2: model.gpus: expected at least 0"):
        read_config(path)


def test_model_gpus_from_the_config_reaches_the_run(tmp_path):
    """[model] gpus stands for --model-gpus: without a model it is refused as the flag is."""
    write(tmp_path / "mtfix.toml", "[model]\ngpus = 1\n")
    doc = write(tmp_path / "a.txt", GARBLED)
    result = fix(str(doc), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "--model-gpus" in result.output


# -- a run under a configuration -----------------------------------------------------------------

def test_fix_uses_the_projects_glossaries_rules_formats_and_excludes(project, tmp_path):
    out = tmp_path / "out"
    result = fix(str(project), "-o", str(out))
    assert result.exit_code == 0, result.output
    # the house glossary applied; spacing switched off by the config ("you ." stays)
    assert (out / "docs" / "a.txt").read_text() == "Hello .\n"
    assert not (out / "drafts").exists()  # excluded
    assert (out / "corpus" / "c.out").exists()  # found by the format glob
    logged = [json.loads(line) for line in (out / "changes.jsonl").read_text().splitlines()]
    assert {c["format"] for c in logged if c["doc"].endswith("c.out")} == {"lines"}


def test_flags_override_the_config(project, tmp_path):
    out = tmp_path / "out"
    result = fix(str(project / "docs" / "a.txt"), "-o", str(out), "--rule", "spacing",
                 "--no-default-glossaries")
    assert result.exit_code == 0, result.output
    assert (out / "a.txt").read_text() == "Hello.\n"  # --rule spacing over rules.ignore
    result = fix(str(project / "docs" / "a.txt"), "-o", str(tmp_path / "o2"), "--no-config")
    assert (tmp_path / "o2" / "a.txt").read_text() == "Good day to you.\n"  # no house glossary


def test_a_file_named_itself_is_never_excluded(project, tmp_path):
    result = fix(str(project / "drafts" / "b.txt"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0 and (tmp_path / "out" / "b.txt").exists()


def test_gitignore_is_respected_in_folders_of_a_git_work_tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "repo"
    write(repo / "mtfix.toml", "")
    write(repo / ".gitignore", "build/\n*.tmp.txt\n")
    write(repo / "sub" / ".gitignore", "local.txt\n")
    for name in ("a.txt", "build/b.txt", "c.tmp.txt", "sub/local.txt", "sub/d.txt"):
        write(repo / name, GARBLED)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = fix(str(repo), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    found = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.txt"))
    assert found == ["a.txt", "sub/d.txt"]
    write(repo / "mtfix.toml", "respect_gitignore = false\n")
    fix(str(repo), "-o", str(tmp_path / "out2"))
    assert len(list((tmp_path / "out2").rglob("*.txt"))) == 5


def test_rule_options_paths_are_relative_to_the_config(tmp_path):
    write(tmp_path / "house-chrome.txt", "Share this story\n")
    write(tmp_path / "mtfix.toml", '[rules.options.chrome]\nphrases = "house-chrome.txt"\n')
    doc = write(tmp_path / "a.txt", "Title\nShare this story\nBody text.\n")
    result = fix(str(doc), "-o", str(tmp_path / "out"), "--no-default-glossaries")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.txt").read_text() == "Title\nBody text.\n"


def test_model_settings_come_from_the_config_and_flags_win(tmp_path, monkeypatch):
    """The [model] table stands for the --model* flags (checked without running a model)."""
    import mtfix.cli.model as model_cli

    seen = {}

    def fake(model, **kwargs):
        seen.update(model=model, **kwargs)
        raise model_cli.ModelOptionError("stop here")

    monkeypatch.setattr(model_cli, "model_pass_from_options", fake)
    write(tmp_path / "mtfix.toml", '[model]\nurl = "http://127.0.0.1:9/v1"\nname = "m"\n'
          "batch_size = 3\n")
    doc = write(tmp_path / "a.txt", GARBLED)
    fix(str(doc), "-o", str(tmp_path / "out"), "--model-parallel", "2")
    assert seen["model"] == "m" and seen["url"] == "http://127.0.0.1:9/v1"
    assert seen["batch_size"] == 3 and seen["parallel"] == 2


# -- mtfix config -----------------------------------------------------------------------------------

def test_mtfix_config_prints_each_setting_and_its_source(project):
    result = CliRunner().invoke(app, ["config", str(project / "docs")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"# configuration: {project / 'mtfix.toml'}"
    row = next(line for line in lines if line.startswith("rules.ignore"))
    assert '["spacing"]' in row and row.endswith(f"# {project / 'mtfix.toml'}:5")
    assert any(line.startswith("memory = true") and line.endswith("# default") for line in lines)
    assert any(line.startswith('formats."corpus/*.out" = "lines"') for line in lines)


def test_config_object_sources_and_rule_switches():
    config = Config(rules_select=("capitals",), rules_ignore=("spacing",))
    assert config.rule_switches(["spacing"], ["capitals"]) == (["spacing"], ["capitals"])
    assert config.rule_switches() == (["capitals"], ["spacing"])
    assert config.source("glossaries") == "default"
