"""Model backends: how sentences get rewritten (one module per backend, one registry).

=============  ==========================================================================
backend        what rewrites the sentences
=============  ==========================================================================
transformers   a Hugging Face model (local folder or cached id) run in this process
openai         a model behind an OpenAI-compatible chat server (vLLM, llama.cpp, Ollama, TGI)
=============  ==========================================================================

Each backend is one module of this package registered in :mod:`mtfix.rewrite.backends.base`
(see there for the contract); :func:`build_rewriter` picks one and builds its rewriter, wrapped
in the on-disk rewrite cache (:mod:`mtfix.rewrite.cache`) when one is asked for or the backend
caches by default.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from mtfix.rewrite.backends.base import (
    DEFAULT_MAX_NEW_TOKENS,
    REGISTRY,
    BackendError,
    BackendOptions,
    BackendSpec,
    ModelLoadError,
    ModelServerError,
    ModelUnavailable,
    register_backend,
)
from mtfix.rewrite.cache import CachedRewriter, RewriteCache, default_cache_dir

__all__ = [
    "BACKENDS", "DEFAULT_MAX_NEW_TOKENS", "BackendError", "BackendOptions", "BackendSpec",
    "ModelLoadError", "ModelServerError", "ModelUnavailable", "build_rewriter", "choose_backend",
    "register_backend",
]

_NOT_BACKENDS = frozenset({"base"})
#: the words --model-cache takes for "no cache"
CACHE_OFF = frozenset({"off", "none", "no"})


def _import_backend_modules() -> dict[str, BackendSpec]:
    """Import every backend module of this package (each registers its backend)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_BACKENDS and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(REGISTRY.items()))


#: name -> spec of every registered backend
BACKENDS: dict[str, BackendSpec] = _import_backend_modules()


def choose_backend(name: str | None, options: BackendOptions) -> BackendSpec:
    """The backend named, else ``openai`` when a server URL is given, else ``transformers``."""
    if name is None:
        name = "openai" if options.url else "transformers"
    if name not in BACKENDS:
        raise BackendError(f"model backend {name!r} does not exist; choose "
                           f"{' or '.join(BACKENDS)}")
    return BACKENDS[name]


def build_rewriter(options: BackendOptions, *, backend: str | None = None,
                   cache: str | Path | None = None):
    """Build the chosen backend's rewriter, cached on disk as asked.

    ``cache``: a folder, ``"off"``, or ``None`` for the backend's default (the default folder
    of :func:`~mtfix.rewrite.cache.default_cache_dir` for a server, none for a local model).
    Raises :class:`BackendError` (or :class:`~mtfix.rewrite.cache.CacheError`) with one line.
    """
    spec = choose_backend(backend, options)
    rewriter = spec.build(options)
    if isinstance(cache, str) and cache.lower() in CACHE_OFF:
        return rewriter
    if cache is None and not spec.cache_by_default:
        return rewriter
    return CachedRewriter(rewriter, RewriteCache(default_cache_dir() if cache is None else cache))
