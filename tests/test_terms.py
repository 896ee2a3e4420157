"""The terms check: bilingual glossary entries against the unit's source text (PO, XLIFF, TMX
and ``--source`` files)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mtfix.api import build_pipeline
from mtfix.cli import app
from mtfix.glossary import Glossary
from mtfix.passes.terms import TermsPass

runner = CliRunner()

GLOSSARY = '''
[[entry]]
id = "t.inspector"
find = ["second-class inspector"]
replace = "Level II Inspector"
source = ["二级巡视员"]

[[entry]]
id = "t.ndrc"
find = ["Development and Reform Committee"]
replace = "National Development and Reform Commission"
source = ["国家发展改革委", "国家发改委"]
flag = true

[[entry]]
id = "t.csrc"
find = ["Securities Supervision Commission"]
replace = "China Securities Regulatory Commission"
source = ["证监会"]

[[entry]]
id = "t.us-sec"
find = ["US Securities Regulatory Commission"]
replace = "US Securities and Exchange Commission"
source = ["美国证监会"]

[[entry]]
id = "t.broad"
find = ["the majority of"]
replace = ""
flag = true
source = ["广大"]

[[entry]]
id = "t.plan"
find = ["five-year planning"]
replace = "Five-Year Plan"
source = ["plan"]

[[entry]]
id = "t.patient"
find = ["new crown patient"]
replace = "COVID-19 patient"
source = ["新冠患者"]

[[entry]]
id = "t.epidemic"
find = ["new crown epidemic"]
replace = "COVID-19 epidemic"
source = ["新冠疫情"]

[[entry]]
id = "t.pandemic"
find = ["new crown pandemic"]
replace = "COVID-19 pandemic"
source = ["新冠疫情"]

[[entry]]
id = "t.um"
find = ["University of Australia"]
replace = "University of Macau"
source = ["澳大"]
source_not = ["澳大利亚"]
accepted = ["UM"]

[[entry]]
id = "t.childrens-day"
find = ['"Six One"']
replace = "\\"Children's Day\\""
source = ["六一儿童节"]

[[entry]]
id = "t.xinhuanet"
find = ["Xinhua Net"]
replace = "Xinhuanet"
source = ["新华网"]
'''


@pytest.fixture(scope="module")
def terms() -> TermsPass:
    glossary = Glossary.from_toml(GLOSSARY)
    return TermsPass([e for e in glossary.entries if e.source])


def _flags(terms: TermsPass, text: str, source: str | None):
    return [(text[e.start:e.end], e.after, e.rule) for e in terms.find_edits(text, source=source)]


def test_a_missing_approved_target_is_flagged_with_a_proposal_on_the_garble(terms):
    text = "The Development and Reform Committee met."
    # (a flag entry: the glossary pass flags its own garble, so the check adds nothing)
    assert _flags(terms, text, "国家发改委开会。") == []
    text = "The planning body met."
    assert _flags(terms, text, "二级巡视员出席。") == [(text, None, "t.inspector")]


def test_a_source_term_inside_a_longer_one_asks_for_nothing(terms):
    """证监会 inside 美国证监会: only the longer term (the US SEC) asks for its target."""
    text = "The US Securities and Exchange Commission approved the fund."
    assert _flags(terms, text, "美国证监会批准了该基金。") == []
    text = "The securities regulator approved the fund."
    assert _flags(terms, text, "美国证监会批准了该基金。") == [(text, None, "t.us-sec")]
    assert _flags(terms, text, "证监会批准了该基金。") == [(text, None, "t.csrc")]


def test_a_deletion_entry_asks_for_nothing(terms):
    """An entry that deletes its garble has an empty target: the source term alone (广大
    before a group) is no reason for a flag."""
    assert _flags(terms, "Tea farmers earned more.", "广大茶农增收。") == []


def test_the_approved_target_present_means_no_flag(terms):
    assert _flags(terms, "The level II inspector attended.", "二级巡视员出席。") == []
    assert _flags(terms, "Level  II\\nInspector".replace("\\n", "\n"), "二级巡视员") == []


def test_the_target_counts_in_any_word_form_and_spacing(terms):
    """A plural, a possessive, a hyphen or line break between the words: the term is there."""
    assert _flags(terms, "Most COVID-19 patients recovered.", "多数新冠患者康复。") == []
    assert _flags(terms, "The COVID 19 patient's family", "新冠患者家属") == []
    assert _flags(terms, "The patients recovered.", "新冠患者康复。") == [
        ("The patients recovered.", None, "t.patient")]


def test_another_entry_of_the_same_source_term_satisfies_it(terms):
    """新冠疫情 is "COVID-19 epidemic" in one entry, "COVID-19 pandemic" in another: either
    rendering is the term, so neither entry flags the other's."""
    assert _flags(terms, "The COVID-19 pandemic slowed trade.", "新冠疫情拖累贸易。") == []
    assert _flags(terms, "The COVID-19 epidemic slowed trade.", "新冠疫情拖累贸易。") == []


