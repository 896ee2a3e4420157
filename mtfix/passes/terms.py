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
counts as the approved term. What counts as present is generous on purpose, since a flag the
translation does not deserve costs a reviewer's time: any whitespace, hyphen or slash between
the words, the last word singular or plural or possessive ("COVID-19 patients" satisfies
"COVID-19 patient"), the entry's ``accepted`` renderings ("CCTV" for 央视), and the approved
target of any other entry that lists the same source term (新冠疫情 is "the COVID-19
epidemic" or "the COVID-19 pandemic").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import ahocorasick_rs as ac

from mtfix.change import Edit
from mtfix.glossary import Glossary
from mtfix.glossary.compile import expand_finds
from mtfix.glossary.model import RawEntry
from mtfix.glossary.variants import IRREGULAR_PLURALS
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
    needs_source = True  # (find_edits returns nothing without a source)
    wants_original = True  # a target a pass deleted on purpose (a headline's site name) was there

    def __init__(self, entries: Sequence[RawEntry]) -> None:
        self.entries = tuple(entries)
        self._order = {entry.id: i for i, entry in enumerate(self.entries)}
        keys: list[str] = []
        # per automaton key: (entry index, term); index -1 for a ``source_not`` word, which
        # asks for nothing and hides the terms found inside it
        self._owners: list[tuple[int, str]] = []
        for index, entry in enumerate(self.entries):
            for term in entry.source:
                keys.append(fold_case(term))
                self._owners.append((index, term))
            for word in entry.source_not:
                keys.append(fold_case(word))
                self._owners.append((-1, word))
        self._automaton = ac.AhoCorasick(keys) if keys else None
        # per source term: every target any entry listing it approves or accepts (compiled
        # when a source first asks for it: a thousand patterns would cost start-up 0.6 s)
        self._targets: dict[str, list[str]] = {}
        for entry in self.entries:
            wanted = [entry.approved, *entry.accepted] if entry.approved.strip() else []
            for term in entry.source:
                self._targets.setdefault(fold_case(term), []).extend(wanted)

    def __reduce__(self):  # the automaton is rebuilt in worker processes
        return (TermsPass, (self.entries,))

    def rule_order(self) -> dict[str, int]:
        return dict(self._order)

    def state(self) -> str:
        return repr([(e.id, e.source, e.source_not, e.approved, e.accepted, e.find)
                     for e in self.entries])

    def screen(self, text: str) -> list[Span] | None:
        return []  # (screened only where no segment has a source: then it finds nothing)

    def find_edits(self, text: str, protected: Sequence[Span] = (), *,
                   source: str | None = None, original: str | None = None) -> list[Edit]:
        if not source or self._automaton is None:
            return []
        folded_source = fold_case(source)
        asked: dict[int, str] = {}  # entry index -> the source term found
        for key in self._outermost(folded_source):
            index, term = self._owners[key]
            if index >= 0:
                asked.setdefault(index, term)
        if not asked:
            return []
        folded = fold_case(text)
        folded_original = fold_case(original) if original and original != text else ""
        edits = []
        for index, term in sorted(asked.items()):
            entry = self.entries[index]
            # A deletion (an empty target) asks for nothing to be there: the glossary pass has
            # already removed or flagged its garble, and the source term alone proves nothing.
            if not entry.approved.strip():
                continue
            targets = map(_target_pattern, self._targets[fold_case(term)])
            if any(t.search(folded) or (folded_original and t.search(folded_original))
                   for t in targets):
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


#: quotes around a target term ('"Children's Day"') are the entry's typography, not the term
_QUOTES = " \t\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
_JOINERS = r"[\s\-\u2010\u2011\u2013/]+"


@functools.lru_cache(maxsize=4096)
def _target_pattern(target: str) -> re.Pattern[str]:
    """A target term as it may stand in a translation that has it: any whitespace, hyphen or
    slash between its words, and its last word singular, plural or possessive."""
    words = re.split(r"[\s\-\u2010\u2011\u2013/]+", fold_case(target).strip(_QUOTES))
    *head, last = words
    body = _JOINERS.join([*(re.escape(w) for w in head), _word_forms(last)])
    start = r"(?<!\w)" if is_word_char(target.strip(_QUOTES)[0]) else ""
    return re.compile(start + body + r"(?:['\u2019]s?)?(?!\w)")


def _word_forms(word: str) -> str:
    """``word`` or its plural or singular, as a pattern ("patient" / "patients", "person" /
    "people", "zone" / "zones", "box" / "boxes")."""
    forms = {word}
    if word.endswith(_ES_STEMS):
        forms.add(word + "es")
    if not word.endswith(_SIBILANTS):
        forms.add(word + "s")
    if word.endswith("y") and len(word) > 2:
        forms.add(word[:-1] + "ies")
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    for singular, plural in IRREGULAR_PLURALS.items():
        if word in (singular, plural):
            forms.update((singular, plural))
    if word.endswith("s") and len(word) > 3:
        forms.add(word[:-1])
        if word.endswith("es") and word[:-2].endswith(_ES_STEMS):
            forms.add(word[:-2])
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"


#: endings whose plural takes "-es" ("boxes", "patches", "heroes"); the sibilants take only that
_SIBILANTS = ("s", "x", "z", "ch", "sh")
_ES_STEMS = (*_SIBILANTS, "o")


def _flag(entry: RawEntry, term: str, text: str, folded: str) -> Edit | None:
    """The flag for a missing approved target: on a garble the entry lists, proposing the
    approved term, else on the whole unit without a proposal. ``None`` where the glossary
    pass flags that garble already (a ``flag = true`` entry): one flag, not two."""
    note = f"source term {term!r} asks for {entry.approved!r}, which the translation lacks"
    # A garble found here as plain words may fail the entry's neighbour conditions (the
    # glossary pass knew better and left it), so such an entry flags the unit without a place.
    conditional = entry.before or entry.after or entry.not_before or entry.not_after
    if entry.match in ("phrase", "exact") and not conditional:
        for garble in expand_finds(entry):
            found = _phrase_pattern(garble).search(folded)
            if found is not None:
                if entry.flag:
                    return None
                start, end = found.span()
                proposal = follow_case(text[start:end], entry.approved)
                return Edit(start, end, proposal, entry.id, note, flag=True)
    return Edit(0, len(text), None, entry.id, note, flag=True)
