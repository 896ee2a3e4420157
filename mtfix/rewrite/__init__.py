"""Optional guarded model rewrite.

Two backends (:mod:`mtfix.rewrite.backends`): ``transformers`` runs a Hugging Face model in
this process (needs the ``model`` extra: ``pip install "mtfix[model]"``); ``openai`` asks an
OpenAI-compatible server (vLLM, llama.cpp server, Ollama, TGI) over HTTP and needs nothing
beyond the standard library (and pysbd for sentences).

>>> from mtfix.rewrite import load_model_pass           # doctest: +SKIP
>>> from mtfix.api import build_pipeline, fix_text      # doctest: +SKIP
>>> model = load_model_pass("grammarly/coedit-large")   # doctest: +SKIP
>>> model = load_model_pass("qwen2.5-7b", url="http://127.0.0.1:8000/v1")  # doctest: +SKIP
>>> fix_text(text, pipeline=build_pipeline(extra_passes=[model]))  # doctest: +SKIP

Importing this package does not import torch; loading a transformers model does (and raises
:class:`ModelUnavailable` with a one-line install hint when it is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mtfix.rewrite.backends import (
    BACKENDS,
    DEFAULT_MAX_NEW_TOKENS,
    BackendError,
    BackendOptions,
    ModelLoadError,
    ModelServerError,
    ModelUnavailable,
    build_rewriter,
)
from mtfix.rewrite.backends.openai import OpenAIRewriter
from mtfix.rewrite.backends.transformers import LoadedModel, TransformersRewriter, load_model
from mtfix.rewrite.cache import CachedRewriter, CacheError, RewriteCache, default_cache_dir
from mtfix.rewrite.guards import DEFAULT_LIMITS, GuardLimits, Rejection, check_rewrite
from mtfix.rewrite.passes import REWRITE_MODES, ModelPass, ModelPassStats, RewriteMode, Rewriter
from mtfix.rewrite.prompts import DEFAULT_INSTRUCTION, DEFAULT_PROMPT, EXAMPLES, chat_messages
from mtfix.rewrite.segment import Sentence, require_sentence_splitter, split_sentences
from mtfix.rewrite.suspect import suspicion

__all__ = [
    "BACKENDS", "DEFAULT_INSTRUCTION", "DEFAULT_LIMITS", "DEFAULT_MAX_NEW_TOKENS",
    "DEFAULT_PROMPT", "EXAMPLES", "REWRITE_MODES", "BackendError", "BackendOptions",
    "CacheError", "CachedRewriter", "GuardLimits", "LoadedModel", "ModelLoadError", "ModelPass",
    "ModelPassStats", "ModelServerError", "ModelUnavailable", "OpenAIRewriter", "Rejection",
    "RewriteCache", "RewriteMode", "Rewriter", "Sentence", "TransformersRewriter",
    "chat_messages", "check_rewrite", "default_cache_dir", "load_model", "load_model_pass",
    "split_sentences", "suspicion",
]


def load_model_pass(name_or_path: str | None = None, *, url: str | None = None,
                    backend: str | None = None, prompt: str | None = None,
                    rewrite: RewriteMode = "flagged", batch_size: int = 8,
                    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, num_beams: int = 1,
                    device: str | None = None, timeout_s: float = 120.0, retries: int = 3,
                    parallel: int = 4, cache: str | Path | None = None,
                    limits: GuardLimits = DEFAULT_LIMITS,
                    progress: Callable[[int, int], None] | None = None) -> ModelPass:
    """A ModelPass over a local model (``name_or_path``: a folder, or a Hugging Face id from
    the local cache) or a model server (``url``: its OpenAI-compatible base, ``name_or_path``:
    the served model, or None when it serves one).

    ``prompt``: the seq2seq prompt (transformers) or the chat instruction (openai); None: the
    backend's default. ``cache``: a folder for the rewrite cache, ``"off"``, or None for the
    backend's default (on for a server). Raises :class:`BackendError` (one line) when the
    model cannot be loaded or the server cannot be reached.
    """
    if missing := require_sentence_splitter():
        raise ModelUnavailable(missing)
    options = BackendOptions(model=name_or_path, url=url, prompt=prompt,
                             max_new_tokens=max_new_tokens, num_beams=num_beams, device=device,
                             timeout_s=timeout_s, retries=retries, parallel=parallel)
    rewriter = build_rewriter(options, backend=backend, cache=cache)
    return ModelPass(rewriter, rewrite=rewrite, batch_size=batch_size, limits=limits,
                     progress=progress)
