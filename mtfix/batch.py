"""Fix many files: discover inputs, run them in worker processes, write one change log, resume.

This is the library behind ``mtfix fix``. Output naming:

* ``output_dir`` given: each output goes under it, keeping paths relative to the directory
  argument it was found in (a file argument keeps just its name); the change log defaults to
  ``OUTPUT_DIR/changes.jsonl``.
* no ``output_dir``: ``NAME.fixed.EXT`` beside each input; the change log defaults to
  ``NAME.changes.jsonl`` beside the output for a single input, else ``mtfix.changes.jsonl`` in
  the first output's directory.
* ``in_place``: the input itself is replaced atomically (``NAME.orig`` kept unless
  ``backup=False``); the change log defaults to ``NAME.changes.jsonl`` / ``mtfix.changes.jsonl``.

How a run works (and why it can be resumed):

* each file is processed by :func:`mtfix.formats.fix_document` (streamed for text, markdown and
  JSON Lines, so memory does not grow with file size); its output is committed atomically and
  its change records go to a part file ``.LOG.parts/KEY.jsonl`` beside the change log, then a
  small manifest ``KEY.json`` records the input's and output's content hashes;
* ``jobs > 1`` runs files in worker processes; the change log is the parts concatenated in
  input order, so it is byte-identical to a ``jobs=1`` run;
* ``resume=True`` skips a file whose manifest matches its current content hash, the run's
  settings and an intact output (its recorded changes still go into the change log); a file
  interrupted half-way has no manifest and is redone. The parts folder is removed when a run
  finishes without failures.

What a run guards against (docs/guarantees.md lists every promise and its test):

* one run per change log at a time: ``.LOG.lock`` beside it (an flock) is held for the run;
* a pipe, FIFO or device input is read once, into a copy in the parts folder;
* a worker process that dies fails its own file only; workers die with the run;
* temporary files carry their process id; those of dead processes are removed at the start.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import gc
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from mtfix.api import FileResult, fix_file
from mtfix.change import Change
from mtfix.changelog import read_change_log, write_change_log
from mtfix.fileio import (
    InputError,
    LockHeld,
    atomic_writer,
    check_unchanged,
    exclusive_lock,
    file_hash,
    file_signature,
    is_regular_file,
    link_atomic,
    numbered_free_path,
    remove_stale_temp_files,
    spool,
    temp_prefix,
)
from mtfix.formats import FORMATS, SUFFIX_FORMATS, FormatOptions
from mtfix.pipeline import Pipeline
from mtfix.textutil import plural
from mtfix.uris import UriError, copy_uri, is_uri, list_uri

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

TEXT_SUFFIXES = frozenset(SUFFIX_FORMATS)
_OWN_OUTPUT_MARKERS = (".fixed.", ".changes.jsonl", ".orig")
_NUMBERED_CHANGE_LOG = re.compile(r"\.changes\.\d+\.jsonl$")  # an in-place rerun's log
MANIFEST_VERSION = 1
#: What fixes a run's files (see ``fix_paths(runner=...)``)
Runner = Callable[..., Iterator["FileResult"]]
#: ``on_piece(doc, done, total)``: pieces of a large file done (see ``fix_paths``)
PieceFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Job:
    """One input file and where its output goes."""

    input: Path
    output: Path
    doc: str  # the input path as the user gave it (recorded in every change)
    format: str | None = None  # the project configuration's format for it (None: the run's)


@dataclass
class BatchResult:
    results: list[FileResult] = field(default_factory=list)
    change_log: str | None = None
    note: str | None = None  # worth telling the user (e.g. the change log got a numbered name)
    # the run's records when no change log was written for them (an in-place rerun that
    # changed nothing keeps the earlier log): flags only
    unsaved_changes: list[Change] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    def iter_changes(self) -> Iterator[Change]:
        """The run's changes, read back from the change log (streams: fine for huge runs)."""
        if self.change_log is None:
            yield from self.unsaved_changes
            return
        with open(self.change_log, encoding="utf-8") as stream:
            yield from read_change_log(stream, self.change_log)

    @property
    def changes(self) -> list[Change]:
        """All changes of the run, in input order (read from the change log)."""
        return list(self.iter_changes())

    def summary(self) -> str:
        """One line: files, changes by pass, flags, failures."""
        ok = [r for r in self.results if r.ok]
        by_pass: Counter[str] = Counter()
        for r in ok:
            by_pass.update(dict(r.applied))
        applied = sum(by_pass.values())
        flags = sum(r.flags for r in ok)
        passes = ", ".join(f"{name} {count}" for name, count in sorted(by_pass.items()))
        files = plural(len(ok), "file")
        resumed = sum(r.resumed for r in ok)
        if resumed:
            files += f" ({resumed} already done)"
        text = f"{files}, {plural(applied, 'change')}"
        if passes:
            text += f" ({passes})"
        text += f", {plural(flags, 'flag')}"
        text += memory_summary(sum(r.memory_suppressed for r in ok),
                               sum(r.memory_applied for r in ok))
        if self.failed:
            text += f", {len(self.failed)} failed"
        return text


def memory_summary(suppressed: int, applied: int) -> str:
    """The summary's part about remembered decisions (empty when they did nothing)."""
    parts = [f"{n} {what} from memory" for n, what in ((suppressed, "suppressed"),
                                                       (applied, "applied")) if n]
    return "".join(f", {part}" for part in parts)


class BatchUsageError(ValueError):
    """The arguments cannot make a sensible run (nothing was done); the message says why and
    what to do instead. The CLI turns it into a usage error (exit code 2)."""


class ChangeLogError(Exception):
    """The files were fixed but their change log could not be written (e.g. the disk is full).
    The parts folder is kept, so ``resume=True`` writes the log without redoing the files; the
    message says so. The CLI prints it and exits with code 1."""


def check_arguments(inputs: Sequence[str], output_dir: str | None = None) -> None:
    """Refuse arguments that would silently do nothing useful: an input folder that is the
    output folder or inside it (its files would all be taken for earlier outputs and skipped).
    """
    if output_dir is None:
        return
    out = Path(output_dir).resolve()
    for arg in inputs:
        path = Path(arg)
        if not path.is_dir():
            continue
        if path.resolve() == out:
            raise BatchUsageError(
                f"output folder {output_dir} is the input folder {arg}: the outputs would "
                "replace the inputs; choose another output folder (-o), or use --in-place to "
                "replace the files (keeping backups)")
        if path.resolve().is_relative_to(out):
            raise BatchUsageError(
                f"input folder {arg} is inside the output folder {output_dir}, so its files "
                "would be taken for outputs and skipped; choose an output folder (-o) outside "
                "it, or use --in-place")


