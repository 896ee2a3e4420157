"""News-page furniture in patterned lines: editor credits ("【Edit: Zhou Lu】", "(Editor in
charge: Zhang San)", "Responsible editor: Li Hua") and site names appended to headlines
("Students hold a forum - Xinhuanet", "Headline_Sina News").

Chinese news pages carry the same furniture around every article, and MT translates it with
the text. A phrase list cannot match it (it holds names), so this rule matches its patterns,
and only whole lines of it:

* a line made only of editor credits (``Editor:``, ``Edit:``, ``Responsible editor:``,
  ``Editor in charge:``, ``Executive editor:``, ``Proofreading:``, ``Reviewer:`` ... each
  followed by a name, in brackets or not) is deleted;
* a dateline that also holds an editor credit ("2020-07-26 20:26:01 Source: Xinhua Editor:
  Wang Xiaoli") loses the credit and keeps the date and the source, which tell the reader
  who published the text and when (as the shipped ``web-chrome`` glossary keeps them);
* a site name from ``glossaries/chrome/news-sites.txt`` at the end of a headline line, after
  a dash, "_", "|" or "丨", is cut ("... - Xinhuanet", "... - Hunan Daily - Huasheng Online").

Deleting is a change, so it is made only where the line is surely furniture: each credit's
value must look like a name (capitalised words, Chinese characters or initials, at most six
words), so "Editor: the report was reviewed" or "Editor's note: ..." stay. Flagged with the
cut proposed: a site name after a line longer than a headline (more than 40 words), and a
credit in brackets at the end of a line that has other text.

The list of sites is a plain file translators extend (one name per line, ``#`` comments); the
rule option ``sites`` points to another. Editor credit lines starting a line are also deleted
by the shipped ``web-chrome`` glossary; this rule catches them without that glossary, in
brackets of every kind, and inside datelines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import ahocorasick_rs as ac

from mtfix.change import Edit
from mtfix.passes.rules._forms import to_ascii
from mtfix.passes.rules._scan import line_spans
from mtfix.passes.rules.base import BaseRule, register_rule
from mtfix.passes.rules.chrome import read_phrases
from mtfix.passes.rules.common import SpanGuard, keep_clear

#: what every credit label holds (a line without one of them holds no credit)
_CREDIT_TRIGGERS = ("edit", "proofread", "review", "typesett")
#: labels of editor credits (lower case, spaces as written)
_CREDIT = (r"(?:responsible|executive|duty|chief|managing|text|photo|online|web|new[ -]media)"
           r"[ -]editors?|editors?(?:[ -]in[ -](?:charge|chief))?|editors?[ -]on[ -]duty|"
           r"edited[ -]by|edit(?:ing|or)?|proofread(?:ing|ers?)?|reviewers?|typesetting|"
           r"typesetter")
#: labels of the other fields a dateline may hold (kept)
_FIELD = (r"source|news[ -]source|article[ -]source|author|authors|reporter|reporters|"
          r"correspondent|photographer|published|release[ -]time|release[ -]date|time|date")
_LABEL_RE = re.compile(rf"(?<![\w'’])(?:(?P<credit>{_CREDIT})|(?P<field>{_FIELD}))[ \t]*[:：]",
                       re.IGNORECASE)
_OPEN, _CLOSE = "([【（［〔", ")]】）］〕"
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|[\u4e00-\u9fff]+|[A-Z]\.)"
_NAME_RE = re.compile(rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|of|and|de|van|von|the)){{0,5}}")
_NAMES_RE = re.compile(rf"{_NAME_RE.pattern}(?:[ \t]*[,，、/&][ \t]*{_NAME_RE.pattern})*")
_DATE_RE = re.compile(r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}:\d{2}(?::\d{2})?|"
                      r"\d{4}[-/.年]\d{1,2}月?)")
_DATES_RE = re.compile(rf"{_DATE_RE.pattern}(?:[ \t]+{_DATE_RE.pattern})*")
_TOKEN_RE = re.compile(r"[^\W_]+")
# Spaces before a final mark that the cut leaves at the end of the line.
_MARK_AT_END_RE = re.compile(r"(?<=[^\W_]|[\"”’)\]])[ \t]+([,;:?!.])\Z")
#: a headline has at most this many words (longer lines with a site name are only flagged)
HEADLINE_WORDS = 40
# (marks and a dangling opening bracket before the dash go with it: "Title（ - Xinhua", read
# in ASCII as the fullwidth rule writes it; other rules' edits there would overlap the cut)
_SEPARATOR = r"[ \t.,;:!?(\[{]*(?:--|[-–—_|丨])[ \t]*"


def default_sites_file() -> Path:
    from mtfix.glossary import default_glossary_dir

    return default_glossary_dir() / "chrome" / "news-sites.txt"


def _site_suffix_re(sites: Iterable[str]) -> re.Pattern[str] | None:
    names = sorted({s.strip() for s in sites if s.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(r"[ \t]+".join(map(re.escape, n.split())) for n in names)
    # (marks and spaces after it: "- Xinhuanet." or "- Xinhua . ." as MT leaves them)
    return re.compile(rf"(?:{_SEPARATOR}(?:{alternatives}))+[ \t.,;:!?]*\r?\Z", re.IGNORECASE)


@register_rule
class NewsFurnitureRule(BaseRule):
    id = "news_furniture"
    description = ("Delete editor-credit lines ('【Edit: Zhou Lu】'), cut editor credits from "
                   "datelines and site names from headlines ('... - Xinhuanet'); flag where "
                   "unsure.")
    default = True
    scope = "inline"  # its edits must be seen by the whole-line rules (duplicate headlines)
    line_local = True
    order = 15
    options: ClassVar[dict[str, str]] = {
        "sites": "a list of news-site names (one per line) used instead of the shipped "
                 "glossaries/chrome/news-sites.txt"}

    def __init__(self, sites: Iterable[str] | None = None, *, path: str | Path | None = None
                 ) -> None:
        """``sites``: the site names themselves, or ``path``: a list file (the option
        ``sites``), else the shipped list."""
        if sites is None:
            source = Path(path) if path is not None else default_sites_file()
            sites = read_phrases(source) if source.is_file() else []
        self.sites = tuple(sites)
        self._suffix_re = _site_suffix_re(self.sites)
        # Prefilter: one automaton over what every credit label holds and the site names, in
        # the usual cases (a site written in an odd mix of cases, "China nEWS", is missed);
        # only lines holding a hit are parsed.
        triggers = {" ".join(s.split()) for s in self.sites} | set(_CREDIT_TRIGGERS)
        variants = sorted({v for t in triggers
                           for v in (t, t.lower(), t.upper(), t.title(), t.capitalize()) if v})
        self._triggers = ac.AhoCorasick(variants, implementation=ac.Implementation.DFA)

    @classmethod
    def from_options(cls, sites: str | Path | None = None) -> NewsFurnitureRule:
        return cls(path=sites)

    def find(self, text: str, guard: SpanGuard) -> list[Edit]:
        edits: list[Edit] = []
        hits = self._triggers.find_matches_as_indexes(text, overlapping=False)
        for start, end in line_spans(text, (at for _i, at, _e in hits)):
            edits.extend(self._line(text, start, end))
        return keep_clear(edits, guard)

    def _line(self, text: str, start: int, end: int) -> list[Edit]:
        line = text[start:end]
        if ":" in line or "：" in line:
            credits = self._credits(text, start, end)
            if credits is not None:
                return credits
        if self._suffix_re is not None:
            return self._site_suffix(text, start, end)
        return []

    def _credits(self, text: str, start: int, end: int) -> list[Edit] | None:
        """Edits for a line of editor credits (and dateline fields), or None if the line is
        not one."""
        line = text[start:end]
        labels = list(_LABEL_RE.finditer(line))
        if not any(m.group("credit") for m in labels):
            return None
        fields = _parse_fields(line, labels)
        if fields is None:
            return self._trailing_credit(text, start, labels)
        if all(kind == "credit" for kind, _s, _e in fields):
            return [self._delete_line(text, start, end)]
        edits = []
        for kind, s, e in fields:
            if kind == "credit":
                while s > 0 and line[s - 1] in " \t":
                    s -= 1
                edits.append(Edit(start + s, start + e, "", self.id,
                                  "editor credit in a dateline (page furniture)"))
        return edits

    def _trailing_credit(self, text: str, start: int, labels: list[re.Match[str]]
                         ) -> list[Edit]:
        """A credit in brackets at the end of a line with other text ("... ended. (Editor in
        charge: Zhang San)"): flagged, the cut proposed."""
        line = text[start:text.find("\n", start) if "\n" in text[start:] else len(text)]
        last = [m for m in labels if m.group("credit")][-1]
        at = last.start()
        while at > 0 and line[at - 1] in " \t":
            at -= 1
        if at == 0 or line[at - 1] not in _OPEN:
            return []
        tail = line[last.end():].strip()
        if not tail or tail[-1] not in _CLOSE or _NAMES_RE.fullmatch(tail[:-1].strip()) is None:
            return []
        cut = at - 1
        while cut > 0 and line[cut - 1] in " \t":
            cut -= 1
        end = len(line.rstrip(" \t\r"))
        return [Edit(start + cut, start + end, "", self.id, "editor credit at the end of a "
                     "line of text: cut it if it is page furniture", flag=True)]

    def _delete_line(self, text: str, start: int, end: int) -> Edit:
        """The whole line with its line end; between blank lines, one blank line too."""
        stop = end + 1 if end < len(text) else end
        before_blank = start == 0 or text.endswith("\n\n", 0, start)
        if before_blank and text.startswith("\n", stop):
            stop += 1
        return Edit(start, stop, "", self.id, "editor credit line (page furniture)")

    def _site_suffix(self, text: str, start: int, end: int) -> list[Edit]:
        assert self._suffix_re is not None
        line = text[start:end]
        # (full-width marks read as the fullwidth rule writes them; one character each)
        m = self._suffix_re.search(to_ascii(line))
        if m is None:
            return []
        head = line[: m.start()]
        words = len(_TOKEN_RE.findall(head))  # (counted as no other rule changes them)
        if words < 2:
            return []  # no headline before it
        if m.group()[:1] in "-－" and head[-1:].isalnum():
            return []  # "-Xinhua" glued to a word: a compound, not a separator
        cut_start, cut_end = start + m.start(), start + len(line.rstrip("\r"))
        after = ""
        mark = _MARK_AT_END_RE.search(head)
        if mark:  # "Title !_Sina News" -> "Title!", as the spacing rule would leave it
            cut_start, after = start + mark.start(), mark.group(1)
        sure = words <= HEADLINE_WORDS
        note = ("news-site name after a headline (page furniture)" if sure else
                "news-site name after a line longer than a headline: cut it if it is the "
                "page title's site name")
        return [Edit(cut_start, cut_end, after, self.id, note, flag=not sure)]


