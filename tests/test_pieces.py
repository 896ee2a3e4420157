"""One large text file cut into pieces (mtfix/pieces.py): the pieces fixed apart and joined
give exactly the output and change records of the file fixed whole, and ``--jobs 2`` on one
file writes what ``--jobs 1`` writes; the pieces a run streams to its workers as it reads
the file (``iter_pieces``) give the same."""

from __future__ import annotations

import io
import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.api import build_pipeline
from mtfix.batch import fix_paths
from mtfix.changelog import write_change_log
from mtfix.fileio import InputError
from mtfix.formats import FormatOptions
from mtfix.pieces import MIN_CHUNKS, fix_piece, iter_pieces, plan_pieces

PIPELINE = build_pipeline()
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "anhui-police-meeting-2024.txt"
LINES = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)


def _corpus(seed: int, lines: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(LINES) + ("\n" if rng.random() < 0.2 else "") for _ in range(lines))


def _whole(path: Path, chunk_size: int) -> tuple[str, str]:
    from mtfix.formats import fix_document

    log = io.StringIO()
    out = path.with_suffix(".whole")
    write_change_log(fix_document(path, out, pipeline=PIPELINE, doc="doc.txt",
                                  options=FormatOptions(chunk_size=chunk_size)), log)
    return out.read_text(encoding="utf-8"), log.getvalue()


def _in_pieces(path: Path, chunk_size: int, pieces: int) -> tuple[str, str] | None:
    plan = plan_pieces(path, pieces, chunk_size, doc="doc.txt")
    if plan is None:
        return None
    text, log = [], []
    for piece in plan.pieces:
        out, records = path.with_suffix(f".p{piece.index}"), path.with_suffix(f".r{piece.index}")
        fix_piece(piece, PIPELINE, out, records)
        text.append(out.read_text(encoding="utf-8"))
        log.append(records.read_text(encoding="utf-8"))
    return "".join(text), "".join(log)


def test_pieces_joined_equal_the_file_fixed_whole(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(_corpus(1, 400) + "Unicode: café — 合肥 .\n", encoding="utf-8")
    joined = _in_pieces(path, 2000, 5)
    assert joined is not None
    assert joined == _whole(path, 2000)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), lines=st.integers(1, 200), pieces=st.integers(1, 7),
       chunk_size=st.sampled_from([300, 1000, 4000]))
def test_any_cut_into_pieces_gives_the_whole_file_result(tmp_path_factory, seed, lines, pieces,
                                                         chunk_size) -> None:
    path = tmp_path_factory.mktemp("pieces") / "doc.txt"
    path.write_text(_corpus(seed, lines), encoding="utf-8")
    joined = _in_pieces(path, chunk_size, pieces)
    if joined is not None:
        assert joined == _whole(path, chunk_size)


def test_a_small_file_or_a_broken_one_is_fixed_whole(tmp_path: Path) -> None:
    small = tmp_path / "small.txt"
    small.write_text("The Anti smuggling Bureau met .\n", encoding="utf-8")
    assert plan_pieces(small, 4, 1000) is None
    broken = tmp_path / "broken.txt"
    broken.write_bytes(_corpus(2, 300).encode() + b"\xff\xfe bad\n")
    assert plan_pieces(broken, 4, 1000) is None  # the whole-file run reports the error


def test_jobs_2_on_one_large_file_writes_what_jobs_1_writes(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(_corpus(3, 1500), encoding="utf-8")
    small = tmp_path / "b.txt"
    small.write_text("The Anti smuggling Bureau met .\n", encoding="utf-8")
    options = FormatOptions(chunk_size=4000)
    assert big.stat().st_size >= MIN_CHUNKS * options.chunk_size
    runs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = fix_paths([str(big), str(small)], pipeline=PIPELINE, output_dir=str(out),
                           jobs=jobs, options=options)
        assert not result.failed
        runs[jobs] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*"))
                      if p.is_file()}
        assert not (out / ".changes.jsonl.parts").exists()
    assert runs[1] == runs[2]
    assert runs[1][Path("big.txt")] != big.read_bytes()  # something was fixed


