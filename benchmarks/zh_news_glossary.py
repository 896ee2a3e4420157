"""What does the zh-news glossary do on real zh-en MT, and how precise is it?

Runs the shipped glossaries over the 12 WMT22 zh-en system outputs (one segment per line, as
`mtfix fix --format lines` does) and counts the changes and flags of the `zh.` entries, per
entry and per system. Then the same on text that is not Chinese news — MLQE-PE (et, ne, ro, ru,
si -> en; dev, and train with --train) and ACCEPT fr-en, detokenized with sacremoses — where
every zh. change is printed, since it should be none or right. Finally the labelled sample
(benchmarks/labels/zh-news-glossary.tsv: system, line, entry, before, after, verdict, reason)
and benchmarks/labels/zh-news-glossary-2.tsv (the entries added for the garble kinds of
benchmarks/zhen_kinds.toml, flags included) are checked against the current run (a label whose
change or flag no longer happens is reported as stale) and summarised as right / harmless /
wrong, changes and flags apart. With --speed, the glossary pass over the 12
WMT22 files (each file one text) is timed with the shipped glossaries and without zh-news,
alternately, best of 3.

    python benchmarks/zh_news_glossary.py [--data ../shared/data] [--train] [--per-entry] [--speed]
"""

from __future__ import annotations

import argparse
import csv
import html
import time
from collections import Counter
from pathlib import Path

from sacremoses import MosesDetokenizer

from mtfix.glossary import Glossary, default_glossary_paths, load_glossaries

SYSTEMS = ("AISP-SJTU", "DLUT", "HuaweiTSC", "JDExploreAcademy", "Lan-Bridge", "LanguageX",
           "NiuTrans", "Online-A", "Online-B", "Online-G", "Online-W", "Online-Y")
PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
LABELS = sorted((Path(__file__).parent / "labels").glob("zh-news-glossary*.tsv"))
PREFIX = "zh."


def zh_edits(glossary, lines):
    """(line number, edit) for every zh. change or flag, one line = one segment."""
    for number, line in enumerate(lines, 1):
        for edit in glossary.compiled.find_edits(line):
            if edit.rule.startswith(PREFIX):
                yield number, line, edit


Key = tuple[str, int, str, str, str]


def wmt(glossary, data: Path, per_entry: bool) -> tuple[set[Key], set[Key]]:
    """Counts on the 12 WMT22 systems; returns the changes and the flags as label keys (a
    flag's after is its proposal)."""
    changes: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    per_system: Counter[str] = Counter()
    keys, flag_keys = set(), set()
    for system in SYSTEMS:
        path = data / "wmt22-zhen" / f"generaltest2022.zh-en.hyp.{system}.en"
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line, edit in zh_edits(glossary, lines):
            before = line[edit.start:edit.end]
            if edit.flag:
                flags[edit.rule] += 1
                flag_keys.add((system, number, edit.rule, before, edit.after))
                continue
            changes[edit.rule] += 1
            per_system[system] += 1
            keys.add((system, number, edit.rule, before, edit.after))
    entries = [e for e in glossary.entries if e.id.startswith(PREFIX)]
    print(f"WMT22 zh-en, 12 systems x 1875 segments: {sum(changes.values())} changes by "
          f"{len(changes)} of {len(entries)} entries, {sum(flags.values())} flags by "
          f"{len(flags)} entries")
    print("  per system: " + ", ".join(f"{s} {per_system[s]}" for s in SYSTEMS))
    if per_entry:
        for rule, count in changes.most_common():
            print(f"  {count:4d}  {rule}")
        for rule, count in flags.most_common():
            print(f"  {count:4d}  {rule} (flag)")
    return keys, flag_keys


