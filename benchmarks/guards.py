"""Guards of the model rewrite, measured with human rewrites and with harmful ones.

No real model runs here. Each MLQE-PE segment gives a pair (MT, human post-edit): the
post-edit is offered to :func:`mtfix.rewrite.check_rewrite` as if a model had rewritten the MT
(a good rewrite, which the guards should let through), and corrupted copies of the post-edit
are offered the same way (harmful rewrites, which they should stop). Segments whose post-edit
equals the MT are left out (there is no rewrite to judge).

Harm kinds (each applied only where it can be: a sentence without a number gets no "number"
harm; one corruption per segment and kind, chosen with a fixed seed). A guard sees the MT and
the rewrite, never the post-edit, so a harm is a harm against the MT: each kind is offered only
where the corrupted text says something the MT says differently (``tests/test_guards_benchmark.py``):

* ``number``: one digit of a number changed;
* ``negation``: a negator dropped ("not", "never", "no", "n't") where the corrupted text then
  has fewer negators than the MT, or one added ("is" → "is not") where it then has more;
* ``polarity``: a word swapped for its opposite ("increase" → "decrease", "before" → "after");
* ``modality``: certainty changed ("may" → "will", "must" → "may");
* ``quantifier``: "all" → "some", "always" → "sometimes" and the like;
* ``name``: a name (a capitalised word opening no sentence) replaced by one from another
  segment that neither the post-edit nor the MT has;
* ``pronoun``: a pronoun replaced by such a name ("He said" → "Putin said");
* ``swap``: subject and object exchanged (two names apart, or the nouns either side of the
  verb), two words the MT has in the same order (:func:`in_mt_order`): swapped, they stand in
  the reverse of the MT's order;
* ``unit``: a unit or currency the MT has changed ("km" → "miles", "dollars" → "euros");
* ``list-item``: one item of a comma list dropped;
* ``claim``: a short claim added ("..., which was later denied");
* ``third``: a third of the sentence (a run of words) dropped;
* ``unrelated``: another segment's post-edit.

For polarity, modality, quantifier, unit, list-item and third, the word traded or a content
word dropped is one the MT has more often than the corrupted text (:func:`_loses_mt_word`):
taking out a word the post-editor added, or one said elsewhere as often as the MT says it,
leaves a rewrite that says what the MT says.

The polarity, modality and quantifier harms draw on word lists written for this benchmark;
they overlap the guard's lists, so what they measure is the mechanism (a swap within a known
pair is caught), not how many of the language's opposites the guard knows.

Overfitting is guarded against by splitting: the guards are tuned on the train split of three
pairs (``TUNE_PAIRS``: et-en, ne-en, ro-en) and reported on dev (all pairs) and on the two
pairs held out from tuning (``HELD_OUT_PAIRS``: ru-en, si-en), dev and train; ``--summary``
prints them side by side. ``--source`` gives the guards the source sentence too, as the
model pass does for PO, XLIFF, TMX and ``--source`` (names of the source may then come in).

    python benchmarks/guards.py                       # dev, all five pairs, ~3 minutes
    python benchmarks/guards.py --summary             # tuning set, dev, held out; ~9 minutes
    python benchmarks/guards.py --split train --pairs et-en,ro-en --limit 600 --show name:accepted
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtfix.rewrite.guards import check_rewrite  # noqa: E402

PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


#: the pairs the guards were tuned on (their train split), and the pairs held out from tuning
TUNE_PAIRS = ("et-en", "ne-en", "ro-en")
HELD_OUT_PAIRS = ("ru-en", "si-en")


@dataclass(frozen=True)
class Segment:
    pair: str
    mt: str
    pe: str
    src: str = ""


def load_segments(data: Path, split: str, limit: int | None,
                  pairs: tuple[str, ...] = PAIRS) -> list[Segment]:
    """Detokenized (MT, post-edit, source) triples whose MT and post-edit differ, ``limit``
    per language pair."""
    from sacremoses import MosesDetokenizer

    detok = MosesDetokenizer("en")
    segments = []
    for pair in pairs:
        folder = data / "mlqe-pe" / pair
        source_detok = MosesDetokenizer(pair.split("-")[0])
        mt_lines = (folder / f"{split}.mt").read_text(encoding="utf-8").splitlines()
        pe_lines = (folder / f"{split}.pe").read_text(encoding="utf-8").splitlines()
        src_lines = (folder / f"{split}.src").read_text(encoding="utf-8").splitlines()
        taken = 0
        for mt, pe, src in zip(mt_lines, pe_lines, src_lines, strict=True):
            mt_text, pe_text = detok.detokenize(mt.split()), detok.detokenize(pe.split())
            if mt_text == pe_text or not mt_text.strip() or not pe_text.strip():
                continue
            segments.append(Segment(pair, mt_text, pe_text, source_detok.detokenize(src.split())))
            taken += 1
            if limit and taken >= limit:
                break
    return segments


# --- harm generators: (post-edit, MT, rng, every post-edit) -> corrupted copy or None -------

Harm = Callable[[str, str, random.Random, list[str]], "str | None"]


def _words(text: str) -> list[re.Match[str]]:
    return list(WORD_RE.finditer(text))


def _replace(text: str, match: re.Match[str] | tuple[int, int], new: str) -> str:
    start, end = (match.start(), match.end()) if isinstance(match, re.Match) else match
    return text[:start] + new + text[end:]


def _same_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def harm_number(text: str, _mt: str, rng: random.Random, _: list[str]) -> str | None:
    digits = [m for m in re.finditer(r"\d", text)]
    if not digits:
        return None
    m = rng.choice(digits)
    new = str((int(m.group()) + rng.randint(1, 8)) % 10)
    return _replace(text, m, new)


NEGATORS = ("not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without")
AUXILIARIES = ("is", "are", "was", "were", "can", "will", "would", "should", "could", "has",
               "have", "had", "does", "did", "must", "may", "might")


def _negator_count(text: str) -> int:
    return sum(1 for m in _words(text)
               if m.group().lower() in NEGATORS or m.group().lower().endswith("n't"))


def harm_negation(text: str, mt: str, rng: random.Random, _: list[str]) -> str | None:
    """A negator dropped where the MT has more of them than the corrupted text (dropping one
    the post-editor added restores the MT), or one added where the corrupted text then has
    more than the MT."""
    words = _words(text)
    negators = [m for m in words if m.group().lower() in NEGATORS or m.group().lower().endswith("n't")]
    dropped = [_drop_negator(text, m) for m in negators]
    dropped = [new for new in dropped if _negator_count(new) < _negator_count(mt)]
    if dropped and rng.random() < 0.5:
        return rng.choice(dropped)
    auxiliaries = [m for m in words if m.group().lower() in AUXILIARIES]
    if not auxiliaries or _negator_count(text) + 1 <= _negator_count(mt):
        return None
    m = rng.choice(auxiliaries)
    if m.group().lower() == "can":
        return _replace(text, m, m.group() + "not")
    return _replace(text, m, m.group() + " not")


def _drop_negator(text: str, m: re.Match[str]) -> str:
    word = m.group()
    if word.lower().endswith("n't"):
        stem = word[:-3]
        stem = {"wo": "will", "ca": "can", "sha": "shall"}.get(stem.lower(), stem)
        return _replace(text, m, stem)
    # drop the negator and the space after it
    end = m.end() + (1 if text[m.end():m.end() + 1] == " " else 0)
    return _replace(text, (m.start(), end), "")


def _pairs(spec: str) -> dict[str, str]:
    """'a/b c/d' -> {a: b, b: a, c: d, d: c}."""
    table = {}
    for pair in spec.split():
        a, b = pair.split("/")
        table.setdefault(a, b)
        table.setdefault(b, a)
    return table


POLARITY = _pairs("""
increase/decrease increased/decreased increases/decreases increasing/decreasing
rise/fall rose/fell rising/falling risen/fallen grow/shrink grew/shrank growth/decline
more/less most/least higher/lower highest/lowest larger/smaller largest/smallest
bigger/smaller biggest/smallest greater/lesser high/low large/small big/small
before/after above/below over/under inside/outside internal/external upper/lower
win/lose won/lost wins/loses victory/defeat success/failure successful/unsuccessful
accept/reject accepted/rejected allow/forbid allowed/forbidden permitted/prohibited
support/oppose supported/opposed agree/disagree agreed/refused include/exclude
included/excluded open/closed opened/closed start/end started/ended begin/finish
began/finished first/last early/late earlier/later earliest/latest strong/weak
stronger/weaker good/bad better/worse best/worst positive/negative rich/poor
old/new older/newer oldest/newest young/old major/minor maximum/minimum north/south
northern/southern east/west eastern/western legal/illegal possible/impossible
known/unknown true/false right/wrong easy/difficult cheap/expensive fast/slow
long/short longer/shorter longest/shortest hot/cold warm/cold dead/alive love/hate
friend/enemy friends/enemies always/never gain/loss gained/lost profit/loss
import/export imported/exported imports/exports buy/sell bought/sold arrive/leave
arrived/left entered/left male/female men/women husband/wife father/mother son/daughter
brother/sister king/queen day/night summer/winter left/right top/bottom up/down
""")
MODALITY = _pairs("""
may/will might/will could/would must/may should/may can/must possibly/certainly
probably/certainly likely/unlikely perhaps/certainly
""")
QUANTIFIER = _pairs("""
all/some every/some always/sometimes many/few most/few often/rarely
everyone/someone everything/something entire/partial whole/part only/also both/either
""")


def _word_counts(text: str) -> Counter[str]:
    return Counter(m.group().lower() for m in _words(text))


def _loses_mt_word(candidates: list[str], corrupted: str, mt: str) -> bool:
    """One of ``candidates`` (words the harm took out) is a word the MT has more often than
    ``corrupted``: against the MT, something it says is gone. A word the post-editor had
    added, taken out again, leaves a rewrite that says what the MT says, which is no harm a
    guard comparing the rewrite with the MT can or should see."""
    in_mt, in_corrupted = _word_counts(mt), _word_counts(corrupted)
    return any(in_corrupted[w.lower()] < in_mt[w.lower()] for w in candidates)


def _harm_from_table(table: dict[str, str], *, anchored: bool) -> Harm:
    """Swap a word of ``table`` for its partner; ``anchored``: only a word the MT has too."""
    def harm(text: str, mt: str, rng: random.Random, _: list[str]) -> str | None:
        found = [m for m in _words(text) if m.group().lower() in table]
        changed = [_replace(text, m, _same_case(m.group(), table[m.group().lower()]))
                   for m in found]
        if anchored:  # the word is one the MT has, and has more often than the corrupted text
            changed = [new for m, new in zip(found, changed, strict=True)
                       if _loses_mt_word([m.group()], new, mt)]
        return rng.choice(changed) if changed else None
    return harm


PRONOUNS = ("he", "she", "they", "him", "her", "them", "his", "their")


def harm_pronoun(text: str, mt: str, rng: random.Random, others: list[str]) -> str | None:
    """A pronoun resolved into a name the text never gave ("He stressed" → "Putin stressed")."""
    pronouns = [m for m in _words(text) if m.group().lower() in PRONOUNS]
    if not pronouns:
        return None
    m = rng.choice(pronouns)
    for _ in range(50):
        names = [n.group() for n in _names(rng.choice(others))
                 if n.group().lower() not in text.lower() and n.group().lower() not in mt.lower()]
        if names:
            name = rng.choice(names)
            return _replace(text, m, name + ("'s" if m.group().lower() in ("his", "their") else ""))
    return None


def _names(text: str) -> list[re.Match[str]]:
    """Capitalised words that open no sentence (neither the text nor one after . ! ? :) and
    are not "I", "I'm" ...: a capitalised word opening a sentence ("And", "Thus", "Glory!") is
    no name, and replacing it is no name harm."""
    found = []
    for m in _words(text)[1:]:
        word = m.group()
        if (word[0].isupper() and len(word) > 1 and not word.isupper()
                and not re.search(r"[.!?:]\W*$", text[:m.start()])
                and not re.match(r"I['’]", word)):
            found.append(m)
    return found


def harm_name(text: str, mt: str, rng: random.Random, others: list[str]) -> str | None:
    """A name replaced by one of another segment that neither the post-edit nor the MT has."""
    names = _names(text)
    if not names:
        return None
    m = rng.choice(names)
    for _ in range(50):
        candidates = _names(rng.choice(others))
        candidates = [c.group() for c in candidates
                      if c.group().lower() not in text.lower() and c.group().lower() not in mt.lower()]
        if candidates:
            return _replace(text, m, rng.choice(candidates))
    return None


FUNCTION_WORDS = frozenset("""
a an the this that these those it its he she they we you i his her their our my your him them us
in on at by for from with to of as into onto about over under between through during after before
and or but so if than then because while when where which who whom whose what how why
is are was were be been being has have had do does did will would shall should can could may might must
not no nor also very more most much many some any all each every such only own same other another
there here out up down off again further once just too even still yet
""".split())


def _is_content(word: str) -> bool:
    return word.lower() not in FUNCTION_WORDS and len(word) > 2 and not word.isdigit()


def _harm_swap(*, anchored: bool) -> Harm:
    """``anchored``: only two words the MT has, in the order the post-edit has them."""
    def harm(text: str, mt: str, rng: random.Random, others: list[str]) -> str | None:
        return swap(text, rng, mt if anchored else None)
    return harm


def in_mt_order(first: str, second: str, mt: str) -> bool:
    """The MT has both words, every ``first`` before every ``second`` (case folded): swapped,
    they are in the reverse of the MT's order. A swap of two words the post-editor had turned
    round puts them back as the MT has them: against the MT, no swap."""
    sequence = [m.group().lower() for m in _words(mt)]
    at_first = [i for i, w in enumerate(sequence) if w == first.lower()]
    at_second = [i for i, w in enumerate(sequence) if w == second.lower()]
    return bool(at_first and at_second) and max(at_first) < min(at_second)


def _stem(word: str) -> str:
    """``word`` folded, without a possessive ("Russia's" and "Russia" are one name)."""
    return re.sub(r"['’]s$", "", word.lower())


def _apart(between: str) -> bool:
    """Two names with words between them (one name of two words, "Abdel Nasser", is not two
    names), not only "and"/"or" and function words: "the Titanic and the Olympic" trade
    places saying the same."""
    found = [w.group().lower() for w in _words(between)]
    coordinated = any(w in ("and", "or") for w in found) and all(w in FUNCTION_WORDS for w in found)
    return bool(found) and not coordinated


def swap(text: str, rng: random.Random, mt: str | None) -> str | None:
    """Exchange two names apart (:func:`_apart`: "Russia closer to Belarus"), else the
    content words either side of a verb ("is", "was", a word in -ed).
    ``mt``: if given, the MT must have both words in the same order (:func:`in_mt_order`)."""
    def ok(first: str, second: str) -> bool:
        return mt is None or in_mt_order(first, second, mt)

    names = _names(text)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
             if _stem(a.group()) != _stem(b.group()) and ok(a.group(), b.group())
             and _apart(text[a.end():b.start()])]
    if pairs:
        first, second = rng.choice(pairs)
        return (text[:first.start()] + second.group() + text[first.end():second.start()]
                + first.group() + text[second.end():])
    words = _words(text)
    for i, m in enumerate(words[1:-1], start=1):
        w = m.group().lower()
        if not (w in ("is", "are", "was", "were") or (w.endswith("ed") and len(w) > 4)):
            continue
        subject = next((x for x in reversed(words[:i]) if _is_content(x.group())), None)
        obj = next((x for x in words[i + 1:] if _is_content(x.group())
                    and not x.group().lower().endswith(("ed", "ing", "ly"))), None)
        if (subject is None or obj is None or subject.group().lower() == obj.group().lower()
                or not ok(subject.group(), obj.group())):
            continue
        return (text[:subject.start()] + _same_case(subject.group(), obj.group().lower())
                + text[subject.end():obj.start()] + _same_case(obj.group(), subject.group().lower())
                + text[obj.end():])
    return None


UNITS = _pairs("""
km/miles kilometres/miles kilometers/miles kilometre/mile kilometer/mile metres/feet meters/feet
metre/foot meter/foot m/ft cm/inches centimetres/inches mm/cm kg/pounds kilograms/pounds
kilogram/pound tonnes/pounds tons/kilograms grams/ounces litres/gallons liters/gallons
hectares/acres square/cubic dollars/euros dollar/euro euros/pounds yuan/dollars rupees/dollars
roubles/dollars rubles/dollars lei/euros percent/degrees hours/minutes minutes/seconds
days/weeks weeks/months months/years years/months centuries/decades century/decade
decades/years hour/minute day/week week/month month/year year/month
""")
CURRENCY_SIGNS = {"$": "€", "€": "$", "£": "$", "%": " degrees"}


def _harm_unit(*, anchored: bool) -> Harm:
    """A unit or currency changed; ``anchored``: only a unit word or sign the MT has more
    often than the corrupted text."""
    def harm(text: str, mt: str, rng: random.Random, _: list[str]) -> str | None:
        found: list[tuple[str, str]] = [
            (m.group(), _replace(text, m, _same_case(m.group(), UNITS[m.group().lower()])))
            for m in _words(text) if m.group().lower() in UNITS]
        if anchored:
            found = [(old, new) for old, new in found if _loses_mt_word([old], new, mt)]
        signs = [(c, text[:i] + CURRENCY_SIGNS[c] + text[i + 1:]) for i, c in enumerate(text)
                 if c in CURRENCY_SIGNS]
        found += [(c, new) for c, new in signs if not anchored or new.count(c) < mt.count(c)]
        return rng.choice(found)[1] if found else None
    return harm


LIST_ITEM_RE = re.compile(r"(?<=[\w\")]), ([^,;:.()\"]{2,40}?)(?=,| and | or )")


def _drops_what_mt_says(piece: str, corrupted: str, mt: str) -> bool:
    """``piece``, dropped, holds a content word the MT has more often than ``corrupted``
    (:func:`_loses_mt_word`): dropping only what the post-editor added, or a word said again
    elsewhere as often as the MT says it, leaves a rewrite that says what the MT says."""
    return _loses_mt_word([m.group() for m in _words(piece) if _is_content(m.group())],
                          corrupted, mt)


def _harm_list_item(*, anchored: bool) -> Harm:
    """Drop one middle item of ``A, B, and C`` / ``A, B and C``; ``anchored``: an item holding
    a content word of the MT that the corrupted text then lacks (:func:`_drops_what_mt_says`)."""
    def harm(text: str, mt: str, rng: random.Random, _: list[str]) -> str | None:
        dropped = [(m, text[:m.start()] + text[m.end():]) for m in LIST_ITEM_RE.finditer(text)]
        if anchored:
            dropped = [(m, new) for m, new in dropped if _drops_what_mt_says(m.group(), new, mt)]
        return rng.choice(dropped)[1] if dropped else None
    return harm


CLAIMS = (
    ", which was later denied by the government",
    ", according to unconfirmed reports",
    " for the first time in history",
    ", making it the largest in the world",
    " despite strong public opposition",
    ", killing two people",
    " under pressure from foreign governments",
    ", the police said",
    " without the approval of parliament",
    " after secret negotiations",
)


def harm_claim(text: str, _mt: str, rng: random.Random, _: list[str]) -> str | None:
    body = text.rstrip()
    cut = len(body.rstrip(".!?\"”'"))
    if cut == 0:
        return None
    return body[:cut] + rng.choice(CLAIMS) + body[cut:] + text[len(body):]


def _harm_third(*, anchored: bool) -> Harm:
    """Drop a run of a third of the words; ``anchored``: a run holding a content word of the
    MT that the corrupted text then lacks (:func:`_drops_what_mt_says`; each start tried in a
    random order)."""
    def harm(text: str, mt: str, rng: random.Random, _: list[str]) -> str | None:
        words = _words(text)
        if len(words) < 3:
            return None
        n = max(1, round(len(words) / 3))
        starts = list(range(0, len(words) - n + 1))
        rng.shuffle(starts)
        for first in starts:
            start, end = words[first].start(), words[first + n - 1].end()
            new = re.sub(r"  +", " ", text[:start] + text[end:]).strip()
            if not anchored or _drops_what_mt_says(text[start:end], new, mt):
                return new
        return None
    return harm


def harm_unrelated(text: str, _mt: str, rng: random.Random, others: list[str]) -> str | None:
    for _ in range(50):
        other = rng.choice(others)
        if other != text and abs(len(other) - len(text)) < max(10, len(text) // 3):
            return other
    return rng.choice(others)


HARMS: dict[str, Harm] = {
    "number": harm_number,
    "negation": harm_negation,
    "polarity": _harm_from_table(POLARITY, anchored=True),
    "modality": _harm_from_table(MODALITY, anchored=True),
    "quantifier": _harm_from_table(QUANTIFIER, anchored=True),
    "name": harm_name,
    "pronoun": harm_pronoun,
    "swap": _harm_swap(anchored=True),
    "unit": _harm_unit(anchored=True),
    "list-item": _harm_list_item(anchored=True),
    "claim": harm_claim,
    "third": _harm_third(anchored=True),
    "unrelated": harm_unrelated,
}
#: The same corruptions on any word of the post-edit, including words the MT does not have
#: (the post-editor brought them in). A guard sees only the MT and the rewrite, so an opposite
#: of a word the MT never had, or a swap of such words, looks like any other new wording.
BLIND_SPOTS: dict[str, Harm] = {
    "polarity, any word": _harm_from_table(POLARITY, anchored=False),
    "modality, any word": _harm_from_table(MODALITY, anchored=False),
    "quantifier, any word": _harm_from_table(QUANTIFIER, anchored=False),
    "swap, any words": _harm_swap(anchored=False),
    "unit, any word": _harm_unit(anchored=False),
    "list-item, any item": _harm_list_item(anchored=False),
    "third, any words": _harm_third(anchored=False),
}


# --- the measurement ------------------------------------------------------------------------

@dataclass
class Tally:
    offered: int = 0
    accepted: int = 0
    # harms only: offered / accepted among the segments whose post-edit was accepted
    offered_when_good: int = 0
    accepted_when_good: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    #: (MT, rewrite, why rejected or "", whether the post-edit was accepted)
    examples: list[tuple[str, str, str, bool]] = field(default_factory=list)


def measure(segments: list[Segment], seed: int, with_source: bool = False) -> dict[str, Tally]:
    """Every rewrite offered to the guards; ``with_source``: they see the source sentence too
    (as for PO, XLIFF, TMX and ``--source``)."""
    harms = {**HARMS, **BLIND_SPOTS}
    tallies = {"post-edit": Tally(), **{kind: Tally() for kind in harms}}
    others = [s.pe for s in segments]
    for index, segment in enumerate(segments):
        source = segment.src if with_source else None
        _, rejection = check_rewrite(segment.mt, segment.pe, source=source)
        good = rejection is None
        _count(tallies["post-edit"], segment.mt, segment.pe, rejection, good)
        for kind, harm in harms.items():
            rng = random.Random(f"{seed}:{index}:{kind}")
            bad = harm(segment.pe, segment.mt, rng, others)
            if bad is None or bad == segment.pe or bad == segment.mt:
                continue
            _, rejection = check_rewrite(segment.mt, bad, source=source)
            tally = tallies[kind]
            _count(tally, segment.mt, bad, rejection, good)
            if good:
                tally.offered_when_good += 1
                tally.accepted_when_good += rejection is None
    return tallies


def _count(tally: Tally, before: str, after: str, rejection, good: bool) -> None:
    tally.offered += 1
    if rejection is None:
        tally.accepted += 1
    else:
        tally.rejected[rejection.guard] += 1
    tally.examples.append((before, after, str(rejection or ""), good))


def table(tallies: dict[str, Tally], kinds: list[str]) -> str:
    rows = ["| rewrite offered | segments | accepted | accepted where the post-edit was | "
            "rejected by (guard: count) |",
            "|---|---:|---:|---:|---|"]
    for kind in kinds:
        tally = tallies[kind]
        label = "the human post-edit" if kind == "post-edit" else f"harm: {kind}"
        share = f"{tally.accepted / tally.offered:.1%}" if tally.offered else "–"
        when_good = ("" if kind == "post-edit" else
                     f"{tally.accepted_when_good / tally.offered_when_good:.1%}"
                     if tally.offered_when_good else "–")
        guards = ", ".join(f"{g} {n}" for g, n in tally.rejected.most_common())
        rows.append(f"| {label} | {tally.offered:,} | {share} | {when_good} | {guards} |")
    return "\n".join(rows)


def by_pair(segments: list[Segment], tally: Tally) -> dict[str, float]:
    """Share of post-edits accepted per language pair (examples are in segment order)."""
    accepted: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for segment, (_, _, why, _) in zip(segments, tally.examples, strict=True):
        total[segment.pair] += 1
        accepted[segment.pair] += not why
    return {pair: accepted[pair] / total[pair] for pair in total}


def swaps_restoring_mt_order(segments: list[Segment], tally: Tally) -> tuple[int, int]:
    """(accepted swaps whose two words are in the MT's order, accepted swaps of one pair of
    words): a swap made on a post-edit that had turned the two words round puts them back as
    the MT has them, which a guard comparing the rewrite with the MT cannot call a swap."""
    by_mt = {s.mt: s for s in segments}
    restored = judged = 0
    for before, after, why, _ in tally.examples:
        if why:
            continue
        segment = by_mt.get(before)
        if segment is None:
            continue
        pe_words = [m.group().lower() for m in _words(segment.pe)]
        bad_words = [m.group().lower() for m in _words(after)]
        changed = [k for k, (a, b) in enumerate(zip(pe_words, bad_words, strict=False)) if a != b]
        if len(pe_words) != len(bad_words) or len(changed) != 2:
            continue
        first, second = pe_words[changed[0]], pe_words[changed[1]]
        mt_words = [m.group().lower() for m in _words(segment.mt)]
        if first in mt_words and second in mt_words:
            judged += 1
            restored += mt_words.index(second) < mt_words.index(first)
    return restored, judged


#: (column label, split, language pairs, segments per pair or None for all, with the source)
SUMMARY_SETS = (
    ("tuned on: train, et/ne/ro", "train", TUNE_PAIRS, 600, False),
    ("dev, all pairs", "dev", PAIRS, None, False),
    ("dev, held out: ru/si", "dev", HELD_OUT_PAIRS, None, False),
    ("train, held out: ru/si", "train", HELD_OUT_PAIRS, 600, False),
    ("dev, all pairs, with the source", "dev", PAIRS, None, True),
)


def summary(data: Path, seed: int) -> None:
    """Share accepted per kind of rewrite on the tuning set, on dev and on the held-out pairs
    (dev and train), and on dev with the source sentence given to the guards."""
    columns = []
    for label, split, pairs, limit, with_source in SUMMARY_SETS:
        segments = load_segments(data, split, limit, pairs)
        columns.append((label, len(segments), measure(segments, seed, with_source)))
    kinds = ["post-edit", *HARMS, *BLIND_SPOTS]
    print("| rewrite offered | " + " | ".join(f"{label} ({n:,})" for label, n, _ in columns)
          + " |")
    print("|---|" + "---:|" * len(columns))
    for kind in kinds:
        label = "the human post-edit" if kind == "post-edit" else f"harm: {kind}"
        cells = [f"{t[kind].accepted / t[kind].offered:.1%}" if t[kind].offered else "–"
                 for _, _, t in columns]
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--pairs", default=",".join(PAIRS), help="language pairs, e.g. ru-en,si-en")
    parser.add_argument("--limit", type=int, default=None, help="segments per language pair")
    parser.add_argument("--source", action="store_true",
                        help="the guards see the source sentence too (as for PO/XLIFF/TMX)")
    parser.add_argument("--summary", action="store_true",
                        help="accepted shares on the tuning set, dev, the held-out pairs and with "
                             "the source, side by side (several minutes)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", action="append", default=[], metavar="KIND:accepted|rejected",
                        help="print examples, e.g. post-edit:rejected or negation:accepted")
    parser.add_argument("--examples", type=int, default=15)
    args = parser.parse_args()
    if args.summary:
        started = time.perf_counter()
        summary(args.data, args.seed)
        print(f"\n{time.perf_counter() - started:.0f} s")
        return

    started = time.perf_counter()
    pairs = tuple(args.pairs.split(","))
    segments = load_segments(args.data, args.split, args.limit, pairs)
    tallies = measure(segments, args.seed, args.source)
    seconds = time.perf_counter() - started
    print(f"MLQE-PE {args.split}, {', '.join(pairs)}: {len(segments):,} segments whose post-edit "
          f"differs from the MT (detokenized); seed {args.seed}; "
          f"{'with' if args.source else 'without'} the source sentence; {seconds:.1f} s\n")
    print(table(tallies, ["post-edit", *HARMS]))
    print("\nPost-edits accepted by language pair: " + ", ".join(
        f"{pair} {share:.0%}" for pair, share in by_pair(segments, tallies["post-edit"]).items()))
    restored, judged = swaps_restoring_mt_order(segments, tallies["swap"])
    print(f"\nSwaps accepted: {judged} where one pair of words traded places; in {restored} of "
          "them the two words are in the MT's order again (the post-editor had turned them "
          "round, the harm turns them back: no swap against the MT)")
    print("\nBlind spots (corruptions of words the MT does not have):\n")
    print(table(tallies, list(BLIND_SPOTS)))
    for spec in args.show:
        show_examples(tallies, spec, args.examples, args.seed)


def show_examples(tallies: dict[str, Tally], spec: str, count: int, seed: int) -> None:
    """``KIND:accepted``, ``KIND:rejected``, ``KIND:accepted-good`` (accepted where the
    post-edit was accepted too), or ``KIND:GUARD`` (rejected by that guard)."""
    kind, _, which = spec.partition(":")
    which = which or "rejected"
    pool = [e for e in tallies[kind].examples
            if (which == "accepted" and not e[2]) or (which == "rejected" and e[2])
            or (which == "accepted-good" and not e[2] and e[3])
            or e[2].startswith(which + ":")]
    print(f"\n## {kind} {which}: {len(pool)}")
    for before, after, why, _ in random.Random(seed).sample(pool, min(count, len(pool))):
        print("  MT:  " + before)
        print("  NEW: " + after)
        if why:
            print("  WHY: " + why)
        print()


if __name__ == "__main__":
    main()
