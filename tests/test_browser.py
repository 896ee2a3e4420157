"""The HTML review page in a real headless Chromium (Playwright), driven as a reviewer would, at
1280×900 (a laptop) and 390×844 (a phone):

* the round trip: reject one, edit one, accept the rest, export decisions.json, `mtfix apply`;
* changes first: a one-line summary, the first change on the first screen, the note and the
  change id in every card, the whole unit beside its source for a bilingual file;
* fast decisions: accept/reject move on, keys a r e u j k, decided cards compact, bulk actions;
* no conflicting decisions: an overlapping change cannot be accepted, and the page says why;
* glossary entries from the review: exported as a glossary file that loads, examples checked;
* any screen: the phone toolbar, no overflow, print and full-page screenshots show every card,
  hyphen and space fixes visible, a rephrasing shown as one deletion and one insertion.

Uses Debian's /usr/bin/chromium (or $MTFIX_CHROMIUM, or a chromium on PATH, or Playwright's own
browser); skipped with a message only when no Chromium can be launched at all.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from review_fixtures import glossary_toml
from typer.testing import CliRunner

from mtfix.change import Change, apply_changes, text_hash
from mtfix.changelog import read_change_log, write_change_log
from mtfix.cli import app

pytestmark = pytest.mark.timeout(120)

GLOSSARY = glossary_toml("no hyphen") + """
[[entry]]
id = "t.exit"
find = "Entry and Exit Bureau"
replace = "Exit and Entry Bureau"
note = "official name"
"""

TEXT = ("The vice-governor spoke on informatization. <script>window.__pwned=1;alert(1)</script>\n\n"
        "Later the vice-governor will strike hard <img src=x onerror=\"window.__pwned=2\"> on "
        "informatization and informatization.\n\n"
        "The Entry and Exit Bureau met at https://example.org/" + "a" * 90 + " today.\n")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LAPTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("MTFIX_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        path = _chromium_path()
        try:
            launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        except Exception as exc:  # no usable browser at all: say why
            pytest.skip(f"cannot launch Chromium ({path or 'Playwright default'}): "
                        f"{str(exc).splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture
def fixed(tmp_path, monkeypatch):
    """TEXT fixed in tmp_path with the test glossary: (change records, path of the page)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.toml").write_text(GLOSSARY)
    (tmp_path / "a.txt").write_text(TEXT)
    result = runner.invoke(app, ["fix", "a.txt", "-o", "out", "-g", "g.toml", "--no-default-glossaries",
                                 "--no-rule", "spacing", "--report", "out/review.html"])
    assert result.exit_code == 0, result.output
    with open("out/changes.jsonl") as stream:
        changes = list(read_change_log(stream))
    return changes, tmp_path / "out/review.html"


class Page:
    """A page open in a new browser context, with the errors it raised."""

    def __init__(self, browser, path: Path, viewport: dict, fragment: str = "") -> None:
        self.context = browser.new_context(accept_downloads=True, viewport=viewport)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri() + fragment)

    def card(self, change: Change):
        return self.page.locator(f'article[data-id="{change.id}"]')

    def state(self, change: Change) -> str:
        """pending, accept, reject or edit, as the card's class says (the word is CSS)."""
        classes = self.card(change).get_attribute("class").split()
        return next((c[3:] for c in classes if c.startswith("st-")), "pending")

    def current(self) -> str | None:
        return self.page.get_attribute("article.chg.current", "data-id")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def download(self, button: str, target: Path) -> Path:
        with self.page.expect_download() as info:
            self.page.click(button)
        info.value.save_as(target)
        return target

    def no_overflow(self) -> list[str]:
        """What sticks out sideways: the page, or any card or element in one."""
        return self.page.evaluate("""() => {
          const out = [], root = document.documentElement;
          if (root.scrollWidth > innerWidth) out.push("page " + root.scrollWidth);
          for (const el of document.querySelectorAll("article.chg, article.chg *, .toolbar, .toolbar *")) {
            const r = el.getBoundingClientRect();
            if (r.width && (r.right > innerWidth + 0.5 || r.left < -0.5))
              out.push((el.className || el.tagName) + " " + r.left + ".." + r.right);
          }
          return out; }""")

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


