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
from mtfix.glossary.compile import CompiledGlossary
from mtfix.glossary.model import (
    Example,
    GlossaryError,
    GlossaryFile,
    RawEntry,
    check_unique_ids,
    parse_toml,
    parse_tsv,
    read_glossary,
)

GLOSSARY_SUFFIXES = (".toml", ".tsv")

__all__ = [
    "Example",
    "Glossary",
    "GlossaryError",
    "GlossaryFile",
    "RawEntry",
    "default_glossary_dir",
    "default_glossary_paths",
    "load_glossaries",
    "read_glossary",
]


class Glossary:
    """A set of glossary files, validated, self-tested and compiled into one matcher.

    ``Glossary.load(paths)`` is what a run uses; ``files`` keeps the raw entries as written,
    ``compiled`` is the matcher (built once).
    """

    def __init__(self, files: Sequence[GlossaryFile], *, run_examples: bool = True) -> None:
        self.files = list(files)
        check_unique_ids(self.files)
        self.compiled = CompiledGlossary([e for f in self.files for e in f.entries])
        if run_examples:
            failures = self.example_failures()
            if failures:
                entry, example, got = failures[0]
                more = f" (and {len(failures) - 1} more failing examples)" if len(failures) > 1 else ""
                culprits = self.example_culprits(entry, example)
                if culprits:
                    raise _blame_error(entry, example, got, culprits, self.compiled, more)
                raise GlossaryError(
                    f"example fails: {example.text!r} should become {example.fixed!r} "
                    f"but becomes {got!r}{more}", path=entry.path, line=entry.line,
                    entry_id=entry.id)

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

        An example passes when the whole glossary turns ``text`` into ``fixed`` and leaves
        ``fixed`` unchanged (so every entry is also checked for idempotence).
        """
        failures = []
        for entry in self.entries:
            for example in entry.examples:
                got = self.fix(example.text)
                if got != example.fixed:
                    failures.append((entry, example, got))
                    continue
                again = self.fix(example.fixed)
                if again != example.fixed:
                    failures.append((entry, Example(example.fixed, example.fixed), again))
        return failures


    def example_culprits(self, entry: RawEntry, example: Example) -> list[RawEntry]:
        """The OTHER entries that make ``entry``'s ``example`` fail, or [] if it is the
        entry's own fault.

        Examples run against the whole set of glossaries, so a user entry that matches too
        much (a regex such as ``(\\w+) and \\1``) breaks a shipped entry's example. Blamed:
        each other entry that fires on the example's text and whose removal alone makes the
        example pass; failing that, all the firing entries from other files, if removing them
        together makes it pass.
        """
        fired: dict[str, RawEntry] = {}
        by_id = {e.id: e for e in self.entries}
        for edit in self.compiled.find_edits(example.text):
            if not edit.flag and edit.rule != entry.id and edit.rule in by_id:
                fired.setdefault(edit.rule, by_id[edit.rule])
        if not fired:
            return []
        singles = [other for other in fired.values() if self._passes_without({other.id}, example)]
        if singles:
            return singles
        foreign = [other for other in fired.values() if other.path != entry.path]
        if foreign and self._passes_without({other.id for other in foreign}, example):
            return foreign
        return []

    def _passes_without(self, left_out: set[str], example: Example) -> bool:
        rest = CompiledGlossary([e for e in self.entries if e.id not in left_out])
        got = apply_edits(example.text, rest.find_edits(example.text))
        return got == example.fixed and apply_edits(got, rest.find_edits(got)) == got


def _blame_error(victim: RawEntry, example: Example, got: str, culprits: Sequence[RawEntry],
                 compiled: CompiledGlossary, more: str) -> GlossaryError:
    """The error for an example broken by other entries: it points at the (first) entry to
    change, says what it matched in whose example, and what to do."""
    culprit = culprits[0]
    matched = [example.text[e.start : e.end] for e in compiled.find_edits(example.text)
               if e.rule == culprit.id]
    also = "".join(f"; {c.where()} [{c.id}] fires there too" for c in culprits[1:])
    shipped = {str(p.resolve()) for p in default_glossary_paths()}
    in_shipped = any(str(Path(e.path).resolve()) in shipped for e in (victim, *culprits)
                     if e.path and not e.path.startswith("<"))
    hint = (", or leave out the shipped glossaries with --no-default-glossaries" if in_shipped
            else "")
    what = f"matches {matched[0]!r} in" if matched else "fires on"
    tsv = Path(culprit.path).suffix.lower() in (".tsv", ".tab", ".txt")  # TSV has no examples
    negative = "" if tsv else (" (a negative example { text = \"...\", fixed = \"...\" } "
                               "keeps it so)")
    return GlossaryError(
        f"{what} the example of {victim.where()} [{victim.id}] and breaks it: "
        f"{example.text!r} should become {example.fixed!r} but becomes {got!r}{more}{also}; "
        f"narrow this entry so it does not match there{negative}" + hint,
        path=culprit.path, line=culprit.line, entry_id=culprit.id)


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
