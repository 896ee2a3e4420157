"""Batch throughput (MB/s, 1 vs 2 worker processes) and peak memory of a streamed large file.

Corpus: real MT English — the seed article and the MT side of MLQE-PE (detokenized), ACCEPT
fr-en and the WMT MQM zh-en systems from ``/work/shared`` (``--data``) — shuffled into
paragraphs of 1-6 sentences with a fixed seed. Without that folder it falls back to the
repository's samples (same shape, less variety).

1. Throughput: ``mtfix fix CORPUS -o OUT --jobs N`` as a child process (the real CLI: default
   pipeline = shipped glossaries + default rules, no model) over ``--mb`` MB split into files
   of ``--file-mb`` MB, with N = 1 and 2. Prints MB/s and the 2-job / 1-job ratio.
2. Memory: one ``--rss-mb`` MB text file fixed by a child process; its peak RSS comes from
   ``resource.getrusage(RUSAGE_CHILDREN)`` (each measurement runs in a fresh grandparent so the
   figure is that child's alone). ``--rss-pipeline`` picks the passes: ``default`` (as above),
   ``phrases`` (the shipped glossaries' phrase entries only) or ``none`` (no passes: the
   streaming machinery alone). Memory is bounded by the chunk size, not by the pipeline.

    python benchmarks/throughput.py                      # ~10 minutes on 2 cores
    python benchmarks/throughput.py --mb 100 --rss-mb 1024 --rss-pipeline default   # the full run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = Path("/work/shared")


def _detok(lines: list[str]) -> list[str]:
    try:
        from sacremoses import MosesDetokenizer
    except ImportError:
        return lines
    detok = MosesDetokenizer(lang="en")
    return [detok.detokenize(line.split()) for line in lines]


def real_sentences(data: Path | None, limit_per_source: int = 8000) -> tuple[list[str], str]:
    """Real MT sentences and a line saying where they come from."""
    sentences: list[str] = []
    used: list[str] = []
    seed = SHARED / "seed" / "000_b4ae3d607b0c3f7b.txt"
    sample = seed if seed.exists() else ROOT / "samples" / "anhui-police-meeting-2024.txt"
    sentences += [ln.strip() for ln in sample.read_text(encoding="utf-8").splitlines() if ln.strip()]
    used.append(sample.name)
    if data is not None and data.is_dir():
        for mt in sorted((data / "mlqe-pe").glob("*/train.mt")):
            lines = mt.read_text(encoding="utf-8").splitlines()[:limit_per_source // 4]
            sentences += _detok(lines)
            used.append(f"mlqe-pe/{mt.parent.name}")
        accept = data / "accept-fren" / "edinpe.mt.en"
        if accept.exists():
            import html

            lines = accept.read_text(encoding="utf-8").splitlines()[:limit_per_source]
            sentences += [html.unescape(s) for s in _detok(lines)]
            used.append("accept-fren")
        mqm = data / "wmt-mqm-ted-zhen" / "mqm_ted_zhen.tsv"
        if mqm.exists():
            seen: set[str] = set()
            for row in mqm.read_text(encoding="utf-8").splitlines()[1:]:
                cols = row.split("\t")
                if len(cols) > 6:
                    target = re.sub(r"</?v>", "", cols[6]).strip()
                    if target and target not in seen:
                        seen.add(target)
            sentences += sorted(seen)[:limit_per_source]
            used.append("wmt-mqm-ted-zhen")
    else:
        for extra in sorted((ROOT / "tests" / "data").rglob("*.txt")):
            sentences += [ln.strip() for ln in extra.read_text(encoding="utf-8").splitlines()
                          if ln.strip()]
        used.append("tests/data")
    return [s for s in sentences if s], ", ".join(used)


def write_corpus(folder: Path, sentences: list[str], total_mb: float, file_mb: float,
                 seed: int = 7) -> int:
    """Files of about ``file_mb`` MB of paragraphs; returns the bytes written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = int(total_mb * 1_000_000)
    per_file = max(1, int(file_mb * 1_000_000))
    written, index = 0, 0
    while written < total:
        size = min(per_file, total - written)
        with open(folder / f"part{index:04d}.txt", "w", encoding="utf-8") as out:
            n = 0
            while n < size:
                para = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6)))
                para += "\n\n" if rng.random() < 0.9 else "\n"
                out.write(para)
                n += len(para.encode("utf-8"))
            written += n
        index += 1
    return written