def split_collisions(jobs: Sequence[Job]) -> tuple[list[Job], list[FileResult]]:
    """Jobs that can run, and failed reports for those that would clobber another's file.

    Two inputs with the same output (``a/x.txt`` and ``b/x.txt`` with ``-o out``) would
    leave one ``out/x.txt``, which one depending on timing: every input after the first that
    writes an output already claimed fails, naming both inputs. An output that is another
    input of the run would overwrite that input: the job writing it fails. The same file
    named twice (same input, same output) is simply done once.
    """
    inputs = {job.input.resolve(): job for job in jobs}
    claimed: dict[Path, Job] = {}
    keep: list[Job] = []
    failed: list[FileResult] = []
    for job in jobs:
        out = _output_identity(job)
        first = claimed.get(out)
        if first is not None:
            if first.input.resolve() == job.input.resolve():
                continue  # named twice (e.g. a folder and a file in it): done once
            failed.append(FileResult(job.doc, None, error=(
                f"{job.doc}: not processed: its output {job.output} is also the output of "
                f"{first.doc}, and one would silently replace the other; give the inputs "
                "separate output folders (one run each with its own -o), or rename one")))
            continue
        other = inputs.get(out)
        if other is not None and out != job.input.resolve():
            failed.append(FileResult(job.doc, None, error=(
                f"{job.doc}: not processed: its output {job.output} is another input of this "
                f"run ({other.doc}) and would overwrite it; choose an output folder (-o) "
                "that holds no inputs, or leave that file out")))
            continue
        claimed[out] = job
        keep.append(job)
    return keep, failed


#: whether a file (``False``) or folder (``True``) found in a folder walk is left out
SkipFn = Callable[[Path, bool], bool]
#: the format a file is given by the project configuration, or None
FormatFn = Callable[[Path], "str | None"]


def discover(inputs: Sequence[str], output_dir: str | None = None, *, in_place: bool = False,
             format: str = "auto", skip: SkipFn | None = None,
             format_of: FormatFn | None = None, force_exclude: bool = False,
             ) -> tuple[list[Job], list[FileResult]]:
    """Expand files and directories into jobs; unreadable arguments become failed results.

    Directories are searched for files of ``format`` (every known format for "auto"), less
    what ``skip`` leaves out (excludes and ``.gitignore``: :meth:`mtfix.config.Config.
    ignore_filter`; a file named itself is never skipped). With ``format="auto"``,
    ``format_of`` gives a file its format by the configuration's globs (a folder walk then
    also finds the files it names, whatever their extension). ``force_exclude=True`` applies
    ``skip`` to files named themselves too (for hooks that are given every changed file).
    """
    suffixes = (TEXT_SUFFIXES if format == "auto"
                else frozenset(s for s, f in SUFFIX_FORMATS.items() if f == format))
    if format != "auto":
        format_of = None
    jobs: list[Job] = []
    problems: list[FileResult] = []
    # Outputs written inside an input directory are not inputs of the next run.
    out_dir = Path(output_dir).resolve() if output_dir is not None else None
    for arg in inputs:
        path = Path(arg)
        if is_uri(arg):
            _discover_uri(arg, output_dir, in_place, suffixes, jobs, problems)
        elif path.is_dir():
            walked = _without_broken_links(sorted(_walk(path, suffixes, skip, format_of)),
                                           problems)
            found = [f for f in walked
                     if out_dir is None or not f.resolve().is_relative_to(out_dir)]
            if not found:
                problems.append(FileResult(arg, None, error=(
                    f"{arg}: no input files found (looked for {', '.join(sorted(suffixes))}); "
                    "name files with other extensions directly (they are read as text)")))
            for file in found:
                rel = file.relative_to(path)
                jobs.append(Job(file, _output_for(file, rel, output_dir, in_place), str(file),
                                format_of(file) if format_of else None))
        elif (broken := _broken_link_error(path, arg)) is not None:
            problems.append(FileResult(arg, None, error=broken))
        elif force_exclude and skip is not None and skip(path, False):
            continue
        elif path.exists():
            jobs.append(Job(path, _output_for(path, Path(path.name), output_dir, in_place), arg,
                            format_of(path) if format_of else None))
        else:
            problems.append(FileResult(arg, None, error=f"{arg}: no such file or directory; "
                                       "check the path (a typo, or the file moved?)"))
    return jobs, problems


def _discover_uri(uri: str, output_dir: str | None, in_place: bool, suffixes: frozenset[str],
                  jobs: list[Job], problems: list[FileResult]) -> None:
    """The jobs of an input named by a URI (:mod:`mtfix.uris`): its files are copied before
    the run (:func:`_spool_pipes`), their outputs named as local files' under ``output_dir``."""
    if in_place or output_dir is None:
        raise BatchUsageError(f"{uri}: an input named by a URI needs an output folder (-o "
                              "FOLDER): there is no local file to write beside it or replace")
    try:
        found = list(list_uri(uri, suffixes))
    except UriError as exc:
        problems.append(FileResult(uri, None, error=str(exc)))
        return
    if not found:
        problems.append(FileResult(uri, None, error=(
            f"{uri}: no input files found (looked for {', '.join(sorted(suffixes))})")))
    for file_uri, rel in found:
        jobs.append(Job(Path(file_uri), Path(output_dir) / rel, file_uri))


def _walk(folder: Path, suffixes: frozenset[str], skip: SkipFn | None = None,
          format_of: FormatFn | None = None) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (skip and skip(Path(root) / d, True)))
        for name in files:
            # never pick up what a run writes: outputs beside inputs, backups, change logs
            # (NAME.changes.jsonl, mtfix.changes.jsonl, their numbered NAME.changes.1.jsonl
            # from in-place reruns, and OUTDIR/changes.jsonl)
            if name.startswith(".") or name == "changes.jsonl" or any(
                    m in name for m in _OWN_OUTPUT_MARKERS) or _NUMBERED_CHANGE_LOG.search(name):
                continue
            path = Path(root) / name
            if skip is not None and skip(path, False):
                continue
            if Path(name).suffix.lower() in suffixes or (format_of and format_of(path)):
                yield path


def _output_for(file: Path, rel: Path, output_dir: str | None, in_place: bool) -> Path:
    if in_place:
        return file
    if output_dir is not None:
        return Path(output_dir) / rel
    return file.with_name(f"{file.stem}.fixed{file.suffix}")


