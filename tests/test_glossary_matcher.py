"""The glossary matcher's semantics, each pinned because it has bitten real engines."""

from __future__ import annotations

import pytest

from mtfix import apply_changes, fix_text
from mtfix.glossary import Glossary, GlossaryError
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline


def glossary(toml: str) -> Glossary:
    return Glossary.from_toml(toml, "test.toml")


def entry(id: str, find: str | list[str], replace: str, **extra: str) -> str:
    find_toml = repr(find).replace("'", '"') if isinstance(find, list) else f'"{find}"'
    lines = [f'[[entry]]\nid = "{id}"\nfind = {find_toml}\nreplace = "{replace}"']
    lines += [f"{key} = {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def run(g: Glossary, text: str):
    result = Pipeline([GlossaryPass(g)]).fix_text(text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    return result


def test_key_ending_in_punctuation_matches_without_word_boundary():
    g = glossary(entry("approx", "approx.", "about"))
    # No \b after "approx.": it matches before a space or the end of the text; before a word
    # character only if the replacement would not glue to it ("about6").
    assert run(g, "approx. 5, approx.6 and xapprox. 7, approx.").text == \
        "about 5, approx.6 and xapprox. 7, about."  # (its dot also ended the text)
    g = glossary(entry("re", "Re :", "Re:"))
    assert run(g, "Re :Error and Re : Error").text == "Re:Error and Re: Error"


def test_whole_word_only_but_shorter_match_inside_failed_longer_one_is_found():
    g = glossary(entry("the-cat", "the cat", "ONE DOG") + entry("the", "the", "a"))
    # "the cat" fails its boundary in "the cats"; the shorter key "the" still applies there.
    assert run(g, "the cats; the cat; concat the").text == "a cats; ONE DOG; concat a"


def test_a_replacement_another_entry_rewrites_is_rewritten_in_the_same_run():
    # "THE DOG" holds the key "the": a second run would have made it "A DOG"; the two
    # changes touch, so they are one change, of the later entry, whose note names the earlier
    g = glossary(entry("the-cat", "the cat", "THE DOG") + entry("the", "the", "a"))
    result = run(g, "the cats; the cat; concat the")
    assert result.text == "a cats; A DOG; concat a"
    assert run(g, result.text).text == result.text
    change = next(c for c in result.changes if c.before == "the cat")
    assert (change.after, change.rule, change.note) == ("A DOG", "the", "after the-cat")


def test_dotted_i_lowercases_to_two_code_points_without_shifting_offsets():
    g = glossary(entry("x", "cat", "dog"))
    text = "İstanbul İİİ cat İ cat"
    result = run(g, text)
    assert result.text == "İstanbul İİİ dog İ dog"
    assert [(c.start, c.end) for c in result.changes] == [(13, 16), (19, 22)]
    assert all(text[c.start : c.end] == "cat" for c in result.changes)


def test_upper_case_non_ascii_letters_match_case_insensitively():
    g = glossary(entry("x", "école normale", "normal school"))
    assert run(g, "ÉCOLE NORMALE, École Normale").text == "NORMAL SCHOOL, Normal School"


@pytest.mark.parametrize("space", [" ", "  ", "\t", "\xa0", "\n", " \r\n ", "\u3000", "\u2009"])
def test_any_whitespace_run_inside_a_phrase_matches_a_space(space):
    g = glossary(entry("x", "second-class inspector", "second-level inspector"))
    text = f"the second-class{space}inspector came"
    result = run(g, text)
    assert result.text == "the second-level inspector came"
    assert result.changes[0].before == f"second-class{space}inspector"


@pytest.mark.parametrize("gap", ["\n\n", "\r\n\r\n", "\n \n", "\n\t\n\n"])
def test_phrase_never_matches_across_a_blank_line(gap):
    g = glossary(entry("x", "second-class inspector", "second-level inspector"))
    text = f"the second-class{gap}inspector"
    assert run(g, text).text == text


def test_combining_marks_match_after_nfc_but_untouched_text_is_kept():
    g = glossary(entry("x", "café society", "coffee society"))
    decomposed = "cafe\u0301 society and cafe\u0301 au lait"
    result = run(g, decomposed)
    assert result.text == "coffee society and cafe\u0301 au lait"  # second one untouched, still NFD
    assert result.changes[0].before == "cafe\u0301 society"


def test_replacement_containing_another_key_is_rewritten_as_a_second_run_would():
    """A chain (the loader warns of it): the run goes on to the text a second run would
    leave, so a second run changes nothing (mtfix/glossary/fixpoint.py)."""
    g = glossary(entry("a", "alpha", "beta gamma") + entry("b", "beta", "delta"))
    first = run(g, "alpha beta")
    assert first.text == "delta gamma delta"
    assert run(g, first.text).applied == ()
    # a cycle cannot settle: the first round's edits stay
    g = glossary(entry("a", "alpha", "beta") + entry("b", "beta", "alpha"))
    assert run(g, "alpha beta").text == "beta alpha"


def test_overlap_policy_leftmost_then_longest_then_file_order():
    g = glossary(
        entry("short", "public security", "PS")
        + entry("long", "public security bureau", "police")
        + entry("right", "security bureau director", "XX")
        + entry("first", "bureau", "one")
        + entry("second", "bureau", "two")
    )
    assert run(g, "the public security bureau director").text == "the police director"
    assert run(g, "a bureau").text == "a one"


def test_case_follows_the_matched_text_for_lower_case_replacements():
    g = glossary(entry("x", "grass-roots", "grassroots") + entry("y", "deputy governor", "vice governor")
                 + entry("z", "twentieth", "20th") + entry("n", "cpc", "CPC"))
    assert run(g, "Grass-roots GRASS-ROOTS grass-roots").text == "Grassroots GRASSROOTS grassroots"
    assert run(g, "Deputy Governor, deputy governor").text == "Vice Governor, vice governor"
    assert run(g, "Twentieth").text == "20th"
    assert run(g, "the cpc").text == "the CPC"  # not lower-case: used as written


def test_exact_entries_are_case_sensitive():
    g = glossary(entry("x", "Party committee", "Party Committee", match='"exact"'))
    assert run(g, "party committee, Party committee").text == "party committee, Party Committee"


def test_regex_entries_with_groups_and_deleting_whole_lines():
    g = glossary(
        entry("views", r"(?m)^Hit rate:[ \\t]*\\d*[ \\t]*\\n", "", match='"regex"')
        + entry("num", r"(\\d+) thousand", r"\\1,000", match='"regex"')
    )
    text = "Title\nHit rate: 12\n5 thousand people\n"
    assert run(g, text).text == "Title\n5,000 people\n"


# (those that run on RE2, such as (\s*x?)*y and (?:ab|a)*c, load: see test_regex_linear.py)
@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\\w+\\s?)+$"])
def test_catastrophic_regexes_are_refused(pattern):
    with pytest.raises(GlossaryError, match="backtrack"):
        glossary(entry("bad", pattern, "", match='"regex"'))


def test_invalid_regex_names_file_line_and_entry():
    with pytest.raises(GlossaryError) as info:
        glossary("# comment\n\n" + entry("bad", "(unclosed", "", match='"regex"'))
    assert "test.toml:3" in str(info.value) and "[bad]" in str(info.value)


def test_protected_spans_are_never_matched():
    g = glossary(entry("x", "cat", "dog"))
    text = "cat <b>cat</b> cat"
    edits = g.compiled.find_edits(text, protected=[(4, 14)])
    assert [(e.start, e.end) for e in edits] == [(0, 3), (15, 18)]


def test_flag_entries_report_but_do_not_change():
    g = glossary(entry("x", "never say anything", "never say no", flag="true", note='"unsure"'))
    result = run(g, "never say anything")
    assert result.text == "never say anything"
    assert len(result.flags) == 1 and result.flags[0].proposal == "never say no"


def test_change_records_have_lines_and_original_offsets():
    g = glossary(entry("x", "cat", "dog"))
    text = "a\r\nb cat\n\nc cat\n"
    result = run(g, text)
    assert [(c.line, c.start, c.before, c.after, c.pass_, c.rule) for c in result.changes] == [
        (2, 5, "cat", "dog", "glossary", "x"), (4, 12, "cat", "dog", "glossary", "x")]
    assert len({c.id for c in result.changes}) == 2


def test_large_text_is_chunked_without_losing_matches_at_chunk_edges():
    g = glossary(entry("x", "second-class inspector", "Level II Inspector"))
    paragraph = "the second-class inspector spoke " * 40
    text = "\n\n".join([paragraph] * 2000)  # ~2.6 MB: several chunks
    result = run(g, text)
    assert len(result.changes) == 80_000
    assert "second-class" not in result.text


def test_fix_text_uses_the_shipped_glossaries_by_default():
    result = fix_text("Vision protection color:\nThe Deputy Governor of Anhui Province spoke.\n")
    assert "Vision protection" not in result.text
    assert "Vice Governor" in result.text


def test_regex_entries_are_skipped_only_when_their_required_literal_is_absent():
    from mtfix.glossary.regexcheck import regex_triggers

    assert regex_triggers(r"(?i)\bhit rate:\s*\d+") == frozenset({"rate:"})
    assert regex_triggers(r"(?:fo|barbaz)\d") is None  # "fo" is too short to be worth it
    assert regex_triggers(r"\d+") is None
    # the term itself, not the commoner words of its lookaround context
    assert regex_triggers(r"(?<!in )\b(?i:the spirit of )(?=(?:the )?(?:important "
                          r"instructions|president|secretary))") == frozenset({"spirit"})
    assert regex_triggers(r"(?<=president )xi") == frozenset({"president"})  # none in it
    g = glossary(entry("share", r"(?i)share to:[ \\t]*", "", match='"regex"'))
    assert run(g, "SHARE TO: x").text == "x"
    # KELVIN SIGN / LONG S fold to ASCII letters under (?i): never skipped because of them
    assert run(g, "\u017fhare to: x").text == "x"
    assert run(g, "nothing here").text == "nothing here"


def test_decomposed_hangul_matches_its_composed_key():
    # jamo sequences compose under NFC although the vowel jamo has combining class 0
    g = glossary(entry("x", "가나", "ga-na"))
    text = "\u1100\u1161\u1102\u1161 and 가나"
    result = run(g, text)
    assert result.text == "ga-na and ga-na"


def test_context_words_gate_an_entry_to_lines_that_hold_one_of_them():
    g = glossary(
        entry("p", "party members", "Party members", match='"exact"',
              context='["CPC", "provincial", "Xi Jinping"]')
        + entry("r", r"\\bstate council\\b", "State Council", match='"regex"', context='"Beijing"'))
    text = ("CPC party members met.\nParty membership: party members of the Labour Party.\n"
            "The state council in Beijing; a state council\nin Sikkim.\n")
    result = run(g, text)
    assert result.text == ("CPC Party members met.\nParty membership: party members of the "
                           "Labour Party.\nThe State Council in Beijing; a State Council\nin Sikkim.\n")
    # a failed context must not hide another candidate at the same place
    g2 = glossary(entry("long", "party members", "X", context='"CPC"') + entry("short", "party", "Y"))
    assert run(g2, "party members").text == "Y members"


def test_shipped_domain_entries_do_not_fire_outside_chinese_official_text():
    # real MLQE-PE ne-en / si-en MT lines (CC0; see tests/data/mlqe-ro-en-excerpt.README)
    for line in ["Pasang became a party member of the imam mashal in 2046.",
                 "In 1955, a state council was established which allowed modern shortcomings "
                 "to form a constitutional government.",
                 "In 1936, the grass-roots disease spreading on local trees reached growth."]:
        assert fix_text(line + "\n").text == line + "\n"
    # Party capitalisation needs a document about China (its scope), not just the phrase
    assert fix_text("the Anhui provincial party committee met\n").text == \
        "the Anhui provincial Party committee met\n"
    assert fix_text("the provincial party committee met\n").text == \
        "the provincial party committee met\n"


def test_an_abbreviation_ending_a_line_keeps_its_full_stop():
    g = glossary(entry("us", "U.S.", "US") + entry("etc", "etc.", "and so on"))
    text = "He lives in the U.S.\nThe U.S. Army came, with tanks, etc.)\nThe U.S."
    assert run(g, text).text == ("He lives in the US.\nThe US Army came, with tanks, "
                                 "and so on.)\nThe US.")


def test_the_sentence_dot_survives_trailing_spaces_and_unicode_line_ends():
    g = glossary(entry("us", "U.S.", "US"))
    assert run(g, "in the U.S.  \nin the U.S.\u2029the U.S. Army").text == \
        "in the US.  \nin the US.\u2029the US Army"
