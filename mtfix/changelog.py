"""The change log on disk: JSON Lines, one :class:`~mtfix.change.Change` per line.

Every record written carries ``"version"`` (the schema version, :data:`CHANGE_LOG_VERSION`)
and ``"format"`` (the file format that produced it: ``text``, ``md``, ``lines``, ``jsonl``,
``po``, ``xliff``, ``tmx``; ``null`` for text given from Python). Records without ``version``
were written before it existed and are read as version 1 (their format is then inferred by
the readers from the file and the segment ids). A record of a newer version is refused with a
message to upgrade mtfix, rather than misread.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import itertools
import json
import operator
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
    tails: dict[tuple, str | None] = {}  # (pass, rule, note, score, proposal, base) -> JSON
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
            tail_key = (pass_, rule, change.note, change.score, proposal, change.base)
            tail = tails.get(tail_key, _MISSING)
            if tail is _MISSING:
                tail = tails[tail_key] = _tail(*tail_key)
            if tail is None:
                append(None)
                continue
            append(f'{{"version": {CHANGE_LOG_VERSION}, "id": {id_json}, {head}{start}, '
                   f'"end": {end}, "line": {line}, "before": {string(before)}, '
                   f'"after": {string(after)}, {tail}')
        except TypeError:  # a field that is not a string (None where a string belongs...),
            append(None)  # or a value that cannot be a key (a list for a score)
    return lines


_MISSING = object()
# The ``id`` slot itself (``Change.id`` is a property that computes a missing id on first
# read, see mtfix.change): the id a record was given or already computed, or "".
_stored_id = _ID_SLOT.__get__
_store_id = _ID_SLOT.__set__


def _head(doc: str, format: str | None, segment: str | None) -> str:
    return (f'"doc": {_string(doc)}, "format": {"null" if format is None else _string(format)}'
            f', "segment": {"null" if segment is None else _string(segment)}, "start": ')


def _tail(pass_: str, rule: str, note: str, score: object, proposal: str | None,
          base: str) -> str | None:
    score_json = "null" if score is None else _number(score)
    if score_json is None:
        return None
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
    """The change-log lines of ``changes``, each ending in a newline: column by column
    (:func:`_column_lines`) where it can, else record by record. The surrogate check of
    :func:`change_line` is made once on the whole block: records with surrogates are rare."""
    columns = _column_lines(changes)
    if columns is not None:
        return columns
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


# Columns of a batch of records, each read by one C-level call per batch.
_HEAD_FIELDS = operator.attrgetter("doc", "format", "segment")
_TAIL_FIELDS = operator.attrgetter("pass_", "rule", "note", "score", "proposal", "base")
_START, _END, _LINE, _BEFORE, _AFTER = (operator.attrgetter(name) for name in (
    "start", "end", "line", "before", "after"))
_ENCODE = str.encode  # (UTF-8, strict)
_ID_HASH = functools.partial(hashlib.blake2b, digest_size=6)
# (the method of the hash type itself where hashlib gives a type, as CPython's does)
_HEX = getattr(hashlib.blake2b, "hexdigest", None) or operator.methodcaller("hexdigest")


def _column_lines(changes: list[Change]) -> str | None:
    """What :func:`_lines` gives, built column by column with C-level ``map`` and ``join``
    (no Python code runs per record: a chunk of change-heavy text holds ~20,000 records), or
    None for a batch this does not cover, which the caller writes record by record: a record
    that already holds an id, a field of another type than a record of mtfix's has (a
    non-``int`` offset, a non-string text, a score that is not a number), a surrogate.

    The ids are :func:`mtfix.change.id_of`'s: the same key (its fields joined by ``\\x1f``:
    the document's and segment's part written once per head, the pass's, rule's and
    proposal's once per tail) hashed the same way; they are kept in the records, as reading
    ``change.id`` would."""
    if not changes or any(map(_stored_id, changes)):
        return None
    starts, ends, lines = (list(map(get, changes)) for get in (_START, _END, _LINE))
    if not all(_only_ints(column) for column in (starts, ends, lines)):
        return None
    befores, afters = list(map(_BEFORE, changes)), list(map(_AFTER, changes))
    head_keys, tail_keys = list(map(_HEAD_FIELDS, changes)), list(map(_TAIL_FIELDS, changes))
    try:
        heads = {key: _column_head(*key) for key in set(head_keys)}
        tails = {key: _column_tail(*key) for key in set(tail_keys)}
        if None in heads.values() or None in tails.values():
            return None
        start_texts, end_texts = list(map(str, starts)), list(map(str, ends))
        head_parts, tail_parts = list(map(heads.__getitem__, head_keys)), \
            list(map(tails.__getitem__, tail_keys))
        keys = map("".join, zip(map(_ID_PREFIX, head_parts), start_texts, _repeat(_SEP),
                                end_texts, _repeat(_SEP), befores, _repeat(_SEP), afters,
                                _repeat(_SEP), map(_ID_SUFFIX, tail_parts), strict=False))
        ids = list(map(_HEX, map(_ID_HASH, map(_ENCODE, keys))))  # (strict: no surrogate)
        block = "\n".join(map("".join, zip(
            _repeat(_LINE_START), ids, _repeat('", '), map(_JSON_HEAD, head_parts),
            start_texts, _repeat(', "end": '), end_texts, _repeat(', "line": '),
            map(str, lines), _repeat(', "before": '), map(_string, befores),
            _repeat(', "after": '), map(_string, afters), _repeat(", "),
            map(_JSON_TAIL, tail_parts), strict=False)))  # (strict=False: the repeats)
    except (TypeError, UnicodeEncodeError):
        return None  # (a field of another type; a surrogate: UTF-8 refuses it in a key)
    collections.deque(map(_store_id, changes, ids), maxlen=0)
    return block + "\n"


_repeat = itertools.repeat
_SEP = "\x1f"
_LINE_START = f'{{"version": {CHANGE_LOG_VERSION}, "id": "'
_ID_PREFIX, _JSON_HEAD = operator.itemgetter(0), operator.itemgetter(1)
_ID_SUFFIX, _JSON_TAIL = operator.itemgetter(0), operator.itemgetter(1)


def _only_ints(column: list) -> bool:
    """Is every value an ``int`` (not a bool, nor another subclass: JSON would differ)?"""
    return set(map(type, column)) == {int}


def _column_head(doc: str, format: str | None, segment: str | None) -> tuple[str, str] | None:
    """(the id key's part before the start, the JSON's part from ``doc`` to ``start``) of
    records with these fields; None when one holds a surrogate (the caller's slow path)."""
    json_part = _head(doc, format, segment)
    if not isinstance(segment, str | None) or _has_surrogates(json_part):
        return None
    return f"{doc}{_SEP}{segment or ''}{_SEP}", json_part


def _column_tail(pass_: str, rule: str, note: str, score: object, proposal: str | None,
                 base: str) -> tuple[str, str] | None:
    """(the id key's part after ``after``, the JSON's part from ``pass``) of records with
    these fields; None when the score is not a number or a field holds a surrogate."""
    json_part = _tail(pass_, rule, note, score, proposal, base)
    if json_part is None or not isinstance(proposal, str | None) or _has_surrogates(json_part):
        return None
    return f"{pass_}{_SEP}{rule}{_SEP}{proposal or ''}", json_part


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


