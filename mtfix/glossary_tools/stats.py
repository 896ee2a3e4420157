"""How a glossary behaves on a corpus: which entries fire, which never do, which are slow.

Counting uses the real matcher over each corpus file (so the overlap policy is the one a run
applies). Timing: all phrase/exact keys share ONE automaton, so their cost is reported as one
line; regex and fuzzy entries are timed one by one (each compiled alone, run over the corpus),
since those are the entries that can be slow.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtfix.fileio import InputError, read_text
from mtfix.glossary import Glossary
from mtfix.glossary.compile import CompiledGlossary
from mtfix.glossary.model import RawEntry
from mtfix.textutil import plural

CORPUS_SUFFIXES = (".txt", ".md", ".mt", ".pe", ".en", ".text")


@dataclass(slots=True)
class GlossaryStats:
    entries: tuple[RawEntry, ...]
    fires: Counter[str] = field(default_factory=Counter)  # entry id -> changes (and flags)
    files: int = 0
    chars: int = 0
    unreadable: list[str] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)  # (what, seconds), slowest first

    @property
    def never_fired(self) -> list[RawEntry]:
        return [e for e in self.entries if not self.fires[e.id]]


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories are searched recursively for text files."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(q for q in path.rglob("*") if q.is_file()
                              and (q.suffix.lower() in CORPUS_SUFFIXES or not q.suffix)))
        else:
            out.append(path)
    return out


def glossary_stats(glossary: Glossary, corpus: Sequence[str | Path], *,
                   time_entries: bool = True) -> GlossaryStats:
    """Fire counts of every entry of ``glossary`` over the ``corpus`` files, and timings."""
    stats = GlossaryStats(glossary.entries)
    texts: list[str] = []
    for path in corpus_files(corpus):
        try:
            texts.append(read_text(path))
        except InputError as exc:
            stats.unreadable.append(str(exc))
    stats.files = len(texts)
    stats.chars = sum(len(t) for t in texts)
    for text in texts:
        for edit in glossary.compiled.find_edits(text):
            stats.fires[edit.rule] += 1
    if time_entries:
        stats.timings = _timings(glossary.entries, texts)
    return stats


def _timings(entries: Sequence[RawEntry], texts: Sequence[str]) -> list[tuple[str, float]]:
    timings: list[tuple[str, float]] = []
    phrases = [e for e in entries if e.match in ("phrase", "exact")]
    if phrases:
        compiled = CompiledGlossary(phrases)
        keys = sum(len(e.find) for e in phrases)
        timings.append((f"(phrase automaton: {plural(len(phrases), 'entry')}, {plural(keys, 'key')})",
                        _run(compiled, texts)))
    for entry in entries:
        if entry.match in ("regex", "fuzzy"):
            timings.append((entry.id, _run(CompiledGlossary([entry]), texts)))
    timings.sort(key=lambda t: -t[1])
    return timings


def _run(compiled: CompiledGlossary, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        compiled.find_edits(text)
    return time.perf_counter() - started
