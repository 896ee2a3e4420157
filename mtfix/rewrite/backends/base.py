"""The backend contract and the one backend registry.

A backend is what turns sentences into rewrites: a model loaded in this process, or a model
server asked over HTTP. Each is one module of :mod:`mtfix.rewrite.backends` that registers a
:class:`BackendSpec` with :func:`register_backend`: its name (``--model-backend NAME``), a
one-line description, how to build its rewriter from :class:`BackendOptions`, and its
fingerprint (a string that changes whenever the backend would rewrite differently: used by
``--resume`` and by the rewrite cache). Adding a backend means adding its module, its tests and
its docs; nothing else.

A rewriter (what ``build`` returns) has ``model_id``, ``fingerprint()``,
``model_fingerprint()``, ``prompt_fingerprint()`` and
``rewrite(sentences, *, batch_size, progress, sources=None, on_result=None)``: one rewrite per
sentence, in order, ``None`` where a sentence was not rewritten; ``on_result(i, rewrite)`` is
called as each one is done (the cache stores it then).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_NEW_TOKENS = 256


class BackendError(RuntimeError):
    """A backend cannot be set up or used; the one-line message says what to do."""


class ModelUnavailable(BackendError):
    """What a backend needs is not installed (the ``model`` extra)."""


class ModelLoadError(BackendError):
    """The model could not be found or loaded; the message says what to do."""


class ModelServerError(BackendError):
    """A model server could not be reached or answered wrongly; the message names the URL."""


@dataclass(frozen=True)
class BackendOptions:
    """Everything a backend may be built from; each backend reads the fields it knows.

    ``model``: a Hugging Face id or folder (transformers), or the served model's name (a
    server; ``None``: the one model the server serves). ``prompt``: the seq2seq prompt, or the
    chat instruction (``None``: the backend's default). ``url``: a server's OpenAI-compatible
    base URL (``http://127.0.0.1:8000/v1``). ``timeout_s``, ``retries``, ``parallel``: per
    request, per sentence, and requests in flight at once.
    """

    model: str | None = None
    url: str | None = None
    prompt: str | None = None
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    num_beams: int = 1
    device: str | None = None
    timeout_s: float = 120.0
    retries: int = 3
    parallel: int = 4


@dataclass(frozen=True)
class BackendSpec:
    """One backend, as the registry knows it.

    ``build(options)`` returns the rewriter (raising :class:`BackendError` with a one-line
    message when it cannot); ``fingerprint(options)`` is the string its rewriter's
    ``model_fingerprint()`` returns; ``cache_by_default``: whether rewrites are cached on disk
    without ``--model-cache`` (worth it for a server; a local model is cheap to rerun and may
    be retrained under the same name).
    """

    name: str
    description: str
    build: Callable[[BackendOptions], Any]
    fingerprint: Callable[[BackendOptions], str]
    cache_by_default: bool = False


#: backend name -> spec, filled by :func:`register_backend` as the backend modules are imported
REGISTRY: dict[str, BackendSpec] = {}


def register_backend(spec: BackendSpec) -> BackendSpec:
    """Add a backend to the registry (a name registered twice fails at import)."""
    if spec.name in REGISTRY and REGISTRY[spec.name] is not spec:
        raise TypeError(f"model backend {spec.name!r} is registered twice; give one of them "
                        "another name")
    REGISTRY[spec.name] = spec
    return spec
