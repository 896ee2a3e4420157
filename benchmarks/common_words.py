"""Derive ``mtfix/passes/rules/common-words.txt`` for the capitals rule from real English.

A word is "common" when, in the MLQE-PE post-edits (English, mostly Wikipedia; CC0), it occurs
at least MIN_COUNT times right after a lower-case word and is capitalised there at most
MAX_CAPS_SHARE of the time: a word English writes in lower case mid-sentence, so a capital
there is worth a look. Proper nouns never qualify. Run from the repository root:

    python benchmarks/common_words.py ../shared/data/mlqe-pe > mtfix/passes/rules/common-words.txt
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

MIN_COUNT = 15
MAX_CAPS_SHARE = 0.005
_PAIR_RE = re.compile(r"(?<=[a-z] )([A-Za-z][a-z]+)\b(?!['’-])")


def main(root: str) -> None:
    from sacremoses import MosesDetokenizer

    detok = MosesDetokenizer("en")
    lower: Counter[str] = Counter()
    caps: Counter[str] = Counter()
    for path in sorted(Path(root).glob("*/train.pe")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = detok.detokenize(line.split())
            for m in _PAIR_RE.finditer(text):
                word = m.group(1)
                (caps if word[0].isupper() else lower)[word.lower()] += 1
    words = sorted(w for w, n in lower.items()
                   if len(w) >= 2 and n + caps[w] >= MIN_COUNT
                   and caps[w] <= MAX_CAPS_SHARE * (n + caps[w]))
    print("# Words English writes in lower case mid-sentence (derived by benchmarks/common_words.py")
    print("# from the MLQE-PE post-edits, github.com/sheffieldnlp/mlqe-pe, CC0 1.0).")
    print("# Used by the capitals rule of mtfix. One word per line.")
    for w in words:
        print(w)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/mlqe-pe")
