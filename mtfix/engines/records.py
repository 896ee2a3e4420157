"""Fix a text column of rows, a batch at a time: what Hugging Face ``datasets.map(batched=True)``
and Ray Data's ``map_batches`` call.

A :class:`BatchFixer` holds the run's settings, not a compiled pipeline: it pickles small (to
``num_proc`` processes or Ray actors) and builds its pipeline once per process, on the first
batch. Each row's text is fixed as :func:`mtfix.api.fix_text` fixes it (``doc`` the row's
``doc_column`` value, else ``"<text>"``); the row gets the fixed text and its change records as
change-log lines (JSON Lines, exactly as the change log writes them), so joining the
``changes`` column gives a change log that ``mtfix report`` reads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.pipeline import Pipeline


@dataclass
class BatchFixer:
    """``fixer(batch) -> batch``: adds ``fixed_column`` (default ``COLUMN_fixed``) and
    ``changes_column`` (default ``COLUMN_changes``) to a batch (a mapping of column name to
    values). A null text stays null, with no changes.

    ``glossaries`` are added to the shipped ones (``default_glossaries=False`` drops those);
    ``rules``/``disabled_rules`` as ``--rule``/``--no-rule``; ``model`` and ``model_options``
    (keyword arguments of :func:`mtfix.rewrite.load_model_pass`, e.g. ``url``, ``batch_size``,
    ``rewrite``) add the model pass, loaded in each process that fixes rows.
    """

    column: str = "text"
    doc_column: str | None = None
    fixed_column: str | None = None
    changes_column: str | None = None
    glossaries: Sequence[str | Path] = ()
    default_glossaries: bool = True
    rules: Sequence[str] | None = None
    disabled_rules: Sequence[str] = ()
    model: str | None = None
    model_options: Mapping[str, Any] = field(default_factory=dict)
    _pipeline: Pipeline | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.fixed_column = self.fixed_column or f"{self.column}_fixed"
        self.changes_column = self.changes_column or f"{self.column}_changes"

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_pipeline"] = None  # rebuilt where it runs
        return state

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            from mtfix.api import build_pipeline, load_glossary_set

            extra = []
            if self.model is not None or self.model_options.get("url"):
                from mtfix.rewrite import load_model_pass

                extra.append(load_model_pass(self.model, **dict(self.model_options)))
            glossary = load_glossary_set(list(self.glossaries), defaults=self.default_glossaries)
            self._pipeline = build_pipeline(glossary, rules=self.rules,
                                            disabled_rules=self.disabled_rules,
                                            extra_passes=extra)
        return self._pipeline

    def __call__(self, batch: Mapping[str, Sequence]) -> dict[str, list]:
        from mtfix.changelog import write_change_log

        if self.column not in batch:
            raise KeyError(f"no column {self.column!r} in the batch (columns: "
                           f"{', '.join(map(str, batch))}); name the text column")
        texts = _as_list(batch[self.column])
        docs = (_as_list(batch[self.doc_column]) if self.doc_column is not None
                else ["<text>"] * len(texts))
        fixed: list[str | None] = []
        records: list[str] = []
        pipeline = self.pipeline
        for text, doc in zip(texts, docs, strict=True):
            if text is None:
                fixed.append(None)
                records.append("")
                continue
            result = pipeline.fix_text(str(text), doc=str(doc))
            stream = io.StringIO()
            write_change_log(result.changes, stream)
            fixed.append(result.text)
            records.append(stream.getvalue())
        out = {name: _as_list(values) for name, values in batch.items()}
        out[str(self.fixed_column)] = fixed
        out[str(self.changes_column)] = records
        return out


def _as_list(values) -> list:
    """A column as a plain list (numpy arrays and pyarrow arrays have ``tolist``)."""
    if isinstance(values, list):
        return values
    tolist = getattr(values, "tolist", None) or getattr(values, "to_pylist", None)
    return list(tolist()) if tolist is not None else list(values)
