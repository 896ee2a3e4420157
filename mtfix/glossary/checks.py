"""The checks a set of glossary files passes when it loads: the one code path behind
``mtfix fix``, ``mtfix glossary lint`` and ``mtfix glossary learn``.

Each file is checked **on its own** (its entries compiled together, its own overlap policy);
what goes wrong inside one file stops the run:

errors (:class:`GlossaryCheckError`; a load raises the first)
    ``duplicate-id`` two entries share an id (ids name every change in every report)
    ``schema``       an entry the matcher cannot compile (e.g. a ``find`` that is only spaces)
    ``regex``        a regex that does not compile, or could backtrack catastrophically
    ``example``      an example that its own file does not turn into ``fixed``, or whose
                     ``fixed`` its own file changes again (a second run would)

What one file does to another file's examples is reported and the run goes on, because the
files are usually owned by different people (the shipped glossaries and a team's own); so is
what is inferred from find strings and replacements rather than shown by an example:

warnings (:class:`GlossaryWarning`; ``Glossary.warnings``, printed once by ``mtfix fix``)
    ``interaction``  the run with all files does not give another file's example its
                     expected result, and an entry of this file makes the difference (an
                     entry firing inside the example with the same result is no interaction)
    ``conflict``     the same ``find`` in two entries with different replacements: only the
                     one loaded first ever fires on it
    ``chain``        an entry rewrites another entry's replacement (a second run would change
                     the text again)
    ``cycle``        replacements rewrite each other in a loop (in one file)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mtfix.change import Edit, apply_edits
from mtfix.glossary.compile import CompiledGlossary, expand_finds
from mtfix.glossary.matchview import fold_bytes
from mtfix.glossary.model import Example, GlossaryError, GlossaryFile, RawEntry
from mtfix.textutil import normalize_key

_TEMPLATE_REF_RE = re.compile(r"\\(?:\d|g<)")
#: failing examples whose culprit is looked for (each costs compiles); the rest say only
#: that they fail, which is enough to find them with ``mtfix glossary test``
_BLAMED_FAILURES = 10
NARROW = ("narrow one of them (`context`, `not_before`/`not_after`; a negative example keeps it "
          "so) if that is wrong")


class GlossaryCheckError(GlossaryError):
    """A load error, with the check that found it (``code``) so that lint can name it."""

    def __init__(self, message: str, *, code: str = "error", path: str = "",
                 line: int | None = None, entry_id: str | None = None) -> None:
        super().__init__(message, path=path, line=line, entry_id=entry_id)
        self.code = code
        self.message = message

    def with_suffix(self, suffix: str) -> GlossaryCheckError:
        """The same error with ``suffix`` added to its message (e.g. how many more there are)."""
        return GlossaryCheckError(self.message + suffix, code=self.code, path=self.path,
                                  line=self.line, entry_id=self.entry_id)


@dataclass(frozen=True, slots=True)
class GlossaryWarning:
    """Entries that interact: the run goes on, the user is told once.

    ``entry`` is the entry the message is about: the one that fires in another file's example
    (``interaction``) or rewrites another file's replacement (``chain`` across files), the one
    that never fires (``conflict``), the one whose replacement is rewritten (``chain``,
    ``cycle`` in one file). ``other`` is the entry it meets; ``message`` says what happens and
    names it with file:line, ``hint`` what to do, so ``str()`` is one readable line.
    """

    code: str
    message: str
    entry: RawEntry
    other: RawEntry
    hint: str = ""
    text: str = ""  # interaction: the example text the run changed, and what it became
    got: str = ""

    @property
    def path(self) -> str:
        return self.entry.path

    @property
    def line(self) -> int | None:
        return self.entry.line

    @property
    def entry_id(self) -> str:
        return self.entry.id

    @property
    def advice(self) -> str:
        """The message and the hint, as lint shows them."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def __str__(self) -> str:
        return f"{self.entry.where()} [{self.entry.id}] {self.advice}"


