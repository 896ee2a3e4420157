"""Learn draft glossary entries from post-editing: what post-editors change again and again.

Two sources of evidence:

* **aligned MT / post-edit segments** (:func:`learn_from_segments`, files with one segment per
  line): each MT segment is aligned to its post-edit word by word; every changed stretch (up to
  ``max_words`` words each side), with and without one or two words of context, is a candidate
  substitution ``MT phrase -> PE phrase``.
* **change logs of reviewed runs** (:func:`learn_from_reviews`): each accepted change is a vote
  for ``before -> after``, each rejected one a vote against.

A candidate that recurs (``min_count``) is then checked where it matters: everywhere its MT
phrase occurs, would replacing it bring the segment closer to the post-edit (character-level
edit distance) or further away? An occurrence the post-editor left unchanged counts against it.
The precision estimate is ``helps / (helps + hurts)``; a candidate is written only when the
lower end of its Wilson interval reaches ``min_precision`` (so 3 out of 3 is not enough, 30 out
of 31 is). The final set is re-checked with the real glossary matcher (leftmost-longest,
whole-word, case-following) on the same segments, entries that fall below the threshold are
dropped, and the survivors get real segments as examples (self-tests that run at load).

The draft is for a translator to review: every entry's note says how often it was seen,
changed, left unchanged, and its estimated precision.

Given the glossaries the draft will run with (``against``: ``mtfix glossary learn`` passes the
shipped ones and its ``-g`` files), examples are chosen among segments those leave alone, and
:func:`check_against` runs the loader's checks on the draft after them: an entry that finds
what one of theirs finds is dropped, one that changes their examples or replacements (or whose
replacement they rewrite) becomes a flag, an example they change is left out; notes and the
draft's header say which.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from mtfix.glossary import Glossary, GlossaryWarning
from mtfix.glossary.checks import check_glossary_files, example_failures, find_key
from mtfix.glossary.compile import CompiledGlossary
from mtfix.glossary.model import Example, GlossaryError, GlossaryFile, RawEntry, parse_toml
from mtfix.glossary_tools.edit import entry_table, render_entries
from mtfix.glossary_tools.lint import lint_entries
from mtfix.textutil import follow_case, plural, split_records

_TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_HAS_WORD_RE = re.compile(r"\w")
# British -> American (and similar) spelling rewrites; two words that agree after these are
# one word in two spellings.
_SPELLING_RULES = [(re.compile(a), b) for a, b in (
    (r"isation", "ization"), (r"ise(d|s|r|rs)?$", r"ize\1"), (r"ising$", "izing"),
    (r"yse(d|s)?$", r"yze\1"), (r"our", "or"), (r"tre(s|d)?$", r"ter\1"), (r"ogue$", "og"),
    (r"ence$", "ense"), (r"ll(ed|ing|er|ers)$", r"l\1"), (r"ae", "e"), (r"oe", "e"),
)]
_NUMBER_SEPARATORS_RE = re.compile(r"[.,\u00a0\u202f ](?=\d{3}\b)")


@dataclass(frozen=True, slots=True)
class LearnSettings:
    """Thresholds of the miner. The defaults are meant to generalise, not to fit one corpus."""

    min_count: int = 4  # the post-editors made this exact substitution at least this often
    min_precision: float = 0.8  # Wilson lower bound (90% one-sided) of helps / (helps + hurts)
    max_words: int = 3  # longest changed stretch, in words, on either side
    max_context: int = 1  # words of context added on each side of a changed stretch
    examples: int = 2  # self-test examples per entry
    # Spelling-convention changes (British/American spelling, digit grouping, dropped
    # diacritics) are house style, not MT errors: post-editor teams disagree on them, so they
    # are written as flags (shown to a reviewer, never applied) instead of fixes.
    conventions_as_flags: bool = True
    # A phrase the post-editors themselves kept in more than this share of its occurrences is
    # sometimes right: context decides, so it is written as a flag, not a fix.
    max_unchanged_share: float = 0.05
    z: float = 1.2816  # one-sided 90% normal quantile for the Wilson bound


@dataclass(slots=True)
class Candidate:
    """A learned substitution with its evidence."""

    key: tuple[str, ...]  # lower-cased MT tokens
    find: str  # the MT phrase as it was most often written
    replace: str  # the post-edited phrase (lower-case when it follows the case of the match)
    count: int = 0  # times post-editors made exactly this substitution
    seen: int = 0  # occurrences of the MT phrase
    unchanged: int = 0  # occurrences the post-editor left as they were
    helps: int = 0  # occurrences where the replacement moves the MT closer to the post-edit
    hurts: int = 0
    convention: str | None = None  # set when written as a flag (see convention_change)

    def precision(self) -> float:
        judged = self.helps + self.hurts
        return self.helps / judged if judged else 0.0


@dataclass(slots=True)
class LearnResult:
    entries: list[RawEntry]
    candidates: list[Candidate]  # the accepted ones, with their evidence (same order)
    segments: int = 0
    considered: int = 0  # candidate substitutions that recurred at least min_count times
    settings: LearnSettings = field(default_factory=LearnSettings)
    # what check_against did to entries that conflict with the glossaries the draft runs with
    conflicts: list[Conflict] = field(default_factory=list)

    def conflict_summary(self) -> str:
        """E.g. "3 conflicts with the glossaries it runs with: 1 dropped, 2 turned into flags"."""
        if not self.conflicts:
            return ""
        counts = Counter(c.action for c in self.conflicts)
        parts = [f"{counts[a]} {_ACTION_WORDS[a]}" for a in _ACTION_WORDS if counts[a]]
        n = len(self.conflicts)
        return (f"{plural(n, 'conflict')} with the glossaries it runs with: "
                + ", ".join(parts))

    def to_toml(self, *, name: str = "learned", source: str = "") -> str:
        """The draft glossary (format v1; loads with :meth:`Glossary.load`)."""
        s = self.settings
        head = (
            "# Draft glossary learned by `mtfix glossary learn` from post-edited MT.\n"
            "# REVIEW EVERY ENTRY before use: each note gives the evidence (how often the\n"
            "# post-editors made the change, how often they left the MT phrase as it was).\n"
            f"# {self.segments} segments; {self.considered} recurring candidates; "
            f"{len(self.entries)} kept.\n"
            + "".join(f"# {line}\n" for line in self._conflict_lines())
            + f"# Thresholds: min_count={s.min_count}, min_precision={s.min_precision} (Wilson "
            f"lower bound), max_words={s.max_words}, max_context={s.max_context}.\n\n"
            "[glossary]\n"
            f"name = {_toml_str(name)}\n"
            f"description = {_toml_str('Learned from post-edits; a draft for review.')}\n"
            "language = \"en\"\n"
        )
        if source:
            head += f"source = {_toml_str(source)}\n"
        tables = [entry_table(entry_id=e.id, find=e.find, replace=e.replace, note=e.note,
                              flag=e.flag, examples=e.examples) for e in self.entries]
        return head + ("\n" + render_entries(tables) if tables else "")

    def _conflict_lines(self) -> list[str]:
        """Header lines about conflicts; dropped entries have no note, so they are listed."""
        if not self.conflicts:
            return []
        lines = [self.conflict_summary() + "."]
        lines.extend(f"Dropped {c.find!r} -> {c.replace!r}: {c.why}" for c in self.conflicts
                     if c.action == "dropped")
        return [_one_line(line) for line in lines]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _toml_str(value: str) -> str:
    import tomlkit

    return tomlkit.string(value).as_string()


def wilson_lower(good: int, total: int, z: float) -> float:
    if total == 0:
        return 0.0
    p = good / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - margin) / (1 + z * z / total)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words (with inner apostrophes) and single punctuation marks, with their offsets."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _changed_blocks(mt: list[str], pe: list[str]) -> list[tuple[int, int, int, int]]:
    """Maximal non-equal stretches of a word-level alignment: (mt i1, i2, pe j1, j2)."""
    blocks: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(mt, pe):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            i1, _, j1, _ = blocks[-1]
            blocks[-1] = (i1, op.src_end, j1, op.dest_end)
        else:
            blocks.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    return blocks


def _replacement_form(matched: str, pe_phrase: str, *, sentence_start: bool) -> str:
    """The replacement to store: lower case when its capital is only the sentence start's.

    The matcher makes a lower-case replacement follow the case of the matched text, so
    "The the" -> "The" is stored as "the". Elsewhere a capital is part of the word
    ("Otoman" -> "Ottoman") and is kept as written.
    """
    lower = pe_phrase.lower()
    if sentence_start and lower != pe_phrase and follow_case(matched, lower) == pe_phrase:
        return lower
    return pe_phrase


_FLAG_WHY = {
    "context-dependent": "Post-editors kept the phrase in some places, so context decides: "
                         "it is a flag; make it a fix (remove flag) only if it is always wrong.",
    "convention": "A {} change: house style, not an MT error, so it is a flag; make it a fix "
                  "(remove flag) only if your style guide says so.",
}


def _spelling_key(word: str) -> str:
    word = "".join(c for c in unicodedata.normalize("NFKD", word.lower())
                   if not unicodedata.combining(c))
    for pattern, repl in _SPELLING_RULES:
        word = pattern.sub(repl, word)
    return word


def convention_change(find: str, replace: str) -> str | None:
    """What kind of house-style change ``find -> replace`` is, or None if it is not one."""
    if find.lower() == replace.lower():
        return "capitalisation"
    if any(c.isdigit() for c in find) and (
            _NUMBER_SEPARATORS_RE.sub("", find) == _NUMBER_SEPARATORS_RE.sub("", replace)):
        # "10 000" -> "10,000"; also ".000" -> ",000" (the digits before are outside the key)
        return "digit grouping"
    a, b = find.lower().split(), replace.lower().split()
    if len(a) == len(b) and all(_spelling_key(x) == _spelling_key(y) for x, y in zip(a, b, strict=True)):
        return "spelling variant"
    return None


def learn_from_segments(mt_segments: Sequence[str], pe_segments: Sequence[str],
                        settings: LearnSettings | None = None, *, prefix: str = "learned",
                        progress: Callable[[str], None] | None = None,
                        against: Glossary | None = None) -> LearnResult:
    """Mine glossary entries from aligned MT and post-edited segments (same length, same order).

    ``against``: the glossaries the draft will run with (``mtfix glossary learn`` passes the
    shipped ones and its ``-g`` files, as ``mtfix fix`` loads them); examples are chosen where
    they make no change, and entries that conflict with them are dropped or narrowed
    (:func:`check_against`).
    """
    s = settings or LearnSettings()
    if len(mt_segments) != len(pe_segments):
        raise ValueError(f"MT has {len(mt_segments)} segments but the post-edit has "
                         f"{len(pe_segments)}: the files must be aligned line by line")
    say = progress or (lambda _m: None)
    mt_tokens = [tokenize(t) for t in mt_segments]
    pe_tokens = [tokenize(t) for t in pe_segments]

    # 1. Candidate substitutions from the word alignment, counted.
    counts: Counter[tuple[tuple[str, ...], str]] = Counter()
    surface: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    first_seen: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    unchanged_mask: list[list[bool]] = []
    for n, (mt, pe) in enumerate(zip(mt_tokens, pe_tokens, strict=True)):
        mt_words = [t[0] for t in mt]
        pe_words = [t[0] for t in pe]
        blocks = _changed_blocks(mt_words, pe_words)
        mask = [True] * len(mt)
        for i1, i2, _j1, _j2 in blocks:
            for i in range(i1, i2):
                mask[i] = False
            if i1 == i2 and i1 < len(mt):  # an insertion touches the words around it
                mask[i1] = False
                if i1 > 0:
                    mask[i1 - 1] = False
        unchanged_mask.append(mask)
        seen_here: set[tuple[tuple[str, ...], str]] = set()
        for i1, i2, j1, j2 in blocks:
            if i2 - i1 > s.max_words or j2 - j1 > s.max_words:
                continue
            for left in range(s.max_context + 1):
                for right in range(s.max_context + 1):
                    a, b = i1 - left, i2 + right
                    c, d = j1 - left, j2 + right
                    if a < 0 or c < 0 or b > len(mt) or d > len(pe) or a == b:
                        continue
                    if (i1 == i2 or j1 == j2) and left + right == 0:
                        continue  # a bare insertion has no find; a bare deletion leaves 2 spaces
                    key = tuple(mt_words[a:b])
                    if not any(_HAS_WORD_RE.search(w) for w in key):
                        continue
                    find = mt_segments[n][mt[a][1] : mt[b - 1][2]]
                    pe_phrase = pe_segments[n][pe[c][1] : pe[d - 1][2]] if c < d else ""
                    if pe_phrase.lower() == find.lower():
                        continue
                    replace = _replacement_form(find, pe_phrase, sentence_start=a == 0)
                    item = (key, replace)
                    if item in seen_here:
                        continue
                    seen_here.add(item)
                    counts[item] += 1
                    surface[key][find] += 1
                    if len(first_seen[item]) < 50:
                        first_seen[item].append(n)
    say(f"{len(counts)} distinct substitutions")

    # 2. The most frequent replacement per MT phrase, if it recurs.
    best: dict[tuple[str, ...], Candidate] = {}
    for (key, replace), count in counts.most_common():
        if count < s.min_count:
            break
        if key in best:
            continue
        best[key] = Candidate(key, surface[key].most_common(1)[0][0], replace, count)
    considered = len(best)
    say(f"{considered} recurring candidates")

    # 3. Every occurrence of each MT phrase: closer to the post-edit or not?
    longest = max((len(k) for k in best), default=0)
    for n, mt in enumerate(mt_tokens):
        words = [t[0] for t in mt]
        text, target = mt_segments[n], pe_segments[n]
        base = None
        for i in range(len(words)):
            for length in range(1, min(longest, len(words) - i) + 1):
                cand = best.get(tuple(words[i : i + length]))
                if cand is None:
                    continue
                start, end = mt[i][1], mt[i + length - 1][2]
                if base is None:
                    base = Levenshtein.distance(text, target)
                changed = text[:start] + follow_case(text[start:end], cand.replace) + text[end:]
                delta = Levenshtein.distance(changed, target) - base
                cand.seen += 1
                if all(unchanged_mask[n][i : i + length]):
                    cand.unchanged += 1
                if delta < 0:
                    cand.helps += 1
                elif delta > 0:
                    cand.hurts += 1

    selected = _select(best.values(), s)
    say(f"{len(selected)} candidates pass the thresholds")

    # 4. Re-check the selection with the real matcher, drop what falls below, add examples.
    untouched = _untouched_by(against) if against is not None else None
    entries, kept = _finalise(selected, mt_segments, pe_segments, s, prefix, first_seen, untouched)
    result = LearnResult(entries, kept, len(mt_segments), considered, s)
    return check_against(result, against) if against is not None else result


def _passes(c: Candidate, s: LearnSettings) -> bool:
    return c.helps >= s.min_count and wilson_lower(c.helps, c.helps + c.hurts, s.z) >= s.min_precision


def _select(candidates: Iterable[Candidate], s: LearnSettings) -> list[Candidate]:
    """Passing candidates; a context variant only when the shorter phrase inside it fails."""
    passing = sorted((c for c in candidates if _passes(c, s)), key=lambda c: (len(c.key), -c.count))
    kept: list[Candidate] = []
    for cand in passing:
        if any(_contains(cand.key, k.key) for k in kept):
            continue  # a shorter accepted phrase already makes this change
        kept.append(cand)
    return kept


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _entry_id(prefix: str, cand: Candidate, used: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(cand.key)).strip("-")[:40] or "phrase"
    entry_id = f"{prefix}.{slug}"
    number = 2
    while entry_id in used:
        entry_id = f"{prefix}.{slug}-{number}"
        number += 1
    used.add(entry_id)
    return entry_id


def _note(c: Candidate) -> str:
    return (f"Learned: post-editors changed {c.find!r} to {c.replace!r} {c.count} times; "
            f"the phrase occurs {c.seen} times, left unchanged {c.unchanged}; the change "
            f"brings the MT closer to the post-edit in {c.helps} of {c.helps + c.hurts} "
            f"(estimated precision {c.precision():.2f}).")


def _finalise(selected: list[Candidate], mt_segments: Sequence[str], pe_segments: Sequence[str],
              s: LearnSettings, prefix: str, first_seen: dict,
              untouched: Callable[[str], bool] | None = None,
              ) -> tuple[list[RawEntry], list[Candidate]]:
    """The entries that still pass with the real matcher, with real segments as examples
    (only segments that ``untouched`` accepts: the other glossaries leave them alone)."""
    used: set[str] = set()
    by_id: dict[str, Candidate] = {}
    for cand in selected:
        by_id[_entry_id(prefix, cand, used)] = cand
    fired: dict[str, list[int]] = {}
    for _round in range(3):
        entries = [RawEntry(id=i, find=(c.find,), replace=c.replace) for i, c in by_id.items()]
        # Chains and cycles make a second run change the text again: drop the rewritten entry.
        bad = {p.entry_id for p in lint_entries(entries) if p.code in ("chain", "cycle")}
        compiled = CompiledGlossary([e for e in entries if e.id not in bad])
        helps: Counter[str] = Counter()
        hurts: Counter[str] = Counter()
        fired = defaultdict(list)
        for n, text in enumerate(mt_segments):
            edits = compiled.find_edits(text)
            if not edits:
                continue
            target = pe_segments[n]
            base = Levenshtein.distance(text, target)
            for edit in edits:
                changed = text[: edit.start] + (edit.after or "") + text[edit.end :]
                delta = Levenshtein.distance(changed, target) - base
                if delta < 0:
                    helps[edit.rule] += 1
                    fired[edit.rule].append(n)
                elif delta > 0:
                    hurts[edit.rule] += 1
        survivors = {}
        for entry_id, cand in by_id.items():
            if entry_id in bad:
                continue
            cand.helps, cand.hurts = helps[entry_id], hurts[entry_id]
            if _passes(cand, s):
                survivors[entry_id] = cand
        if len(survivors) == len(by_id):
            break
        by_id = survivors
    # Examples: real segments where the entry fired and helped, shortest first.
    entries = [RawEntry(id=i, find=(c.find,), replace=c.replace, note=_note(c))
               for i, c in by_id.items()]
    for cand in by_id.values():
        cand.convention = convention_change(cand.find, cand.replace) if s.conventions_as_flags else None
        if cand.convention is None and cand.unchanged > s.max_unchanged_share * cand.seen:
            cand.convention = "context-dependent"
    shaped = [_shaped(entry, by_id[entry.id]) for entry in entries]
    # Examples are made by the draft as it loads: a flag changes nothing, but it still takes
    # part in the overlap selection, so it is compiled with the rest.
    compiled = CompiledGlossary(shaped)
    final: list[RawEntry] = []
    for entry in shaped:
        if entry.flag:
            final.append(entry)  # a flag cannot carry a positive example; the note says why
            continue
        segments = sorted(set(fired.get(entry.id, [])), key=lambda n: len(mt_segments[n]))
        examples: list[Example] = []
        for n in segments:
            text = mt_segments[n]
            if "\n" in text or len(text) > 300:
                continue
            fixed = _fix(compiled, text)
            if fixed != text and _fix(compiled, fixed) == fixed and (
                    untouched is None or (untouched(text) and untouched(fixed))):
                examples.append(Example(text, fixed))
            if len(examples) >= s.examples:
                break
        final.append(dataclasses.replace(entry, examples=tuple(examples)))
    return final, [by_id[e.id] for e in final]


def _shaped(entry: RawEntry, cand: Candidate) -> RawEntry:
    """The entry as written: a flag, with the reason in its note, for a convention change."""
    if cand.convention is None:
        return entry
    why = _FLAG_WHY.get(cand.convention, _FLAG_WHY["convention"]).format(cand.convention)
    return dataclasses.replace(entry, flag=True, note=f"{entry.note} {why}")


def _fix(compiled: CompiledGlossary, text: str) -> str:
    from mtfix.change import apply_edits

    return apply_edits(text, compiled.find_edits(text))


# -- reviewed change logs ------------------------------------------------------------------------
def learn_from_reviews(change_logs: Sequence[str | Path], decisions: Sequence[str | Path],
                       settings: LearnSettings | None = None, *,
                       prefix: str = "learned", against: Glossary | None = None) -> LearnResult:
    """Entries from reviewed runs: accepted changes vote for ``before -> after``, rejected
    ones against. Changes without a decision are not counted. ``against``: as in
    :func:`learn_from_segments`."""
    from mtfix.changelog import read_change_log
    from mtfix.review import ACCEPT, REJECT, read_decisions

    s = settings or LearnSettings()
    verdicts: dict[str, str] = {}
    for path in decisions:
        verdicts.update(read_decisions(path).decisions)
    cands: dict[tuple[str, ...], dict[str, Candidate]] = defaultdict(dict)
    rejected: Counter[tuple[str, ...]] = Counter()
    examples: dict[tuple[tuple[str, ...], str], list[Example]] = defaultdict(list)
    total = 0
    for path in change_logs:
        with open(path, encoding="utf-8") as stream:
            for change in read_change_log(stream, str(path)):
                verdict = verdicts.get(change.id)
                if verdict not in (ACCEPT, REJECT):
                    continue
                total += 1
                after = change.proposal if change.is_flag else change.after
                key = tuple(t[0] for t in tokenize(change.before))
                if after is None or not key or not _HAS_WORD_RE.search(change.before):
                    continue
                if verdict == REJECT:
                    rejected[key] += 1
                    continue
                replace = _replacement_form(change.before, after, sentence_start=False)
                cand = cands[key].setdefault(replace, Candidate(key, change.before, replace))
                cand.count += 1
                if len(examples[(key, replace)]) < s.examples:
                    examples[(key, replace)].append(Example(change.before, after))
    used: set[str] = set()
    chosen: list[tuple[Candidate, list[Example]]] = []
    for key, options in cands.items():
        ranked = sorted(options.values(), key=lambda c: -c.count)
        cand = ranked[0]
        cand.seen = sum(c.count for c in ranked) + rejected[key]
        cand.unchanged = rejected[key]
        cand.helps, cand.hurts = cand.count, cand.seen - cand.count
        if _passes(cand, s):
            chosen.append((cand, examples[(key, cand.replace)]))
    entries = [RawEntry(id=_entry_id(prefix, c, used), find=(c.find,), replace=c.replace,
                        note=_note(c).replace("the change brings the MT closer to the post-edit in",
                                              "reviewers accepted it in"))
               for c, _ in chosen]
    compiled = CompiledGlossary(entries)
    final = []
    for entry, (_cand, found) in zip(entries, chosen, strict=True):
        good = tuple(x for x in found if _fix(compiled, x.text) == x.fixed
                     and _fix(compiled, x.fixed) == x.fixed)
        final.append(RawEntry(id=entry.id, find=entry.find, replace=entry.replace,
                              note=entry.note, examples=good))
    result = LearnResult(final, [c for c, _ in chosen], total, len(cands), s)
    return check_against(result, against) if against is not None else result


# -- conflicts with the glossaries the draft runs with ---------------------------------------------
_ACTION_WORDS = {"dropped": "dropped", "flag": "turned into flags",
                 "example": "with examples left out"}


@dataclass(frozen=True, slots=True)
class Conflict:
    """What :func:`check_against` did to one learned entry, and why."""

    entry_id: str
    find: str
    replace: str
    action: str  # "dropped" | "flag" (turned into a flag) | "example" (examples left out)
    why: str


def _untouched_by(against: Glossary) -> Callable[[str], bool]:
    """Does ``against`` leave a text as it is? (A learned example it changes would draw an
    interaction warning on every run, so such segments are not chosen as examples.)"""
    compiled = against.compiled

    def untouched(text: str) -> bool:
        return _fix(compiled, text) == text
    return untouched


def check_against(result: LearnResult, against: Glossary, *,
                  path: str = "<learned>") -> LearnResult:
    """Drop or narrow the learned entries that conflict with the glossaries the draft will
    run with (``against``, loaded before it, as a run loads them).

    The draft is checked with those glossaries by the loader's own checks
    (:func:`~mtfix.glossary.checks.check_glossary_files`), and what they report decides:

    * the same find as an entry of theirs (another replacement, or the same one): dropped,
      since theirs is loaded first and always wins there (listed in the draft's header);
    * it changes an example of theirs, or rewrites a replacement of theirs, or theirs rewrites
      its replacement: turned into a flag (shown to a reviewer, never applied), its note says
      why; a flag that still gets in their way is dropped;
    * theirs change one of its examples: that example is left out (its note says so).

    Repeated until the draft raises no warning with them (a flag can unblock another entry).
    """
    entries = [dataclasses.replace(e, path=path) for e in result.entries]
    evidence = {e.id: c for e, c in zip(entries, result.candidates, strict=True)}
    conflicts: list[Conflict] = []
    theirs = {(find_key(e, f), e.replace): e for e in against.entries
              if e.match in ("phrase", "exact") for f in e.find}
    for last in (False, False, False, True):
        actions = _duplicate_finds(entries, theirs)
        if not actions:
            check = check_glossary_files([*against.files, GlossaryFile(path, entries)])
            _own_failures(check, path, actions)
            for warning in check.warnings:
                _conflict_action(warning, path, actions)
        if not actions:
            break
        if last:  # still in the way after narrowing: leave out what remains involved
            actions = {key: ("dropped", action[-1]) for key, action in actions.items()}
        entries = _apply_actions(entries, actions, conflicts)
    final = [dataclasses.replace(e, path="") for e in entries]
    return dataclasses.replace(result, entries=final, candidates=[evidence[e.id] for e in final],
                               conflicts=[*result.conflicts, *conflicts])


def _duplicate_finds(entries: Sequence[RawEntry],
                     theirs: dict[tuple[str | bytes, str], RawEntry]) -> dict[str, tuple]:
    """Learned entries whose find an entry of theirs already has (with the same replacement:
    the loader does not warn about that, but the learned entry would never fire)."""
    actions: dict[str, tuple] = {}
    for entry in entries:
        for find in entry.find:
            other = theirs.get((find_key(entry, find), entry.replace))
            if other is not None:
                actions[entry.id] = ("dropped", f"{other.where()} [{other.id}] already makes "
                                                "this change (it is loaded first)")
    return actions


def _own_failures(check, path: str, actions: dict[str, tuple]) -> None:
    """Examples the draft itself now fails (a flag made elsewhere changes the overlaps)."""
    for _index, entry, example, got in example_failures(check.matchers):
        if entry.path == path:
            actions.setdefault(entry.id, ("example", example, _one_line(
                f"with conflicting entries dropped or flagged, {example.text!r} gives {got!r}")))


def _conflict_action(warning: GlossaryWarning, path: str, actions: dict[str, tuple]) -> None:
    """What to do about one loader warning that involves exactly one learned entry."""
    mine, other = warning.entry.path == path, warning.other.path == path
    if mine == other:
        return  # between two learned entries (learn handles those) or two of theirs
    learned = warning.entry if mine else warning.other
    # as a note: "it changes the example of cn-official.toml:857 [id]: 'a' became 'b'"
    why = _one_line(f"it {warning.message}" if mine else f"{warning.entry.where()} "
                    f"[{warning.entry.id}] {warning.message}")
    for where in {warning.entry.path, warning.other.path} - {path, ""}:
        why = why.replace(where, Path(where).name)  # the note travels; the folder is local
    if warning.code == "conflict":
        actions.setdefault(learned.id, ("dropped", why))
    elif warning.code == "interaction" and other:
        actions.setdefault(learned.id, ("example", _example_of(learned, warning.text), why))
    elif learned.flag:  # a flag that still blocks one of theirs
        actions.setdefault(learned.id, ("dropped", why))
    else:
        actions.setdefault(learned.id, ("flag", why))


def _example_of(entry: RawEntry, text: str) -> Example | None:
    return next((x for x in entry.examples if text in (x.text, x.fixed)), None)


def _apply_actions(entries: list[RawEntry], actions: dict[str, tuple],
                   conflicts: list[Conflict]) -> list[RawEntry]:
    out = []
    for entry in entries:
        action = actions.get(entry.id)
        if action is None:
            out.append(entry)
            continue
        kind, why = action[0], action[-1]
        conflicts.append(Conflict(entry.id, entry.find[0], entry.replace, kind, why))
        if kind == "flag":
            out.append(dataclasses.replace(
                entry, flag=True, examples=tuple(x for x in entry.examples if x.is_negative),
                note=f"{entry.note} Turned into a flag, as it conflicts with a glossary it "
                     f"runs with: {why}; make it a fix only if that glossary is wrong there."))
        elif kind == "example":
            examples = tuple(x for x in entry.examples if x != action[1])
            if examples == entry.examples:  # the example is not found: leave all of them out
                examples = ()
            out.append(dataclasses.replace(
                entry, examples=examples,
                note=f"{entry.note} An example was left out: {why}."))
        # "dropped": left out; the draft's header lists it
    return out


def read_segments(path: str | Path, *, detokenize: bool = False, lang: str = "en") -> list[str]:
    """One segment per line (line ends stripped); optionally Moses-detokenized."""
    from mtfix.fileio import read_text

    lines = split_records(read_text(path))  # not splitlines: U+2028 is no line end here
    if not detokenize:
        return lines
    try:
        from sacremoses import MosesDetokenizer
    except ImportError:  # pragma: no cover - optional
        raise ImportError("--detokenize needs sacremoses: pip install sacremoses") from None
    detok = MosesDetokenizer(lang=lang)
    return [detok.detokenize(line.split()) for line in lines]


def check_draft(text: str, path: str = "<draft>", *, against: Glossary | None = None) -> None:
    """The draft must load as a v1 glossary with passing examples, after the glossaries it
    runs with (``against``), without a warning that concerns it (raises GlossaryError)."""
    draft = parse_toml(text, path)
    loaded = Glossary([*(against.files if against is not None else ()), draft])
    mine = [w for w in loaded.warnings if (w.entry.path == path) != (w.other.path == path)]
    if mine:
        raise GlossaryError(f"{len(mine)} warning(s) with the glossaries it runs with, the "
                            f"first: {mine[0]}", path=path)
