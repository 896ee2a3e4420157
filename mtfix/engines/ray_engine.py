"""The Ray engine: the files of a run fixed by the actors of a Ray cluster.

``mtfix fix INPUT... -o OUT --engine ray [--address auto|ray://HOST:PORT]``. The run is the
local one (:func:`mtfix.batch.fix_paths` finds the files, names the outputs, writes the change
log, resumes); only the fixing moves to the cluster:

* one actor per worker (``--jobs``, default every CPU of the cluster) gets the pipeline once
  (one object in Ray's store; the compiled glossary pickles as its entries and is rebuilt
  there), so the glossary is compiled once per actor;
* each file is fixed by an actor exactly as a local worker fixes it (:func:`mtfix.batch.run_job`:
  output written atomically, change records to a part file, then the manifest); a large text
  file is cut into pieces of whole chunks (:mod:`mtfix.pieces`) shared by the actors and
  joined here. The change log is the parts joined in input order, so outputs and change log
  are byte-identical to ``--engine local``;
* an actor that dies is restarted and its task retried (``max_restarts``,
  ``max_task_retries``); a file that still fails is reported with its path like any failed
  file, and the rest completes;
* the actors read the inputs and write the outputs at the paths the run names: every node
  must see them at the same paths (one machine, or a shared file system).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mtfix.api import FileResult
from mtfix.batch import (
    Job,
    finished_report,
    jobs_to_split,
    join_pieces,
    plan_job,
    run_job,
    run_piece,
)
from mtfix.pipeline import Pipeline

if TYPE_CHECKING:
    from mtfix.batch import _Settings

INSTALL = 'pip install "mtfix[ray]"'
#: How often an actor that dies is restarted, and its task retried, before the file fails.
RETRIES = 3
# Ray reports its use to a server unless told not to; a run never talks to the network.
_QUIET_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_DEDUP_LOGS": "0"}


def require_ray() -> str | None:
    """None if Ray Data can be imported, else the one line that says how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        return f"--engine ray needs Ray: {INSTALL}"
    return None


@contextlib.contextmanager
def ray_session(address: str | None = None, *, num_cpus: int | None = None,
                quiet: bool = False) -> Iterator[Any]:
    """Ray, connected: to ``address`` (``auto``, ``ray://HOST:PORT``), or to a local cluster
    started here with ``num_cpus`` CPUs when None. A session this function started is shut
    down at the end; one already running (a caller's ``ray.init``) is left as it is."""
    for name, value in _QUIET_ENV.items():
        os.environ.setdefault(name, value)
    import ray

    if ray.is_initialized():
        yield ray
        return
    options: dict[str, Any] = {"include_dashboard": False,
                               "logging_level": logging.ERROR if quiet else logging.WARNING,
                               "log_to_driver": not quiet}
    if address is None:
        options["num_cpus"] = num_cpus
    ray.init(address=address, **options)
    try:
        yield ray
    finally:
        ray.shutdown()


class _FixActor:
    """A worker on the cluster: holds the pipeline, fixes files and pieces of files."""

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None

    def fix(self, shared: list, job: Job, piece, settings: _Settings):
        if self.pipeline is None:
            import ray

            # The pipeline's one object in Ray's store, fetched on the first call (and again
            # by a restarted actor): handed over in a list so Ray passes the reference as it
            # is, and not as a constructor argument (which a restart could not rebuild).
            self.pipeline = ray.get(shared[0])
        if piece is None:
            return run_job(job, self.pipeline, settings)
        return run_piece(job, piece, self.pipeline, settings)


class RayRunner:
    """The ``runner`` of :func:`mtfix.batch.fix_paths` that fixes on a Ray cluster."""

    def __init__(self, address: str | None = None, *, quiet: bool = False) -> None:
        self.address = address
        self.quiet = quiet

    def __call__(self, found: Sequence[Job], pipeline: Pipeline, settings: _Settings,
                 jobs: int | None, on_file: Callable[[FileResult], None] | None
                 ) -> Iterator[FileResult]:
        if not found:
            return
        from mtfix.batch import default_jobs

        with ray_session(self.address, num_cpus=jobs or default_jobs(), quiet=self.quiet) as ray:
            workers = jobs or max(1, int(ray.cluster_resources().get("CPU", 1)))
            tasks = self._tasks(found, settings, workers)
            actor = ray.remote(num_cpus=1, max_restarts=RETRIES,
                               max_task_retries=RETRIES)(_FixActor)
            shared = ray.put(pipeline)
            actors = [actor.remote() for _ in range(min(workers, len(tasks)))]
            # Round robin: every actor's queue holds its share; results are read in input
            # order, so reports (and the change log) come in input order.
            refs = [actors[n % len(actors)].fix.remote([shared], found[index], piece, settings)
                    for n, (index, piece, _plan) in enumerate(tasks)]
            try:
                yield from self._reports(ray, found, settings, tasks, refs, on_file)
            finally:
                for handle in actors:
                    with contextlib.suppress(Exception):
                        ray.kill(handle)

    @staticmethod
    def _tasks(found: Sequence[Job], settings: _Settings, workers: int) -> list[tuple]:
        """(job index, piece or None, plan or None) for every unit of work, in input order."""
        tasks: list[tuple] = []
        large = set(jobs_to_split(found, settings, workers))
        for index, job in enumerate(found):
            plan = None
            if job in large and finished_report(job, settings) is None:
                plan = plan_job(job, settings, workers)
            if plan is None:
                tasks.append((index, None, None))
            else:
                tasks.extend((index, piece, plan) for piece in plan.pieces)
        return tasks

    @staticmethod
    def _reports(ray, found: Sequence[Job], settings: _Settings, tasks: list[tuple],
                 refs: list, on_file: Callable[[FileResult], None] | None
                 ) -> Iterator[FileResult]:
        pieces: list = []
        failed: str | None = None
        for (index, piece, plan), ref in zip(tasks, refs, strict=True):
            job = found[index]
            try:
                result = ray.get(ref)
            except Exception as exc:  # the actor died more than RETRIES times
                result = None
                failed = (f"{job.doc}: a Ray worker failed while fixing it "
                          f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                          "rerun with --resume")
            if piece is None:
                report = result if result is not None else FileResult(job.doc, None, error=failed)
                failed = None
            else:
                pieces.append(result)
                if piece.index < len(plan.pieces) - 1:
                    continue
                report = (FileResult(job.doc, None, error=failed) if failed is not None
                          else join_pieces(job, settings, plan, pieces))
                pieces, failed = [], None
            if on_file is not None:
                on_file(report)
            yield report
