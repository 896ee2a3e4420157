"""The Python API. Every CLI command is a thin layer over a function here.

>>> import mtfix
>>> r = mtfix.fix_text("Vision protection color:\\nThe Anti smuggling Bureau met .\\n")
>>> r.text
'The Anti-smuggling Bureau met.\\n'
>>> sorted({c.pass_ for c in r.changes})
['glossary', 'rules']
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.change import Change
from mtfix.formats import FormatOptions
from mtfix.glossary import Glossary, default_glossary_paths
from mtfix.glossary.cache import load_glossary_cached
from mtfix.memory import DecisionMemory
from mtfix.passes.base import Pass
from mtfix.passes.glossary import GlossaryPass
from mtfix.passes.terms import TermsPass, bilingual_entries
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
    # on disk too: a process does not compile and self-test the same bytes again (cache.py)
    return load_glossary_cached(paths)


def build_pipeline(glossaries: GlossarySpec = None, *, default_glossaries: bool = True,
                   extra_passes: Sequence[Pass] = (), rules: Sequence[str] | None = None,
                   disabled_rules: Sequence[str] = (), use_rules: bool = True,
                   rule_options: Mapping[str, Mapping[str, Any]] | None = None,
                   memory: DecisionMemory | None = None) -> Pipeline:
    """The standard pipeline: the glossary pass, the rules pass, the terms check (when an
    entry has ``source`` terms; it acts only where a unit has a source side), then
    ``extra_passes``.

    ``rules``: rule ids to switch on besides the default ones; ``disabled_rules``: rule ids to
    switch off (see ``mtfix rules``); ``use_rules=False`` leaves the rules pass out;
    ``rule_options``: rule id -> {option: value} (the options ``mtfix rules`` lists).
    Unknown rule ids raise :class:`~mtfix.passes.rules.UnknownRuleError`.
    ``memory``: remembered review decisions (:func:`mtfix.memory.read_memory`): what a
    reviewer rejected is not proposed again, a flag a reviewer accepted is applied.
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

        rules_pass = RulesPass(rules, disabled_rules, options=rule_options)
        if rules_pass.rules:
            passes.append(rules_pass)
    bilingual = bilingual_entries(glossary)
    if bilingual:
        passes.append(TermsPass(bilingual))
    passes.extend(extra_passes)
    return Pipeline(passes, memory=memory)


def fix_text(text: str, glossaries: GlossarySpec = None, *, default_glossaries: bool = True,
             doc: str = "<text>", pipeline: Pipeline | None = None,
             memory: DecisionMemory | None = None) -> Result:
    """Fix ``text`` and return the new text with every change made (and every flag raised).

    ``glossaries``: a loaded :class:`Glossary`, or paths of glossary files added to the shipped
    ones (``default_glossaries=False`` drops those), or ``None`` for the shipped ones alone.
    ``memory``: remembered review decisions (give them to :func:`build_pipeline` instead when
    you give a ``pipeline``).
    """
    memory = _memory_without_pipeline(memory, pipeline)
    pipeline = pipeline or build_pipeline(glossaries, default_glossaries=default_glossaries,
                                          memory=memory)
    return pipeline.fix_text(text, doc=doc)


@dataclass(frozen=True)
class FileResult:
    """What fixing one file did (:func:`fix_file`; the batch runner reports every file so).

    ``changes`` holds the changes unless they were streamed to ``on_change`` (then it is
    empty and ``applied``/``flags`` still count them). ``error`` is set instead of raising when
    the batch runner caught a problem with this file.
    """

    input: str
    output: str | None
    changes: tuple[Change, ...] = ()
    error: str | None = None
    applied: tuple[tuple[str, int], ...] = ()  # (pass, number of applied changes), by pass name
    flags: int = 0
    base: str = field(default="", repr=False)  # hash of the input (text_hash of its text)
    input_hash: str = field(default="", repr=False)  # the full hash (``base`` is its prefix)
    backup: str | None = None  # in place: where the original went (None: unchanged or no backup)
    resumed: bool = False  # the batch skipped it: an earlier interrupted run had finished it
    note: str | None = None  # worth telling the user (e.g. the backup got a numbered name)
    #: remembered decisions followed: changes and flags not proposed again (a reviewer
    #: rejected them), and changes made (flags accepted, changes edited by a reviewer)
    memory_suppressed: int = 0
    memory_applied: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def applied_count(self) -> int:
        return sum(n for _, n in self.applied)


