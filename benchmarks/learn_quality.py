"""How good are learned glossaries? Learn on MLQE-PE train, apply to dev, compare to post-edits.

For each language pair in ``/work/shared/data/mlqe-pe`` (or ``--data``):

1. learn a glossary from ``train.mt`` / ``train.pe`` (Moses-detokenized) with the default
   :class:`LearnSettings` (thresholds are NOT tuned on dev);
2. apply it alone (``default_glossaries=False``) to ``dev.mt``;
3. judge every change against ``dev.pe``: good if applying that change alone brings the segment
   closer to the post-edit (character-level Levenshtein, rapidfuzz), bad if further;
   precision = good / (good + bad);
4. corpus TER (sacrebleu) of dev.mt and of the fixed dev.mt against dev.pe.

Run: ``python benchmarks/learn_quality.py [--pairs ro-en et-en] [--min-count 4 ...]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from sacrebleu.metrics import TER

from mtfix.api import build_pipeline
from mtfix.change import apply_changes
from mtfix.glossary import Glossary
from mtfix.glossary.model import parse_toml
from mtfix.glossary_tools.learn import LearnSettings, learn_from_segments, read_segments

_DEFAULTS = LearnSettings()
DATA = Path("/work/shared/data/mlqe-pe")


def evaluate_pair(folder: Path, settings: LearnSettings) -> dict:
    started = time.perf_counter()
    train_mt = read_segments(folder / "train.mt", detokenize=True)
    train_pe = read_segments(folder / "train.pe", detokenize=True)
    result = learn_from_segments(train_mt, train_pe, settings, prefix=folder.name)
    learn_s = time.perf_counter() - started
    draft = result.to_toml(name=f"learned-{folder.name}")
    glossary = Glossary([parse_toml(draft, f"learned-{folder.name}.toml")])  # runs examples
    pipeline = build_pipeline(glossary, default_glossaries=False, use_rules=False)

    dev_mt = read_segments(folder / "dev.mt", detokenize=True)
    dev_pe = read_segments(folder / "dev.pe", detokenize=True)
    fixed, good, bad, neutral, changes = [], 0, 0, 0, 0
    for mt, pe in zip(dev_mt, dev_pe, strict=True):
        res = pipeline.fix_text(mt, doc="dev")
        fixed.append(res.text)
        base = Levenshtein.distance(mt, pe)
        for change in res.changes:
            if change.is_flag:
                continue
            changes += 1
            delta = Levenshtein.distance(apply_changes(mt, [change]), pe) - base
            good += delta < 0
            bad += delta > 0
            neutral += delta == 0
    ter = TER()
    ter_before = ter.corpus_score(dev_mt, [dev_pe]).score
    ter_after = ter.corpus_score(fixed, [dev_pe]).score
    return {
        "pair": folder.name, "entries": len(result.entries),
        "flags": sum(e.flag for e in result.entries), "changes": changes, "good": good,
        "bad": bad, "neutral": neutral,
        "precision": good / (good + bad) if good + bad else float("nan"),
        "ter_before": ter_before, "ter_after": ter_after, "learn_s": learn_s,
        "entries_list": result.entries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--pairs", nargs="*", default=None)
    parser.add_argument("--min-count", type=int, default=_DEFAULTS.min_count)
    parser.add_argument("--min-precision", type=float, default=_DEFAULTS.min_precision)
    parser.add_argument("--max-context", type=int, default=_DEFAULTS.max_context)
    parser.add_argument("--z", type=float, default=_DEFAULTS.z)
    parser.add_argument("--show-entries", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    settings = LearnSettings(min_count=args.min_count, min_precision=args.min_precision, z=args.z,
                             max_context=args.max_context)
    pairs = args.pairs or sorted(p.name for p in args.data.iterdir() if (p / "train.mt").exists())
    print(f"settings: {settings}")
    print("| pair | entries learned (flags) | changes on dev | good | bad | precision | TER before | "
          "TER after | ΔTER | learn s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    total_good = total_bad = 0
    for pair in pairs:
        row = evaluate_pair(args.data / pair, settings)
        total_good += row["good"]
        total_bad += row["bad"]
        print(f"| {row['pair']} | {row['entries']} ({row['flags']}) | {row['changes']} | {row['good']} | "
              f"{row['bad']} | {row['precision']:.3f} | {row['ter_before']:.2f} | "
              f"{row['ter_after']:.2f} | {row['ter_after'] - row['ter_before']:+.2f} | "
              f"{row['learn_s']:.1f} |", flush=True)
        if args.show_entries:
            for entry in row["entries_list"]:
                print(f"    {entry.find[0]!r} -> {entry.replace!r}   # {entry.note}")
    if total_good + total_bad:
        print(f"all pairs: precision {total_good / (total_good + total_bad):.3f} "
              f"({total_good} good, {total_bad} bad)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
