"""What remembered decisions cost a run: ``Pipeline.fix_text`` over change-heavy MT without a
decisions store, with one of N decisions none of which matches, and with N rejections of the
run's own changes (each found and followed).

Corpus: the MLQE-PE MT side (``mlqe-pe/*/train.mt``, tokenized: about one change per 50 bytes)
repeated to ``--mb`` MB. The three runs alternate ``--repeat`` times; the best counts. Printed:
MB/s of each, its ratio to the run without memory, and how many changes were suppressed.
Single core, in process (loading the glossaries is not timed).

    python benchmarks/memory_speed.py                    # 4 MB, 1,000 decisions, best of 3
    python benchmarks/memory_speed.py --mb 2 --decisions 100 10000
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtfix.api import build_pipeline
from mtfix.memory import DecisionMemory
from mtfix.review.apply import remembered_decisions

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def corpus(data: Path, mb: float) -> str:
    sources = sorted((data / "mlqe-pe").glob("*/train.mt"))
    if not sources:
        raise SystemExit(f"no mlqe-pe/*/train.mt under {data}; give --data")
    block = "".join(source.read_text(encoding="utf-8") for source in sources)
    size = int(mb * 1_000_000)
    text = (block * (size // len(block) + 1))[:size]
    return text[: text.rindex("\n") + 1]


def timed(text: str, memory: DecisionMemory | None) -> tuple[float, int]:
    pipeline = build_pipeline(memory=memory)
    start = time.perf_counter()
    pipeline.fix_text(text)
    return time.perf_counter() - start, pipeline.memory_counts["suppressed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=4.0)
    parser.add_argument("--decisions", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    text = corpus(args.data, args.mb)
    first = build_pipeline().fix_text(text)
    changes = [c for c in first.changes if not c.is_flag]
    mb = len(text.encode("utf-8")) / 1e6
    print(f"{mb:.1f} MB, {len(changes)} changes without memory")
    print("decisions  none_MB/s  unmatched_MB/s  ratio  matched_MB/s  ratio  suppressed")
    for n in args.decisions:
        step = max(1, len(changes) // n)
        chosen = changes[::step][:n]
        matched = DecisionMemory.of(remembered_decisions(
            text, first.changes, {c.id: "reject" for c in chosen}))
        unmatched = DecisionMemory.of(dataclasses.replace(e, rule=e.rule + ".other")
                                      for e in matched)
        best = {"none": float("inf"), "unmatched": float("inf"), "matched": float("inf")}
        suppressed = 0
        for _ in range(args.repeat):
            for name, memory in (("none", None), ("unmatched", unmatched), ("matched", matched)):
                seconds, count = timed(text, memory)
                best[name] = min(best[name], seconds)
                if name == "matched":
                    suppressed = count
        base = best["none"]
        print(f"{n:9d}  {mb / base:9.2f}  {mb / best['unmatched']:14.2f}  "
              f"{base / best['unmatched']:5.2f}  {mb / best['matched']:12.2f}  "
              f"{base / best['matched']:5.2f}  {suppressed:10d}")


if __name__ == "__main__":
    main()
