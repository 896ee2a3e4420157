"""Whole-process speed of ``mtfix fix`` on real MT, beside a raw automaton scan of the same bytes.

Corpus: the MT side of MLQE-PE ``*/train.mt`` (``--data``, 5 pairs x 7,000 segments, mostly
Wikipedia), detokenized with sacremoses, one segment per line, repeated (each copy shuffled
with a fixed seed, so no line repeats its neighbour) to ``--mb`` MB in one text file.
Every run is a fresh ``python -m mtfix.cli fix FILE -o OUT --changes LOG -q`` child process,
timed wall-clock (start-up, glossary compile and examples, reading, writing and the change log
included), best of ``--repeat``:

* ``default``: shipped glossaries + default rules, the file as a document (plain text);
* ``lines``: the same with ``--format lines`` (one segment per line, each fixed on its own);
* ``rules``: default rules only (``--no-default-glossaries``), for reference;
* ``phrases-in-process``: the same glossary pass alone inside this process
  (``Pipeline.fix_text``, compile and start-up not counted), as ``glossary_speed.py`` times it;
* ``phrases``: ``--phrases`` phrase entries alone (2-4 word n-grams of MLQE-PE dev MT that
  are rare in the corpus, replaced by their upper case: about one change per 1.6 KB; no
  shipped glossaries, every rule off).

MB/s and the ratios are by CPU time (user + system of the child, or of this process for the
in-process run and the raw scan), best of the runs: on a shared machine wall time measures the
other jobs too; the wall seconds are printed beside. ``run/raw`` divides the best raw scan by
the best run; ``paired`` is the median, over the attempts, of the raw scan right before each run
divided by that run: the VM's speed drifts by 20% within a run, and a pair sees the same drift.
``wall/raw`` is the same as ``run/raw`` by wall time (best of each), what a user waits: a large
file is fixed by two worker processes on a 2-core machine, the raw scan by one thread.

The raw scan is ahocorasick-rs alone (leftmost-longest, as ``glossary_speed.py`` measures it)
over the same bytes, lower-cased, in this process between the child runs, with the phrase keys
of the glossary the row runs (the shipped glossaries' automaton keys for ``default``/``lines``;
the n-gram keys for ``phrases``). Compare the ratios, not absolute MB/s, across machines.

    python benchmarks/default_run.py                      # 32 MB, best of 3 (~10 minutes)
    python benchmarks/default_run.py --mb 8 --repeat 1    # a quick look
    python benchmarks/default_run.py --before-ref main    # each row for main too, same run

The compiled-glossary cache (``MTFIX_CACHE_DIR``) is a folder of the run: the first child
process compiles the shipped glossaries, the later ones load them. The start-up line times
``mtfix fix`` on a one-line file with the cache off and warm.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ahocorasick_rs as ac  # noqa: E402

RUNS = ("default", "lines", "rules", "phrases", "phrases-in-process")


def default_rules() -> list[str]:
    """The ids of the rules a run has on by default (all switched off for ``phrases``)."""
    from mtfix.passes.rules import resolve_rule_ids

    return resolve_rule_ids()


def detokenized_segments(data: Path, split: str, cache: Path) -> list[str]:
    """MLQE-PE ``split``.mt of every pair, detokenized once (sacremoses takes ~20 s) and cached."""
    if cache.exists():
        return cache.read_text(encoding="utf-8").split("\n")
    from sacremoses import MosesDetokenizer

    detok = MosesDetokenizer(lang="en")
    segments = []
    for path in sorted(data.glob(f"mlqe-pe/*/{split}.mt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = detok.detokenize(line.split())
            if text.strip():
                segments.append(text)
    if not segments:
        raise SystemExit(f"no MLQE-PE {split}.mt under {data}; pass --data")
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("\n".join(segments), encoding="utf-8")
    return segments


def build_corpus(segments: list[str], megabytes: float, seed: int) -> str:
    """Shuffled copies of the segments, one per line, until ``megabytes`` MB."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    lines: list[str] = []
    size = 0
    while size < target:
        copy = segments[:]
        rng.shuffle(copy)
        for line in copy:
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
            if size >= target:
                break
    return "\n".join(lines) + "\n"


