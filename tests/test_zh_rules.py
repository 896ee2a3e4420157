"""The rules for Chinese->English MT garbles: cjk, fullwidth, tokenized, stray_punctuation and
news_furniture. Real segments (tests/data/zhen_rules_*.tsv, attribution in zhen_rules.README)
they must change, only flag, or leave alone; each rule's cases; and a second run finding
nothing when they run with every other rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtfix.api import build_pipeline
from mtfix.change import apply_changes, apply_edits
from mtfix.doctraits import document_traits
from mtfix.passes.rules import RulesPass

DATA = Path(__file__).parent / "data"
ZH_RULES = ["cjk", "fullwidth", "tokenized", "stray_punctuation", "news_furniture"]
#: a Chinese->English document's traits (stray_punctuation applies only there)
CHINA = frozenset({"china"})


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def edits(text: str, rule: str | None = None, traits: frozenset[str] | None = None):
    return RulesPass(only=[rule] if rule else None).find_edits(text, traits=traits)


def fix(text: str, rule: str | None = None, traits: frozenset[str] | None = None) -> str:
    return apply_edits(text, [e for e in edits(text, rule, traits) if not e.flag])


def _row_traits(row_id: str, mt: str) -> frozenset[str] | None:
    """The traits of the document a real row comes from: WMT22 zh-en and MQM TED zh-en are
    Chinese->English (``china``, with whatever else the line shows); other rows: the line's."""
    if row_id.startswith(("wmt22 ", "mqm-ted ")):
        return document_traits(mt) | CHINA
    return None


def flagged(text: str, rule: str) -> list[str]:
    return [text[e.start:e.end] for e in edits(text, rule) if e.flag]


@pytest.mark.parametrize("row", _rows("zhen_rules_must_change.tsv"), ids=lambda r: r[0])
def test_real_mt_is_changed(row):
    source, rule, mt, expected = row
    traits = _row_traits(source, mt)
    assert fix(mt, rule, traits) == expected
    once = fix(mt, traits=traits)
    assert fix(once, traits=traits) == once  # every rule together: a second run changes nothing


@pytest.mark.parametrize("row", _rows("zhen_rules_must_flag.tsv"), ids=lambda r: r[0])
def test_real_mt_is_only_flagged(row):
    _source, rule, mt, flag = row
    assert fix(mt, rule) == mt
    assert flagged(mt, rule) == [flag]


@pytest.mark.parametrize("row", _rows("zhen_rules_must_not_change.tsv"), ids=lambda r: r[1][:30])
def test_text_the_zh_rules_leave_alone(row):
    _source, text = row
    assert [e for e in RulesPass(only=ZH_RULES).find_edits(text) if not e.flag] == []


# --- cjk ------------------------------------------------------------------------------------

def test_cjk_flags_each_run_once_without_a_proposal():
    text = "The US倡议 plan costs 424 million, 或搜索“介观生科”公众号 for more."
    found = edits(text, "cjk")
    assert [text[e.start:e.end] for e in found] == ["倡议", "或搜索“介观生科”公众号"]
    assert all(e.flag and e.after is None for e in found)


@pytest.mark.parametrize("text", [
    "新闻中心 News Center",  # a bilingual label
    "Home | 首页",
    "据新华社报道，会议于昨天在北京召开。",  # a source line left in
    "人民日报评论员文章 (People's Daily)",  # mostly Chinese
])
def test_cjk_leaves_chinese_lines_and_bilingual_labels_alone(text):
    assert edits(text, "cjk") == []


# --- fullwidth ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Source：Xinhua", "Source: Xinhua"),
    ("in advanced industries，the catalogue", "in advanced industries, the catalogue"),
    ("the body（especially the brain）.", "the body (especially the brain)."),
    ("【Edit: Zhou Lu】", "[Edit: Zhou Lu]"),
    ("small benefits；The more", "small benefits; The more"),
    ("in a van? ？", "in a van??"),
    ("for 13 yuan! ？", "for 13 yuan!?"),
    ("bad reviews.，", "bad reviews."),
    ("delivered at 18：40 today", "delivered at 18:40 today"),
    ("Watch － A website", "Watch - A website"),
    ("I ordered ＣＥＯ books", "I ordered CEO books"),
    ("【Genuine】【Book】", "[Genuine] [Book]"),
])
def test_fullwidth_marks_become_ascii_in_english(text, expected):
    assert fix(text, "fullwidth") == expected
    assert fix(fix(text)) == fix(text)


