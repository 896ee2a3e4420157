"""A second run changes nothing: the default pipeline run twice over real MT, counting what
the second run changes (it should be nothing), per corpus.

Corpora (``--data``, the shared data folder): MLQE-PE ``*/dev.mt`` and ``*/train.mt`` as they
are (tokenized) and detokenized with sacremoses, each file one document; the ACCEPT fr-en MT;
the 12 WMT22 zh-en systems, each as one document and each line on its own; the WMT MQM TED
zh-en targets, each line on its own and all as one document.

    python benchmarks/second_run.py                 # ~6 minutes on 2 cores
    python benchmarks/second_run.py --quick         # dev files and WMT22 documents only

Prints, per corpus, the changes of the first run, the changes of the second, and each change
of a second run (rule, before, after), so a new one can be read at once.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpora(data: Path, quick: bool) -> Iterator[tuple[str, list[str]]]:
    """(name, documents) of each corpus."""
    from sacremoses import MosesDetokenizer

    detok = MosesDetokenizer(lang="en")
    for split in ("dev",) if quick else ("dev", "train"):
        files = sorted(data.glob(f"mlqe-pe/*/{split}.mt"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        yield f"MLQE-PE {split}, tokenized", texts
        yield f"MLQE-PE {split}, detokenized", ["\n".join(
            detok.detokenize(line.split()) for line in t.splitlines()) for t in texts]
    wmt = [f.read_text(encoding="utf-8") for f in sorted(data.glob("wmt22-zhen/*.hyp.*.en"))]
    yield "WMT22 zh-en, 12 systems as documents", wmt
    if quick:
        return
    yield "WMT22 zh-en, each line alone", [line for t in wmt for line in t.splitlines()]
    accept = data / "accept-fren" / "edinpe.mt.en"
    yield "ACCEPT fr-en", [accept.read_text(encoding="utf-8")]
    with open(data / "wmt-mqm-ted-zhen" / "mqm_ted_zhen.tsv", encoding="utf-8", newline="") as f:
        targets = list(dict.fromkeys(row["target"] for row in csv.DictReader(f, delimiter="\t")))
    yield "WMT MQM TED zh-en targets, each alone", targets
    yield "WMT MQM TED zh-en targets, one document", ["\n".join(targets)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    from mtfix.api import build_pipeline

    pipeline = build_pipeline()
    total = 0
    print(f"{'corpus':<44} {'documents':>9} {'first run':>10} {'second run':>10}")
    for name, documents in corpora(args.data, args.quick):
        first = second = 0
        found = []
        for text in documents:
            once = pipeline.fix_text(text)
            again = pipeline.fix_text(once.text)
            first += len(once.applied)
            second += len(again.applied)
            found.extend((c.rule, c.before, c.after) for c in again.applied)
        total += second
        print(f"{name:<44} {len(documents):>9,} {first:>10,} {second:>10,}", flush=True)
        for rule, before, after in found:
            print(f"    {rule}: {before!r} -> {after!r}")
    print(f"\nchanges made by a second run: {total}")


if __name__ == "__main__":
    main()
