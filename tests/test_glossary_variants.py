"""Declarative glossary entries: {a|b} alternatives, word forms, separators, neighbour
conditions, case policies and line deletions (docs/glossary-format.md), each with positive and
negative cases, and hypothesis properties: a declarative entry finds exactly what its
written-out phrase keys find, the fast path equals the general selection on declarative
glossaries, and a second run changes nothing."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_invariants import check, glossaries, texts

import mtfix.glossary.compile as compile_module
from mtfix import apply_changes
from mtfix.glossary import Glossary, GlossaryError
from mtfix.glossary.matchview import MatchView
from mtfix.glossary.model import MAX_VARIANTS, GlossaryFile, RawEntry
from mtfix.glossary.variants import (
    VariantError,
    expand_alternatives,
    inflect,
    plural,
    separator_variants,
    word_forms,
)
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# whole glossaries per example: fewer examples keep these tests to a second or two each
FEWER = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def glossary(toml: str, path: str = "test.toml") -> Glossary:
    return Glossary.from_toml(toml, path)


def fix(toml: str, text: str) -> str:
    result = Pipeline([GlossaryPass(glossary(toml))]).fix_text(text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    return result.text


def changes(toml: str, text: str) -> list[tuple[str, str]]:
    result = Pipeline([GlossaryPass(glossary(toml))]).fix_text(text, doc="t.txt")
    return [(c.before, c.after) for c in result.applied]


# -- {a|b} alternatives ----------------------------------------------------------------------

INSPECTOR = '''
[[entry]]
id = "t.inspector"
find = ["second-{class|grade|level} inspector", "{level two|level 2} inspector"]
replace = "Level II Inspector"
'''


@pytest.mark.parametrize("text", ["second-class inspector", "second-grade inspector",
                                  "second-level inspector", "Level two inspector",
                                  "level 2 inspector"])
def test_alternatives_expand_to_each_phrase(text):
    assert fix(INSPECTOR, f"the {text} came") == "the Level II Inspector came"


@pytest.mark.parametrize("text", ["second-rank inspector", "second class inspector",
                                  "level three inspector", "second-{class|grade} inspector"])
def test_alternatives_match_nothing_else(text):
    assert fix(INSPECTOR, f"the {text} came") == f"the {text} came"


def test_an_empty_alternative_makes_a_part_optional():
    toml = '[[entry]]\nid = "t"\nfind = "{very |}big cat"\nreplace = "lion"\n'
    assert fix(toml, "a very big cat and a big cat, a very cat") == \
        "a lion and a lion, a very cat"


def test_escaped_braces_and_bars_are_literal():
    toml = '[[entry]]\nid = "t"\nfind = "a\\\\{b\\\\} c\\\\|d"\nreplace = "X"\n'
    assert fix(toml, "see a{b} c|d here, and ab c") == "see X here, and ab c"
    assert expand_alternatives(r"a\{b\}|c") == ["a{b}|c"]  # a bare | is literal outside {}


@pytest.mark.parametrize("find, message", [
    ("second-{class|grade inspector", "never closed"),
    ("second-{class|{grade}} inspector", "do not nest"),
    ("second-class} inspector", "without its '{'"),
    ("second-{} inspector", "empty {}"),
    ("{the|}", "empty"),
])
def test_broken_braces_name_file_line_and_entry_when_read(find, message):
    toml = f'# a comment\n\n[[entry]]\nid = "t.bad"\nfind = "{find}"\nreplace = "x"\n'
    with pytest.raises(GlossaryError) as info:
        glossary(toml, "g.toml")
    assert message in str(info.value)
    assert str(info.value).startswith("g.toml:3 [t.bad]: 'find'")


def test_broken_braces_in_a_tsv_name_the_line(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("good\tfine\nbad {one|two\tx\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.tsv:2: 'find' .*never closed"):
        Glossary.load([path])


def test_too_many_variants_name_the_entry_and_the_count():
    find = "{a|b|c|d|e|f|g|h} x-y"  # 8 alternatives x 16 separators x 6 forms = 768
    toml = (f'[[entry]]\nid = "t.big"\nfind = "{find}"\nreplace = "q"\nseparators = true\n'
            'forms = true\n')
    with pytest.raises(GlossaryError, match=r"\[t\.big\]: expands to 768 variants .* more than "
                       f"{MAX_VARIANTS}"):
        glossary(toml)


# -- word forms --------------------------------------------------------------------------------

FORMS = '''
[[entry]]
id = "t.inspector"
find = "second-class inspector"
replace = "Level II Inspector"
forms = true
'''


@pytest.mark.parametrize("text, fixed", [
    ("the second-class inspectors came", "the Level II Inspectors came"),
    ("the second-class inspector's office", "the Level II Inspector's office"),
    ("the second-class inspector\u2019s office", "the Level II Inspector\u2019s office"),
    ("the second-class inspectors' office", "the Level II Inspectors' office"),
    ("the second-class inspectors\u2019 office", "the Level II Inspectors\u2019 office"),
    ("the Second-Class Inspector came", "the Level II Inspector came"),
])
def test_forms_match_plural_and_possessives_and_inflect_the_replacement(text, fixed):
    assert fix(FORMS, text) == fixed


@pytest.mark.parametrize("text", ["the second-class inspectorate", "second-class inspectorss",
                                  "second-class inspecting"])
def test_forms_are_whole_words(text):
    assert fix(FORMS, text) == text


def test_a_lower_case_replacement_inflected_still_follows_the_case_of_the_match():
    toml = ('[[entry]]\nid = "t"\nfind = "main responsible comrade"\n'
            'replace = "principal official"\nforms = true\n')
    assert fix(toml, "Main responsible comrades of all units; the main responsible comrade's "
                     "view") == "Principal officials of all units; the principal official's view"


def test_a_replacement_that_cannot_be_inflected_is_used_as_written():
    toml = ('[[entry]]\nid = "t"\nfind = "page view"\nreplace = ""\nforms = true\n'
            '[[entry]]\nid = "u"\nfind = "the ad"\nreplace = "(ad)"\nforms = true\n')
    assert fix(toml, "page views: 5, see the ads now") == ": 5, see (ad) now"


@pytest.mark.parametrize("word, many", [
    ("inspector", "inspectors"), ("bus", "buses"), ("box", "boxes"), ("church", "churches"),
    ("secretary", "secretaries"), ("key", "keys"), ("man", "men"), ("Woman", "Women"),
    ("person", "people"), ("child", "children"), ("chairman", "chairmen"),
    ("INSPECTOR", "INSPECTORS"), ("NGO", "NGOs"),
])
def test_plurals(word, many):
    assert plural(word) == many


def test_irregular_plurals_have_possessives_with_s():
    assert [phrase for phrase, _form in word_forms("the child")] == [
        "the child", "the children", "the child's", "the child\u2019s", "the children's",
        "the children\u2019s"]
    assert inflect("the person", "plural'") == "the people's"
    assert word_forms("approx.") == [("approx.", None)]  # no last word: no forms


# -- separators --------------------------------------------------------------------------------

SEPARATORS = '''
[[entry]]
id = "t.ee"
find = "entry exit administration"
replace = "Exit and Entry Administration"
separators = true
'''


@pytest.mark.parametrize("text", ["entry exit administration", "entry-exit administration",
                                  "Entry/Exit Administration", "entry\u2013exit-administration",
                                  "entry exit\nadministration"])
def test_separators_match_each_other(text):
    assert fix(SEPARATORS, f"the {text} met") == "the Exit and Entry Administration met"


@pytest.mark.parametrize("text", ["entryexit administration", "entry - exit administration",
                                  "entry_exit administration", "entry\u2014exit administration"])
def test_separators_are_single_and_between_words(text):
    assert fix(SEPARATORS, f"the {text} met") == f"the {text} met"


def test_separator_variants_of_a_key():
    assert separator_variants("a-b c") == [
        "a-b c", "a b c", "a b-c", "a b/c", "a b\u2013c", "a-b-c", "a-b/c", "a-b\u2013c",
        "a/b c", "a/b-c", "a/b/c", "a/b\u2013c", "a\u2013b c", "a\u2013b-c", "a\u2013b/c",
        "a\u2013b\u2013c"]
    assert separator_variants("approx. 5") == ["approx. 5"]  # "." is not a word character


# -- neighbour conditions ---------------------------------------------------------------------

GOVERNOR = '''
[[entry]]
id = "t.vice-governor"
find = "Deputy Governor"
replace = "Vice Governor"
case = "sensitive"
after = ["{,|} of {the |}... {Provincial People's Government|Province}"]
not_before = ["former"]
'''


@pytest.mark.parametrize("text", [
    "Li, Deputy Governor of the Provincial People's Government, spoke",
    "Deputy Governor of Anhui Province Zhang",
    "Deputy Governor, of the Anhui provincial people's government",
    "Deputy Governor of the one two three four five six Province",
    "Deputy Governor  of\tthe Province",
])
def test_after_allows_whitespace_and_up_to_six_words_for_dots(text):
    assert "Vice Governor" in fix(GOVERNOR, text)


@pytest.mark.parametrize("text", [
    "Deputy Governor of the People's Bank of China",
    "Deputy Governor of the one two three four five six seven Province",
    "Deputy Governor; of the Province",  # punctuation in between
    "Deputy Governor\nof the Province",  # not on the same line
    "Deputy Governor of the Provinces",  # whole words
    "former Deputy Governor of the Province",  # not_before
    "Former\tDeputy Governor of the Province",
    "deputy governor of the Province",  # case = "sensitive"
])
def test_conditions_that_fail(text):
    assert fix(GOVERNOR, text) == text


def test_before_and_not_after_conditions():
    toml = ('[[entry]]\nid = "t"\nfind = "two meetings"\nreplace = "two sessions"\n'
            'before = ["national", "provincial", "\\""]\nnot_after = ["on {Monday|Friday}"]\n')
    assert fix(toml, 'the national two meetings; the Provincial  two meetings; "two meetings"; '
               'the national two meetings on Monday; he held two meetings') == (
        'the national two sessions; the Provincial  two sessions; "two sessions"; '
        'the national two meetings on Monday; he held two meetings')
    assert fix(toml, "the national, two meetings") == "the national, two meetings"
    assert fix(toml, "the subnational two meetings") == "the subnational two meetings"


def test_a_failed_condition_does_not_hide_a_shorter_match():
    toml = ('[[entry]]\nid = "long"\nfind = "party members"\nreplace = "X"\n'
            'after = ["of the CPC"]\n'
            '[[entry]]\nid = "short"\nfind = "party"\nreplace = "Y"\n')
    assert fix(toml, "party members met; party members of the CPC met") == \
        "Y members met; X of the CPC met"


# -- case policies -----------------------------------------------------------------------------

def test_case_sensitive_matches_only_the_written_case_with_whitespace_folded():
    toml = '[[entry]]\nid = "t"\nfind = "party committee"\nreplace = "Party committee"\n' \
           'case = "sensitive"\n'
    assert fix(toml, "the party  committee; the Party committee; the PARTY COMMITTEE") == \
        "the Party committee; the Party committee; the PARTY COMMITTEE"


def test_case_title_writes_the_replacement_as_given_and_leaves_the_right_form_alone():
    toml = ('[[entry]]\nid = "t"\nfind = "central economic work{|ing} conference"\n'
            'replace = "Central Economic Work Conference"\ncase = "title"\n')
    text = ("the central economic working conference, the Central Economic Work Conference, "
            "the CENTRAL ECONOMIC WORK CONFERENCE")
    assert changes(toml, text) == [
        ("central economic working conference", "Central Economic Work Conference"),
        ("CENTRAL ECONOMIC WORK CONFERENCE", "Central Economic Work Conference")]


def test_a_match_its_replacement_leaves_as_it_is_hides_nothing():
    # "State Council" is already right: not a match, so the other entry finds its phrase
    toml = ('[[entry]]\nid = "casing"\nfind = "state council"\nreplace = "State Council"\n'
            'case = "title"\n'
            '[[entry]]\nid = "meeting"\nfind = "council executive meeting"\n'
            'replace = "Council executive meeting"\n')
    assert fix(toml, "the State Council Executive Meeting; the state council") == \
        "the State Council executive meeting; the State Council"


def test_exact_entries_with_variants_stay_case_and_whitespace_sensitive():
    toml = '[[entry]]\nid = "t"\nfind = "{Mr|Mrs} Smith"\nreplace = "X"\nmatch = "exact"\n'
    assert fix(toml, "Mr Smith, Mrs Smith, mr Smith, Mr  Smith") == "X, X, mr Smith, Mr  Smith"


def test_entries_without_the_new_keys_keep_their_no_op_matches():
    # an ordinary entry whose replacement equals the text still takes its span (as always)
    toml = ('[[entry]]\nid = "casing"\nfind = "state council"\nreplace = "State Council"\n'
            '[[entry]]\nid = "meeting"\nfind = "council executive meeting"\n'
            'replace = "Council executive meeting"\n')
    assert fix(toml, "the State Council Executive Meeting") == "the State Council Executive Meeting"


# -- line deletions ----------------------------------------------------------------------------

TOP = '''
[[entry]]
id = "t.top"
find = ["{return|back} to {the |}top", "{[|【}{ |}top{ |}{]|】}"]
replace = ""
line = "bracketed"
'''


@pytest.mark.parametrize("text, fixed", [
    ("Body.\nReturn to top\nFooter", "Body.\nFooter"),
    ("Body.\n  [Back to top]  \r\nFooter", "Body.\nFooter"),
    ("Body.\n\n\nBack to the top", "Body."),  # the last line: with the line breaks before it
    ("Body.\r\n\r\nBack to the top", "Body."),
    ("Body. [Back to top] More", "Body. More"),  # a bracketed button: with the space before
    ("[TOP] Body.", "Body."),  # at the start of a line: with the space after
    ("Body. 【 top 】", "Body."),
    ("Return to top | [TOP]\nNext", "Next"),  # a line of nothing but its phrases
])
def test_line_deletions(text, fixed):
    assert fix(TOP, text) == fixed


@pytest.mark.parametrize("text", [
    "The team hopes to return to the top of the league.",
    "Return to top form, the coach said.\n",
    "Top\nof the page",
    "Body [Back to top of the page]",
])
def test_line_deletions_leave_prose_alone(text):
    assert fix(TOP, text) == text


def test_line_start_deletes_a_line_that_starts_with_the_phrase():
    toml = ('[[entry]]\nid = "t"\nfind = ["copyright {©|(c)}", "all rights reserved"]\n'
            'replace = ""\nline = "start"\n')
    assert fix(toml, "Body.\n\nCopyright © 2021 lnd.com.cn\nAll rights reserved: X\nEnd") == \
        "Body.\n\nEnd"
    assert fix(toml, "He said copyright © was his.") == "He said copyright © was his."


@pytest.mark.parametrize("toml, message", [
    ('line = "whole"\nreplace = "x"', "set replace"),
    ('line = "everywhere"\nreplace = ""', "must be one of"),
])
def test_line_is_checked_when_read(toml, message):
    with pytest.raises(GlossaryError, match=message):
        glossary(f'[[entry]]\nid = "t"\nfind = "print"\n{toml}\n')


# -- properties ----------------------------------------------------------------------------------

WORDS = ["cat", "dog", "the", "x-ray", "box", "man"]
PLURALS = {"cat": "cats", "dog": "dogs", "the": "thes", "ray": "rays", "box": "boxes",
           "man": "men"}  # of the last word (the "ray" of "x-ray")
REPLACEMENTS = ["zebra", "Lion", "owl"]
SEPS = [" ", "-", "/", "\u2013"]


def _written_out(words_alternatives: list[list[str]], separators: bool, forms: bool
                 ) -> list[tuple[str, str | None]]:
    """The variants written out by hand (an oracle independent of mtfix.glossary.variants):
    (phrase, form) with form None, "s", "'s", "’s", "s'", "s’"."""
    phrases = [" ".join(combo) for combo in itertools.product(*words_alternatives)]
    phrases = [" ".join(p.split()) for p in phrases if p.strip()]
    out = []
    for phrase in phrases:
        keys = [phrase]
        if separators:
            gaps = [i for i, c in enumerate(phrase) if c in "-/\u2013 " and 0 < i < len(phrase) - 1
                    and phrase[i - 1].isalnum() and phrase[i + 1].isalnum()]
            keys = []
            for combo in itertools.product(SEPS, repeat=len(gaps)):
                chars = list(phrase)
                for i, sep in zip(gaps, combo, strict=True):
                    chars[i] = sep
                keys.append("".join(chars))
        for key in keys:
            out.append((key, None))
            if forms:
                head, last = re.fullmatch(r"(.*?)([a-z]+)", key).groups()
                many = head + PLURALS[last]
                out += [(many, "s"), (key + "'s", "'s"), (key + "\u2019s", "\u2019s")]
                out += [(many + "'", "s'"), (many + "\u2019", "s\u2019")] if many.endswith("s") \
                    else [(many + "'s", "s'"), (many + "\u2019s", "s\u2019")]
    return out


def _inflected(replace: str, form: str | None) -> str:
    many = replace + "s"
    return {None: replace, "s": many, "'s": replace + "'s", "\u2019s": replace + "\u2019s",
            "s'": many + "'", "s\u2019": many + "\u2019"}[form]


@st.composite
def declarative_entries(draw):
    """(declarative RawEntry, the same as written-out entries with their replacements)."""
    groups = draw(st.lists(st.lists(st.sampled_from([*WORDS, ""]), min_size=1, max_size=3,
                                    unique=True), min_size=1, max_size=2))
    if all(g == [""] for g in groups):
        groups[0] = ["cat"]
    separators, forms = draw(st.booleans()), draw(st.booleans())
    replace = draw(st.sampled_from(REPLACEMENTS))
    find = " ".join(g[0] if len(g) == 1 else "{" + "|".join(g) + "}" for g in groups)
    if any(not " ".join(c).strip() for c in itertools.product(*groups)):
        groups = [[w for w in g if w] or ["cat"] for g in groups]
        find = " ".join(g[0] if len(g) == 1 else "{" + "|".join(g) + "}" for g in groups)
    entry = RawEntry(id="d", find=(find,), replace=replace, separators=separators, forms=forms)
    assume(compile_module.variant_count(entry) <= MAX_VARIANTS)
    written = {}
    for key, form in _written_out(groups, separators, forms):
        written.setdefault(form, []).append(key)
    plain = [RawEntry(id=f"w{form}", find=tuple(dict.fromkeys(keys)),
                      replace=_inflected(replace, form)) for form, keys in written.items()]
    return entry, plain


def _compiled(entries: list[RawEntry]) -> Glossary:
    return Glossary([GlossaryFile("random.toml", entries)], run_examples=False)


phrase_texts = st.lists(st.tuples(
    st.sampled_from([*WORDS, "cats", "men", "boxes", "x/ray", "x\u2013ray", "cat's", "men\u2019s",
                     "X-Rays'", "dogs'", "Cat", ".", ",", "near", "far", "north", "east"]),
    st.sampled_from([" ", "  ", "-", "/", "\n", "\u2013"])), max_size=25).map(
    lambda parts: "".join(a + b for a, b in parts))


@SETTINGS
@given(declarative_entries(), phrase_texts)
def test_a_declarative_entry_finds_what_its_written_out_keys_find(pair, text):
    entry, plain = pair
    declarative = _compiled([entry]).compiled.find_edits(text)
    written = _compiled(plain).compiled.find_edits(text)
    assert [(e.start, e.end, e.after) for e in declarative] == \
        [(e.start, e.end, e.after) for e in written]


@st.composite
def declarative_glossaries(draw):
    """Random glossaries that use every declarative key (replacements never complete a key)."""
    entries = []
    for i in range(draw(st.integers(1, 5))):
        entry, _plain = draw(declarative_entries())
        extra = {}
        if draw(st.booleans()):
            # condition words no entry replaces: a condition on a word another entry rewrites
            # may decide otherwise on a second run (docs/glossary-format.md, "Neighbours")
            extra[draw(st.sampled_from(["before", "after", "not_before", "not_after"]))] = (
                draw(st.sampled_from(["near", "far", "{north|south} ... east", "."])),)
        if draw(st.booleans()):
            extra["case"] = draw(st.sampled_from(["sensitive", "title"]))
        entries.append(RawEntry(id=f"e{i}", find=entry.find, replace=entry.replace,
                                separators=entry.separators, forms=entry.forms, **extra))
    return _compiled(entries)


@FEWER
@given(st.one_of(phrase_texts, texts), declarative_glossaries())
def test_declarative_glossaries_keep_the_invariants_and_a_second_run_changes_nothing(text,
                                                                                   glossary):
    check(text, Pipeline([GlossaryPass(glossary)]))


LINE_TOKENS = ["print", "Print this", "[print]", "close", "top", "back to top", "x", "[", "]",
               "this", ":"]
line_texts = st.lists(st.tuples(st.sampled_from(LINE_TOKENS),
                                st.sampled_from([" ", "\n", "\n\n", " ", "  "])),
                      max_size=16).map(lambda parts: "".join(a + b for a, b in parts))


@st.composite
def line_glossaries(draw):
    """Line entries mixed with ordinary ones whose keys hold or overlap theirs."""
    pool = [
        RawEntry(id="l.print", find=("print", "close"), replace="", line_mode="whole"),
        RawEntry(id="l.top", find=("{back to |}top", "{[|【}print{]|】}"), replace="",
                 line_mode="bracketed"),
        RawEntry(id="l.start", find=("print this",), replace="", line_mode="start"),
        RawEntry(id="p.print-this", find=("print this",), replace="owl"),
        RawEntry(id="p.this-x", find=("this x", "x print"), replace="zebra"),
        RawEntry(id="p.top", find=("top",), replace="Lion"),
    ]
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5, unique_by=id))
    return _compiled(chosen)


def _by_the_policy(compiled, text):
    """The oracle: every valid occurrence (an overlapping automaton, each key's checks), each
    widened to what it deletes, then the one selection, as edits."""
    import ahocorasick_rs as ac

    view = MatchView(text)
    overlapping = ac.BytesAhoCorasick(compiled._patterns)
    found = [(s, e, key)
             for index, s, e in overlapping.find_matches_as_indexes(view.data, overlapping=True)
             for key in compiled._owners[index] if compiled._key_ok(view, key, s, e)]
    candidates = compile_module._to_candidates(view, found, True)
    return [compiled._edit(text, c) for c in compile_module._select(candidates, text, ())]


@FEWER
@given(line_texts, line_glossaries())
def test_line_entries_follow_the_overlap_policy(text, glossary):
    """What the fast path (which sends line matches, and keys they may hide in, to the
    rescan) gives is the policy over every valid occurrence."""
    assert glossary.compiled.find_edits(text) == _by_the_policy(glossary.compiled, text)


glued_texts = st.lists(st.tuples(st.sampled_from([*WORDS, "cats", "s", "the cat", "Cat", "."]),
                                 st.sampled_from(["", " ", "-", "\n"])), max_size=20).map(
    lambda parts: "".join(a + b for a, b in parts))  # words glued: keys fail their boundaries


@FEWER
@given(st.one_of(glued_texts, phrase_texts, texts),
       st.one_of(declarative_glossaries(), glossaries()))
def test_find_edits_is_the_policy_over_every_valid_occurrence(text, glossary):
    """A match that fails its checks is dropped without a rescan only where no other key
    occurs inside it (``_hides_nothing``): the result is still the policy's."""
    assert glossary.compiled.find_edits(text) == _by_the_policy(glossary.compiled, text)


@st.composite
def overlapping_glossaries(draw):
    """Entries whose keys hold each other, so that a key failing its boundary ("the cat" in
    "the cats") hides shorter and later ones: the local rescan's case."""
    pool = [("the cat", "zebra"), ("the", "owl"), ("cat", "Lion"), ("cat the", "dog bird"),
            ("x-ray cat", "zebra owl"), ("cat x-ray", "bird"), ("the x-ray", "Dog")]
    chosen = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=6, unique=True))
    return _compiled([RawEntry(id=f"o{i}", find=(find,), replace=replace)
                      for i, (find, replace) in enumerate(chosen)])


