"""The ``transformers`` backend: a model loaded in this process (a local folder or a Hugging
Face id from the local cache) rewrites sentences in batches.

mtfix never downloads at run time: a hub id is looked up in the local Hugging Face cache only
(``local_files_only=True``), so a batch run is reproducible and works offline; when the model is
not there the error says how to fetch it once. Both model shapes are supported:

* seq2seq (T5 / Flan-T5 / CoEdIT / BART / Marian): input ``prompt + sentence``, output the
  rewritten sentence;
* causal LMs: the tokenizer's chat template when it has one (the instruction and sentence as
  one user message), else the plain prompt ``prompt + sentence + "\\n"``; the rewrite is the
  first line of the continuation.

Decoding is deterministic (greedy, or beam search with ``num_beams > 1``; never sampling),
inside ``torch.inference_mode()``, on CUDA when present, else CPU. ``max_new_tokens`` is
bounded by the input length (a rewrite much longer than its input is rejected by the guards
anyway, so generating further only costs time).

torch and transformers are imported inside the functions here: importing this module is cheap,
and without the ``model`` extra :func:`load_model` raises :class:`ModelUnavailable` with a
one-line message saying what to install.

The fingerprint names the model and what it was loaded from: for a folder, its config and the
size and time of its weight files; for a hub id, the snapshot in the cache. A model retrained
into the same folder is therefore a different model for ``--resume`` and the rewrite cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mtfix.rewrite.backends.base import (
    DEFAULT_MAX_NEW_TOKENS,
    BackendOptions,
    BackendSpec,
    ModelLoadError,
    ModelUnavailable,
    register_backend,
)
from mtfix.rewrite.prompts import DEFAULT_PROMPT, text_prompt

#: generation budget per sentence: this many times its own token count, plus a constant
LENGTH_FACTOR = 1.5
LENGTH_MARGIN = 8
#: sentences longer than this (in tokens) are not sent (the model would truncate them)
MAX_INPUT_TOKENS = 1024

ModelKind = Literal["seq2seq", "causal"]


def require_model_extra() -> None:
    """Raise :class:`ModelUnavailable` (one line) unless torch, transformers and pysbd are there."""
    missing = []
    try:
        import torch  # noqa: F401
    except ImportError:
        missing.append("torch")
    # Only look for the others (importing transformers without torch prints a warning).
    missing.extend(name for name in ("transformers", "pysbd") if importlib.util.find_spec(name) is None)
    if missing:
        raise ModelUnavailable(
            f"the model rewrite needs {' and '.join(missing)}: pip install \"mtfix[model]\"")


def is_offline() -> bool:
    return any(os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on")
               for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    kind: ModelKind
    model_id: str
    device: str
    #: what the weights were loaded from (see :func:`_source_signature`)
    signature: str = ""


def _looks_like_path(name: str) -> bool:
    """A hub id is ``name`` or ``owner/name``; anything else is meant as a folder."""
    return (name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name
            or Path(name).expanduser().exists())


def _not_found_message(name: str) -> str:
    from huggingface_hub.constants import HF_HUB_CACHE

    why = "HF_HUB_OFFLINE is set and " if is_offline() else ""
    return (f"model {name!r}: {why}it is neither a local folder nor in the Hugging Face cache "
            f"({HF_HUB_CACHE}); mtfix does not download at run time: fetch it once with "
            f"`hf download {name}` (pip install huggingface_hub), or pass a local folder")


def load_model(name_or_path: str, *, device: str | None = None) -> LoadedModel:
    """Load tokenizer and model from a local folder or the local Hugging Face cache.

    Raises :class:`ModelUnavailable` without the ``model`` extra and :class:`ModelLoadError`
    (one line, naming the model and how to get it) when it cannot be found or loaded.
    """
    require_model_extra()
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    name = name_or_path.rstrip("/") or name_or_path
    local = Path(name).expanduser()
    if _looks_like_path(name_or_path) and not local.is_dir():
        raise ModelLoadError(f"model folder {name_or_path!r} does not exist (or is not a folder)")
    source = str(local) if local.is_dir() else name
    if local.is_dir() and not (local / "config.json").is_file():
        raise ModelLoadError(f"model folder {name_or_path!r} has no config.json "
                             "(save the model there with save_pretrained)")
    try:
        config = AutoConfig.from_pretrained(source, local_files_only=True)
    except OSError as exc:
        if local.is_dir():
            raise ModelLoadError(f"model folder {name_or_path!r}: config.json could not be read: "
                                 f"{_first_line(str(exc))}") from None
        raise ModelLoadError(_not_found_message(name)) from None
    except ValueError as exc:
        raise ModelLoadError(f"model {name_or_path!r}: unsupported configuration: "
                             f"{_first_line(str(exc))}") from None
    kind: ModelKind = "seq2seq" if getattr(config, "is_encoder_decoder", False) else "causal"
    auto = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter mtfix's own output
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
        model = auto.from_pretrained(source, local_files_only=True)
    except (OSError, ValueError, ImportError) as exc:
        first = _first_line(str(exc)) or type(exc).__name__
        raise ModelLoadError(f"model {name_or_path!r} could not be loaded: {first}") from None
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device)
    model.eval()
    if kind == "causal":
        tokenizer.padding_side = "left"  # generation continues from the right end
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
    return LoadedModel(model, tokenizer, kind, name, device, _source_signature(source))


def _source_signature(source: str) -> str:
    """A short hash of what the model was loaded from: the folder's config.json and the name,
    size and modification time of its other files (weights, tokenizer), so a model retrained
    in place gets another fingerprint. A hub id resolves to its cached snapshot folder."""
    folder = Path(source).expanduser()
    if not folder.is_dir():
        try:
            from huggingface_hub import snapshot_download

            folder = Path(snapshot_download(source, local_files_only=True))
        except Exception:  # no snapshot to describe: the id alone names it
            return source
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        if path.name == "config.json":
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class TransformersRewriter:
    """Rewrites sentences with a loaded model: batched, deterministic, length-bounded."""

    def __init__(self, loaded: LoadedModel, *, prompt: str = DEFAULT_PROMPT,
                 max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, num_beams: int = 1) -> None:
        if max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
        if num_beams < 1:
            raise ValueError("num_beams must be at least 1")
        self.loaded = loaded
        self.prompt = prompt
        self.max_new_tokens = max_new_tokens
        self.num_beams = num_beams

    @property
    def model_id(self) -> str:
        return self.loaded.model_id

    def model_fingerprint(self) -> str:
        """The model and its decoding settings (the rewrite cache's model key)."""
        return (f"transformers|{self.model_id}|{self.loaded.signature}|{self.max_new_tokens}|"
                f"{self.num_beams}")

    def prompt_fingerprint(self) -> str:
        return repr(self.prompt)

    def fingerprint(self) -> str:
        return f"{self.model_fingerprint()}|{self.prompt_fingerprint()}"

    def build_input(self, sentence: str, source: str | None = None) -> str:
        """The model input for one sentence (chat template, plain prompt or seq2seq prefix)."""
        tokenizer = self.loaded.tokenizer
        prompt = text_prompt(sentence, prompt=self.prompt, source=source)
        if self.loaded.kind == "causal":
            if getattr(tokenizer, "chat_template", None):
                messages = [{"role": "user", "content": prompt}]
                return tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                     tokenize=False)
            return f"{prompt}\n"
        return prompt

    def budget(self, sentence_tokens: int) -> int:
        """max_new_tokens for a sentence of ``sentence_tokens`` tokens."""
        return max(1, min(self.max_new_tokens,
                          math.ceil(sentence_tokens * LENGTH_FACTOR) + LENGTH_MARGIN))

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None,
                sources: Sequence[str | None] | None = None,
                on_result: Callable[[int, str | None], None] | None = None) -> list[str | None]:
        """One rewrite per sentence, in order (``None``: too long to send). ``progress`` is
        called with the number of sentences finished after each batch, ``on_result(i, text)``
        for each sentence done. ``sources``: the source sentence of each, when known."""
        import torch

        tokenizer = self.loaded.tokenizer
        lengths = [len(tokenizer(s, add_special_tokens=False).input_ids) for s in sentences]
        out: list[str | None] = [None] * len(sentences)
        todo = [i for i, n in enumerate(lengths) if n <= MAX_INPUT_TOKENS]
        if progress and len(todo) < len(sentences):
            progress(len(sentences) - len(todo))
        # Similar lengths together: less padding. Ties keep input order, so runs are repeatable.
        todo.sort(key=lambda i: lengths[i])
        with torch.inference_mode():
            for first in range(0, len(todo), max(1, batch_size)):
                batch = todo[first:first + batch_size]
                texts = self._generate(
                    [self.build_input(sentences[i], sources[i] if sources else None) for i in batch],
                    self.budget(max(lengths[i] for i in batch)))
                for i, text in zip(batch, texts, strict=True):
                    out[i] = text
                    if on_result:
                        on_result(i, text)
                if progress:
                    progress(len(batch))
        return out

    def _generate(self, inputs: list[str], max_new_tokens: int) -> list[str]:
        loaded = self.loaded
        tokenizer = loaded.tokenizer
        # A chat template already holds the special tokens it needs.
        special = not (loaded.kind == "causal" and getattr(tokenizer, "chat_template", None))
        enc = tokenizer(inputs, return_tensors="pt", padding=True, add_special_tokens=special)
        enc = {k: v.to(loaded.device) for k, v in enc.items()}
        generated = loaded.model.generate(
            **enc, max_new_tokens=max_new_tokens, do_sample=False, num_beams=self.num_beams,
            pad_token_id=tokenizer.pad_token_id)
        if loaded.kind == "causal":
            generated = generated[:, enc["input_ids"].shape[1]:]
        texts = tokenizer.batch_decode(generated, skip_special_tokens=True)
        if loaded.kind == "causal":
            texts = [_first_line(t) for t in texts]
        return [t.strip() for t in texts]


