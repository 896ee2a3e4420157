"""Batches: worker processes give the jobs=1 result, a bad file does not stop the others,
an interrupted run resumes without redoing finished files, and nothing is half-written."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtfix.api import build_pipeline
from mtfix.batch import fix_paths, parts_dir_for
from mtfix.cli import app
from mtfix.formats import FormatOptions
from mtfix.pipeline import Pipeline

HERE = Path(__file__).parent
GLOSSARY = HERE / "data" / "formats-glossary.toml"
SAMPLE = HERE.parent / "samples" / "anhui-police-meeting-2024.txt"


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline([GLOSSARY], default_glossaries=False)


@pytest.fixture
def corpus(tmp_path):
    """A folder with every format (and a sub-folder), all of them with something to fix."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    sample = SAMPLE.read_text(encoding="utf-8")
    for i in range(4):
        (src / f"doc{i}.txt").write_text(f"{i}: click here, a second-class inspector.\n\n{sample}",
                                         encoding="utf-8")
    (src / "sub" / "notes.md").write_text("Your `name` and name.\n", encoding="utf-8")
    (src / "lines.jsonl").write_text('{"text": "the name"}\n{"text": "click here", "n": 2}\n',
                                     encoding="utf-8")
    for name in ("units-1.2.xlf", "units-2.0.xlf", "memory.tmx"):
        shutil.copy(HERE / "data" / "formats" / name, src / "sub" / name)
    return tmp_path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_jobs_2_gives_exactly_the_jobs_1_result(pipeline, corpus):
    options = FormatOptions(fields=("text",))
    one = fix_paths([str(corpus / "in")], pipeline=pipeline, output_dir=str(corpus / "o1"),
                    options=options, jobs=1)
    two = fix_paths([str(corpus / "in")], pipeline=pipeline, output_dir=str(corpus / "o2"),
                    options=options, jobs=2)
    assert not one.failed and not two.failed
    assert len(one.results) == 9
    assert _tree(corpus / "o1") == _tree(corpus / "o2")  # outputs and change log, byte for byte
    assert [(r.input, r.applied, r.flags, r.base) for r in one.results] == \
        [(r.input, r.applied, r.flags, r.base) for r in two.results]
    assert one.summary() == two.summary()
    changes = one.changes
    assert {c.doc for c in changes} == {r.input for r in one.results}
    # Change-log order: input order, then text order.
    order = [r.input for r in one.results]
    assert [order.index(c.doc) for c in changes] == sorted(order.index(c.doc) for c in changes)
    # A finished run leaves no resume state behind.
    assert not parts_dir_for(corpus / "o1" / "changes.jsonl").exists()


def test_pipeline_pickles_and_rebuilds_the_same(pipeline):
    copy = pickle.loads(pickle.dumps(pipeline))
    assert isinstance(copy, Pipeline)
    text = SAMPLE.read_text(encoding="utf-8") + "\nclick here, your name\n"
    assert copy.fix_text(text, doc="d").changes == pipeline.fix_text(text, doc="d").changes


def test_bad_files_are_reported_and_the_others_complete(corpus):
    src = corpus / "in"
    (src / "broken.xlf").write_text("<xliff version='1.2'><file>", encoding="utf-8")
    (src / "latin1.txt").write_bytes(b"caf\xe9\n")
    (src / "bad.jsonl").write_text('{"text": "name"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, [
        "fix", str(src), "-o", str(corpus / "out"), "--field", "text", "-j", "2",
        "--no-default-glossaries", "-g", str(GLOSSARY)])
    assert result.exit_code == 1, result.output
    assert "broken.xlf:1: not a valid XLIFF file" in result.output
    assert "latin1.txt:1: not valid UTF-8 (byte 0xe9 at offset 3)" in result.output
    assert "bad.jsonl:2: not a JSON object line" in result.output
    assert "9 files" in result.output and "3 failed" in result.output
    out = _tree(corpus / "out")
    assert "doc3.txt" in out and "sub/memory.tmx" in out and "lines.jsonl" in out
    assert not any(name.endswith((".tmp", "broken.xlf", "latin1.txt", "bad.jsonl")) for name in out
                   if not name.startswith(".changes"))


