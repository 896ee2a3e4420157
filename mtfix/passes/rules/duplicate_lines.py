"""Duplicated lines: a headline or line repeated on the next line (or after one blank line,
or after page-chrome lines) is kept once.

Web pages print the title twice (in the page header and above the article) and MT keeps
both. Only lines with at least two words and ten characters count, so list markers,
separators ("---") and one-word table cells that repeat on purpose are left alone.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence

from mtfix.change import Edit
from mtfix.passes.rules.base import BaseRule, Rule, register_rule
from mtfix.passes.rules.common import SpanGuard, keep_clear

MIN_CHARS = 10
#: A copy further up is proposed (flagged) when at most this many lines with text, each of at
#: most ``MAX_WORDS_BETWEEN`` words, separate it from the line (date and source lines).
MAX_LINES_BETWEEN = 2
MAX_WORDS_BETWEEN = 15


@register_rule
class DuplicateLinesRule(BaseRule):
    id = "duplicate_lines"
    description = ("Keep once a line repeated on the next line (or after a blank or page-chrome "
                   "line); flag a line repeated after at most two short lines (a page title "
                   "printed again above the article).")
    scope = "line"
    line_local = True
    order = 20

    def __init__(self) -> None:
        #: lines that do not separate two copies (page chrome that another rule deletes)
        self.transparent: Callable[[str], bool] | None = None

    def bind(self, rules: Sequence[Rule]) -> None:
        """See through lines another line rule deletes in the same run (a chrome line between
        two copies of a headline): else a second run would find a new duplicate."""
        deleters = [r.deletes_whole_line for r in rules if r is not self and r.scope == "line"
                    and type(r).deletes_whole_line is not BaseRule.deletes_whole_line]
        if len(deleters) == 1:
            self.transparent = deleters[0]
        elif deleters:
            self.transparent = lambda line: any(d(line) for d in deleters)

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
                continue
            earlier = self._copy_above_metadata(keys, i, prev)
            if earlier is not None:
                # A page title printed again above the article, with the date/source line
                # between ("Title / Published: 2024-02-02 Source: ... / Title"). The lines
                # between could as well be a stanza before a refrain, so this is only
                # proposed: delete the second copy (the title stays first).
                end = min(starts[i + 1], len(text))
                edits.append(Edit(starts[i], end, "", self.id,
                                  f"line repeated {i - earlier} lines below itself, after "
                                  "short lines only (a page title printed again above the "
                                  "article?): delete this copy if so", flag=True))
        # A flag changes nothing, so it may cover text an earlier pass wrote (the glossary
        # often fixes an official name inside a repeated title).
        return keep_clear([e for e in edits if not e.flag], guard) + [e for e in edits if e.flag]

    def _copy_above_metadata(self, keys: list[str], i: int, prev: int) -> int | None:
        """The line above ``i`` (at most ``MAX_LINES_BETWEEN`` lines with text between, each
        short) that is the same as line ``i``, or None."""
        transparent = self.transparent
        between = 0
        j = prev
        while j >= 0:
            if not keys[j]:
                j -= 1
                continue
            if keys[j] == keys[i]:
                return j if between else None  # between == 0: the adjacent case, done above
            if transparent is None or not transparent(keys[j] + "\n"):
                between += 1
                if between > MAX_LINES_BETWEEN or len(keys[j].split()) > MAX_WORDS_BETWEEN:
                    return None
            j -= 1
        return None