def default_change_log(jobs: Sequence[Job], output_dir: str | None) -> Path | None:
    if output_dir is not None:
        return Path(output_dir) / "changes.jsonl"
    if not jobs:
        return None
    first = jobs[0].output
    if len(jobs) == 1:
        return first.with_name(f"{jobs[0].input.stem}.changes.jsonl")
    return first.parent / "mtfix.changes.jsonl"


def parts_dir_for(change_log: Path) -> Path:
    """Where a run keeps per-file change records and manifests (hidden, beside the log)."""
    return change_log.with_name(f".{change_log.name}.parts")


# -- one file -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Settings:
    """Everything a worker needs besides the pipeline (small and picklable)."""

    format: str
    options: FormatOptions
    in_place: bool
    backup: bool
    resume: bool
    parts: str
    fingerprint: str


def _job_key(job: Job) -> str:
    key = f"{job.input.resolve()}\0{_output_identity(job)}"
    return hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _finished(job: Job, settings: _Settings, manifest: Path, part: Path) -> FileResult | None:
    """The recorded result if an earlier run finished this job with this content."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if (data.get("version") != MANIFEST_VERSION or data.get("settings") != settings.fingerprint
                or data.get("format") != job.format
                or not part.exists() or not job.output.exists()
                or file_hash(job.output) != data["output_hash"]):
            return None
        if not settings.in_place and file_hash(job.input) != data["input_hash"]:
            return None
        return FileResult(job.doc, str(job.output), applied=tuple(map(tuple, data["applied"])),
                          flags=data["flags"], base=data["input_hash"][:16],
                          input_hash=data["input_hash"], resumed=True,
                          memory_suppressed=data.get("memory_suppressed", 0),
                          memory_applied=data.get("memory_applied", 0))
    except (OSError, ValueError, KeyError, TypeError, InputError):
        return None


def run_job(job: Job, pipeline: Pipeline, settings: _Settings) -> FileResult:
    """Fix one file with :func:`mtfix.api.fix_file`, its change records streamed to a part
    file; the part and the manifest are committed before an in-place swap makes the fixed
    file visible (see ``on_fixed``), so a resumed run never loses a file's record."""
    parts = Path(settings.parts)
    key = _job_key(job)
    manifest, part = parts / f"{key}.json", parts / f"{key}.jsonl"
    if settings.resume:
        done = _finished(job, settings, manifest, part)
        if done is not None:
            return done
    with contextlib.suppress(OSError):
        manifest.unlink()
    if not settings.in_place and job.output.exists() and job.output.resolve() == job.input.resolve():
        return FileResult(job.doc, None, error=f"{job.doc}: output would overwrite the input; "
                          "choose another --output-dir or use --in-place")
    try:
        with _part_writer(part) as (log, commit_part):
            records = _RecordBuffer(log)

            def commit(result: FileResult, fixed: Path) -> None:
                records.flush()
                commit_part()
                _write_manifest(manifest, job, settings, result, file_hash(fixed))

            result = fix_file(job.input, job.output, doc=job.doc, pipeline=pipeline,
                              in_place=settings.in_place, backup=settings.backup,
                              format=job.format or settings.format, options=settings.options,
                              on_change=records.append, on_fixed=commit)
        return dataclasses.replace(result, input=job.doc)
    except InputError as exc:
        return FileResult(job.doc, None, error=_as_given(str(exc), job, settings))
    except OSError as exc:
        return FileResult(job.doc, None, error=_write_error(job, exc))
    except Exception as exc:  # one file must not stop the batch; say it is our bug
        return FileResult(job.doc, None, error=f"{job.doc}: internal error ({type(exc).__name__}: "
                          f"{exc}); please report this as an mtfix bug")


class _RecordBuffer:
    """Change records on their way to a part file, written a few thousand at a time.

    A change-heavy file makes a record per ~50 bytes; one ``write_change_log`` call per
    record cost more than the record's JSON. Buffering changes nothing a crash could see:
    the part file is a temporary file until ``commit``, which flushes the buffer first."""

    SIZE = 8192

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._pending: list[Change] = []

    def append(self, change: Change) -> None:
        pending = self._pending
        pending.append(change)
        if len(pending) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            write_change_log(self._pending, self._stream)
            self._pending = []


@contextlib.contextmanager
def _part_writer(part: Path, binary: bool = False) -> Iterator[tuple[IO, Callable[[], None]]]:
    """A part file written under a temporary name, and the function that commits it (fsync
    and rename). Unlike :func:`atomic_writer`, the commit is the caller's to time: a part is
    committed before an in-place swap, not after. Left uncommitted, it is removed.
    ``binary``: a stream of bytes (UTF-8 lines), else of text."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(part.name), suffix=".tmp", dir=part.parent)
    stream = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8",
                                                            newline="")

    def commit() -> None:
        stream.flush()
        os.fsync(stream.fileno())
        stream.close()
        os.replace(tmp, part)

    try:
        yield stream, commit
    finally:
        if not stream.closed:
            stream.close()
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _write_manifest(manifest: Path, job: Job, settings: _Settings, result: FileResult,
                    output_hash: str) -> None:
    """Record that ``job`` is done: its change records are in the part file, its output has
    ``output_hash``. Written once the part and the output (or, in place, the scratch file) are
    complete but BEFORE an in-place swap, so the swap and its record are one recoverable step:
    killed before the swap, the file still has its input hash, which differs from the recorded
    output hash, so ``--resume`` fixes it again; killed after, the file has the recorded output
    hash, so ``--resume`` takes the recorded changes instead of fixing the fixed file (which
    would find nothing and leave an empty change log)."""
    record = {"version": MANIFEST_VERSION, "input": str(job.input), "output": str(job.output),
              "input_hash": result.input_hash, "output_hash": output_hash,
              "settings": settings.fingerprint, "applied": result.applied,
              "flags": result.flags, "memory_suppressed": result.memory_suppressed,
              "memory_applied": result.memory_applied, "format": job.format}
    with atomic_writer(manifest) as out:
        json.dump(record, out)


# -- worker processes -------------------------------------------------------------------------

_WORKER_PIPELINE: Pipeline | None = None


def _init_worker(pipeline: Pipeline, parent: int | None = None) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline
    if parent is not None:
        _die_with_parent(parent)


def _run_in_worker(job: Job, settings: _Settings) -> FileResult:
    assert _WORKER_PIPELINE is not None
    return run_job(job, _WORKER_PIPELINE, settings)


def pipeline_fingerprint(pipeline: Pipeline) -> str:
    """A hash of what the pipeline does (each pass's declared ``fingerprint()``, and its
    remembered decisions), so ``--resume`` never reuses results made with other glossaries,
    passes or decisions."""
    parts = pipeline.fingerprint_parts()
    return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def default_jobs() -> int:
    """Worker processes by default: the CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# -- the batch ----------------------------------------------------------------------------------

