"""``mtfix check``: the fix pipeline, writing nothing; exit codes 0/1/2 with ``--fail-on``;
text, JSON, SARIF 2.1.0 (validated against the published schema), GitHub annotations and
JUnit XML; ``--diff``; the pre-commit hooks, run by pre-commit on a temporary repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from mtfix.api import build_pipeline
from mtfix.check import (
    check_paths,
    escape_github_data,
    escape_github_property,
    render,
    unified_diff,
)
from mtfix.cli import app
from mtfix.formats import SUFFIX_FORMATS

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
GARBLED = "Title\nThe Anti smuggling Bureau met .\nHe said that that was fine.\n"
CLEAN = "Nothing to fix here.\n"
PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "Eye care colour:"\nmsgstr "Vision protection color:"\n')


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/a.txt").write_text(GARBLED, encoding="utf-8")
    Path("docs/clean.txt").write_text(CLEAN, encoding="utf-8")
    Path("ui.po").write_text(PO, encoding="utf-8")
    return tmp_path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def check(*args: str):
    return CliRunner().invoke(app, ["check", "--no-config", *args])


# -- exit codes and writing nothing -----------------------------------------------------------------

def test_check_writes_nothing_and_exits_1_when_a_change_would_be_made(tree):
    before = snapshot(tree)
    result = check("docs", "ui.po")
    assert result.exit_code == 1, result.output
    assert snapshot(tree) == before  # not a byte, not a file, not a change log
    assert "docs/a.txt:2:5: change cn-official.anti-smuggling" in result.output


def test_exit_0_when_nothing_would_change(tree):
    assert check("docs/clean.txt").exit_code == 0


def test_fail_on_levels(tree):
    # ui.po has only flags (whole-line deletions are not applied in a unit)
    assert check("ui.po").exit_code == 0
    assert check("ui.po", "--fail-on", "flag").exit_code == 1
    assert check("docs/a.txt", "--fail-on", "never").exit_code == 0
    assert check("docs/a.txt", "--fail-on", "sometimes").exit_code == 2


def test_usage_errors_and_unreadable_files_exit_2(tree):
    assert check("docs", "--output-format", "xml").exit_code == 2
    assert check("nowhere.txt").exit_code == 2
    Path("bad.txt").write_bytes(b"\xff\xfe\x00bad")
    assert check("bad.txt", "docs/clean.txt").exit_code == 2


def test_check_finds_what_fix_changes(tree, tmp_path):
    result = check("--output-format", "json", "docs")
    found = json.loads(result.stdout)
    assert result.exit_code == found["exit_code"] == 1
    fixed = CliRunner().invoke(app, ["fix", "--no-config", "docs", "-o", str(tmp_path / "out")])
    assert fixed.exit_code == 0
    log = [json.loads(line) for line in (tmp_path / "out" / "changes.jsonl").read_text()
           .splitlines()]
    assert sorted(f["id"] for f in found["findings"]) == sorted(c["id"] for c in log)


def test_diff_is_what_fix_writes(tree, tmp_path):
    result = check("docs/a.txt", "--diff")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/docs/a.txt\n+++ b/docs/a.txt\n")
    assert "-The Anti smuggling Bureau met .\n+The Anti-smuggling Bureau met.\n" in result.stdout
    assert check("docs/a.txt", "--diff", "--output-format", "json").exit_code == 2


def test_diff_patches_the_original_into_the_fixed_text(tree, tmp_path):
    if shutil.which("patch") is None:
        pytest.skip("no patch(1)")
    diff = check("docs/a.txt", "--diff").stdout
    work = tmp_path / "w"
    (work / "docs").mkdir(parents=True)
    shutil.copy("docs/a.txt", work / "docs" / "a.txt")
    subprocess.run(["patch", "-p1", "-s"], input=diff.encode(), cwd=work, check=True, timeout=60)
    fix = CliRunner().invoke(app, ["fix", "--no-config", "docs/a.txt", "-o", str(tmp_path / "o")])
    assert fix.exit_code == 0
    assert (work / "docs" / "a.txt").read_bytes() == (tmp_path / "o" / "a.txt").read_bytes()


# -- output formats --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_the_published_schema(tree, sarif_schema):
    Path("bad.txt").write_bytes(b"\x00\x01binary")
    result = check("--output-format", "sarif", "docs", "ui.po", "bad.txt")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "mtfix"
    levels = {r["level"] for r in run["results"]}
    assert levels == {"warning", "note"}  # changes and flags
    first = next(r for r in run["results"] if r["ruleId"] == "cn-official.anti-smuggling")
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 5, 19)
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"] == {
        "text": "Anti-smuggling"}
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_of_a_clean_run_validates(tree, sarif_schema):
    result = check("--output-format", "sarif", "docs/clean.txt")
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert log["runs"][0]["results"] == []


def test_github_annotations(tree):
    result = check("--output-format", "github", "docs/a.txt", "ui.po")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::warning file=docs/a.txt,line=2,col=5,endLine=2,endColumn=19,"
                               "title=mtfix change%3A cn-official.anti-smuggling::")
    assert any(line.startswith("::notice file=ui.po,line=6,") for line in lines)


def test_github_escaping():
    assert escape_github_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_a_file_name_with_commas_and_colons_stays_one_property(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a, b: c.txt").write_text(GARBLED, encoding="utf-8")
    result = check("--output-format", "github", "a, b: c.txt")
    assert result.stdout.startswith("::warning file=a%2C b%3A c.txt,line=2,")


def test_junit(tree):
    result = check("--output-format", "junit", "docs", "ui.po")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["docs/a.txt"].find("failure") is not None
    assert cases["docs/clean.txt"].find("failure") is None
    assert cases["ui.po"].find("failure") is None  # flags only, below --fail-on change
    assert "flag" in cases["ui.po"].find("system-out").text
    flagged = ET.fromstring(check("--output-format", "junit", "--fail-on", "flag", "ui.po").stdout)
    assert flagged.get("failures") == "1"


def test_text_with_control_characters_stays_valid_xml(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The Anti smuggling\x0b Bureau met .\n", encoding="utf-8")
    result = check_paths([str(path)], pipeline=build_pipeline())
    ET.fromstring(render(result, "junit"))
    assert unified_diff(result) == ""  # not kept unless asked


def test_segmented_findings_point_at_the_unit_line(tree):
    result = check_paths(["ui.po"], pipeline=build_pipeline())
    assert {(f.line, f.column) for f in result.findings} == {(6, 9)}


# -- pre-commit ------------------------------------------------------------------------------------

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_hooks_cover_the_formats_a_hook_can_run():
    import re

    ids = {hook["id"] for hook in HOOKS}
    assert ids == {"mtfix-check", "mtfix-fix"}
    for hook in HOOKS:
        pattern = re.compile(hook["files"])
        for suffix, name in SUFFIX_FORMATS.items():
            # JSON Lines and Parquet need --field, which a hook cannot guess
            assert bool(pattern.search(f"x{suffix}")) == (name not in ("jsonl", "parquet")), \
                suffix


def _local_config() -> str:
    """The hooks of .pre-commit-hooks.yaml as `repo: local` hooks running this checkout
    (`language: system`, `mtfix` as `python -m mtfix`): no network, no virtualenv build."""
    hooks = []
    for hook in HOOKS:
        local = {k: v for k, v in hook.items() if k not in ("language", "description")}
        local["language"] = "system"
        local["entry"] = hook["entry"].replace("mtfix", f"{sys.executable} -m mtfix", 1)
        hooks.append(local)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]})


@pytest.fixture
def git_repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("no git")
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env, timeout=60)
    (repo / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    (repo / "mtfix.toml").write_text('exclude = ["drafts/"]\n', encoding="utf-8")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "d.txt").write_text(GARBLED, encoding="utf-8")
    (repo / ".gitignore").write_text(".mtfix/\n", encoding="utf-8")
    return repo, env


def pre_commit(repo: Path, env: dict, hook: str):
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", hook, "--all-files"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=240)


def test_pre_commit_check_hook_fails_on_garble_and_passes_clean_text(git_repo):
    repo, env = git_repo
    (repo / "clean.txt").write_text(CLEAN, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env, timeout=60)
    passed = pre_commit(repo, env, "mtfix-check")
    assert passed.returncode == 0, passed.stdout + passed.stderr  # drafts/ is excluded
    (repo / "a.txt").write_text(GARBLED, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env, timeout=60)
    before = (repo / "a.txt").read_bytes()
    failed = pre_commit(repo, env, "mtfix-check")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "a.txt:2:5: change" in failed.stdout
    assert (repo / "a.txt").read_bytes() == before


def test_pre_commit_fix_hook_fixes_and_then_passes(git_repo):
    repo, env = git_repo
    (repo / "a.txt").write_text(GARBLED, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env, timeout=60)
    first = pre_commit(repo, env, "mtfix-fix")
    assert first.returncode == 1, first.stdout + first.stderr  # files were modified
    assert "The Anti-smuggling Bureau met." in (repo / "a.txt").read_text(encoding="utf-8")
    assert (repo / "drafts" / "d.txt").read_text(encoding="utf-8") == GARBLED  # excluded
    assert not list(repo.glob("*.orig"))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env, timeout=60)
    second = pre_commit(repo, env, "mtfix-fix")
    assert second.returncode == 0, second.stdout + second.stderr
