"""Chinese characters left in English text: "I'm at #ADDRESS #，美新里那个分店", "a US倡议424.4
million initiative", "General Secretary 　 's speech" (an ideographic space where MT dropped a
name) are flagged, one flag per run of such characters, with no proposal: a reviewer
translates or deletes them.

What counts: Han characters (the CJK ideograph blocks), CJK symbols and punctuation (U+3000 to
U+303F: the ideographic space, 〇, 々, 〜, 《》「」 ...) and, next to those, full-width
punctuation (，：！ ...). A run spans the spaces and curly quotes between such characters. Full-width
punctuation and brackets that stand in English on their own (``Source：``, ``【Edit】``) are
the ``fullwidth`` rule's, not this one's.

Never flagged:

* a line that is mostly Chinese (more Han characters than Latin letters): a source line left
  in, a quotation in Chinese, a bilingual page;
* a bilingual label: a line that is one run of Han characters and a few English words beside
  it, separated by a space, ``|``, ``/`` or a dash ("新闻中心 News Center", "Home | 首页").

Measured on the 12 WMT22 zh-en system outputs: every flag lands on text a reader of the
English cannot read (see ``docs/guide/rules.md``), so the rule is on by default; it only flags.
"""

from __future__ import annotations

import re

from mtfix.change import Edit
from mtfix.passes.rules._forms import HAN
from mtfix.passes.rules._scan import cjk_positions, line_spans
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.common import SpanGuard, keep_clear

_HAN = HAN
# CJK symbols and punctuation the fullwidth rule maps or flags on its own in English text.
FULLWIDTH_OWN = "、。〈〉《》「」『』【】〔〕〖〗"
_CJK_PUNCT = "\u3000-\u303f"
_FULLWIDTH = "\uff01-\uff65\uffe0-\uffe6\ufe30-\ufe4f"
#: characters a run may hold; a run must hold at least one for which _is_core is true
# (spaces and curly quotes only between two of them: 或搜索“介观生科”公众号 is one run)
_RUN_RE = re.compile(f"[{_HAN}{_CJK_PUNCT}{_FULLWIDTH}](?:[ \\t“”‘’]*[{_HAN}{_CJK_PUNCT}{_FULLWIDTH}])*")
_HAN_RE = re.compile(f"[{_HAN}]")
_HAN_RUN_RE = re.compile(f"[{_HAN}](?:[ \\t]*[{_HAN}])*")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
#: at most this many English words beside the Han run make a line a bilingual label
LABEL_WORDS = 6
_LABEL_SEPARATORS = " \t|/-–—"


def _is_core(char: str) -> bool:
    """A character that makes a run Chinese: a Han character, or CJK punctuation the
    ``fullwidth`` rule does not take care of (the ideographic space, 〇, 々, 〜 ...)."""
    if _HAN_RE.match(char):
        return True
    return "\u3000" <= char <= "\u303f" and char not in FULLWIDTH_OWN


def cjk_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The runs of Chinese text in ``text[start:end]`` (spans), as this rule sees them; the
    ``fullwidth`` rule leaves the punctuation inside them alone."""
    end = len(text) if end is None else end
    return [m.span() for m in _RUN_RE.finditer(text, start, end)
            if any(_is_core(c) for c in m.group())]


def mostly_chinese(line: str) -> bool:
    """A line with more Han characters than Latin letters, or a bilingual label."""
    han = len(_HAN_RE.findall(line))
    return han > len(_LATIN_RE.findall(line)) or _bilingual_label(line)


def _bilingual_label(line: str) -> bool:
    """One run of Han characters at one end of the line, a few English words at the other,
    a space, "|", "/" or a dash between them, nothing else ("新闻中心 News Center",
    "Home | 首页"). An English sentence with Chinese glued to it is no label ("I'm at the
    shop，美新里那个分店": the full-width comma joins them)."""
    runs = list(_HAN_RUN_RE.finditer(line))
    if len(runs) != 1:
        return False
    before, after = line[: runs[0].start()], line[runs[0].end():].rstrip("\r")
    if before.strip() and after.strip():
        return False
    english = before if before.strip() else after
    touching = english[-1:] if english is before else english[:1]
    if not touching or touching not in _LABEL_SEPARATORS:
        return False
    words = english.strip(_LABEL_SEPARATORS)
    return 0 < len(words.split()) <= LABEL_WORDS and words.isascii() and words[-1] not in ".!?,;:"


@register_rule
class CjkRule(BaseRule):
    id = "cjk"
    description = ("Flag Chinese characters and CJK punctuation left in English text (one flag "
                   "per run); lines that are mostly Chinese, and bilingual labels, are left alone.")
    default = True
    flag_only = True
    scope = "inline"
    line_local = True
    order = 60

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        edits: list[Edit] = []
        for lo, hi in line_spans(text, cjk_positions(text).tolist()):
            runs = cjk_runs(text, lo, hi)
            if not runs or mostly_chinese(text[lo:hi]):
                continue
            for start, end in runs:
                run = text[start:end]
                note = ("Chinese characters left in the English text: translate or delete them"
                        if _HAN_RE.search(run) else
                        "CJK punctuation or an ideographic space in the English text: a word "
                        "(often a name) may be missing here")
                edits.append(Edit(start, end, None, self.id, note, flag=True))
        return keep_clear(edits, guard)
