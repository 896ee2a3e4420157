"""Model rewrite speed: ``--rewrite flagged`` against ``--rewrite all`` (sentences per second).

No real model can be downloaded here, so the model is a small T5 built in this script (a
sentencepiece tokenizer trained on the corpus itself, random weights, saved and reloaded
through :func:`mtfix.rewrite.load_model` like any local folder). Its rewrites are junk and all
get rejected by the guards, which is the point for speed: the time per sentence sent is that of
a real batched ``generate`` call for a model of this size, and the figure that transfers to
real models is the FRACTION of sentences sent and the resulting speed ratio.

Corpus: the repository's sample article, plus (when ``--data`` exists) the first ``--mlqe``
MT lines of MLQE-PE ru-en and ne-en dev (detokenized), one paragraph each 5 lines.
Pipeline: the default one (shipped glossaries + default rules) followed by the model pass, so
rule flags count toward ``flagged``.

    python benchmarks/model_speed.py                  # ~1-2 minutes on 2 cores
    python benchmarks/model_speed.py --d-model 256 --layers 4 --threads 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_corpus(data: Path, mlqe: int) -> str:
    text = (ROOT / "samples" / "anhui-police-meeting-2024.txt").read_text(encoding="utf-8")
    parts = [text]
    if mlqe and data.is_dir():
        from sacremoses import MosesDetokenizer

        detok = MosesDetokenizer("en")
        for pair in ("ru-en", "ne-en"):
            path = data / "mlqe-pe" / pair / "dev.mt"
            if not path.is_file():
                continue
            lines = [detok.detokenize(line.split())
                     for line in path.read_text(encoding="utf-8").splitlines()[:mlqe]]
            parts.extend(" ".join(lines[i:i + 5]) + "\n" for i in range(0, len(lines), 5))
    return "\n".join(parts)


def build_model(corpus: str, folder: Path, d_model: int, layers: int) -> int:
    """Save a random-weight T5 with a tokenizer trained on ``corpus``; returns its parameter count."""
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    lines = [line for line in corpus.splitlines() if line.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(folder / "spiece"), vocab_size=2000,
        model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1, hard_vocab_limit=False,
        minloglevel=2)
    tokenizer = T5Tokenizer.from_pretrained(str(folder), extra_ids=0)
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(T5Config(
        vocab_size=len(tokenizer), d_model=d_model, d_ff=4 * d_model, num_layers=layers,
        num_decoder_layers=layers, num_heads=4, d_kv=d_model // 4,
        decoder_start_token_id=tokenizer.pad_token_id, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id))
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return sum(p.numel() for p in model.parameters())


def run(folder: Path, corpus: str, mode: str, batch_size: int, max_new_tokens: int):
    from mtfix.api import build_pipeline
    from mtfix.rewrite import load_model_pass

    model_pass = load_model_pass(str(folder), rewrite=mode,  # type: ignore[arg-type]
                                 batch_size=batch_size, max_new_tokens=max_new_tokens)
    pipeline = build_pipeline(extra_passes=[model_pass])
    started = time.perf_counter()
    result = pipeline.fix_text(corpus, doc="corpus")
    seconds = time.perf_counter() - started
    return seconds, model_pass.stats, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--mlqe", type=int, default=150, help="MT lines per MLQE-PE pair (0: none)")
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    corpus = load_corpus(args.data, args.mlqe)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        params = build_model(corpus, folder, args.d_model, args.layers)
        print(f"corpus: {len(corpus):,} characters; tiny T5 d_model={args.d_model} "
              f"layers={args.layers} ({params:,} parameters); torch threads={args.threads}; "
              f"device={'cuda' if torch.cuda.is_available() else 'cpu'}")
        from mtfix.api import build_pipeline

        started = time.perf_counter()
        build_pipeline().fix_text(corpus, doc="corpus")
        print(f"no model (glossary + rules only): {time.perf_counter() - started:.2f} s")
        figures = {}
        for mode in ("flagged", "all"):
            seconds, stats, _ = run(folder, corpus, mode, args.batch_size, args.max_new_tokens)
            figures[mode] = (seconds, stats)
            rejected = sum(stats.rejected.values())
            print(f"--rewrite {mode:7}: {stats.sentences} sentences, {stats.sent} sent "
                  f"({stats.sent_fraction:.1%}), {seconds:.2f} s, "
                  f"{stats.sentences / seconds:.1f} sentences/s, "
                  f"{stats.sent / seconds if seconds else 0:.1f} sent/s; "
                  f"accepted {stats.accepted}, rejected {rejected}, unchanged {stats.unchanged}")
        ratio = figures["all"][0] / figures["flagged"][0]
        print(f"speed ratio flagged/all: {ratio:.1f}x "
              f"(fraction sent {figures['flagged'][1].sent_fraction:.1%})")


if __name__ == "__main__":
    main()
