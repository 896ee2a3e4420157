"""A cheap "this sentence looks garbled" score, to choose what ``--rewrite flagged`` sends.

Running a model over every sentence is slow and every rewrite is a risk, so by default only
sentences that an earlier pass flagged, or that show one of these signals, go to the model.
Each signal is a pattern typical of raw MT output (tested on the shipped sample and MLQE-PE);
none needs a dictionary or a model:

* ``lowercase-start``: the sentence starts with a lower-case letter ("meeting Discussion ...").
* ``capitalised-adverb``: a capitalised ``-ly`` word inside the sentence ("..., Conscientiously
  implement"): adverbs are not names, so the capital is a segmentation/MT artefact.
* ``repeated-word``: the same word twice in a row ("the the", "Rival Rival").
* ``space-before-punct``: a space before , . ; : ! ? (tokenised MT output).
* ``unbalanced``: an opening bracket or quote without its partner.
* ``untranslated``: CJK, Cyrillic or Arabic letters left in the English text.
"""

from __future__ import annotations

import re

_LOWER_START_RE = re.compile(r"^[\"“'‘(\[]*[a-z]")
_CAP_ADVERB_RE = re.compile(r"(?<=[\w,;] )[A-Z][a-z]{3,}ly\b")
_REPEATED_RE = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_SPACE_PUNCT_RE = re.compile(r"\w [,.;:!?](?:\s|$)")
_FOREIGN_RE = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))
# Repeats that are correct English ("had had", "that that") are not a signal.
_FINE_REPEATS = frozenset({"had", "that", "is", "do", "very", "bye", "no", "so", "ha"})


def suspicion(sentence: str) -> list[str]:
    """The names of the signals found in ``sentence`` (empty: looks fine)."""
    found = []
    if _LOWER_START_RE.match(sentence):
        found.append("lowercase-start")
    if _CAP_ADVERB_RE.search(sentence):
        found.append("capitalised-adverb")
    if any(m.group(1).lower() not in _FINE_REPEATS and not m.group(1).isdigit()
           for m in _REPEATED_RE.finditer(sentence)):
        found.append("repeated-word")
    if _SPACE_PUNCT_RE.search(sentence):
        found.append("space-before-punct")
    if (any(sentence.count(a) != sentence.count(b) for a, b in _PAIRS)
            or sentence.count('"') % 2):
        found.append("unbalanced")
    if _FOREIGN_RE.search(sentence):
        found.append("untranslated")
    return found
