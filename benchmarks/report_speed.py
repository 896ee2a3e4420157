"""How fast are reports and the review round trip for a big run? 10,000 changes over ~2 MB.

    /work/venv/bin/python benchmarks/report_speed.py [--changes 10000] [--mb 2] [--no-browser] [--runs 3]

Builds a ~2 MB document from the shipped sample (paragraphs repeated and numbered), makes
10,000 change records on it (10 rules over 2 passes, 10% flags with proposals), writes the
change log, then times: loading (reading the log, finding and hashing the original), rendering
HTML / Markdown / JSON / terminal, and ``apply_decisions`` with a random mix. With Chromium
available it also opens the HTML report headless and times in-page: page load, a filter click,
"Accept all pending", next-change navigation and "Export decisions" (each including the style
recalculation and layout it causes), best of ``--runs`` fresh openings. The same script times
an older checkout when copied into its ``benchmarks/`` folder (its page has the same controls).
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtfix.change import Change, text_hash  # noqa: E402
from mtfix.changelog import write_change_log  # noqa: E402
from mtfix.report import load_report, render_report, write_report  # noqa: E402
from mtfix.review import apply_decisions  # noqa: E402
from mtfix.spans import LineIndex  # noqa: E402

RULES = [(f"glossary.rule-{i}", "glossary") for i in range(7)] + \
        [(f"rules.garble-{i}", "rules") for i in range(3)]


def build_document(megabytes: float) -> str:
    sample = (ROOT / "samples" / "anhui-police-meeting-2024.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in sample.split("\n\n") if p.strip()]
    out, size, n = [], 0, 0
    target = int(megabytes * 1_000_000)
    while size < target:
        paragraph = f"[{n}] " + paragraphs[n % len(paragraphs)]
        out.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
        n += 1
    return "\n\n".join(out) + "\n"


def build_changes(text: str, count: int, seed: int = 1) -> list[Change]:
    rng = random.Random(seed)
    words = [m for m in re.finditer(r"[A-Za-z]{4,}", text)]
    chosen = sorted(rng.sample(range(len(words)), count))
    lines = LineIndex(text)
    base = text_hash(text)
    changes = []
    for k, index in enumerate(chosen):
        m = words[index]
        rule, pass_ = RULES[k % len(RULES)]
        before = m.group()
        if k % 10 == 9:  # a flag with a proposal
            changes.append(Change(doc="big.txt", start=m.start(), end=m.end(),
                                  line=lines.line_of(m.start()), before=before, after=before,
                                  pass_=pass_, rule=rule, note=f"check {rule}", base=base,
                                  proposal=before.upper()))
        else:
            changes.append(Change(doc="big.txt", start=m.start(), end=m.end(),
                                  line=lines.line_of(m.start()), before=before,
                                  after=before[::-1], pass_=pass_, rule=rule,
                                  note=f"why {rule} fires", base=base))
    return changes


def timed(label: str, func, *args, repeat: int = 3):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func(*args)
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<34} {best * 1000:9.1f} ms")
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="browser runs (best of)")
    args = parser.parse_args()

    text = build_document(args.mb)
    changes = build_changes(text, args.changes)
    work = Path(tempfile.mkdtemp(prefix="mtfix-report-bench-"))
    (work / "big.txt").write_text(text, encoding="utf-8")
    with open(work / "changes.jsonl", "w", encoding="utf-8") as stream:
        write_change_log(changes, stream)
    size_mb = len(text.encode("utf-8")) / 1e6
    print(f"document {size_mb:.2f} MB, {len(changes)} changes "
          f"({sum(c.is_flag for c in changes)} flags), {len(RULES)} rules")

    import os

    os.chdir(work)
    print("Python side (best of 3):")
    t_load, report = timed("load log + find/hash original", load_report, "changes.jsonl")
    assert report.documents[0].status == "ok"
    t_html, _ = timed("write HTML", write_report, report, "report.html")
    _, md = timed("render Markdown", render_report, report, "md")
    _, js = timed("render JSON", render_report, report, "json")
    timed("render terminal (no colour)", render_report, report, "term", repeat=1)
    from rich.console import Console

    from mtfix.report.terminal import print_report

    def coloured() -> None:
        print_report(report, Console(file=io.StringIO(), force_terminal=True, width=120))

    timed("render terminal (colour)", coloured, repeat=1)
    rng = random.Random(2)
    decisions = {c.id: rng.choice(["accept", "reject"]) for c in changes if rng.random() < 0.8}
    timed("apply_decisions (random mix)", apply_decisions, text, changes, decisions)
    html_mb = (work / "report.html").stat().st_size / 1e6
    print(f"  sizes: HTML {html_mb:.1f} MB, Markdown {len(md) / 1e6:.1f} MB, JSON {len(js) / 1e6:.1f} MB")
    total = t_load + t_html
    print(f"  load + HTML: {total:.2f} s = {total / len(changes) * 1e6:.0f} µs per change, "
          f"{size_mb / total:.1f} MB of text per second")

    if args.no_browser:
        return
    browser_figures(work / "report.html", len(changes), args.runs)


# In-page steps, in order (each timed with the style recalculation and layout it causes). The
# selectors work on this page and on the older one with buttons on every card.
STEPS = [
    ("filter by rule (one click)", "const s = document.getElementById('f-rule');"
     "s.value = s.options[3].value; s.dispatchEvent(new Event('change'))"),
    ("clear the filter", "const s = document.getElementById('f-rule');"
     "s.value = ''; s.dispatchEvent(new Event('change'))"),
    ("next change", "document.getElementById('next').click()"),
    ("accept one change (button)", "document.querySelector('article.chg "
     "button[data-act=accept]').click()"),
    # click a pending change first: the page's action bar is in the card being decided
    ("accept all from one rule", "const c = document.querySelector("
     "'article.chg:not(.flag):not(.st-accept)'); c.click();"
     "c.querySelector('button[data-act=rule]').click()"),
    ("Accept all pending", "document.getElementById('accept-all').click()"),
    ("filter status = accepted", "const s = document.getElementById('f-status');"
     "s.value = 'accept'; s.dispatchEvent(new Event('change'))"),
    ("clear the status filter", "const s = document.getElementById('f-status');"
     "s.value = ''; s.dispatchEvent(new Event('change'))"),
    ("scroll to the last change", "document.querySelector('article.chg:last-of-type')"
     ".scrollIntoView()"),
    ("Export decisions (build the file)", "document.getElementById('export').click()"),
]


def browser_figures(page_path: Path, count: int, runs: int = 3) -> None:
    """Open the page ``runs`` times in a fresh context and print the best time of each step
    (a busy machine only ever makes a step slower)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: playwright not installed, skipped")
        return
    chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"]
    best: dict[str, float] = {}
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, args=args)
        except Exception as exc:
            print(f"browser: cannot launch Chromium, skipped ({str(exc).splitlines()[0]})")
            return
        for _ in range(runs):
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            start = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load")
            page.evaluate("document.body.offsetHeight")
            times = {"open file:// until laid out": (time.perf_counter() - start) * 1000}
            for label, script in STEPS:
                times[label] = page.evaluate(
                    "() => { const t0 = performance.now(); " + script +
                    "; document.body.offsetHeight; return performance.now() - t0; }")
            for label, ms in times.items():
                best[label] = min(best.get(label, float("inf")), ms)
            context.close()
        browser.close()
    print(f"Chromium (headless, {count} cards, best of {runs}):")
    for label, ms in best.items():
        print(f"  {label:<36} {ms:9.1f} ms")


if __name__ == "__main__":
    main()