def test_review_in_browser_round_trip(browser, fixed, tmp_path):
    """Reject one, edit one, accept the rest, export, apply: the output is exactly the original
    with the accepted changes and the edit."""
    changes, page_path = fixed
    rejected = next(c for c in changes if c.rule == "t.info")
    edited = next(c for c in changes if c.rule == "t.vice")
    assert sum(not c.is_flag for c in changes) == 6
    view = Page(browser, page_path, LAPTOP)
    page = view.page
    assert page.locator("article.chg").count() == len(changes)
    # The MT text's markup is shown as text, never run.
    assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("main")
    assert '<img src=x onerror="window.__pwned=2">' in page.inner_text("main")
    assert page.evaluate("window.__pwned === undefined") and not view.dialogs

    # Filters hide cards without rebuilding the page.
    page.select_option("#f-rule", "t.vice")
    assert page.locator("article.chg:visible").count() == 2
    page.select_option("#f-rule", "")
    page.select_option("#f-kind", "flag")
    assert page.locator("article.chg:visible").count() == 1
    page.select_option("#f-kind", "")

    view.card(rejected).click()
    page.click("#actbar button[data-act=reject]")
    view.card(rejected).click()
    page.click("#actbar button[data-act=comment]")
    page.fill(f'article[data-id="{rejected.id}"] textarea.comment', "keep the source term")
    view.card(edited).click()
    page.click("#actbar button[data-act=edit]")
    page.fill("#changes .editbox textarea", "Vice Governor")
    page.click("#changes .editbox button[data-act=save]")
    assert "Vice Governor" in view.card(edited).inner_text()
    page.click("#accept-all")
    counts = page.inner_text("#counts")
    assert "6 of 7 decided · 5 accepted (1 edited) · 1 rejected · 1 pending" in counts  # the flag
    page.fill("#reviewer", "Ana")
    view.download("#export", tmp_path / "decisions.json")
    view.close()

    exported = json.loads((tmp_path / "decisions.json").read_text())
    assert exported["version"] == 2 and exported["reviewer"] == "Ana"
    assert exported.get("change_log") in (None, "out/changes.jsonl")  # named when fix passes it
    assert exported["decisions"][rejected.id] == "reject"
    assert exported["decisions"][edited.id] == {"decision": "edit", "text": "Vice Governor"}
    assert exported["comments"] == {rejected.id: "keep the source term"}
    result = runner.invoke(app, ["apply", "a.txt", "--changes", "out/changes.jsonl",
                                 "--decisions", "decisions.json", "-o", "final"])
    assert result.exit_code == 0, result.output
    assert "5 accepted (1 edited), 1 rejected" in result.output
    kept = [c for c in changes if not c.is_flag and c.id not in (rejected.id, edited.id)]
    expected = apply_changes(TEXT, [*kept, Change(**{**_fields(edited), "after": "Vice Governor"})])
    assert (tmp_path / "final/a.txt").read_text() == expected


def _fields(change: Change) -> dict:
    return {"doc": change.doc, "start": change.start, "end": change.end, "line": change.line,
            "before": change.before, "after": change.after, "pass_": change.pass_,
            "rule": change.rule, "base": change.base}


def test_changes_come_first_with_their_note_and_id_on_both_screens(browser, fixed):
    changes, page_path = fixed
    for viewport in (LAPTOP, PHONE):
        view = Page(browser, page_path, viewport)
        page = view.page
        # The summary is one line above the first change; its tables open on demand.
        assert page.locator("header.top").bounding_box()["height"] < 40
        assert not page.locator(".tables").is_visible()
        first = page.locator("article.chg").first.bounding_box()
        assert first["y"] < viewport["height"] * 0.25, first  # the first change on the first screen
        page.click("#summary > summary")
        assert page.locator(".tables").is_visible()
        page.click("#summary > summary")
        # Every card: its note (why) visible, its id shown (and selectable as one piece).
        for change in changes:
            card = view.card(change)
            if change.note:
                note = card.locator(".note")
                assert note.is_visible() and note.inner_text() == change.note
            assert card.locator(".cid").inner_text() == change.id
        toolbar = page.locator("#toolbar").bounding_box()["height"]
        if viewport is PHONE:
            assert toolbar <= 0.12 * viewport["height"], toolbar
        assert view.no_overflow() == []
        view.close()


def test_a_bilingual_unit_is_shown_whole_beside_its_source(browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "formats" / "units-1.2.xlf", tmp_path / "a.xlf")
    result = runner.invoke(app, ["fix", "a.xlf", "-o", "out", "--no-default-glossaries", "-g",
                                 str(DATA / "formats-glossary.toml"), "--no-rule", "spacing",
                                 "--report", "out/review.html"])
    assert result.exit_code == 0, result.output
    for viewport in (LAPTOP, PHONE):
        view = Page(browser, tmp_path / "out/review.html", viewport)
        card = view.page.locator("article.chg", has_text="second-class").first
        assert card.locator(".src").inner_text().endswith("二级巡视员")
        assert card.locator(".rl").inner_text().endswith("inspector<ept id=\"5\">&lt;/b&gt;</ept>")
        unit = view.page.locator("article.chg", has_text="Please").first
        shown = unit.locator(".rl").inner_text()
        assert shown.startswith("TRANSLATION") or shown.startswith("Please")
        assert "%(name)s name." in shown  # the whole unit, to its end
        source, target = (b.bounding_box() for b in (card.locator(".src"), card.locator(".rl")))
        if viewport is LAPTOP:
            assert source["x"] + source["width"] <= target["x"]  # side by side
        else:
            assert source["y"] + source["height"] <= target["y"] + 1  # stacked
        assert view.no_overflow() == []
        view.close()


