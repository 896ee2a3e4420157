"""Engines: where a run's files are fixed. One registry, :data:`ENGINES`.

* ``local`` (default): this machine, ``--jobs`` worker processes (:mod:`mtfix.batch`);
* ``ray``: the actors of a Ray cluster (``pip install "mtfix[ray]"``;
  :mod:`mtfix.engines.ray_engine`).

Every engine runs the same :func:`mtfix.batch.fix_paths`, which finds the files, names the
outputs, writes the change log and resumes; the engine only fixes the files found (the
``runner`` of ``fix_paths``), each as :func:`mtfix.batch.run_job` does. So the outputs and the
change log do not depend on the engine. :class:`BatchFixer` fixes a column of rows in
batches, for Hugging Face ``datasets.map(batched=True)`` and Ray Data
(:func:`mtfix.ray.fix_dataset`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mtfix.batch import Runner
from mtfix.engines.records import BatchFixer


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (its extra is not installed); the message says what to do."""


@dataclass(frozen=True)
class EngineSpec:
    """One engine: its name (``--engine NAME``), a line of help, and what makes its runner
    (``None``: the local worker pool of :func:`mtfix.batch.fix_paths`)."""

    name: str
    description: str
    runner: Callable[..., Runner | None]


#: name -> engine
ENGINES: dict[str, EngineSpec] = {}


def register_engine(spec: EngineSpec) -> EngineSpec:
    if spec.name in ENGINES and ENGINES[spec.name] != spec:
        raise TypeError(f"engine {spec.name!r} is registered twice")
    ENGINES[spec.name] = spec
    return spec


def engine_runner(name: str, *, address: str | None = None, quiet: bool = False,
                  jobs: int | None = None, model_gpus: float = 0) -> Runner | None:
    """The runner for ``fix_paths(runner=...)`` of engine ``name``. ``address``: the cluster
    (Ray: ``auto``, ``ray://HOST:PORT``; None starts a local one with ``jobs`` CPUs for the
    files); ``model_gpus``: GPUs per model actor (Ray). Raises ``ValueError`` for an unknown
    engine or an option it does not take, :class:`EngineUnavailable` when its extra is
    missing.

    A runner that places the model pass itself (on the engine's own workers) has
    ``load_model_pass(name_or_path, **options)``, taking the options of
    :func:`mtfix.rewrite.load_model_pass`."""
    try:
        spec = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose {' or '.join(ENGINES)}") from None
    return spec.runner(address=address, quiet=quiet, jobs=jobs, model_gpus=model_gpus)


def _local(*, address: str | None = None, quiet: bool = False, jobs: int | None = None,
           model_gpus: float = 0) -> None:
    if address is not None:
        raise ValueError("--address needs --engine ray (the local engine runs on this machine)")
    if model_gpus:
        raise ValueError("--model-gpus needs --engine ray (a local model uses the GPU by "
                         "itself when there is one)")
    return None


def _ray(*, address: str | None = None, quiet: bool = False, jobs: int | None = None,
         model_gpus: float = 0) -> Runner:
    from mtfix.engines.ray_engine import RayRunner, require_ray
    from mtfix.engines.ray_model import ModelPlacement

    if (missing := require_ray()) is not None:
        raise EngineUnavailable(missing)
    return RayRunner(address=address, quiet=quiet, num_cpus=jobs,
                     model=ModelPlacement(gpus=model_gpus))


register_engine(EngineSpec("local", "worker processes on this machine (--jobs)", _local))
register_engine(EngineSpec("ray", "the actors of a Ray cluster (pip install \"mtfix[ray]\")", _ray))

__all__ = ["ENGINES", "BatchFixer", "EngineSpec", "EngineUnavailable", "engine_runner",
           "register_engine"]
