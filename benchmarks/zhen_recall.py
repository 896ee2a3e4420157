"""Recall per garble kind on the WMT22 zh-en system outputs: how many occurrences of each kind in
benchmarks/zhen_kinds.toml mtfix touches (changes or flags) and fixes.

Every system-output line is fixed as one unit with its Chinese source line as the unit's source
(what ``mtfix fix --format lines --source src.zh`` does), with the shipped glossaries and the
default rules. An occurrence (a match of the kind's ``pattern``) is touched when a change or
flag overlaps it (a terms-check flag over the whole line without a proposal does not count: it
points at the line, not at the garble); fixed when a change overlaps it and the fixed line holds
fewer matches of ``fixed_if_not`` (or of ``pattern`` when there is none).

    python benchmarks/zhen_recall.py [--data ../shared/data] [--kinds FILE] [--missed KIND]
    python benchmarks/zhen_recall.py --no-default-glossaries   # the rules alone

``--missed KIND`` prints every occurrence of KIND that was not fixed, with the Chinese source:
the list new glossary entries are written from.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtfix.api import build_pipeline

SYSTEMS = ("AISP-SJTU", "DLUT", "HuaweiTSC", "JDExploreAcademy", "Lan-Bridge", "LanguageX",
           "NiuTrans", "Online-A", "Online-B", "Online-G", "Online-W", "Online-Y")
KINDS = Path(__file__).resolve().parent / "zhen_kinds.toml"


def load_kinds(path: Path) -> list[dict]:
    kinds = tomllib.loads(path.read_text(encoding="utf-8"))["kind"]
    for kind in kinds:
        kind["rx"] = re.compile(kind["pattern"])
        kind["after_rx"] = re.compile(kind.get("fixed_if_not", kind["pattern"]))
    return kinds


def counts_on_line(kinds, line, fixed, changes, tally, missed, where):
    for kind in kinds:
        found = list(kind["rx"].finditer(line))
        if not found:
            continue
        name = kind["name"]
        changed = 0
        for match in found:
            hits = [c for c in changes if c.start < match.end() and c.end > match.start()]
            tally[name, "all"] += 1
            if hits:
                tally[name, "touched"] += 1
            if any(not c.is_flag for c in hits):
                changed += 1
            elif missed == name:
                print(f"{where} {'flag' if hits else 'miss'} {match.group()!r}: {line}")
        fixed_now = min(changed, max(0, len(found) - len(kind["after_rx"].findall(fixed))))
        tally[name, "fixed"] += fixed_now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--kinds", type=Path, default=KINDS)
    parser.add_argument("--missed", metavar="KIND", help="print the occurrences of KIND not fixed")
    parser.add_argument("--no-default-glossaries", action="store_true")
    args = parser.parse_args()
    kinds = load_kinds(args.kinds)
    pipeline = build_pipeline(default_glossaries=not args.no_default_glossaries)
    folder = args.data / "wmt22-zhen"
    source = (folder / "generaltest2022.zh-en.src.zh").read_text(encoding="utf-8").splitlines()
    tally: Counter = Counter()
    for system in SYSTEMS:
        lines = (folder / f"generaltest2022.zh-en.hyp.{system}.en").read_text(
            encoding="utf-8").splitlines()
        for number, (line, zh) in enumerate(zip(lines, source, strict=True), 1):
            fixed, changes = pipeline.fix_segment(line, doc=system, source=zh)
            changes = [c for c in changes if not (c.is_flag and c.pass_ == "terms"
                                                  and c.proposal is None)]
            counts_on_line(kinds, line, fixed, changes, tally, args.missed,
                           f"{system}:{number}\n    ZH {zh}\n   ")
    print(f"{'kind':24} {'occurrences':>11} {'touched':>14} {'fixed':>14}")
    total = Counter()
    for kind in kinds:
        name = kind["name"]
        n, t, f = tally[name, "all"], tally[name, "touched"], tally[name, "fixed"]
        total.update({"all": n, "touched": t, "fixed": f})
        print(f"{name:24} {n:11d} {t:7d} {t / max(n, 1):6.1%} {f:7d} {f / max(n, 1):6.1%}")
    n = total["all"]
    print(f"{'all kinds':24} {n:11d} {total['touched']:7d} {total['touched'] / max(n, 1):6.1%} "
          f"{total['fixed']:7d} {total['fixed'] / max(n, 1):6.1%}")


if __name__ == "__main__":
    main()
