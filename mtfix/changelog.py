"""The change log on disk: JSON Lines, one :class:`~mtfix.change.Change` per line.

Every record written carries ``"version"`` (the schema version, :data:`CHANGE_LOG_VERSION`)
and ``"format"`` (the file format that produced it: ``text``, ``md``, ``lines``, ``jsonl``,
``po``, ``xliff``, ``tmx``; ``null`` for text given from Python). Records without ``version``
were written before it existed and are read as version 1 (their format is then inferred by
the readers from the file and the segment ids). A record of a newer version is refused with a
message to upgrade mtfix, rather than misread.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO

from mtfix.change import _ID_SLOT, CHANGE_LOG_VERSION, Change, id_of

__all__ = ["CHANGE_LOG_VERSION", "read_change_log", "write_change_log"]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# How many records one write holds: the per-write overhead of a text stream is paid per
# batch, and a batch of lines stays a few MB at most.
_WRITE_BATCH = 4096


def _json_line(record: dict) -> str:
    """One record as JSON, readable UTF-8. A file name that is not UTF-8 reaches us with
    surrogate escapes (``caf\\udce9.txt`` for the bytes ``caf\\xe9.txt``), which UTF-8 cannot
    encode; such a record is written with ASCII escapes (``"caf\\udce9.txt"`` in the JSON), which
    ``json.loads`` reads back to the same string, so ``os.fsencode(doc)`` gives the exact name."""
    line = json.dumps(record, ensure_ascii=False)
    if _LONE_SURROGATE.search(line):
        return json.dumps(record)
    return line


# The C function json.dumps(ensure_ascii=False) itself uses for a string (quotes, escapes of
# '"', '\\' and control characters); it refuses what is not a str, like json.dumps does.
_string = json.encoder.encode_basestring  # type: ignore[attr-defined]
_INFINITY = float("inf")


def _number(value: object) -> str | None:
    """``value`` (a score) as json.dumps writes it, or None when it is not null or a number."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (_INFINITY, -_INFINITY):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    return None


def _plain_line(change: Change) -> str | None:
    """The record's JSON written by hand, byte for byte what
    ``json.dumps(change.to_json(), ensure_ascii=False)`` gives, or None when a field is of a
    type only the general encoder knows (the caller falls back to it). Surrogates are left
    to the caller (see :func:`_json_line`)."""
    return _plain_lines([change])[0]


def _plain_lines(changes: list[Change]) -> list[str | None]:
    """:func:`_plain_line` of each record.

    Why by hand: a change-heavy file makes a record per ~50 bytes, and building the dict and
    running the general encoder cost ~10x what these few C-level string escapes cost. The
    fields that repeat from record to record (document, format and segment; pass, rule,
    note, score, proposal and base) are written once per distinct combination in the batch,
    and an id is computed here as reading ``change.id`` would (and kept in the record)."""
    heads: dict[tuple, str] = {}  # (doc, format, segment) -> their JSON, up to "start"
    tails: dict[tuple, str] = {}  # (pass, rule, note, score's JSON, proposal, base) -> JSON
    lines: list[str | None] = []
    append, string = lines.append, _string
    for change in changes:
        start, end, line = change.start, change.end, change.line
        if type(start) is not int or type(end) is not int or type(line) is not int:
            append(None)
            continue
        doc, segment, before, after = change.doc, change.segment, change.before, change.after
        pass_, rule, proposal = change.pass_, change.rule, change.proposal
        try:
            given = _stored_id(change)
            if given:
                id_json = _string(given)
            else:
                computed = id_of(doc, segment, start, end, before, after, pass_, rule, proposal)
                _store_id(change, computed)
                id_json = f'"{computed}"'  # (hex digits: nothing to escape)
            head_key = (doc, change.format, segment)
            head = heads.get(head_key)
            if head is None:
                head = heads[head_key] = _head(*head_key)
            # (by the score's JSON: 1, 1.0 and True, or 0.0 and -0.0, are equal as keys)
            score = change.score
            score_json = "null" if score is None else _number(score)
            if score_json is None:
                append(None)
                continue
            tail_key = (pass_, rule, change.note, score_json, proposal, change.base)
            tail = tails.get(tail_key)
            if tail is None:
                tail = tails[tail_key] = _tail(*tail_key)
            append(f'{{"version": {CHANGE_LOG_VERSION}, "id": {id_json}, {head}{start}, '
                   f'"end": {end}, "line": {line}, "before": {string(before)}, '
                   f'"after": {string(after)}, {tail}')
        except TypeError:  # a field that is not a string (None where a string belongs...),
            append(None)  # or a value that cannot be a key (a list for a score)
    return lines


# The ``id`` slot itself (``Change.id`` is a property that computes a missing id on first
# read, see mtfix.change): the id a record was given or already computed, or "".
_stored_id = _ID_SLOT.__get__
_store_id = _ID_SLOT.__set__


def _head(doc: str, format: str | None, segment: str | None) -> str:
    return (f'"doc": {_string(doc)}, "format": {"null" if format is None else _string(format)}'
            f', "segment": {"null" if segment is None else _string(segment)}, "start": ')


def _tail(pass_: str, rule: str, note: str, score_json: str, proposal: str | None,
          base: str) -> str:
    """The JSON of a record from ``pass`` on (``score_json``: its score as JSON)."""
    return (f'"pass": {_string(pass_)}, "rule": {_string(rule)}, "note": {_string(note)}, '
            f'"score": {score_json}, '
            f'"proposal": {"null" if proposal is None else _string(proposal)}, '
            f'"base": {_string(base)}}}')


def change_line(change: Change) -> str:
    """One change as its change-log line (without the newline)."""
    line = _plain_line(change)
    if line is None or _LONE_SURROGATE.search(line):
        return _json_line(change.to_json())
    return line


def _lines(changes: list[Change]) -> str:
    """The change-log lines of ``changes``, each ending in a newline. The surrogate check of
    :func:`change_line` is made once on the whole block: records with surrogates are rare."""
    block = "\n".join([line or _json_line(change.to_json()) for change, line in
                       zip(changes, _plain_lines(changes), strict=True)])
    if _has_surrogates(block):
        block = "\n".join(map(change_line, changes))
    return block + "\n"


def _has_surrogates(text: str) -> bool:
    """``_LONE_SURROGATE.search(text)``, answered faster for a large block: an ASCII string
    (a constant-time test) has none, and strict UTF-8 refuses a string exactly when it holds
    a surrogate (a C-speed encode, ~7x faster than the search)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def write_change_log(changes: Iterable[Change], stream: IO[str]) -> int:
    """Write changes as JSON Lines; returns how many were written. Records are written in
    batches of lines (one ``write`` each), so writing costs little next to making them."""
    count = 0
    pending = iter(changes)
    while batch := list(itertools.islice(pending, _WRITE_BATCH)):
        stream.write(_lines(batch))
        count += len(batch)
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


