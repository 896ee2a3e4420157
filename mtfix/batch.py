"""Fix many files: discover inputs, choose outputs, write one change log, never stop on one bad file.

This is the library behind ``mtfix fix``. Output naming:

* ``output_dir`` given: each output goes under it, keeping paths relative to the directory
  argument it was found in (a file argument keeps just its name); the change log defaults to
  ``OUTPUT_DIR/changes.jsonl``.
* no ``output_dir``: ``NAME.fixed.EXT`` beside each input; the change log defaults to
  ``NAME.changes.jsonl`` beside the output for a single input, else ``mtfix-changes.jsonl`` in
  the first output's directory.
* ``in_place``: the input itself is replaced atomically (``NAME.orig`` kept unless
  ``backup=False``); the change log defaults to ``NAME.changes.jsonl`` / ``mtfix-changes.jsonl``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.api import FileResult, fix_file
from mtfix.change import Change, write_change_log
from mtfix.fileio import InputError, atomic_writer
from mtfix.pipeline import Pipeline

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
_OWN_OUTPUT_MARKERS = (".fixed.", ".changes.jsonl", ".orig")


@dataclass(frozen=True)
class Job:
    """One input file and where its output goes."""

    input: Path
    output: Path
    doc: str  # the input path as the user gave it (recorded in every change)


@dataclass
class BatchResult:
    results: list[FileResult] = field(default_factory=list)
    change_log: str | None = None

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def changes(self) -> list[Change]:
        return [c for r in self.results for c in r.changes]

    def summary(self) -> str:
        """One line: files, changes by pass, flags, failures."""
        ok = [r for r in self.results if r.ok]
        applied = [c for c in self.changes if not c.is_flag]
        flags = len(self.changes) - len(applied)
        by_pass = Counter(c.pass_ for c in applied)
        passes = ", ".join(f"{name} {count}" for name, count in sorted(by_pass.items()))
        files = f"{len(ok)} file{'s' if len(ok) != 1 else ''}"
        text = f"{files}, {len(applied)} change{'s' if len(applied) != 1 else ''}"
        if passes:
            text += f" ({passes})"
        text += f", {flags} flag{'s' if flags != 1 else ''}"
        if self.failed:
            text += f", {len(self.failed)} failed"
        return text


def discover(inputs: Sequence[str], output_dir: str | None = None, *,
             in_place: bool = False) -> tuple[list[Job], list[FileResult]]:
    """Expand files and directories into jobs; unreadable arguments become failed results."""
    jobs: list[Job] = []
    problems: list[FileResult] = []
    for arg in inputs:
        path = Path(arg)
        if path.is_dir():
            found = sorted(_walk(path))
            if not found:
                problems.append(FileResult(arg, None, error=f"{arg}: no text files found "
                                           f"(looked for {', '.join(sorted(TEXT_SUFFIXES))})"))
            for file in found:
                rel = file.relative_to(path)
                jobs.append(Job(file, _output_for(file, rel, output_dir, in_place), str(file)))
        elif path.exists():
            jobs.append(Job(path, _output_for(path, Path(path.name), output_dir, in_place), arg))
        else:
            problems.append(FileResult(arg, None, error=f"{arg}: no such file or directory"))
    return jobs, problems


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith(".") or any(m in name for m in _OWN_OUTPUT_MARKERS):
                continue
            if Path(name).suffix.lower() in TEXT_SUFFIXES:
                yield Path(root) / name


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
    return first.parent / "mtfix-changes.jsonl"


def fix_paths(inputs: Sequence[str], *, pipeline: Pipeline, output_dir: str | None = None,
              in_place: bool = False, backup: bool = True, change_log: str | None = None,
              on_file: Callable[[FileResult], None] | None = None) -> BatchResult:
    """Fix every input file; one failure never stops the others.

    Inputs are never overwritten unless ``in_place=True``. The change log (JSON Lines, all
    files) is written atomically at ``change_log`` or the default place (see module doc).
    """
    jobs, problems = discover(inputs, output_dir, in_place=in_place)
    batch = BatchResult(results=list(problems))
    for job in jobs:
        if not in_place and job.output.exists() and job.output.resolve() == job.input.resolve():
            result = FileResult(job.doc, None, error=f"{job.doc}: output would overwrite the "
                                "input; choose another --output-dir or use --in-place")
        else:
            try:
                result = fix_file(job.input, job.output, doc=job.doc, pipeline=pipeline,
                                  in_place=in_place, backup=backup)
            except InputError as exc:
                result = FileResult(job.doc, None, error=str(exc))
            except OSError as exc:
                result = FileResult(job.doc, None, error=f"{job.doc}: cannot write output "
                                    f"{job.output}: {exc.strerror}")
        batch.results.append(result)
        if on_file is not None:
            on_file(result)
    log_path = Path(change_log) if change_log else default_change_log(jobs, output_dir)
    if log_path is not None and any(r.ok for r in batch.results):
        with atomic_writer(log_path) as stream:
            write_change_log(batch.changes, stream)
        batch.change_log = str(log_path)
    return batch
