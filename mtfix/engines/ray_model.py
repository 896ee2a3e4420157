"""The model pass of ``--engine ray``: rewrites on model actors, everything else on CPU actors.

``mtfix fix ... --engine ray --model NAME [--model-gpus N]`` or ``--model-url URL``. The run's
pipeline is the local one, model pass included; only where the model's ``rewrite`` call runs
moves:

* **model actors** (:class:`_ModelActor`) each build the rewriter once, as the local run does
  (:func:`mtfix.rewrite.backends.build_rewriter`, rewrite cache included): a model on a GPU
  (``num_gpus`` per actor: ``--model-gpus``; one actor per that many GPUs of the cluster), a
  model on a CPU (one actor, one CPU), or a client of an OpenAI-compatible server (one actor,
  no CPU reserved: it waits on the server, ``--model-parallel`` requests in flight);
* the **CPU actors** of :class:`~mtfix.engines.ray_engine.RayRunner` run the glossary, the
  rules and the model pass itself (sentence choice, guards, word diff), and send each call
  of the pass to the rewriter (its sentences, batch size and sources, exactly as given) to a
  model actor through :class:`RayModelRewriter`.

A call is answered by one model actor as the local rewriter answers it (same sentences, same
batches, same greedy decoding), so the outputs and the change log are those of
``--engine local`` with the same model on the same kind of device. The model actors are
started before any file is read (a model that cannot be loaded, or a server that cannot be
reached, is a usage error, as in a local run) and are ended with the run.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Callable, Sequence
from typing import Any

from mtfix.rewrite.backends import BackendError, BackendOptions, build_rewriter, choose_backend
from mtfix.rewrite.cache import CachedRewriter, CacheError, WrappedRewriter


class _ModelActor:
    """One model (or server client) on the cluster, answering rewrite calls one at a time."""

    def __init__(self, options: BackendOptions, backend: str | None, cache: Any) -> None:
        self.error: str | None = None
        self.rewriter: Any = None
        try:
            self.rewriter = build_rewriter(options, backend=backend, cache=cache)
        except (BackendError, CacheError) as exc:  # said once, by identity(), before any work
            self.error = str(exc)

    def identity(self) -> tuple[str | None, str, str]:
        """(error or None, model id, fingerprint): what the driver's model pass says."""
        if self.rewriter is None:
            return self.error, "", ""
        return None, self.rewriter.model_id, self.rewriter.fingerprint()

    def rewrite(self, sentences: list[str], batch_size: int, extra: dict
                ) -> tuple[list[str | None] | None, str | None]:
        """(rewrites, None), or (None, the backend's one-line error)."""
        try:
            return self.rewriter.rewrite(sentences, batch_size=batch_size, **extra), None
        except (BackendError, CacheError) as exc:
            return None, str(exc)

    def cache_counts(self) -> tuple[int, int, str]:
        """(hits, misses, cache file) of the rewrite cache; (0, 0, "") without one."""
        rewriter = self.rewriter
        if isinstance(rewriter, CachedRewriter):
            return rewriter.hits, rewriter.misses, str(rewriter.cache.path)
        return 0, 0, ""


