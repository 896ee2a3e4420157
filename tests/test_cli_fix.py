"""`mtfix fix` as a user runs it (through typer's runner and, for stdin, a real process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.cli import app

runner = CliRunner()
GARBLED = "Vision protection color:\nThe Anti smuggling Bureau met.\n"
FIXED = "The Anti-smuggling Bureau met.\n"


def fix(*args: str):
    return runner.invoke(app, ["fix", *args])


def test_default_run_writes_output_and_change_log_beside_the_input(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(GARBLED, encoding="utf-8")
    result = fix(str(src), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert src.read_text(encoding="utf-8") == GARBLED  # input untouched
    assert (tmp_path / "doc.fixed.txt").read_text(encoding="utf-8") == FIXED
    records = [json.loads(line) for line in (tmp_path / "doc.changes.jsonl").read_text().splitlines()]
    assert {r["pass"] for r in records} == {"glossary"}
    for record in records:
        assert {"id", "doc", "start", "end", "line", "before", "after", "pass", "rule", "note"} <= set(record)
        assert record["doc"] == str(src)
        assert GARBLED[record["start"] : record["end"]] == record["before"]
    assert "1 file, 2 changes (glossary 2)" in result.output


def test_directories_recurse_and_keep_relative_paths(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text(GARBLED, encoding="utf-8")
    (tmp_path / "in" / "sub" / "b.txt").write_text("Nothing to fix.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = fix(str(tmp_path / "in"), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == FIXED
    assert (out / "sub" / "b.txt").read_text(encoding="utf-8") == "Nothing to fix.\n"
    assert (out / "changes.jsonl").exists()


def test_in_place_keeps_a_backup_unless_told_not_to(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(GARBLED, encoding="utf-8")
    assert fix(str(src), "--in-place", "--jobs", "1").exit_code == 0
    assert src.read_text(encoding="utf-8") == FIXED
    assert (tmp_path / "doc.txt.orig").read_text(encoding="utf-8") == GARBLED
    other = tmp_path / "other.txt"
    other.write_text(GARBLED, encoding="utf-8")
    assert fix(str(other), "--in-place", "--no-backup", "--jobs", "1").exit_code == 0
    assert not (tmp_path / "other.txt.orig").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_dir_equal_to_input_dir_never_overwrites(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(GARBLED, encoding="utf-8")
    result = fix(str(src), "-o", str(tmp_path), "--jobs", "1")
    assert result.exit_code == 1
    assert "overwrite" in result.output
    assert src.read_text(encoding="utf-8") == GARBLED


def test_line_endings_unicode_and_trailing_whitespace_survive(tmp_path):
    text = "Ünïcode line  \r\nThe Anti smuggling Bureau\t \r\n\r\nend without newline  "
    src = tmp_path / "crlf.txt"
    src.write_bytes(text.encode("utf-8"))
    assert fix(str(src), "--jobs", "1").exit_code == 0
    out = (tmp_path / "crlf.fixed.txt").read_bytes().decode("utf-8")
    assert out == text.replace("Anti smuggling", "Anti-smuggling")


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GARBLED, encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9\nline two\n".encode("latin-1"))
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    result = fix(str(latin), str(binary), str(tmp_path / "missing.txt"), str(good), "-o",
                 str(tmp_path / "out"), "--jobs", "1")
    assert result.exit_code == 1
    assert "latin.txt:1: not valid UTF-8" in result.output
    assert "blob.txt" in result.output and "binary" in result.output
    assert "missing.txt" in result.output
    # each message also says what to do
    message = result.output.replace("\n", " ")
    assert "missing.txt: no such file or directory; check the path" in message
    assert "mtfix reads UTF-8 text: export the text first" in message
    assert "iconv -f GB18030 -t UTF-8" in message
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == FIXED
    assert not (tmp_path / "out" / "latin.txt").exists()


def test_broken_glossary_is_a_usage_error_naming_file_line_and_entry(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(GARBLED, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entry]]\nid = "x"\nfind = "(a+)+$"\nreplace = ""\nmatch = "regex"\n')
    result = fix(str(src), "--glossary", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:1 [x]" in result.output
    assert not (tmp_path / "doc.fixed.txt").exists()


def test_extra_glossary_and_no_default_glossaries(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(GARBLED + "the widget\n", encoding="utf-8")
    mine = tmp_path / "mine.tsv"
    mine.write_text("widget\tgadget\tour house style\n", encoding="utf-8")
    out = tmp_path / "out"
    result = fix(str(src), "--no-default-glossaries", "--glossary", str(mine), "--no-rule",
                 "chrome", "-o", str(out), "--changes", str(tmp_path / "log.jsonl"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (out / "doc.txt").read_text(encoding="utf-8") == GARBLED + "the gadget\n"
    records = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [(r["rule"], r["note"]) for r in records] == [("mine:1", "our house style")]


def test_stdin_to_stdout():
    proc = subprocess.run([sys.executable, "-m", "mtfix.cli", "fix", "-", "-q"], input=GARBLED.encode(),
                          capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == FIXED


def test_usage_errors_exit_2(tmp_path):
    assert fix(str(tmp_path), "--in-place", "-o", str(tmp_path)).exit_code == 2
    assert runner.invoke(app, ["fix", "--no-such-option", "x"]).exit_code == 2


@pytest.mark.parametrize("args", [[], ["--help"]])
def test_help_does_not_import_torch(args):
    code = (f"import sys; sys.argv = ['mtfix', *{args!r}]\nfrom mtfix.cli import main\ntry:\n main()\n"
            "except SystemExit: pass\nassert 'torch' not in sys.modules and 'transformers' not in "
            "sys.modules, 'heavy import'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode()


def test_second_run_changes_nothing(tmp_path):
    seed = Path(__file__).resolve().parent.parent / "samples" / "anhui-police-meeting-2024.txt"
    out1, out2 = tmp_path / "one", tmp_path / "two"
    assert fix(str(seed), "-o", str(out1), "--jobs", "1").exit_code == 0
    assert fix(str(out1 / seed.name), "-o", str(out2), "--jobs", "1").exit_code == 0
    assert (out2 / seed.name).read_bytes() == (out1 / seed.name).read_bytes()
    applied = [r for r in map(json.loads, (out2 / "changes.jsonl").read_text().splitlines())
               if r["after"] != r["before"]]
    assert applied == []


def test_a_second_run_over_a_folder_skips_what_the_first_run_wrote(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(GARBLED, encoding="utf-8")
    (folder / "sub" / "b.md").write_text(GARBLED, encoding="utf-8")
    assert fix(str(folder), "--jobs", "1").exit_code == 0
    assert (folder / "mtfix.changes.jsonl").exists()
    out = tmp_path / "out"
    assert fix(str(folder), "-o", str(out), "--jobs", "1").exit_code == 0
    second = fix(str(folder), "--jobs", "1")
    assert second.exit_code == 0, second.output
    assert "2 files" in second.output
    assert fix(str(out), "-o", str(tmp_path / "again"), "--jobs", "1").exit_code == 0


def test_a_second_in_place_run_never_overwrites_the_backup(tmp_path):
    src = tmp_path / "x.txt"
    original = "The Anti smuggling Bureau met .\n"
    src.write_text(original, encoding="utf-8")
    assert fix(str(src), "--in-place", "--jobs", "1").exit_code == 0
    fixed = src.read_text(encoding="utf-8")
    assert fixed != original
    assert (tmp_path / "x.txt.orig").read_text(encoding="utf-8") == original
    # nothing left to fix: the file is not rewritten and the backup stays the original
    mtime = src.stat().st_mtime_ns
    result = fix(str(src), "--in-place", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.txt.orig").read_text(encoding="utf-8") == original
    assert src.stat().st_mtime_ns == mtime
    assert not (tmp_path / "x.txt.orig.1").exists()
    # the file is edited again and fixed again: the new backup gets the next free name
    src.write_text(fixed + "The Anti smuggling Bureau met .\n", encoding="utf-8")
    result = fix(str(src), "--in-place", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.txt.orig").read_text(encoding="utf-8") == original
    assert (tmp_path / "x.txt.orig.1").read_text(encoding="utf-8") == fixed + original
    assert "x.txt.orig already exists and was kept" in result.output
    assert "x.txt.orig.1" in result.output
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_inputs_with_the_same_output_name_fail_instead_of_overwriting(tmp_path, jobs):
    for folder, text in (("in", GARBLED), ("in2", "Second file.\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in2" / "b.txt").write_text("Other.\n", encoding="utf-8")
    out = tmp_path / "out"
    first, second = str(tmp_path / "in" / "a.txt"), str(tmp_path / "in2" / "a.txt")
    result = fix(first, second, str(tmp_path / "in2" / "b.txt"), "-o", str(out), "--jobs", jobs)
    assert result.exit_code == 1, result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == FIXED  # the first one wins, always
    assert (out / "b.txt").read_text(encoding="utf-8") == "Other.\n"  # the others still run
    message = result.output.replace("\n", " ")
    assert first in message and second in message and str(out / "a.txt") in message
    assert "separate output folders" in message
    # two folders holding the same relative path
    out5 = tmp_path / "out5"
    result = fix(str(tmp_path / "in"), str(tmp_path / "in2"), "-o", str(out5), "--jobs", jobs)
    assert result.exit_code == 1, result.output
    assert (out5 / "a.txt").read_text(encoding="utf-8") == FIXED
    assert (out5 / "b.txt").exists()


def test_an_output_that_is_another_input_is_refused(tmp_path):
    src, other = tmp_path / "a.txt", tmp_path / "a.fixed.txt"
    src.write_text(GARBLED, encoding="utf-8")
    other.write_text("Kept as it is.\n", encoding="utf-8")
    result = fix(str(src), str(other), "--jobs", "1")
    assert result.exit_code == 1
    assert "another input" in result.output
    assert other.read_text(encoding="utf-8") == "Kept as it is.\n"


def test_the_same_file_named_twice_is_fixed_once(tmp_path):
    src = tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text(GARBLED, encoding="utf-8")
    result = fix(str(src), str(src), "--in-place", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "in" / "a.txt.orig").read_text(encoding="utf-8") == GARBLED
    assert not (tmp_path / "in" / "a.txt.orig.1").exists()


def test_change_log_that_would_overwrite_an_input_is_a_usage_error(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GARBLED, encoding="utf-8")
    result = fix(str(src), "--changes", str(src), "--jobs", "1")
    assert result.exit_code == 2
    assert "--changes" in result.output
    assert src.read_text(encoding="utf-8") == GARBLED


@pytest.mark.parametrize("out", [".", ".."])
def test_output_folder_that_is_or_holds_the_input_folder_is_a_usage_error(tmp_path, out):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "x.txt").write_text(GARBLED, encoding="utf-8")
    result = fix(str(tmp_path / "t"), "-o", str(tmp_path / "t" / out), "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert "no input files found" not in result.output
    assert "output folder" in result.output and "--in-place" in result.output
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["x.txt"]


def test_utf16_input_gets_its_conversion_command(tmp_path):
    src = tmp_path / "notepad.txt"
    src.write_bytes("The Anti smuggling Bureau met.\n".encode("utf-16"))
    result = fix(str(src), "--jobs", "1")
    assert result.exit_code == 1
    assert "notepad.txt: is UTF-16 text" in result.output
    assert "iconv -f UTF-16 -t UTF-8" in result.output.replace("\n", " ")


@pytest.mark.parametrize("option", [["-o", "out"], ["--in-place"]])
def test_stdin_with_an_output_folder_or_in_place_is_a_usage_error(option):
    result = runner.invoke(app, ["fix", "-", *option], input="The Anti smuggling Bureau.\n")
    assert result.exit_code == 2
    assert "does not apply to '-'" in result.output and "redirect" in result.output


def test_a_rule_switched_both_on_and_off_is_a_usage_error(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GARBLED, encoding="utf-8")
    result = fix(str(src), "--rule", "spacing", "--no-rule", "spacing", "--jobs", "1")
    assert result.exit_code == 2
    assert "--rule and --no-rule both name spacing" in result.output
    assert not (tmp_path / "a.fixed.txt").exists()


def _report_clash_args(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """Each run would write its --report over a file the run must keep: (args, that file)."""
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "a.md"):
        (tmp_path / "in" / name).write_text("Hello , world\n", encoding="utf-8")
    txt, md = str(tmp_path / "in" / "a.txt"), str(tmp_path / "in" / "a.md")
    log, out = tmp_path / "out6" / "c.json", tmp_path / "out8" / "a.md"
    return {"input": ([txt, "--report", txt, "-o", str(tmp_path / "out4")], Path(txt)),
            "change log": ([txt, "--changes", str(log), "--report", str(log), "-o",
                            str(tmp_path / "out6")], log),
            "output": ([md, "--report", str(out), "-o", str(tmp_path / "out8")], out),
            "in-place input": ([md, "--in-place", "--report", md], Path(md))}


@pytest.mark.parametrize("clash", ["input", "change log", "output", "in-place input"])
def test_a_report_over_an_input_output_or_the_change_log_is_a_usage_error(tmp_path, clash):
    args, kept = _report_clash_args(tmp_path)[clash]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = fix(*args, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert f"--report {args[args.index('--report') + 1]} would overwrite" in result.output
    assert clash.split()[-1] in result.output
    # refused before any work: nothing written, nothing changed
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert not kept.exists() or kept in before


def test_stdin_report_over_its_change_log_and_changes_to_stdout_are_usage_errors(tmp_path):
    log = str(tmp_path / "r.json")
    result = runner.invoke(app, ["fix", "-", "--changes", log, "--report", log], input="Hi , there\n")
    assert result.exit_code == 2 and "would overwrite the change log" in result.output
    assert not (tmp_path / "r.json").exists()
    result = runner.invoke(app, ["fix", "-", "--changes", "-"], input="Hi , there\n")
    assert result.exit_code == 2 and "needs a file name" in result.output
    assert not Path("-").exists()


def test_change_log_over_an_input_refused_for_a_clashing_output_is_a_usage_error(tmp_path):
    (tmp_path / "c" / "a").mkdir(parents=True)
    first, second = tmp_path / "c" / "x.txt", tmp_path / "c" / "a" / "x.txt"
    first.write_text(GARBLED, encoding="utf-8")
    second.write_text("Other text.\n", encoding="utf-8")
    out = tmp_path / "cout8"
    for option in ("--changes", "--report"):
        target = str(second) if option == "--changes" else str(second.with_suffix(".md"))
        if option == "--report":  # an .md input refused for a clash, written over by the report
            second.with_suffix(".md").write_text("Other text.\n", encoding="utf-8")
            first.with_suffix(".md").write_text(GARBLED, encoding="utf-8")
            inputs = [str(first.with_suffix(".md")), target]
        else:
            inputs = [str(first), str(second)]
        result = fix(*inputs, option, target, "-o", str(out), "--jobs", "1")
        assert result.exit_code == 2, result.output
        assert f"would overwrite the input {target}" in result.output
        assert Path(target).read_text(encoding="utf-8") == "Other text.\n"
        assert not out.exists()


def test_in_place_reruns_never_overwrite_a_change_log(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GARBLED, encoding="utf-8")
    (folder / "b.txt").write_text("Hello , world\n", encoding="utf-8")
    assert fix(str(folder), "--in-place", "--jobs", "1").exit_code == 0
    log = folder / "mtfix.changes.jsonl"
    first_log = log.read_bytes()
    assert b"Anti smuggling" in first_log
    # nothing left to change: no log written, the first one (it goes with NAME.orig) kept
    result = fix(str(folder), "--in-place", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert log.read_bytes() == first_log
    assert "no change log was written" in result.output
    assert not (folder / "mtfix.changes.1.jsonl").exists()
    # new edits: the new log goes to the next free name, and the run says so
    with open(folder / "a.txt", "a", encoding="utf-8") as stream:
        stream.write("\nThe Anti smuggling Office met.\n")
    result = fix(str(folder), "--in-place", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert log.read_bytes() == first_log
    numbered = folder / "mtfix.changes.1.jsonl"
    records = [json.loads(line) for line in numbered.read_text(encoding="utf-8").splitlines()]
    assert any(r["before"] == "Anti smuggling" and r["line"] == 3 for r in records)
    assert "mtfix.changes.1.jsonl" in result.output.replace("\n", "")
    # the numbered log is not taken for an input of the next run
    result = fix(str(folder), "--in-place", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "2 files" in result.output


def test_a_single_file_in_place_rerun_keeps_its_change_log(tmp_path):
    src = tmp_path / "x.txt"
    src.write_text(GARBLED, encoding="utf-8")
    assert fix(str(src), "--in-place", "--jobs", "1").exit_code == 0
    log = tmp_path / "x.changes.jsonl"
    first_log = log.read_bytes()
    assert first_log  # the fix's records
    assert fix(str(src), "--in-place", "--jobs", "1").exit_code == 0  # nothing to change
    assert log.read_bytes() == first_log
    src.write_text(src.read_text(encoding="utf-8") + "The Anti smuggling Office.\n", encoding="utf-8")
    result = fix(str(src), "--in-place", "--jobs", "1", "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    assert log.read_bytes() == first_log
    new_log = (tmp_path / "x.changes.1.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line)["before"] for line in new_log.splitlines()] == ["Anti smuggling"]
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert "Anti smuggling" in json.dumps(report)