def test_accepted_renderings_and_source_not_words(terms):
    assert _flags(terms, "UM awarded seven degrees.", "澳大颁授七个学位。") == []
    text = "Australia awarded seven degrees."
    assert _flags(terms, text, "澳大利亚颁授七个学位。") == []  # 澳大 inside 澳大利亚
    assert _flags(terms, text, "澳大颁授七个学位。") == [(text, None, "t.um")]


def test_quotes_around_a_target_are_typography(terms):
    assert _flags(terms, "On Children's Day the park opens.", "六一儿童节公园开放。") == []


def test_a_target_a_pass_deleted_on_purpose_is_not_asked_for(terms):
    """The news-furniture rule cuts " - Xinhuanet" from a headline: the translation had the
    term, so the check does not ask for it back."""
    text = "Meteor shower peaks on the 14th"
    assert _flags(terms, text, "双子座流星雨14日迎来极大-新华网") == [(text, None, "t.xinhuanet")]
    found = terms.find_edits(text, source="双子座流星雨14日迎来极大-新华网",
                             original=text + " - Xinhuanet")
    assert found == []
    pipeline = build_pipeline(Glossary.from_toml(GLOSSARY))
    fixed, changes = pipeline.fix_segment(text + " - Xinhuanet", doc="d",
                                          source="双子座流星雨14日迎来极大-新华网")
    assert fixed == text
    assert [(c.pass_, c.rule) for c in changes] == [("rules", "news_furniture")]


def test_accepted_and_source_not_need_source():
    from mtfix.glossary.model import GlossaryError
    for key in ("accepted", "source_not"):
        with pytest.raises(GlossaryError, match=f"'{key}'.*needs 'source'"):
            Glossary.from_toml(f'[[entry]]\nid = "x"\nfind = "a b"\nreplace = "c d"\n'
                               f'{key} = ["e"]\n')


def test_no_source_or_no_term_means_no_flag(terms):
    assert _flags(terms, "The second-class inspector.", None) == []
    assert _flags(terms, "The second-class inspector.", "其他人出席。") == []


def test_latin_source_terms_match_whole_words_only(terms):
    text = "The five-year planning was adopted."
    assert _flags(terms, text, "The planning office") == []  # "plan" inside "planning"
    assert _flags(terms, text, "The plan was adopted") == [
        ("five-year planning", "Five-Year Plan", "t.plan")]


def test_a_garble_the_glossary_fixed_counts_as_approved(tmp_path):
    pipeline = build_pipeline(Glossary.from_toml(GLOSSARY), use_rules=False)
    text = "The second-class inspector spoke."
    fixed, changes = pipeline.fix_segment(text, doc="d", segment="1", source="二级巡视员发言。")
    assert fixed == "The Level II Inspector spoke."
    assert [c.pass_ for c in changes] == ["glossary"]


XLIFF = '''<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a" source-language="zh" target-language="en" datatype="plaintext"><body>
    <trans-unit id="u1"><source>二级巡视员发言。</source><target>The inspector spoke.</target></trans-unit>
    <trans-unit id="u2"><source>大家好。</source><target>Hello everyone.</target></trans-unit>
  </body></file>
</xliff>
'''

