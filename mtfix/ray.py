"""mtfix on Ray Data, for people who already have a Ray pipeline (``pip install "mtfix[ray]"``).

>>> import ray, mtfix.ray                                              # doctest: +SKIP
>>> ds = ray.data.read_parquet("s3://bucket/mt/")                      # doctest: +SKIP
>>> fixed = mtfix.ray.fix_dataset(ds, column="text", doc_column="id")  # doctest: +SKIP
>>> fixed.write_parquet("s3://bucket/mt-fixed/")                       # doctest: +SKIP

Each row gets ``text_fixed`` and ``text_changes`` (its change records as change-log lines; the
column joined is a change log). The rows are fixed in batches by actors, each building the
pipeline once (:class:`mtfix.engines.BatchFixer`). With ``model=`` the model pass runs in the
same actors, after the glossary and rules: give them ``num_gpus=1`` to batch rewrites on a
GPU each, or pass ``model_options={"url": ...}`` to send them to an OpenAI-compatible server
from CPU actors. For the files of ``mtfix fix`` on a cluster, see ``--engine ray``
(:mod:`mtfix.engines.ray_engine`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mtfix.engines.ray_engine import INSTALL, require_ray
from mtfix.engines.records import BatchFixer


class _FixBatches:
    """The Ray Data callable class: one :class:`BatchFixer` per actor."""

    def __init__(self, fixer: BatchFixer) -> None:
        self.fixer = fixer
        fixer.pipeline  # noqa: B018  (built now: an actor that cannot build it fails at start)

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, list]:
        return self.fixer(batch)


def fix_dataset(ds: Any, column: str = "text", *, doc_column: str | None = None,
                fixed_column: str | None = None, changes_column: str | None = None,
                glossaries: Sequence[str | Path] = (), default_glossaries: bool = True,
                rules: Sequence[str] | None = None, disabled_rules: Sequence[str] = (),
                model: str | None = None, model_options: Mapping[str, Any] | None = None,
                concurrency: int | None = None, batch_size: int = 256, num_cpus: float = 1,
                num_gpus: float = 0) -> Any:
    """``ds`` (a ``ray.data.Dataset``) with the fixed text and change records of ``column``
    added as columns (see :class:`mtfix.engines.BatchFixer` for the names and options).

    ``concurrency``: how many actors (default: as many as Ray Data chooses up to the CPUs, or
    the GPUs with ``num_gpus``); ``batch_size``: rows per batch; ``num_cpus``/``num_gpus``: per
    actor. An actor that dies is restarted and its batches retried (Ray Data's default for
    actors; the map options that bounded it are deprecated in Ray 2.60).
    Lazy, like every Ray Data transform: nothing runs until the dataset is consumed.
    """
    if (missing := require_ray()) is not None:
        raise ImportError(missing.replace("--engine ray", "mtfix.ray") or INSTALL)
    fixer = BatchFixer(column=column, doc_column=doc_column, fixed_column=fixed_column,
                       changes_column=changes_column, glossaries=tuple(glossaries),
                       default_glossaries=default_glossaries, rules=rules,
                       disabled_rules=tuple(disabled_rules), model=model,
                       model_options=dict(model_options or {}))
    if concurrency is None:
        import ray

        resources = ray.cluster_resources() if ray.is_initialized() else {}
        available = resources.get("GPU" if num_gpus else "CPU", 1)
        per_actor = num_gpus or num_cpus or 1
        concurrency = max(1, int(available // per_actor))
    return ds.map_batches(_FixBatches, fn_constructor_kwargs={"fixer": fixer},
                          batch_size=batch_size, batch_format="numpy", concurrency=concurrency,
                          num_cpus=num_cpus, num_gpus=num_gpus)


__all__ = ["BatchFixer", "fix_dataset"]
