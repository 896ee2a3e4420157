"""Compile raw glossary entries into one matcher, and run it.

* All ``phrase`` and ``exact`` keys go into ONE Aho-Corasick automaton (ahocorasick-rs, over
  the UTF-8 bytes of a case- and whitespace-folded view of the text; see ``matchview``). The
  automaton runs leftmost-longest; candidates are then checked for word boundaries (done here,
  not with ``\\b``, so keys ending in punctuation such as "approx." work) and, for ``exact``
  keys, for the exact original spelling.
* A candidate that fails a check may hide a shorter or later valid match that the
  non-overlapping scan skipped. Only then is that paragraph rescanned, every occurrence
  enumerated with the same automaton, so the fast path stays fast and the result is always
  what the policy says.
* ``regex`` entries are compiled ``re`` patterns run over the original text, each only where
  a literal it requires occurs (``regexcheck.regex_triggers``/``regex_reach``); those that
  RE2 can run with identical results run on RE2, in linear time (``re2route``).

Overlap policy (one, everywhere; docs/design.md): leftmost match wins, then the longest, then
the entry that comes first (file order, files in load order). Changes compete only with changes
and flags only with flags: flag entries are compiled into a matcher of their own, and a flag
lying wholly inside a kept change is dropped (``select_non_overlapping``). Where a change may
make another match, the changed places are searched again, so that one run reaches the text a
second run would leave (``fixpoint.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick_rs as ac
import numpy as np

from mtfix.change import START_END, Edit, select_non_overlapping
from mtfix.glossary.fixpoint import to_fixpoint
from mtfix.glossary.lines import deletion_span, phrases_regex
from mtfix.glossary.matchview import BYTE_WORD_KIND, MatchView, fold_bytes
from mtfix.glossary.model import (
    MAX_VARIANTS,
    NEIGHBOUR_KEYS,
    GlossaryError,
    RawEntry,
    pickled_as_tuple,
)
from mtfix.glossary.neighbours import ends_before, neighbour_regex, starts_after, word_pattern
from mtfix.glossary.re2route import (
    Re2Pattern,
    for_re2,
    has_template_refs,
    linear_pattern,
    relaxed_pattern,
)
from mtfix.glossary.regexcheck import (
    SPECIAL_FOLD_CHARS,
    SPECIAL_FOLD_TABLE,
    check_python_regex,
    check_regex,
    regex_marks,
    regex_reach,
    regex_triggers,
    windowed_finditer,
)
from mtfix.glossary.variants import (
    BRACE_ESCAPES,
    PLURAL_FORMS,
    can_inflect,
    count_alternatives,
    expand_alternatives,
    has_alternatives,
    inflect,
    quote_variants,
    separator_positions,
    separator_variants,
    word_forms,
)
from mtfix.spans import SpanSet, overlaps_any
from mtfix.textutil import follow_case, is_word_char, normalize_key

#: The document traits that scoped entries (``scope``) of the current ``find_edits`` call may
#: NOT use: set for the length of one call (a context variable, so threads and tasks that fix
#: several documents at once each see their own).
_ABSENT: ContextVar[frozenset[str]] = ContextVar("absent_traits", default=frozenset())

# First window of a paragraph rescan's search for the next match (bytes beyond the longest
# key); see ``CompiledGlossary._first_match``. Tests set it to 0 to exercise the growth.
RESCAN_WINDOW = 256
#: the largest key trie (in nodes) whose automaton is a DFA (see ``_build_automata``)
DFA_MAX_NODES = 100_000
#: bytes a process scans with the NFA before it builds the DFA (see ``_Automaton``)
DFA_AFTER_BYTES = 8_000_000
_LINE_SPACES = bytes.maketrans(b"\n\r\t", b"   ")  # (a key matches across one line break)


class _Automaton:
    """The keys' leftmost-longest automaton, built when first asked to scan.

    First an NFA; once this process has scanned ``DFA_AFTER_BYTES`` with it, a DFA where
    ``dfa`` allows. With the shipped keys the DFA takes ~0.12 s to build against the NFA's
    0.02 s and then scans ~2.7x faster (190 against 70 MB/s): it pays for itself after about
    11 MB, so a small file (most runs, and the parent of a batch, which scans nothing) never
    builds it. Both find the same matches: only the speed changes.
    """

    __slots__ = ("_built", "_dfa", "_patterns", "_scanned")

    def __init__(self, patterns: list[bytes], dfa: bool) -> None:
        self._patterns = patterns
        self._dfa = dfa
        self._scanned = 0
        self._built: ac.BytesAhoCorasick | None = None

    def find_matches_as_indexes(self, data: bytes | memoryview) -> list[tuple[int, int, int]]:
        built = self._built
        if built is None:
            built = self._built = self._make({})
        if self._dfa:
            self._scanned += len(data)
            if self._scanned > DFA_AFTER_BYTES:
                built = self._to_dfa()
        return built.find_matches_as_indexes(data)

    def prepare(self, nbytes: int) -> None:
        """Build now the automaton a scan of ``nbytes`` would end with (before worker
        processes are forked, so that they share it instead of each building it)."""
        if self._dfa and nbytes > DFA_AFTER_BYTES:
            self._to_dfa()

    def _to_dfa(self) -> ac.BytesAhoCorasick:
        self._dfa = False  # (two threads may both build it: the same automaton)
        self._built = self._make({"implementation": ac.Implementation.DFA})
        return self._built

    def _make(self, kind: dict) -> ac.BytesAhoCorasick:
        return ac.BytesAhoCorasick(self._patterns, matchkind=ac.MatchKind.LeftmostLongest,
                                   **kind)


class _Key(NamedTuple):  # a tuple: 100,000 of them are built per compile (all fields given)
    """One automaton pattern's owner: an entry and what its key needs at each end."""

    order: int
    entry: RawEntry
    exact: str | None  # the exact spelling to verify, for match = "exact"
    left_word: bool  # key starts with a word character -> needs a boundary before it
    right_word: bool
    context: re.Pattern[str] | None  # the entry's `context` words (same line)
    replace: str  # this key's replacement (a word form inflects the entry's)
    variant: int  # which edit spec: the entry's order for its own replacement, else past them
    checks: _Checks | None  # declarative checks (case, neighbours, line, no-op), or None


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class _Checks:
    """What a key of a declarative entry must pass besides its word boundaries.

    Only keys that need one of these carry them; the others stay on the fast path.
    """

    sensitive: str | None = None  # case = "sensitive": the key as written (whitespace folded)
    before: re.Pattern[str] | None = None  # neighbour conditions (see neighbours.py)
    after: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    not_after: re.Pattern[str] | None = None
    line_mode: str | None = None  # a deletion of page furniture (see lines.py)
    line_phrases: re.Pattern[str] | None = None
    noop: bool = False  # the replacement may equal the matched text: then it is no match
    follows: bool = False  # the replacement follows the case of the match
    scope: str | None = None  # the document trait the entry needs (``scope``)
    # the key's replacement, where it holds the key: a match inside it is no match
    within: re.Pattern[str] | None = None

    def passes(self, text: str, start: int, end: int, replace: str) -> bool:
        """Does the match text[start:end] pass? Cheapest checks first."""
        if self.scope is not None and self.scope in _ABSENT.get():
            return False
        if self.within is not None and inside_replacement(self.within, text, start, end):
            return False
        if self.sensitive is not None and normalize_key(text[start:end]) != self.sensitive:
            return False
        if self.after is not None and not starts_after(self.after, text, end):
            return False
        if self.not_after is not None and starts_after(self.not_after, text, end):
            return False
        if self.before is not None and not ends_before(self.before, text, start):
            return False
        if self.not_before is not None and ends_before(self.not_before, text, start):
            return False
        if self.line_mode is not None and self.line_phrases is not None and deletion_span(
                self.line_mode, self.line_phrases, text, start, end) is None:
            return False
        if self.noop:
            matched = text[start:end]
            if (follow_case(matched, replace) if self.follows else replace) == matched:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # code points into the text
    end: int
    order: int
    entry: RawEntry
    regex_match: re.Match[str] | None = None
    score: float | None = None  # fuzzy entries: the rapidfuzz score of the matched window
    replace: str | None = None  # an automaton key's own replacement (None: the entry's)