def test_decisions_move_on_with_keys_and_decided_cards_compact(browser, fixed):
    changes, page_path = fixed
    view = Page(browser, page_path, PHONE)
    page = view.page
    assert view.current() == changes[0].id  # the first pending change is ready to decide
    height = view.card(changes[0]).bounding_box()["height"]
    view.press("a")
    assert view.current() == changes[1].id
    assert view.state(changes[0]) == "accept"
    assert view.card(changes[0]).bounding_box()["height"] < height  # decided: compact
    view.press("r")
    assert view.current() == changes[2].id
    view.press("u")  # undo the last decision: back to it, pending again
    assert view.current() == changes[1].id
    assert view.state(changes[1]) == "pending"
    view.press("j")
    view.press("j")
    assert view.current() == changes[3].id
    view.press("k")
    assert view.current() == changes[2].id
    view.press("e")  # edit: Enter saves, then the page moves on
    page.keyboard.press("Control+a")
    page.keyboard.type("by hand")
    page.keyboard.press("Enter")
    assert view.state(changes[2]) == "edit"
    assert view.current() == changes[3].id  # the next pending one
    # Bulk actions stay: accept the rest of a rule from the action bar, then all the others.
    vice = [c for c in changes if c.rule == "t.vice"]
    view.card(vice[-1]).click()
    page.click("#actbar button[data-act=rule]")
    assert all(view.state(c) == "accept" or c.id == changes[2].id for c in vice)
    page.click("#accept-all")
    flag = next(c for c in changes if c.is_flag)
    assert view.state(flag) == "pending"  # never flags in bulk
    view.card(flag).click()
    view.press("e")  # the edit box and the comment box fit the phone too
    page.click("#actbar button[data-act=comment]")
    assert view.no_overflow() == []
    page.wait_for_timeout(400)  # decisions are saved in the browser shortly after each one
    page.reload()
    assert [view.state(c) for c in changes[:3]] == ["accept", "accept", "edit"]
    assert "by hand" in view.card(changes[2]).locator(".edited").inner_text()
    assert view.current() == flag.id  # back at the first pending change
    view.close()


def test_overlapping_changes_cannot_both_be_accepted(browser, tmp_path, monkeypatch):
    """A change and a flag whose proposal covers the same words: accepting the second is
    refused with the reason and the other change's id, as `mtfix apply` would refuse it."""
    monkeypatch.chdir(tmp_path)
    text = "We must never say anything, never say anything about it.\n"
    (tmp_path / "b.txt").write_text(text)
    start = text.index("never")
    base = text_hash(text)
    change = Change(doc="b.txt", start=text.index(", never"), end=text.index(" about"), line=1,
                    before=", never say anything", after="", pass_="rules", rule="repetition",
                    note="a repeated clause", base=base)
    flag = Change(doc="b.txt", start=start, end=text.index(" about"), line=1,
                  before=text[start:text.index(" about")], after=text[start:text.index(" about")],
                  pass_="glossary", rule="slogan", note="a slogan", base=base,
                  proposal='never say "no", never say "it\'s too hard"')
    with open(tmp_path / "changes.jsonl", "w") as stream:
        write_change_log([change, flag], stream)
    assert runner.invoke(app, ["report", "changes.jsonl", "-o", "review.html"]).exit_code == 0
    view = Page(browser, tmp_path / "review.html", PHONE)
    page = view.page
    first, second = sorted([change, flag], key=lambda c: c.start)
    assert view.current() == first.id
    view.press("a")
    assert "ovl" in view.card(second).get_attribute("class")  # marked "overlaps an accepted change"
    view.card(second).click()
    page.click("#actbar button[data-act=accept]")
    why = view.card(second).locator(".why")
    assert why.is_visible() and first.id in why.inner_text() and "Reject or undo" in why.inner_text()
    assert view.state(second) == "pending"
    view.press("e")  # an edit writes text too: refused the same way
    page.keyboard.press("Enter")
    assert view.state(second) == "pending"
    page.click(f'article[data-id="{second.id}"] .why a.jump')  # the link goes to the other change
    assert view.current() == first.id
    view.press("r")
    view.card(second).click()
    page.click("#actbar button[data-act=accept]")
    assert view.state(second) == "accept"
    view.download("#export", tmp_path / "decisions.json")
    view.close()
    assert json.loads((tmp_path / "decisions.json").read_text())["change_log"] == "changes.jsonl"
    result = runner.invoke(app, ["apply", "b.txt", "--changes", "changes.jsonl", "--decisions",
                                 "decisions.json", "-o", "final"])
    assert result.exit_code == 0, result.output
    assert second is change and first is flag
    assert (tmp_path / "final/b.txt").read_text() == text.replace(change.before, "", 1)


