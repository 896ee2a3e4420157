"""The model pass with real (tiny) transformers models built and trained inside the test.

Offline and fast: a sentencepiece model is trained on a few hundred generated sentences, tiny
T5 and GPT-2 models are built from configs, saved with ``save_pretrained`` to temporary folders
and loaded back through :func:`mtfix.rewrite.load_model` (``local_files_only``). Models are
built once per test session.

* a T5 trained to copy its input: the pass must change nothing;
* untrained T5 and GPT-2 (they emit junk): every rewrite rejected, the text intact.
"""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
spm = pytest.importorskip("sentencepiece")
pytest.importorskip("pysbd")

from typer.testing import CliRunner  # noqa: E402

from mtfix.api import build_pipeline  # noqa: E402
from mtfix.change import apply_changes  # noqa: E402
from mtfix.changelog import read_change_log  # noqa: E402
from mtfix.cli import app  # noqa: E402
from mtfix.rewrite import (  # noqa: E402
    ModelLoadError,
    TransformersRewriter,
    load_model,
    load_model_pass,
)

SUBJECTS = ["The meeting", "The committee", "The police", "The department", "Officials",
            "The report", "The team", "Anhui police", "The city of Hefei"]
VERBS = ["stressed", "discussed", "reviewed", "approved", "summarized", "announced", "studied"]
OBJECTS = ["the work", "the safety plan", "the new rules", "the budget", "the results",
           "the reform", "the tasks", "the festival"]
TAILS = ["in 2024.", "on Monday.", "last week.", "this year.", "in Anhui.", "at the meeting.",
         "on February 1.", "for 16 cities."]
PROMPT = "Fix: "

# The text the copy model must leave alone: every sentence is one it was trained to copy.
COPY_SENTENCES = [
    "The meeting stressed the work in 2024.",
    "Officials discussed the budget on Monday.",
    "The police reviewed the safety plan on February 1.",
    "The city of Hefei approved the new rules for 16 cities.",
    "The committee summarized the results last week.",
    "Anhui police studied the reform this year.",
]
COPY_TEXT = " ".join(COPY_SENTENCES[:3]) + "\n\n" + " ".join(COPY_SENTENCES[3:]) + "\n"


