"""The terms check on real zh->en MT: how many flags it raises and how many point at a real error.

Every line of the 12 WMT22 zh-en system outputs is fixed with its Chinese source line as the
unit's source (what ``mtfix fix --format lines --source src.zh`` does), default glossaries and
rules. Prints the terms-check flags per entry (with and without a proposal) and their
precision by reading: ``benchmarks/labels/terms/wmt22.tsv`` labels flags real (the translation
lacks the term or garbles it) or noise (an acceptable rendering), keyed on system, line and
entry. ``--unlabelled N`` prints N flags no label covers, drawn at random (fixed seed), each
with its source line and a TSV stub to read and append.

    python benchmarks/terms_flags.py [--data ../shared/data] [--unlabelled 40] [--seed 11]

Data: WMT22 general test set zh-en (github.com/wmt-conference/wmt22-news-systems, research use).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtfix.api import build_pipeline

SYSTEMS = ("AISP-SJTU", "DLUT", "HuaweiTSC", "JDExploreAcademy", "Lan-Bridge", "LanguageX",
           "NiuTrans", "Online-A", "Online-B", "Online-G", "Online-W", "Online-Y")
LABELS = Path(__file__).resolve().parent / "labels" / "terms" / "wmt22.tsv"


def read_labels(path: Path) -> dict[tuple[str, int, str], str]:
    """(system, line, entry) -> real / noise; another verdict stops the run naming the line."""
    labels = {}
    with path.open(encoding="utf-8", newline="") as stream:
        rows = [(n, r) for n, r in enumerate(csv.reader(stream, delimiter="\t"), 1)
                if r and not r[0].startswith("#")]
    for number, row in rows[1:]:
        system, line, entry, _proposal, verdict = row[:5]
        if verdict not in ("real", "noise"):
            raise SystemExit(f"{path}:{number}: verdict {verdict!r}; use real or noise")
        labels[system, int(line), entry] = verdict
    return labels


def flags(data: Path) -> list[tuple[str, int, str, str | None, str, str]]:
    """(system, line, entry, proposal, translation, source) of every terms-check flag."""
    folder = data / "wmt22-zhen"
    source = (folder / "generaltest2022.zh-en.src.zh").read_text(encoding="utf-8").splitlines()
    pipeline = build_pipeline()
    found = []
    for system in SYSTEMS:
        lines = (folder / f"generaltest2022.zh-en.hyp.{system}.en").read_text(
            encoding="utf-8").splitlines()
        for number, (line, zh) in enumerate(zip(lines, source, strict=True), 1):
            _fixed, changes = pipeline.fix_segment(line, doc=system, source=zh)
            found += [(system, number, c.rule, c.proposal, line, zh) for c in changes
                      if c.pass_ == "terms"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--unlabelled", type=int, default=0)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    found = flags(args.data)
    per_entry = Counter((rule, proposal is not None) for _s, _n, rule, proposal, _l, _z in found)
    print(f"{len(found)} terms-check flags on 12 systems x 1,875 lines "
          f"({sum(c for (_r, p), c in per_entry.items() if p)} with a proposal)")
    for (rule, proposal), count in per_entry.most_common(15):
        print(f"  {count:4d}  {rule}{'  (proposal)' if proposal else ''}")
    labels = read_labels(LABELS) if LABELS.exists() else {}
    verdicts = Counter(labels.get((s, n, rule), "unlabelled") for s, n, rule, *_ in found)
    read = verdicts["real"] + verdicts["noise"]
    share = f"{verdicts['real'] / read:.3f}" if read else "n/a"
    print(f"by reading: real {verdicts['real']}, noise {verdicts['noise']}, unlabelled "
          f"{verdicts['unlabelled']}; real {share} of the {read} read")
    if args.unlabelled:
        todo = [f for f in found if (f[0], f[1], f[2]) not in labels]
        random.Random(args.seed).shuffle(todo)
        for system, number, rule, proposal, line, zh in todo[:args.unlabelled]:
            print(f"\n== {system}:{number} {rule} proposal={proposal!r}\n   ZH {zh}\n   EN {line}\n"
                  f"   {system}\t{number}\t{rule}\t{proposal or ''}\t\t")


if __name__ == "__main__":
    main()
