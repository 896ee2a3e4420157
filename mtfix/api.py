"""The Python API. Every CLI command is a thin layer over a function here.

>>> import mtfix
>>> r = mtfix.fix_text("Vision protection color:\\nThe Anti smuggling Bureau met .\\n")
>>> r.text
'The Anti-smuggling Bureau met.\\n'
>>> sorted({c.pass_ for c in r.changes})
['glossary', 'rules']
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.change import Change
from mtfix.formats import FormatOptions
from mtfix.glossary import Glossary, default_glossary_paths
from mtfix.passes.base import Pass
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline, Result

GlossarySpec = Glossary | Sequence[str | Path] | None


def load_glossary_set(paths: Sequence[str | Path] = (), *, defaults: bool = True) -> Glossary:
    """The shipped glossaries (unless ``defaults=False``) followed by ``paths``, compiled once.

    Loading runs every entry's examples; a broken glossary raises
    :class:`~mtfix.glossary.GlossaryError` naming file, line and entry id.
    """
    all_paths = [*(default_glossary_paths() if defaults else ()), *paths]
    return _load_cached(tuple(str(Path(p).resolve()) for p in all_paths),
                        tuple(_mtime(p) for p in all_paths))


def _mtime(path: str | Path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0


@functools.lru_cache(maxsize=8)
def _load_cached(paths: tuple[str, ...], _mtimes: tuple[float, ...]) -> Glossary:
    return Glossary.load(paths)


def build_pipeline(glossaries: GlossarySpec = None, *, default_glossaries: bool = True,
                   extra_passes: Sequence[Pass] = (), rules: Sequence[str] | None = None,
                   disabled_rules: Sequence[str] = (), use_rules: bool = True) -> Pipeline:
    """The standard pipeline: the glossary pass, the rules pass, then ``extra_passes``.

    ``rules``: rule ids to switch on besides the default ones; ``disabled_rules``: rule ids to
    switch off (see ``mtfix rules``); ``use_rules=False`` leaves the rules pass out.
    Unknown rule ids raise :class:`~mtfix.passes.rules.UnknownRuleError`.
    """
    if isinstance(glossaries, Glossary):
        glossary = glossaries
    else:
        glossary = load_glossary_set(list(glossaries or ()), defaults=default_glossaries)
    passes: list[Pass] = []
    if len(glossary):
        passes.append(GlossaryPass(glossary))
    if use_rules:
        from mtfix.passes.rules import RulesPass

        rules_pass = RulesPass(rules, disabled_rules)
        if rules_pass.rules:
            passes.append(rules_pass)
    passes.extend(extra_passes)
    return Pipeline(passes)


def fix_text(text: str, glossaries: GlossarySpec = None, *, default_glossaries: bool = True,
             doc: str = "<text>", pipeline: Pipeline | None = None) -> Result:
    """Fix ``text`` and return the new text with every change made (and every flag raised).

    ``glossaries``: a loaded :class:`Glossary`, or paths of glossary files added to the shipped
    ones (``default_glossaries=False`` drops those), or ``None`` for the shipped ones alone.
    """
    pipeline = pipeline or build_pipeline(glossaries, default_glossaries=default_glossaries)
    return pipeline.fix_text(text, doc=doc)


@dataclass(frozen=True)
class FileResult:
    """What :func:`fix_file` did to one file."""

    input: str
    output: str | None
    changes: tuple[Change, ...] = ()
    error: str | None = None
    base: str = field(default="", repr=False)
    backup: str | None = None  # in place: where the original went (None: unchanged or no backup)

    @property
    def ok(self) -> bool:
        return self.error is None


def fix_file(path: str | Path, output: str | Path | None = None, *, doc: str | None = None,
             pipeline: Pipeline | None = None, glossaries: GlossarySpec = None,
             default_glossaries: bool = True, in_place: bool = False,
             backup: bool = True, format: str = "auto",
             options: FormatOptions | None = None) -> FileResult:
    """Fix one file in its format (see :mod:`mtfix.formats`) and write the result atomically.

    ``format``: "auto" (by extension), text, md, jsonl, po, xliff or tmx; ``options`` carries
    the JSON Lines fields and review marking. Writes to ``output``; with ``in_place=True``
    replaces ``path`` itself if the result differs, keeping the original as ``path.orig``
    (or ``path.orig.1``, ``.2``... when that exists: a backup is never overwritten) unless
    ``backup=False``; an unchanged file is not rewritten and gets no backup. Refuses to
    overwrite the input otherwise. Raises :class:`~mtfix.fileio.InputError` for unreadable or
    malformed input (``output`` is then not written).
    """
    from mtfix.fileio import file_hash, in_place_update
    from mtfix.formats import fix_document

    path = Path(path)
    if in_place:
        target = path
    elif output is None:
        raise ValueError("give an output path, or in_place=True")
    else:
        target = Path(output)
        if target.exists() and target.resolve() == path.resolve():
            raise ValueError(f"{path}: output would overwrite the input; use in_place=True")
    pipeline = pipeline or build_pipeline(glossaries, default_glossaries=default_glossaries)
    base = file_hash(path)[:16]
    if not in_place:
        changes = tuple(fix_document(path, target, pipeline=pipeline, doc=doc or str(path),
                                     format=format, options=options))
        return FileResult(str(path), str(target), changes, base=base)
    with in_place_update(path, backup=backup) as update:
        changes = tuple(fix_document(path, update.scratch, pipeline=pipeline,
                                     doc=doc or str(path), format=format, options=options))
    return FileResult(str(path), str(target), changes, base=base,
                      backup=str(update.backup) if update.backup else None)