def test_changes_marked_for_the_glossary_export_as_a_glossary_that_loads(browser, fixed, tmp_path):
    from mtfix.glossary import Glossary

    changes, page_path = fixed
    view = Page(browser, page_path, LAPTOP)
    page = view.page
    info, vice, exit_ = (next(c for c in changes if c.rule == rule)
                         for rule in ("t.info", "t.vice", "t.exit"))
    assert not page.locator("#export-glossary").is_visible()
    view.card(info).click()
    view.press("g")  # marking a pending change accepts it
    assert view.state(info) == "accept"
    view.card(vice).click()
    view.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("Vice Governor")
    page.keyboard.press("Enter")
    view.card(vice).click()
    page.click("#actbar button[data-act=glossary]")
    view.card(exit_).click()
    view.press("g")
    assert page.inner_text("#export-glossary") == "Glossary (3)"
    view.download("#export-glossary", tmp_path / "additions.toml")
    view.close()
    toml = (tmp_path / "additions.toml").read_text()
    glossary = Glossary.from_toml(toml)  # examples are run as the glossary loads
    entries = {e.find[0]: e for e in glossary.entries}
    assert entries["informatization"].replace == "digitalization"
    assert entries["vice-governor"].replace == "Vice Governor"
    assert entries["Entry and Exit Bureau"].replace == "Exit and Entry Bureau"
    assert all(e.id.startswith("review.") and e.examples and e.id for e in glossary.entries)
    example = entries["informatization"].examples[0]
    assert "informatization" in example.text and "digitalization" in example.fixed
    assert f"change {info.id} (t.info)" in entries["informatization"].note
    assert "mtfix glossary add --from" in toml
    # merged as the file says, the new entries fix text in a run with the merged glossary
    team = tmp_path / "team.toml"
    merged = runner.invoke(app, ["glossary", "add", "--from", str(tmp_path / "additions.toml"),
                                 str(team), "--no-default-glossaries"])
    assert merged.exit_code == 0, merged.output
    assert "3 added, 0 skipped, 0 refused" in merged.output
    (tmp_path / "new.txt").write_text("The vice-governor praised informatization.\n")
    run = runner.invoke(app, ["fix", str(tmp_path / "new.txt"), "-g", str(team),
                              "--no-default-glossaries", "-o", str(tmp_path / "o")])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "o/new.txt").read_text() == "The Vice Governor praised digitalization.\n"


def test_print_and_full_page_screenshots_show_every_card(browser, fixed, monkeypatch):
    """Off-screen cards are skipped (content-visibility) only on very big pages, and never
    in print."""
    from mtfix.report import html, load_report

    _changes, page_path = fixed
    visible = ("() => [...document.querySelectorAll('article.chg .rl')]"
               ".map(e => e.checkVisibility({contentVisibilityAuto: true}))")
    view = Page(browser, page_path, PHONE)
    assert all(view.page.evaluate(visible))  # a full-page screenshot paints them all
    view.page.screenshot(full_page=True)
    view.close()
    monkeypatch.setattr(html, "LAZY_CARDS", 2)  # a "big" page: lazy on screen
    big = page_path.with_name("big.html")
    big.write_text(html.render_html(load_report("out/changes.jsonl")))
    view = Page(browser, big, {"width": 390, "height": 300})
    assert not all(view.page.evaluate(visible))
    view.page.emulate_media(media="print")
    assert all(view.page.evaluate(visible))
    assert not view.page.locator("#toolbar").is_visible()
    view.close()
    view = Page(browser, big, {"width": 390, "height": 300}, "#all")  # all drawn, for a screenshot
    assert all(view.page.evaluate(visible))
    view.close()


def test_small_fixes_are_clearly_visible_and_rephrasings_read_whole(browser, fixed):
    changes, page_path = fixed
    view = Page(browser, page_path, PHONE)
    vice = view.card(next(c for c in changes if c.rule == "t.vice"))
    hyphen, space = vice.locator("del.pt"), vice.locator("ins.ws")
    assert hyphen.inner_text() == "-" and space.inner_text() == "\u2423"  # a space shown as ␣
    for mark in (hyphen, space):
        box = mark.bounding_box()
        assert box["width"] >= 12 and box["height"] >= 12, box
        border = mark.evaluate("e => getComputedStyle(e).borderTopWidth")
        assert float(border.rstrip("px")) >= 2
    exit_ = view.card(next(c for c in changes if c.rule == "t.exit"))
    assert exit_.locator("del").all_inner_texts() == ["Entry and Exit"]
    assert exit_.locator("ins").all_inner_texts() == ["Exit and Entry"]
    view.close()
