"""Tokenised hyphens, slashes and apostrophes: "grass - roots" -> "grass-roots", "year - on -
year" -> "year-on-year", "COVID - 19" -> "COVID-19", "and / or" -> "and/or", "100km / h" ->
"100km/h", "it ' s" -> "it's", "don 't" -> "don't", "do n't" -> "don't".

MT trained on tokenised text, and tokenised MT output, put spaces around the hyphens,
slashes and apostrophes inside words. A spaced hyphen is also a real dash ("the plan - announced
on Monday - was", "Headline - Xinhua"), so pieces are joined only where the joined form is
a word, never on the shape alone:

* hyphens, a chain of short word-like pieces (each at most 15 letters or digits, one space
  on each side of every hyphen) joined when: the first piece is a bound prefix (anti, co,
  cross, inter, multi, non, post, pre, pro, self, semi, sub, ...: "multi - party"); the
  chain is X-on-X, X-to-X or X-by-X ("year - on - year", "face - to - face"); a listed
  compound ("well - known", "long - term", "e - commerce", ``COMPOUNDS``); capitals and a
  number ("COVID - 19", "F - 35", "G - 20"); a number and a unit or a time ("three - day",
  "20 - year - old", "5 - star");
* slashes, "X / Y" joined when: the joined form is written elsewhere in the document; it is
  a listed pair ("and / or", "he / she", "his / her"); both pieces are one character ("I / O",
  "A / B") or numbers ("1 / 4", "06 / 03"); the second piece is a unit after a number or a
  unit ("100km / h", "yuan / person", "mL / g"); the slash is inside a URL ("https: / /
  example.com / p / 1");
* apostrophes, "X 's", "X ' s", "X' s", "don 't", "do n't" joined when the piece after the
  apostrophe is a contraction or the possessive ('s, 't, 're, 've, 'll, 'd, 'm; 're, 've,
  'll, 'd, 'm only after a pronoun; "n't" only in a listed contraction: "don't", "can't",
  "won't", ...); a quotation ("a 'weapon'", "students' reading") is never touched.

Other spaced hyphens between two lower-case words on a tokenised line (one that also has a
space before a comma or a full stop) are flagged with the join proposed ("decision - making").

A document that spaces a mark systematically is left alone for that mark (document traits,
decided once per document): slashes when it spaces at least five and writes none joined
("1 / 4", "km / h" and no "1/4"), hyphens when it spaces at least five and at least as many
as it joins. That is tokenised MT as a whole — a detokeniser's job; joining a few would leave
the document inconsistent, and the post-editors of such text (MLQE-PE, ACCEPT) keep the
spaces. Stray tokens in otherwise detokenised text (a few "grass - roots" among hundreds of
"year-on-year") are still joined.
"""

from __future__ import annotations

import re
from collections.abc import Container

import ahocorasick_rs as ac

from mtfix.change import Edit
from mtfix.passes.rules._forms import to_ascii
from mtfix.passes.rules._scan import find_all, line_spans
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, keep_clear

