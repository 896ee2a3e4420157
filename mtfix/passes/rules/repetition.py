"""Repeated-phrase collapse: "never say anything, never say anything" -> "never say anything".

Neural MT falls into loops: a word or a phrase of up to eight words comes out two or more
times in a row, with spaces or commas between ("Rival Rival Rival ...", "my lady, my lady,
my lady", "of the descendants of the descendants of the descendants"). The rule keeps the
first occurrence and deletes the copies (with the separators before them), so text outside
the run stays byte-identical.

What it leaves alone, because real English does it (measured on MLQE-PE and ACCEPT
post-edits, see ``benchmarks/quality.py``):

* doubles that are grammar or idiom: "that that", "had had", "what it is is", "bye bye",
  "so so", "very very", "no no", "ha ha" (``ALLOWED_DOUBLES``);
* a single word repeated twice across a comma ("it, it", "Father, Father", "you, you"):
  clause boundaries and vocatives; three or more copies are still a loop;
* exactly two copies of a capitalised word with identical spelling ("Sirhan Sirhan",
  "Walla Walla", "Duran Duran"): reduplicated names; these are flagged, not changed;
* numbers ("1 1", "20, 20" in lists and tables).

Speed: one compiled pattern with possessive quantifiers over the text; the phrase is grown
one word at a time (lazy), so the shortest period wins and "Rival Rival Rival" collapses to
one "Rival", not to a block of eight.
"""

from __future__ import annotations

import re

from mtfix.change import Edit
from mtfix.passes.rules.common import SpanGuard, keep_clear

MAX_WORDS = 8

# A word: letters/digits, with inner apostrophes or hyphens ("don't", "Joule-Thomson").
_WORD = r"[^\W_]++(?:['’\-][^\W_]++)*+"
_SEP = r"(?:[ \t]*+[,;][ \t]*+|[ \t]++)"
_RUN_RE = re.compile(
    rf"(?<![\w'’\-])({_WORD}(?:[ \t]++{_WORD}){{0,{MAX_WORDS - 1}}}?)"
    rf"((?:{_SEP}\1(?![\w]|['’\-][^\W_]))++)",
    re.IGNORECASE,
)
_SEP_RE = re.compile(_SEP)
_INNER_GAP_RE = re.compile(r"[ \t]+")
_PUNCT_SEP_RE = re.compile(r"[,;]")

# Doubles that English uses on purpose (two copies only, any case, space or comma between).
ALLOWED_DOUBLES = frozenset({
    "that", "had", "is", "bye", "so", "very", "no", "yes", "ha", "haha", "hee", "ho", "ta",
    "tut", "chop", "knock", "boo", "now", "well", "there", "come", "go", "many", "far",
    "long", "much", "more", "again", "really", "never", "oh", "ah", "hear", "pretty", "tsk",
    "cha", "ooh", "aah", "uh", "huh", "hip", "mm", "hmm", "night", "quick", "wait", "please",
    "dum", "tom", "la", "na", "da", "do", "be", "bla", "blah", "yada", "yeah", "same", "pom",
    "pooh", "goody", "tick", "tock", "ding", "dong", "buzz", "knock knock", "bye bye",
    "thank you", "over and", "more and", "again and", "round and", "on and", "step by",
})


class RepetitionRule:
    id = "repetition"
    description = ("Collapse a word or phrase (1-8 words) repeated in a row: "
                   "'never say anything, never say anything' -> 'never say anything'.")
    default = True
    flag_only = False

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        edits: list[Edit] = []
        for m in _RUN_RE.finditer(text):
            edit = self._edit_for(text, m)
            if edit is not None:
                edits.append(edit)
        return keep_clear(edits, guard)

    def _edit_for(self, text: str, m: re.Match[str]) -> Edit | None:
        phrase, copies_text = m.group(1), m.group(2)
        if not any(c.isalpha() for c in phrase):
            return None  # numbers in lists: "1 1", "2019, 2019"
        words = phrase.split()
        copies = 1 + len(_SEP_RE.findall(copies_text)) if len(words) == 1 else \
            1 + copies_text.lower().count(phrase.lower())
        keep_end, end = m.start() + len(phrase), m.end()
        # A run that goes on with the start of the phrase ("the ninth volume of the ninth
        # volume of the ninth volume") is a loop with a rotated period: keep that head once
        # and delete whole periods, so that no copy is left (a second run changes nothing).
        head = _partial_head(text, end, phrase)
        if head:
            return Edit(m.start() + head, end + (_SEP_RE.match(text, end).end() - end) + head,
                        "", self.id,
                        f"phrase looped {copies}x and more (period of {len(words)} words)",
                        flag=copies < 3)
        if copies == 2 or (len(words) == 1 and _PUNCT_SEP_RE.search(copies_text)):
            # Measured on post-edited MT (benchmarks/quality.py): two copies, and a single
            # word repeated across commas, are changed by post-editors in other ways too often
            # (precision about 0.7), so they are flagged with the collapse as the proposal.
            if phrase.lower() in ALLOWED_DOUBLES or _rotated_idiom(phrase):
                return None
            if copies == 2 and len(words) == 1 and _PUNCT_SEP_RE.search(copies_text):
                return None  # "it, it", "Father, Father": clause boundary or vocative
            if copies == 2 and ";" in copies_text:
                return None  # "is the same; the same is": a clause boundary
            return Edit(keep_end, end, "", self.id,
                        f"{'word' if len(words) == 1 else 'phrase'} repeated {copies}x: "
                        "delete the copies if this is an MT loop (a name such as 'Sirhan "
                        "Sirhan' or an emphasis stays)", flag=True)
        return Edit(keep_end, end, "", self.id,
                    f"{'word' if len(words) == 1 else 'phrase'} repeated {copies}x in a row")


def _rotated_idiom(phrase: str) -> bool:
    """ "more and more and", "over and over and": the X-and-X idiom seen mid-run."""
    words = phrase.lower().split()
    return len(words) == 2 and ("and" in words or "or" in words or "by" in words)


def _partial_head(text: str, pos: int, phrase: str) -> int:
    """Length of the longest proper word-prefix of ``phrase`` that follows the run at ``pos``
    after a separator (with a word boundary after it), or 0."""
    sep = _SEP_RE.match(text, pos)
    if sep is None or (" " not in phrase and "\t" not in phrase):
        return 0
    at = sep.end()
    best = 0
    for gap in _INNER_GAP_RE.finditer(phrase):
        j = gap.start()
        if text[at : at + j].lower() != phrase[:j].lower():
            break
        nxt = text[at + j : at + j + 2]
        if nxt[:1].isalnum() or nxt[:1] == "_" or (nxt[:1] in "'’-" and nxt[1:2].isalnum()):
            continue
        best = j
    return best