def fix_paths(inputs: Sequence[str], *, pipeline: Pipeline, output_dir: str | None = None,
              in_place: bool = False, backup: bool = True, change_log: str | None = None,
              on_file: Callable[[FileResult], None] | None = None, format: str = "auto",
              options: FormatOptions | None = None, jobs: int | None = 1,
              resume: bool = False, also_writes: Mapping[str, str] | None = None,
              on_start: Callable[[int], None] | None = None, skip: SkipFn | None = None,
              format_of: FormatFn | None = None, force_exclude: bool = False,
              runner: Runner | None = None,
              on_piece: PieceFn | None = None) -> BatchResult:
    """Fix every input file; one failure never stops the others.

    Inputs are never overwritten unless ``in_place=True``. ``jobs`` worker processes (``None``:
    one per core) share the files; results and the change log do not depend on ``jobs``.
    ``on_file`` is called once per file, in input order; ``on_start`` once with the number
    of files found, before the first (e.g. to size a progress bar). The change log (JSON Lines, all files)
    is written atomically at ``change_log`` or the default place (see module doc). With
    ``in_place`` an existing change log is never replaced (it goes with the ``NAME.orig`` of an
    earlier run): a run that changed nothing writes none, any other run writes its log to the
    next free name (``mtfix.changes.1.jsonl``...); ``BatchResult.note`` says which.

    ``also_writes`` names other files the caller writes after the run, e.g.
    ``{"--report": "review.html"}``: like the change log, each is checked against every input
    and output of the run (including inputs refused for a clashing output) before any work,
    and a clash raises :class:`BatchUsageError`. ``skip``, ``format_of`` and
    ``force_exclude``: see :func:`discover` (the project configuration's excludes and format globs).


    ``runner`` fixes the files found (the engine: :mod:`mtfix.engines`); by default worker
    processes on this machine. It gets the jobs, the pipeline, the run's settings, ``jobs`` and
    ``on_file``, and yields one report per job in input order, as :func:`run_job` makes them;
    and ``on_piece=`` when ``on_piece`` is given.

    ``on_piece(doc, done, total)``: a large file cut into pieces for several workers
    (:mod:`mtfix.pieces`) reports how many of its pieces are done, the last time ``total``
    (for a progress bar).
    """
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of auto, {', '.join(FORMATS)}")
    options = options or FormatOptions()
    check_arguments(inputs, output_dir)
    discovered, problems = discover(inputs, output_dir, in_place=in_place, format=format,
                                    skip=skip, format_of=format_of,
                                    force_exclude=force_exclude)
    found, collisions = split_collisions(discovered)
    problems.extend(collisions)
    log_path = Path(change_log) if change_log else default_change_log(found, output_dir)
    extra = {option: Path(path) for option, path in (also_writes or {}).items()}
    # every input named or found counts, also one refused for a clashing output: it is
    # still the user's file
    _check_run_writes(log_path, extra, discovered)
    if in_place:
        _refuse_in_place_pipes(discovered)
    batch = BatchResult(results=list(problems))
    if on_file is not None:
        for problem in problems:
            on_file(problem)
    if log_path is None:
        return batch
    parts = parts_dir_for(log_path)
    # one run per change log (and so per output folder) at a time: see _run_lock
    with _run_lock(log_path), _fewer_collections():
        _remove_stale_temp_files(found, log_path)
        if not resume:
            shutil.rmtree(parts, ignore_errors=True)
        parts.mkdir(parents=True, exist_ok=True)
        settings = _Settings(format, options, in_place, backup, resume, str(parts),
                             _settings_fingerprint(pipeline, format, options))
        found, unread = _spool_pipes(found, parts)
        batch.results.extend(unread)
        for problem in unread if on_file is not None else ():
            on_file(problem)
        if on_start is not None:
            on_start(len(found))
        more = {"on_piece": on_piece} if on_piece is not None else {}
        reports = list((runner or _run_all)(found, pipeline, settings, jobs, on_file, **more))
        _remove_spools(parts)
        batch.results.extend(reports)
        done = [(job, report) for job, report in zip(found, reports, strict=True) if report.ok]
        if done and in_place and (log_path.exists() or log_path.is_symlink()):
            # The existing log records how the files came to differ from their NAME.orig: keep it.
            if not any(report.applied_count for _, report in done):
                batch.unsaved_changes = [change for job, _ in done
                                         for change in _read_part(parts, job)]
                batch.note = (f"nothing changed, so no change log was written; {log_path} (of an "
                              "earlier run) was left as it was")
                done = []
            else:
                taken = [*extra.values(), *(p for job in discovered for p in (job.input, job.output))]
                numbered = numbered_free_path(log_path, taken)
                batch.note = (f"{log_path} already exists and was kept; this run's change log is "
                              f"{numbered}")
                log_path = numbered
        if done:
            _write_change_log(log_path, parts, [job for job, _ in done])
            batch.change_log = str(log_path)
        if not batch.failed:
            shutil.rmtree(parts, ignore_errors=True)
        return batch