TMX = '''<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="t" creationtoolversion="1" o-tmf="t"/><body>
  <tu tuid="1"><tuv xml:lang="zh-CN"><seg>二级巡视员发言。</seg></tuv>
    <tuv xml:lang="en"><seg>The inspector spoke.</seg></tuv></tu>
</body></tmx>
'''

PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "二级巡视员发言。"
msgstr "The inspector spoke."
'''


@pytest.mark.parametrize(("name", "content", "segment"), [
    ("a.xlf", XLIFF, "u1"), ("a.tmx", TMX, "1"), ("a.po", PO, "二级巡视员发言。")])
def test_bilingual_files_are_checked_against_their_source(tmp_path, name, content, segment):
    (tmp_path / "g.toml").write_text(GLOSSARY, encoding="utf-8")
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["fix", str(source), "-g", str(tmp_path / "g.toml"),
                                 "--no-default-glossaries", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in
               (tmp_path / "out" / "changes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["pass"], r["rule"], r["segment"], r["before"]) for r in records] == [
        ("terms", "t.inspector", segment, "The inspector spoke.")]
    assert "'二级巡视员' asks for 'Level II Inspector'" in records[0]["note"]


# A memory whose header says srclang="*all*" (any language may be the source) and lists the
# English first, and one whose units write the source language otherwise than the header
# (zh-Hans for zh-CN): the English is the target, the Chinese the source; before, the English
# was taken for the source and the Chinese (and Japanese) tuvs were "fixed" as English.
TMX_ALL = TMX.replace('srclang="zh-CN"', 'srclang="*all*"').replace(
    '<tuv xml:lang="zh-CN"><seg>二级巡视员发言。</seg></tuv>\n    <tuv xml:lang="en"><seg>The '
    'inspector spoke.</seg></tuv>',
    '<tuv xml:lang="en-US"><seg>The inspector spoke.</seg></tuv><tuv xml:lang="zh-CN"><seg>'
    '二级巡视员发言。</seg></tuv><tuv xml:lang="ja"><seg>二級巡視員が発言した。</seg></tuv>')
TMX_HANS = TMX.replace('<tuv xml:lang="zh-CN">', '<tuv xml:lang="zh-Hans">')


@pytest.mark.parametrize("content", [TMX_ALL, TMX_HANS])
def test_tmx_source_and_target_tuvs_by_language(tmp_path, content):
    (tmp_path / "g.toml").write_text(GLOSSARY, encoding="utf-8")
    source = tmp_path / "a.tmx"
    source.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["fix", str(source), "-g", str(tmp_path / "g.toml"),
                                 "--no-default-glossaries", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in
               (tmp_path / "out" / "changes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["pass"], r["rule"], r["segment"], r["before"]) for r in records] == [
        ("terms", "t.inspector", "1", "The inspector spoke.")]
    assert (tmp_path / "out" / "a.tmx").read_text(encoding="utf-8") == content


def test_source_file_is_line_aligned(tmp_path):
    (tmp_path / "g.toml").write_text(GLOSSARY, encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("The second-class inspector spoke.\nThe inspector left.\n", encoding="utf-8")
    src = tmp_path / "src.zh"
    src.write_text("二级巡视员发言。\n二级巡视员离开。\n", encoding="utf-8")
    args = ["fix", str(hyp), "--source", str(src), "-g", str(tmp_path / "g.toml"),
            "--no-default-glossaries", "-o", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "hyp.txt").read_text() == \
        "The Level II Inspector spoke.\nThe inspector left.\n"
    records = [json.loads(line) for line in
               (tmp_path / "out" / "changes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["pass"], r["segment"]) for r in records] == [("glossary", "1"), ("terms", "2")]


@pytest.mark.parametrize(("source_text", "how"), [
    ("二级巡视员发言。\n", "fewer lines than the 2 of"),
    ("一\n二\n三\n", "more lines than the 2 of")])
def test_a_source_file_that_is_not_line_aligned_is_an_error(tmp_path, source_text, how):
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("one\ntwo\n", encoding="utf-8")
    src = tmp_path / "src.zh"
    src.write_text(source_text, encoding="utf-8")
    result = runner.invoke(app, ["fix", str(hyp), "--source", str(src), "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"the source file has {how}" in result.output
    assert not (tmp_path / "out" / "hyp.txt").exists()


@pytest.mark.parametrize(("name", "kind"), [("a.po", "po"), ("a.xlf", "xliff"), ("a.md", "md")])
def test_source_with_a_file_of_another_format_is_refused(tmp_path, name, kind):
    # before: the PO file was read as lines and fixed as text (msgids, headers and all) when
    # its line count matched the source file's
    path = tmp_path / name
    path.write_text("one\ntwo\n", encoding="utf-8")
    source = tmp_path / "src.zh"
    source.write_text("一\n二\n", encoding="utf-8")
    result = runner.invoke(app, ["fix", str(path), "--source", str(source), "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"is a {kind} file" in result.output and "--format lines" in result.output
    assert not (tmp_path / "out" / name).exists()
    forced = runner.invoke(app, ["fix", str(path), "--source", str(source), "--format", "lines",
                                 "-o", str(tmp_path / "out2")])
    assert forced.exit_code == 0, forced.output


def test_source_needs_one_input_file(tmp_path):
    (tmp_path / "a.txt").write_text("x\n")
    result = runner.invoke(app, ["fix", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"),
                                 "--source", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "exactly one input file" in result.output


def test_terms_pass_pickles_for_worker_processes(terms):
    import pickle

    again = pickle.loads(pickle.dumps(terms))
    assert again.fingerprint() == terms.fingerprint()
    assert _flags(again, "x", "二级巡视员") == _flags(terms, "x", "二级巡视员")


def test_pipeline_without_bilingual_entries_has_no_terms_pass():
    monolingual = "\n".join(line for line in GLOSSARY.splitlines()
                             if not line.startswith(("source", "accepted")))
    pipeline = build_pipeline(Glossary.from_toml(monolingual), use_rules=False)
    assert [step.name for step in pipeline.passes] == ["glossary"]


def test_a_garble_that_fails_the_entry_conditions_gets_no_proposal():
    """"five year plan" is a garble only where "14th" does not come before it: the terms check
    must not propose the target on a match the glossary pass rightly left alone."""
    glossary = Glossary.from_toml('[[entry]]\nid = "t.plan"\nfind = "five year planning"\n'
                                  'replace = "Five-Year Plan"\nsource = ["五年规划"]\n'
                                  'not_before = ["draft"]\n')
    check = TermsPass([e for e in glossary.entries if e.source])
    text = "The draft five year planning was read."
    assert [(e.start, e.end, e.after) for e in check.find_edits(text, source="五年规划草案")] == [
        (0, len(text), None)]


def test_a_target_the_same_as_the_replacement_is_not_kept():
    """``target`` equal to ``replace`` says nothing more, and exports drop it: the entry reads
    the same either way, so a round trip keeps it equal."""
    (entry,) = Glossary.from_toml('[[entry]]\nid = "t.a"\nfind = "a b"\nreplace = "c d"\n'
                                  'target = "c d"\nsource = ["甲"]\n').entries
    assert entry.target is None and entry.approved == "c d"


@pytest.mark.parametrize(("target", "present", "absent"), [
    ("patient", ["patients", "patient's", "Patients'"], ["patientes", "patien"]),
    ("box", ["boxes", "box"], ["boxs"]),
    ("zones", ["zone", "zones"], ["zon"]),
    ("tax", ["taxes"], []),
    ("county", ["counties"], []),
])
def test_a_target_counts_in_its_word_forms_only(target, present, absent):
    from mtfix.passes.terms import _target_pattern
    from mtfix.textutil import fold_case

    for text in present:
        assert _target_pattern(target).search(fold_case(text)), text
    for text in absent:
        assert not _target_pattern(target).search(fold_case(text)), text
