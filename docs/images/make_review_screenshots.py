"""Make the review-page screenshots of docs/guide/review.md (needs playwright and Chromium).

    python docs/images/make_review_screenshots.py

Fixes the shipped sample with the shipped glossaries into a scratch folder, opens the review
page at 1280×900 (review.png) and 390×844 (review-phone.png), accepts the first change with the
`a` key (so one card shows as decided and the next one holds the action bar), and saves the
first screen of each.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
SHOTS = {"review.png": (1280, 900), "review-phone.png": (390, 844)}


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        sample = ROOT / "samples" / "anhui-police-meeting-2024.txt"
        (work / sample.name).write_bytes(sample.read_bytes())
        subprocess.run([sys.executable, "-m", "mtfix", "fix", sample.name, "-o", "out", "--report",
                        "out/review.html", "-q"], cwd=work, check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            for name, (width, height) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto((work / "out/review.html").as_uri())
                page.keyboard.press("a")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=IMAGES / name)
                page.close()
                print(f"wrote {IMAGES / name}")
            browser.close()


if __name__ == "__main__":
    main()