#: the cyclic garbage collector's first threshold during a run (Python's default: 700)
_RUN_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run less often while files are fixed (in this
    process and the workers it forks), as it was before afterwards. A change-heavy file makes
    a record (and an edit, and their spans) per ~50 bytes: at the default threshold the
    collector ran every 700 of them and scanned the survivors again and again, ~15% of the
    run. Records are freed by reference counting; the collector finds only cycles, and fixing
    makes few (each pass of a collection still finds them, every 50,000 allocations).

    What exists when the run starts (the pipeline: glossaries, automata, rules, hundreds of
    thousands of objects) is frozen (``gc.freeze``) for the run, so the older generations'
    collections do not scan it again and again (~4% of a change-heavy run), and the workers
    forked meanwhile inherit it frozen; it is unfrozen afterwards. (A caller that froze
    objects itself keeps its own freeze: then nothing is frozen here.)"""
    before = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0
    gc.set_threshold(max(before[0], _RUN_GC_THRESHOLD), *before[1:])
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()
        gc.set_threshold(*before)


def _read_part(parts: Path, job: Job) -> list[Change]:
    part = parts / f"{_job_key(job)}.jsonl"
    with open(part, encoding="utf-8") as stream:
        return list(read_change_log(stream, str(part)))


def _check_run_writes(log_path: Path | None, extra: Mapping[str, Path],
                      jobs: Sequence[Job]) -> None:
    """The change log and the caller's other files (``extra``: option -> path) must not
    replace an input or an output of the run, nor each other."""
    writes = ([(f"the change log {log_path}", "the change log", log_path, "--changes FILE.jsonl")]
              if log_path is not None else [])
    writes += [(f"{option} {path}", "it", path, f"{option} FILE") for option, path in extra.items()]
    where: dict[Path, str] = {}
    for job in jobs:
        for role, path in (("output", job.output), ("input", job.input)):
            where[_output_identity(job) if role == "output" else path.resolve()] = \
                f"the {role} {path} (of {job.doc})"
    for name, it, path, how in writes:
        target = path.resolve()
        if target in where:
            raise BatchUsageError(f"{name} would overwrite {where[target]}; give {it} another "
                                  f"path ({how})")
        where[target] = name


def _settings_fingerprint(pipeline: Pipeline, format: str, options: FormatOptions) -> str:
    what = [pipeline_fingerprint(pipeline), format, list(options.fields), options.mark_review]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()[:16]


def _run_all(found: Sequence[Job], pipeline: Pipeline, settings: _Settings, jobs: int | None,
             on_file: Callable[[FileResult], None] | None, on_piece: PieceFn | None = None
             ) -> Iterator[FileResult]:
    cores = default_jobs() if jobs is None else max(1, jobs)
    if cores > 1 and any(jobs_to_split(found, settings, cores)):
        yield from _run_splitting(found, pipeline, settings, cores, on_file, on_piece)
        return
    workers = min(cores, len(found))
    if workers <= 1:
        for job in found:
            report = run_job(job, pipeline, settings)
            if on_file is not None:
                on_file(report)
            yield report
        return
    # The pipeline goes to each worker once (CompiledGlossary pickles as its raw entries and
    # is rebuilt there); jobs are then just paths. A worker that dies: see _run_in_pool.
    for report in _run_in_pool(found, pipeline, settings, workers):
        if on_file is not None:
            on_file(report)
        yield report


# -- one large file in pieces (mtfix/pieces.py) --------------------------------------------------

def _may_split(job: Job, settings: _Settings) -> bool:
    """Could ``job`` be cut into pieces for several workers: a plain-text file (chunks carry
    no state from one to the next) written to a new output, large enough to hold
    :data:`~mtfix.pieces.MIN_CHUNKS` chunks. (In place, the file is fixed whole.)"""
    from mtfix.formats import detect_format
    from mtfix.pieces import MIN_CHUNKS

    if settings.in_place or detect_format(job.input, settings.format) != "text":
        return False
    try:
        return (is_regular_file(job.input)
                and job.input.stat().st_size >= MIN_CHUNKS * settings.options.chunk_size)
    except OSError:
        return False


def jobs_to_split(found: Sequence[Job], settings: _Settings, workers: int) -> list[Job]:
    """The jobs worth cutting into pieces for ``workers`` workers: those that may be split
    (:func:`_may_split`) and hold more than a worker's fair share of the run's bytes. Files
    of about equal size, more of them than workers, keep every worker busy whole (and are not
    read an extra time to be planned)."""
    sizes = {}
    for job in found:
        with contextlib.suppress(OSError):
            sizes[job] = job.input.stat().st_size
    share = sum(sizes.values()) / max(1, workers)
    return [job for job in found if sizes.get(job, 0) > share and _may_split(job, settings)]


def plan_job(job: Job, settings: _Settings, workers: int):
    """The pieces of ``job`` for ``workers`` workers (:func:`mtfix.pieces.plan_pieces`), or
    None: fix it whole. A few pieces per worker even out pieces of unequal speed."""
    from mtfix.pieces import plan_pieces

    if workers <= 1 or not _may_split(job, settings):
        return None
    return plan_pieces(job.input, workers * 3, settings.options.chunk_size, doc=job.doc)


def piece_paths(settings: _Settings, job: Job, index: int) -> tuple[str, str]:
    """Where a piece's fixed text and change records go (in the parts folder)."""
    stem = Path(settings.parts) / f"{_job_key(job)}.piece{index:05d}"
    return f"{stem}.out", f"{stem}.jsonl"


def join_pieces(job: Job, settings: _Settings, plan, results: Sequence) -> FileResult:
    """The file's output and part file, each the pieces' files joined in order, and its
    manifest: what :func:`run_job` leaves for a file fixed whole. Piece files are removed."""
    return _join_in_order(job, settings, plan.input_hash,
                          [piece.index for piece in plan.pieces], iter(results),
                          before_commit=lambda: check_unchanged(job.input, plan.signature,
                                                                job.doc))


def _join_in_order(job: Job, settings: _Settings, input_hash: str, indexes: Sequence[int],
                   results: Iterator, on_joined: Callable[[int], None] | None = None,
                   before_commit: Callable[[], None] | None = None) -> FileResult:
    """:func:`join_pieces`, taking the pieces' results one at a time, in order (``results``
    may wait for each, :func:`_run_split_streaming`): each piece's files are appended to the
    output and the part file as soon as its result is taken, while later pieces are still
    being fixed, and removed. ``on_joined(n)``: after the n-th piece is joined;
    ``before_commit()``: after the last, before the output and the part file are committed.
    An exception from ``results`` (a worker's) or from ``before_commit`` leaves neither the
    output nor the part file."""
    parts = Path(settings.parts)
    key = _job_key(job)
    paths = [piece_paths(settings, job, index) for index in indexes]
    taken: list = []
    output_hash = hashlib.sha256()  # (of the bytes as they are joined: not read back after)
    try:
        # (bytes: the pieces are UTF-8 lines this run wrote; decoding them only to encode
        # them again cost as much as the rest of the join)
        with atomic_writer(job.output, mode="wb") as out, \
                _part_writer(parts / f"{key}.jsonl", binary=True) as (log, commit_part):
            for (fixed, records), piece_result in zip(paths, results, strict=True):
                taken.append(piece_result)
                with open(fixed, "rb") as piece:
                    while block := piece.read(1 << 20):
                        output_hash.update(block)
                        out.write(block)
                with open(records, "rb") as piece:
                    shutil.copyfileobj(piece, log, 1 << 20)
                for path in (fixed, records):
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                if on_joined is not None:
                    on_joined(len(taken))
            if before_commit is not None:
                before_commit()
            commit_part()
        by_pass: Counter[str] = Counter()
        for piece_result in taken:
            by_pass.update(dict(piece_result.applied))
        result = FileResult(job.doc, str(job.output), applied=tuple(sorted(by_pass.items())),
                            flags=sum(r.flags for r in taken), base=input_hash[:16],
                            input_hash=input_hash,
                            memory_suppressed=sum(r.memory_suppressed for r in taken),
                            memory_applied=sum(r.memory_applied for r in taken))
        _write_manifest(parts / f"{key}.json", job, settings, result, output_hash.hexdigest())
    except InputError as exc:  # the file changed while its pieces were read
        return FileResult(job.doc, None, error=_as_given(str(exc), job, settings))
    except OSError as exc:
        return FileResult(job.doc, None, error=_write_error(job, exc))
    finally:
        for pair in paths:
            for path in pair:
                with contextlib.suppress(OSError):
                    os.unlink(path)
    return result