def run_child(argv: list[str]) -> tuple[float, float, float]:
    """Run ``argv`` in a fresh process: (wall seconds, CPU seconds of it and its workers,
    peak RSS of the largest process in MB)."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "rc = subprocess.run(sys.argv[1:]).returncode\n"
        "dt = time.perf_counter() - t\n"
        "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([rc, dt, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                         check=True)
    rc, seconds, cpu, rss = json.loads(out.stdout.strip().splitlines()[-1])
    if rc != 0:
        raise SystemExit(f"child failed ({rc}): {' '.join(argv)}\n{out.stderr}")
    return seconds, cpu, rss


RSS_CHILD = """
import sys
from mtfix.api import build_pipeline, load_glossary_set
from mtfix.batch import fix_paths
from mtfix.glossary import Glossary, GlossaryFile
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline

kind, source, out = sys.argv[1:4]
if kind == "default":
    pipeline = build_pipeline()
elif kind == "phrases":
    entries = [e for e in load_glossary_set().entries if e.match in ("phrase", "exact")]
    glossary = Glossary([GlossaryFile("phrases", entries)], run_examples=False)
    pipeline = Pipeline([GlossaryPass(glossary)])
else:
    pipeline = Pipeline([])
result = fix_paths([source], pipeline=pipeline, output_dir=out, jobs=1)
assert not result.failed, result.failed
print(result.summary(), file=sys.stderr)
"""


def make_big_file(path: Path, sentences: list[str], mb: float) -> int:
    """One file of ``mb`` MB, written in pieces (the generator's memory stays small)."""
    with tempfile.TemporaryDirectory() as tmp:
        block = Path(tmp) / "block"
        write_corpus(block, sentences, min(mb, 16), 16)
        piece = (block / "part0000.txt").read_bytes()
        piece = piece[: piece.rindex(b"\n") + 1]
    target = int(mb * 1_000_000)
    written = 0
    with open(path, "wb") as out:
        while written < target:
            chunk = piece[: target - written]
            if len(chunk) < len(piece):  # end on a whole line (never inside a character)
                chunk = chunk[: chunk.rfind(b"\n") + 1] or b"\n"
            out.write(chunk)
            written += len(chunk)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=40, help="throughput corpus size (MB)")
    parser.add_argument("--file-mb", type=float, default=2, help="size of each corpus file (MB)")
    parser.add_argument("--rss-mb", type=float, default=1024, help="the large file (MB; 0: skip)")
    parser.add_argument("--rss-pipeline", choices=("default", "phrases", "none"), default="none")
    parser.add_argument("--rss-small-mb", type=float, default=50,
                        help="a smaller file measured the same way, to show RSS does not grow")
    parser.add_argument("--data", type=Path, default=SHARED / "data")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    sentences, where = real_sentences(args.data if args.data.is_dir() else None)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mtfix-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    mtfix = [sys.executable, "-m", "mtfix.cli"]
    print(f"corpus: {len(sentences)} real MT sentences from {where}; cores: {os.cpu_count()}")
    try:
        if args.mb > 0:
            corpus = work / "corpus"
            size = write_corpus(corpus, sentences, args.mb, args.file_mb)
            rates = {}
            for jobs in (1, 2):
                out = work / f"out{jobs}"
                load = os.getloadavg()[0]
                seconds, cpu, rss = run_child([*mtfix, "fix", str(corpus), "-o", str(out), "-q",
                                               "--jobs", str(jobs)])
                rates[jobs] = size / 1e6 / seconds
                print(f"throughput, {jobs} job{'s' if jobs > 1 else ''}: {size / 1e6:.1f} MB in "
                      f"{seconds:.1f} s = {rates[jobs]:.2f} MB/s; CPU {cpu:.1f} s "
                      f"({size / 1e6 / cpu:.2f} MB per CPU-second); peak RSS of a process "
                      f"{rss:.0f} MB; load average before {load:.1f}")
            same = (work / "out1" / "changes.jsonl").read_bytes() == \
                (work / "out2" / "changes.jsonl").read_bytes()
            print(f"2 jobs / 1 job: {rates[2] / rates[1]:.2f}x (target >= 1.7x; needs 2 idle "
                  f"cores: compare the load average); change logs identical: {same}")
            shutil.rmtree(corpus)
            shutil.rmtree(work / "out1")
            shutil.rmtree(work / "out2")
        for mb in (args.rss_small_mb, args.rss_mb):
            if mb <= 0:
                continue
            big = work / "big.txt"
            size = make_big_file(big, sentences, mb)
            seconds, _cpu, rss = run_child([sys.executable, "-c", RSS_CHILD, args.rss_pipeline,
                                            str(big), str(work / "bigout")])
            print(f"peak RSS, one {size / 1e6:.0f} MB file, pipeline '{args.rss_pipeline}': "
                  f"{rss:.0f} MB (target < 300 MB); {size / 1e6 / seconds:.2f} MB/s")
            big.unlink()
            shutil.rmtree(work / "bigout")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
