"""The terms check: bilingual glossary entries, checked against the unit's source text.

A glossary entry may carry ``source`` terms (``source = ["二级巡视员"]``). Where a unit has a
source side (PO ``msgid``, XLIFF ``<source>``, the source ``<tuv>`` of TMX, or the line of a
``--source`` file), an entry whose source term occurs in the unit's source and whose approved
target (``target``, else ``replace``) is missing from the translation raises a **flag** — the
check translators know from Xbench or memoQ QA. The flag's ``rule`` is the entry id and its
note says which source term asked for which target. Where one of the entry's ``find`` garbles
is in the translation, the flag sits on it and proposes the approved term; otherwise it covers
the whole unit, without a proposal. Nothing is applied: a reviewer decides.

The check runs after the glossary and rules passes, so a garble the glossary already fixed
counts as the approved term.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import ahocorasick_rs as ac

from mtfix.change import Edit
from mtfix.glossary import Glossary
from mtfix.glossary.model import RawEntry
from mtfix.passes.base import BasePass
from mtfix.spans import Span
from mtfix.textutil import fold_case, follow_case, is_word_char

_CJK_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]")
_SPACES_RE = re.compile(r"\s+")


def bilingual_entries(glossary: Glossary) -> list[RawEntry]:
    """The entries that carry source terms (those the terms check uses)."""
    return [entry for entry in glossary.entries if entry.source]


class TermsPass(BasePass):
    """Flags units whose source holds an entry's source term but whose translation lacks the
    entry's approved target (see the module doc)."""

    name = "terms"
    wants_source = True

    def __init__(self, entries: Sequence[RawEntry]) -> None:
        self.entries = tuple(entries)
        self._order = {entry.id: i for i, entry in enumerate(self.entries)}
        keys: list[str] = []
        self._owners: list[tuple[int, str]] = []  # per automaton key: (entry index, term)
        for index, entry in enumerate(self.entries):
            for term in entry.source:
                keys.append(fold_case(term))
                self._owners.append((index, term))
        self._automaton = ac.AhoCorasick(keys) if keys else None

    def __reduce__(self):  # the automaton is rebuilt in worker processes
        return (TermsPass, (self.entries,))

    def rule_order(self) -> dict[str, int]:
        return dict(self._order)

    def state(self) -> str:
        return repr([(e.id, e.source, e.approved, e.find) for e in self.entries])

    def screen(self, text: str) -> list[Span] | None:
        return []  # (screened only where no segment has a source: then it finds nothing)

    def find_edits(self, text: str, protected: Sequence[Span] = (), *,
                   source: str | None = None) -> list[Edit]:
        if not source or self._automaton is None:
            return []
        folded_source = fold_case(source)
        asked: dict[int, str] = {}  # entry index -> the source term found
        for key in self._outermost(folded_source):
            index, term = self._owners[key]
            asked.setdefault(index, term)
        if not asked:
            return []
        folded = fold_case(text)
        edits = []
        for index, term in sorted(asked.items()):
            entry = self.entries[index]
            # A deletion (an empty target) asks for nothing to be there: the glossary pass has
            # already removed or flagged its garble, and the source term alone proves nothing.
            if not entry.approved.strip() or _has_phrase(folded, entry.approved):
                continue
            flag = _flag(entry, term, text, folded)
            if flag is not None:
                edits.append(flag)
        return edits

    def _outermost(self, folded_source: str) -> list[int]:
        """The keys of the source terms found, leaving out a term that lies inside a longer
        one found: 美国证监会 (the US SEC) holds 证监会 (the CSRC), and only the US SEC is
        asked for, as the glossary pass prefers the longest match."""
        found = [(key, start, end) for key, start, end in
                 self._automaton.find_matches_as_indexes(folded_source, overlapping=True)
                 if _whole_term(folded_source, start, end, self._owners[key][1])]
        return [key for key, start, end in found
                if not any(s <= start and end <= e and e - s > end - start
                           for _, s, e in found)]


def _whole_term(folded: str, start: int, end: int, term: str) -> bool:
    """A source term in Chinese, Japanese or Korean script matches anywhere (no spaces
    between words); any other must stand as whole words."""
    if _CJK_RE.search(term):
        return True
    before = folded[start - 1] if start else " "
    after = folded[end] if end < len(folded) else " "
    return not is_word_char(before) and not is_word_char(after)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` (case-folded) as a whole-word pattern in which any whitespace matches."""
    words = [re.escape(w) for w in fold_case(phrase).split()]
    body = r"\s+".join(words)
    head = r"(?<!\w)" if phrase[:1] and is_word_char(phrase[0]) else ""
    tail = r"(?!\w)" if phrase[-1:] and is_word_char(phrase[-1]) else ""
    return re.compile(head + body + tail)


def _has_phrase(folded_text: str, phrase: str) -> bool:
    return bool(phrase.strip()) and _phrase_pattern(phrase).search(folded_text) is not None


def _flag(entry: RawEntry, term: str, text: str, folded: str) -> Edit | None:
    """The flag for a missing approved target: on a garble the entry lists, proposing the
    approved term, else on the whole unit without a proposal. ``None`` where the glossary
    pass flags that garble already (a ``flag = true`` entry): one flag, not two."""
    note = f"source term {term!r} asks for {entry.approved!r}, which the translation lacks"
    if entry.match in ("phrase", "exact"):
        for garble in entry.find:
            found = _phrase_pattern(garble).search(folded) if "{" not in garble else None
            if found is not None:
                if entry.flag:
                    return None
                start, end = found.span()
                proposal = follow_case(text[start:end], entry.approved)
                return Edit(start, end, proposal, entry.id, note, flag=True)
    return Edit(0, len(text), None, entry.id, note, flag=True)