@dataclass(slots=True)
class GlossaryCheck:
    """What :func:`check_glossary_files` found, and the merged matcher of the usable entries."""

    errors: list[GlossaryCheckError] = field(default_factory=list)
    warnings: list[GlossaryWarning] = field(default_factory=list)
    compiled: CompiledGlossary | None = None
    matchers: FileMatchers | None = None


def check_glossary_files(files: Sequence[GlossaryFile], *, run_examples: bool = True
                         ) -> GlossaryCheck:
    """Check glossary files as a run loads them (in order, shipped ones first).

    Every error is collected (lint lists them all; a load raises the first). Entries that
    cannot be used (a duplicate id, a pattern that does not compile) are left out of the later
    checks. ``run_examples=False`` only reads ids and compiles (no examples, conflicts, chains
    or interactions): for tools that run the examples themselves and for random test sets.
    """
    check = GlossaryCheck()
    usable = _unique(files, check.errors)
    check.compiled, usable = _compile(usable, check.errors)
    check.matchers = FileMatchers(usable, check.compiled)
    if run_examples:
        _check_examples(check.matchers, check)
        _check_conflicts(check.matchers, check)
        _check_chains(check.matchers, check)
    return check


def _unique(files: Sequence[GlossaryFile], errors: list[GlossaryCheckError]) -> list[GlossaryFile]:
    """The files without entries whose id was already used (each one an error)."""
    seen: dict[str, RawEntry] = {}
    out = []
    for glossary in files:
        kept = []
        for entry in glossary.entries:
            first = seen.get(entry.id)
            if first is not None:
                errors.append(GlossaryCheckError(
                    f"duplicate id (first defined at {first.where()}); give each entry its own "
                    "id (ids appear in every report)", code="duplicate-id", path=entry.path,
                    line=entry.line, entry_id=entry.id))
                continue
            seen[entry.id] = entry
            kept.append(entry)
        out.append(GlossaryFile(glossary.path, kept, glossary.meta))
    return out


def _compile(files: list[GlossaryFile], errors: list[GlossaryCheckError]
             ) -> tuple[CompiledGlossary, list[GlossaryFile]]:
    """The merged matcher; if it cannot be built, each entry is compiled alone to name every
    entry that fails (an error each), and the rest are compiled without them."""
    entries = [e for f in files for e in f.entries]
    try:
        return CompiledGlossary(entries), files
    except GlossaryError:
        pass
    bad: set[str] = set()
    for entry in entries:
        try:
            CompiledGlossary([entry])
        except GlossaryError as exc:
            bad.add(entry.id)
            text = str(exc)
            message = text[text.find(": ") + 2:] if exc.path and ": " in text else text
            errors.append(GlossaryCheckError(
                message, code="regex" if entry.match == "regex" else "schema",
                path=exc.path or entry.path, line=exc.line or entry.line, entry_id=entry.id))
    files = [GlossaryFile(f.path, [e for e in f.entries if e.id not in bad], f.meta)
             for f in files]
    return CompiledGlossary([e for f in files for e in f.entries]), files


