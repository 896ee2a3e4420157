"""The zh-news entries written for the garble kinds of benchmarks/zhen_kinds.toml, and the kinds
file itself.

Regression cases are built from the patterns the WMT22 zh-en outputs showed (the sentences are
written for the test, the garbles are the MT's: Kocmi et al. 2022, WMT22 general test set).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from mtfix.api import build_pipeline
from mtfix.glossary import Glossary, default_glossary_paths

ROOT = Path(__file__).resolve().parent.parent
KINDS = ROOT / "benchmarks" / "zhen_kinds.toml"
NEW = ("zh.covid-omicron-spelling-2", "zh.covid-new-crown-sample", "zh.covid-new-crown-disease",
       "zh.covid-new-crown-other", "zh.cyberspace-administration", "zh.mps-fire-department",
       "zh.us-sec", "zh.mps-anti-trafficking-office", "zh.vietnam-pm-pham-minh-chinh",
       "zh.pham-minh-chinh", "zh.pham-minh-chinh-after-title",
       "zh.xinhua-correspondents-abroad",
       "zh.provincial-party-committee-and-government", "zh.of-the-provincial-party-committee",
       "zh.two-establishes-comma", "zh.two-upholds-comma", "zh.four-sphere-confidence-comma",
       "zh.changes-unseen-in-the-world", "zh.xi-thought-socialist-thought", "zh.publicity-official",
       "zh.mass-prevention-and-control", "zh.pressing-difficulties-2", "zh.the-majority-of-group",
       "zh.covid-omicron-omik", "zh.covid-the-new-pneumonia", "zh.cjhy-2",
       "zh.npc-sc-vice-chairman-2", "zh.nhan-dan-headline", "zh.nhan-dan-paper", "zh.pla-daily",
       "zh.huoshenshan-hospital", "zh.leishenshan-hospital", "zh.covid-close-contacts",
       "zh.covid-imported-case-calque", "zh.covid-asymptomatic-cases", "zh.covid-local-cases",
       "zh.covid-booster-shot", "zh.covid-medium-high-risk-areas",
       "zh.covid-mass-nucleic-acid-testing", "zh.three-critical-battles",
       "zh.five-sphere-integrated-plan", "zh.rural-migrant-workers",
       "zh.mass-prevention-and-control-crime", "zh.provincial-party-committee-and-government-cn")


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    """The shipped glossaries with every example run (as every `mtfix fix` does)."""
    return Glossary.load(default_glossary_paths())


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()


def test_the_new_entries_are_shipped_with_source_and_note(shipped):
    entries = {e.id: e for e in shipped.entries}
    assert len(NEW) == 44
    for entry_id in NEW:
        entry = entries[entry_id]
        assert entry.path.endswith("zh-news.toml")
        assert entry.source and entry.note.strip(), entry_id


def test_the_shipped_glossaries_load_without_warnings(shipped):
    """No interaction, conflict, chain or cycle between the new entries and the shipped ones."""
    assert [str(w) for w in shipped.warnings] == []


@pytest.mark.parametrize(("text", "fixed"), [
    ("Tests showed that the Omik Jung variant accounted for more than 90% of cases.",
     "Tests showed that the Omicron variant accounted for more than 90% of cases."),
    ("Last night, the propaganda responsible person of the branch told reporters.",
     "Last night, the publicity official of the branch told reporters."),
    ("In his speech at the forum, Premier Fan Mingzheng stressed that the economy grew.",
     "In his speech at the forum, Prime Minister Pham Minh Chinh stressed that the economy grew."),
    ("developed by the Anti-Abduction Office of the Criminal Investigation Bureau",
     "developed by the Anti-Trafficking Office of the Criminal Investigation Bureau"),
    ("Article 18 The Ministry of Public Security Fire Bureau shall approve it.",
     "Article 18 The Fire Department of the Ministry of Public Security shall approve it."),
    ("In recent years, the provincial committees and provincial governments have supported tea.",
     "In recent years, the provincial Party committee and the provincial government have "
     "supported tea."),
    ("achieve \"Two Safeguards,\" and constantly improve",
     "achieve \"Two Upholds,\" and constantly improve"),
    ("Vietnam People's Daily - GCC addresses common challenges",
     "Nhan Dan Online - GCC addresses common challenges"),
])
def test_regressions_from_the_wmt22_outputs(pipeline, text, fixed):
    assert pipeline.fix_text(text, doc="t").text == fixed


@pytest.mark.parametrize("text", [
    "The queen wore the new crown at the coronation.",
    "The China Securities Regulatory Commission approved the listing.",
    "The majority of voters agreed.",
    "The majority of users prefer the dark theme.",
    "a member of the Standing Committee of the provincial committee of the CPPCC",
    "The firm has close connections with banks.",
    "Vietnam People's Daily reported on Monday.",
    "The patient was in urgent distress when the ambulance came.",
    "The person in charge of publicity at the company was fired.",
    "a mass prevention and treatment campaign against schistosomiasis",
    "The enhanced needle design cuts fabric more cleanly.",
    "the worker-peasant alliance and the peasant worker alliance of the 1920s",
])
def test_ordinary_english_is_left_alone(pipeline, text):
    assert pipeline.fix_text(text, doc="t").text == text


def test_a_flag_entry_proposes_and_never_applies(pipeline):
    text = "It helped the majority of tea farmers to raise their income."
    result = pipeline.fix_text(text, doc="t")
    assert result.text == text
    assert [c.rule for c in result.flags] == ["zh.the-majority-of-group"]


def test_the_terms_check_accepts_the_fixed_term_with_its_source(pipeline):
    """With the Chinese source line, a garble the glossary fixed raises no terms flag."""
    fixed, changes = pipeline.fix_segment(
        "The model was once shown on the official website of the Internet Information Office.",
        doc="t", source="该模型曾在网信办官网展示。")
    assert "the Cyberspace Administration." in fixed
    assert [c.rule for c in changes if c.is_flag] == []


def test_a_foreign_regulator_is_not_taken_for_china_s(pipeline):
    """美国证监会 holds 证监会: with the source line, the US SEC fix stands and no CSRC flag
    is raised over the line."""
    fixed, changes = pipeline.fix_segment(
        "On October 12, the US Securities Regulatory Commission approved a bitcoin ETF.",
        doc="t", source="10月12日，美国证监会批准了比特币ETF。")
    assert "US Securities and Exchange Commission" in fixed
    assert [c.rule for c in changes if c.is_flag] == []


# ---------------------------------------------------------------- the kinds file


@pytest.fixture(scope="module")
def kinds() -> list[dict]:
    return tomllib.loads(KINDS.read_text(encoding="utf-8"))["kind"]


def test_the_kinds_file_names_the_kinds_the_benchmark_needs(kinds):
    names = {kind["name"] for kind in kinds}
    assert names >= {"covid-calques", "state-organs", "party-bodies", "news-outlets",
                     "slogans-policy-terms", "titles-ranks", "officialese-calques",
                     "untranslated-cjk", "fullwidth-punctuation"}
    for kind in kinds:
        assert kind["description"].strip()
        re.compile(kind["pattern"])
        re.compile(kind.get("fixed_if_not", kind["pattern"]))


@pytest.mark.parametrize(("name", "garble", "right"), [
    ("covid-calques", "the new crown pneumonia epidemic", "the COVID-19 epidemic"),
    ("covid-calques", "the Omiljung strain", "the Omicron strain"),
    ("state-organs", "the Internet Information Office", "the Cyberspace Administration"),
    ("party-bodies", "the arrangement of the provincial committees",
     "the CPC Hunan Provincial Committee and the provincial government"),
    ("news-outlets", "Girl raises money - Xinhua Net", "Girl raises money - Xinhuanet"),
    ("slogans-policy-terms", "achieve the \"two maintenance\"", "achieve the \"Two Upholds\""),
    ("titles-ranks", "Minister of the Propaganda Department of the provincial Party committee",
     "head of the Propaganda Department of the provincial Party committee"),
    ("officialese-calques", "driving the majority of tea farmers to earn more",
     "the vast majority of the victims' parents have died"),
    ("untranslated-cjk", "I 买了 it", "I bought it"),
    ("fullwidth-punctuation", "Source：Xinhua", "Source: Xinhua"),
])
def test_each_kind_finds_its_garble_and_not_the_right_form(kinds, name, garble, right):
    pattern = re.compile(next(k for k in kinds if k["name"] == name)["pattern"])
    assert pattern.search(garble)
    assert not pattern.search(right)