MAX_PIECE = 15
#: bound prefixes that are no English word on their own ("over", "super", "ex" are left
#: out: "it was over - he left" is a dash)
PREFIXES = frozenset("""
anti co cross e eco hyper inter intra macro micro mid multi neo non post pre pseudo quasi
self semi socio sub ultra vice x
""".split())
#: hyphenated compounds MT often spaces (lower case; joined form)
COMPOUNDS = frozenset("""
grass-roots well-known well-being well-off well-off well-established well-developed
long-term short-term medium-term mid-term long-standing long-distance high-quality high-tech
high-speed high-level high-end high-rise low-cost low-income low-carbon large-scale
small-scale medium-sized small-sized world-class first-class top-level first-hand
second-hand e-commerce e-mail e-sports state-owned non-profit full-time part-time
decision-making policy-making law-making peace-keeping record-breaking people-oriented
problem-oriented market-oriented export-oriented up-to-date state-of-the-art one-stop
all-round all-out all-time so-called anti-epidemic follow-up set-up start-up check-up
clean-up build-up step-by-step hand-in-hand mother-in-law father-in-law
""".split())
LINKS = frozenset({"on", "to", "by", "in", "for", "and"})
NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
fifty sixty hundred thousand half single double triple first second third
""".split())
UNITS = frozenset("""
year years month months week weeks day days hour hours minute minutes second seconds
km kilometer kilometre kilometers kilometres meter metre meters metres m cm mm kg g mg ton
tonne ml l litre liter storey story floor member party point page person people seat star
lane way fold time times old step piece part bed room door wheel sided level stage round
foot feet inch inches mile miles
""".split())
SLASH_PAIRS = frozenset({("and", "or"), ("he", "she"), ("his", "her"), ("him", "her"),
                         ("s", "he"), ("either", "or"), ("his", "hers"), ("yes", "no")})
SLASH_UNITS = frozenset("""
h hr hour s sec second min minute day week month year km m cm mm kg g mg ml l t ton kwh
person people capita head unit piece time times yuan
""".split())
PRONOUNS = frozenset("""
i you we they he she it that there what who where here how when let this
""".split())
NOT_CONTRACTIONS = frozenset({"do", "does", "did", "is", "are", "was", "were", "have", "has",
                              "had", "wo", "ca", "could", "would", "should", "must", "need",
                              "ai", "might", "sha", "dare"})
#: the words before 't in "don 't" (do + n't and its kin)
N_T_WORDS = frozenset({w + "n" for w in NOT_CONTRACTIONS - {"wo", "ca", "sha"}} | {
    "won", "can", "shan"})
#: words that show a spaced hyphen is a dash, not a compound ("year - more than", "wheels -
#: the floor"): no flag
DASH_WORDS = frozenset("""
a an the this that these those who which what more most and or but of in on at to is are
was were be it he she we they you i please so then also
""".split())
ARTICLES = frozenset("a an the of to in on at and or for with from by".split())

# One to three spaces: the spacing rule shrinks two or three to one in the same run, and a
# second run must find nothing new. "－" and "／" (full-width) count: the fullwidth rule maps them.
_HYPHEN_RE = re.compile(r"(?<![\w'’-])(\w{1,15})((?: {1,3}[-－] {1,3}\w{1,15})+)(?![\w'’-]| -\w)")
_HYPHEN_SPLIT_RE = re.compile(r" {1,3}[-－] {1,3}")
_SLASH_RE = re.compile(r"(?<![\w/'’])[\w.:]{1,30}(?: {1,3}[/／] {1,3}[\w.]{1,30})+(?![\w/])")
_SLASH_SPLIT_RE = re.compile(r" {1,3}[/／] {1,3}")
_URL_SLASHES_RE = re.compile(r"\b(?:https?|ftp) {0,3}: {0,3}[/／] {0,3}[/／] {0,3}"
                             r"[\w-]+(?:\.[\w-]+)*(?: {0,3}[/／] {0,3}[\w%~-]+(?:\.[\w%~-]+)*)*")
_URL_BLANKS_RE = re.compile(r" *([:/／]) *")
_DOMAIN_SLASHES_RE = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|cn|org|net|gov|edu|io|co)"
                                r"(?: {1,3}[/／] {1,3}[\w%~-]+(?:\.[\w%~-]+)*)+")
_APOS_RE = re.compile(r"(?<![\w'’])(\w+)(?: {1,3}['’] {0,3}| {0,3}['’] {1,3})(s|t|re|ve|ll|d|m)"
                      r"(?![^\W_]|['’])", re.I)
_NT_RE = re.compile(r"(?<![\w'’])(\w+) {1,3}(n['’]t)(?![^\W_]|['’])", re.I)
_TOKENISED_LINE_RE = re.compile(r"\w [,.](?: |$)", re.M)
_TOKEN_CHAR_RE = re.compile(r"[\w/]")
_HYPHEN_NEEDLES = (" -", " －")
_SLASH_NEEDLES = (" /", "/ ", "／")
_APOSTROPHE_NEEDLES = (" '", "' ", " ’", "’ ", " n'", " n’")
_NEEDLES = ac.AhoCorasick([*_HYPHEN_NEEDLES, *_SLASH_NEEDLES, *_APOSTROPHE_NEEDLES],
                          implementation=ac.Implementation.DFA)
_NEEDLE_TEXT = (*_HYPHEN_NEEDLES, *_SLASH_NEEDLES, *_APOSTROPHE_NEEDLES)
_NEEDLE_KIND = ([0] * len(_HYPHEN_NEEDLES) + [1] * len(_SLASH_NEEDLES)
                + [2] * len(_APOSTROPHE_NEEDLES))
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?[A-Za-z]{0,3}")


@register_rule
class TokenizedRule(BaseRule):
    id = "tokenized"
    description = ("Join tokenised hyphens, slashes and apostrophes where the joined form is a "
                   "word ('grass - roots', 'COVID - 19', 'and / or', \"don 't\"); a dash between "
                   "clauses stays.")
    default = True
    scope = "inline"
    line_local = True
    order = 42
    wants_traits = True

    def find(self, text: str, guard: SpanGuard, traits: frozenset[str] = frozenset()
             ) -> list[Edit]:
        # Each kind of join is looked for only on the lines where one automaton scan saw its
        # trigger (an apostrophe's only where a match holding it can start).
        found: tuple[list[int], list[int]] = ([], [])  # hyphens, slashes
        apostrophes: list[tuple[int, int]] = []  # (needle index, start)
        for index, start, _end in _NEEDLES.find_matches_as_indexes(text, overlapping=True):
            kind = _NEEDLE_KIND[index]
            if kind == 2:
                apostrophes.append((index, start))
            else:
                found[kind].append(start)
        # In a document that spaces a mark systematically, the spacing is its tokenisation,
        # not a stray token: a detokeniser undoes it whole; a few joins would make the
        # document inconsistent (and post-editors of such text keep the spaces).
        skip = ("spaced-hyphens" in traits, "spaced-slashes" in traits)
        edits: list[Edit] = []
        for kind, finder in enumerate((self._hyphens, self._slashes)):
            if found[kind] and not skip[kind]:
                edits += finder(text, line_spans(text, sorted(found[kind])))
        edits += self._apostrophes_at(text, apostrophes)
        return keep_clear(edits, guard)

    def _hyphens(self, text: str, lines: list[tuple[int, int]]) -> list[Edit]:
        edits = []
        for lo, hi in lines:
            for m in _HYPHEN_RE.finditer(text, lo, hi):
                # (full-width letters and digits in ASCII, as the fullwidth rule writes them)
                pieces = [to_ascii(m.group(1)),
                          *map(to_ascii, _HYPHEN_SPLIT_RE.split(m.group(2))[1:])]
                joined = "-".join(pieces)
                why = _compound_reason(pieces, joined.lower())
                if why:
                    edits.append(Edit(m.start(), m.end(), joined, self.id,
                                      f"tokenised hyphen ({why})"))
                elif len(pieces) == 2 and all(p.isalpha() and p.islower() and p not in DASH_WORDS
                                              for p in pieces) and \
                        _TOKENISED_LINE_RE.search(text, lo, hi) is not None:
                    edits.append(Edit(m.start(), m.end(), joined, self.id,
                                      "spaced hyphen on a tokenised line: a compound, or a dash?",
                                      flag=True))
        return edits

    def _slashes(self, text: str, lines: list[tuple[int, int]]) -> list[Edit]:
        """Web addresses, then "X / Y" chains. A form this rule writes counts as written in
        the text, so every spaced copy of it is joined in the same run ("km / h" after
        "100km / h", whichever comes first); else a second run would join the rest."""
        edits: list[Edit] = []
        chains: list[tuple[int, int, list[str]]] = []
        for lo, hi in lines:
            taken: list[tuple[int, int]] = []
            for pattern in (_URL_SLASHES_RE, _DOMAIN_SLASHES_RE):
                for m in pattern.finditer(text, lo, hi):
                    if any(s <= m.start() < e for s, e in taken):
                        continue
                    taken.append(m.span())
                    joined = to_ascii(_URL_BLANKS_RE.sub(r"\1", m.group()))
                    if joined != m.group():
                        edits.append(Edit(m.start(), m.end(), joined, self.id,
                                          "tokenised slashes in a web address"))
            for m in _SLASH_RE.finditer(text, lo, hi):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                pieces = [to_ascii(p) for p in _SLASH_SPLIT_RE.split(m.group())]
                if pieces[0] == pieces[0].rstrip(".:"):  # ("Note: / ...": no token)
                    chains.append((m.start(), m.end(), pieces))
        written = _Written(text)
        joined_at: dict[int, Edit] = {}
        while True:  # until no chain is joined because of a form joined in this run
            before = len(joined_at)
            for start, end, pieces in chains:
                if start in joined_at:
                    continue
                why = _slash_chain_reason(pieces, written)
                if why:
                    joined_at[start] = Edit(start, end, "/".join(pieces), self.id,
                                            f"tokenised slash ({why})")
                    written.made.add("/".join(pieces).lower())
            if len(joined_at) == before:
                return edits + list(joined_at.values())

    def _apostrophes(self, text: str, lines: list[tuple[int, int]]) -> list[Edit]:
        """The apostrophe joins on ``lines``, each pattern scanned along each line: the
        reference :meth:`_apostrophes_at` is tested against."""
        edits = []
        for lo, hi in lines:
            edits += filter(None, map(self._apostrophe_edit, _APOS_RE.finditer(text, lo, hi)))
            edits += filter(None, map(self._contraction_edit, _NT_RE.finditer(text, lo, hi)))
        return edits

    def _apostrophes_at(self, text: str, needles: list[tuple[int, int]]) -> list[Edit]:
        """What :meth:`_apostrophes` finds on the lines holding the (needle index, start)
        ``needles``, in the same order. Every match holds a needle (a blank beside its
        apostrophe, or before its "n't") and starts at the word before it, so each pattern
        is tried only there: tokenised MT has such a needle on one line in eight, and
        scanning those lines whole cost ~14 µs a line."""
        apostrophes, contractions = set(), set()
        for index, start in needles:
            needle = _NEEDLE_TEXT[index]
            if needle.startswith(" n"):
                contractions.add(_word_before(text, start + 1))
            else:
                apostrophes.add(_word_before(text, start + needle.index(needle.strip())))
        found = [(m, self._apostrophe_edit) for m in _matches_from(_APOS_RE, text, apostrophes)]
        found += [(m, self._contraction_edit) for m in _matches_from(_NT_RE, text, contractions)]
        # line by line, in each line the apostrophes' matches before the contractions'
        found.sort(key=lambda item: (text.rfind("\n", 0, item[0].start()),
                                     item[1] == self._contraction_edit, item[0].start()))
        return [edit for m, make in found if (edit := make(m)) is not None]

    def _apostrophe_edit(self, m: re.Match[str]) -> Edit | None:
        word, suffix = m.group(1), m.group(2)
        lower = suffix.lower()
        if lower == "t":
            ok = word.lower() in N_T_WORDS
        elif lower == "s":
            ok = word.lower() not in ARTICLES and not word.isdigit()
        else:
            ok = word.lower() in PRONOUNS
        if not ok:
            return None
        apostrophe = "’" if "’" in m.group() else "'"
        return Edit(m.start(), m.end(), f"{to_ascii(word)}{apostrophe}{suffix}", self.id,
                    "tokenised apostrophe")

    def _contraction_edit(self, m: re.Match[str]) -> Edit | None:
        if m.group(1).lower() not in NOT_CONTRACTIONS:
            return None
        return Edit(m.start(), m.end(), to_ascii(m.group(1)) + m.group(2), self.id,
                    "tokenised contraction")


def _word_before(text: str, at: int) -> int:
    """Where the word before the blanks before ``at`` starts (``at`` less the blanks when no
    word is there): the one start of a match of _APOS_RE or _NT_RE whose apostrophe or
    "n't" is at ``at``. (A word character is what ``\\w`` matches.)"""
    while at > 0 and text[at - 1] == " ":
        at -= 1
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
        at -= 1
    return at


def _matches_from(pattern: re.Pattern[str], text: str, starts: set[int]) -> list[re.Match[str]]:
    """What ``pattern.finditer`` finds on the lines holding ``starts``, given that every
    match starts at one of them: tried in order, each within its line, none overlapping an
    earlier match."""
    found: list[re.Match[str]] = []
    end = -1
    for start in sorted(starts):
        if start < end:
            continue
        line_end = text.find("\n", start)
        m = pattern.match(text, start, len(text) if line_end == -1 else line_end)
        if m is not None:
            found.append(m)
            end = m.end()
    return found


class _Written:
    """Is a joined form ("teachers/classmates") written in the text, or joined by this rule in
    this run? The slashed tokens of the text are collected only when a chain has no other
    reason to be joined, from the places str.find sees a slash."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.made: set[str] = set()
        self._tokens: set[str] | None = None

    def __contains__(self, form: str) -> bool:
        if form in self.made:
            return True
        if self._tokens is None:
            self._tokens = _slashed_tokens(self.text)
        return form in self._tokens