def test_resume_skips_finished_files_and_completes_the_change_log(pipeline, corpus):
    src = corpus / "in"
    (src / "later.txt").write_bytes(b"name \xff\n")  # fails the first time
    options = FormatOptions(fields=("text",))
    first = fix_paths([str(src)], pipeline=pipeline, output_dir=str(corpus / "out"),
                      options=options)
    assert [r.input.rsplit("/", 1)[-1] for r in first.failed] == ["later.txt"]
    parts = parts_dir_for(corpus / "out" / "changes.jsonl")
    assert parts.is_dir()  # kept for --resume
    stamps = {p: p.stat().st_mtime_ns for p in (corpus / "out").rglob("*.txt")}

    (src / "later.txt").write_text("your name\n", encoding="utf-8")
    (src / "doc0.txt").write_text("changed: click here\n", encoding="utf-8")  # must be redone
    second = fix_paths([str(src)], pipeline=pipeline, output_dir=str(corpus / "out"),
                       options=options, resume=True, jobs=2)
    assert not second.failed
    resumed = {r.input.rsplit("/", 1)[-1] for r in second.results if r.resumed}
    assert resumed == {"doc1.txt", "doc2.txt", "doc3.txt", "notes.md", "lines.jsonl",
                       "units-1.2.xlf", "units-2.0.xlf", "memory.tmx"}
    for path, stamp in stamps.items():
        if path.name in ("doc1.txt", "doc2.txt", "doc3.txt"):
            assert path.stat().st_mtime_ns == stamp  # not rewritten
    assert (corpus / "out" / "doc0.txt").read_text(encoding="utf-8") == "changed: select this\n"
    # The resumed change log is exactly what a fresh run writes.
    fresh = fix_paths([str(src)], pipeline=pipeline, output_dir=str(corpus / "fresh"),
                      options=options)
    assert (corpus / "out" / "changes.jsonl").read_bytes() == \
        (corpus / "fresh" / "changes.jsonl").read_bytes()
    assert second.summary().replace(" (8 already done)", "") == fresh.summary()
    assert not parts.exists()


def test_interrupted_run_leaves_no_half_written_file_and_resumes(pipeline, corpus, monkeypatch):
    import mtfix.batch

    src = corpus / "in"
    big = "".join(f"paragraph {i}: click here.\n\n" for i in range(20_000))
    (src / "doc2.txt").write_text(big, encoding="utf-8")
    options = FormatOptions(fields=("text",), chunk_size=4096)
    real_write = mtfix.batch.write_change_log
    seen = []

    def ctrl_c_half_way(changes, stream):  # Ctrl-C while doc2.txt is half done
        changes = list(changes)
        seen.extend(c for c in changes if c.doc.endswith("doc2.txt"))
        if len(seen) > 10_000:
            raise KeyboardInterrupt
        return real_write(changes, stream)

    monkeypatch.setattr(mtfix.batch, "write_change_log", ctrl_c_half_way)
    with pytest.raises(KeyboardInterrupt):
        fix_paths([str(src)], pipeline=pipeline, output_dir=str(corpus / "out"), options=options)
    monkeypatch.setattr(mtfix.batch, "write_change_log", real_write)
    out = corpus / "out"
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    # doc0 and doc1 finished; doc2 was interrupted half-way: no output, no temporary file.
    assert [w for w in written if not w.startswith(".changes.jsonl.parts/")] == [
        "doc0.txt", "doc1.txt"]
    assert not [w for w in written if w.endswith(".tmp")]
    result = fix_paths([str(src)], pipeline=pipeline, output_dir=str(out), options=options,
                       resume=True)
    assert not result.failed
    assert [Path(r.input).name for r in result.results if r.resumed] == ["doc0.txt", "doc1.txt"]
    assert (out / "doc2.txt").read_text(encoding="utf-8") == big.replace("click here", "select this")


