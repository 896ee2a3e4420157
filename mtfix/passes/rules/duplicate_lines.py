"""Duplicated lines: a headline or line repeated on the next line (or after one blank line,
or after page-chrome lines) is kept once.

Web pages print the title twice (in the page header and above the article) and MT keeps
both. Only lines with at least two words and ten characters count, so list markers,
separators ("---") and one-word table cells that repeat on purpose are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from mtfix.change import Edit
from mtfix.passes.rules.common import SpanGuard, keep_clear

MIN_CHARS = 10


class DuplicateLinesRule:
    id = "duplicate_lines"
    description = "Keep once a line repeated on the next line (or after a blank line)."
    default = True
    flag_only = False

    def __init__(self) -> None:
        #: lines that do not separate two copies (page chrome that another rule deletes)
        self.transparent: Callable[[str], bool] | None = None

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        lines = text.split("\n")
        keys = [line.strip() for line in lines]
        nonblank = [k for k in keys if k]
        if len(set(nonblank)) == len(nonblank):  # no line occurs twice anywhere: done
            return []
        edits: list[Edit] = []
        starts = []
        pos = 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        transparent = self.transparent
        prev = -1  # index of the last content line
        blanks = 0
        for i, key in enumerate(keys):
            if not key:
                blanks += 1
                continue
            if transparent is not None and transparent(lines[i] + "\n"):
                continue
            if (prev >= 0 and blanks <= 1 and key == keys[prev] and len(key) >= MIN_CHARS
                    and " " in key and any(c.isalpha() for c in key)):
                # Delete the earlier copy and what separates it from this one, so the
                # line keeps the blank-line layout that follows it.
                edits.append(Edit(starts[prev], starts[i], "", self.id,
                                  "line repeated right after itself"))
            prev, blanks = i, 0
        return keep_clear(edits, guard)
