"""Optional guarded model rewrite (needs the ``model`` extra: ``pip install "mtfix[model]"``).

>>> from mtfix.rewrite import load_model_pass           # doctest: +SKIP
>>> from mtfix.api import build_pipeline, fix_text      # doctest: +SKIP
>>> model = load_model_pass("grammarly/coedit-large")   # doctest: +SKIP
>>> fix_text(text, pipeline=build_pipeline(extra_passes=[model]))  # doctest: +SKIP

Importing this package does not import torch; :func:`load_model_pass` does (and raises
:class:`ModelUnavailable` with a one-line install hint when it is missing).
"""

from __future__ import annotations

from collections.abc import Callable

from mtfix.rewrite.guards import DEFAULT_LIMITS, GuardLimits, Rejection, check_rewrite
from mtfix.rewrite.loading import (
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_PROMPT,
    LoadedModel,
    ModelLoadError,
    ModelUnavailable,
    TransformersRewriter,
    load_model,
)
from mtfix.rewrite.passes import REWRITE_MODES, ModelPass, ModelPassStats, RewriteMode, Rewriter
from mtfix.rewrite.segment import Sentence, split_sentences
from mtfix.rewrite.suspect import suspicion

__all__ = [
    "DEFAULT_LIMITS", "DEFAULT_MAX_NEW_TOKENS", "DEFAULT_PROMPT", "REWRITE_MODES", "GuardLimits",
    "LoadedModel", "ModelLoadError", "ModelPass", "ModelPassStats", "ModelUnavailable",
    "Rejection", "RewriteMode", "Rewriter", "Sentence", "TransformersRewriter", "check_rewrite",
    "load_model", "load_model_pass", "split_sentences", "suspicion",
]


def load_model_pass(name_or_path: str, *, prompt: str = DEFAULT_PROMPT,
                    rewrite: RewriteMode = "flagged", batch_size: int = 8,
                    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, num_beams: int = 1,
                    device: str | None = None, limits: GuardLimits = DEFAULT_LIMITS,
                    progress: Callable[[int, int], None] | None = None) -> ModelPass:
    """Load a model (local folder, or a Hugging Face id from the local cache) as a ModelPass."""
    rewriter = TransformersRewriter(load_model(name_or_path, device=device), prompt=prompt,
                                    max_new_tokens=max_new_tokens, num_beams=num_beams)
    return ModelPass(rewriter, rewrite=rewrite, batch_size=batch_size, limits=limits,
                     progress=progress)
