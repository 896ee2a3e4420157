"""The Chinese->English rules (cjk, fullwidth, tokenized, stray_punctuation, news_furniture)
measured on real MT: what each changes and flags, whether it harms other text, and how often
it is right by reading.

Prints, per rule (run alone, as ``RulesPass(only=[rule])``):

1. changes and flags on each of the 12 WMT22 zh-en system outputs and the two human
   references (each file fixed as one text), and on the MQM TED zh-en targets;
2. do no harm: changes and flags on MLQE-PE dev (``*/dev.mt``, tokenized as distributed) and
   ACCEPT fr-en (``edinpe.mt.en``), and, on the same segments detokenized with sacremoses
   (``pip install -e ".[bench]"``), how many changed segments got closer to / further from the
   human post-edit (character edit distance; as ``benchmarks/quality.py``);
3. labelled precision: the changes and flags read and labelled right / harmless / wrong in
   ``benchmarks/labels/zhen-rules.tsv`` (columns system, line, rule, before, after, verdict,
   reason; before/after are the changed spans only).

    python benchmarks/zhen_rules.py [--data ../shared/data] [--labels FILE]
    python benchmarks/zhen_rules.py --dump RULE   # every change and flag of RULE on WMT22 + MQM TED,
                                                  # with context: the list the labels were drawn from
"""

from __future__ import annotations

import argparse
import csv
import html
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein

from mtfix.change import apply_edits
from mtfix.passes.rules import RulesPass

RULES = ("cjk", "fullwidth", "tokenized", "stray_punctuation", "news_furniture")
PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
LABELS = Path(__file__).resolve().parent / "labels" / "zhen-rules.tsv"


def wmt22(data: Path) -> dict[str, str]:
    """System (or reference) name -> its output, one segment per line."""
    folder = data / "wmt22-zhen"
    texts = {path.name.split(".hyp.")[1][:-3]: path.read_text(encoding="utf-8")
             for path in sorted(folder.glob("generaltest2022.zh-en.hyp.*.en"))}
    for ref in ("A", "B"):
        texts[f"ref-{ref}"] = (folder / f"generaltest2022.zh-en.ref.{ref}.en").read_text(
            encoding="utf-8")
    return texts


def mqm_ted(data: Path) -> str:
    """The MQM TED zh-en targets (15 systems and 2 references), one segment per line, error
    marks removed."""
    seen: dict[tuple[str, str], str] = {}
    with open(data / "wmt-mqm-ted-zhen" / "mqm_ted_zhen.tsv", encoding="utf-8") as stream:
        next(stream)
        for line in stream:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 7:
                seen[(parts[0], parts[3])] = parts[6].replace("<v>", "").replace("</v>", "")
    return "\n".join(seen.values()) + "\n"


def no_harm_sets(data: Path) -> dict[str, list[tuple[str, list[str]]]]:
    """Name -> [(MT segment, its post-edits)] as distributed (tokenized)."""
    sets = {}
    for pair in PAIRS:
        folder = data / "mlqe-pe" / pair
        mt = (folder / "dev.mt").read_text(encoding="utf-8").splitlines()
        pe = (folder / "dev.pe").read_text(encoding="utf-8").splitlines()
        sets[f"mlqe {pair} dev"] = [(a, [b]) for a, b in zip(mt, pe, strict=True)]
    folder = data / "accept-fren"
    mt = (folder / "edinpe.mt.en").read_text(encoding="utf-8").splitlines()
    refs = [(folder / f"edinpe.{r}.en").read_text(encoding="utf-8").splitlines()
            for r in ("ref0", "ref1")]
    sets["accept fr-en"] = [(m, [a, b]) for m, a, b in zip(mt, *refs, strict=True)]
    return sets


def count(rule: RulesPass, text: str) -> tuple[int, int]:
    edits = rule.find_edits(text)
    flags = sum(e.flag for e in edits)
    return len(edits) - flags, flags


def judge(rule: RulesPass, segments: list[tuple[str, list[str]]], detok) -> Counter[str]:
    """Changed segments (detokenized) closer to / further from the nearest post-edit."""
    out: Counter[str] = Counter()
    for mt, post_edits in segments:
        mt_d = detok(mt, True)
        fixed = apply_edits(mt_d, [e for e in rule.find_edits(mt_d) if not e.flag])
        if fixed == mt_d:
            continue
        pes = [detok(p, True) for p in post_edits]
        before = min(Levenshtein.distance(mt_d, p) for p in pes)
        after = min(Levenshtein.distance(fixed, p) for p in pes)
        out["good" if after < before else "bad" if after > before else "neutral"] += 1
    return out