def test_a_split_file_is_resumed_from_its_manifest(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(_corpus(4, 800), encoding="utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"not UTF-8 \xff\n")  # fails, so the parts stay for --resume
    options = FormatOptions(chunk_size=2000)
    out = tmp_path / "out"
    first = fix_paths([str(big), str(broken)], pipeline=PIPELINE, output_dir=str(out), jobs=2,
                      options=options)
    assert [r.ok for r in first.results] == [True, False]
    log = (out / "changes.jsonl").read_bytes()
    again = fix_paths([str(big), str(broken)], pipeline=PIPELINE, output_dir=str(out), jobs=2,
                      options=options, resume=True)
    assert [r.resumed for r in again.results] == [True, False]
    assert (out / "changes.jsonl").read_bytes() == log


def test_only_files_larger_than_a_workers_share_are_split(tmp_path: Path) -> None:
    from mtfix.batch import _Settings, discover, jobs_to_split

    text = _corpus(5, 300)
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    settings = _Settings("auto", FormatOptions(chunk_size=1000), False, True, False,
                         str(tmp_path / "parts"), "")
    jobs, _ = discover([str(tmp_path)], str(tmp_path / "out"))
    assert jobs_to_split(jobs, settings, 2) == []  # three equal files keep two workers busy
    assert len(jobs_to_split(jobs, settings, 4)) == 3  # four workers: each file is cut
    (tmp_path / "big.txt").write_text(text * 4, encoding="utf-8")
    jobs, _ = discover([str(tmp_path)], str(tmp_path / "out"))
    assert [job.input.name for job in jobs_to_split(jobs, settings, 2)] == ["big.txt"]


def test_pieces_keep_the_document_traits_and_an_open_suppression(tmp_path: Path) -> None:
    # China markers only at the head: a scoped entry deep in the file fires in the whole-file
    # run, so it must in a piece too; and an `mtfix: off` block opened in one piece goes on
    # in the next.
    head = "Xinhua, Beijing: the CPC Central Committee and the State Council met in Anhui.\n" * 30
    body = ("The meeting was held .  It went well , the officials said .\n" * 60
            + "# mtfix: off\n" + "It was said , and done .\n" * 200 + "# mtfix: on\n"
            + "the local party committee met .\n" * 60)
    path = tmp_path / "doc.txt"
    path.write_text(head + body, encoding="utf-8")
    joined = _in_pieces(path, 1500, 6)
    assert joined is not None
    assert joined == _whole(path, 1500)
    assert "It was said , and done ." in joined[0]  # the suppressed block stayed as it was


def test_pieces_done_are_reported_and_shown_on_stderr(tmp_path: Path, monkeypatch) -> None:
    """``on_piece`` counts a split file's pieces from 0 to all of them; ``mtfix fix`` shows
    them as a bar on standard error (a terminal here), and with --quiet nothing."""
    import rich.console

    from mtfix.cli import fix as cli_fix

    path = tmp_path / "big.txt"
    path.write_text(_corpus(5, 500), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    options = FormatOptions(chunk_size=2000)
    fix_paths([str(path)], pipeline=PIPELINE, output_dir=str(tmp_path / "a"), jobs=2,
              options=options, on_piece=lambda *a: seen.append(a))
    total = seen[0][2]
    assert total > 1 and [done for _, done, _ in seen] == list(range(total + 1))
    assert {doc for doc, _, _ in seen} == {str(path)}

    screen = io.StringIO()
    monkeypatch.setattr(cli_fix, "_stderr_console", lambda: rich.console.Console(
        file=screen, force_terminal=True, width=100))
    batch = cli_fix._with_progress([str(path)], PIPELINE, str(tmp_path / "b"), False, True,
                                   None, lambda result: None,
                                   {"jobs": 2, "options": options})
    assert not batch.failed
    assert "big.txt: pieces" in screen.getvalue()
    assert (tmp_path / "a" / "big.txt").read_bytes() == (tmp_path / "b" / "big.txt").read_bytes()


def test_workers_are_forked_with_the_pipeline_prepared_for_their_share(tmp_path: Path,
                                                                        monkeypatch) -> None:
    """Before forking its workers a batch prepares the pipeline for each worker's share of
    the bytes (the glossary's DFA is then built once, not in every worker)."""
    import multiprocessing

    from mtfix.pipeline import Pipeline

    if multiprocessing.get_start_method() != "fork":
        return  # elsewhere workers get the pipeline pickled and build what they need
    shares: list[int] = []
    monkeypatch.setattr(Pipeline, "prepare", lambda self, nbytes: shares.append(nbytes))
    big = tmp_path / "big.txt"
    big.write_text(_corpus(3, 1500), encoding="utf-8")
    options = FormatOptions(chunk_size=4000)
    result = fix_paths([str(big)], pipeline=PIPELINE, output_dir=str(tmp_path / "out"), jobs=2,
                       options=options)
    assert not result.failed
    size = big.stat().st_size
    assert len(shares) == 1 and size // 2 - 4000 <= shares[0] <= size // 2


def test_a_prepared_glossary_has_its_dfa_before_any_scan() -> None:
    import mtfix.glossary.compile as compile_module
    from mtfix.glossary import load_glossaries

    compiled = load_glossaries(run_examples=False).compiled
    fresh = compile_module.CompiledGlossary(compiled.entries)
    automaton = fresh._fast
    assert automaton._built is None
    fresh.prepare(compile_module.DFA_AFTER_BYTES // 2)
    assert automaton._built is None  # too little text: the NFA, on first use, is enough
    fresh.prepare(compile_module.DFA_AFTER_BYTES + 1)
    assert automaton._built is not None and automaton._dfa is False  # the DFA, built now


def _streamed(path: Path, chunk_size: int, workers: int) -> tuple[str, str] | None:
    """``_in_pieces`` with the pieces of ``iter_pieces`` (what a run with workers streams)."""
    from mtfix.fileio import file_hash

    pieces = list(iter_pieces(path, workers, chunk_size, file_hash(path), doc="doc.txt"))
    if not pieces:
        return None
    assert [p.index for p in pieces] == list(range(len(pieces)))
    assert pieces[0].start == 0 and pieces[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(pieces))
    text, log = [], []
    for piece in pieces:
        out, records = path.with_suffix(f".p{piece.index}"), path.with_suffix(f".r{piece.index}")
        fix_piece(piece, PIPELINE, out, records)
        text.append(out.read_text(encoding="utf-8"))
        log.append(records.read_text(encoding="utf-8"))
    return "".join(text), "".join(log)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), lines=st.integers(1, 200), workers=st.integers(1, 4),
       chunk_size=st.sampled_from([300, 1000, 4000]))
def test_streamed_pieces_give_the_whole_file_result(tmp_path_factory, seed, lines, workers,
                                                    chunk_size) -> None:
    """Pieces found as the file is read, of shrinking sizes, fixed apart and joined: the
    output and records of the file fixed whole (the same chunks, traits and suppressions
    as :func:`plan_pieces` gives)."""
    path = tmp_path_factory.mktemp("streamed") / "doc.txt"
    path.write_text(_corpus(seed, lines) + "# mtfix: off\nIt was said , and done .\n",
                    encoding="utf-8")
    joined = _streamed(path, chunk_size, workers)
    if joined is None:
        assert plan_pieces(path, workers, chunk_size) is None  # (fewer than MIN_CHUNKS)
    else:
        assert joined == _whole(path, chunk_size)


def test_streamed_pieces_shrink_and_stop_where_the_file_breaks(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(_corpus(6, 2000), encoding="utf-8")
    sizes = [p.end - p.start for p in iter_pieces(path, 2, 2000, "0" * 64)]
    assert len(sizes) > 4 and sizes[0] > 3 * sizes[-2]  # large first, a chunk or so last
    broken = tmp_path / "broken.txt"  # (larger than the blocks the file is read in)
    broken.write_bytes(path.read_bytes() * 8 + b"\xff\xfe bad\n")
    pieces = iter_pieces(broken, 2, 2000, "0" * 64)
    assert next(pieces).index == 0  # pieces are found before the problem is read
    with pytest.raises(InputError, match="not valid UTF-8"):
        list(pieces)
    small = tmp_path / "small.txt"
    small.write_text("The Anti smuggling Bureau met .\n" * 40, encoding="utf-8")
    assert list(iter_pieces(small, 2, 1000, "0" * 64)) == []


def test_a_file_broken_after_its_first_pieces_is_reported_as_when_fixed_whole(
        tmp_path: Path) -> None:
    """Pieces already sent to workers when the problem is read are stopped and removed;
    the file is then fixed whole, which reports the problem (file, line) as --jobs 1 does."""
    broken = tmp_path / "broken.txt"  # (larger than the blocks the file is read in)
    broken.write_bytes(_corpus(7, 1500).encode() * 3 + b"\xff\xfe bad\n")
    options = FormatOptions(chunk_size=20_000)
    assert next(iter_pieces(broken, 2, options.chunk_size, "0" * 64)).index == 0
    errors = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = fix_paths([str(broken)], pipeline=PIPELINE, output_dir=str(out), jobs=jobs,
                           options=options)
        assert [r.ok for r in result.results] == [False]
        errors.append(result.results[0].error)
        assert not (out / "broken.txt").exists()
        parts = out / ".changes.jsonl.parts"
        assert not [p for p in parts.rglob("*piece*")] if parts.exists() else True
    assert errors[0] == errors[1] and "not valid UTF-8" in errors[0]


def test_a_join_that_fails_stops_the_pieces_and_leaves_none(tmp_path: Path, monkeypatch) -> None:
    """The output cannot be written (a full disk): the file fails with the reason, the
    pieces still being fixed are stopped, and no piece file is left in the parts folder."""
    import contextlib
    import errno

    import mtfix.batch as batch

    real = batch.atomic_writer

    @contextlib.contextmanager
    def full_disk(path, **kwargs):
        with real(path, **kwargs) as stream:
            if Path(path).name == "big.txt":
                raise OSError(errno.ENOSPC, "No space left on device")
            yield stream

    monkeypatch.setattr(batch, "atomic_writer", full_disk)
    big = tmp_path / "big.txt"
    big.write_text(_corpus(8, 1500), encoding="utf-8")
    out = tmp_path / "out"
    result = fix_paths([str(big)], pipeline=PIPELINE, output_dir=str(out), jobs=2,
                       options=FormatOptions(chunk_size=4000))
    assert [r.ok for r in result.results] == [False]
    assert "no space left on device; free space" in result.results[0].error
    assert not (out / "big.txt").exists()
    assert not list((out / ".changes.jsonl.parts").glob("*piece*"))


def test_a_large_file_fixed_in_place_is_fixed_whole_with_two_workers(tmp_path: Path) -> None:
    """In place, a file large enough to be cut is fixed whole even with two workers (its
    pieces would be read from the file the output replaces): the result is the one-worker
    result, the backup is the original, and no temporary file is left."""
    text = _corpus(5, 1500)
    options = FormatOptions(chunk_size=4000)
    results = {}
    for jobs in (1, 2):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        target = folder / "big.txt"
        target.write_text(text, encoding="utf-8")
        assert target.stat().st_size >= MIN_CHUNKS * options.chunk_size
        cut: list[int] = []
        batch = fix_paths([str(target)], pipeline=PIPELINE, in_place=True, jobs=jobs,
                          options=options, on_piece=lambda _doc, _done, total, cut=cut:
                          cut.append(total))
        assert not batch.failed and not cut
        assert (folder / "big.txt.orig").read_text(encoding="utf-8") == text
        assert sorted(p.name for p in folder.iterdir()) == ["big.changes.jsonl", "big.txt",
                                                            "big.txt.orig"]
        results[jobs] = target.read_bytes()
    assert results[1] == results[2] != text.encode("utf-8")


def _written_a_while_ago(path: Path) -> None:
    """Date ``path`` ten seconds back: file times tick coarsely (a few ms), so a file written
    twice within a tick keeps its time; a real input was not written a moment before."""
    import os
    import time

    then = time.time_ns() - 10**10
    os.utime(path, ns=(then, then))


def _changing_after_first_piece(monkeypatch, change) -> None:
    """Make the file being cut change (``change(path)``) right after its first piece is
    planned, while the workers start on it."""
    import mtfix.pieces as pieces

    real = pieces.iter_pieces

    def iter_then_change(path, *args, **kwargs):
        found = real(path, *args, **kwargs)
        yield next(found)
        change(Path(path))
        yield from found

    monkeypatch.setattr(pieces, "iter_pieces", iter_then_change)


@pytest.mark.parametrize("same_length", [False, True], ids=["longer", "same-length"])
def test_a_file_changed_while_its_pieces_are_fixed_fails_alone_and_writes_nothing(
        tmp_path: Path, monkeypatch, same_length: bool) -> None:
    """A file written to while its pieces are fixed (read again by the workers): the file
    fails with a message that says so and what to do (not an internal error), no output and
    no piece file is left, and the other files of the batch are fixed. A change to the same
    length, which no chunk length shows, is caught too."""
    text = _corpus(9, 1500)

    def change(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data.replace(b"e", b"a") if same_length else data + data)

    _changing_after_first_piece(monkeypatch, change)
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_text(text, encoding="utf-8")
    _written_a_while_ago(big)
    small.write_text("The the meeting was held.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = fix_paths([str(big), str(small)], pipeline=PIPELINE, output_dir=str(out), jobs=2,
                       options=FormatOptions(chunk_size=4000))
    by_doc = {Path(r.input).name: r for r in result.results}
    assert result.failed and not by_doc["big.txt"].ok and by_doc["small.txt"].ok
    error = by_doc["big.txt"].error
    assert "changed while it was being fixed" in error and "run mtfix again" in error
    assert "internal error" not in error
    assert not (out / "big.txt").exists() and (out / "small.txt").exists()
    assert not list(out.rglob("*piece*")) and not list(out.rglob("*.tmp"))


def test_pieces_joined_after_the_file_changed_give_an_error_and_no_output(tmp_path: Path
                                                                          ) -> None:
    """The plan path (``plan_job``, ``join_pieces``: what the Ray engine runs): a file
    written to after it was planned, even to the same length, is not joined."""
    from mtfix.batch import Job, _Settings, join_pieces, plan_job, run_piece

    big = tmp_path / "big.txt"
    big.write_text(_corpus(10, 1500), encoding="utf-8")
    _written_a_while_ago(big)
    parts = tmp_path / "parts"
    parts.mkdir()
    settings = _Settings("auto", FormatOptions(chunk_size=4000), False, True, False,
                         str(parts), "test")
    job = Job(big, tmp_path / "out" / "big.txt", "big.txt")
    plan = plan_job(job, settings, 2)
    assert plan is not None
    results = [run_piece(job, piece, PIPELINE, settings) for piece in plan.pieces]
    big.write_bytes(big.read_bytes().replace(b"e", b"a"))
    report = join_pieces(job, settings, plan, results)
    assert not report.ok and "changed while it was being fixed" in report.error
    assert not job.output.exists() and not list(parts.glob("*piece*"))