def not_chinese(glossary, data: Path, train: bool) -> None:
    """zh. changes on MT that is not Chinese news: each is printed for a reader to judge."""
    detok = MosesDetokenizer("en")
    sets = {f"mlqe-pe {pair} {split}": data / "mlqe-pe" / pair / f"{split}.mt"
            for pair in PAIRS for split in (("dev", "train") if train else ("dev",))}
    sets["accept fr-en"] = data / "accept-fren" / "edinpe.mt.en"
    for name, path in sets.items():
        raw = path.read_text(encoding="utf-8").splitlines()
        lines = [detok.detokenize(html.unescape(line).split()) for line in raw]
        found = list(zh_edits(glossary, lines))
        changes = [f for f in found if not f[2].flag]
        print(f"{name}: {len(lines)} segments, {len(changes)} zh. changes, "
              f"{len(found) - len(changes)} flags")
        for number, line, edit in found:
            kind = "flag" if edit.flag else "change"
            print(f"    {kind} line {number} {edit.rule}: {line[edit.start:edit.end]!r} -> "
                  f"{edit.after!r}")


def labelled(keys: set[Key], flag_keys: set[Key]) -> None:
    rows = []
    for path in LABELS:
        with path.open(encoding="utf-8", newline="") as stream:
            rows += [dict(row, file=path.name) for row in csv.DictReader(stream, delimiter="\t")]
    key = {id(row): (row["system"], int(row["line"]), row["entry"], row["before"], row["after"])
           for row in rows}
    changes = [row for row in rows if key[id(row)] in keys]
    flags = [row for row in rows if key[id(row)] in flag_keys]
    names = ", ".join(path.name for path in LABELS)
    for kind, sample in (("changes", changes), ("flags", flags)):
        verdicts = Counter(row["verdict"] for row in sample)
        n = max(len(sample), 1)
        good = verdicts["right"] + verdicts["harmless"]
        what = "right or harmless" if kind == "changes" else "pointing at a real error"
        print(f"labelled {kind} ({names}): n={len(sample)}, right {verdicts['right']}, harmless "
              f"{verdicts['harmless']}, wrong {verdicts['wrong']}; {what} {good / n:.1%}, "
              f"strictly right {verdicts['right'] / n:.1%}")
    for row in rows:
        if key[id(row)] not in keys and key[id(row)] not in flag_keys:
            print(f"  stale label ({row['file']}; the change no longer happens): {row['system']} "
                  f"line {row['line']} {row['entry']} {row['before']!r}")
    for row in rows:
        if row["verdict"] == "wrong":
            print(f"  wrong: {row['system']} line {row['line']} {row['entry']} "
                  f"{row['before']!r} -> {row['after']!r}: {row['reason']}")


def speed(data: Path) -> None:
    """Glossary-pass time on WMT22 with and without zh-news (alternating runs, best of 3)."""
    texts = [(data / "wmt22-zhen" / f"generaltest2022.zh-en.hyp.{s}.en").read_text(encoding="utf-8")
             for s in SYSTEMS]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    paths = default_glossary_paths()
    sets = {"shipped": Glossary.load(paths, run_examples=False),
            "without zh-news": Glossary.load([p for p in paths if p.stem != "zh-news"],
                                             run_examples=False)}
    best = dict.fromkeys(sets, float("inf"))
    for _ in range(3):
        for name, glossary in sets.items():
            start = time.perf_counter()
            for text in texts:
                glossary.compiled.find_edits(text)
            best[name] = min(best[name], time.perf_counter() - start)
    for name, seconds in best.items():
        print(f"glossary pass, {name}: {seconds:.2f} s for {megabytes:.1f} MB "
              f"({megabytes / seconds:.2f} MB/s)")
    print(f"  ratio shipped / without zh-news: {best['shipped'] / best['without zh-news']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--train", action="store_true", help="also MLQE-PE train (35,000 lines)")
    parser.add_argument("--per-entry", action="store_true", help="counts per entry")
    parser.add_argument("--speed", action="store_true", help="also time the glossary pass")
    args = parser.parse_args()
    glossary = load_glossaries()
    keys, flag_keys = wmt(glossary, args.data, args.per_entry)
    not_chinese(glossary, args.data, args.train)
    labelled(keys, flag_keys)
    if args.speed:
        speed(args.data)


if __name__ == "__main__":
    main()