def run_piece(job: Job, piece, pipeline: Pipeline, settings: _Settings):
    """Fix one piece of ``job`` into its piece files (in a worker)."""
    from mtfix.pieces import fix_piece

    return fix_piece(piece, pipeline, *piece_paths(settings, job, piece.index))


def _run_piece_in_worker(job: Job, piece, settings: _Settings):
    assert _WORKER_PIPELINE is not None
    return run_piece(job, piece, _WORKER_PIPELINE, settings)


def _run_splitting(found: Sequence[Job], pipeline: Pipeline, settings: _Settings, cores: int,
                   on_file: Callable[[FileResult], None] | None,
                   on_piece: PieceFn | None = None) -> Iterator[FileResult]:
    """Reports of ``found`` in input order: a large text file's pieces are shared by ``cores``
    workers (:func:`_run_split_streaming`), the other files go to the worker pool as usual."""
    pending: list[Job] = []
    large = set(jobs_to_split(found, settings, cores))

    def flush() -> Iterator[FileResult]:
        workers = min(cores, len(pending))
        runs = (run_job(job, pipeline, settings) for job in pending) if workers <= 1 \
            else _run_in_pool(pending, pipeline, settings, workers)
        yield from runs
        pending.clear()

    for job in found:
        done = finished_report(job, settings) if job in large else None
        if done is not None or job not in large or cores <= 1 or not _may_split(job, settings):
            pending.append(job)
            continue
        reports = list(flush())
        report = _run_split_streaming(job, pipeline, settings, cores, on_piece)
        if report is None:  # not worth cutting, or a problem: fixed whole, which reports it
            pending.append(job)
            reports += flush()
        else:
            reports.append(report)
        for report in reports:
            if on_file is not None:
                on_file(report)
            yield report
    for report in flush():
        if on_file is not None:
            on_file(report)
        yield report


class _Unplannable(Exception):
    """The file turned out not to be cut (a problem found while reading it)."""


class _JoinFailed(Exception):
    """Joining the pieces failed (``report`` says why): the pieces still being fixed are
    stopped."""

    def __init__(self, report: FileResult) -> None:
        super().__init__(report.error)
        self.report = report


