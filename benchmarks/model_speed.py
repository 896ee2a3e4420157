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

``--by-batch 1,4,16,64`` measures the model pass alone instead (no glossary, no rules,
``--rewrite all``) on ``--sentences`` MLQE-PE MT sentences, one per line, once per batch size:
sentences per second by batch size, plus the pass's own cost without a model (a rewriter that
returns each sentence as it is: sentence splitting and bookkeeping) and the guards' cost per
rewrite (the MLQE-PE post-edits offered as rewrites). ``--d-model 64 --d-ff 128`` is the shape
of the tiny model the tests build.

    python benchmarks/model_speed.py --by-batch 1,4,16,64 --d-model 64 --d-ff 128

``--server-latency 0.2 --parallel 1,4,16`` measures the ``openai`` backend's client instead:
the tests' stub server (``tests/model_server_stub.py``) on 127.0.0.1 answers each request
after the given latency with the MLQE-PE post-edit (so the guards run), and the model pass
alone sends ``--sentences`` sentences at each bound of requests in flight; then the same run
again with the rewrite cache, which sends nothing.

    python benchmarks/model_speed.py --server-latency 0.2 --parallel 1,4,16

``--segments`` adds, to either, the same sentences given as a one-segment-per-line ``.mt``
file (the segmented formats: lines, JSON Lines, PO, XLIFF, TMX): once one segment at a time
(``segment_window`` 1, as before segments were batched) and once with the segments batched
(the default window).

    python benchmarks/model_speed.py --server-latency 0.1 --parallel 1,16 --segments
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


def build_model(corpus: str, folder: Path, d_model: int, layers: int, d_ff: int | None = None) -> int:
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
        vocab_size=len(tokenizer), d_model=d_model, d_ff=d_ff or 4 * d_model, num_layers=layers,
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


