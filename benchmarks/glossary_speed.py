"""Glossary-pass speed: full pass (with change records) beside the raw automaton scan.

Generates English-like text (Zipf-distributed words, sentences, paragraphs, a little Unicode)
with glossary phrases planted about once per 2 KB (a garbled-MT density), and glossaries of
10 to 100,000 phrase entries of content words, then prints:

    entries  compile_s  full_MB/s  raw_MB/s  full/raw  changes  us/change  sparse_MB/s

``full`` is ``Pipeline.fix_text`` with the glossary pass (change records included); ``raw`` is
ahocorasick-rs alone over the same bytes (lower-cased), timed alternately with it in the same
run, so the ratio is meaningful on a noisy machine. Each is the best of ``--repeat`` runs (the
first full run also pays a one-off full garbage collection of the glossary's objects: ~0.25 s
at 100,000 entries). ``us/change`` is (full - raw) time per change record. ``sparse`` is the
full pass over a second text of the same size with a phrase planted once per
``--sparse-every`` bytes. Single core.

    python benchmarks/glossary_speed.py                 # 50 MB, 10..100,000 entries
    python benchmarks/glossary_speed.py --mb 5 --entries 100 10000
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ahocorasick_rs as ac

from mtfix.glossary import Glossary
from mtfix.glossary.model import GlossaryFile, RawEntry
from mtfix.passes.glossary import GlossaryPass
from mtfix.pipeline import Pipeline

SYLLABLES = ["ka", "lo", "mi", "ter", "an", "de", "ri", "vo", "sen", "pa", "tu", "er", "in",
             "on", "al", "ce", "ne", "ro", "st", "ma", "li", "co", "ve", "na", "ti", "or"]
COMMON = ("the of and to in a is that for it as was with be by on not he this are or his "
          "from at which but have an they you were her she there been one all we their "
          "meeting public security work provincial department party committee").split()


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def make_phrases(rng: random.Random, words: list[str], count: int) -> list[str]:
    """Glossary keys: 2-4 word phrases of content words (a domain glossary's kind of key)."""
    content = words[len(COMMON):]
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(" ".join(rng.choices(content, k=rng.randint(2, 4))))
    return list(seen)


def make_text(rng: random.Random, words: list[str], megabytes: float, planted: list[str],
              every: int) -> str:
    """Zipf-distributed prose; about one planted glossary phrase per ``every`` bytes."""
    cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    target = int(megabytes * 1_000_000)
    paragraphs = []
    size = 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentence = rng.choices(words, cum_weights=cum, k=rng.randint(6, 24))
            if rng.random() < 150 / every:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(planted))
            if rng.random() < 0.05:
                sentence.insert(rng.randrange(len(sentence)), "naïve café")
            sentence[0] = sentence[0].capitalize()
            sentences.append(" ".join(sentence) + rng.choice(".,;"))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def make_glossary(phrases: list[str]) -> list[RawEntry]:
    return [RawEntry(id=f"bench.{i}", find=(phrase,), replace=phrase.upper())
            for i, phrase in enumerate(phrases)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="text size in MB (default 50)")
    parser.add_argument("--entries", type=int, nargs="+", default=[10, 100, 1000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=2000,
                        help="plant one glossary phrase per this many bytes (default 2000)")
    parser.add_argument("--sparse-every", type=int, default=20_000,
                        help="the sparse text's planting interval in bytes (0: no sparse run)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (3)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    words = vocabulary(rng, 30_000)
    phrases = make_phrases(rng, words, max(args.entries))
    # Planted phrases come from the first 10 entries, present in every glossary size; the
    # automaton still has to reject near-misses of all the others.
    text = make_text(rng, words, args.mb, phrases[:10], args.every)
    sparse = (make_text(random.Random(args.seed + 1), words, args.mb, phrases[:10],
                        args.sparse_every) if args.sparse_every else None)
    data = text.encode("utf-8")
    mb = len(data) / 1_000_000
    print(f"text: {mb:.1f} MB, {len(text.split()):,} words; single core; best of "
          f"{args.repeat}\n")
    print(f"{'entries':>8} {'compile_s':>10} {'full_MB/s':>10} {'raw_MB/s':>9} "
          f"{'full/raw':>8} {'changes':>9} {'us/change':>10} {'sparse_MB/s':>12}")
    for n in args.entries:
        entries = make_glossary(phrases[:n])
        # Collect the previous size's glossary and results first: a real run compiles once,
        # in a fresh process, and should not pay for this script's earlier garbage.
        glossary = pipeline = raw_automaton = result = None
        gc.collect()
        t0 = time.perf_counter()
        glossary = Glossary([GlossaryFile("bench.toml", entries)], run_examples=False)
        compile_s = time.perf_counter() - t0
        patterns = [e.find[0].encode() for e in glossary.entries]
        raw_automaton = ac.BytesAhoCorasick(patterns, matchkind=ac.MatchKind.LeftmostLongest)
        pipeline = Pipeline([GlossaryPass(glossary)])

        raw_s = full_s = sparse_s = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            raw_count = len(raw_automaton.find_matches_as_indexes(data.lower()))
            raw_s = min(raw_s, time.perf_counter() - t0)

            t0 = time.perf_counter()
            result = pipeline.fix_text(text, doc="bench.txt")
            full_s = min(full_s, time.perf_counter() - t0)
            if sparse is not None:
                t0 = time.perf_counter()
                pipeline.fix_text(sparse, doc="sparse.txt")
                sparse_s = min(sparse_s, time.perf_counter() - t0)
        assert raw_count >= 0
        changes = len(result.changes)
        per_change = (full_s - raw_s) / changes * 1e6 if changes else float("nan")
        sparse_col = f"{len(sparse.encode()) / 1e6 / sparse_s:>12.1f}" if sparse else f"{'-':>12}"
        print(f"{n:>8,} {compile_s:>10.2f} {mb / full_s:>10.1f} {mb / raw_s:>9.1f} "
              f"{raw_s / full_s:>8.2f} {changes:>9,} {per_change:>10.1f} {sparse_col}")


if __name__ == "__main__":
    main()