class RayModelRewriter:
    """The rewriter of a model pass whose model runs on model actors: ``rewrite`` sends the
    call to one of them (in turn) and returns its answer; a backend failure there is raised
    here as the same :class:`BackendError` line. Pickles with the actor handles, so the
    pipeline shipped to the CPU actors carries it."""

    def __init__(self, actors: Sequence[Any], model_id: str, fingerprint: str) -> None:
        self.actors = list(actors)
        self.model_id = model_id
        self._fingerprint = fingerprint
        self._turn = itertools.count(os.getpid())  # processes start at different actors
        #: the model actors' rewrite cache use, filled in by :meth:`collect_cache_counts`
        self.hits = 0
        self.misses = 0
        self.cache_path = ""

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_turn")  # (an iterator does not pickle; each process starts its own)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._turn = itertools.count(os.getpid())

    def fingerprint(self) -> str:
        return self._fingerprint

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None, **extra) -> list[str | None]:
        import ray

        actor = self.actors[next(self._turn) % len(self.actors)]
        try:
            out, error = ray.get(actor.rewrite.remote(list(sentences), batch_size, extra))
        except ray.exceptions.RayError as exc:  # the actor died more often than it restarts
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise BackendError(f"model {self.model_id}: its Ray actor failed "
                               f"({type(exc).__name__}: {first}); rerun with --resume") from None
        if error is not None:
            raise BackendError(error)
        if progress:
            progress(len(sentences))
        return out

    def collect_cache_counts(self) -> None:
        """Add up the model actors' rewrite cache use (for the run's summary)."""
        import ray

        counts = ray.get([actor.cache_counts.remote() for actor in self.actors])
        self.hits = sum(hits for hits, _misses, _path in counts)
        self.misses = sum(misses for _hits, misses, _path in counts)
        self.cache_path = next((path for _h, _m, path in counts if path), "")


@dataclasses.dataclass(frozen=True)
class ModelPlacement:
    """Where a run's model actors go: ``gpus`` per actor (0: none), ``actors`` (None: one per
    ``gpus`` GPUs of the cluster, else one), and the CPUs each reserves (``None``: one for a
    model on a CPU, none for a GPU model or a server client, which mostly wait)."""

    gpus: float = 0
    actors: int | None = None
    cpus: float | None = None

    def cpus_for(self, backend: str) -> float:
        if self.cpus is not None:
            return self.cpus
        return 1 if self.gpus == 0 and backend == "transformers" else 0


def start_model_actors(ray: Any, options: BackendOptions, *, backend: str | None, cache: Any,
                       placement: ModelPlacement, retries: int) -> RayModelRewriter:
    """Start the model actors and wait until each has built its rewriter. Raises
    :class:`BackendError` (one line) when the model cannot be loaded, the server cannot be
    reached, or the cluster has fewer GPUs than one actor asks for."""
    spec = choose_backend(backend, options)
    count = placement.actors or 1
    if placement.gpus:
        have = float(ray.cluster_resources().get("GPU", 0))
        if have < placement.gpus:
            raise BackendError(f"--model-gpus {placement.gpus:g}: the Ray cluster has "
                               f"{have:g} GPUs; run on a cluster with GPUs, or give "
                               "--model-gpus 0 to run the model on a CPU")
        count = placement.actors or max(1, int(have // placement.gpus))
    actor_class = ray.remote(num_cpus=placement.cpus_for(spec.name), num_gpus=placement.gpus,
                             max_restarts=retries, max_task_retries=retries)(_ModelActor)
    actors = [actor_class.remote(options, spec.name, cache) for _ in range(count)]
    identities = ray.get([actor.identity.remote() for actor in actors])
    if error := next((error for error, _id, _fp in identities if error is not None), None):
        for actor in actors:
            ray.kill(actor)
        raise BackendError(error)
    _error, model_id, fingerprint = identities[0]
    return RayModelRewriter(actors, model_id, fingerprint)


def model_rewriters(passes: Sequence[Any]) -> list[RayModelRewriter]:
    """The :class:`RayModelRewriter` of each pass that has one (under any wrappers)."""
    found = []
    for step in passes:
        rewriter = getattr(step, "rewriter", None)
        while isinstance(rewriter, WrappedRewriter):
            rewriter = rewriter.inner
        if isinstance(rewriter, RayModelRewriter):
            found.append(rewriter)
    return found


def merge_stats(into: Any, other: Any) -> None:
    """Add the counts of ``other`` (a ModelPassStats of a CPU actor) to ``into``."""
    for field in dataclasses.fields(into):
        setattr(into, field.name, getattr(into, field.name) + getattr(other, field.name))