#: a person's name: two or three capitalised words, or two to four Chinese characters
_PERSON_RE = re.compile(r"[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){1,2}|[\u4e00-\u9fff]{2,4}")


def _bare_edit(label: re.Match[str]) -> bool:
    """"Edit:" or "Editing:" alone, which forum posts use too ("EDIT: Solved")."""
    return label.group("credit").lower() in ("edit", "editing")


def _bracketed(line: str, label: re.Match[str]) -> bool:
    before = line[: label.start()].rstrip(" \t")
    return bool(before) and before[-1] in _OPEN


def _parse_fields(line: str, labels: list[re.Match[str]]) -> list[tuple[str, int, int]] | None:
    """The line as furniture fields: [(kind, start, end)] with kind "credit", "field" or
    "date", covering the line but for brackets and spaces; None if some text is neither a
    label nor a value that fits it (a name for a credit; anything short for a field)."""
    out: list[tuple[str, int, int]] = []
    lead = line[: labels[0].start()].strip(" \t" + _OPEN)
    if lead:
        if _DATES_RE.fullmatch(lead) is None:
            return None
        out.append(("date", 0, len(line[: labels[0].start()].rstrip(" \t" + _OPEN))))
    for i, label in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(line)
        raw = line[label.end(): stop]
        # ("Editor: Li Hua." and "Li Hua；" as the other rules leave them: "Li Hua")
        value = to_ascii(raw).strip(" \t\r" + _OPEN + _CLOSE).rstrip(" \t.,;")
        kind = "credit" if label.group("credit") else "field"
        if kind == "credit":
            if _NAMES_RE.fullmatch(value) is None or (
                    _bare_edit(label) and not _bracketed(line, label) and
                    _PERSON_RE.fullmatch(value) is None):
                return None
        elif not value or len(value.split()) > 8 or value[-1:] in ".!?":
            return None
        begin = label.start()
        while begin > 0 and line[begin - 1] in _OPEN:
            begin -= 1
        finish = label.end() + len(raw.rstrip(" \t\r"))
        if i + 1 < len(labels):  # an opening bracket of the next field is not this one's
            finish = label.end() + len(raw.rstrip(" \t\r" + _OPEN))
        out.append((kind, begin, finish))
    return out