@pytest.mark.parametrize(("text", "proposal"), [
    ("Zuckerberg replied 「facing competition」 then", '"'),
    ("a total of 1，000 people", ","),
    ("He said ＂yes＂ twice", '"'),
])
def test_fullwidth_flags_what_is_ambiguous(text, proposal):
    found = edits(text, "fullwidth")
    assert found and all(e.flag for e in found)
    assert found[0].after.strip() == proposal


@pytest.mark.parametrize("text", [
    "He said “hello” and ‘bye’.",  # curly quotes are English typography
    "China Logo Design ·1",
    "我在美新里，那个分店",  # full-width marks inside Chinese text: the cjk rule's
])
def test_fullwidth_leaves_english_typography_and_chinese_text(text):
    assert [e for e in edits(text, "fullwidth") if not e.flag] == []


# --- tokenized ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("the grass - roots units", "the grass-roots units"),
    ("grew 5% year - on - year", "grew 5% year-on-year"),
    ("the COVID - 19 epidemic", "the COVID-19 epidemic"),
    ("a multi - party system", "a multi-party system"),
    ("a 20 - year - old man", "a 20-year-old man"),
    ("apply and / or pay", "apply and/or pay"),
    ("at 100km / h on", "at 100km/h on"),
    ("300 yuan / person", "300 yuan/person"),
    ("the I / O port", "the I/O port"),
    ("on 06 / 03 / 2012 at noon", "on 06/03/2012 at noon"),
    ("see https: / / example.com / p / 1 now", "see https://example.com/p/1 now"),
    ("it ' s here", "it's here"),
    ("I don 't know", "I don't know"),
    ("we do n't know", "we don't know"),
    ("the country 's economy", "the country's economy"),
    ("you 're right", "you're right"),
])
def test_tokenized_pieces_are_joined(text, expected):
    assert fix(text, "tokenized") == expected
    assert fix(fix(text)) == fix(text)


@pytest.mark.parametrize("text", [
    "the plan - announced on Monday - was approved",
    "Students hold a forum - Xinhua",
    "it was over - he left",
    "the Car Guide / People's Auto",
    "financial / accounting / construction",
    "a 'weapon' and the students' union",
    "the ' s ' shape",
])
def test_tokenized_leaves_dashes_lists_and_quotes(text):
    assert [e for e in edits(text, "tokenized") if not e.flag] == []


def test_tokenized_flags_other_spaced_hyphens_on_tokenized_lines():
    text = "the decision - taking body , he said ."
    assert flagged(text, "tokenized") == ["decision - taking"]
    assert flagged("the decision - taking body, he said.", "tokenized") == []


# --- stray_punctuation ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("the market. , Gradually it grew", "the market. Gradually it grew"),
    ("clean,, build", "clean, build"),
    ("the agency. .", "the agency."),
    ("job information.; Focus on", "job information. Focus on"),
    ("high marks; .", "high marks."),
    ("as follows:.", "as follows:"),
    ("etc. , and more", "etc., and more"),
    ("walls, etc..", "walls, etc."),
    ("Really?.", "Really?"),
    ("word ,, next", "word, next"),
    ("clean,    , build", "clean, build"),  # (blanks of any length between the marks)
])
def test_stray_punctuation_is_cut_to_one_mark(text, expected):
    assert fix(text, "stray_punctuation", CHINA) == expected
    once = fix(text, traits=CHINA)
    assert fix(once, traits=CHINA) == once


