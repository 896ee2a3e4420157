"""Sentences of a text, as spans (offsets into the text), for the model rewrite.

The model sees one sentence at a time: that is what sentence-level grammar models are trained
on, it keeps generation short, and a rejected rewrite loses one sentence's proposal, not a
paragraph's. Splitting uses pysbd (rule-based, handles abbreviations such as "Dr." and "No. 5",
decimals and initials; deterministic; no model download). A sentence never crosses a line
break: MT output is mostly one paragraph per line, and headings have no final full stop.

pysbd returns sentence strings; we locate each one in the line in order (``str.find`` from the
previous end), which is exact because with ``clean=False`` pysbd does not alter the text.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

_LINE_RE = re.compile(r"[^\r\n]+")


class Sentence(NamedTuple):
    start: int
    end: int
    text: str


def require_sentence_splitter() -> str | None:
    """None when pysbd can be imported, else the one line saying what to install (every
    backend needs it: the pass works sentence by sentence)."""
    import importlib.util

    if importlib.util.find_spec("pysbd") is None:
        return 'the model rewrite splits sentences with pysbd: pip install pysbd (or "mtfix[model]")'
    return None


@functools.lru_cache(maxsize=4)
def _segmenter(language: str):
    import pysbd

    return pysbd.Segmenter(language=language, clean=False, char_span=False)


def split_sentences(text: str, *, language: str = "en") -> list[Sentence]:
    """The sentences of ``text`` (leading/trailing whitespace excluded), in order.

    Lines with no letter or digit (rules, bullets, blank lines) give no sentence.
    """
    sentences: list[Sentence] = []
    segmenter = _segmenter(language)
    for line in _LINE_RE.finditer(text):
        body = line.group()
        if not any(c.isalnum() for c in body):
            continue
        sentences.extend(_split_line(body, line.start(), segmenter))
    return sentences


def _split_line(body: str, offset: int, segmenter) -> list[Sentence]:
    found_sentences: list[Sentence] = []
    pos = 0
    for piece in segmenter.segment(body):
        stripped = piece.strip()
        if not stripped:
            continue
        found = body.find(stripped, pos)
        if found == -1:
            # pysbd altered the text after all: treat the whole line as one sentence rather
            # than guess offsets.
            stripped = body.strip()
            start = offset + body.index(stripped)
            return [Sentence(start, start + len(stripped), stripped)]
        start = offset + found
        found_sentences.append(Sentence(start, start + len(stripped), stripped))
        pos = found + len(stripped)
    return found_sentences
