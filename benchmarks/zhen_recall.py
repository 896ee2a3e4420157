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

``--leave-systems-out`` asks how far the glossary reaches beyond the outputs its find strings
were written from. The 12 systems are split in two halves of 6 (the first six in the list
below, the last six); each half in turn is held out, and an occurrence in a held-out system
counts as touched (fixed) only where the glossary or terms change or flag that overlaps it
matched text that ALSO occurs somewhere in the other half's outputs (case and whitespace
folded): a find string written for one system's wording alone does not count. Rule changes
(fullwidth, cjk, tokenized, ...) are not string lists and count as they are. The two halves are
summed, so every system is held out once.

    python benchmarks/zhen_recall.py --leave-systems-out
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


GLOSSARY_PASSES = ("glossary", "terms")
# kinds that rules reach, not glossary phrases: left out of the "phrase kinds" total
RULE_KINDS = ("untranslated-cjk", "fullwidth-punctuation")


def folded(text: str) -> str:
    return " ".join(text.casefold().split())


def attested(changes, other_text: str) -> list:
    """The changes that count when the line's system is held out: rule changes, and glossary
    or terms changes whose matched text also occurs in the other half's outputs."""
    return [c for c in changes
            if c.pass_ not in GLOSSARY_PASSES or folded(c.before) in other_text]


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
    parser.add_argument("--leave-systems-out", action="store_true",
                        help="count only glossary matches attested in the other half's systems")
    args = parser.parse_args()
    kinds = load_kinds(args.kinds)
    pipeline = build_pipeline(default_glossaries=not args.no_default_glossaries)
    folder = args.data / "wmt22-zhen"
    source = (folder / "generaltest2022.zh-en.src.zh").read_text(encoding="utf-8").splitlines()
    outputs = {system: (folder / f"generaltest2022.zh-en.hyp.{system}.en").read_text(
        encoding="utf-8") for system in SYSTEMS}
    halves = (SYSTEMS[:6], SYSTEMS[6:])
    others = {system: folded("\n".join(outputs[s] for s in half))
              for other, half in ((halves[1], halves[0]), (halves[0], halves[1]))
              for system in other}
    tally: Counter = Counter()
    for system in SYSTEMS:
        for number, (line, zh) in enumerate(zip(outputs[system].splitlines(), source,
                                                strict=True), 1):
            fixed, changes = pipeline.fix_segment(line, doc=system, source=zh)
            changes = [c for c in changes if not (c.is_flag and c.pass_ == "terms"
                                                  and c.proposal is None)]
            if args.leave_systems_out:
                changes = attested(changes, others[system])
            counts_on_line(kinds, line, fixed, changes, tally, args.missed,
                           f"{system}:{number}\n    ZH {zh}\n   ")
    if args.leave_systems_out:
        print("leave systems out: held out in turn", ", ".join(halves[0]), "|",
              ", ".join(halves[1]), "(glossary matches attested in the other half only)")
    print(f"{'kind':24} {'occurrences':>11} {'touched':>14} {'fixed':>14}")
    total, phrases = Counter(), Counter()
    for kind in kinds:
        name = kind["name"]
        n, t, f = tally[name, "all"], tally[name, "touched"], tally[name, "fixed"]
        total.update({"all": n, "touched": t, "fixed": f})
        print(f"{name:24} {n:11d} {t:7d} {t / max(n, 1):6.1%} {f:7d} {f / max(n, 1):6.1%}")
        if name not in RULE_KINDS:
            phrases.update({"all": n, "touched": t, "fixed": f})
    for label, sums in (("phrase kinds", phrases), ("all kinds", total)):
        n = sums["all"]
        print(f"{label:24} {n:11d} {sums['touched']:7d} {sums['touched'] / max(n, 1):6.1%} "
              f"{sums['fixed']:7d} {sums['fixed'] / max(n, 1):6.1%}")


if __name__ == "__main__":
    main()
