"""The HTML review page in a real headless Chromium (Playwright): reject one change, accept the
rest with "Accept all pending", export decisions.json, and `mtfix apply` them.

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

from mtfix.change import apply_changes
from mtfix.changelog import read_change_log
from mtfix.cli import app

pytestmark = pytest.mark.timeout(120)

GLOSSARY = glossary_toml("no hyphen")

TEXT = ("The vice-governor spoke on informatization. <script>window.__pwned=1;alert(1)</script>\n\n"
        "Later the vice-governor will strike hard <img src=x onerror=\"window.__pwned=2\"> on "
        "informatization and informatization.\n")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


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


def test_review_in_browser_round_trip(browser, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.toml").write_text(GLOSSARY)
    (tmp_path / "a.txt").write_text(TEXT)
    runner = CliRunner()
    result = runner.invoke(app, ["fix", "a.txt", "-o", "out", "-g", "g.toml", "--no-default-glossaries",
                                 "--report", "out/review.html"])
    assert result.exit_code == 0, result.output
    with open("out/changes.jsonl") as stream:
        changes = list(read_change_log(stream))
    rejected = next(c for c in changes if c.rule == "t.info")
    assert sum(not c.is_flag for c in changes) == 5

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "out/review.html").as_uri())
    assert page.locator("article.chg").count() == len(changes)
    # The MT text's markup is shown as text, never run.
    assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("main")
    assert '<img src=x onerror="window.__pwned=2">' in page.inner_text("main")
    assert page.evaluate("window.__pwned === undefined") and not dialogs

    # Filters hide cards without rebuilding the page.
    page.select_option("#f-rule", "t.vice")
    assert page.locator("article.chg:visible").count() == 2
    page.select_option("#f-rule", "")
    page.select_option("#f-kind", "flag")
    assert page.locator("article.chg:visible").count() == 1
    page.select_option("#f-kind", "")
    # Next/previous navigation marks the current change.
    page.click("#next")
    page.click("#next")
    assert page.get_attribute("article.chg.current", "data-id") == changes[1].id
    page.click("#prev")
    assert page.get_attribute("article.chg.current", "data-id") == changes[0].id

    page.click(f'article[data-id="{rejected.id}"] button[data-act="reject"]')
    page.click(f'article[data-id="{rejected.id}"] button[data-act="comment"]')
    page.fill(f'article[data-id="{rejected.id}"] textarea.comment', "keep the source term")
    page.click("#accept-all")
    assert "4 accepted · 1 rejected · 1 pending" in page.inner_text("#counts")  # the flag stays pending
    page.fill("#reviewer", "Ana")
    with page.expect_download() as download_info:
        page.click("#export")
    download = download_info.value
    assert download.suggested_filename == "decisions.json"
    download.save_as(tmp_path / "decisions.json")
    assert not errors
    context.close()

    exported = json.loads((tmp_path / "decisions.json").read_text())
    assert exported["version"] == 1 and exported["reviewer"] == "Ana"
    assert exported["decisions"][rejected.id] == "reject"
    assert exported["comments"] == {rejected.id: "keep the source term"}
    result = runner.invoke(app, ["apply", "a.txt", "--changes", "out/changes.jsonl",
                                 "--decisions", "decisions.json", "-o", "final"])
    assert result.exit_code == 0, result.output
    expected = apply_changes(TEXT, [c for c in changes if not c.is_flag and c.id != rejected.id])
    assert (tmp_path / "final/a.txt").read_text() == expected
    assert expected.count("informatization") == 1
