"""Long lines: time and peak memory of ``mtfix fix`` on one file that is a single line.

A text file with no line break used to be one chunk whatever its size (20 MB: 97 s and 527 MB
in the issue report; 200 MB was killed at 900 s with 3.96 GB); it is now cut at safe sentence
ends like any large text is cut at paragraph breaks (``mtfix.pipeline._cut_in_line``).

Corpus: the real MT sentences of ``benchmarks/throughput.py`` (``/work/shared/data`` if there,
else the repository's samples), shuffled with a fixed seed and written as

1. one line of ``--mb`` MB (sentences separated by one space, no line break), and
2. the same sentences with a line break after every 1-6 sentences (the usual shape),

each fixed by ``mtfix fix FILE -o OUT -q`` in a child process (default pipeline: shipped
glossaries and default rules). Prints wall time, CPU time, peak RSS, and the ratios single
line / with line breaks. ``--check`` also fixes the single line in one piece in-process
(``chunk_size`` larger than the file: the old behaviour, slow and large) and reports whether
both outputs are identical. ``--lines`` adds the same single line as a ``.mt`` file (one
segment per line): refused by name above ``LONG_LINE_LIMIT`` characters.

    python benchmarks/long_lines.py                 # 20 MB, about 1 minute
    python benchmarks/long_lines.py --mb 200        # the issue's file size
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import SHARED, real_sentences, run_child  # noqa: E402


def write_texts(folder: Path, sentences: list[str], mb: float, seed: int = 11
                ) -> tuple[Path, Path, int]:
    """The single-line file and the same sentences with line breaks; the single line's size."""
    rng = random.Random(seed)
    one, broken = folder / "one-line.txt", folder / "with-breaks.txt"
    target = int(mb * 1_000_000)
    written = 0
    with open(one, "w", encoding="utf-8") as a, open(broken, "w", encoding="utf-8") as b:
        left = rng.randint(1, 6)
        while written < target:
            sentence = rng.choice(sentences)
            a.write(sentence + " ")
            left -= 1
            b.write(sentence + ("\n" if left == 0 else " "))
            if left == 0:
                left = rng.randint(1, 6)
            written += len(sentence.encode("utf-8")) + 1
    return one, broken, written


def fix(path: Path, out: Path, mtfix: list[str]) -> tuple[float, float, float, str]:
    seconds, cpu, rss = run_child([*mtfix, "fix", str(path), "-o", str(out), "-q"])
    return seconds, cpu, rss, ""


def refused(path: Path, out: Path, mtfix: list[str]) -> str:
    result = subprocess.run([*mtfix, "fix", str(path), "-o", str(out), "-q"],
                            capture_output=True, text=True)
    return f"exit {result.returncode}: {result.stderr.strip()[:300]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20, help="size of the single line (MB)")
    parser.add_argument("--data", type=Path, default=SHARED / "data")
    parser.add_argument("--check", action="store_true",
                        help="also fix the line in one piece and compare (slow, large)")
    parser.add_argument("--lines", action="store_true", help="also try it as a .mt file")
    args = parser.parse_args()

    sentences, where = real_sentences(args.data if args.data.is_dir() else None)
    mtfix = [sys.executable, "-m", "mtfix.cli"]
    work = Path(tempfile.mkdtemp(prefix="mtfix-long-lines-"))
    try:
        one, broken, size = write_texts(work, sentences, args.mb)
        print(f"corpus: {len(sentences)} real MT sentences from {where}; "
              f"{size / 1e6:.1f} MB as one line")
        figures = {}
        for label, path in (("one line", one), ("with line breaks", broken)):
            seconds, cpu, rss, _ = fix(path, work / f"out-{path.stem}", mtfix)
            figures[label] = (seconds, rss)
            print(f"{label:>16}: {seconds:7.1f} s wall, {cpu:7.1f} s CPU, peak RSS {rss:6.0f} MB, "
                  f"{size / 1e6 / seconds:.2f} MB/s")
        (t1, r1), (t2, r2) = figures["one line"], figures["with line breaks"]
        print(f"one line / with line breaks: time {t1 / t2:.2f}x, peak RSS {r1 / r2:.2f}x")
        if args.check:
            from mtfix.api import build_pipeline
            from mtfix.formats import FormatOptions, fix_document

            whole = work / "whole.txt"
            options = FormatOptions(chunk_size=size + 1)
            for _ in fix_document(one, whole, pipeline=build_pipeline(), options=options):
                pass
            same = whole.read_bytes() == (work / "out-one-line" / one.name).read_bytes()
            print(f"fixed in one piece: identical output: {same}")
        if args.lines:
            mt = one.rename(work / "one-line.mt")
            print(f"as a .mt file (one segment per line): {refused(mt, work / 'out-mt', mtfix)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
