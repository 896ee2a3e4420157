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
  must see them at the same paths (one machine, or a shared file system);
* with a model (:meth:`RayRunner.load_model_pass`), the model pass's rewrites go to model
  actors (:mod:`mtfix.engines.ray_model`), on GPUs or asking a model server.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mtfix.api import FileResult
from mtfix.batch import (
    Job,
    PieceFn,
    finished_report,
    jobs_to_split,
    join_pieces,
    plan_job,
    run_job,
    run_piece,
)
from mtfix.engines.ray_model import (
    ModelPlacement,
    merge_stats,
    model_rewriters,
    start_model_actors,
)
from mtfix.pipeline import Pipeline
from mtfix.rewrite.backends import (
    BackendError,
    BackendOptions,
    ModelUnavailable,
    choose_backend,
)
from mtfix.rewrite.cache import default_cache_dir
from mtfix.rewrite.guards import DEFAULT_LIMITS, GuardLimits
from mtfix.rewrite.passes import ModelPass, RewriteMode

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

    def pass_stats(self) -> dict[int, Any]:
        """The counts of each model pass, by pass number."""
        passes = self.pipeline.passes if self.pipeline is not None else []
        return {n: step.stats for n, step in enumerate(passes) if isinstance(step, ModelPass)}


class RayRunner:
    """The ``runner`` of :func:`mtfix.batch.fix_paths` that fixes on a Ray cluster.

    ``num_cpus``: the CPUs of a cluster started here (``address`` None; default: this
    machine's cores). ``model``: where the model actors of :meth:`load_model_pass` go. A
    runner whose model is loaded runs once: the model actors end with the run."""

    def __init__(self, address: str | None = None, *, quiet: bool = False,
                 num_cpus: int | None = None, model: ModelPlacement | None = None) -> None:
        self.address = address
        self.quiet = quiet
        self.num_cpus = num_cpus
        self.model = model or ModelPlacement()
        self._session: contextlib.ExitStack | None = None
        self._model_cpus = 0.0  # CPUs the model actors hold (not left to the CPU actors)

    def _connect(self, num_cpus: int | None) -> Any:
        """Ray, connected once for this runner (see :func:`ray_session`)."""
        import ray

        if self._session is None:
            session = contextlib.ExitStack()
            session.enter_context(ray_session(self.address, num_cpus=num_cpus, quiet=self.quiet))
            self._session = session
        return ray

    def close(self) -> None:
        """End the session this runner started (its actors with it)."""
        if self._session is not None:
            session, self._session = self._session, None
            session.close()

    def load_model_pass(self, name_or_path: str | None = None, *, backend: str | None = None,
                        cache: Any = None, rewrite: RewriteMode = "flagged",
                        batch_size: int = 8, limits: GuardLimits = DEFAULT_LIMITS,
                        **options: Any) -> ModelPass:
        """:func:`mtfix.rewrite.load_model_pass` with the model on model actors of the
        cluster (:mod:`mtfix.engines.ray_model`): started here, before any file is read.
        ``options``: the :class:`~mtfix.rewrite.backends.BackendOptions` fields (``url``,
        ``prompt``, ``max_new_tokens``, ``parallel``...). Raises :class:`BackendError`
        (one line) as the local loader does."""
        from mtfix.batch import default_jobs
        from mtfix.rewrite.segment import require_sentence_splitter

        if missing := require_sentence_splitter():
            raise ModelUnavailable(missing)
        settings = BackendOptions(model=name_or_path, **options)
        spec = choose_backend(backend, settings)
        if cache is None and spec.cache_by_default:
            cache = str(default_cache_dir())  # this process's folder, not each actor's
        cpus = self.model.cpus_for(spec.name) * (self.model.actors or 1)
        try:
            ray = self._connect((self.num_cpus or default_jobs()) + math.ceil(cpus))
        except Exception as exc:  # (Ray raises ConnectionError, RuntimeError, ValueError...)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BackendError(f"--engine ray: cannot connect to the Ray cluster "
                               f"{self.address or '(a local one)'}: {first}") from None
        rewriter = start_model_actors(ray, settings, backend=spec.name, cache=cache,
                                      placement=self.model, retries=RETRIES)
        self._model_cpus += self.model.cpus_for(spec.name) * len(rewriter.actors)
        return ModelPass(rewriter, rewrite=rewrite, batch_size=batch_size, limits=limits)

    def __call__(self, found: Sequence[Job], pipeline: Pipeline, settings: _Settings,
                 jobs: int | None, on_file: Callable[[FileResult], None] | None,
                 on_piece: PieceFn | None = None) -> Iterator[FileResult]:
        from mtfix.batch import default_jobs

        try:
            if found:
                ray = self._connect(jobs or self.num_cpus or default_jobs())
                yield from self._run(ray, found, pipeline, settings, jobs, on_file, on_piece)
        finally:
            self.close()

    def _run(self, ray, found: Sequence[Job], pipeline: Pipeline, settings: _Settings,
             jobs: int | None, on_file: Callable[[FileResult], None] | None,
             on_piece: PieceFn | None) -> Iterator[FileResult]:
        # One actor per CPU the model actors leave (at most --jobs): an actor that waits for
        # a CPU would hold its share of the tasks until the end, and the run would never end.
        cpus = max(1, int(float(ray.cluster_resources().get("CPU", 1)) - self._model_cpus))
        workers = min(jobs, cpus) if jobs else cpus
        tasks = self._tasks(found, settings, workers)
        actor = ray.remote(num_cpus=1, max_restarts=RETRIES, max_task_retries=RETRIES)(_FixActor)
        shared = ray.put(pipeline)
        actors = [actor.remote() for _ in range(min(workers, len(tasks)))]
        models = model_rewriters(pipeline.passes)
        # Round robin: every actor's queue holds its share; results are read in input
        # order, so reports (and the change log) come in input order.
        refs = [actors[n % len(actors)].fix.remote([shared], found[index], piece, settings)
                for n, (index, piece, _plan) in enumerate(tasks)]
        try:
            yield from self._reports(ray, found, settings, tasks, refs, on_file, on_piece)
            if models:  # the model pass's counts and cache use, for the run's summary
                self._gather_stats(ray, actors, pipeline)
                for rewriter in models:
                    rewriter.collect_cache_counts()
        finally:
            for handle in [*actors, *(a for rewriter in models for a in rewriter.actors)]:
                with contextlib.suppress(Exception):
                    ray.kill(handle)

    @staticmethod
    def _gather_stats(ray, actors: list, pipeline: Pipeline) -> None:
        """Add each CPU actor's model pass counts to the driver's pipeline (whose own model
        pass ran nothing: the CPU actors ran their copies)."""
        for stats in ray.get([handle.pass_stats.remote() for handle in actors]):
            for number, counts in stats.items():
                merge_stats(pipeline.passes[number].stats, counts)

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
                 refs: list, on_file: Callable[[FileResult], None] | None,
                 on_piece: PieceFn | None = None) -> Iterator[FileResult]:
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
                if on_piece is not None:  # (read in order: a later piece done early waits)
                    on_piece(job.doc, piece.index + 1, len(plan.pieces))
                if piece.index < len(plan.pieces) - 1:
                    continue
                report = (FileResult(job.doc, None, error=failed) if failed is not None
                          else join_pieces(job, settings, plan, pieces))
                pieces, failed = [], None
            if on_file is not None:
                on_file(report)
            yield report
