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
]


@pytest.mark.parametrize(("line", "official"), CASES)
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