class CompiledGlossary:
    """All entries of the loaded glossaries, compiled once per run.

    Picklable: worker processes receive the raw entries and rebuild the automata.
    """

    def __init__(self, entries: Sequence[RawEntry]) -> None:
        self.entries: tuple[RawEntry, ...] = tuple(entries)
        self.order = {entry.id: i for i, entry in enumerate(self.entries)}
        # A flag changes nothing, so it must not compete with changes (one automaton would let
        # a longer flag key hide a change): flags get a matcher of their own, and this one
        # compiles the changes only (orders stay those of ``entries``).
        flags = [e for e in self.entries if e.flag]
        # the plurals an entry's replacement has no rule for are flagged, not replaced
        unsure = [d for e in self.entries if (d := plural_flag_entry(e)) is not None]
        split = (bool(flags) and len(flags) < len(self.entries)) or bool(unsure)
        self._flags: CompiledGlossary | None = CompiledGlossary(flags + unsure) \
            if split else None
        #: the document traits some entry needs (``scope``)
        self._scopes = frozenset(e.scope for e in self.entries if e.scope is not None)
        self._context: dict[int, re.Pattern[str]] = {
            order: context_regex(entry.context)
            for order, entry in enumerate(self.entries) if entry.context}
        patterns: dict[bytes, list[_Key]] = {}
        self._regexes: list[tuple[int, RawEntry, re.Pattern[str] | Re2Pattern]] = []
        fuzzy: list[RawEntry] = []
        contexts = self._context
        new_key = tuple.__new__  # _Key's own __new__ is a Python function: 100,000 calls
        self._variants = len(self.entries)  # next free edit-spec number (see _Key.variant)
        self._has_prefix_key: dict[bytes, bool] = {}  # see _hides_nothing
        self._changes_inside: dict[str, bool] = {}  # see may_chain
        self._line_entries = False
        interned: dict[_Checks, _Checks] = {}  # equal checks, one object: ~10x fewer to load
        for order, entry in enumerate(self.entries):
            if split and entry.flag:
                continue
            match = entry.match
            if match == "regex":
                for pattern in entry.find:
                    self._regexes.append((order, entry, compile_regex(entry, pattern)))
                continue
            if match == "fuzzy":
                if any(has_alternatives(f) for f in entry.find):
                    entry = dataclasses.replace(entry, find=tuple(
                        p for f in entry.find for p in _expand_find(entry, f)))
                fuzzy.append(entry)
            exact_match = match == "exact"
            context = contexts.get(order) if contexts else None
            if match != "fuzzy" and is_declarative(entry):
                self._add_declarative(patterns, order, entry, context, interned)
                continue
            scoped = _Checks(scope=entry.scope) if entry.scope is not None else None
            replace_folded = entry.replace.lower()
            # A key that ends (starts) in punctuation needs no word boundary there, unless its
            # replacement ends (starts) with a word character: "approx." -> "approximately"
            # must not turn "approx.5" into "approximately5" (a new word junction).
            finds: Sequence[str | tuple[str, str]] = entry.find
            if not exact_match and not all(map(_QUOTE_MARKS.isdisjoint, finds)):
                finds = [pair for f in entry.find for pair in quote_variants(f, entry.replace)]
            for item in finds:
                if item.__class__ is str:
                    find, replace, variant = item, entry.replace, order
                else:
                    find, replace = item
                    variant = order if replace == entry.replace else self._new_variant()
                # the common case, kept cheap: 100,000 entries compile in ~1 s
                if find.isascii() and variant == order:
                    key = " ".join(find.split())
                    if not key:
                        raise GlossaryError("'find' is only whitespace; write the phrase to find",
                                            path=entry.path,
                                            line=entry.line, entry_id=entry.id)
                    low = key.lower()
                    key_bytes = low.encode()
                    checks = scoped
                    if low in replace_folded:  # (rare: "WHO" -> "... (WHO)")
                        checks = _with_within(scoped, key, replace, exact_match)
                    first, last = key[0], key[-1]
                    # (the replacement is looked at only for a key that ends in punctuation)
                    left = first.isalnum() or first == "_" or _starts_word(replace)
                    right = last.isalnum() or last == "_" or _ends_word(replace)
                    owners = patterns.get(key_bytes)
                    owner = new_key(_Key, (order, entry, find if exact_match else None, left,
                                           right, context, replace, order, checks))
                    if owners is None:
                        patterns[key_bytes] = [owner]
                    else:
                        owners.append(owner)
                    continue
                else:
                    key = normalize_key(find)
                    if not key:
                        raise GlossaryError("'find' is only whitespace; write the phrase to find",
                                            path=entry.path,
                                            line=entry.line, entry_id=entry.id)
                    key_bytes = fold_bytes(key)
                    left = is_word_char(key[0]) or _starts_word(replace)
                    right = is_word_char(key[-1]) or _ends_word(replace)
                owners = patterns.get(key_bytes)
                if owners is None:
                    owners = patterns[key_bytes] = []
                owners.append(_Key(order, entry, find if exact_match else None, left, right,
                                   context, replace, variant,
                                   _with_within(scoped, key, replace, exact_match)))
        # Triggers: literals one of which every match of a regex entry needs (see
        # regexcheck.regex_triggers); regexes whose triggers are absent are not run at all.
        trigger_ids: dict[str, int] = {}
        self._regex_needs: list[frozenset[int] | None] = []
        for _order, _entry, pattern in self._regexes:
            found = regex_triggers(pattern.pattern)
            self._regex_needs.append(None if found is None else frozenset(
                trigger_ids.setdefault(t, len(trigger_ids)) for t in found))
        self._trigger_keys = [t.encode() for t in trigger_ids]
        self._trigger_len = max(map(len, trigger_ids), default=0)
        self._regex_reach = [regex_reach(p.pattern) for _o, _e, p in self._regexes]
        self._regex_marks = [regex_marks(p.pattern) for _o, _e, p in self._regexes]
        # Sorted, the automaton builds ~20% faster (neighbouring keys share trie paths); the
        # order of patterns does not matter to leftmost-longest matching.
        self._patterns = sorted(patterns)
        self._longest = max(map(len, self._patterns), default=0)
        self._owners = [patterns[p] for p in self._patterns]
        # Per pattern, its key when that key is its only owner and needs nothing but the word
        # boundary checks (the common case, checked inline in ``_phrase_matches``), else None.
        self._plain: list[_Key | None] = [
            owners[0] if len(owners) == 1 and owners[0].exact is None
            and owners[0].context is None and owners[0].checks is None else None
            for owners in self._owners]
        # Patterns inside which a key of a line entry may hide (see ``_hiding_line_keys``):
        # a match of one sends its paragraph to the rescan, where nothing hides.
        self._hides_line = _hiding_line_keys(self._patterns, self._owners) \
            if self._line_entries else frozenset()
        for index in self._hides_line:
            self._plain[index] = None
        # order -> what an edit of that entry carries (see ``_plain_edits``), filled on use
        self._edit_specs: dict[int, tuple[str, str, str, float | None, bool, bool]] = {}
        # order -> the RE2 prefilter of a regex entry (see _narrowed), made on first use
        self._relaxed: dict[int, object] = {}
        self._fuzzy_entries = fuzzy
        self._use_dfa = _trie_nodes(self._patterns) <= DFA_MAX_NODES  # see _build_automata
        self._build_automata()

    def _build_automata(self) -> None:
        """The automata (and the fuzzy matcher) from the keys: what cannot be pickled."""
        # A DFA scans 1.2-2.5x faster than the default NFA while its states fit the CPU's
        # caches, but builds slower and scans slower than the NFA beyond: measured on 10,000
        # n-gram keys (115,000 trie nodes, DFA 0.85x) and the shipped keys (80,000, 2.5x),
        # see docs/measurements.md. The trie's node count stands for the DFA's size. Either
        # is built on first use (see _Automaton).
        self._fast = _Automaton(self._patterns, self._use_dfa) if self._patterns else None
        self._triggers = ac.BytesAhoCorasick(self._trigger_keys) if self._trigger_keys else None
        self._fuzzy = None
        if self._fuzzy_entries:
            from mtfix.glossary.fuzzy import FuzzyMatcher

            self._fuzzy = FuzzyMatcher(self._fuzzy_entries,
                                       {e.id: self.order[e.id] for e in self._fuzzy_entries})

    def cache_state(self) -> dict:
        """Everything compiled but the automata, for the glossary cache (``cache.py``), which
        rebuilds those with :meth:`from_cache_state` instead of compiling the entries again.
        What is filled on use starts empty again."""
        state = {**self.__dict__, "_relaxed": {}, "_edit_specs": {}, "_has_prefix_key": {},
                 "_changes_inside": {}}
        for name in ("_fast", "_triggers", "_fuzzy"):
            del state[name]
        state.pop("_overlapping", None)  # (an automaton, built on first use: not cached)
        return state

    @classmethod
    def from_cache_state(cls, state: dict) -> CompiledGlossary:
        compiled = cls.__new__(cls)
        compiled.__dict__.update(state)
        compiled._build_automata()
        return compiled

    def _add_declarative(self, patterns: dict[bytes, list[_Key]], order: int, entry: RawEntry,
                         context: re.Pattern[str] | None, interned: dict[_Checks, _Checks]
                         ) -> None:
        """The automaton keys of an entry written with variants, neighbours, case or line:
        one key per variant (``expand_entry``), each with its replacement and checks."""
        exact = entry.match == "exact"
        shared = _entry_checks(entry)
        if shared.line_mode is not None:
            self._line_entries = True
        seen: set[bytes | str] = set()
        for find, replace in expand_entry(entry):
            key = find if exact else normalize_key(find)
            key_bytes = fold_bytes(normalize_key(find))
            if (key if exact or entry.case == "sensitive" else key_bytes) in seen:
                continue  # "{State|state} council": one key is enough when case is folded
            seen.add(key if exact or entry.case == "sensitive" else key_bytes)
            follows = (not exact and entry.case != "title" and bool(replace)
                       and replace == replace.lower())
            noop = (replace == key) if exact else \
                normalize_key(replace).lower() == key.lower()
            checks: _Checks | None = dataclasses.replace(
                shared, sensitive=key if entry.case == "sensitive" else None, noop=noop,
                follows=follows, within=_within_pattern(key, replace, exact))
            if checks == _NO_CHECKS:
                checks = None
            else:
                checks = interned.setdefault(checks, checks)
            variant = order if replace == entry.replace else self._new_variant()
            left = is_word_char(key[0]) or _starts_word(replace)
            right = is_word_char(key[-1]) or _ends_word(replace)
            patterns.setdefault(key_bytes, []).append(_Key(
                order, entry, find if exact else None, left, right, context, replace, variant,
                checks))

    def _new_variant(self) -> int:
        """The number of a new edit spec: a key whose replacement is not its entry's."""
        self._variants += 1
        return self._variants - 1

    def __reduce__(self):  # automata are rebuilt in worker processes, cheaply
        return (CompiledGlossary, (self.entries,))

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def scopes(self) -> frozenset[str]:
        """The document traits some entry is scoped to (``scope``)."""
        return self._scopes

    # -- matching ----------------------------------------------------------------------------
    def prepare(self, nbytes: int) -> None:
        """About ``nbytes`` of text are to be fixed by each process that inherits this
        glossary: build the automata that pay for themselves at that size now (see
        :class:`_Automaton`)."""
        for compiled in (self, self._flags):
            if compiled is not None and compiled._fast is not None:
                compiled._fast.prepare(nbytes)

    def find_edits(self, text: str, protected: Sequence[tuple[int, int]] = (),
                   traits: frozenset[str] | None = None, *,
                   rewriters: set[str] | None = None, settle: bool = True) -> list[Edit]:
        """All glossary edits for ``text`` under the overlap policy, in text order: the
        changes, and the flags that do not lie wholly inside a kept change.

        ``traits``: the document's traits (:mod:`mtfix.doctraits`); an entry with a ``scope``
        the document lacks does not fire (as if it were not there). ``None``: every entry
        fires (self-tests, a text fixed without a document). ``rewriters``: receives the ids
        of the entries whose changes a later round of the fixpoint made (see fixpoint.py);
        ``settle`` False: the first round only, each change as its entry writes it.
        """
        edits = self._scoped_edits(text, protected, traits)
        if edits and settle:  # a change may make another match: run to the fixpoint
            first = {id(e) for e in edits}
            edits = to_fixpoint(text, edits, protected,
                                lambda part, spans: self._scoped_edits(part, spans, traits),
                                None if self._unknown_chains else self.may_chain,
                                None if self._unknown_chains else self._longest + 32)
            if rewriters is not None:
                rewriters.update(e.rule for e in edits if id(e) not in first)
        if self._flags is None:
            return edits
        flags = self._flags.find_edits(text, protected, traits)
        if not flags:
            return edits
        return select_non_overlapping(sorted(edits + flags, key=START_END), self.order)

    @functools.cached_property
    def _unknown_chains(self) -> bool:
        """Does an entry's match depend on more than its key and the key's word boundaries
        (a regex, fuzzy, neighbour, ``context`` or line entry)? Then the fixpoint searches
        the changed lines again whole (see fixpoint.py)."""
        conditioned = any(
            key.checks is not None and (key.checks.before or key.checks.after
                                        or key.checks.not_before or key.checks.not_after)
            for owners in self._owners for key in owners)
        return bool(self._regexes or self._fuzzy_entries or self._context
                    or self._line_entries or conditioned)

    @functools.cached_property
    def _overlapping(self) -> ac.BytesAhoCorasick:
        """The keys' automaton for overlapping search (every occurrence)."""
        return ac.BytesAhoCorasick(self._patterns, matchkind=ac.MatchKind.Standard)

    def may_chain(self, fixed: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The ``spans`` of ``fixed`` (texts changes wrote) over or next to which a key may
        match and change something. (A key whose every owner writes the text it covers, as
        the change's own key does, changes nothing.) A superset: a span is kept where the
        quick look cannot tell (a run of spaces, which the matcher folds)."""
        cache = self._changes_inside  # keys wholly inside a text: a matter of it alone
        written = [fixed[s:e] for s, e in spans]
        new = list(dict.fromkeys(w for w in written if w not in cache))
        if new:
            cache.update(zip(new, self._changing_keys(new, [(0, 0)] * len(new)), strict=True))
        kept = []
        rest = []
        for span, text in zip(spans, written, strict=True):
            (kept if cache[text] else rest).append(span)
        if rest:  # keys across an edge: one search over every change and its surroundings
            reach = self._longest  # (in view bytes, which a key spans; space runs: see below)
            windows = [(max(0, s - reach), e + reach) for s, e in rest]
            across = self._changing_keys([fixed[lo:hi] for lo, hi in windows],
                                         [(s - lo, e - lo) for (s, e), (lo, _hi) in
                                          zip(rest, windows, strict=True)])
            kept.extend(span for span, hit in zip(rest, across, strict=True) if hit)
        return sorted(kept)

    def _changing_keys(self, texts: list[str], edges: list[tuple[int, int]]) -> list[bool]:
        """For each text, does a key occur in it with an owner that would change the text it
        covers: anywhere (its edges ``(0, 0)``), else across or at an edge of
        ``text[start:end]`` (``edges``)? The ASCII texts in one overlapping automaton search,
        the others in another; the occurrences are sifted array-wise, the few left are
        checked one by one."""
        plain = [t.isascii() for t in texts]
        if all(plain) or not any(plain):
            return self._changing_keys_of(texts, edges, plain[0] if plain else True)
        hits = dict.fromkeys(range(len(texts)), False)
        for kind in (True, False):
            chosen = [i for i, p in enumerate(plain) if p is kind]
            hits.update(zip(chosen, self._changing_keys_of(
                [texts[i] for i in chosen], [edges[i] for i in chosen], kind), strict=True))
        return [hits[i] for i in range(len(texts))]

    def _changing_keys_of(self, texts: list[str], edges: list[tuple[int, int]], plain: bool
                          ) -> list[bool]:
        joined = "\x00".join(texts)  # (no key holds a NUL)
        data = (joined.lower().encode() if plain else fold_bytes(joined)).translate(_LINE_SPACES)
        sizes = [len(t) for t in texts] if plain else [_utf8_len(t) for t in texts]
        starts = np.cumsum([0, *[size + 1 for size in sizes[:-1]]])
        hits = [b"  " in data[a:a + size]  # (the matcher folds runs of spaces; these bytes do not)
                for a, size in zip(starts.tolist(), sizes, strict=True)]
        found = self._overlapping.find_matches_as_indexes(data, overlapping=True)
        if not found:
            return hits
        index, s, e = np.array(found, dtype=np.int64).T
        k = np.searchsorted(starts, s, side="right") - 1
        if plain:
            first, last = np.array(edges, dtype=np.int64).T
        else:
            first, last = np.array([(_utf8_len(t[:a]), _utf8_len(t[:b])) for t, (a, b)
                                    in zip(texts, edges, strict=True)], dtype=np.int64).T
        first, last = first[k] + starts[k], last[k] + starts[k]
        anywhere = last == starts[k]
        near = anywhere | ~((s > last) | (e < first) | ((first <= s) & (e <= last)))
        # an ASCII letter or digit (a non-ASCII byte may or may not be of a word: kept)
        word = np.frombuffer(BYTE_WORD_KIND, dtype=np.uint8)[np.frombuffer(data, np.uint8)] == 1
        padded = np.concatenate([[False], word, [False]])  # (a text's edges: no word there)
        near &= ~(padded[s + 1] & padded[s]) & ~(padded[e] & padded[e + 1])
        for i, at, end, w in zip(index[near].tolist(), s[near].tolist(), e[near].tolist(),
                                 k[near].tolist(), strict=True):
            if hits[w]:
                continue
            text, base = texts[w], int(starts[w])
            covered = text[at - base:end - base] if plain else \
                text[_chars(data[base:at]):_chars(data[base:end])]
            if any(key.replace != covered for key in self._owners[i]):
                hits[w] = True
        return hits

    def _scoped_edits(self, text: str, protected: Sequence[tuple[int, int]],
                      traits: frozenset[str] | None) -> list[Edit]:
        absent = self._scopes - traits if traits is not None else frozenset()
        if not absent:
            return self._find_edits(text, protected)
        token = _ABSENT.set(absent)
        try:
            return self._find_edits(text, protected)
        finally:
            _ABSENT.reset(token)

    def _find_edits(self, text: str, protected: Sequence[tuple[int, int]]) -> list[Edit]:
        view = MatchView(text) if (self._fast is not None or self._triggers is not None) else None
        others = self._regex_and_fuzzy_candidates(text, protected, view)
        if self._fast is None or view is None:
            return [self._edit(text, c) for c in _select(others, text, protected)]
        clean, contested = self._phrase_matches(view, protected, others)
        if others or not _in_order(clean):
            # A regex match that loses is searched for again further on, where it may meet
            # any match: one selection over everything.
            contested.extend(_Candidate(s, e, key.order, key.entry, replace=key.replace)
                             for s, e, key in clean)
            contested.extend(others)
            return [self._edit(text, c) for c in _select(contested, text, protected)]
        # The clean matches are what the selection would keep (disjoint, in order, each in a
        # paragraph where every candidate passed its checks); only the rescanned paragraphs'
        # candidates compete, and those paragraphs hold no clean match.
        edits = self._plain_edits(text, clean)
        if contested:
            edits.extend(self._edit(text, c) for c in _select(contested, text, protected))
            edits.sort(key=START_END)
        return edits

    def screen(self, text: str, traits: frozenset[str] | None = None
               ) -> list[tuple[int, int]] | None:
        """Spans of ``text`` (segments joined by line breaks) where a candidate may start:
        every automaton match and every regex trigger. A segment with neither gets no edit on
        its own: every phrase candidate is an occurrence of a key, which the leftmost-longest
        scan reports or overlaps with a match it reports; a regex entry needs one of its
        triggers (see :meth:`_regex_matches`). ``None`` (no screening) with fuzzy entries or a
        regex entry without triggers. ``traits``: the document's, as :meth:`find_edits` gets
        them (an entry scoped to a trait it lacks is as if absent); ``None``: every scope is
        taken as present. See :meth:`mtfix.passes.base.BasePass.screen`."""
        absent = self._scopes - traits if traits is not None else frozenset()
        token = _ABSENT.set(absent)
        try:
            return self._screen(text, traits)
        finally:
            _ABSENT.reset(token)

    def _screen(self, text: str, traits: frozenset[str] | None) -> list[tuple[int, int]] | None:
        if self._fuzzy is not None or (self._regexes and (
                self._triggers is None or None in self._regex_needs)):
            return None
        flagged: list[tuple[int, int]] = []
        if self._flags is not None:  # flag entries have a matcher of their own
            found_flags = self._flags.screen(text, traits)
            if found_flags is None:
                return None
            flagged = found_flags
        view = MatchView(text)
        found = [(start, end) for index, start, end in self._fast.find_matches_as_indexes(
            view.data) if not self._void_in_any_line(view, index, start, end)] \
            if self._fast is not None else []
        spans: list[tuple[int, int]] = []
        if self._triggers is not None:
            spans = self._regex_screen(text, view)
        if found:
            ends = view.to_text_offsets([x for hit in found for x in hit])
            spans.extend(zip(ends[::2], ends[1::2], strict=True))
        return spans + flagged

    def _void_in_any_line(self, view: MatchView, index: int, start: int, end: int) -> bool:
        """Is the screen's automaton match view[start:end] surely no candidate in the segment
        that holds it, fixed alone? So when every owner key fails its checks here, as each
        check looks no further than the line (word boundaries: a line break is no word
        character, like the end of a segment; neighbours, ``context`` and ``line`` look at
        the line; the scope is taken as present), and the match hides no other key
        (``_hides_nothing``: no shorter key at its start, none starting inside it; more text
        after it in the joined segments only finds more). A candidate of the segment alone
        that the match overlaps starts at its start or inside it, so none is lost (see
        ``_phrase_matches``)."""
        if index in self._hides_line:
            return False
        for key in self._owners[index]:
            if self._key_ok(view, key, start, end):
                return False
        return self._hides_nothing(view.data, start, end)

    def _regex_screen(self, text: str, view: MatchView) -> list[tuple[int, int]]:
        """The screen's spans for the regex entries: around every trigger occurrence that
        ``_regex_matches`` would search around in a segment alone, where the entry's RE2
        prefilter (:meth:`_narrowed`) finds a match may start. A match in a segment alone is
        a match of the prefilter, which has no anchors or lookarounds, at the same place of
        the joined text, so the span that covers its start touches its line. (Common trigger
        words, "views", "source", "number", would send a segment in ten to be asked again.)"""
        trigger_view = MatchView(_special_folded(text)) if any(
            c in text for c in SPECIAL_FOLD_CHARS) else view
        hits: dict[int, list[int]] = {}  # as _regex_matches finds them
        for index, start, _end in self._triggers.find_matches_as_indexes(
                trigger_view.data, overlapping=True):
            hits.setdefault(index, []).append(start)
        spans: list[tuple[int, int]] = []
        absent = _ABSENT.get()
        for (order, entry, pattern), needs, reach, marks in zip(
                self._regexes, self._regex_needs, self._regex_reach, self._regex_marks,
                strict=True):
            if needs is None or needs.isdisjoint(hits) or (
                    entry.scope is not None and entry.scope in absent):
                continue
            at = sorted(v for i in needs for v in hits.get(i, ()))
            if marks and reach is not None:  # (more text around: never fewer marks)
                at = _marked(at, trigger_view, marks, reach + self._trigger_len)
            points = trigger_view.to_text_offsets(at)
            if reach is None:  # (no window: the trigger's line is the segment to ask)
                spans.extend((c, c) for c in points)
                continue
            width = reach + self._trigger_len
            windows: list[tuple[int, int]] = []
            for c in points:
                lo, hi = max(0, c - reach), c + width + 1
                if windows and lo <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
                else:
                    windows.append((lo, hi))
            spans.extend(self._narrowed(order, pattern, text, windows, reach))
        return spans

    def _regex_and_fuzzy_candidates(self, text: str, protected: Sequence[tuple[int, int]],
                                    view: MatchView | None) -> list[_Candidate]:
        found: list[_Candidate] = []
        absent = _ABSENT.get()
        for order, entry, matches in self._regex_matches(text, view):
            if entry.scope is not None and entry.scope in absent:
                continue
            context = self._context.get(order)
            for m in matches:
                if m.end() > m.start() and not overlaps_any(m.start(), m.end(), protected) and (
                        context is None or in_context(context, text, m.start(), m.end())):
                    found.append(_Candidate(m.start(), m.end(), order, entry, m))
        if self._fuzzy is not None:
            found.extend(
                _Candidate(s, e, order, entry, score=score) for s, e, order, entry, score in
                self._fuzzy.find(text, protected)
                if (order not in self._context or in_context(self._context[order], text, s, e))
                and (entry.scope is None or entry.scope not in absent))
        return found

    def _phrase_matches(self, view: MatchView, protected: Sequence[tuple[int, int]],
                        others: list[_Candidate],
                        ) -> tuple[list[tuple[int, int, _Key]], list[_Candidate]]:
        """The automaton's matches over the view, as (clean, contested).

        ``clean``: (start, end, key) in text offsets, in text order, outside the paragraphs
        that need the exact rescan: those where a candidate failed a check, touches
        protected text or meets a regex/fuzzy candidate (it may hide other matches).
        ``contested``: every valid occurrence in those paragraphs, overlapping ones included.
        """
        data = view.data
        size = len(data)
        plain = self._plain
        kind = BYTE_WORD_KIND
        starts: list[int] = []  # view offsets of the accepted matches
        ends: list[int] = []
        keys: list[_Key] = []
        dirty: set[tuple[int, int]] = set()  # view paragraphs that need the exact rescan
        paragraph = (0, -1)  # the last one marked: matches come in order, most in the same one
        reported = self._fast.find_matches_as_indexes(data)
        resume = 0  # a local rescan took the policy up to this reported match
        for number, (index, start, end) in enumerate(reported):
            if number < resume:
                continue
            key = plain[index]
            rescan = False
            if key is None:
                key = self._accept(view, index, start, end)
                if key is not None and (index in self._hides_line or (
                        key.checks is not None and key.checks.line_mode)):
                    # A line deletion reaches beyond its match (to the line start), so it may
                    # beat matches the scan reported before it, or hide inside another one
                    # ("[Print]" of one entry, "Print" of a line entry): its paragraph is
                    # rescanned, every occurrence widened and selected by the policy.
                    rescan = True
            # the boundary checks of _key_ok, with ASCII neighbours decided here
            elif key.left_word and start and kind[data[start - 1]] and (
                    kind[data[start - 1]] == 1 or view.word_before(start)):
                key = None
            elif key.right_word and end < size and kind[data[end]] and (
                    kind[data[end]] == 1 or view.word_after(end)):
                key = None
            if key is None and not rescan and not self._hides_nothing(data, start, end):
                # Another key occurs inside the failed match: follow the policy from here
                # until it meets a match the scan reported (the paragraph, in a text without
                # blank lines, is the whole chunk).
                local = self._local_rescan(view, reported, number)
                if local is not None:
                    picks, resume = local
                    for pick_start, pick_end, pick_key in picks:
                        starts.append(pick_start)
                        ends.append(pick_end)
                        keys.append(pick_key)
                    continue
                rescan = True
            if rescan:
                if not paragraph[0] <= start < paragraph[1]:
                    # (finding the paragraph scans for the breaks around it: in a text
                    # without blank lines, the whole chunk, so once per paragraph)
                    paragraph = view.paragraph_of(start)
                    dirty.add(paragraph)
            elif key is not None:
                starts.append(start)
                ends.append(end)
                keys.append(key)
        count = len(keys)
        chars = view.to_text_offsets(starts + ends)
        text_starts, text_ends = chars[:count], chars[count:]
        if protected or others:
            other_spans = SpanSet((c.start, c.end) for c in others)
            for i in range(count):
                s, e = text_starts[i], text_ends[i]
                if (overlaps_any(s, e, protected) or other_spans.overlaps(s, e)) and \
                        not paragraph[0] <= starts[i] < paragraph[1]:
                    paragraph = view.paragraph_of(starts[i])
                    dirty.add(paragraph)
        if not dirty:
            return list(zip(text_starts, text_ends, keys, strict=True)), []
        paragraphs = sorted(dirty)  # disjoint, so sorted by start and by end alike
        clean: list[tuple[int, int, _Key]] = []
        j = 0
        for view_start, s, e, key in zip(starts, text_starts, text_ends, keys, strict=True):
            while j < len(paragraphs) and paragraphs[j][1] <= view_start:
                j += 1
            if j == len(paragraphs) or view_start < paragraphs[j][0]:
                clean.append((s, e, key))
        exact: list[tuple[int, int, _Key]] = []
        for p0, p1 in paragraphs:
            exact.extend(self._all_occurrences(view, p0, p1))
        contested = [c for c in _to_candidates(view, exact, self._line_entries)
                     if not overlaps_any(c.start, c.end, protected)]
        return clean, contested

    def _plain_edits(self, text: str, found: list[tuple[int, int, _Key]]) -> list[Edit]:
        """``_edit`` for automaton matches, without a candidate object per match."""
        specs = self._edit_specs
        edits = []
        for start, end, key in found:
            spec = specs.get(key.variant)
            if spec is None:
                spec = specs[key.variant] = _edit_spec(key.entry, key.replace)
            after, rule, note, score, flag, follows = spec
            if follows:
                after = follow_case(text[start:end], after)
            if text[end - 1] == "." and after[-1:] != "." and after and _ends_sentence(text, end):
                end -= 1  # the dot also ends the sentence: it stays, untouched
            edits.append(Edit(start, end, after, rule, note, score, flag))
        return edits

    def _regex_matches(self, text: str, view: MatchView | None):
        """(order, entry, matches) for the regex entries worth running on ``text``.

        One automaton scan finds every trigger (a literal one of which each match of an entry
        needs, see ``regexcheck.regex_triggers``). An entry none of whose triggers occurs is
        skipped; an entry with a bounded reach is searched only in windows around its
        triggers; the others run over the whole text.
        """
        if self._triggers is None or view is None:
            for order, entry, pattern in self._regexes:
                yield order, entry, pattern.finditer(text)
            return
        if any(c in text for c in SPECIAL_FOLD_CHARS):
            view = MatchView(_special_folded(text))  # same code-point offsets
        absent = _ABSENT.get()
        hits: dict[int, list[int]] = {}  # trigger id -> view offsets of its occurrences
        for index, start, _end in self._triggers.find_matches_as_indexes(view.data,
                                                                         overlapping=True):
            hits.setdefault(index, []).append(start)
        for (order, entry, pattern), needs, reach, marks in zip(
                self._regexes, self._regex_needs, self._regex_reach, self._regex_marks,
                strict=True):
            if entry.scope is not None and entry.scope in absent:
                continue  # (the caller would drop its matches: not searched at all)
            if needs is None:
                yield order, entry, pattern.finditer(text)
                continue
            if needs.isdisjoint(hits):  # the common case for a short segment: nothing to run
                continue
            present = sorted(v for i in needs for v in hits.get(i, ()))
            if present and marks and reach is not None:
                present = _marked(present, view, marks, reach + self._trigger_len)
            if not present:
                continue
            if reach is None or _runs_linear(pattern, text):
                yield order, entry, pattern.finditer(text)
                continue
            # Cluster nearby occurrences in the view (any grouping is sound: a window only
            # grows), then map just the cluster ends back to text offsets.
            clusters = [[present[0], present[0]]]
            for v in present[1:]:
                if v - clusters[-1][1] <= 2 * reach:
                    clusters[-1][1] = v
                else:
                    clusters.append([v, v])
            ends = view.to_text_offsets([x for c in clusters for x in c])
            width = reach + self._trigger_len
            windows: list[tuple[int, int]] = []
            for i in range(0, len(ends), 2):
                lo, hi = max(0, ends[i] - reach), ends[i + 1] + width + 1
                if windows and lo <= windows[-1][1]:
                    windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
                else:
                    windows.append((lo, hi))
            windows = self._narrowed(order, pattern, text, windows, reach)
            if windows:
                yield order, entry, windowed_finditer(pattern, text, windows, reach)

    def _narrowed(self, order: int, pattern: re.Pattern[str] | Re2Pattern, text: str,
                  windows: list[tuple[int, int]], reach: int) -> list[tuple[int, int]]:
        """``windows`` (where a match of a regex entry may start) narrowed to where the
        pattern less its lookarounds and anchors (:func:`relaxed_pattern`) matches, by RE2 in
        linear time, before the backtracking engine searches them. A match starting at s in a
        window is at most ``reach`` long, so the looser pattern matches the same span in the
        window's text, and RE2, reporting the leftmost match from each point on, reports one
        that starts at s or holds it. Windows around common trigger words ("views", "number")
        mostly hold no match at all."""
        relaxed = self._relaxed.get(order, False)
        if relaxed is False:
            relaxed = self._relaxed[order] = relaxed_pattern(pattern.pattern)
        if relaxed is None:
            return windows
        narrowed: list[tuple[int, int]] = []
        for lo, hi in windows:
            for m in relaxed.finditer(for_re2(text[lo:hi + reach + 1])):
                start = lo + m.start()
                if start >= hi:
                    break
                end = min(lo + m.end() + 1, hi)
                if narrowed and start <= narrowed[-1][1]:
                    narrowed[-1] = (narrowed[-1][0], max(narrowed[-1][1], end))
                else:
                    narrowed.append((start, end))
        return narrowed

    def _local_rescan(self, view: MatchView, reported: list[tuple[int, int, int]],
                      failed: int) -> tuple[list[tuple[int, int, _Key]], int] | None:
        """The policy's matches from the failed reported match ``failed`` on, up to the first
        reported match the policy considers next too, and that match's number; from there the
        scan and the policy agree again. None where a line entry takes part (its paragraph is
        rescanned instead: a line deletion reaches before its match).

        The policy's next match is the leftmost, longest valid occurrence at or after the end
        of its last one. The scan reported the leftmost-longest occurrence of any key, valid or
        not: once the automaton's first match from the policy's position is the next reported
        one, the policy would weigh exactly that match next, as the scan's caller does, valid
        or not. (Waiting for a valid match both choose walked through every failing
        occurrence of a common key in between, one small scan each.)
        """
        data = memoryview(view.data)
        stop = len(data)
        pos = reported[failed][1]
        following = failed + 1
        picks: list[tuple[int, int, _Key]] = []
        while True:
            while following < len(reported) and reported[following][1] < pos:
                following += 1
            first = self._first_match(data, pos, stop) if pos < stop else None
            if first is None:
                return picks, len(reported)
            if following < len(reported) and reported[following] == first:
                return picks, following
            found = self._valid_at(view, data, *first)
            if found is None:
                pos = first[1] + 1
                continue
            index, start, end, key = found
            if index in self._hides_line or (key.checks is not None and key.checks.line_mode):
                return None
            picks.append((start, end, key))
            pos = end
            if len(picks) > 64:  # the two disagree for long: rescan the paragraph instead
                return None

    def _valid_at(self, view: MatchView, data: memoryview, index: int, start: int, end: int
                  ) -> tuple[int, int, int, _Key] | None:
        """(pattern, start, end, key) of the longest valid occurrence at ``start``, given the
        automaton's longest one there (``index``, ending at ``end``): it, else the next
        shorter key at ``start``, and so on (the first of its owners in file order that
        passes); None if none passes."""
        while True:
            key = self._accept(view, index, start, end)
            if key is not None:
                return index, start, end, key
            shorter = self._fast.find_matches_as_indexes(data[start : end - 1])
            if not shorter or shorter[0][1] != 0:
                return None
            index, end = shorter[0][0], start + shorter[0][2]

    def _hides_nothing(self, data: bytes, start: int, end: int) -> bool:
        """Does no other key occur in data[start:end], a match that failed its checks (no
        shorter key at ``start``, none starting inside it)? Then dropping it changes nothing
        else: the scan went on from ``end`` as it would have without it, and the paragraph
        needs no rescan. (Most failures are of this kind: "party" before a word its entry
        does not list, "print" in a sentence.)"""
        fast = self._fast
        if end - start > 1:
            # (a key that is a prefix of this one is a matter of the pattern alone: cached)
            prefix = self._has_prefix_key.get(data[start:end])
            if prefix is None:
                shorter = fast.find_matches_as_indexes(data[start : end - 1])
                prefix = self._has_prefix_key[data[start:end]] = bool(
                    shorter and shorter[0][1] == 0)
            if prefix:
                return False
        later = fast.find_matches_as_indexes(data[start + 1 : end + self._longest])
        return not later or later[0][1] + start + 1 >= end

    def _all_occurrences(self, view: MatchView, p0: int, p1: int
                         ) -> list[tuple[int, int, _Key]]:
        """Every valid key occurrence in view[p0:p1], overlapping ones included.

        Uses the leftmost-longest automaton only (a second, overlapping automaton would cost
        as much to build as the first): from each position, the first match gives the next
        start where any key occurs; shorter keys at that start are found by cutting the
        haystack just before the end of the longer one.
        """
        data = memoryview(view.data)
        found: list[tuple[int, int, _Key]] = []
        pos = p0
        while pos < p1:
            first = self._first_match(data, pos, p1)
            if first is None:
                break
            index, start, end = first
            while True:
                for key in self._owners[index]:
                    if self._key_ok(view, key, start, end):
                        found.append((start, end, key))
                shorter = self._fast.find_matches_as_indexes(data[start : end - 1])
                if not shorter or shorter[0][1] != 0:
                    break
                index, end = shorter[0][0], start + shorter[0][2]
            pos = start + 1
        return found

    def _first_match(self, data: memoryview, pos: int, stop: int
                     ) -> tuple[int, int, int] | None:
        """The automaton's first (leftmost-longest) match in data[pos:stop], offsets into data.

        Scans a window that grows until the answer is sure: a match that starts at least the
        longest key's length before the window's end cannot be beaten by one the window cut
        off. (Scanning to ``stop`` each time made a rescan quadratic in the paragraph, and a
        line-per-segment file with no blank line is one paragraph per chunk.)
        """
        width = RESCAN_WINDOW + self._longest
        while True:
            end = min(stop, pos + width)
            matches = self._fast.find_matches_as_indexes(data[pos:end])
            if matches:
                index, start, match_end = matches[0]
                if end == stop or pos + start + self._longest <= end:
                    return index, pos + start, pos + match_end
            elif end == stop:
                return None
            width *= 2

    def _accept(self, view: MatchView, index: int, start: int, end: int) -> _Key | None:
        for key in self._owners[index]:
            if self._key_ok(view, key, start, end):
                return key
        return None

    @staticmethod
    def _key_ok(view: MatchView, key: _Key, start: int, end: int) -> bool:
        if key.left_word and view.word_before(start):
            return False
        if key.right_word and view.word_after(end):
            return False
        if key.exact is not None or key.context is not None or key.checks is not None:
            s, e = view.to_text_offsets([start, end])
            if key.exact is not None and view.text[s:e] != key.exact:
                return False
            if key.checks is not None and not key.checks.passes(view.text, s, e, key.replace):
                return False
            if key.context is not None and not in_context(key.context, view.text, s, e):
                return False
        return True

    def _edit(self, text: str, cand: _Candidate) -> Edit:
        entry = cand.entry
        matched = text[cand.start : cand.end]
        if cand.regex_match is not None:
            after = cand.regex_match.expand(entry.replace)
        else:
            after = entry.replace if cand.replace is None else cand.replace
        if entry.match != "exact" and entry.case != "title":
            after = follow_case(matched, after)
        end = cand.end
        if matched[-1:] == "." and after[-1:] != "." and after and cand.regex_match is None \
                and _ends_sentence(text, end):
            end -= 1  # the dot also ends the sentence: it stays, untouched
        # A flag carries its proposed text in ``after``; the pipeline records it as the
        # change's ``proposal`` and leaves the text alone.
        score = cand.score
        if score is None and entry.match == "fuzzy":
            score = 100.0  # the exact phrase, found by the automaton
        return Edit(cand.start, end, after, entry.id, entry.note, score=score,
                    flag=entry.flag)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _chars(data: bytes) -> int:
    """How many characters the UTF-8 ``data`` (whole characters) holds."""
    return len(data.decode("utf-8", "surrogatepass"))


def _trie_nodes(patterns: list[bytes]) -> int:
    """The number of distinct non-empty prefixes of ``patterns``: the nodes of their trie."""
    return len({key[:i] for key in patterns for i in range(1, len(key) + 1)})


def _marked(present: list[int], view: MatchView, marks: frozenset[str], reach: int
            ) -> list[int]:
    """The trigger occurrences (view offsets) with one of a regex's required punctuation marks
    (``regexcheck.regex_marks``) within ``reach`` characters: only there can a match be."""
    text = view.text
    chars = view.to_text_offsets(present)
    return [v for v, c in zip(present, chars, strict=True)
            if any(text.find(mark, max(0, c - reach), c + reach) != -1 for mark in marks)]


def _special_folded(text: str) -> str:
    """``text.translate(SPECIAL_FOLD_TABLE)`` with one C-speed replace per character present
    (a translate table is applied in Python per character: ~0.1 s per MB)."""
    for char in SPECIAL_FOLD_CHARS:
        if char in text:
            text = text.replace(char, SPECIAL_FOLD_TABLE[ord(char)])
    return text


def _runs_linear(pattern: re.Pattern[str] | Re2Pattern, text: str) -> bool:
    """Does ``pattern`` run on RE2 for ``text``? Then one scan of the whole text costs less
    than the windows around its triggers (which exist to spare Python's re)."""
    return isinstance(pattern, Re2Pattern) and pattern.linear_for(text)


_CLOSERS = "\"'”’)]}»"


def _starts_word(replace: str) -> bool:
    return bool(replace) and is_word_char(replace[0])


def _ends_word(replace: str) -> bool:
    return bool(replace) and is_word_char(replace[-1])


def _ends_sentence(text: str, end: int) -> bool:
    """Does the abbreviation's full stop just before ``end`` also end the sentence ("He lives
    in the U.S." at the end of a line, before closing quotes or brackets)? Then a replacement
    without a dot ("US") leaves that dot in place. Before a next word on the line the dot may
    be the abbreviation's alone ("the U.S. Army"), so it is replaced with the rest."""
    rest = text[end:end + 16].lstrip(_CLOSERS).lstrip(" \t\xa0")
    return not rest or rest[0] in "\r\n\x85\u2028\u2029"


def _edit_spec(entry: RawEntry, replace: str
               ) -> tuple[str, str, str, float | None, bool, bool]:
    """(after, rule, note, score, flag, follows case) of an automaton match of ``entry`` with
    the key's ``replace``, as ``CompiledGlossary._edit`` makes them (``follow_case`` leaves all
    but a lower-case replacement alone)."""
    follows = (entry.match != "exact" and entry.case != "title" and bool(replace)
               and replace == replace.lower())
    score = 100.0 if entry.match == "fuzzy" else None
    return replace, entry.id, entry.note, score, entry.flag, follows


def _in_order(found: list[tuple[int, int, _Key]]) -> bool:
    """Non-empty, disjoint and in text order (as automaton matches map back, barring odd NFC
    runs): then the selection keeps them all."""
    last_end = 0
    for start, end, _key in found:
        if start < last_end or end <= start:
            return False
        last_end = end
    return True


def _to_candidates(view: MatchView, found: list[tuple[int, int, _Key]],
                   line_entries: bool = False) -> list[_Candidate]:
    offsets = view.to_text_offsets([x for s, e, _ in found for x in (s, e)])
    starts, ends = offsets[0::2], offsets[1::2]
    keys = [key for _s, _e, key in found]
    if line_entries:
        _line_spans(view.text, starts, ends, keys)
    return [_Candidate(starts[i], ends[i], key.order, key.entry, replace=key.replace)
            for i, key in enumerate(keys)]


def _line_spans(text: str, starts: list[int], ends: list[int], keys: Sequence[_Key]) -> None:
    """Widen, in place, each accepted match of a ``line`` entry to what it deletes (its line,
    or its bracketed button with the spaces before it; see lines.py)."""
    for i, key in enumerate(keys):
        checks = key.checks
        if checks is not None and checks.line_mode is not None and checks.line_phrases:
            span = deletion_span(checks.line_mode, checks.line_phrases, text, starts[i], ends[i])
            if span is not None:  # (it is: the key passed the same check)
                starts[i], ends[i] = span


def _select(candidates: list[_Candidate], text: str,
            protected: Sequence[tuple[int, int]]) -> list[_Candidate]:
    """Leftmost, then longest, then first entry; non-overlapping.

    ``re.finditer`` only reports a regex's own non-overlapping matches, so a regex match that
    loses to an earlier, overlapping winner is searched for again from the winner's end (a
    later match of that regex may have been hidden by the one that lost).
    """
    heap = [(c.start, c.start - c.end, c.order, i, c) for i, c in enumerate(candidates)]
    heapq.heapify(heap)
    counter = len(heap)
    kept: list[_Candidate] = []
    last_end = -1
    while heap:
        cand = heapq.heappop(heap)[-1]
        if cand.start >= last_end:
            kept.append(cand)
            last_end = cand.end
            continue
        if cand.regex_match is not None:
            m = cand.regex_match.re.search(text, last_end)
            while m is not None and (m.end() == m.start()
                                     or overlaps_any(m.start(), m.end(), protected)):
                m = cand.regex_match.re.search(text, max(m.end(), m.start() + 1))
            if m is not None:
                again = _Candidate(m.start(), m.end(), cand.order, cand.entry, m)
                heapq.heappush(heap, (again.start, again.start - again.end, again.order,
                                      counter, again))
                counter += 1
    return kept


def context_regex(words: Sequence[str]) -> re.Pattern[str]:
    """Any of ``words`` as a whole word, case-insensitive, any whitespace inside a word group,
    straight and curly quotes alike ("People's Government" holds on "People’s
    Government")."""
    alternatives = sorted((r"\s+".join(map(word_pattern, w.split())) for w in words), key=len,
                          reverse=True)
    return re.compile(r"(?i)(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def in_context(context: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Does the line holding text[start:end] contain one of the entry's context words?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return context.search(text, line_start, len(text) if line_end == -1 else line_end) is not None


def compile_regex(entry: RawEntry, pattern: str) -> re.Pattern[str] | Re2Pattern:
    """Compile a regex entry, refusing invalid and catastrophically backtracking patterns.

    The result runs on RE2 (linear time) wherever that is exact (see ``re2route``); a pattern
    that may run on Python's backtracking re must pass the stricter ``check_python_regex``.
    """
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise GlossaryError(f"invalid regex {pattern!r}: {exc}", path=entry.path,
                            line=entry.line, entry_id=entry.id) from None
    try:
        compiled.sub(entry.replace, "")  # parses the replacement template even with no match
    except re.error as exc:
        raise GlossaryError(f"invalid replacement template {entry.replace!r}: {exc}",
                            path=entry.path, line=entry.line, entry_id=entry.id) from None
    linear = linear_pattern(compiled, entry.replace)
    problem = _backtracking_problem(pattern, linear, entry.replace)
    if problem:
        raise GlossaryError(f"regex {pattern!r} {problem}", path=entry.path, line=entry.line,
                            entry_id=entry.id)
    return compiled if linear is None else linear


def _backtracking_problem(pattern: str, linear: Re2Pattern | None, template: str) -> str | None:
    """Why a pattern that (sometimes) runs on Python's re could hang it, with what to do.

    A pattern RE2 runs on every text needs no check; one that runs on Python's re for some or
    all texts must pass ``check_python_regex`` (no repeat over a part of varying length), as
    no time limit can stop Python's re cleanly.
    """
    if linear is not None and not linear.uses_boundary:
        return None
    problem = check_regex(pattern) or check_python_regex(pattern)
    if not problem:
        return None
    if linear is not None:
        why = (r"it uses \b or \B, which only Python's re decides for letters outside "
               r"ASCII; rewrite the repeat, or add (?a) at the start if ASCII word "
               r"characters are enough")
    elif has_template_refs(template):
        why = (r"its replacement refers to groups (\1, \g<name>), which only Python's re "
               "provides; rewrite the repeat or the replacement")
    else:
        why = ("it needs Python's re (lookarounds, backreferences, a plain $, or nested repeat "
               "counts multiplying past 1000 are not run on the linear-time engine); rewrite the repeat "
               "without the nesting")
    return f"{problem}; {why}"


_NO_CHECKS = _Checks()
_QUOTE_MARKS = frozenset("'\"\u2018\u2019\u201c\u201d")  # (see variants.quote_variants)


def _within_pattern(key: str, replace: str, exact: bool) -> re.Pattern[str] | None:
    """The pattern of ``replace`` when it holds ``key`` where the key would match (whole
    words), and is more than the key: an entry that expands a name ("WHO" -> "World Health
    Organization (WHO)") would otherwise fire again inside its own replacement on every run.
    None for the other keys (almost all)."""
    fold = (lambda t: t) if exact else str.lower
    key, replace = normalize_key(key), normalize_key(replace)
    folded_key, folded = fold(key), fold(replace)
    if not key or folded_key == folded:
        return None
    at = folded.find(folded_key)
    while at != -1:
        end = at + len(key)
        if (not (at and is_word_char(key[0]) and is_word_char(replace[at - 1]))
                and not (end < len(replace) and is_word_char(key[-1])
                         and is_word_char(replace[end]))):
            return replacement_regex(replace, exact)
        at = folded.find(folded_key, at + 1)
    return None


def _with_within(checks: _Checks | None, key: str, replace: str, exact: bool
                 ) -> _Checks | None:
    """``checks`` with the key's ``within`` check added, where it needs one."""
    within = _within_pattern(key, replace, exact)
    if within is None:
        return checks
    return dataclasses.replace(checks or _NO_CHECKS, within=within)


def replacement_regex(replace: str, exact: bool = False) -> re.Pattern[str]:
    """Where ``replace`` is written in a text: any run of spaces between its words, either
    apostrophe, any case (not for exact entries), whole words at its ends."""
    words = ["".join("['\u2019]" if c in "'\u2019" else re.escape(c) for c in word)
             for word in replace.split()]
    body = r"[^\S\r\n]+".join(words)
    if is_word_char(replace[0]):
        body = r"(?<!\w)" + body
    if is_word_char(replace[-1]):
        body += r"(?!\w)"
    return re.compile(body if exact else "(?i)" + body)


def inside_replacement(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Does text[start:end] lie inside a place of its line that reads as ``pattern`` (a
    ``replacement_regex``)? Then the text there is already what the entry writes."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    width = 4 * len(pattern.pattern) + 64  # (a pattern's text is longer than its match)
    lo = max(line_start, start - width)
    hi = min(len(text) if line_end == -1 else line_end, end + width)
    for found in pattern.finditer(text, lo, hi):
        if found.start() > start:
            return False
        if found.end() >= end:
            return True
    return False
_ASCII_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")


def _hiding_line_keys(patterns: Sequence[bytes], owners: Sequence[list[_Key]]) -> frozenset[int]:
    """Indexes of the patterns a key of a line entry may hide in: one that holds such a key, or
    whose end such a key may start in and go on past (at a word start, as keys need).

    The automaton reports non-overlapping matches, so such a key is never reported there; yet
    its widened span (its whole line) may start first and win. Besides the line keys themselves,
    such patterns are few and rarely matched (39 of the shipped glossaries' 1,656).
    """
    line_keys = [p for p, keys in zip(patterns, owners, strict=True)
                 if any(k.checks is not None and k.checks.line_mode for k in keys)]
    prefixes = {key[:n] for key in line_keys for n in range(1, len(key))}
    inside = ac.BytesAhoCorasick(line_keys)

    def word(byte: int) -> bool:
        return byte in _ASCII_WORD_BYTES or byte >= 0x80

    flagged = set()
    for index, pattern in enumerate(patterns):
        if any((s == 0 or not word(pattern[s - 1]) or not word(pattern[s])) and
               (e == len(pattern) or not word(pattern[e]) or not word(pattern[e - 1]))
               for _i, s, e in inside.find_matches_as_indexes(pattern, overlapping=True)) or \
                any(pattern[-n:] in prefixes and (not word(pattern[-n - 1]) or
                                                  not word(pattern[-n]))
                    for n in range(1, len(pattern))):
            flagged.add(index)
    return frozenset(flagged)


def is_declarative(entry: RawEntry) -> bool:
    """Does ``entry`` use the declarative keys (variants, neighbours, case, line)? Only such
    entries take the declarative path (and its no-op rule); the others compile as always."""
    # attribute tests first: this runs once per entry, 100,000 times for a large glossary
    if (entry.forms or entry.separators or entry.case != "insensitive" or entry.before
            or entry.after or entry.not_before or entry.not_after
            or entry.line_mode is not None):
        return True
    for find in entry.find:
        if "{" in find or "}" in find or "\\|" in find:
            return True
    return False


def _expand_find(entry: RawEntry, find: str) -> list[str]:
    """The phrases one ``find`` stands for (``{a|b}`` alternatives; exact entries keep their
    inner whitespace)."""
    normalize = entry.match != "exact"
    if has_alternatives(find):
        return expand_alternatives(find, normalize=normalize)
    return [" ".join(find.split()) if normalize else find.strip()]


def expand_finds(entry: RawEntry) -> list[str]:
    """The phrases of ``entry``'s finds with their ``{a|b}`` alternatives written out (a regex
    entry's patterns as they are)."""
    if entry.match == "regex":
        return list(entry.find)
    return [phrase for find in entry.find for phrase in _expand_find(entry, find)]


def variant_count(entry: RawEntry) -> int:
    """How many keys ``entry`` expands to: alternatives x separators x forms (duplicates
    included), counted without building them."""
    total = 0
    for find in entry.find:
        if count_alternatives(find) > MAX_VARIANTS:
            return count_alternatives(find)
        for phrase in _expand_find(entry, find):
            keys = 4 ** len(separator_positions(phrase)) if entry.separators else 1
            if entry.match != "exact":
                keys *= len(quote_variants(phrase, ""))
            total += keys * (len(word_forms(phrase)) if entry.forms else 1)
    return total


def expand_entry(entry: RawEntry, *, unsure: list[str] | None = None
                 ) -> list[tuple[str, str]]:
    """(key, replacement) for every variant of a phrase/exact entry, in order: each ``find``'s
    alternatives, then separators, then word forms (the replacement inflected alike). The
    plural forms are left out where the replacement has no plural by rule
    (``variants.can_inflect``); ``unsure`` receives their keys (see ``plural_flag_entry``).

    More than ``MAX_VARIANTS`` is a GlossaryError naming the entry and the count.
    """
    count = variant_count(entry)
    if count > MAX_VARIANTS:
        raise GlossaryError(
            f"expands to {count} variants (alternatives x separators x forms), more than "
            f"{MAX_VARIANTS}: split it into several entries, or write the rare variants out "
            "instead of separators = true / forms = true", path=entry.path, line=entry.line,
            entry_id=entry.id)
    out: list[tuple[str, str]] = []
    plurals = not entry.forms or can_inflect(entry.replace)
    for key, replace in _spelled_keys(entry):
        for form_key, form in word_forms(key) if entry.forms else [(key, None)]:
            if plurals or form not in PLURAL_FORMS:
                out.append((form_key, inflect(replace, form)))
            elif unsure is not None:
                unsure.append(form_key)
    return out


def _spelled_keys(entry: RawEntry) -> list[tuple[str, str]]:
    """(key, replacement) for each phrase of ``entry``'s finds (alternatives written out),
    each way of separating its words (``separators``) and of writing its apostrophes (not for
    exact entries), before word forms."""
    out = []
    for find in entry.find:
        for phrase in _expand_find(entry, find):
            for key in separator_variants(phrase) if entry.separators else [phrase]:
                if entry.match == "exact":
                    out.append((key, entry.replace))
                else:
                    out.extend(quote_variants(key, entry.replace))
    return out


def plural_flag_entry(entry: RawEntry) -> RawEntry | None:
    """For an entry with ``forms = true`` whose replacement's plural no rule writes
    ("Researcher Level 3", "Grade II", "Foreign Affairs": see ``variants.can_inflect``), a
    flag entry of the same id for the plural forms of its finds: they are reported with the
    replacement as written, never changed to a plural that may be wrong."""
    if not entry.forms or entry.match not in ("phrase", "exact") or can_inflect(entry.replace):
        return None
    keys: list[str] = []
    expand_entry(entry, unsure=keys)
    if not keys:
        return None
    escape = str.maketrans({c: "\\" + c for c in BRACE_ESCAPES})
    why = (f"a plural: the plural of {entry.replace!r} is not written by rule; write it by "
           "hand")
    return dataclasses.replace(
        entry, find=tuple(k.translate(escape) for k in dict.fromkeys(keys)), forms=False,
        separators=False, flag=True, examples=(),
        note=f"{entry.note} ({why})" if entry.note else why)


def _entry_checks(entry: RawEntry) -> _Checks:
    """The checks all keys of ``entry`` share: neighbour regexes and the line regex."""
    neighbours = {key: neighbour_regex(getattr(entry, key), "before" if "before" in key
                                       else "after")
                  for key in NEIGHBOUR_KEYS if getattr(entry, key)}
    line_phrases = None
    if entry.line_mode is not None:
        line_phrases = phrases_regex([k for k, _r in expand_entry(entry)],
                                     case_sensitive=entry.match == "exact"
                                     or entry.case == "sensitive")
    return _Checks(line_mode=entry.line_mode, line_phrases=line_phrases, scope=entry.scope,
                   **neighbours)
