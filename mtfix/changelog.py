"""The change log on disk: JSON Lines, one :class:`~mtfix.change.Change` per line.

Every record written carries ``"version"`` (the schema version, :data:`CHANGE_LOG_VERSION`)
and ``"format"`` (the file format that produced it: ``text``, ``md``, ``lines``, ``jsonl``,
``po``, ``xliff``, ``tmx``; ``null`` for text given from Python). Records without ``version``
were written before it existed and are read as version 1 (their format is then inferred by
the readers from the file and the segment ids). A record of a newer version is refused with a
message to upgrade mtfix, rather than misread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO

from mtfix.change import CHANGE_LOG_VERSION, Change

__all__ = ["CHANGE_LOG_VERSION", "read_change_log", "write_change_log"]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_line(record: dict) -> str:
    """One record as JSON, readable UTF-8. A file name that is not UTF-8 reaches us with
    surrogate escapes (``caf\\udce9.txt`` for the bytes ``caf\\xe9.txt``), which UTF-8 cannot
    encode; such a record is written with ASCII escapes (``"caf\\udce9.txt"`` in the JSON), which
    ``json.loads`` reads back to the same string, so ``os.fsencode(doc)`` gives the exact name."""
    line = json.dumps(record, ensure_ascii=False)
    if _LONE_SURROGATE.search(line):
        return json.dumps(record)
    return line


def write_change_log(changes: Iterable[Change], stream: IO[str]) -> int:
    """Write changes as JSON Lines; returns how many were written."""
    count = 0
    for change in changes:
        stream.write(_json_line(change.to_json()))
        stream.write("\n")
        count += 1
    return count


def read_change_log(stream: IO[str], name: str = "<change log>") -> Iterator[Change]:
    """Read a JSON Lines change log, with file and line in every error."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield Change.from_json(json.loads(line))
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"{name}:{number}: not a valid change record: {exc}") from exc