def fix_file(path: str | Path, output: str | Path | None = None, *, doc: str | None = None,
             pipeline: Pipeline | None = None, glossaries: GlossarySpec = None,
             default_glossaries: bool = True, in_place: bool = False,
             backup: bool = True, format: str = "auto",
             options: FormatOptions | None = None,
             on_change: Callable[[Change], None] | None = None,
             on_fixed: Callable[[FileResult, Path], None] | None = None,
             memory: DecisionMemory | None = None) -> FileResult:
    """Fix one file in its format (see :mod:`mtfix.formats`) and write the result atomically.

    This is the one path that fixes a file; ``mtfix fix`` (:mod:`mtfix.batch`) calls it for
    every input. ``format``: "auto" (by extension) or a registered format name; ``options``
    carries the JSON Lines fields and review marking. Writes to ``output``; with
    ``in_place=True`` replaces ``path`` itself if the result differs, keeping the original as
    ``path.orig`` (or ``path.orig.1``, ``.2``... when that exists: a backup is never
    overwritten) unless ``backup=False``; an unchanged file is not rewritten and gets no
    backup. Refuses to overwrite the input otherwise.

    ``on_change`` receives each change as it is made (they are then not kept in the result:
    memory stays flat on large files). ``on_fixed(result, fixed_path)`` is called once the fixed
    file is complete (``fixed_path``: the output, or the file about to replace the input),
    before an in-place replacement makes it visible: a caller records the changes there, so
    that no file is ever replaced without its record. Raises
    :class:`~mtfix.fileio.InputError` for unreadable or malformed input (nothing is written).

    ``memory``: remembered review decisions (:mod:`mtfix.memory`) for the pipeline built here
    (a given ``pipeline`` carries its own); the result counts what they did.
    """
    from mtfix.fileio import (
        check_unchanged,
        file_hash,
        file_signature,
        in_place_update,
        staged_output,
    )
    from mtfix.formats import detect_format, fix_document

    path = Path(path)
    target = _target_for(path, output, in_place)
    memory = _memory_without_pipeline(memory, pipeline)
    pipeline = pipeline or build_pipeline(glossaries, default_glossaries=default_glossaries,
                                          memory=memory)
    file_format = detect_format(path, format)
    counted = Counter(pipeline.memory_counts)
    kept: list[Change] = []
    by_pass: Counter[str] = Counter()
    flags = 0
    with contextlib.ExitStack() as stack:
        source = _readable_twice(path, in_place, stack)
        signature = file_signature(source)  # (read twice: hashed, then fixed)
        input_hash = file_hash(source)
        if in_place:
            # written beside the input, then swapped in (and a backup made) only if it differs
            update = stack.enter_context(in_place_update(path, backup=backup))
            scratch = update.scratch
        else:  # written beside the output, which it replaces once the input proved unchanged
            scratch = stack.enter_context(staged_output(target))
        for change in fix_document(source, scratch, pipeline=pipeline, doc=doc or str(path),
                                   format=file_format, options=options):
            if change.is_flag:
                flags += 1
            else:
                by_pass[change.pass_] += 1
            if on_change is None:
                kept.append(change)
            else:
                on_change(change)
        check_unchanged(source, signature, str(path), "it was left as the other writer left "
                        "it" if in_place else "nothing was written for it")
        remembered = pipeline.memory_counts - counted
        result = FileResult(str(path), str(target), tuple(kept), applied=tuple(sorted(
            by_pass.items())), flags=flags, base=input_hash[:16], input_hash=input_hash,
            memory_suppressed=remembered["suppressed"], memory_applied=remembered["applied"])
        if on_fixed is not None:
            on_fixed(result, scratch)
    if in_place:
        result = dataclasses.replace(result, note=update.describe(),
                                     backup=str(update.backup) if update.backup else None)
    return result


def _memory_without_pipeline(memory: DecisionMemory | None,
                             pipeline: Pipeline | None) -> DecisionMemory | None:
    if memory is not None and pipeline is not None:
        raise ValueError("give memory to build_pipeline(memory=...) when you pass a pipeline")
    return memory


def _readable_twice(path: Path, in_place: bool, stack: contextlib.ExitStack) -> Path:
    """``path``, or for a pipe, FIFO or device (``/dev/stdin``, ``<(cmd)``) a copy of it read
    once: a file is read twice (hashed, then fixed), and a pipe gives its bytes only once."""
    from mtfix.fileio import is_regular_file, spool

    if is_regular_file(path):
        return path
    if in_place:
        raise ValueError(f"{path}: not a regular file (a pipe or device); it cannot be "
                         "replaced in place: give an output path")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mtfix-spool-")))
    copy = folder / path.name  # the name is kept: the format is detected by it
    spool(path, copy)
    return copy


def _target_for(path: Path, output: str | Path | None, in_place: bool) -> Path:
    if in_place:
        return path
    if output is None:
        raise ValueError("give an output path, or in_place=True")
    target = Path(output)
    if target.exists() and target.resolve() == path.resolve():
        raise ValueError(f"{path}: output would overwrite the input; use in_place=True")
    return target