def detokenizer():
    try:
        from sacremoses import MosesDetokenizer
    except ImportError:
        return None
    moses = MosesDetokenizer("en")

    def detok(line: str, unescape: bool) -> str:
        return moses.detokenize((html.unescape(line) if unescape else line).split())
    return detok


def labelled(path: Path) -> dict[str, Counter[str]]:
    """Rule -> verdict counts from the labels file."""
    out: dict[str, Counter[str]] = {}
    with open(path, encoding="utf-8", newline="") as stream:
        rows = csv.reader((line for line in stream if not line.startswith("#")), delimiter="\t")
        header = next(rows)
        at = {name: i for i, name in enumerate(header)}
        for row in rows:
            if row:
                out.setdefault(row[at["rule"]], Counter())[row[at["verdict"]]] += 1
    return out


def dump(rule_id: str, data: Path) -> None:
    rule = RulesPass(only=[rule_id])
    texts = wmt22(data)
    texts["mqm-ted"] = mqm_ted(data)
    for name, text in texts.items():
        for edit in rule.find_edits(text):
            line = text.count("\n", 0, edit.start) + 1
            left = text[max(text.rfind("\n", 0, edit.start) + 1, edit.start - 50):edit.start]
            right = text[edit.end:edit.end + 40].split("\n")[0]
            kind = "flag" if edit.flag else "change"
            print(f"{name}\t{line}\t{rule_id}\t{text[edit.start:edit.end]!r}\t{edit.after!r}\t"
                  f"{kind}\t{left!r} [] {right!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--labels", default=str(LABELS))
    parser.add_argument("--dump", choices=RULES, help="list every change and flag of a rule")
    args = parser.parse_args()
    data = Path(args.data)
    if args.dump:
        dump(args.dump, data)
        return
    rules = {rule_id: RulesPass(only=[rule_id]) for rule_id in RULES}
    texts = wmt22(data)
    texts["mqm-ted"] = mqm_ted(data)
    print("## Changes / flags per rule on WMT22 zh-en (12 systems, 2 references) and MQM TED zh-en\n")
    print("| output | " + " | ".join(RULES) + " |")
    print("|---|" + "---:|" * len(RULES))
    totals = {r: [0, 0] for r in RULES}
    for name, text in texts.items():
        cells = []
        for rule_id, rule in rules.items():
            changes, flags = count(rule, text)
            if not name.startswith(("ref-", "mqm")):
                totals[rule_id][0] += changes
                totals[rule_id][1] += flags
            cells.append(f"{changes} / {flags}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| **12 systems** | " + " | ".join(f"**{c} / {f}**" for c, f in totals.values()) + " |")

    print("\n## Do no harm: MLQE-PE dev (tokenized, as distributed) and ACCEPT fr-en\n")
    detok = detokenizer()
    print("changes / flags on the files as distributed; then, detokenized, changed segments "
          "closer to / same / further from the post-edit (good / neutral / bad)\n")
    print("| data | " + " | ".join(RULES) + " |")
    print("|---|" + "---:|" * len(RULES))
    for name, segments in no_harm_sets(data).items():
        text = "\n".join(mt for mt, _ in segments) + "\n"
        cells = []
        for rule in rules.values():
            changes, flags = count(rule, text)
            cell = f"{changes} / {flags}"
            if detok is not None:
                c = judge(rule, segments, detok)
                cell += f"; {c['good']}/{c['neutral']}/{c['bad']}"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")
    if detok is None:
        print("\n(sacremoses is not installed: no post-edit judgement; pip install -e \".[bench]\")")

    print("\n## Labelled precision (read by hand; " + Path(args.labels).name + ")\n")
    print("| rule | labelled | right | harmless | wrong | right or harmless |")
    print("|---|---:|---:|---:|---:|---:|")
    for rule_id, c in sorted(labelled(Path(args.labels)).items()):
        n = sum(c.values())
        print(f"| {rule_id} | {n} | {c['right']} | {c['harmless']} | {c['wrong']} | "
              f"{(c['right'] + c['harmless']) / n:.2f} |")


if __name__ == "__main__":
    main()