def test_in_place_with_resume_and_backup(pipeline, tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("click here\n", encoding="utf-8")
    first = fix_paths([str(target)], pipeline=pipeline, in_place=True)
    assert not first.failed
    assert target.read_text(encoding="utf-8") == "select this\n"
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == "click here\n"
    again = fix_paths([str(target)], pipeline=pipeline, in_place=True)
    assert again.summary() == "1 file, 0 changes, 0 flags"


def test_cli_usage_errors(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["fix", str(tmp_path / "a.jsonl"), "--format", "jsonl"])
    assert result.exit_code == 2 and "--field" in result.output
    result = runner.invoke(app, ["fix", str(tmp_path / "a.jsonl"), "--format", "docx"])
    assert result.exit_code == 2 and "choose auto" in result.output
    # auto-detected JSON Lines without --field: that file fails, with what to do
    result = runner.invoke(app, ["fix", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "give --field NAME" in result.output


def test_fix_file_in_place_keeps_every_backup(pipeline, tmp_path):
    from mtfix.api import fix_file

    target = tmp_path / "a.txt"
    target.write_text("click here\n", encoding="utf-8")
    first = fix_file(target, pipeline=pipeline, in_place=True)
    assert first.backup == str(tmp_path / "a.txt.orig")
    again = fix_file(target, pipeline=pipeline, in_place=True)  # nothing to fix
    assert again.backup is None and not (tmp_path / "a.txt.orig.1").exists()
    target.write_text("Edited.\nclick here\n", encoding="utf-8")
    third = fix_file(target, pipeline=pipeline, in_place=True)
    assert third.backup == str(tmp_path / "a.txt.orig.1")
    assert (tmp_path / "a.txt.orig").read_text(encoding="utf-8") == "click here\n"
    assert (tmp_path / "a.txt.orig.1").read_text(encoding="utf-8") == "Edited.\nclick here\n"
    assert target.read_text(encoding="utf-8") == "Edited.\nselect this\n"


def test_files_the_caller_writes_are_checked_before_any_work(pipeline, tmp_path):
    from mtfix.batch import BatchUsageError

    src = tmp_path / "a.txt"
    src.write_text("click here\n", encoding="utf-8")
    out = tmp_path / "out"
    for report, what in ((src, "the input"), (out / "a.txt", "the output"),
                         (out / "changes.jsonl", "the change log")):
        with pytest.raises(BatchUsageError, match=f"--report {report} would overwrite {what}"):
            fix_paths([str(src)], pipeline=pipeline, output_dir=str(out),
                      also_writes={"--report": str(report)})
        assert not out.exists() and src.read_text(encoding="utf-8") == "click here\n"


def test_in_place_rerun_with_only_flags_keeps_the_log_and_still_reports_the_flags(tmp_path):
    glossary = tmp_path / "g.toml"
    glossary.write_text('[[entry]]\nid = "x"\nfind = "click here"\nreplace = "select this"\n'
                        'flag = true\n', encoding="utf-8")
    flagging = build_pipeline([glossary], default_glossaries=False)
    target = tmp_path / "a.txt"
    target.write_text("click here\n", encoding="utf-8")
    first = fix_paths([str(target)], pipeline=flagging, in_place=True)
    log = tmp_path / "a.changes.jsonl"
    assert first.change_log == str(log) and len(first.changes) == 1
    log.write_text("an earlier run's log\n", encoding="utf-8")
    again = fix_paths([str(target)], pipeline=flagging, in_place=True)
    assert log.read_text(encoding="utf-8") == "an earlier run's log\n"
    assert again.change_log is None and "left as it was" in again.note
    assert [c.is_flag for c in again.changes] == [True]  # still there for --report