class FileMatchers:
    """Each file's own matcher (its entries compiled together) beside the merged one.

    An entry is tested with its own file: what another file does to its example is an
    interaction, not its failure. A file's own matcher is compiled only when needed: where
    every edit the merged matcher keeps on a text comes from one file, that file alone keeps
    exactly those edits (the overlap selection is greedy, so the other files' candidates,
    which all lost, changed nothing), and the merged matcher answers for it.
    """

    def __init__(self, files: Sequence[GlossaryFile], merged: CompiledGlossary) -> None:
        self.files = list(files)
        self.merged = merged
        self.file_of = {e.id: i for i, f in enumerate(self.files) for e in f.entries}
        self._own: dict[int, CompiledGlossary] = {}

    def __getstate__(self) -> dict:  # a pickled run (worker processes) needs no own matchers
        return {**self.__dict__, "_own": {}}

    def own(self, index: int) -> CompiledGlossary:
        """The matcher of file ``index`` alone (built on first use)."""
        if len(self.files) == 1:
            return self.merged
        if index not in self._own:
            self._own[index] = CompiledGlossary(self.files[index].entries)
        return self._own[index]

    def own_edits(self, index: int, text: str, *, settle: bool = True) -> list[Edit]:
        """The edits file ``index`` alone makes on ``text`` (``settle``: see
        ``CompiledGlossary.find_edits``)."""
        rewriters: set[str] = set()  # (a change another file rewrote is not this file's)
        edits = self.merged.find_edits(text, rewriters=rewriters, settle=settle)
        if all(self.file_of.get(e.rule) == index for e in edits) and all(
                self.file_of.get(rule) == index for rule in rewriters):
            return edits
        return self.own(index).find_edits(text, settle=settle)

    def own_fix(self, index: int, text: str) -> str:
        return apply_edits(text, self.own_edits(index, text))

    def entry(self, entry_id: str) -> RawEntry:
        return self.merged.entries[self.merged.order[entry_id]]


# -- examples ------------------------------------------------------------------------------------
def example_failures(matchers: FileMatchers) -> list[tuple[int, RawEntry, Example, str]]:
    """Every example its own file fails, as (file index, entry, example, what it gave).

    An example passes when its file turns ``text`` into ``fixed`` and leaves ``fixed`` as it
    is (so every entry is also checked for a second-run change). A failing second run is
    reported as the example ``fixed -> fixed``.
    """
    failures = []
    for index, glossary in enumerate(matchers.files):
        for entry in glossary.entries:
            for example in entry.examples:
                got = matchers.own_fix(index, example.text)
                if got != example.fixed:
                    failures.append((index, entry, example, got))
                    continue
                again = matchers.own_fix(index, example.fixed)
                if again != example.fixed:
                    failures.append((index, entry, Example(example.fixed, example.fixed), again))
    return failures


def _check_examples(matchers: FileMatchers, check: GlossaryCheck) -> None:
    failures = example_failures(matchers)
    failed = {entry.id for _, entry, _, _ in failures}  # what they do to others is moot
    for n, (index, entry, example, got) in enumerate(failures):
        check.errors.append(example_error(matchers, index, entry, example, got,
                                          blame=n < _BLAMED_FAILURES))
    seen: set[tuple[str, str]] = set()
    for index, glossary in enumerate(matchers.files):
        for entry in glossary.entries:
            if entry.id in failed:
                continue
            for example in entry.examples:
                for warning in interaction(matchers, index, entry, example):
                    if (warning.entry.id, entry.id) not in seen:
                        seen.add((warning.entry.id, entry.id))
                        check.warnings.append(warning)


def example_error(matchers: FileMatchers, index: int, entry: RawEntry, example: Example,
                  got: str, *, blame: bool = True) -> GlossaryCheckError:
    """The error for a failing example: it names the entry of the same file that breaks it
    when there is one (and what it matched), else the entry itself."""
    culprits = example_culprits(matchers, index, entry, example) if blame else []
    if culprits:
        return _blame_error(matchers, index, entry, example, got, culprits)
    return GlossaryCheckError(
        f"example fails: {_outcome(entry, example, got)}; fix the entry or its example "
        "(`mtfix glossary test` lists every failing example)", code="example", path=entry.path,
        line=entry.line, entry_id=entry.id)


def _outcome(entry: RawEntry, example: Example, got: str) -> str:
    """What went wrong with ``example``: its text did not become its fixed text, or (an
    example ``example_failures`` made of a fixed text) a second run changed the fixed text."""
    if example.is_negative and example not in entry.examples:
        return f"a second run changes its fixed text again: {example.fixed!r} becomes {got!r}"
    return f"{example.text!r} should become {example.fixed!r} but becomes {got!r}"


