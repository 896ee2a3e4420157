"""Document traits: what a whole document is, decided once per document.

Some edits are right only in one kind of document: "party members" -> "Party members" in
Chinese official text, not in a Nepali report about a local party committee; "200 km / h" ->
"200 km/h" where a tokenised slash is a stray token, not in text whose every slash is spaced
(systematically tokenised MT, which wants a detokeniser, not a few joins). Whether a line
holds a marker says little; whether the document does says much. So each detector here looks
at the document (its first :data:`SAMPLE` code points, and the source-language side where
the file has one) and says yes or no; the pipeline computes the traits once per document and
hands them to the passes that ask (glossary entries with ``scope``, the ``tokenized`` rule).

The detectors are one registry (:data:`TRAITS`): trait name -> detector(text, source) -> bool.

>>> sorted(document_traits("The Anhui provincial party committee met in Hefei. Xinhua "
...                        "reported that the CPC Central Committee ..."))
['china']
>>> sorted(document_traits("He remained on the local party committee in Pokhara."))
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable

import ahocorasick_rs as ac

#: how much of a document its traits are decided from (the pipeline's first chunk)
SAMPLE = 1 << 20

Detector = Callable[[str, "str | None"], bool]

_PROVINCES = (
    "Anhui|Fujian|Gansu|Guangdong|Guangxi|Guizhou|Hainan|Hebei|Heilongjiang|Henan|Hubei|Hunan|"
    "Jiangsu|Jiangxi|Jilin|Liaoning|Ningxia|Qinghai|Shaanxi|Shandong|Shanxi|Sichuan|Yunnan|"
    "Zhejiang|Xinjiang|Tibet|Inner Mongolia|Chongqing|Tianjin|Shanghai|Beijing")
#: Names that, said again and again, make a document about China: the country and its
#: capital, provinces and big cities, Party and State organs, leaders, Xinhua, the currency.
#: Case-sensitive ("china" the porcelain and "party" are no markers), whole words; "Sino-"
#: starts a word ("Sino-US"). Chinese characters left in the English count too, a run each.
CHINA_MARKERS: tuple[str, ...] = (
    *_PROVINCES.split("|"),
    "China", "Chinese", "PRC", "Sino-", "Shenzhen", "Guangzhou", "Wuhan", "Hangzhou", "Nanjing",
    "Chengdu", "Xi'an", "Hong Kong", "Macao", "Macau", "Xinhua", "Xinhuanet", "CPC", "CCP",
    "Communist Party", "Xi Jinping", "Li Keqiang", "Li Qiang", "State Council", "CPPCC", "NPC",
    "Politburo", "Central Committee", "People's Daily", "People's Liberation Army", "PLA",
    "RMB", "yuan")
_MARKER_AUTOMATON = ac.AhoCorasick(list(CHINA_MARKERS), matchkind=ac.MatchKind.LeftmostLongest)
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: a document is about China when it names China at least this often (a short one, of
#: fewer than 100 words, once; one of fewer than 200 words, twice)...
CHINA_MIN_MARKERS = 3
#: ... and at least this often per 1,000 words (a Nepali text that names its northern
#: neighbour twice in 10,000 words is not)
CHINA_PER_1000_WORDS = 2.0


def china_markers(text: str) -> int:
    """How many China markers ``text`` holds (whole words; one per run of Chinese
    characters). One automaton scan: a regex alternation of 60 names is ~10x slower."""
    count = 0
    size = len(text)
    for index, start, end in _MARKER_AUTOMATON.find_matches_as_indexes(text):
        if start and text[start - 1].isalnum():
            continue
        if end < size and text[end].isalnum() and not CHINA_MARKERS[index].endswith("-"):
            continue
        count += 1
    return count + len(_HAN_RUN.findall(text))


def china(text: str, source: str | None = None) -> bool:
    """Is this document Chinese news or official text: a Chinese source, or China markers
    often enough in the English?"""
    if source:
        han = len(_HAN.findall(source))
        if han >= 10 and han >= 0.3 * len(source.replace(" ", "")):
            return True
    markers = china_markers(text)
    if not markers:
        return False
    words = len(text.split())  # (whitespace-separated: C speed, close enough for a density)
    needed = min(CHINA_MIN_MARKERS, 1 + words // 100)
    return markers >= needed and markers * 1000 >= CHINA_PER_1000_WORDS * words


#: a mark is spaced systematically only where the document spaces it at least this often
SPACED_MIN = 5


def _spaced_and_joined(text: str, mark: str, letter: Callable[[str], bool]) -> tuple[int, int]:
    """How often ``mark`` stands spaced between two word characters ("a / b") and joined
    ("a/b"); ``letter`` says what counts as one (``str.isalnum`` or ``str.isalpha``). A loop
    over the mark's occurrences (str.find): far faster than a regex over the whole text."""
    spaced = joined = 0
    last = len(text) - 1
    at = text.find(mark)
    while at != -1:
        if 0 < at < last:
            left, right = text[at - 1], text[at + 1]
            if letter(left) and letter(right):
                joined += 1
            elif left == " " and right == " " and 1 < at < last - 1 and \
                    letter(text[at - 2]) and letter(text[at + 2]):
                spaced += 1
        at = text.find(mark, at + 1)
    return spaced, joined


def spaced_slashes(text: str, source: str | None = None) -> bool:
    """Does the document space its slashes systematically ("1 / 4", "and / or", and none
    written "1/4"): tokenised MT whose tokenisation a detokeniser should undo, all of it?"""
    if text.count(" / ") < SPACED_MIN:  # (a C-speed count rules out most documents)
        return False
    spaced, joined = _spaced_and_joined(text, "/", str.isalnum)
    return spaced >= SPACED_MIN and not joined


def spaced_hyphens(text: str, source: str | None = None) -> bool:
    """Does the document space at least as many word-joining hyphens as it writes joined?"""
    if text.count(" - ") < SPACED_MIN:
        return False
    spaced, joined = _spaced_and_joined(text, "-", str.isalpha)
    return spaced >= SPACED_MIN and spaced >= joined


#: trait name -> detector; every trait a glossary ``scope`` or a rule may ask for
TRAITS: dict[str, Detector] = {
    "china": china,
    "spaced-slashes": spaced_slashes,
    "spaced-hyphens": spaced_hyphens,
}


def document_traits(text: str, source: str | None = None) -> frozenset[str]:
    """The traits of a document, from its first :data:`SAMPLE` code points (and those of its
    source-language side, where it has one)."""
    text = text[:SAMPLE]
    source = source[:SAMPLE] if source else None
    return frozenset(name for name, detect in TRAITS.items() if detect(text, source))
