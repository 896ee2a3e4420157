"""Glossary entries as translators write them (docs/glossary-format.md): the word forms of
multiword and hard replacements, apostrophes typed either way, and entries whose replacement
holds their own find, each with a second run that changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtfix import apply_changes
from mtfix.glossary import Glossary
from mtfix.glossary.variants import can_inflect, in_form, plural
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline


def run(toml: str, text: str):
    result = Pipeline([GlossaryPass(Glossary.from_toml(toml, "house.toml"))]).fix_text(
        text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    again = Pipeline([GlossaryPass(Glossary.from_toml(toml, "house.toml"))]).fix_text(
        result.text, doc="t.txt")
    assert again.text == result.text  # a second run changes nothing
    return result


def fix(toml: str, text: str) -> str:
    return run(toml, text).text


def entry(find: str, replace: str, **keys: str) -> str:
    extra = "".join(f"{key} = {value}\n" for key, value in keys.items())
    return f'[[entry]]\nid = "t"\nfind = "{find}"\nreplace = "{replace}"\n{extra}'


# -- word forms of phrases with a head word before a preposition --------------------------------

@pytest.mark.parametrize("text, fixed", [
    ("the foreign ministries said", "the Ministries of Foreign Affairs said"),
    ("the foreign ministry's spokesman", "the Ministry of Foreign Affairs's spokesman"),
    ("both foreign ministries' statements", "both Ministries of Foreign Affairs' statements"),
    ("the foreign ministry", "the Ministry of Foreign Affairs"),
])
def test_the_plural_of_a_replacement_with_a_preposition_inflects_its_head_word(text, fixed):
    assert fix(entry("foreign ministry", "Ministry of Foreign Affairs", forms="true"),
               text) == fixed


def test_the_plural_of_a_find_with_a_preposition_is_found_at_its_head_word():
    toml = entry("department of public security", "public security department", forms="true")
    assert fix(toml, "the departments of public security met") == \
        "the public security departments met"


def test_the_shipped_commission_for_discipline_inspection_plural():
    # cn-official: "discipline inspection commission" -> "commission for discipline inspection"
    toml = entry("discipline inspection commission", "commission for discipline inspection",
                 forms="true")
    assert fix(toml, "the discipline inspection commissions") == \
        "the commissions for discipline inspection"


@pytest.mark.parametrize("phrase, form, written", [
    ("Commander-in-Chief", "plural", "Commanders-in-Chief"),
    ("person in charge", "plural", "people in charge"),
    ("Member of Parliament", "plural'", "Members of Parliament's"),
    ("Level II Inspector", "plural'", "Level II Inspectors'"),
    ("check-in", "plural", "check-ins"),  # a preposition at the end is no head's
])
def test_in_form(phrase, form, written):
    assert in_form(phrase, form) == written


@pytest.mark.parametrize("word, many", [
    ("housewife", "housewives"), ("fireman", "firemen"), ("Statesman", "Statesmen"),
    ("German", "Germans"), ("human", "humans"), ("monarch", "monarchs"), ("crisis", "crises"),
    ("hero", "heroes"), ("aircraft", "aircraft"), ("Chinese", "Chinese"), ("quiz", "quizzes"),
    ("grandchild", "grandchildren"), ("CHAIRWOMAN", "CHAIRWOMEN"), ("Person", "People"),
])
def test_more_plurals(word, many):
    assert plural(word) == many


# -- replacements whose plural no rule writes are flagged ---------------------------------------

@pytest.mark.parametrize("replace", ["Researcher Level 3", "Level II", "COVID-19", "Class A",
                                     "Foreign Affairs", "F-35", "\u4e8c\u7ea7\u5de1\u89c6\u5458"])
def test_a_replacement_without_a_plural_by_rule(replace):
    assert not can_inflect(replace)


@pytest.mark.parametrize("replace", ["Level II Inspector", "NGO", "Ministry of Foreign Affairs",
                                     "", "(ad)", "MP3", "bus", "CD", "aircraft"])
def test_a_replacement_with_a_plural_by_rule(replace):
    assert can_inflect(replace)


def test_plurals_of_an_entry_whose_replacement_has_no_plural_are_flagged_not_replaced():
    toml = entry("third-class researcher", "Researcher Level 3", forms="true")
    text = "Two third-class researchers and the third-class researcher's desk."
    result = run(toml, text)
    assert result.text == "Two third-class researchers and the Researcher Level 3's desk."
    flags = [c for c in result.changes if c.proposal is not None]
    assert [(c.before, c.proposal, c.rule) for c in flags] == [
        ("third-class researchers", "Researcher Level 3", "t")]
    assert "plural" in flags[0].note


# -- apostrophes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, fixed", [
    ("the people's congress", "the People's Congress"),
    ("the people\u2019s congress", "the People\u2019s Congress"),
    ("THE PEOPLE'S CONGRESS", "THE People's Congress"),
])
def test_a_find_with_an_apostrophe_matches_either_apostrophe_and_keeps_the_texts(text, fixed):
    for find in ("people's congress", "people\u2019s congress"):
        toml = entry(find, "People's Congress" if "'" in find else "People\u2019s Congress",
                     case='"title"')
        assert fix(toml, text) == fixed


def test_an_entry_that_changes_the_apostrophe_still_does():
    toml = entry("people\u2019s", "people's", match='"exact"')
    assert fix(toml, "the people\u2019s view") == "the people's view"
    toml = entry("Peoples Congress", "People\u2019s Congress")
    assert fix(toml, "the Peoples Congress") == "the People\u2019s Congress"
    toml = entry("people\u2019s congress", "People's Congress", case='"title"')
    assert fix(toml, "the people\u2019s congress") == "the People's Congress"


def test_a_plain_entry_with_an_apostrophe_matches_either():
    toml = entry("Xi's thought", "Xi Jinping Thought")
    assert fix(toml, "Xi\u2019s thought and Xi's thought") == \
        "Xi Jinping Thought and Xi Jinping Thought"


def test_neighbour_phrases_match_either_apostrophe():
    toml = entry("Deputy Governor", "Vice Governor", case='"sensitive"',
                 after='["of the ... Provincial People\'s Government"]')
    assert fix(toml, "Deputy Governor of the Anhui Provincial People\u2019s Government") == \
        "Vice Governor of the Anhui Provincial People\u2019s Government"


# -- a replacement that holds its own find -------------------------------------------------------

@pytest.mark.parametrize("find, replace, text, fixed", [
    ("WHO", "World Health Organization (WHO)", "the WHO said",
     "the World Health Organization (WHO) said"),
    ("communist party of china", "Communist Party of China (CPC)",
     "the communist party of china", "the Communist Party of China (CPC)"),
    ("Xi", "President Xi", "Xi met him", "President Xi met him"),
])
def test_an_entry_does_not_fire_inside_its_own_replacement(find, replace, text, fixed):
    toml = entry(find, replace, case='"sensitive"' if find.isupper() else '"insensitive"')
    assert fix(toml, text) == fixed  # (run checks the second run)
    assert fix(toml, fixed) == fixed
    assert fix(toml, f"{text}\n{fixed}") == f"{fixed}\n{fixed}"


def test_only_a_whole_replacement_protects_its_find():
    toml = entry("WHO", "World Health Organization (WHO)", case='"sensitive"')
    assert fix(toml, "World Health Organization: WHO") == \
        "World Health Organization: World Health Organization (WHO)"


WORDS = ["WHO", "World", "Health", "Organization", "(WHO)", "(", ")", "the", "Xi", "President"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", "  ", "\n", ""])),
                max_size=14).map(lambda parts: "".join(a + b for a, b in parts)))
def test_expanding_entries_reach_a_fixpoint_in_one_run(text):
    toml = (entry("WHO", "World Health Organization (WHO)", case='"sensitive"')
            + entry("Xi", "President Xi", case='"sensitive"').replace('id = "t"', 'id = "u"'))
    run(toml, text)


# -- chains between files settle in one run -------------------------------------------------------

def test_a_replacement_another_file_rewrites_is_rewritten_in_the_same_run(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[entry]]\nid = "mine.ncp"\nfind = "new crown pneumonia"\n'
                    'replace = "novel coronavirus pneumonia"\n', "utf-8")
    theirs = tmp_path / "theirs.toml"
    theirs.write_text('[[entry]]\nid = "theirs.ncp"\nfind = "novel coronavirus pneumonia"\n'
                      'replace = "COVID-19"\n', "utf-8")
    glossary = Glossary.load([mine, theirs])
    text = "The new crown pneumonia spread.\nNew crown pneumonia patients."
    once = glossary.fix(text)
    assert once == "The COVID-19 spread.\nCOVID-19 patients."
    assert glossary.fix(once) == once
    (edit, _second) = glossary.compiled.find_edits(text)
    # one change (the second rewrote the first's words), of the entry that wrote it last
    assert (edit.rule, edit.note) == ("theirs.ncp", "after mine.ncp")
    assert [w.code for w in glossary.warnings] == ["chain"]


def test_a_key_that_runs_on_past_a_replacement_settles_in_the_same_run():
    # shipped zh-news: "Omiljung" -> "Omicron", then "Omicron mutant strain" -> "Omicron variant"
    toml = (entry("Omiljung", "Omicron")
            + entry("Omicron mutant strain", "Omicron variant").replace('id = "t"', 'id = "u"'))
    assert fix(toml, "the Omiljung mutant strain spread") == "the Omicron variant spread"


def test_replacements_that_rewrite_each_other_keep_the_first_round():
    toml = (entry("CPC", "Communist Party of China", case='"sensitive"')
            + entry("communist party of china", "Communist Party of China (CPC)").replace(
                'id = "t"', 'id = "u"'))
    glossary = Glossary.from_toml(toml, "loop.toml")
    assert glossary.fix("The CPC met.") == "The Communist Party of China met."


# -- a typo'd key is an error that names the key it probably meant --------------------------------

@pytest.mark.parametrize("key, meant", [("not_befor", "not_before"), ("Case", "case"),
                                        ("example", "examples"), ("not-after", "not_after"),
                                        ("separator", "separators")])
def test_a_typo_in_a_key_is_an_error_that_names_the_key_meant(key, meant):
    from mtfix.glossary import GlossaryError

    toml = entry("a", "b") + f'{key} = true\n'
    with pytest.raises(GlossaryError, match=rf"house.toml:1 \[t\]: unknown key\(s\) {key} "
                       rf"\(did you mean {meant}\?\)"):
        Glossary.from_toml(toml, "house.toml")


def test_a_find_about_a_person_also_matches_persons():
    toml = entry("responsible person", "official in charge", forms="true")
    assert fix(toml, "The responsible persons and responsible people; the responsible persons' "
                     "view") == ("The officials in charge and officials in charge; the officials "
                                 "in charge's view")


CHAIN_WORDS = ["cat", "dog", "bird", "fish", "cow"]


@st.composite
def acyclic_chains(draw) -> list:
    """Glossaries of one-word finds whose replacements hold other finds, without a cycle."""
    from mtfix.glossary.model import RawEntry

    finds = draw(st.lists(st.sampled_from(CHAIN_WORDS), min_size=1, max_size=4, unique=True))
    # an order of the finds; a replacement holds only finds later in it: no cycle
    entries = []
    for i, find in enumerate(finds):
        words = draw(st.lists(st.sampled_from([*finds[i + 1:], "zz", "yy"]), min_size=1,
                              max_size=3))
        entries.append(RawEntry(id=f"e{i}", find=(find,), replace=" ".join(words)))
    return entries


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acyclic_chains(), st.lists(st.tuples(
    st.sampled_from([*CHAIN_WORDS, "x", "the"]), st.sampled_from([" ", "  ", "\n", ". "])),
    max_size=12).map(lambda parts: "".join(a + b for a, b in parts)))
def test_chains_of_replacements_settle_in_one_run(entries, text):
    from mtfix.glossary import GlossaryFile

    glossary = Glossary([GlossaryFile("chains.toml", entries)], run_examples=False)
    result = Pipeline([GlossaryPass(glossary)]).fix_text(text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    assert glossary.fix(result.text) == result.text


def test_straight_and_curly_quotes_match_each_other_and_the_text_keeps_its_own():
    toml = entry('\\"two sessions\\"', '\\"Two Sessions\\"')
    assert fix(toml, 'the "two sessions" and the \u201ctwo sessions\u201d') == \
        'the "Two Sessions" and the \u201cTwo Sessions\u201d'
    toml = entry("Xi", "Xi Jinping", case='"sensitive"', before="['\"']")
    assert fix(toml, "\u201cXi said, \u2018Xi") == "\u201cXi Jinping said, \u2018Xi"


def test_a_broken_example_says_what_is_wrong_with_it():
    from mtfix.glossary import GlossaryError

    toml = entry("a", "b") + 'examples = [{ text = "a", fix = "b" }]\n'
    with pytest.raises(GlossaryError, match=r"example 1 must be .*: 'fix' is not a key of an "
                       r"example \(did you mean fixed\?\); it has no 'fixed'"):
        Glossary.from_toml(toml, "house.toml")


def test_context_words_match_either_apostrophe():
    toml = entry("deputy mayor", "vice mayor", context='["People\'s Government"]')
    assert fix(toml, "the deputy mayor of the People\u2019s Government") == \
        "the vice mayor of the People\u2019s Government"