def _ngrams(segment: str):
    words = segment.lower().split()
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if all(w.isalpha() for w in gram):  # whole words of letters: a phrase key
                yield " ".join(gram)


def ngram_glossary(dev: list[str], train: list[str], count: int, seed: int
                   ) -> tuple[str, list[str]]:
    """A TOML glossary of ``count`` phrase entries: 2-4 word n-grams of the dev MT that occur
    at most twice in the train MT (drawn uniformly), replaced by their upper case.

    A glossary made elsewhere, so most keys never occur and a few do: about one change per
    1.6 KB, the density ``glossary_speed.py`` plants (common n-grams such as "of the" would
    make the run a measure of change records instead)."""
    in_train = Counter(g for segment in train for g in _ngrams(segment))
    grams = sorted({g for segment in dev for g in _ngrams(segment) if in_train[g] <= 2})
    keys = random.Random(seed).sample(grams, min(count, len(grams)))
    entries = [f'[[entry]]\nid = "bench.{i}"\nfind = "{key}"\nreplace = "{key.upper()}"\n'
               for i, key in enumerate(keys)]
    return "\n".join(entries), keys


def child_env(tree: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process: ``tree`` on the path, and Python's bytecode cache
    on (an installed package has its ``.pyc`` files; without them every start-up compiles
    ~70 modules again, ~0.2 s), whatever ``PYTHONDONTWRITEBYTECODE`` says here."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(tree), **(extra or {})}


def run_child(argv: list[str], tree: Path = ROOT, env: dict[str, str] | None = None
              ) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh ``mtfix`` process of the source ``tree``
    (run in that folder: ``python -m`` puts the working folder first on the path)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tree,
                          env=child_env(tree, env))
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"child failed ({done.returncode}): {' '.join(argv)}\n{done.stderr}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu


def raw_scan_seconds(patterns: list[bytes], data: bytes) -> tuple[float, float]:
    """(wall, CPU) seconds of lower-casing ``data`` and scanning it for ``patterns``."""
    automaton = ac.BytesAhoCorasick(patterns, matchkind=ac.MatchKind.LeftmostLongest)
    start, cpu = time.perf_counter(), time.process_time()
    automaton.find_matches_as_indexes(data.lower())
    return time.perf_counter() - start, time.process_time() - cpu


def in_process_seconds(glossary_path: Path, text: str) -> tuple[float, float]:
    """The glossary pass alone on ``text`` in this process (``Pipeline.fix_text``, change
    records included; compile not counted), as ``glossary_speed.py`` measures it."""
    from mtfix.glossary import Glossary
    from mtfix.passes.glossary import GlossaryPass
    from mtfix.pipeline import Pipeline

    pipeline = Pipeline([GlossaryPass(Glossary.load([glossary_path], run_examples=False))])
    start, cpu = time.perf_counter(), time.process_time()
    pipeline.fix_text(text, doc="corpus.txt")
    return time.perf_counter() - start, time.process_time() - cpu


def shipped_patterns() -> list[bytes]:
    """The automaton keys of the shipped glossaries (what the default run scans for)."""
    from mtfix.glossary import load_glossaries

    return list(load_glossaries(run_examples=False).compiled._patterns)


def startup(trees: dict[str, Path], work: Path, repeat: int) -> None:
    """CPU seconds of ``mtfix fix`` on a one-line file: the start-up alone (imports, loading
    the shipped glossaries, building the pipeline), with the glossary cache off and warm."""
    tiny = work / "tiny.txt"
    tiny.write_text("The the meeting was held in Beijing .\n", encoding="utf-8")
    argv = [sys.executable, "-m", "mtfix.cli", "fix", str(tiny), "-q", "-o", str(work / "tiny")]
    for label, tree in trees.items():
        cold = min(run_child(argv, tree, {"MTFIX_GLOSSARY_CACHE": "off"})[1]
                   for _ in range(repeat))
        run_child(argv, tree)  # fills the cache (where the tree has one)
        warm = min(run_child(argv, tree)[1] for _ in range(repeat))
        print(f"start-up ({label}): {cold:.2f} s CPU without the glossary cache, "
              f"{warm:.2f} s with it")
    print()