@pytest.mark.parametrize(("text", "proposal"), [
    ("highly practical. , widely used", ","),  # the sentence may go on
    ("Windows.. if I restart", "."),  # an informal ellipsis?
    ("it says: , then", ":"),
])
def test_stray_punctuation_flags_where_unsure(text, proposal):
    found = edits(text, "stray_punctuation")
    assert len(found) == 1 and found[0].flag and found[0].after == proposal


@pytest.mark.parametrize("text", [
    "Wait... what?", "Wait. . . what?", "Co., Ltd.", "etc., and", "the U.S., China",
    "Why?!", "No!!", "std::vector", "I put &quot; Resolved &quot; .", "Nice :-) .", "1.,2",
    "One.    Two", "Name:\t\t\tvalue",
])
def test_stray_punctuation_leaves_ellipses_abbreviations_and_emphasis(text):
    assert edits(text, "stray_punctuation") == []


# Outside a China document the doubled marks are often the source's ("fudge!." in ru-en,
# "etc.." in ACCEPT) and post-editors keep them: the same runs are flagged, fix proposed.
_OUTSIDE_CHINA = [
    ("the agency. .", ". .", "."),
    ("clean,, build", ",,", ","),
    ("Really?.", "?.", "?"),
    ("walls, etc..", "..", "."),
    ("Bag on your head and that's it!.", "!.", "!"),
]


@pytest.mark.parametrize(("text", "span", "proposal"), _OUTSIDE_CHINA)
def test_stray_punctuation_only_flags_outside_a_china_document(text, span, proposal):
    found = edits(text, "stray_punctuation", frozenset())
    assert len(found) == 1 and found[0].flag
    assert text[found[0].start:found[0].end] == span
    assert found[0].after == proposal  # the fix is there, as a proposal
    assert "outside Chinese-English text" in found[0].note  # ... saying why it is not applied
    assert fix(text, "stray_punctuation", frozenset()) == text
    assert fix(text, traits=frozenset()) == fix(fix(text, traits=frozenset()), traits=frozenset())


def test_stray_punctuation_outside_china_flags_through_the_pipeline():
    text = "He shouted: fudge!. Then he left, etc.."
    result = build_pipeline().fix_text(text)
    assert not [c for c in result.applied if c.rule == "stray_punctuation"]
    flags = [c for c in result.flags if c.rule == "stray_punctuation"]
    assert [c.before for c in flags] == ["!.", ".."]
    assert [c.proposal for c in flags] == ["!", "."]
    assert all("post-editors keep" in c.note for c in flags)


_CHINA_DOC = ("Xinhua reported from Beijing that the CPC Central Committee met on Monday. . "
              "The State Council approved the plan,, and the meeting ended.\n"
              "Officials in Shanghai said the work would go on as follows:.\n")
_CHINA_FIXED = ("Xinhua reported from Beijing that the CPC Central Committee met on Monday. "
                "The State Council approved the plan, and the meeting ended.\n"
                "Officials in Shanghai said the work would go on as follows:\n")


def test_stray_punctuation_applies_in_a_china_document():
    pipeline = build_pipeline()
    result = pipeline.fix_text(_CHINA_DOC)
    assert result.text == _CHINA_FIXED
    assert [c.rule for c in result.applied] == ["stray_punctuation"] * 3
    assert pipeline.fix_text(result.text).changes == ()  # a second run changes nothing


# --- news_furniture -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Body.\n【Edit: Zhou Lu】\nNext.\n", "Body.\nNext.\n"),
    ("Body.\n(Editor in charge: Zhang San)\n", "Body.\n"),
    ("Body.\nResponsible editor: Li Hua Proofreading: Wang Fang\n", "Body.\n"),
    ("2020-07-26 20:26:01 Source: Xinhua Editor: Wang Xiaoli\nBody.",
     "2020-07-26 20:26:01 Source: Xinhua\nBody."),
    ("Students hold a forum - Xinhuanet\nBody.", "Students hold a forum\nBody."),
    ("Tea Expo opens - Rolling News - Hunan Daily - Huasheng Online",
     "Tea Expo opens - Rolling News"),
    ('It is fine," said Li"-Xinhua', 'It is fine," said Li"'),
    ("Headline of the day_Sina News", "Headline of the day"),
])
def test_news_furniture_goes(text, expected):
    assert fix(text, "news_furniture") == expected
    assert fix(fix(text)) == fix(text)