overlap_texts = st.lists(st.tuples(st.sampled_from(["the", "cat", "x-ray", "s", "the cat"]),
                                   st.sampled_from(["", " ", " ", "\n"])), max_size=24).map(
    lambda parts: "".join(a + b for a, b in parts))


@FEWER
@given(overlap_texts, overlapping_glossaries())
def test_failed_matches_hiding_others_follow_the_policy(text, glossary):
    assert glossary.compiled.find_edits(text) == _by_the_policy(glossary.compiled, text)


def test_a_failed_match_hiding_a_shorter_one():
    toml = ('[[entry]]\nid = "a"\nfind = "the cat"\nreplace = "X"\n'
            '[[entry]]\nid = "b"\nfind = "the"\nreplace = "Y"\n'
            '[[entry]]\nid = "c"\nfind = "cat"\nreplace = "Z"\n')
    assert fix(toml, "the cats the cat; thecat the") == "Y cats X; thecat Y"


def test_lint_expands_alternatives_and_tells_case_bound_and_conditional_finds_apart(tmp_path):
    from mtfix.glossary_tools.lint import lint_glossaries

    path = tmp_path / "g.toml"
    path.write_text(
        '[[entry]]\nid = "upper"\nfind = "Deputy {Governor|Mayor}"\nreplace = "Vice Governor"\n'
        'case = "sensitive"\n'
        '[[entry]]\nid = "lower"\nfind = "deputy governor"\nreplace = "vice governor"\n'
        'case = "sensitive"\n'
        '[[entry]]\nid = "quoted"\nfind = "deputy governor"\nreplace = "VG"\nbefore = ["\\""]\n'
        '[[entry]]\nid = "any"\nfind = "{deputy|vice} mayor"\nreplace = "mayor"\n',
        encoding="utf-8")
    report = lint_glossaries([path])
    # case-bound finds of different case never meet; a conditional entry is not shadowed;
    # a case-free find beside a case-bound one of the same letters is deliberate (the
    # shipped glossaries pair them: an exact title-case entry, a free one for other forms)
    assert [(p.code, p.entry_id) for p in report.problems if p.code != "no-example"] == []


def test_regex_marks_are_the_punctuation_every_match_holds():
    from mtfix.glossary.regexcheck import regex_marks

    assert regex_marks(r"(?i:views|hits)[ \t]{0,40}[:：]\d*") == {":", "："}
    assert regex_marks(r"(?:a: x|b \(y\))") == {":", "("}
    assert regex_marks(r"views:?") is None  # an optional mark is no mark
    assert regex_marks(r"(?i)[a-z]+") is None


def test_variant_errors_are_value_errors():
    with pytest.raises(VariantError):
        expand_alternatives("{a|b")