def example_culprits(matchers: FileMatchers, index: int, entry: RawEntry,
                     example: Example) -> list[RawEntry]:
    """The OTHER entries of the same file that make ``entry``'s ``example`` fail, or [] if it
    is the entry's own fault.

    Blamed: each other entry that fires on the example's text and whose removal alone makes
    the example pass; failing that, all of them, if removing them together makes it pass.
    """
    fired: dict[str, RawEntry] = {}
    for edit in matchers.own_edits(index, example.text):
        if not edit.flag and edit.rule != entry.id:
            fired.setdefault(edit.rule, matchers.entry(edit.rule))
    if not fired:
        return []
    own = matchers.files[index].entries
    singles = [other for other in fired.values() if _passes_without(own, {other.id}, example)]
    if singles:
        return singles
    if len(fired) > 1 and _passes_without(own, set(fired), example):
        return list(fired.values())
    return []


def _passes_without(entries: Sequence[RawEntry], left_out: set[str], example: Example) -> bool:
    rest = CompiledGlossary([e for e in entries if e.id not in left_out])
    got = apply_edits(example.text, rest.find_edits(example.text))
    return got == example.fixed and apply_edits(got, rest.find_edits(got)) == got


def _blame_error(matchers: FileMatchers, index: int, victim: RawEntry, example: Example,
                 got: str, culprits: Sequence[RawEntry]) -> GlossaryCheckError:
    """The error for an example broken by other entries of its file: it points at the
    (first) entry to change, says what it matched in whose example, and what to do."""
    culprit = culprits[0]
    matched = [example.text[e.start : e.end] for e in matchers.own_edits(index, example.text)
               if e.rule == culprit.id]
    also = "".join(f"; {c.where()} [{c.id}] fires there too" for c in culprits[1:])
    what = f"matches {matched[0]!r} in" if matched else "fires on"
    tsv = culprit.path.lower().endswith((".tsv", ".tab", ".txt"))  # TSV has no examples
    negative = "" if tsv else (" (a negative example { text = \"...\", fixed = \"...\" } "
                               "keeps it so)")
    return GlossaryCheckError(
        f"{what} the example of {victim.where()} [{victim.id}] and breaks it: "
        f"{_outcome(victim, example, got)}{also}; "
        f"narrow this entry so it does not match there{negative}, or change that example",
        code="example", path=culprit.path, line=culprit.line, entry_id=culprit.id)


def interaction(matchers: FileMatchers, index: int, entry: RawEntry,
                example: Example) -> list[GlossaryWarning]:
    """The warnings when the run with all files does not give ``entry``'s (passing) example
    its expected result: one per entry of another file whose edit makes a difference.

    Judged by outcome, not mechanism: an entry of another file that fires inside the example
    but gives the words there the same result as the example's own file (a longer find with
    the same replacement) changes nothing the example shows, and is not reported."""
    for text in dict.fromkeys((example.text, example.fixed)):
        # (each change as its own entry writes it, to blame the right one; a chain shows in
        # the second run over the fixed text, as the run settles it)
        edits = matchers.merged.find_edits(text, settle=False)
        got = apply_edits(text, edits)
        if got == example.fixed:
            continue
        own = [] if text == example.fixed else matchers.own_edits(index, text, settle=False)
        culprits: dict[str, Edit] = {}
        for edit in _differing_foreign_edits(matchers, index, text, edits, own):
            culprits.setdefault(edit.rule, edit)
        where = "" if text == example.text else " (on a second run over its fixed text)"
        return [GlossaryWarning(
            "interaction",
            f"changes the example of {entry.where()} [{entry.id}]{where}: "
            f"{_what(text, edit)}, so the run {_difference(example.fixed, got)}",
            matchers.entry(rule), entry, NARROW, text, got)
            for rule, edit in culprits.items()]
    return []