def test_news_furniture_flags_what_may_be_text():
    long_line = " ".join(["word"] * 45) + " - Xinhua"
    assert flagged(long_line, "news_furniture") == [" - Xinhua"]
    text = "The meeting ended. (Editor in charge: Zhang San)"
    assert flagged(text, "news_furniture") == [" (Editor in charge: Zhang San)"]


def test_a_headline_without_its_site_name_is_a_duplicate_in_the_same_run():
    text = "Students hold a forum - Xinhuanet\nStudents hold a forum\nBody.\n"
    once = fix(text)
    assert once == "Students hold a forum\nBody.\n"
    assert fix(once) == once


def test_news_sites_list_is_shipped_and_replaceable(tmp_path):
    from mtfix.passes.rules.news_furniture import default_sites_file

    assert default_sites_file().is_file()
    sites = tmp_path / "sites.txt"
    sites.write_text("# ours\nDaily Bugle\n", encoding="utf-8")
    rules = RulesPass(only=["news_furniture"], options={"news_furniture": {"sites": sites}})
    text = "Spider sighted downtown - Daily Bugle\nA forum - Xinhua"
    assert apply_edits(text, rules.find_edits(text)) == "Spider sighted downtown\nA forum - Xinhua"


# --- all rules together: the records reproduce the output, a second run finds nothing --------

_TOKENS = st.sampled_from([
    "word", "Word", "the", "etc", "Co", "it", "'", "'s", "n't", "don", "s", "-", "/", " - ",
    " / ", "，", "。", "：", "；", "！", "？", "（", "）", "【", "】", "《", "》", "、", "\u3000",
    "中文", "丨", ",", ".", ";", ":", "!", "?", "...", "..", "(", ")", '"', "“", "”", "- Xinhua",
    "multi", "party", "year", "on", "COVID", "19", "km", "h", "and", "or", "Ａ", "１", "＃",
])
_TEXTS = st.lists(st.tuples(_TOKENS, st.sampled_from(["", " ", " ", "  ", "\n"])),
                  max_size=20).map(lambda parts: "".join(t + s for t, s in parts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_zh_rules_with_every_rule_reach_a_fixpoint(text):
    pipeline = build_pipeline(default_glossaries=False)
    result = pipeline.fix_text(text, doc="doc")
    assert apply_changes(text, result.changes) == result.text
    again = pipeline.fix_text(result.text, doc="doc")
    assert again.applied == (), [(c.rule, c.before, c.after) for c in again.applied]


@pytest.mark.parametrize("tail", ["", "\n" + " ".join(f"w{i}" for i in range(500))])
def test_a_loop_between_full_width_commas_is_a_loop_in_the_first_run(tail):
    # The fullwidth rule maps "，" to ", " in the same run; the repetition rule must see the
    # loop already, or a second run would collapse it.
    text = "He said my lady，my lady，my lady，my lady to her." + tail
    assert fix(text) == "He said my lady to her." + tail
    assert fix(fix(text)) == fix(text)
    # as with ",": two copies are flagged, "it，it" is left alone
    assert flagged("never say it，never say it.", "repetition") == ["，never say it"]
    assert edits("It，it broke", "repetition") == []


@pytest.mark.parametrize("traits", [frozenset(), frozenset({"china"})])
@pytest.mark.parametrize("text", ["word） , ,", "a（b） , , c", "end） .,"])
def test_spaces_after_a_fullwidth_closer_before_a_run_of_marks_go_in_one_run(text, traits):
    """Outside a document about China the stray_punctuation rule only flags the run, so the
    spaces before it are the fullwidth rule's to take; in one, that rule's cut takes them."""
    pipeline = build_pipeline(default_glossaries=False)
    result = pipeline.fix_text(text, doc="doc", traits=traits)
    again = pipeline.fix_text(result.text, doc="doc", traits=traits)
    assert again.applied == (), [(c.rule, c.before, c.after) for c in again.applied]