def _slashed_tokens(text: str) -> set[str]:
    """Every token of the text with a slash between word characters ("km/h", "a/b/c"), lower
    case."""
    tokens: set[str] = set()
    end = -1
    for at in find_all(text, ("/",)):
        if at <= end or not (0 < at < len(text) - 1 and text[at - 1].isalnum()
                             and text[at + 1].isalnum()):
            continue
        start = at
        while start > 0 and _TOKEN_CHAR_RE.match(text, start - 1):
            start -= 1
        end = at
        while end < len(text) and _TOKEN_CHAR_RE.match(text, end):
            end += 1
        tokens.add(text[start:end].strip("/").lower())
    return tokens


def _compound_reason(pieces: list[str], joined: str) -> str:
    """Why the spaced pieces make one hyphenated word, or "" if they may be a dash. (That the
    text writes the joined form elsewhere is no evidence: Chinese MT glues dashes to words,
    "the black hole-30 kilometers away".)"""
    lower = [p.lower() for p in pieces]
    if joined in COMPOUNDS:
        return "a listed compound"
    if lower[0] in PREFIXES and len(pieces) == 2 and pieces[1].isalpha() and \
            pieces[1].islower() and len(pieces[1]) >= 3:
        return f"prefix {pieces[0]}-"
    if len(pieces) == 3 and lower[1] in LINKS and lower[0] == lower[2] and pieces[1].islower():
        return f"X-{lower[1]}-X"
    if len(pieces) == 2 and pieces[0].isupper() and pieces[0].isalpha() and len(pieces[0]) <= 6 and \
            pieces[1].isdigit() and len(pieces[1]) <= 4:
        return "a name and a number"
    if (lower[0] in NUMBER_WORDS or lower[0].isdigit()) and lower[1] in UNITS and \
            all(p.islower() for p in pieces[1:]) and (len(pieces) == 2 or (
                len(pieces) == 3 and lower[2] == "old")):
        return "a number and a unit"
    return ""


