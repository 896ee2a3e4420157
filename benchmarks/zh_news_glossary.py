"""Kept for old commands: the zh-news glossary measurements are part of benchmarks/zhen.py.

    python benchmarks/zh_news_glossary.py [--data DIR] [--train] [--per-entry] [--speed]

runs ``zhen.py [--per-entry]`` (counts, labelled precision, recall, targets), then
``zhen.py --out-of-domain [--train]`` and, with --speed, ``zhen.py --speed``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import zhen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--per-entry", action="store_true")
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args()
    data = ["--data", args.data] if args.data else []
    zhen.main(data + (["--per-entry"] if args.per_entry else []))
    zhen.main(data + ["--out-of-domain"] + (["--train"] if args.train else []))
    if args.speed:
        zhen.main([*data, "--speed"])


if __name__ == "__main__":
    main()
