"""``mtfix glossary add TARGET --from FILE`` (a review page's glossary-additions.toml, or any
glossary mtfix reads) and ``glossary add`` checked with the glossaries it runs with."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mtfix.cli import app
from mtfix.glossary import load_glossaries, read_glossary
from mtfix.glossary_tools.edit import add_entries, add_entry
from mtfix.glossary_tools.merge import add_from_file

DATA = Path(__file__).parent / "data"
ADDITIONS = DATA / "glossary-additions.toml"  # as the review page writes it (see README)
runner = CliRunner()
TEAM = ('# Team glossary -- keep this comment\n[glossary]\nname = "team"\n\n'
        '[[entry]]\nid = "team.big-cat"   # inline comment\nfind = "big cat"\nreplace = "tiger"\n'
        'examples = [{ text = "a big cat", fixed = "a tiger" }]\n')


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_review_export_is_merged_and_fix_applies_the_new_entry(tmp_path):
    team = write(tmp_path / "team.toml", TEAM)
    text = write(tmp_path / "news.txt", "The village doctors visited every household.\n"
                 "The Vice Prime Minister He Lifeng met village doctors.\n")
    result = runner.invoke(app, ["glossary", "add", str(team), "--from", str(ADDITIONS)])
    assert result.exit_code == 0, result.output
    assert f"added review.village-doctors at {team}:11" in result.output
    # the accepted change of a shipped entry is already done by that entry
    assert ("skipped review.vice-prime-minister-he-lifeng: find 'Vice Prime Minister He "
            "Lifeng' is also in zh.vice-premier-he-lifeng") in result.output
    assert "1 added, 1 skipped, 0 refused" in result.output
    assert team.read_text(encoding="utf-8").startswith(TEAM)  # comments and layout kept
    fixed = runner.invoke(app, ["fix", str(text), "-g", str(team), "-o", str(tmp_path / "out")])
    assert fixed.exit_code == 0, fixed.output
    assert "warning" not in fixed.output
    assert (tmp_path / "out/news.txt").read_text(encoding="utf-8") == (
        "The rural doctors visited every household.\n"
        "The Vice Premier He Lifeng met rural doctors.\n")
    # a second merge of the same file changes nothing
    before = team.read_bytes()
    again = runner.invoke(app, ["glossary", "add", str(team), "--from", str(ADDITIONS)])
    assert again.exit_code == 0, again.output
    assert "0 added, 2 skipped, 0 refused" in again.output
    assert "identical to review.village-doctors" in again.output
    assert team.read_bytes() == before


BAD = '''
[[entry]]
id = "review.fine"
find = "village doctors"
replace = "rural doctors"
examples = [{ text = "the village doctors came", fixed = "the rural doctors came" }]

[[entry]]
id = "review.fails"
find = "household"
replace = "home"
examples = [{ text = "every household", fixed = "every family" }]

[[entry]]
id = "review.conflict"
find = "Deputy Prime Minister He Lifeng"
replace = "Deputy Premier He Lifeng"

[[entry]]
id = "team.big-cat"
find = "huge cat"
replace = "tiger"

[[entry]]
id = "review.breaks-team"
find = "a big"
replace = "one large"
'''


def test_each_entry_is_checked_and_the_summary_gives_the_reasons(tmp_path):
    team = write(tmp_path / "team.toml", TEAM)
    source = write(tmp_path / "more.toml", BAD)
    result = runner.invoke(app, ["glossary", "add", str(team), "--from", str(source)])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "renamed team.big-cat -> team.big-cat-2 (team.big-cat is used at" in out
    assert f"refused review.fails ({source}:8): its example fails: 'every household' should " \
           "become 'every family' but becomes 'every home'" in out
    assert "refused review.conflict" in out and "zh.vice-premier-he-lifeng" in out
    assert "refused review.breaks-team" in out and "example of team.big-cat" in out
    assert "2 added, 0 skipped, 3 refused" in out
    ids = [e.id for e in read_glossary(team).entries]
    assert ids == ["team.big-cat", "review.fine", "team.big-cat-2"]
    load_glossaries([team])  # what was written loads beside the shipped glossaries


def test_keep_ids_refuses_a_used_id_and_unreadable_input_exits_2(tmp_path):
    team = write(tmp_path / "team.toml", TEAM)
    source = write(tmp_path / "more.toml", BAD)
    result = runner.invoke(app, ["glossary", "add", str(team), "--from", str(source),
                                 "--keep-ids", "--no-default-glossaries"])
    assert result.exit_code == 1
    assert "refused team.big-cat" in result.output and "id already used" in result.output
    broken = write(tmp_path / "broken.toml", "[[entry]\n")
    before = team.read_bytes()
    result = runner.invoke(app, ["glossary", "add", str(team), "--from", str(broken)])
    assert result.exit_code == 2 and "broken.toml" in result.output
    assert team.read_bytes() == before
    both = runner.invoke(app, ["glossary", "add", str(team), "--from", str(source),
                               "--find", "x"])
    assert both.exit_code == 2 and "--find" in both.output


def test_add_from_a_csv_sheet(tmp_path):
    team = write(tmp_path / "team.toml", TEAM)
    sheet = write(tmp_path / "terms.csv", "find,replace,note\nAnti smuggling Bureau,"
                  "Anti-smuggling Bureau,缉私局\n")
    done = add_from_file(team, sheet)
    assert [e.find for e in done.merge.added] == [("Anti smuggling Bureau",)]
    assert any("header row" in n for n in done.read.notices)


def test_add_warns_about_an_interaction_with_the_shipped_glossaries_and_still_adds(tmp_path):
    path = tmp_path / "house.toml"
    result = runner.invoke(app, ["glossary", "add", str(path), "--find", "cadres", "--replace",
                                 "officials", "--example", "the cadres met=>the officials met"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "[interaction]" in line]
    assert warnings and len(warnings) == len(set(warnings))  # each printed once
    assert "changes the example of" in warnings[0] and "cn-official.toml" in result.output
    assert [e.id for e in read_glossary(path).entries] == ["house.cadres"]
    # the same entry checked without the shipped glossaries: nothing to warn about
    other = tmp_path / "other.toml"
    quiet = runner.invoke(app, ["glossary", "add", str(other), "--find", "cadres", "--replace",
                                "officials", "--no-default-glossaries"])
    assert quiet.exit_code == 0 and "interaction" not in quiet.output


def test_add_refuses_a_failing_example_and_a_conflict_with_the_glossaries_it_runs_with(
        tmp_path):
    path = write(tmp_path / "house.toml", TEAM)
    before = path.read_bytes()
    failing = runner.invoke(app, ["glossary", "add", str(path), "--find", "household",
                                  "--replace", "home", "--example", "a household=>a family"])
    assert failing.exit_code == 1 and "its example fails" in failing.output
    conflict = runner.invoke(app, ["glossary", "add", str(path), "--find",
                                   "Deputy Prime Minister He Lifeng", "--replace", "Deputy "
                                   "Premier He Lifeng"])
    assert conflict.exit_code == 1 and "zh.vice-premier-he-lifeng" in conflict.output
    assert path.read_bytes() == before
    # -g: another glossary it runs with
    other = write(tmp_path / "other.toml", '[[entry]]\nid = "o.puma"\nfind = "puma"\n'
                  'replace = "cougar"\n')
    result = runner.invoke(app, ["glossary", "add", str(path), "--find", "puma", "--replace",
                                 "mountain lion", "-g", str(other), "--no-default-glossaries"])
    assert result.exit_code == 1 and "o.puma" in result.output
    assert path.read_bytes() == before


def test_the_same_entry_added_twice_is_written_once(tmp_path):
    path = tmp_path / "t.toml"
    first = add_entry(path, find=["puma"], replace="cougar")
    text = path.read_bytes()
    second = add_entry(path, find=["puma"], replace="cougar")
    assert not first.skipped and "identical to t.puma" in second.skipped
    assert path.read_bytes() == text


def test_add_entries_places_the_file_among_the_glossaries_it_runs_with(tmp_path):
    other = write(tmp_path / "other.toml", '[[entry]]\nid = "o.puma"\nfind = "puma"\n'
                  'replace = "cougar"\n')
    target = tmp_path / "t.toml"
    entry = read_glossary(write(tmp_path / "src.toml", '[[entry]]\nid = "t.puma"\n'
                                'find = "puma"\nreplace = "mountain lion"\n')).entries[0]
    # named before the other -g file, the target loads first: the other's entry never fires
    first = add_entries(target, [entry], with_glossaries=[target, other])
    assert first.refused[0][1].startswith("o.puma: finds 'puma' like")
    # not named, it loads last: the new entry never fires
    last = add_entries(target, [entry], with_glossaries=[other])
    assert last.refused[0][1].startswith("finds 'puma' like")
    assert not target.exists()