def _corpus(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
            for _ in range(n)]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders holding a copy-trained T5, an untrained T5 and an untrained GPT-2."""
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("tiny-models")
    spm_dir = root / "spm"
    spm_dir.mkdir()
    corpus = _corpus(400, seed=1) + COPY_SENTENCES + [PROMPT]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus), model_prefix=str(spm_dir / "spiece"), vocab_size=120,
        model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1, character_coverage=1.0,
        hard_vocab_limit=False, minloglevel=2, num_threads=1)
    tokenizer = transformers.T5Tokenizer.from_pretrained(str(spm_dir), extra_ids=0)

    def t5():
        torch.manual_seed(0)
        config = transformers.T5Config(
            vocab_size=len(tokenizer), d_model=64, d_ff=128, num_layers=2, num_decoder_layers=2,
            num_heads=4, d_kv=16, dropout_rate=0.0, decoder_start_token_id=tokenizer.pad_token_id,
            pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
        return transformers.T5ForConditionalGeneration(config)

    folders = {}
    copier = _train_copy(t5(), tokenizer, COPY_SENTENCES + _corpus(10, seed=2))
    for name, model in (("copy-t5", copier), ("untrained-t5", t5())):
        folders[name] = root / name
        model.save_pretrained(folders[name])
        tokenizer.save_pretrained(folders[name])

    torch.manual_seed(0)
    gpt2 = transformers.GPT2LMHeadModel(transformers.GPT2Config(
        vocab_size=len(tokenizer), n_embd=32, n_layer=2, n_head=2, n_positions=256,
        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))
    folders["untrained-gpt2"] = root / "untrained-gpt2"
    gpt2.save_pretrained(folders["untrained-gpt2"])
    tokenizer.save_pretrained(folders["untrained-gpt2"])
    return folders


def _copies(model, tokenizer, sentences: list[str]) -> bool:
    model.eval()
    with torch.inference_mode():
        enc = tokenizer([PROMPT + s for s in sentences], return_tensors="pt", padding=True)
        out = model.generate(**enc, max_new_tokens=40, do_sample=False, num_beams=1)
    model.train()
    return tokenizer.batch_decode(out, skip_special_tokens=True) == sentences


def _train_copy(model, tokenizer, sentences: list[str], max_steps: int = 600):
    """Train until the model copies every training sentence exactly (checked every 50 steps)."""
    torch.manual_seed(0)
    rng = random.Random(0)
    optimiser = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    for step in itertools.count(1):
        batch = rng.sample(sentences, min(12, len(sentences)))
        enc = tokenizer([PROMPT + s for s in batch], return_tensors="pt", padding=True)
        labels = tokenizer(batch, return_tensors="pt", padding=True).input_ids
        labels[labels == tokenizer.pad_token_id] = -100
        loss = model(**enc, labels=labels).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        if step % 50 == 0 and _copies(model, tokenizer, sentences):
            break
        if step >= max_steps:
            raise AssertionError(f"the tiny copy model did not learn to copy in {max_steps} steps")
    model.eval()
    return model


def _fix(folder: Path, text: str, rewrite: str = "all") -> tuple:
    model_pass = load_model_pass(str(folder), prompt=PROMPT, rewrite=rewrite, batch_size=4)
    pipeline = build_pipeline(default_glossaries=False, use_rules=False, extra_passes=[model_pass])
    result = pipeline.fix_text(text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    return result, model_pass


def test_copy_model_changes_nothing(tiny_models: dict[str, Path]) -> None:
    result, model_pass = _fix(tiny_models["copy-t5"], COPY_TEXT)
    assert result.text == COPY_TEXT
    assert result.changes == ()
    assert model_pass.stats.sent == len(COPY_SENTENCES)
    assert model_pass.stats.unchanged == len(COPY_SENTENCES)


def test_untrained_seq2seq_model_is_rejected_everywhere(tiny_models: dict[str, Path]) -> None:
    result, model_pass = _fix(tiny_models["untrained-t5"], COPY_TEXT)
    assert result.text == COPY_TEXT
    assert len(result.changes) == len(COPY_SENTENCES)
    assert all(c.is_flag and c.pass_ == "model" and "rejected by guard" in c.note
               for c in result.changes)
    assert sum(model_pass.stats.rejected.values()) == len(COPY_SENTENCES)
    assert {c.before for c in result.changes} == set(COPY_SENTENCES)


def test_untrained_causal_model_is_rejected_everywhere(tiny_models: dict[str, Path]) -> None:
    loaded = load_model(str(tiny_models["untrained-gpt2"]))
    assert loaded.kind == "causal" and loaded.tokenizer.padding_side == "left"
    result, model_pass = _fix(tiny_models["untrained-gpt2"], COPY_TEXT)
    assert result.text == COPY_TEXT
    assert all(c.is_flag for c in result.changes)
    assert model_pass.stats.accepted == 0
    assert model_pass.stats.unchanged + sum(model_pass.stats.rejected.values()) == len(COPY_SENTENCES)


def test_decoding_is_deterministic_and_length_bounded(tiny_models: dict[str, Path]) -> None:
    loaded = load_model(str(tiny_models["untrained-t5"]))
    budgets: list[int] = []
    generate = loaded.model.generate

    def spy(**kwargs):
        budgets.append(kwargs["max_new_tokens"])
        assert kwargs["do_sample"] is False
        out = generate(**kwargs)
        assert out.shape[1] <= kwargs["max_new_tokens"] + 1  # + the decoder start token
        return out

    loaded.model.generate = spy
    rewriter = TransformersRewriter(loaded, prompt=PROMPT, max_new_tokens=500)
    first = rewriter.rewrite(COPY_SENTENCES, batch_size=4)
    assert rewriter.rewrite(COPY_SENTENCES, batch_size=4) == first
    longest = max(len(loaded.tokenizer(s, add_special_tokens=False).input_ids) for s in COPY_SENTENCES)
    assert max(budgets) == rewriter.budget(longest) < 500
    assert rewriter.budget(10) == 23  # 1.5 x input tokens + 8, below the user's bound
    assert TransformersRewriter(loaded, max_new_tokens=5).budget(10) == 5


def test_causal_prompt_uses_chat_template_when_there_is_one(tiny_models: dict[str, Path]) -> None:
    loaded = load_model(str(tiny_models["untrained-gpt2"]))
    rewriter = TransformersRewriter(loaded, prompt="Fix: ")
    assert rewriter.build_input("A b.") == "Fix: A b.\n"
    loaded.tokenizer.chat_template = (
        "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}{% endfor %}"
        "{% if add_generation_prompt %}<assistant>{% endif %}")
    assert rewriter.build_input("A b.") == "<user>Fix: A b.<assistant>"


def test_missing_folder_and_uncached_hub_id_give_one_line_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_model(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match=r"has no config\.json"):
        load_model(str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ModelLoadError) as info:
        load_model("someone/not-cached-model")
    message = str(info.value)
    assert "\n" not in message
    assert "'someone/not-cached-model'" in message and "hf download someone/not-cached-model" in message


def test_cli_fix_with_model_writes_flags_and_stats(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(COPY_TEXT, encoding="utf-8")
    log = tmp_path / "changes.jsonl"
    result = CliRunner().invoke(app, [
        "fix", str(source), "-o", str(tmp_path / "out"), "--changes", str(log),
        "--no-default-glossaries", "--model", str(tiny_models["untrained-t5"]),
        "--model-prompt", PROMPT, "--rewrite", "all", "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "in.txt").read_text(encoding="utf-8") == COPY_TEXT
    with log.open(encoding="utf-8") as stream:
        changes = list(read_change_log(stream))
    model_flags = [c for c in changes if c.pass_ == "model"]
    assert len(model_flags) == len(COPY_SENTENCES) and all(c.is_flag for c in model_flags)
    assert f"model: {len(COPY_SENTENCES)} of {len(COPY_SENTENCES)} sentences sent" in result.output



def test_fingerprint_follows_the_weights(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    from mtfix.rewrite.backends import BACKENDS, BackendOptions

    folder = tmp_path / "model"
    shutil.copytree(tiny_models["untrained-t5"], folder)
    options = BackendOptions(model=str(folder), prompt=PROMPT)
    rewriter = BACKENDS["transformers"].build(options)
    assert BACKENDS["transformers"].fingerprint(options) == rewriter.model_fingerprint()
    weights = next(folder.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes())  # "retrained" in place: same name, new file
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))
    assert BACKENDS["transformers"].fingerprint(options) != rewriter.model_fingerprint()


def test_a_local_model_is_cached_when_asked(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    from mtfix.rewrite import CachedRewriter

    def run():
        model_pass = load_model_pass(str(tiny_models["untrained-t5"]), prompt=PROMPT,
                                     rewrite="all", cache=tmp_path)
        result = build_pipeline(default_glossaries=False, use_rules=False,
                                extra_passes=[model_pass]).fix_text(COPY_TEXT, doc="t.txt")
        return result, model_pass.rewriter

    first, cached = run()
    assert isinstance(cached, CachedRewriter) and cached.misses == len(COPY_SENTENCES)
    again, cached = run()
    assert cached.hits == len(COPY_SENTENCES) and cached.misses == 0
    assert again.changes == first.changes
    assert not isinstance(load_model_pass(str(tiny_models["untrained-t5"])).rewriter, CachedRewriter)


def _fix_lines(folder: Path, tmp_path: Path, *, window: int, source: Path | None = None,
               batch_size: int = 4) -> tuple[bytes, list, list[str]]:
    """Fix COPY_SENTENCES as a one-per-line file; returns the output, the changes and every
    model input (the prompts the tokenizer got)."""
    from mtfix.formats import FormatOptions, fix_document

    path = tmp_path / "in.mt"
    path.write_text("\n".join(COPY_SENTENCES) + "\n", encoding="utf-8")
    model_pass = load_model_pass(str(folder), prompt=PROMPT, rewrite="all", batch_size=batch_size)
    model_pass.segment_window = window
    inputs: list[str] = []
    generate = model_pass.rewriter._generate

    def spy(texts: list[str], max_new_tokens: int) -> list[str]:
        inputs.extend(texts)
        return generate(texts, max_new_tokens)

    model_pass.rewriter._generate = spy
    pipeline = build_pipeline(default_glossaries=False, use_rules=False, extra_passes=[model_pass])
    out = tmp_path / f"out-{window}.mt"
    options = FormatOptions(source=str(source) if source else None)
    changes = list(fix_document(path, out, pipeline=pipeline, options=options))
    return out.read_bytes(), changes, inputs


def test_the_source_line_reaches_a_local_model(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "in.src"
    source.write_text("".join(f"源句 {i}\n" for i in range(len(COPY_SENTENCES))), encoding="utf-8")
    _, _, inputs = _fix_lines(tiny_models["copy-t5"], tmp_path, window=256, source=source)
    assert sorted(inputs) == sorted(f"{PROMPT}{s} (source: 源句 {i})"
                                    for i, s in enumerate(COPY_SENTENCES))
    _, _, plain = _fix_lines(tiny_models["copy-t5"], tmp_path, window=256)
    assert sorted(plain) == sorted(PROMPT + s for s in COPY_SENTENCES)


@pytest.mark.parametrize("model", ["copy-t5", "untrained-t5"])
def test_lines_batched_across_segments_match_one_at_a_time(tiny_models: dict[str, Path],
                                                           tmp_path: Path, model: str) -> None:
    """With a batch size of 1 the model sees the same inputs alone either way, so the output
    must be identical byte for byte; batched (4), the copy model's output is too."""
    for batch_size in (1, 4) if model == "copy-t5" else (1,):
        alone = _fix_lines(tiny_models[model], tmp_path, window=1, batch_size=batch_size)
        together = _fix_lines(tiny_models[model], tmp_path, window=256, batch_size=batch_size)
        assert together[:2] == alone[:2]
        assert sorted(together[2]) == sorted(alone[2])