def _run_split_streaming(job: Job, pipeline: Pipeline, settings: _Settings, workers: int,
                         on_piece: PieceFn | None = None) -> FileResult | None:
    """Fix ``job`` in pieces in ``workers`` worker processes and join them, with the serial
    work of the parent overlapped with the workers': each piece goes to a worker as soon as
    the file has been read that far (:func:`mtfix.pieces.iter_pieces`), and each is joined
    as soon as it and those before it are done (:func:`_join_in_order`). None: the file is
    fixed whole (it holds few chunks, or reading it found a problem, which the whole run
    reports as usual; pieces started are stopped and their files removed). A worker that
    dies fails this file (rerun with --resume), as it would fail a file fixed whole."""
    from concurrent.futures.process import BrokenProcessPool

    from mtfix.chunking import LongLineError
    from mtfix.pieces import iter_pieces

    chunk_size = settings.options.chunk_size
    try:
        signature = file_signature(job.input)
        size = signature[1]
        input_hash = file_hash(job.input)  # (every record's base: known before any piece)
    except (InputError, OSError):
        return None
    pieces = iter_pieces(job.input, workers, chunk_size, input_hash, doc=job.doc)
    try:
        first = next(pieces, None)  # (reads MIN_CHUNKS chunks ahead: worth cutting?)
    except (InputError, LongLineError, OSError):
        return None
    if first is None:
        return None
    with contextlib.suppress(OSError):
        (Path(settings.parts) / f"{_job_key(job)}.json").unlink()
    indexes: list[int] = []
    try:
        pool_size = min(workers, max(1, size // chunk_size))
        with _worker_pool(pool_size, pipeline, size // pool_size) as pool:
            futures = []
            try:
                for piece in itertools.chain([first], pieces):
                    futures.append(pool.submit(_run_piece_in_worker, job, piece, settings))
                    indexes.append(piece.index)
            except (InputError, LongLineError, OSError) as exc:
                raise _Unplannable from exc
            total = len(futures)
            if on_piece is not None:
                on_piece(job.doc, 0, total)
            report = _join_in_order(
                job, settings, input_hash, indexes, (future.result() for future in futures),
                None if on_piece is None else lambda done: on_piece(job.doc, done, total),
                lambda: check_unchanged(job.input, signature, job.doc))
            if report.error:
                raise _JoinFailed(report)
            return report
    except _Unplannable:
        _remove_piece_files(settings, job, indexes)
        return None
    except _JoinFailed as failed:
        _remove_piece_files(settings, job, indexes)
        return failed.report
    except BrokenProcessPool:
        _remove_piece_files(settings, job, indexes)
        return FileResult(job.doc, None, error=(
            f"worker process died (killed? out of memory?) while fixing {job.doc}; rerun "
            "with --resume"))
    except OSError as exc:
        _remove_piece_files(settings, job, indexes)
        return FileResult(job.doc, None, error=_write_error(job, exc))
    except Exception as exc:  # one file must not stop the batch; say it is our bug
        _remove_piece_files(settings, job, indexes)
        return FileResult(job.doc, None, error=f"{job.doc}: internal error ({type(exc).__name__}: "
                          f"{exc}); please report this as an mtfix bug")


def _remove_piece_files(settings: _Settings, job: Job, indexes: Sequence[int]) -> None:
    for index in indexes:
        for path in piece_paths(settings, job, index):
            with contextlib.suppress(OSError):
                os.unlink(path)


def finished_report(job: Job, settings: _Settings) -> FileResult | None:
    """With ``resume``, the report of a file an earlier run finished (else None)."""
    if not settings.resume:
        return None
    key = _job_key(job)
    parts = Path(settings.parts)
    return _finished(job, settings, parts / f"{key}.json", parts / f"{key}.jsonl")


# -- symbolic links ------------------------------------------------------------------------------

def _broken_link_error(path: Path, doc: str) -> str | None:
    """What is wrong with ``path`` if it is a symbolic link that loops or points nowhere, else
    None. Checked before anything resolves the path: resolving a loop raises (RuntimeError
    "Symlink loop"), which would stop the whole run instead of failing this one file."""
    if not path.is_symlink():
        return None
    try:
        # what the kernel follows (also /dev/stdin -> /proc/self/fd/0 -> "pipe:[...]", which
        # a textual resolve(strict=True) cannot)
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _loop_error(doc)
        with contextlib.suppress(OSError):
            return (f"{doc}: is a symbolic link to {os.readlink(path)}, which does not exist; "
                    "fix the link or leave it out")
        return f"{doc}: cannot follow this symbolic link ({exc.strerror}); fix it or leave it out"
    return None


def _loop_error(doc: str) -> str:
    return (f"{doc}: loops (a symbolic link that leads back to itself); point the link at a "
            "file or remove it")


def _without_broken_links(files: Sequence[Path], problems: list[FileResult]) -> list[Path]:
    """``files`` less the broken symbolic links, which go to ``problems`` as failed files."""
    keep = []
    for file in files:
        broken = _broken_link_error(file, str(file))
        if broken is None:
            keep.append(file)
        else:
            problems.append(FileResult(str(file), None, error=broken))
    return keep


def _output_identity(job: Job) -> Path:
    """Which file a job's output replaces. In place, the input itself with links followed
    (:func:`~mtfix.fileio.in_place_update` updates the file a link points to, so a link and its
    file named together are one job). Otherwise the output path with its folder resolved but
    its name not followed: a symbolic link already there is replaced by the output
    (atomically, like an earlier output), never written through, so its target is not what
    the output names (and a link that loops must not stop the run by being resolved)."""
    if job.output == job.input:
        return job.input.resolve()
    return job.output.parent.resolve() / job.output.name


# -- one run per output folder, and what cannot be written -------------------------------------------

@contextlib.contextmanager
def _run_lock(log_path: Path) -> Iterator[None]:
    """Hold ``.LOG.lock`` beside the change log for the whole run. Two runs into one folder
    would share the change log and its parts folder (each clearing the other's records): the
    second is refused before it touches anything (:class:`BatchUsageError`, exit code 2). The
    same error if the folder cannot be written at all: no change log and no record for
    ``--resume`` could be kept there, so nothing is done."""
    lock = log_path.with_name(f".{log_path.name}.lock")
    stack = contextlib.ExitStack()
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        stack.enter_context(exclusive_lock(lock))
    except LockHeld as exc:
        who = f" (process {exc.holder})" if exc.holder else ""
        raise BatchUsageError(
            f"another mtfix run{who} is writing here ({lock}); wait for it or choose another "
            "-o (or --changes)") from None
    except OSError as exc:
        where = Path(exc.filename).parent if exc.filename else log_path.parent
        raise BatchUsageError(
            f"cannot write in {where}: {_reason(exc)}; the change log and the records that "
            f"let --resume continue go there, so nothing was done; {_what_to_do(exc, where)} "
            "or choose another output folder (-o) or change log (--changes)") from None
    with stack:
        yield


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _write_error(job: Job, exc: OSError) -> str:
    """The failed file's message for an OSError while writing: where, why, what to do. The
    folder is the one named in the error (a sub-folder of -o, the parts folder...)."""
    where = Path(exc.filename).parent if exc.filename else job.output.parent
    if exc.errno in _NO_SPACE:
        return (f"{job.doc}: cannot write in {where}: {_reason(exc)}; free space and rerun with "
                "--resume (the files already done are kept)")
    if exc.errno in _NOT_ALLOWED:
        return (f"{job.doc}: cannot write in {where}: {_reason(exc)}; "
                f"{_what_to_do(exc, where)} or write the outputs elsewhere (-o)")
    return (f"{job.doc}: cannot write output {job.output}: {exc.strerror or exc}; check the disk "
            f"and the folder {where}, then rerun with --resume")


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _what_to_do(exc: OSError, where: Path) -> str:
    if exc.errno in _NO_SPACE:
        return "free space"
    if exc.errno == errno.EROFS:
        return "remount it writable"
    if exc.errno in _NOT_ALLOWED:
        return f"make it writable (chmod u+w {where})"
    return "check the disk and the folder"


def _remove_stale_temp_files(jobs: Sequence[Job], log_path: Path) -> None:
    """Remove what killed runs left in the folders this run writes to: temporary files of
    our naming whose process is dead (see :func:`mtfix.fileio.remove_stale_temp_files`).
    Runs under the run lock, so no live run of ours is writing there."""
    parts = parts_dir_for(log_path)
    folders = {_output_identity(job).parent for job in jobs} | {log_path.parent, parts}
    for folder in sorted(folders):
        remove_stale_temp_files(folder)


# -- the change log -------------------------------------------------------------------------------

def _write_change_log(log_path: Path, parts: Path, jobs: Sequence[Job]) -> None:
    """Concatenate the jobs' parts into the change log, atomically. If that fails (a full
    disk), raise :class:`ChangeLogError` saying how to recover: the outputs are written and the
    parts folder, which the caller removes only after success, holds their changes, so a
    ``--resume`` run takes every file as done and writes the log."""
    try:
        if len(jobs) == 1 and link_atomic(parts / f"{_job_key(jobs[0])}.jsonl", log_path):
            return  # the log is the one part (a large file's: not copied once more)
        # (bytes: the parts are UTF-8 lines this run or an earlier one wrote; see join_pieces)
        with atomic_writer(log_path, mode="wb") as stream:
            for job in jobs:
                with open(parts / f"{_job_key(job)}.jsonl", "rb") as part:
                    shutil.copyfileobj(part, stream, 1 << 20)
    except OSError as exc:
        raise ChangeLogError(
            f"could not write the change log {log_path}: {exc.strerror or exc}; "
            f"{_what_to_do(exc, log_path.parent)} "
            "and rerun with --resume (the outputs already written are kept and their changes "
            f"are recorded in {parts})") from exc


# -- pipes and FIFOs -----------------------------------------------------------------------------

_SPOOLS = "spooled"  # in the parts folder: one sub-folder per piped input


def _spool_pipes(jobs: Sequence[Job], parts: Path) -> tuple[list[Job], list[FileResult]]:
    """The jobs, those reading a pipe, FIFO or device (``/dev/stdin``, ``<(cmd)``) turned into
    jobs reading a copy; and failed reports for the pipes that could not be read. A run reads
    each input more than once (its hash, then the fix; text is hashed before it is streamed),
    and a pipe gives its bytes only once: read again, it is empty, and the output and change
    log would be empty. So each is read once, here in the parent process (a worker's stdin is
    /dev/null), into ``PARTS/spooled/KEY/NAME``: the name is kept so the format is detected as
    before; the job keeps its output and its ``doc`` (the records name the pipe as given)."""
    ready: list[Job] = []
    unread: list[FileResult] = []
    for job in jobs:
        remote = is_uri(job.doc)
        if not remote and is_regular_file(job.input):
            ready.append(job)
            continue
        copy = parts / _SPOOLS / _job_key(job) / (job.input.name or "stdin")
        try:
            if remote:  # (a file named by a URI: copied here, see mtfix.uris)
                copy_uri(job.doc, copy)
            else:
                spool(job.input, copy)
        except UriError as exc:
            unread.append(FileResult(job.doc, None, error=str(exc)))
            continue
        except (InputError, OSError) as exc:
            unread.append(FileResult(job.doc, None, error=(
                str(exc) if isinstance(exc, InputError)
                else f"{job.doc}: cannot keep a copy of this pipe in {copy.parent}: "
                     f"{exc.strerror or exc}; check the disk, then run again")))
            continue
        ready.append(Job(copy, job.output, job.doc, job.format))
    return ready, unread


def _remove_spools(parts: Path) -> None:
    """The copies of piped inputs are not needed after the run (a resumed run reads its pipe
    again); removed even when files failed, so a copy of stdin does not linger."""
    shutil.rmtree(parts / _SPOOLS, ignore_errors=True)


def _as_given(message: str, job: Job, settings: _Settings) -> str:
    """An input error about a piped input's copy names the pipe as the user gave it."""
    if Path(settings.parts) / _SPOOLS in job.input.parents:
        return message.replace(str(job.input), job.doc)
    return message


def _refuse_in_place_pipes(jobs: Sequence[Job]) -> None:
    """``--in-place`` on a pipe, FIFO or device: there is no file to replace (and no place
    for NAME.orig); refused before any work."""
    for job in jobs:
        if not is_regular_file(job.input):
            raise BatchUsageError(
                f"--in-place {job.doc}: not a regular file (a pipe, FIFO or device), so there is "
                "nothing to replace; write the output elsewhere (-o FOLDER), or fix it as "
                "standard input: `mtfix fix - < in.txt > out.txt`")


# -- worker processes that die, and a parent that dies -------------------------------------------

def _run_in_pool(found: Sequence[Job], pipeline: Pipeline, settings: _Settings,
                 workers: int) -> Iterator[FileResult]:
    """Reports of ``found`` in input order, from ``workers`` worker processes.

    A worker that dies (killed, out of memory) breaks the whole pool: every job without a
    result fails with it, and which one killed it is unknown. Then the first job without a
    result is run alone in a fresh process: if that dies too, the job is reported as failed;
    the jobs after it go to a fresh pool. Each retry runs with ``resume=True``, so a job that
    finished before the break (its manifest is written) is taken as done, not fixed twice.
    Every break settles at least one job, so the run always ends.
    """
    from concurrent.futures.process import BrokenProcessPool

    todo = list(found)
    retry = dataclasses.replace(settings, resume=True)
    resuming = settings.resume  # whether this run resumes an earlier one
    while todo:
        with _worker_pool(workers, pipeline, sum(map(_size, todo)) // workers) as pool:
            futures = [pool.submit(_run_in_worker, job, settings) for job in todo]
            broken_at = None
            for index, future in enumerate(futures):  # input order: deterministic reports
                try:
                    report = future.result()
                except BrokenProcessPool:
                    broken_at = index
                    break
                yield _fresh(report, resuming)
        if broken_at is None:
            return
        yield _fresh(_run_alone(todo[broken_at], pipeline, retry), resuming)
        todo, settings = todo[broken_at + 1:], retry


def _run_alone(job: Job, pipeline: Pipeline, settings: _Settings) -> FileResult:
    """``job`` in a process of its own: its report, or a failed one if that process dies."""
    from concurrent.futures.process import BrokenProcessPool

    with _worker_pool(1, pipeline, _size(job)) as pool:
        try:
            return pool.submit(_run_in_worker, job, settings).result()
        except BrokenProcessPool:
            return FileResult(job.doc, None, error=(
                f"worker process died (killed? out of memory?) while fixing {job.doc}; rerun "
                "with --resume"))


def _fresh(report: FileResult, resuming: bool) -> FileResult:
    """A retried job taken from a manifest written earlier in this same run was not "already
    done" by an earlier run: a run that resumes none started with an empty parts folder."""
    if report.resumed and not resuming:
        return dataclasses.replace(report, resumed=False)
    return report


@contextlib.contextmanager
def _worker_pool(workers: int, pipeline: Pipeline, share: int
                 ) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers never outlive the run: on any exception here (Ctrl-C,
    an error, the caller dropping the generator) the queued jobs are cancelled and the workers
    killed at once, instead of waiting for them to finish their files; their outputs are
    atomic, so a killed worker leaves only a temporary file, removed at the next run. Workers
    also die with the parent process (see :func:`_die_with_parent`).

    ``share``: about how many bytes each worker will fix. Where workers are forked, they
    inherit what :meth:`Pipeline.prepare` builds for that much text (built once, here);
    elsewhere they receive the pipeline pickled and build what they need themselves."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if multiprocessing.get_start_method() == "fork":
        pipeline.prepare(share)

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                               initargs=(pipeline, os.getpid()))
    try:
        yield pool
    except BaseException:
        # No public way to stop running workers: _processes is a dict pid -> Process, which
        # shutdown() sets to None, so it is read first.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        raise
    pool.shutdown(wait=True)


def _size(job: Job) -> int:
    """The input's size in bytes (0 if it cannot be read: the job reports that)."""
    try:
        return job.input.stat().st_size
    except OSError:
        return 0


def _die_with_parent(parent: int) -> None:
    """In a worker: be killed when the parent process dies (Linux ``PR_SET_PDEATHSIG``), so a
    run killed with SIGTERM or SIGKILL leaves no worker behind writing files. Ctrl-C is left
    to the parent (it stops the workers itself), so a worker ignores SIGINT. Elsewhere, or if
    that fails, workers still end when their queue closes, after their current file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    try:
        os.kill(parent, 0)  # the run's process (not getppid: a forkserver may stand between)
    except ProcessLookupError:  # the run died before prctl took effect
        os._exit(1)
    except OSError:
        pass