def extract(ref: str, folder: Path) -> Path:
    """The tree of ``ref`` (a commit or branch of this repository), via ``git archive``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=32.0, help="corpus size in MB (default 32)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--phrases", type=int, default=10_000,
                        help="entries of the phrase-only run (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (3)")
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before-ref", help="also run the child processes of this commit or "
                        "branch (e.g. main), each row right before this tree's")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mtfix-default-run-"))
    cache = ROOT / "benchmarks" / "out"
    segments = detokenized_segments(args.data, "train", cache / "mlqe-train-mt.txt")
    dev = detokenized_segments(args.data, "dev", cache / "mlqe-dev-mt.txt")
    text = build_corpus(segments, args.mb, args.seed)
    corpus = work / "corpus.txt"
    corpus.write_text(text, encoding="utf-8")
    data = text.encode("utf-8")
    mb = len(data) / 1e6
    toml, keys = ngram_glossary(dev, segments, args.phrases, args.seed)
    (work / "phrases.toml").write_text(toml, encoding="utf-8")
    # The compiled-glossary cache lives in the work folder: the first child process of the
    # first row compiles (a cold start), the later ones load (as every run after a first).
    os.environ["MTFIX_CACHE_DIR"] = str(work / "cache")
    trees = {"this tree": ROOT}
    if args.before_ref:
        trees = {args.before_ref: extract(args.before_ref, work / "before"), **trees}
    mtfix = [sys.executable, "-m", "mtfix.cli", "fix", str(corpus), "-q"]
    no_rules = [x for rule in default_rules() for x in ("--no-rule", rule)]
    runs = {
        "default": ([], shipped_patterns()),
        "lines": (["--format", "lines"], shipped_patterns()),
        "rules": (["--no-default-glossaries"], None),
        "phrases": (["--no-default-glossaries", "-g", str(work / "phrases.toml"), *no_rules],
                    [k.encode() for k in keys]),
        "phrases-in-process": (None, [k.encode() for k in keys]),
    }
    print(f"corpus: {mb:.1f} MB, {len(text.splitlines()):,} lines of detokenized MLQE-PE "
          f"train MT; {os.cpu_count()} cores; whole process, best of {args.repeat}\n")
    startup(trees, work, args.repeat)
    print(f"{'run':<18} {'tree':<10} {'wall_s':>7} {'cpu_s':>7} {'MB/s':>7} {'raw_MB/s':>9} "
          f"{'run/raw':>8} {'paired':>8} {'wall/raw':>9} {'keys':>7}")
    rates: dict[tuple[str, str], float] = {}
    for name in args.runs:
        extra, patterns = runs[name]
        for label, tree in trees.items() if extra is not None else [("this tree", ROOT)]:
            wall = cpu = raw = raw_wall = float("inf")
            paired: list[float] = []  # run/raw of each attempt, its raw scan right before it
            for attempt in range(args.repeat):
                out = work / f"out-{name}-{attempt}"
                raw_wall_now, raw_now = raw_scan_seconds(patterns, data) if patterns is not None \
                    else (0.0, 0.0)
                raw, raw_wall = min(raw, raw_now), min(raw_wall, raw_wall_now)
                if extra is None:
                    took = in_process_seconds(work / "phrases.toml", text)
                else:
                    took = run_child([*mtfix, *extra, "-o", str(out),
                                      "--changes", str(out / "changes.jsonl")], tree)
                wall, cpu = min(wall, took[0]), min(cpu, took[1])
                paired.append(raw_now / took[1])
            rates[name, label] = mb / cpu
            raw_col = (f"{mb / raw:>9.1f} {raw / cpu:>8.3f} {statistics.median(paired):>8.3f} "
                       f"{raw_wall / wall:>9.3f}" if patterns else
                       f"{'-':>9} {'-':>8} {'-':>8} {'-':>9}")
            print(f"{name:<18} {label[:10]:<10} {wall:>7.2f} {cpu:>7.2f} {mb / cpu:>7.2f} "
                  f"{raw_col} {len(patterns) if patterns else 0:>7,}", flush=True)
    for label in trees:
        if ("default", label) in rates and ("lines", label) in rates:
            print(f"\nlines / document ({label}): "
                  f"{rates['lines', label] / rates['default', label]:.2f}")
    print(f"(work folder: {work})")


if __name__ == "__main__":
    main()