def _slash_chain_reason(pieces: list[str], written: Container[str]) -> str:
    """Why "a / b / c" is one token: numbers only ("06 / 03 / 2012"), or two pieces that
    :func:`_slash_reason` accepts. Longer chains of words are lists ("financial / accounting /
    construction"), left alone."""
    if all(p.isdigit() and len(p) <= 4 for p in pieces):
        return "numbers"
    return _slash_reason(pieces[0], pieces[1], written) if len(pieces) == 2 else ""


def _slash_reason(first: str, second: str, written: Container[str]) -> str:
    """Why "first / second" is one token, or "" if the slash may separate two things."""
    a, b = first.lower(), second.lower()
    if f"{a}/{b}" in written:
        return "written joined elsewhere in the text"
    if (a, b) in SLASH_PAIRS:
        return "a listed pair"
    if len(first) == 1 and len(second) == 1 and first.isalnum() and second.isalnum():
        return "one character each side"
    if first.isdigit() and second.isdigit() and len(first) <= 4 and len(second) <= 4:
        return "numbers"
    if b in SLASH_UNITS and (_NUMBER_RE.fullmatch(first) is not None or a in SLASH_UNITS):
        return "a rate"  # "100km / h", "3.5kg / day", "yuan / person", "mL / g"
    return ""