def mlqe_sentences(data: Path, count: int) -> tuple[list[str], list[str]]:
    """The first ``count`` (MT, post-edit) pairs of MLQE-PE dev, detokenized, over the pairs."""
    from sacremoses import MosesDetokenizer

    detok = MosesDetokenizer("en")
    mt: list[str] = []
    pe: list[str] = []
    pairs = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
    for pair in pairs:
        folder = data / "mlqe-pe" / pair
        mts = (folder / "dev.mt").read_text(encoding="utf-8").splitlines()[:count // len(pairs)]
        pes = (folder / "dev.pe").read_text(encoding="utf-8").splitlines()[:len(mts)]
        mt += [detok.detokenize(line.split()) for line in mts]
        pe += [detok.detokenize(line.split()) for line in pes]
    return mt, pe


class EchoRewriter:
    """Returns every sentence as it is: the pass's cost without any model."""

    model_id = "echo"

    def rewrite(self, sentences, *, batch_size=8, progress=None):
        if progress:
            progress(len(sentences))
        return list(sentences)


def fix_timed(model_pass, text: str, as_lines: bool) -> float:
    """Seconds to fix ``text`` with the model pass alone: as plain text (``fix_text``: chunks
    of many sentences) or as a one-segment-per-line ``.mt`` file (the segmented formats)."""
    from mtfix.api import build_pipeline
    from mtfix.formats import fix_document

    pipeline = build_pipeline(default_glossaries=False, use_rules=False, extra_passes=[model_pass])
    started = time.perf_counter()
    if not as_lines:
        pipeline.fix_text(text, doc="corpus")
        return time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.mt"
        source.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        for _ in fix_document(source, Path(tmp) / "out.mt", pipeline=pipeline):
            pass
    return time.perf_counter() - started


#: how the sentences are given to the pass: (label, as a lines file, segment window)
LAYOUTS = (("text", False, None), ("lines, one segment at a time", True, 1),
           ("lines, segments batched", True, None))


def by_batch(folder: Path, sentences: list[str], post_edits: list[str], sizes: list[int],
             max_new_tokens: int, segments: bool = False) -> None:
    """The model pass alone, once per batch size: sentences per second."""
    from mtfix.api import build_pipeline
    from mtfix.rewrite import ModelPass, check_rewrite, load_model_pass

    text = "\n".join(sentences) + "\n"

    def timed(model_pass) -> tuple[float, object]:
        pipeline = build_pipeline(default_glossaries=False, use_rules=False,
                                  extra_passes=[model_pass])
        started = time.perf_counter()
        pipeline.fix_text(text, doc="corpus")
        return time.perf_counter() - started, model_pass.stats

    seconds, stats = timed(ModelPass(EchoRewriter(), rewrite="all"))
    print(f"no model (sentences returned as they are): {stats.sentences} sentences, "
          f"{seconds:.2f} s, {stats.sentences / seconds:,.0f} sentences/s")
    started = time.perf_counter()
    for before, after in zip(sentences, post_edits, strict=True):
        check_rewrite(before, after)
    guard_ms = (time.perf_counter() - started) * 1000 / len(sentences)
    print(f"guards alone: {guard_ms:.2f} ms per rewrite (MLQE-PE post-edits offered)")
    timed(load_model_pass(str(folder), rewrite="all", batch_size=sizes[0],
                          max_new_tokens=max_new_tokens))  # warm-up: first-call costs
    layouts = LAYOUTS if segments else LAYOUTS[:1]
    print("| batch size | " + " | ".join(f"{label}: s, sentences/s" for label, _, _ in layouts)
          + " |")
    print("|---:|" + "---:|" * len(layouts))
    for size in sizes:
        cells = []
        for _label, as_lines, window in layouts:
            model_pass = load_model_pass(str(folder), rewrite="all", batch_size=size,
                                         max_new_tokens=max_new_tokens)
            if window:
                model_pass.segment_window = window
            seconds = fix_timed(model_pass, text, as_lines)
            cells.append(f"{seconds:.2f} s, {model_pass.stats.sent / seconds:.1f}")
        print(f"| {size} | " + " | ".join(cells) + " |")


def by_parallel(sentences: list[str], post_edits: list[str], latency: float,
                bounds: list[int], segments: bool = False) -> None:
    """The openai backend against a stub server with a fixed latency, per parallel bound."""
    import tempfile as _tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from model_server_stub import Script, StubServer

    from mtfix.api import build_pipeline
    from mtfix.rewrite import CachedRewriter, ModelPass, OpenAIRewriter, RewriteCache

    answers = dict(zip(sentences, post_edits, strict=True))
    text = "\n".join(sentences) + "\n"

    def timed(rewriter) -> tuple[float, object]:
        model_pass = ModelPass(rewriter, rewrite="all")
        pipeline = build_pipeline(default_glossaries=False, use_rules=False,
                                  extra_passes=[model_pass])
        started = time.perf_counter()
        pipeline.fix_text(text, doc="corpus")
        return time.perf_counter() - started, model_pass.stats

    print(f"stub server answering after {latency:g} s with the post-edit")
    layouts = LAYOUTS if segments else LAYOUTS[:1]
    print("| requests in flight | " + " | ".join(
        f"{label}: s, sentences/s, most in flight" for label, _, _ in layouts) + " |")
    print("|---:|" + "---:|" * len(layouts))
    # (the tests' stub stops itself after 30 s; a benchmark run may take longer)
    server = StubServer(Script(rewrite=lambda s: answers.get(s, s), delay_s=latency),
                        lifetime_s=1800).start()
    try:
        for bound in bounds:
            cells = []
            for _label, as_lines, window in layouts:
                server.max_in_flight = 0
                model_pass = ModelPass(OpenAIRewriter(server.url, "stub-model", parallel=bound,
                                                      key=""), rewrite="all")
                if window:
                    model_pass.segment_window = window
                seconds = fix_timed(model_pass, text, as_lines)
                cells.append(f"{seconds:.2f} s, {model_pass.stats.sent / seconds:.1f}, "
                             f"{server.max_in_flight}")
            print(f"| {bound} | " + " | ".join(cells) + " |")
        with _tempfile.TemporaryDirectory() as cache_dir:
            bound = bounds[-1]
            timed(CachedRewriter(OpenAIRewriter(server.url, "stub-model", parallel=bound, key=""),
                                 RewriteCache(cache_dir)))
            calls = server.chat_calls
            seconds, stats = timed(CachedRewriter(
                OpenAIRewriter(server.url, "stub-model", parallel=bound, key=""),
                RewriteCache(cache_dir)))
            print(f"rerun with the rewrite cache: {seconds:.2f} s, {stats.sent / seconds:.0f} "
                  f"sentences/s, {server.chat_calls - calls} requests sent")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--mlqe", type=int, default=150, help="MT lines per MLQE-PE pair (0: none)")
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--d-ff", type=int, default=None, help="feed-forward width (4 x d-model)")
    parser.add_argument("--by-batch", default=None, metavar="1,4,16",
                        help="the model pass alone, once per batch size")
    parser.add_argument("--sentences", type=int, default=200, help="with --by-batch")
    parser.add_argument("--server-latency", type=float, default=None, metavar="SECONDS",
                        help="the openai backend against a stub server with this latency")
    parser.add_argument("--parallel", default="1,4,16", help="with --server-latency")
    parser.add_argument("--segments", action="store_true",
                        help="with --by-batch or --server-latency: also the same sentences as a "
                             "one-per-line file, one segment at a time and batched")
    args = parser.parse_args()
    if args.server_latency is not None:
        sentences, post_edits = mlqe_sentences(args.data, args.sentences)
        by_parallel(sentences, post_edits, args.server_latency,
                    [int(x) for x in args.parallel.split(",")], args.segments)
        return

    import torch

    torch.set_num_threads(args.threads)
    corpus = load_corpus(args.data, args.mlqe)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        params = build_model(corpus, folder, args.d_model, args.layers, args.d_ff)
        if args.by_batch:
            sentences, post_edits = mlqe_sentences(args.data, args.sentences)
            print(f"{len(sentences)} MLQE-PE dev MT sentences; tiny T5 d_model={args.d_model} "
                  f"d_ff={args.d_ff or 4 * args.d_model} layers={args.layers} ({params:,} "
                  f"parameters); torch threads={args.threads}; "
                  f"device={'cuda' if torch.cuda.is_available() else 'cpu'}")
            by_batch(folder, sentences, post_edits, [int(x) for x in args.by_batch.split(",")],
                     args.max_new_tokens, args.segments)
            return
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
