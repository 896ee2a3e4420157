r"""Rules-pass speed (each rule alone and all default rules) and fuzzy-glossary speed/recall.

Text: the same generated English-like text as ``glossary_speed.py`` (Zipf words, sentences,
paragraphs), plus, when ``--real`` points at MLQE-PE, the real MT of its train sets
(detokenized). Single core. Prints MB/s per rule, and as a multiple of a plain
``re.finditer(r"\w+")`` word scan of the same text measured in the same run (``str.lower`` is
printed too), so figures from a noisy or different machine stay comparable.

Fuzzy: glossaries of 100 and 1,000 ``match = "fuzzy"`` entries (2-4 word phrases, every second
one written in Title Case); variants with 1 or 2 random character edits (capitals kept) and
variants with the words in another order are planted; prints MB/s of the glossary pass and the
recall on all 1-2-edit variants, on those of Title Case entries, and on the swapped ones.

    python benchmarks/rules_speed.py [--mb 5] [--real ../shared/data/mlqe-pe]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from glossary_speed import make_phrases, make_text, vocabulary

from mtfix.chunking import chunk_text
from mtfix.glossary import Glossary
from mtfix.glossary.model import GlossaryFile, RawEntry
from mtfix.passes.rules import RULE_TYPES, RulesPass
from mtfix.pipeline import Pipeline


def best_time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


_WORD_RE = re.compile(r"\w+")


def references(text: str) -> tuple[float, float]:
    r"""MB/s of two C-level passes over the same text in the same run: ``str.lower`` and a
    plain ``re.finditer(r"\w+")`` word scan. Rule speeds are printed as multiples of the
    word scan too, so figures from a loaded or a different machine stay comparable."""
    mb = len(text.encode("utf-8")) / 1e6
    lower = mb / best_time(lambda: text.lower())
    words = mb / best_time(lambda: sum(1 for _ in _WORD_RE.finditer(text)))
    return lower, words


def rules_table(name: str, text: str) -> None:
    mb = len(text.encode("utf-8")) / 1e6
    lower, words = references(text)
    print(f"\n{name}: {mb:.1f} MB (references: str.lower {lower:.0f} MB/s, "
          f"word scan {words:.1f} MB/s)")
    print(f"{'rules':<18} {'MB/s':>7} {'x wordscan':>11} {'edits':>7} {'flags':>7}")
    # The pipeline hands a pass paragraph-aligned chunks of about 1 MiB (chunk_text), as in
    # glossary_speed.py's pipeline.fix_text; the rules are timed on those same chunks.
    chunks = list(chunk_text(text))
    for label, only in [*((t.id, [t.id]) for t in RULE_TYPES), ("all default", None)]:
        rules = RulesPass(only=only) if only else RulesPass()
        result: list = []

        def run(r=rules, out=result) -> None:
            out[:] = [e for chunk in chunks for e in r.find_edits(chunk)]

        seconds = best_time(run)
        flags = sum(e.flag for e in result)
        print(f"{label:<18} {mb / seconds:7.1f} {mb / seconds / words:11.2f} "
              f"{len(result) - flags:7d} {flags:7d}")
    pipeline = Pipeline([RulesPass()])
    seconds = best_time(lambda: pipeline.fix_text(text, doc="bench.txt"), repeat=1)
    print(f"{'(pipeline.fix_text, change records included)':<18} {mb / seconds:.1f} MB/s")


def mutate(rng: random.Random, phrase: str, edits: int) -> str:
    chars = list(phrase)
    for _ in range(edits):
        i = rng.randrange(1, len(chars) - 1)  # keep the first and last letter: word boundaries
        op = rng.choice("sdi")
        if op == "s":
            chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        elif op == "d" and chars[i] != " ":
            del chars[i]
        else:
            chars.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
    return "".join(chars)


def swap_words(rng: random.Random, phrase: str) -> str:
    """The phrase with its words in another order (the issue's "word order swapped")."""
    words = phrase.split(" ")
    while True:
        shuffled = rng.sample(words, len(words))
        if shuffled != words or len(set(words)) == 1:
            return " ".join(shuffled)


def fuzzy_table(mb: float, seed: int) -> None:
    rng = random.Random(seed)
    words = vocabulary(rng, 30_000)
    phrases = [p for p in make_phrases(rng, words, 4000) if len(p) >= 14][:1000]
    # Every second entry is written in Title Case, as official names are in real glossaries;
    # its planted variants keep those capitals (the text is matched case-insensitively).
    written = [p.title() if i % 2 else p for i, p in enumerate(phrases)]
    print(f"\nfuzzy glossary entries (min_score 85), {mb:.1f} MB, variants with 1-2 edits planted"
          " (half of the entries Title Case), plus word-order swaps")
    print(f"{'entries':>8} {'MB/s':>7} {'x wordscan':>11} {'recall':>8} {'planted':>8} "
          f"{'Title Case':>11} {'planted':>8} {'swapped':>8} {'planted':>8}")
    for n in (100, 1000):
        entries = [RawEntry(id=f"f.{i}", find=(p,), replace=p.upper(), match="fuzzy",
                            min_score=85.0) for i, p in enumerate(written[:n])]
        glossary = Glossary([GlossaryFile("bench.toml", entries)], run_examples=False)
        planted = [mutate(rng, rng.choice(written[:n]), rng.randint(1, 2)) for _ in range(400)]
        swapped = [swap_words(rng, rng.choice(written[:n])) for _ in range(100)]
        text = make_text(rng, words, mb, planted + swapped, 2000)
        size = len(text.encode("utf-8")) / 1e6
        found: list = []
        seconds = best_time(lambda g=glossary, t=text, out=found: out.__setitem__(
            slice(None), g.compiled.find_edits(t)), repeat=3)
        _lower, words_ref = references(text)
        hits = {text[e.start:e.end] for e in found}

        def recall(variants: list[str], hits: set[str] = hits, text: str = text
                   ) -> tuple[float, int]:
            present = [p for p in set(variants) if p in text]
            return sum(p in hits for p in present) / max(1, len(present)), len(present)

        everything, count = recall(planted)
        title, title_count = recall([p for p in planted if p != p.lower()])
        swaps, swap_count = recall(swapped)
        print(f"{n:8d} {size / seconds:7.1f} {size / seconds / words_ref:11.2f} {everything:8.3f} "
              f"{count:8d} {title:11.3f} {title_count:8d} {swaps:8.3f} {swap_count:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--real", default=None, help="MLQE-PE folder: also time its real MT")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(rng, 30_000)
    phrases = make_phrases(rng, words, 10)
    rules_table("generated text (glossary_speed.py)", make_text(rng, words, args.mb, phrases, 2000))
    if args.real:
        from sacremoses import MosesDetokenizer

        detok = MosesDetokenizer("en")
        lines = []
        for path in sorted(Path(args.real).glob("*/train.mt")):
            lines += [detok.detokenize(x.split()) for x in path.read_text("utf-8").splitlines()]
        rules_table("real MT (MLQE-PE train.mt, detokenized)", "\n".join(lines))
    fuzzy_table(min(args.mb, 2.0), args.seed)


if __name__ == "__main__":
    main()
