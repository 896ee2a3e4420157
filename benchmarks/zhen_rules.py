"""Kept for old commands: the zh-en rules measurements are part of benchmarks/zhen.py.

    python benchmarks/zhen_rules.py [--data DIR]        # zhen.py, then zhen.py --no-harm
    python benchmarks/zhen_rules.py --dump RULE         # zhen.py --dump RULE
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
    parser.add_argument("--dump", metavar="RULE")
    args = parser.parse_args()
    data = ["--data", args.data] if args.data else []
    if args.dump:
        zhen.main([*data, "--dump", args.dump])
        return
    zhen.main(data)
    zhen.main([*data, "--no-harm"])


if __name__ == "__main__":
    main()
