"""The zh-news entries written for official vocabulary beyond the WMT22 test set: in a document
about China they fire on the usual MT garbles; the same sentences in a document that is not
about China are left alone (`scope = "china"`), and right English stays as it is."""

from __future__ import annotations

import pytest

from mtfix.api import fix_text

CHINA = "BEIJING, March 3 (Xinhua) -- The CPC Central Committee and the State Council met.\n"
ELSEWHERE = "The council of Kathmandu met on Monday to discuss the budget.\n"

CASES = [
    ("A spokesperson for the Eastern War Zone said the drills ended.",
     "Eastern Theater Command"),
    ("The video has been viewed 20 million times on Vibrato.", "on Douyin."),
    ("We will help market subjects tide over difficulties.", "market entities"),
    ("We must adhere to the overall national security concept.",
     "holistic approach to national security"),
    ("During the 14th Five period, the city will build 50 parks.", "14th Five-Year Plan period"),
    ("We will build 2.4 million units of guaranteed rental housing.",
     "government-subsidized rental housing"),
    ("Taiwan's Continental Committee said the ban would stay.", "Mainland Affairs Council"),
    ("The Central Organization Department allocated funds.",
     "Organization Department of the CPC Central Committee"),
    # 2019-2021 news vocabulary
    ("Factories sped up the resumption of work and resumption of production.",
     "resumption of work and production"),
    ("The city epidemic prevention and control command said on Sunday.",
     "epidemic prevention and control headquarters"),
    ("The city lifted the city closure after 76 days of the epidemic.", "lifted the lockdown"),
    ("We will adhere to one country and two systems.", "one country, two systems"),
    ("The first-stage economic and trade agreement was signed.",
     "phase-one economic and trade agreement"),
    ("We will speed up new foundation construction such as 5G networks.",
     "new infrastructure such as 5G"),
    ("The three children policy took effect.", "three-child policy"),
    ("Solve the problems of two worries and three guarantees.",
     "two assurances and three guarantees"),
    ("Xi presented the Seven One Medal to 29 members.", "July 1 Medal"),
    ("Procuratorates filed public welfare litigation cases.", "public interest litigation"),
    ("Two people's jurors sat with the judge.", "people's assessors"),
    ("Restaurants joined the CD Action against food waste.", "Clean Plate Campaign"),
    ("Veterans of the War to Resist America and Aid Korea gathered.",
     "War to Resist U.S. Aggression and Aid Korea"),
]

# Lines that name Hong Kong or Macao are about China by themselves (both are China markers), and
# "Golden Brick countries" (zh.brics, unscoped) is a garble only Chinese MT writes: these are
# checked where they fire, not in the text about Kathmandu.
CASES_CHINA_BY_THEMSELVES = [
    ("The Hong Kong version of the National Security Law took effect.",
     "Hong Kong national security law"),
    ("The Macao Legislative Council passed the bill.", "Legislative Assembly of Macao"),
    ("Leaders of the Golden Brick countries met.", "BRICS countries"),
]


@pytest.mark.parametrize(("line", "official"), CASES + CASES_CHINA_BY_THEMSELVES)
def test_fires_in_a_document_about_china(line, official):
    assert official in fix_text(CHINA + line + "\n").text


@pytest.mark.parametrize(("line", "official"), CASES)
def test_left_alone_outside_china(line, official):
    text = ELSEWHERE + line + "\n"
    assert fix_text(text).text == text


def test_right_english_is_left_alone_in_a_document_about_china():
    right = (CHINA + "The Eastern Theater Command held drills. Market entities grew. "
             "Douyin and Kuaishou users watched the 14th Five-Year Plan briefing.\n")
    assert fix_text(right).text == right


def test_2019_2021_right_english_is_left_alone_in_a_document_about_china():
    right = (CHINA + "The Hong Kong SAR government, the Legislative Council and the Liaison Office "
             "of the Central People's Government met. Enterprises resumed work and production "
             "under one country, two systems. The phase-one trade deal, the three-child policy, "
             "public welfare organizations and the Clean Plate Campaign were discussed. A golden "
             "brick wall stands near the command center of the fire brigade.\n")
    assert fix_text(right).text == right


def test_2019_2021_flags_propose_and_change_nothing():
    text = CHINA + "We can control the epidemic without closing the city.\n"
    result = fix_text(text)
    assert result.text == text
    assert any(c.rule == "zh.covid-city-lockdown-verb" and c.is_flag for c in result.changes)
