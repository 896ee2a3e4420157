"""BatchFixer: a text column fixed a batch at a time, as fix_text fixes each row; the Hugging
Face ``datasets.map(batched=True, num_proc=2)`` recipe of docs/guide/scale.md, on an
in-memory dataset (nothing is downloaded)."""

from __future__ import annotations

import json
import pickle

import pytest

from mtfix.api import fix_text
from mtfix.engines import BatchFixer

TEXTS = ["The Anti smuggling Bureau met .", None, "It was held  in Hefei .", "Fine."]


def _check(rows_text, rows_fixed, rows_changes, docs) -> None:
    for text, fixed, changes, doc in zip(rows_text, rows_fixed, rows_changes, docs, strict=True):
        if text is None:
            assert fixed is None and changes == ""
            continue
        expected = fix_text(text, doc=doc)
        assert fixed == expected.text
        assert [json.loads(line)["id"] for line in changes.splitlines()] == \
            [c.id for c in expected.changes]


def test_batch_fixer_adds_fixed_text_and_change_records() -> None:
    fixer = BatchFixer("text", doc_column="id")
    batch = {"id": ["a", "b", "c", "d"], "text": TEXTS, "other": [1, 2, 3, 4]}
    out = fixer(batch)
    assert list(out) == ["id", "text", "other", "text_fixed", "text_changes"]
    assert out["other"] == [1, 2, 3, 4] and out["text"] == TEXTS
    _check(TEXTS, out["text_fixed"], out["text_changes"], batch["id"])
    # it pickles without its pipeline (sent to processes and actors small), and still works
    copy = pickle.loads(pickle.dumps(fixer))
    assert copy._pipeline is None and copy(batch) == out


def test_batch_fixer_names_a_missing_column() -> None:
    with pytest.raises(KeyError, match="no column 'mt' in the batch \\(columns: text\\)"):
        BatchFixer("mt")({"text": ["x"]})


def test_hugging_face_datasets_recipe() -> None:
    datasets = pytest.importorskip("datasets", reason="the recipe needs `pip install datasets`")
    ds = datasets.Dataset.from_dict({"id": ["a", "b", "c", "d"], "text": TEXTS})
    fixed = ds.map(BatchFixer("text", doc_column="id"), batched=True, batch_size=2, num_proc=2)
    assert fixed.column_names == ["id", "text", "text_fixed", "text_changes"]
    _check(fixed["text"], fixed["text_fixed"], fixed["text_changes"], fixed["id"])
