"""Merge a whole glossary file into another: ``mtfix glossary add TARGET.toml --from FILE``.

FILE is any glossary mtfix reads (TOML, TSV, CSV, TBX: :func:`~mtfix.glossary_tools.exchange.
read_entries`), typically the ``glossary-additions.toml`` a review page exports. Every entry
is checked as one added with ``mtfix glossary add`` (:func:`~mtfix.glossary_tools.edit.
add_entries`): the ones that pass are appended to TARGET in one atomic write, the others are
listed with the reason, so a reviewer fixes those and runs the same command again (what was
added is then skipped as identical).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtfix.glossary.model import GlossaryError
from mtfix.glossary_tools.edit import MergeResult, add_entries
from mtfix.glossary_tools.exchange import read_entries
from mtfix.glossary_tools.exchange_base import ExchangeResult


@dataclass(slots=True)
class AddFromResult:
    merge: MergeResult
    read: ExchangeResult  # how FILE was read (CSV/TBX notes, what was left out)


def add_from_file(target: str | Path, source: str | Path, *, fmt: str | None = None,
                  with_glossaries: Sequence[str | Path] = (), defaults: bool = False,
                  rename_ids: bool = True, target_lang: str = "en",
                  source_lang: str | None = None) -> AddFromResult:
    """Add every entry of the glossary ``source`` to the TOML glossary ``target``.

    Raises :class:`GlossaryError` (nothing written) when ``source`` or ``target`` cannot be
    read, when ``source`` is ``target`` itself, and when ``source`` holds no entry.
    """
    if Path(source).exists() and Path(target).exists() and \
            Path(source).resolve() == Path(target).resolve():
        raise GlossaryError("--from names the glossary being extended; give another file",
                            path=str(source))
    entries, read = read_entries(source, fmt, target_lang=target_lang, source_lang=source_lang)
    if not entries:
        raise GlossaryError("no entry to add: the file holds no [[entry]]", path=str(source))
    merge = add_entries(target, entries, with_glossaries=with_glossaries, defaults=defaults,
                        rename_ids=rename_ids)
    return AddFromResult(merge, read)


__all__ = ["AddFromResult", "add_from_file"]
