"""decisions.json, apply_decisions (stale refusal, flags, overlaps), `mtfix apply`, `mtfix review`."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from review_fixtures import ProposalPass, glossary_toml
from typer.testing import CliRunner

from mtfix.batch import fix_paths
from mtfix.change import Change, text_hash
from mtfix.changelog import read_change_log
from mtfix.cli import app
from mtfix.glossary import Glossary
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline
from mtfix.review import (
    Decisions,
    DecisionsError,
    StaleDecisionError,
    accepted_changes,
    apply_decisions,
    read_decisions,
    write_decisions,
)
from mtfix.review.interactive import review_changes

GLOSSARY = glossary_toml("no hyphen in English titles", "campaign slogan: check the context")

TEXT = ("The vice-governor spoke on informatization.\n\n"
        "Based on the plan, the vice-governor will strike hard on informatization.\n")


def pipeline() -> Pipeline:
    return Pipeline([GlossaryPass(Glossary.from_toml(GLOSSARY)),
                     ProposalPass(r"Based on", "On the basis of", "style.based-on", "wordy?")])


@pytest.fixture
def fixed():
    return pipeline().fix_text(TEXT, doc="a.txt")


def ids(changes, rule):
    return [c.id for c in changes if c.rule == rule]


def test_accept_all_reject_all_and_pending(fixed):
    applied = {c.id: "accept" for c in fixed.changes if not c.is_flag}
    assert apply_decisions(TEXT, fixed.changes, applied) == fixed.text
    assert apply_decisions(TEXT, fixed.changes, {c.id: "reject" for c in fixed.changes}) == TEXT
    assert apply_decisions(TEXT, fixed.changes, {}) == TEXT
    assert apply_decisions(TEXT, fixed.changes, {}, pending="accept") == fixed.text


def test_accepting_some_changes_applies_only_those(fixed):
    first_vice = ids(fixed.changes, "t.vice")[0]
    out = apply_decisions(TEXT, fixed.changes, {first_vice: "accept"})
    assert out == TEXT.replace("vice-governor", "vice governor", 1)


def test_flag_proposal_applies_only_when_accepted(fixed):
    flag = next(c for c in fixed.changes if c.rule == "style.based-on")
    assert flag.is_flag and flag.proposal == "On the basis of"
    assert apply_decisions(TEXT, fixed.changes, {}, pending="accept") == fixed.text  # never by default
    out = apply_decisions(TEXT, fixed.changes, {flag.id: "accept"})
    assert out == TEXT.replace("Based on", "On the basis of")
    # A flag without a proposal changes nothing even when accepted.
    strike = next(c for c in fixed.changes if c.rule == "t.strike")
    assert strike.proposal is None
    assert apply_decisions(TEXT, fixed.changes, {strike.id: "accept"}) == TEXT
    assert [c.after for c in accepted_changes([flag], {flag.id: "accept"})] == ["On the basis of"]


def test_stale_text_is_refused(fixed):
    decisions = {c.id: "accept" for c in fixed.changes}
    with pytest.raises(StaleDecisionError, match="has changed since"):
        apply_decisions(TEXT + "More.\n", fixed.changes, decisions)
    # Same hash but a record whose `before` is not at its offsets (a hand-edited log).
    bad = replace(fixed.changes[0], start=fixed.changes[0].start + 1, end=fixed.changes[0].end + 1)
    with pytest.raises(StaleDecisionError, match="expects"):
        apply_decisions(TEXT, [bad], {bad.id: "accept"})


def test_overlapping_accepted_changes_are_refused():
    base = text_hash("abc def")
    one = Change(doc="d", start=0, end=3, line=1, before="abc", after="xyz", pass_="p", rule="r1",
                 base=base)
    two = Change(doc="d", start=2, end=7, line=1, before="c def", after="c def", pass_="p", rule="r2",
                 base=base, proposal="C DEF")
    assert apply_decisions("abc def", [one, two], {one.id: "accept"}) == "xyz def"
    with pytest.raises(ValueError, match="overlap"):
        apply_decisions("abc def", [one, two], {one.id: "accept", two.id: "accept"})


def test_decisions_file_round_trip_and_validation(tmp_path):
    path = tmp_path / "decisions.json"
    decisions = Decisions({"a1": "accept", "b2": "reject"}, {"a1": "ok"}, "Ana", "changes.jsonl")
    decisions.set("c3", "edit", "their text")
    write_decisions(decisions, path)
    data = json.loads(path.read_text())
    assert data["version"] == 2
    assert data["decisions"] == {"a1": "accept", "b2": "reject",
                                 "c3": {"decision": "edit", "text": "their text"}}
    assert read_decisions(path) == decisions
    for bad, message in [({"version": 3, "decisions": {}}, "unsupported decisions version 3"),
                         ({"version": 1, "decisions": {"x": "maybe"}}, "x.*'maybe'"),
                         ({"version": 1, "decisions": {"x": {"decision": "edit", "text": "t"}}},
                          "change x.*an edit needs decisions version 2"),
                         ({"version": 2, "decisions": {"x": {"decision": "edit"}}},
                          "change x: an edit needs \"text\""),
                         ({"version": 2, "decisions": {"x": {"decision": "edit", "text": "t",
                                                             "why": 1}}}, "unknown key.*why"),
                         ({"version": 1}, "must be an object"),
                         ([], "expected a JSON object")]:
        path.write_text(json.dumps(bad))
        with pytest.raises(DecisionsError, match=message):
            read_decisions(path)
    path.write_text('{"version": 1,\n "decisions": {,}}')
    with pytest.raises(DecisionsError, match=r"decisions.json:2: not valid JSON"):
        read_decisions(path)


def test_version_1_files_are_still_read(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps({"version": 1, "decisions": {"a1": "accept", "b2": "reject"},
                                "reviewer": "Ana"}))
    assert read_decisions(path) == Decisions({"a1": "accept", "b2": "reject"}, reviewer="Ana")
    # The object form of a plain decision is read as the plain string.
    path.write_text(json.dumps({"version": 2, "decisions": {"a1": {"decision": "reject"}}}))
    assert read_decisions(path).decisions == {"a1": "reject"}


def test_an_edit_applies_the_reviewers_text_with_the_same_checks(fixed):
    vice, info = (next(c for c in fixed.changes if c.rule == rule) for rule in ("t.vice", "t.info"))
    flag = next(c for c in fixed.changes if c.rule == "style.based-on")
    decisions = Decisions()
    decisions.set(vice.id, "edit", "Vice Governor")
    decisions.set(info.id, "accept")
    decisions.set(flag.id, "edit", "Going by")  # a flag edited becomes a change too
    out = apply_decisions(TEXT, fixed.changes, decisions)
    assert out == (TEXT.replace("vice-governor", "Vice Governor", 1)
                   .replace("informatization", "digitalization", 1).replace("Based on", "Going by"))
    # The JSON form in a plain mapping works the same.
    plain = {vice.id: {"decision": "edit", "text": "Vice Governor"}}
    assert apply_decisions(TEXT, fixed.changes, plain) == TEXT.replace("vice-governor", "Vice Governor", 1)
    with pytest.raises(StaleDecisionError, match="has changed since"):
        apply_decisions(TEXT + "More.\n", fixed.changes, plain)
    with pytest.raises(ValueError, match=f"edit of change {vice.id} .*has no text"):
        apply_decisions(TEXT, fixed.changes, {vice.id: {"decision": "edit"}})


def test_an_edit_over_an_accepted_overlapping_change_is_refused_naming_both():
    base = text_hash("abc def")
    one = Change(doc="d", start=0, end=3, line=1, before="abc", after="xyz", pass_="p", rule="r1",
                 base=base)
    two = Change(doc="d", start=2, end=7, line=1, before="c def", after="c def", pass_="p", rule="r2",
                 base=base)
    with pytest.raises(ValueError, match=f"{one.id} and {two.id} overlap"):
        apply_decisions("abc def", [one, two], {one.id: "accept",
                                                two.id: {"decision": "edit", "text": "C"}})


def test_changes_overlap_is_the_apply_definition():
    from mtfix.review import changes_overlap

    def change(start, end, segment=None):
        return Change(doc="d", start=start, end=end, line=1, before="x" * (end - start), after="y",
                      pass_="p", rule="r", segment=segment)

    assert changes_overlap(change(0, 3), change(2, 5))
    assert changes_overlap(change(0, 3), change(1, 1))      # an insertion inside a span
    assert not changes_overlap(change(0, 3), change(3, 3))  # at its end
    assert not changes_overlap(change(0, 3), change(0, 0))  # at its start
    assert not changes_overlap(change(2, 2), change(2, 2))  # two insertions at one point
    assert not changes_overlap(change(0, 3), change(3, 5))
    assert not changes_overlap(change(0, 3, "s1"), change(0, 3, "s2"))


# --- CLI ---------------------------------------------------------------------------------------

@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.toml").write_text(GLOSSARY)
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "b.txt").write_text("Informatization matters.\n")
    # The library behind `mtfix fix`, with a pass that flags with proposals added.
    batch = fix_paths(["a.txt", "b.txt"], pipeline=pipeline(), output_dir="out")
    assert not batch.failed
    with open(tmp_path / "out" / "changes.jsonl") as stream:
        changes = list(read_change_log(stream))
    return tmp_path, changes


def test_cli_apply_accepted_only(workdir):
    folder, changes = workdir
    info = [c for c in changes if c.rule == "t.info" and c.doc == "a.txt"]
    (folder / "d.json").write_text(json.dumps({"version": 1, "decisions": {info[0].id: "accept",
                                                                           info[1].id: "reject"}}))
    result = CliRunner().invoke(app, ["apply", "a.txt", "b.txt", "--changes", "out/changes.jsonl",
                                      "--decisions", "d.json", "-o", "res"])
    assert result.exit_code == 0, result.output
    assert (folder / "res/a.txt").read_text() == TEXT.replace("informatization", "digitalization", 1)
    assert (folder / "res/b.txt").read_text() == "Informatization matters.\n"  # pending: rejected
    assert "a.txt: 1 accepted, 1 rejected, 4 pending (rejected) -> res/a.txt" in result.output


def test_cli_apply_pending_accept_and_stale_file_does_not_stop_others(workdir):
    folder, changes = workdir
    known = next(c.id for c in changes if c.doc == "a.txt" and not c.is_flag)
    (folder / "d.json").write_text(json.dumps({"version": 1, "decisions": {
        "000000000000": "accept", known: "accept"}}))
    (folder / "b.txt").write_text("Informatization matters a lot.\n")  # edited since the fix
    result = CliRunner().invoke(app, ["apply", "a.txt", "b.txt", "--changes", "out/changes.jsonl",
                                      "--decisions", "d.json", "-o", "res", "--pending", "accept"])
    assert result.exit_code == 1
    assert "b.txt: has changed since the change log was written" in result.output
    assert "1 decision(s) in d.json name changes that are not in" in result.output
    assert (folder / "res/a.txt").read_text() == (folder / "out/a.txt").read_text()
    assert not (folder / "res/b.txt").exists()


def test_cli_apply_usage_errors(workdir):
    folder, _ = workdir
    (folder / "d.json").write_text('{"version": 7, "decisions": {}}')
    runner = CliRunner()
    result = runner.invoke(app, ["apply", "a.txt", "--changes", "out/changes.jsonl",
                                 "--decisions", "d.json", "-o", "res"])
    assert result.exit_code == 2 and "unsupported decisions version 7" in result.output
    result = runner.invoke(app, ["apply", "a.txt", "--changes", "nope.jsonl", "--decisions", "d.json",
                                 "-o", "res"])
    assert result.exit_code == 2 and "nope.jsonl: no such change log" in result.output
    (folder / "d.json").write_text('{"version": 1, "decisions": {}}')
    (folder / "other.txt").write_text("Unrelated text.\n")
    result = runner.invoke(app, ["apply", "other.txt", "--changes", "out/changes.jsonl",
                                 "--decisions", "d.json", "-o", "res"])
    assert result.exit_code == 1 and "has no changes for this file" in result.output


def test_cli_apply_finds_a_moved_original_by_hash(workdir):
    folder, changes = workdir
    (folder / "moved").mkdir()
    (folder / "a.txt").rename(folder / "moved/renamed.txt")
    decisions = {c.id: "accept" for c in changes if c.doc == "a.txt" and not c.is_flag}
    (folder / "d.json").write_text(json.dumps({"version": 1, "decisions": decisions}))
    result = CliRunner().invoke(app, ["apply", "moved/renamed.txt", "--changes", "out/changes.jsonl",
                                      "--decisions", "d.json", "-o", "res"])
    assert result.exit_code == 0, result.output
    assert (folder / "res/renamed.txt").read_text() == (folder / "out/a.txt").read_text()


def test_cli_review_git_add_p_style(workdir):
    folder, changes = workdir
    a_changes = [c for c in changes if c.doc == "a.txt"]
    order = [c.rule for c in a_changes]
    assert order == ["t.vice", "t.info", "style.based-on", "t.vice", "t.strike", "t.info"]
    # vice: reject; info: accept rest of rule (a); flag: ? then c(comment) then y; vice #2: s;
    # strike (flag, no proposal): n; info #2 already decided by "a"; b.txt's info too. Then quit.
    answers = "n\na\n?\nc\nlooks fine\ny\ns\nn\n"
    result = CliRunner().invoke(app, ["review", "out/changes.jsonl", "--reviewer", "Ana"], input=answers)
    assert result.exit_code == 0, result.output
    assert "accept rest of this rule" not in result.output  # help text is the one-line-per-key list
    assert "every later pending change of the same rule" in result.output
    assert "The vice[---]{+ +}governor spoke" in result.output  # a pipe gets plain redline marks
    saved = read_decisions(folder / "out/decisions.json")
    assert saved.reviewer == "Ana"
    by_id = {c.id: c for c in changes}
    got = {(by_id[i].doc, by_id[i].rule, by_id[i].start): v for i, v in saved.decisions.items()}
    vice1, info1, flag, vice2, strike, info2 = a_changes
    assert saved.decisions == {vice1.id: "reject", info1.id: "accept", info2.id: "accept",
                               next(c.id for c in changes if c.doc == "b.txt"): "accept",
                               flag.id: "accept", strike.id: "reject"}, got
    assert saved.comments == {flag.id: "looks fine"}
    # Resume: only the skipped change is asked again; EOF means quit and keeps everything.
    result = CliRunner().invoke(app, ["review", "out/changes.jsonl"], input="y\n")
    assert result.exit_code == 0
    assert "(1/1)" in result.output
    assert read_decisions(folder / "out/decisions.json").decisions[vice2.id] == "accept"
    # The decisions apply.
    result = CliRunner().invoke(app, ["apply", "a.txt", "--changes", "out/changes.jsonl", "--decisions",
                                      "out/decisions.json", "-o", "res"])
    assert result.exit_code == 0, result.output
    expected = ("The vice-governor spoke on digitalization.\n\n"
                "On the basis of the plan, the vice governor will strike hard on digitalization.\n")
    assert (folder / "res/a.txt").read_text() == expected


def test_review_changes_library_accepts_scripted_answers(fixed):
    from rich.console import Console

    from mtfix.report import build_report

    report = build_report(fixed.changes, {"a.txt": TEXT})
    answers = iter(["y"] * len(fixed.changes))
    saved = []
    result = review_changes(report, ask=lambda prompt: next(answers),
                            console=Console(file=open("/dev/null", "w")), save=saved.append)
    assert set(result.decisions) == {c.id for c in fixed.changes}
    assert saved  # saved after each decision


# --- the terminal review: keys, skip, edit, Ctrl-C ----------------------------------------------

def _quiet_console():
    from io import StringIO

    from rich.console import Console

    return Console(file=StringIO(), width=100)


def test_review_s_leaves_a_decided_change_pending_and_e_stores_an_edit(fixed):
    from mtfix.report import build_report

    report = build_report(fixed.changes, {"a.txt": TEXT})
    first, second = fixed.changes[0], fixed.changes[1]
    decisions = Decisions({first.id: "accept", second.id: "reject"})
    answers = iter(["s", "e", "q"])
    lines = iter(["Vice Governor"])
    result = review_changes(report, decisions, redo=True, ask=lambda _p: next(answers),
                            ask_line=lambda _p: next(lines), console=_quiet_console())
    assert first.id not in result.decisions  # "s" left it pending, as the help says
    assert result.decisions[second.id] == "edit" and result.edits[second.id] == "Vice Governor"
    # An empty edit is cancelled and asks again.
    answers, lines = iter(["e", "y", "q"]), iter([""])
    result = review_changes(report, Decisions(), ask=lambda _p: next(answers),
                            ask_line=lambda _p: next(lines), console=_quiet_console())
    assert result.decisions == {first.id: "accept"}


def test_review_ctrl_c_saves_then_interrupts(fixed):
    from mtfix.report import build_report

    report = build_report(fixed.changes, {"a.txt": TEXT})
    answers = iter(["y"])

    def ask(_prompt):
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    saved = []
    with pytest.raises(KeyboardInterrupt):
        review_changes(report, ask=ask, console=_quiet_console(),
                       save=lambda d: saved.append(dict(d.decisions)))
    assert saved[-1] == {fixed.changes[0].id: "accept"}


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs a POSIX pseudo-terminal")
def test_review_on_a_terminal_takes_single_keys_and_ctrl_c_saves_and_says_so(workdir):
    """`mtfix review` in a real pseudo-terminal: keys without Enter, then Ctrl-C."""
    import os
    import pty
    import re
    import select
    import sys
    import time

    folder, changes = workdir
    a_changes = [c for c in changes if c.doc == "a.txt"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "100",
           "TERM": "xterm", "NO_COLOR": "1"}
    pid, master = pty.fork()
    if pid == 0:  # the child: the review, with the pty as its terminal
        os.chdir(folder)
        os.execve(sys.executable, [sys.executable, "-m", "mtfix", "review", "out/changes.jsonl"], env)
    output = b""

    def shown() -> bytes:  # the output without its colour codes
        return re.sub(rb"\x1b\[[0-9;]*m", b"", output)

    def read_until(marker: bytes, seconds: float = 20) -> None:
        nonlocal output
        deadline = time.monotonic() + seconds
        while marker not in shown() and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    return
        assert marker in shown(), shown().decode("utf-8", "replace")[-2000:]

    read_until(b"(1/7)")
    read_until(b"? ")
    os.write(master, b"n")  # one key, no Enter
    read_until(b"(2/7)")
    read_until(b"? ", 5)
    os.write(master, b"y")
    read_until(b"(3/7)")
    read_until(b"? ", 5)
    os.write(master, b"\x03")  # Ctrl-C
    read_until(b"interrupted")
    read_until(b"again to go on", 5)
    _, status = os.waitpid(pid, 0)
    os.close(master)
    assert os.waitstatus_to_exitcode(status) == 130
    text = shown().decode("utf-8", "replace")
    assert "1 accepted, 1 rejected, 5 pending, saved in out/decisions.json" in text.replace("\r\n", "\n")
    saved = read_decisions(folder / "out/decisions.json")
    assert saved.decisions == {a_changes[0].id: "reject", a_changes[1].id: "accept"}
