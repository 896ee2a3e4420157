"""Glossaries: load, validate, self-test and compile.

>>> from mtfix.glossary import Glossary
>>> g = Glossary.from_toml('''
... [[entry]]
... id = "demo.second-class-inspector"
... find = ["second-class inspector", "second-class inspectors"]
... replace = "second-level inspector"
... note = "二级巡视员"
... examples = [{ text = "Second-class inspectors attended.", fixed = "Second-level inspector attended." }]
... ''')
>>> g.fix("the second-class  inspector")
'the second-level inspector'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from mtfix.change import apply_edits
from mtfix.glossary.checks import (
    GlossaryCheckError,
    GlossaryWarning,
    check_glossary_files,
    example_culprits,
    example_failures,
)
from mtfix.glossary.model import (
    Example,
    GlossaryError,
    GlossaryFile,
    RawEntry,
    parse_toml,
    parse_tsv,
    read_glossary,
)
from mtfix.textutil import plural

GLOSSARY_SUFFIXES = (".toml", ".tsv")

__all__ = [
    "Example",
    "Glossary",
    "GlossaryCheckError",
    "GlossaryError",
    "GlossaryFile",
    "GlossaryWarning",
    "RawEntry",
    "default_glossary_dir",
    "default_glossary_paths",
    "load_glossaries",
    "read_glossary",
]


class Glossary:
    """A set of glossary files, validated, self-tested and compiled into one matcher.

    ``Glossary.load(paths)`` is what a run uses; ``files`` keeps the raw entries as written,
    ``compiled`` is the matcher (built once). Each file is checked on its own (its examples run
    with its own entries, see :mod:`mtfix.glossary.checks`); the first problem inside a file
    (or an id used twice) raises :class:`GlossaryError`. What entries of one file do to another file (an entry
    changing another file's example, the same find replaced differently, a replacement
    rewritten) is only reported: ``warnings`` lists it, and the CLI prints it once per run.
    """

    def __init__(self, files: Sequence[GlossaryFile], *, run_examples: bool = True) -> None:
        self.files = list(files)
        check = check_glossary_files(self.files, run_examples=run_examples)
        if check.errors:
            first = check.errors[0]
            more = len(check.errors) - 1
            raise first.with_suffix(
                f" (and {plural(more, 'more problem')}: `mtfix glossary lint` "
                "lists them all)") if more else first
        assert check.compiled is not None and check.matchers is not None
        self.compiled = check.compiled
        self._matchers = check.matchers
        #: interactions between files (:class:`GlossaryWarning`), empty with run_examples=False
        self.warnings: list[GlossaryWarning] = check.warnings

    @classmethod
    def load(cls, paths: Iterable[str | Path], *, run_examples: bool = True) -> Glossary:
        return cls([read_glossary(p) for p in expand_glossary_paths(paths)], run_examples=run_examples)

    @classmethod
    def from_toml(cls, text: str, path: str = "<toml>") -> Glossary:
        return cls([parse_toml(text, path)])

    @classmethod
    def from_tsv(cls, text: str, path: str = "<tsv>") -> Glossary:
        return cls([parse_tsv(text, path)])

    @property
    def entries(self) -> tuple[RawEntry, ...]:
        return self.compiled.entries

    def __len__(self) -> int:
        return len(self.compiled)

    def fix(self, text: str) -> str:
        """Apply this glossary alone to ``text`` (flags are not applied)."""
        return apply_edits(text, self.compiled.find_edits(text))

    def example_failures(self) -> list[tuple[RawEntry, Example, str]]:
        """Every example that fails, as (entry, example, actual result).

        An example passes when its own file turns ``text`` into ``fixed`` and leaves ``fixed``
        unchanged (so every entry is also checked for idempotence); what other files do to
        it is in ``warnings`` instead.
        """
        return [(entry, example, got)
                for _, entry, example, got in example_failures(self._matchers)]

    def example_culprits(self, entry: RawEntry, example: Example) -> list[RawEntry]:
        """The OTHER entries of ``entry``'s file that make its ``example`` fail, or [] if it is
        the entry's own fault."""
        return example_culprits(self._matchers, self._matchers.file_of[entry.id], entry, example)


def default_glossary_dir() -> Path:
    """The shipped glossaries: inside the installed package, or the repository's glossaries/."""
    inside = Path(__file__).resolve().parent.parent / "_glossaries"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent.parent / "glossaries"


def default_glossary_paths() -> list[Path]:
    folder = default_glossary_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in GLOSSARY_SUFFIXES)


def expand_glossary_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a directory stands for the glossary files inside it (sorted).

    A file named twice (e.g. a shipped glossary also passed explicitly) is loaded once.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        path = Path(p)
        found = (sorted(q for q in path.iterdir() if q.suffix in GLOSSARY_SUFFIXES)
                 if path.is_dir() else [path])
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                out.append(file)
    return out


def load_glossaries(paths: Iterable[str | Path] = (), *, defaults: bool = True,
                    run_examples: bool = True) -> Glossary:
    """Load the shipped glossaries (unless ``defaults=False``) plus ``paths``, in that order."""
    all_paths: list[str | Path] = list(default_glossary_paths()) if defaults else []
    all_paths.extend(paths)
    return Glossary.load(all_paths, run_examples=run_examples)