def _differing_foreign_edits(matchers: FileMatchers, index: int, text: str,
                             merged: Sequence[Edit], own: Sequence[Edit]) -> list[Edit]:
    """The other files' changing edits in the stretches of ``text`` where the run with all
    files (``merged``) and the example's own file (``own``) give different results.

    Edits of both lists that overlap (or touch the same words) form one stretch; a stretch is
    compared as each list rewrites it. A stretch that differs holds a foreign edit (else both
    lists hold the same edits there): it is blamed, also one that keeps its words as they are
    (it takes them from the example's own entry)."""
    tagged = sorted([(e.start, e.end, 0, e) for e in merged if not e.flag]
                    + [(e.start, e.end, 1, e) for e in own if not e.flag],
                    key=lambda x: (x[0], x[1]))
    out: list[Edit] = []
    group: list[tuple[int, int, int, Edit]] = []
    group_end = -1

    def close() -> None:
        if not group:
            return
        start, end = group[0][0], max(g[1] for g in group)
        sides = [[_shifted(e, start) for _s, _e, side, e in group if side == wanted]
                 for wanted in (0, 1)]
        piece = text[start:end]
        if apply_edits(piece, sides[0]) != apply_edits(piece, sides[1]):
            out.extend(e for _s, _e, side, e in group if side == 0
                       and matchers.file_of.get(e.rule) != index)
    for item in tagged:
        if group and item[0] >= group_end:
            close()
            group = []
        group.append(item)
        group_end = max(group_end, item[1]) if len(group) > 1 else item[1]
    close()
    return out


def _what(text: str, edit: Edit) -> str:
    matched = text[edit.start : edit.end]
    if edit.after == matched:
        return f"it matches {matched!r} and keeps it as it is"
    return f"{matched!r} became {edit.after!r}"


def _shifted(edit: Edit, offset: int) -> Edit:
    return Edit(edit.start - offset, edit.end - offset, edit.after, edit.rule, edit.note,
                edit.score, edit.flag)


def _difference(expected: str, got: str) -> str:
    """'gives GOT where the example expects EXPECTED', the texts cut to where they differ
    (with a few characters around) when they are long."""
    if len(expected) <= 100 and len(got) <= 100:
        return f"gives {got!r} where the example expects {expected!r}"
    head = 0
    while head < min(len(expected), len(got)) and expected[head] == got[head]:
        head += 1
    tail = 0
    while tail < min(len(expected), len(got)) - head and \
            expected[len(expected) - 1 - tail] == got[len(got) - 1 - tail]:
        tail += 1
    start = max(0, head - 20)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - tail + 20)
        return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")
    return f"gives {cut(got)!r} where the example expects {cut(expected)!r}"


# -- finds and replacements ------------------------------------------------------------------------
def find_key(entry: RawEntry, find: str) -> str | bytes:
    """The form the matcher compares (the automaton's folding); case-bound keys (exact,
    ``case = "sensitive"``) as written: "Deputy Governor" and "deputy governor" never meet."""
    if entry.match == "exact" or entry.case == "sensitive":
        return find
    return fold_bytes(normalize_key(find))


def comparable_finds(entry: RawEntry) -> list[str]:
    """The phrases of an entry that another entry's finds could be the same as: its finds
    with ``{a|b}`` alternatives written out; none for an entry that fires only next to given
    words or on furniture lines (another entry with the same find and other conditions fires
    where it does not) or that is not a phrase entry."""
    if entry.match not in ("phrase", "exact") or entry.before or entry.after \
            or entry.not_before or entry.not_after or entry.line_mode:
        return []
    return expand_finds(entry)


def _check_conflicts(matchers: FileMatchers, check: GlossaryCheck) -> None:
    """The same find with another replacement: only the entry loaded first ever fires on it."""
    first: dict[str | bytes, RawEntry] = {}
    for glossary in matchers.files:
        for entry in glossary.entries:
            for find in comparable_finds(entry):
                other = first.setdefault(find_key(entry, find), entry)
                if other is entry or other.replace == entry.replace:
                    continue  # the same replacement twice is lint's duplicate-find warning
                if other.path == entry.path:
                    message = (f"find {find!r} is also in {other.id} ({other.where()}) with "
                               f"another replacement ({other.replace!r} vs {entry.replace!r}); "
                               "only the first fires")
                    hint = "keep one"
                else:
                    message = (f"finds {find!r} like {other.where()} [{other.id}] but replaces "
                               f"it with {entry.replace!r}, not {other.replace!r}: the entry "
                               "loaded first wins, so this one never fires on it")
                    hint = "keep one, or narrow one of them"
                check.warnings.append(GlossaryWarning("conflict", message, entry, other, hint))


