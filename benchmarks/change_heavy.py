"""Change-heavy text: whole-process speed of ``mtfix fix`` when nearly every line gets a fix.

Corpus: the MLQE-PE MT side as it is, tokenized (``mlqe-pe/*/train.mt`` concatenated and
repeated to ``--mb`` MB): about one spacing fix (``word ,`` -> ``word,``) per 50 bytes, so
the cost per change record — the rules, the pipeline's records, the change log — dominates.

Each tree (``--before-ref`` REF, extracted with ``git archive`` into a temporary folder, and
this working tree) runs ``mtfix fix BIG.txt -o OUT -q`` as a child process, ``--repeat`` times,
alternating, after one run on a one-line file (which fills the compiled-glossary cache, kept
in the work folder, as any earlier run would); the best wall time counts (the CPU seconds of
that run are printed beside it, a steadier figure on a shared machine). Printed per tree:
MB/s, change records per second and µs per record, whole process including reading, writing
the output and the change log; then whether both trees wrote byte-identical outputs and
change logs, and the speed-up.

    python benchmarks/change_heavy.py --before-ref main            # 50 MB, best of 3
    python benchmarks/change_heavy.py --mb 6 --repeat 1            # this tree only, quick
    python benchmarks/change_heavy.py --before-ref main -- --no-default-glossaries
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def build_corpus(path: Path, data: Path, mb: float) -> int:
    """``mlqe-pe/*/train.mt`` concatenated and repeated to ``mb`` MB, cut at a line end."""
    sources = sorted((data / "mlqe-pe").glob("*/train.mt"))
    if not sources:
        raise SystemExit(f"no mlqe-pe/*/train.mt under {data}; give --data")
    block = b"".join(source.read_bytes() for source in sources)
    target = int(mb * 1_000_000)
    body = (block * (target // len(block) + 1))[:target]
    body = body[: body.rindex(b"\n") + 1]
    path.write_bytes(body)
    return len(body)


def run_once(tree: Path, corpus: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    """One ``mtfix fix`` child process with ``tree`` first on the path: (wall s, CPU s).
    It runs in ``tree``: ``python -m`` puts the working folder before PYTHONPATH."""
    shutil.rmtree(out, ignore_errors=True)
    # Python's bytecode cache on, as an installed package has it (see default_run.py)
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
           "PYTHONPATH": str(tree), "MTFIX_CACHE_DIR": str(corpus.parent / "cache")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mtfix.cli", "fix", str(corpus), "-o", str(out), "-q",
                    *extra], env=env, cwd=tree, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def records_in(log: Path) -> int:
    with open(log, "rb") as stream:
        return sum(1 for _ in stream)


def same_files(a: Path, b: Path) -> bool:
    """Byte-identical (compared in blocks: the change log of 50 MB is ~300 MB)."""
    with open(a, "rb") as one, open(b, "rb") as two:
        while True:
            x, y = one.read(1 << 22), two.read(1 << 22)
            if x != y:
                return False
            if not x:
                return True


def extract(ref: str, folder: Path) -> Path:
    """The tree of ``ref`` (a commit or branch of this repository), via ``git archive``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="corpus size (MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tree (best counts)")
    parser.add_argument("--before-ref", help="also run this commit or branch (e.g. main)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and outputs here")
    parser.add_argument("extra", nargs="*", help="more `mtfix fix` options, after --")
    args = parser.parse_args()

    work = (args.workdir or Path(tempfile.mkdtemp(prefix="mtfix-change-heavy-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "BIG.txt"
        size = build_corpus(corpus, args.data, args.mb)
        trees = {"this tree": ROOT}
        if args.before_ref:
            trees = {args.before_ref: extract(args.before_ref, work / "before"), **trees}
        print(f"corpus: {size / 1e6:.1f} MB of tokenized MLQE-PE MT; cores: {os.cpu_count()}; "
              f"options: {' '.join(args.extra) or '(default pipeline)'}")
        tiny = work / "tiny.txt"
        tiny.write_text("A line .\n", encoding="utf-8")
        for tree in trees.values():  # fill the glossary cache (a run after the first)
            run_once(tree, tiny, work / "tiny-out", args.extra)
        best: dict[str, tuple[float, float]] = {}
        outs = {name: work / f"out{i}" for i, name in enumerate(trees)}
        for _ in range(args.repeat):  # alternate the trees: the machine's load hits both
            for name, tree in trees.items():
                load = os.getloadavg()[0]
                wall, cpu = run_once(tree, corpus, outs[name], args.extra)
                print(f"  {name}: {wall:.2f} s wall, {cpu:.2f} s CPU (load before {load:.1f})")
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)
        print(f"{'tree':<14} {'wall s':>7} {'CPU s':>7} {'MB/s':>6} {'records/s':>10} "
              f"{'µs/record':>9}")
        for name, (wall, cpu) in best.items():
            records = records_in(outs[name] / "changes.jsonl")
            print(f"{name:<14} {wall:7.2f} {cpu:7.2f} {size / 1e6 / wall:6.2f} "
                  f"{records / wall:10,.0f} {wall / records * 1e6:9.1f}")
        if len(best) == 2:
            (a, (wall_a, _)), (b, (wall_b, _)) = best.items()
            same_log = same_files(outs[a] / "changes.jsonl", outs[b] / "changes.jsonl")
            same_out = same_files(outs[a] / corpus.name, outs[b] / corpus.name)
            print(f"speed-up {wall_a / wall_b:.2f}x (wall, best of {args.repeat}); change logs "
                  f"byte-identical: {same_log}; outputs byte-identical: {same_out}")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
