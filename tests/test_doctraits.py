"""Document traits (mtfix.doctraits) and what depends on them: glossary entries with a
``scope`` fire only in documents about China, decided once per document (per file in the
segmented formats), and the tokenized rule leaves marks a document spaces systematically."""

from __future__ import annotations

import pytest

from mtfix.api import build_pipeline, fix_file, fix_text
from mtfix.change import apply_edits
from mtfix.doctraits import TRAITS, document_traits
from mtfix.glossary import Glossary, GlossaryError
from mtfix.passes.rules import RulesPass

# Written after the pattern of a held-out Nepali-English MT line (not the line itself).
NEPAL = ("In 2043 he was elected to the district council in Pokhara and remained on the local "
         "party committee until his death. The party members of the district honoured him.\n")


def test_party_capitalisation_is_left_alone_in_a_text_that_is_not_about_china():
    assert fix_text(NEPAL).text == NEPAL


def test_party_capitalisation_fires_in_a_document_about_china():
    text = ("Xinhua, Beijing: the CPC Anhui provincial party committee met. The party members "
            "of Hefei studied the spirit of the plenary session.\n")
    fixed = fix_text(text).text
    assert "provincial Party committee" in fixed and "The Party members" in fixed


def test_a_line_without_markers_in_a_document_about_china_is_in_scope():
    # the document decides, not the line: the second line names no China word
    text = ("Xinhua, Beijing, Dec 10 (Xinhua) -- The CPC Central Committee and the State "
            "Council issued a circular.\nThe local party committee met on Monday.\n")
    assert "local Party committee" in fix_text(text).text


def test_china_markers_need_density_not_one_mention():
    long_text = ("The valley lies north of Pokhara and its farmers grow rice and maize. " * 60
                 + "Trade with China passes through the pass.\n")
    assert "china" not in document_traits(long_text)
    assert "china" in document_traits("The Anhui provincial party committee met.")
    assert "china" in document_traits("lead", "新华社北京12月10日电 中共中央政治局召开会议")


def _scoped(scope_line: str) -> str:
    return f'''
[[entry]]
id = "t.party"
find = "local party committee"
replace = "local Party committee"
{scope_line}
examples = [{{ text = "the local party committee", fixed = "the local Party committee" }}]
'''


def test_scope_key_gates_an_entry_by_the_documents_traits():
    g = Glossary.from_toml(_scoped('scope = "china"'))
    text = "the local party committee"
    assert g.compiled.find_edits(text, (), frozenset())== []
    assert [e.after for e in g.compiled.find_edits(text, (), frozenset({"china"}))] == [
        "local Party committee"]
    # no traits given (examples, Glossary.fix): every entry fires
    assert g.fix(text) == "the local Party committee"


def test_a_scoped_entry_that_is_out_of_scope_hides_no_other_match():
    g = Glossary.from_toml('''
[[entry]]
id = "t.long"
find = "party committee members"
replace = "Party committee members"
scope = "china"

[[entry]]
id = "t.short"
find = "committee members"
replace = "members of the committee"
''')
    edits = g.compiled.find_edits("the party committee members", (), frozenset())
    assert [(e.rule, e.after) for e in edits] == [("t.short", "members of the committee")]


def test_an_unknown_scope_is_an_error_naming_the_entry_and_the_known_traits():
    with pytest.raises(GlossaryError) as caught:
        Glossary.from_toml(_scoped('scope = "chinese"'))
    message = str(caught.value)
    assert "t.party" in message and "'scope'" in message
    assert all(name in message for name in TRAITS)


def test_the_lines_format_decides_the_traits_once_per_file(tmp_path):
    lines = ["Xinhua, Beijing: the CPC Central Committee and the State Council met in Beijing."]
    lines += ["The local party committee met on Monday."] * 3
    source = tmp_path / "news.mt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.mt"
    fix_file(source, out, format="lines", pipeline=build_pipeline())
    assert out.read_text(encoding="utf-8").count("local Party committee") == 3
    nepal = tmp_path / "nepal.mt"
    nepal.write_text(NEPAL, encoding="utf-8")
    fix_file(nepal, out, format="lines", pipeline=build_pipeline())
    assert out.read_text(encoding="utf-8") == NEPAL


def test_tokenized_leaves_slashes_that_the_document_spaces_throughout():
    rule = RulesPass(only=["tokenized"])
    text = "It runs at 200km / h on the road.\n"
    assert apply_edits(text, rule.find_edits(text)) == "It runs at 200km/h on the road.\n"
    spaced = ("It runs at 200km / h on the road. About 1 / 4 of them. Rooms cost 100 yuan / night. The I / O "
              "ports. Case C-280 / 00 was heard.\n")
    assert "spaced-slashes" in document_traits(spaced)
    assert apply_edits(spaced, [e for e in rule.find_edits(spaced) if not e.flag]) == spaced
    # one joined slash anywhere: the spaced ones are stray tokens, and are joined
    mixed = spaced + "The 24/7 line.\n"
    assert "200km/h" in apply_edits(mixed, rule.find_edits(mixed))


def test_tokenized_still_joins_stray_hyphens_in_detokenized_text():
    text = ("The year-on-year growth of well-known firms in the long-term plan. "
            "The grass - roots units.\n")
    assert "spaced-hyphens" not in document_traits(text)
    assert "grass-roots" in apply_edits(text, RulesPass(only=["tokenized"]).find_edits(text))


def test_scope_survives_the_glossary_tools_round_trips(tmp_path):
    from mtfix.glossary.model import parse_toml
    from mtfix.glossary_tools.edit import render_entries, table_of
    from mtfix.glossary_tools.exchange import entries_to_csv, read_entries

    entry = Glossary.from_toml(_scoped('scope = "china"')).entries[0]
    again = parse_toml(render_entries([table_of(entry)]), "<again>").entries[0]
    assert again.scope == "china"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(entries_to_csv([entry]), encoding="utf-8")
    assert "scope" in sheet.read_text(encoding="utf-8").splitlines()[0]
    assert [e.scope for e in read_entries(sheet)[0]] == ["china"]