def _first_line(text: str) -> str:
    text = text.lstrip()
    cut = min((i for i in (text.find("\n"), text.find("\r")) if i != -1), default=len(text))
    return text[:cut]


def _build(options: BackendOptions) -> TransformersRewriter:
    if not options.model:
        raise ModelLoadError("the transformers backend needs --model NAME_OR_PATH (a local "
                             "folder or a Hugging Face id in the local cache)")
    loaded = load_model(options.model, device=options.device)
    return TransformersRewriter(loaded, prompt=DEFAULT_PROMPT if options.prompt is None
                                else options.prompt,
                                max_new_tokens=options.max_new_tokens, num_beams=options.num_beams)


def _fingerprint(options: BackendOptions) -> str:
    """What :meth:`TransformersRewriter.model_fingerprint` says, without loading the model."""
    name = (options.model or "").rstrip("/") or (options.model or "")
    source = str(Path(name).expanduser()) if Path(name).expanduser().is_dir() else name
    return (f"transformers|{name}|{_source_signature(source)}|{options.max_new_tokens}|"
            f"{options.num_beams}")


SPEC = register_backend(BackendSpec(
    name="transformers",
    description="a Hugging Face model (local folder or cached id) run in this process",
    build=_build, fingerprint=_fingerprint, cache_by_default=False))
