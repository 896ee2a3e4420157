"""Duplicated lines: a headline or line repeated on the next line (or after one blank line,
or after page-chrome lines) is kept once.

Web pages print the title twice (in the page header and above the article) and MT keeps
both. Only lines with at least two words and ten characters count, so list markers,
separators ("---") and one-word table cells that repeat on purpose are left alone.
"""

from __future__ import annotations

import itertools
from collections import Counter
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
        counts = Counter(keys)
        repeated = {k for k, c in counts.items() if c > 1 and k}
        if not repeated:  # no line occurs twice anywhere: done
            return []
        starts = [0, *itertools.accumulate(len(line) + 1 for line in lines)]
        transparent = self.transparent
        edits: list[Edit] = []
        # Only a line whose text occurs elsewhere can repeat the content line before it;
        # walk back from each such line over blank lines and page-chrome lines.
        for i in (i for i, key in enumerate(keys) if key in repeated):
            key = keys[i]
            if len(key) < MIN_CHARS or " " not in key or not any(c.isalpha() for c in key):
                continue
            if transparent is not None and transparent(lines[i] + "\n"):
                continue
            prev, blanks = i - 1, 0
            while prev >= 0:
                if not keys[prev]:
                    blanks += 1
                elif transparent is None or not transparent(lines[prev] + "\n"):
                    break
                prev -= 1
            if prev >= 0 and blanks <= 1 and keys[prev] == key:
                # Delete the earlier copy and what separates it from this one, so the
                # line keeps the blank-line layout that follows it.
                edits.append(Edit(starts[prev], starts[i], "", self.id,
                                  "line repeated right after itself"))
        return keep_clear(edits, guard)
