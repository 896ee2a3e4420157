"""Parquet: the ``--field`` string columns are fixed, every other column is kept as it is.

Read and written one row group at a time with pyarrow (``pip install "mtfix[parquet]"``), so
memory stays one row group; the output keeps the schema (and its metadata) and the row groups.
Each named field of each row is one segment, id ``"ROW/FIELD"`` (1-based row number in the
file), as JSON Lines has ``"LINE/FIELD"``. Null values are left alone. A field that is not a
column, or not a string column, is an error naming the file, the field and the columns there
are. A file in which nothing changes is copied byte for byte; otherwise the columns are
written again with pyarrow's defaults (snappy compression), the values of untouched cells
unchanged.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from mtfix.change import Change
from mtfix.fileio import InputError, atomic_writer
from mtfix.formats.base import FormatOptions, FormatSpec, register_format
from mtfix.pipeline import Pipeline

INSTALL = 'pip install "mtfix[parquet]"'


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None, None
    return pa, pq


def fix_parquet_file(source: Path, target: Path, *, pipeline: Pipeline, doc: str,
                     options: FormatOptions) -> Iterator[Change]:
    """Fix the ``options.fields`` columns of a Parquet file, one row group at a time."""
    pa, pq = _pyarrow()
    if pa is None:
        raise InputError(f"{source}: reading Parquet needs pyarrow: {INSTALL}")
    if not options.fields:
        raise InputError(f"{source}: Parquet needs the text column(s) to fix: give --field NAME")
    try:
        reader = pq.ParquetFile(source)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{source}: not a readable Parquet file ({exc}); check the file") from None
    schema = reader.schema_arrow
    columns = _text_columns(schema, options.fields, source, pa)
    changed = False
    with atomic_writer(target, mode="wb") as out:
        writer = pq.ParquetWriter(out, schema)
        row = 0
        for group in range(reader.num_row_groups):
            try:
                table = reader.read_row_group(group)
            except (OSError, pa.ArrowException) as exc:
                raise InputError(f"{source}: row group {group + 1} cannot be read ({exc}); "
                                 "the file may be truncated or damaged") from None
            for field, index in columns:
                values = table.column(index).to_pylist()
                fixed, found = _fix_values(values, row, field, pipeline, doc)
                if found:
                    yield from found
                if fixed is not None:
                    changed = True
                    table = table.set_column(index, schema.field(index),
                                             pa.array(fixed, type=schema.field(index).type))
            writer.write_table(table, row_group_size=max(1, table.num_rows))
            row += table.num_rows
        writer.close()
        if not changed:  # keep the file byte for byte
            out.seek(0)
            out.truncate()
            with open(source, "rb") as original:
                shutil.copyfileobj(original, out, 1 << 20)


def _text_columns(schema, fields: Iterable[str], source: Path, pa) -> list[tuple[str, int]]:
    """(field, column index) of each field; an error names what is missing or not text."""
    found = []
    for field in fields:
        index = schema.get_field_index(field)
        if index < 0:
            raise InputError(f"{source}: no column {field!r} (columns: "
                             f"{', '.join(schema.names)}); give one of them with --field")
        kind = schema.field(index).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise InputError(f"{source}: column {field!r} holds {kind}, not text; give a "
                             "string column with --field")
        found.append((field, index))
    return found


def _fix_values(values: list, row: int, field: str, pipeline: Pipeline, doc: str
                ) -> tuple[list | None, list[Change]]:
    """The column's fixed values (None if none changed) and their changes."""
    changes: list[Change] = []
    fixed = None
    for number, text in enumerate(values, row + 1):
        if text is None:
            continue
        new, found = pipeline.fix_segment(text, doc=doc, segment=f"{number}/{field}",
                                          format="parquet")
        changes.extend(found)
        if new != text:
            if fixed is None:
                fixed = list(values)
            fixed[number - row - 1] = new
    return fixed, changes


def _replay_options(segment_ids: Iterable[str]) -> FormatOptions:
    """The columns a Parquet file was fixed with, from its changes' "ROW/field" ids."""
    fields = sorted({sid.split("/", 1)[1] for sid in segment_ids if "/" in sid})
    return FormatOptions(fields=tuple(fields), mark_review=False)


register_format(FormatSpec(
    name="parquet", suffixes=(".parquet",), fix=fix_parquet_file,
    description="Parquet: the --field string columns of each row (needs pyarrow)",
    segment_ids='"ROW/field" (row number and column name)',
    replay_options=_replay_options))
