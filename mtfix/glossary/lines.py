"""Line deletions of page furniture: the ``line`` key of phrase entries that delete.

Web-page chrome ("Return to top", "[Print] [Close]", "Copyright © ...") is deleted with its
line, so that no blank line or double space is left behind. ``line`` says where an entry may
delete (see docs/glossary-format.md, "Line deletions"):

* ``whole``: only a line made of nothing but the entry's phrases (spaces, brackets
  ``[]【】``, ``|``, ``/`` and commas between and around them, a colon after each);
* ``start``: also a line that starts with one of them (spaces or an opening bracket before
  it), whatever follows on the line;
* ``bracketed``: also a phrase in brackets inside a line (a page button), deleted with its
  brackets and the spaces before it.

A whole line goes with its line break; the last line of a text goes with the line breaks
before it (at most ``MAX_BREAKS_BEFORE``) instead, so the text does not end in a blank line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtfix.textutil import is_word_char

LINE_MODES = ("whole", "start", "bracketed")
MAX_BREAKS_BEFORE = 3
_SPACE = "[^\\S\\r\\n]"
_COLON = "[:\uff1a]"
# what may stand between and around the phrases of a line of furniture
_FILLER = frozenset(" \t\xa0\u3000[]\u3010\u3011|/,\uff0c")
_OPENERS = "[\u3010(\uff08"
_BRACKETS = {"[": "]", "\u3010": "\u3011"}


def phrases_regex(phrases: Sequence[str], *, case_sensitive: bool) -> re.Pattern[str]:
    """One of ``phrases`` as whole words (longest first), and a colon after it if any."""
    alternatives = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = f"{_SPACE}+".join(map(re.escape, phrase.split()))
        if is_word_char(phrase[:1]):
            body = r"(?<!\w)" + body
        if is_word_char(phrase[-1:]):
            body += r"(?!\w)"
        alternatives.append(body)
    flags = "" if case_sensitive else "(?i)"
    return re.compile(f"{flags}(?:{'|'.join(alternatives)})(?:{_SPACE}*{_COLON})?")


def only_phrases(phrases: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Is text[start:end] nothing but ``phrases`` (at least one) and filler between them?

    Read left to right, a phrase where one starts, else one filler character: linear in the
    line, where one regex for the whole line could backtrack exponentially (a filler
    character such as "[" may also start a phrase such as "[Top]").
    """
    found = False
    pos = start
    while pos < end:
        match = phrases.match(text, pos, end)
        if match is not None and match.end() > pos:
            pos = match.end()
            found = True
        elif text[pos] in _FILLER or text[pos].isspace():
            pos += 1
        else:
            return False
    return found


def line_of(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the line(s) holding text[start:end], without the final line break."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end


def whole_line(text: str, line_start: int, line_end: int) -> tuple[int, int]:
    """The span that deletes a line: with its line break, or, for the last line of the text,
    with the line breaks before it (so the text does not end in a blank line)."""
    if line_end < len(text):
        return line_start, line_end + 1
    start = line_start
    for _ in range(MAX_BREAKS_BEFORE):
        if text.endswith("\r\n", 0, start):
            start -= 2
        elif text.endswith("\n", 0, start):
            start -= 1
        else:
            break
    return start, line_end


def deletion_span(mode: str, phrases: re.Pattern[str], text: str, start: int, end: int
                  ) -> tuple[int, int] | None:
    """What a match text[start:end] of a ``line`` entry deletes, or None where it may not
    (``phrases``: the entry's ``phrases_regex``)."""
    line_start, line_end = line_of(text, start, end)
    content_end = line_end - 1 if text.endswith("\r", 0, line_end) else line_end
    if only_phrases(phrases, text, line_start, content_end):
        return whole_line(text, line_start, line_end)
    before = text[line_start:start]
    if mode == "start" and not before.strip(" \t\xa0" + _OPENERS):
        return whole_line(text, line_start, line_end)
    if mode == "bracketed":
        return _bracketed(text, start, end, line_start, content_end)
    return None


def _bracketed(text: str, start: int, end: int, line_start: int, line_end: int
               ) -> tuple[int, int] | None:
    """The span of a bracketed button "[Print]" around text[start:end] (or the match itself,
    when the phrase holds its brackets), with the spaces before it (after it, when the button
    starts the line), or None if it is not in brackets."""
    if text[start] in _BRACKETS and text[end - 1] == _BRACKETS[text[start]]:
        span_start, span_end = start, end
    else:
        opening = start
        while opening > line_start and text[opening - 1] in " \t\xa0":
            opening -= 1
        if opening == line_start or text[opening - 1] not in _BRACKETS:
            return None
        closing = end
        while closing < line_end and text[closing] in " \t\xa0":
            closing += 1
        if closing == line_end or text[closing] != _BRACKETS[text[opening - 1]]:
            return None
        span_start, span_end = opening - 1, closing + 1
    while span_start > line_start and text[span_start - 1] in " \t\xa0":
        span_start -= 1
    if span_start == line_start:  # the button starts the line: the spaces after it go
        while span_end < line_end and text[span_end] in " \t\xa0":
            span_end += 1
    return span_start, span_end