def _rewriters(edits: Sequence[Edit], text: str) -> list[Edit]:
    """The edits that change ``text`` (flags change nothing)."""
    return [e for e in edits
            if not e.flag and e.after is not None and e.after != text[e.start : e.end]]


def _check_chains(matchers: FileMatchers, check: GlossaryCheck) -> None:
    """Replacements that an entry rewrites: the run rewrites them at once (see
    ``mtfix/glossary/fixpoint.py``), unless they rewrite each other in a loop.

    In one file: ``chain`` (on the entry whose replacement is rewritten) or ``cycle``; across
    files: ``chain`` on the entry that rewrites. (An example that shows it fails, an error.)
    """
    graphs: list[dict[str, list[str]]] = [{} for _ in matchers.files]
    reported: set[tuple[str, str]] = set()
    for index, glossary in enumerate(matchers.files):
        for entry in glossary.entries:
            replace = entry.replace
            if not replace.strip() or entry.flag or (
                    entry.match == "regex" and _TEMPLATE_REF_RE.search(replace)):
                continue  # a template is no text; the examples' second-run check covers it
            own = _rewriters(matchers.own_edits(index, replace), replace)
            graphs[index][entry.id] = list(dict.fromkeys(e.rule for e in own))
            for edit in _rewriters(matchers.merged.find_edits(replace), replace):
                culprit = matchers.entry(edit.rule)
                if matchers.file_of[culprit.id] == index or (culprit.id, entry.id) in reported:
                    continue
                reported.add((culprit.id, entry.id))
                check.warnings.append(GlossaryWarning(
                    "chain",
                    f"rewrites the replacement of {entry.where()} [{entry.id}]: "
                    f"{replace[edit.start : edit.end]!r} became {edit.after!r}; the run "
                    f"writes both at once (the change keeps {entry.id}, its note names the "
                    "rewriter)", culprit, entry, NARROW))
    for index, graph in enumerate(graphs):
        check.warnings.extend(_chain_warnings(matchers, graph, matchers.files[index]))


def _chain_warnings(matchers: FileMatchers, graph: dict[str, list[str]],
                    glossary: GlossaryFile) -> list[GlossaryWarning]:
    warnings = []
    reported_cycles: set[frozenset[str]] = set()
    for entry in glossary.entries:
        for target in graph.get(entry.id, ()):
            other = matchers.entry(target)
            cycle = _path(graph, target, entry.id)
            if cycle is not None:
                members = frozenset([entry.id, *cycle])
                if members in reported_cycles:
                    continue
                reported_cycles.add(members)
                loop = " -> ".join([entry.id, *cycle]) if cycle else f"{entry.id} -> {entry.id}"
                warnings.append(GlossaryWarning(
                    "cycle", f"replacements rewrite each other in a loop: {loop}; every run "
                    "changes the text again", entry, other,
                    "write each replacement in its final form"))
            else:
                warnings.append(GlossaryWarning(
                    "chain", f"replacement {entry.replace!r} is rewritten by {target} "
                    f"({other.where()}); the run writes both at once", entry,
                    other, "write the final form"))
    return warnings


def _path(graph: dict[str, list[str]], source: str, goal: str) -> list[str] | None:
    """The entries from ``source`` to ``goal`` along rewrite edges (``[]`` if source is goal)."""
    if source == goal:
        return []
    stack = [(source, [source])]
    seen = {source}
    while stack:
        node, trail = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == goal:
                return [*trail, goal]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None
