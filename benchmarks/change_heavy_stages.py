"""Where a change-heavy run's CPU time goes, stage by stage, in µs per change record.

Corpus: the MLQE-PE MT side as it is, tokenized (``mlqe-pe/*/train.mt`` concatenated and cut
to ``--mb`` MB; about one spacing fix per 50 bytes), as ``change_heavy.py`` builds it. In
process, one core, what a worker does with a piece of a large file (``mtfix.pieces``): the
pipeline over the chunks, the change log written (to memory), the changes counted; with the
collector set as a batch run sets it (``mtfix.batch._fewer_collections``). The stages are
timed by wrapping the functions that do them (a few calls per chunk, so the wrapping costs
nothing measurable); the run is repeated ``--repeat`` times and the fastest of each stage
counts (the first run, which builds what is built lazily, is left out). Start-up (imports,
loading the glossaries) is printed apart.

    python benchmarks/change_heavy_stages.py                 # 6 MB, best of 3
    python benchmarks/change_heavy_stages.py --mb 2 --repeat 5
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def _count_one_by_one(changes: list, counts: Counter) -> int:
    """What a piece counted before ``mtfix.pieces._count_applied`` (for an older tree)."""
    flags = 0
    for change in changes:
        if change.is_flag:
            flags += 1
        else:
            counts[change.pass_] += 1
    return flags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()

    clock = time.process_time
    started = clock()
    import mtfix.batch as batch
    import mtfix.changelog as changelog
    import mtfix.pipeline as pipeline_module
    from mtfix.api import build_pipeline
    from mtfix.chunking import chunk_text
    count = getattr(__import__("mtfix.pieces").pieces, "_count_applied", _count_one_by_one)
    from mtfix.suppress import Suppressions

    pipeline = build_pipeline()
    startup = clock() - started

    sources = sorted((args.data / "mlqe-pe").glob("*/train.mt"))
    if not sources:
        raise SystemExit(f"no mlqe-pe/*/train.mt under {args.data}; give --data")
    block = "".join(source.read_text(encoding="utf-8") for source in sources)
    size = int(args.mb * 1_000_000)
    text = (block * (size // len(block) + 1))[:size]
    text = text[: text.rindex("\n") + 1]
    chunks = list(chunk_text(text))

    spent: dict[str, float] = defaultdict(float)

    def timed(owner: object, name: str, stage: str) -> None:
        function = getattr(owner, name)

        def wrapper(*args, **kwargs):
            begun = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += clock() - begun

        setattr(owner, name, wrapper)

    for step in pipeline.passes:
        timed(step, "find_edits", f"{step.name} pass")
    timed(pipeline_module, "_records", "records (Change objects, line numbers)")
    timed(pipeline_module, "apply_edits", "applying the edits (pipeline)")
    timed(changelog, "_lines", "change log lines (JSON, ids)")
    rules_pass = next((step for step in pipeline.passes if step.name == "rules"), None)
    for rule in getattr(rules_pass, "rules", []):
        timed(rule, "find", f"rule {rule.id}")

    best: dict[str, float] = {}
    records = 0
    # the collector as a run sets it (an older tree without that: the default)
    collector = getattr(batch, "_fewer_collections", contextlib.nullcontext)()
    collector.__enter__()
    for run in range(args.repeat + 1):
        spent.clear()
        begun = clock()
        log, counts, records = io.StringIO(), Counter(), 0
        for _fixed, changes in pipeline.iter_fix(chunks, doc="BIG.txt", base="0" * 16,
                                                 format="text", protect=Suppressions()):
            changelog.write_change_log(changes, log)
            count(changes, counts)
            records += len(changes)
        spent["total"] = clock() - begun
        if run:  # (the first run builds what is built lazily)
            for stage, seconds in spent.items():
                best[stage] = min(best.get(stage, seconds), seconds)
    print(f"{len(text) / 1e6:.1f} MB, {records:,} records; start-up {startup:.2f} s CPU")
    total = best.pop("total")
    rules = {stage: best.pop(stage) for stage in list(best) if stage.startswith("rule ")}
    best["rest (mapping, guards, counting)"] = total - sum(best.values())

    def show(stage: str, seconds: float, indent: str = "") -> None:
        print(f"  {indent}{stage:<{44 - len(indent)}} {seconds:6.2f} s "
              f"{seconds / records * 1e6:6.2f} µs/record")

    for stage, seconds in sorted(best.items(), key=lambda item: -item[1]):
        show(stage, seconds)
        if stage == "rules pass":
            for rule, rule_seconds in sorted(rules.items(), key=lambda item: -item[1]):
                show(rule, rule_seconds, "  ")
    print(f"  {'total':<44} {total:6.2f} s {total / records * 1e6:6.2f} µs/record "
          f"({len(text) / 1e6 / total:.2f} MB/s per core)")


if __name__ == "__main__":
    main()
