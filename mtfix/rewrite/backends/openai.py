"""The ``openai`` backend: a model behind an OpenAI-compatible chat server (vLLM, llama.cpp
server, Ollama, TGI, or a hosted API), asked over HTTP with the standard library only.

For each sentence one ``POST {url}/chat/completions`` request is sent, holding the chat
messages of :func:`mtfix.rewrite.prompts.chat_messages` (instruction, worked examples, the
sentence), ``temperature: 0`` and ``seed: 0`` (as deterministic as the server allows) and a
``max_tokens`` bounded by the sentence's length (a rewrite much longer than its sentence is
refused by the guards anyway, and a bound stops a runaway answer early).

* **Parallel, bounded**: up to ``parallel`` requests are in flight at once (a thread pool);
  servers batch concurrent requests, so this is what makes a server fast.
* **Timeouts and retries**: each request may take ``timeout_s``; a timeout, a dropped
  connection, HTTP 408/409/425/429 or 5xx is retried up to ``retries`` times, waiting
  0.5 s, 1 s, 2 s ... (or what a ``Retry-After`` header asks, up to a minute).
* **Errors**: anything still failing after the retries, or any other HTTP error, raises
  :class:`ModelServerError` with one line that names the URL and says what to do; after that
  the rewriter refuses further work at once (a server that is down is not asked again for
  every file). Before any work, :meth:`OpenAIRewriter.check` asks ``GET {url}/models``, so a
  server that is down or a URL that is not an OpenAI-compatible base fails before any file
  is touched, and a server that serves one model needs no ``--model``.
* **API key**: ``$MTFIX_API_KEY``, else ``$OPENAI_API_KEY``, sent as ``Authorization: Bearer``;
  local servers need none.

A request to a loopback address (127.0.0.1, localhost, ::1) never goes through a proxy set in
the environment.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from mtfix.rewrite.backends.base import (
    BackendOptions,
    BackendSpec,
    ModelServerError,
    register_backend,
)
from mtfix.rewrite.prompts import (
    DEFAULT_INSTRUCTION,
    EXAMPLES,
    chat_messages,
    clean_reply,
    prompt_fingerprint,
)

API_KEY_VARIABLES = ("MTFIX_API_KEY", "OPENAI_API_KEY")
#: answers worth asking again: the server is busy, restarting or timed out itself
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
BACKOFF_S = 0.5
MAX_WAIT_S = 60.0
#: sentences longer than this many characters are not sent (a server would cut them)
MAX_SENTENCE_CHARS = 4000
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_SERVER_HELP = "start it (recipes: docs/guide/model.md, 'Model servers') or fix --model-url"


def api_key() -> str | None:
    """The API key from ``$MTFIX_API_KEY`` or ``$OPENAI_API_KEY`` (None: send no key)."""
    return next((os.environ[v] for v in API_KEY_VARIABLES if os.environ.get(v)), None)


def token_budget(sentence: str, max_tokens: int) -> int:
    """``max_tokens`` for one sentence: about 1.5 times its tokens (≈ 4 characters each) plus
    a margin, never more than ``max_tokens``."""
    return max(1, min(max_tokens, math.ceil(len(sentence) * 1.5 / 4) + 32))


class _Retry(Exception):
    """A failure worth another try; ``wait_s`` is what the server asked for, if anything."""

    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.wait_s = wait_s


class OpenAIRewriter:
    """Rewrites sentences by asking an OpenAI-compatible chat server, several at a time."""

    def __init__(self, url: str, model: str | None, *, instruction: str = DEFAULT_INSTRUCTION,
                 examples: Sequence[tuple[str, str]] = EXAMPLES, max_tokens: int = 256,
                 timeout_s: float = 120.0, retries: int = 3, parallel: int = 4,
                 key: str | None = None, backoff_s: float = BACKOFF_S) -> None:
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.url = url.rstrip("/")
        self.model = model
        self.instruction = instruction
        self.examples = tuple(examples)
        self.max_tokens = max_tokens
        self.timeout_s = timeout_s
        self.retries = retries
        self.parallel = parallel
        self.backoff_s = backoff_s
        self._key = key if key is not None else api_key()
        self._served: list[str] | None = None
        self._failure: ModelServerError | None = None
        host = urllib.parse.urlsplit(self.url).hostname or ""
        handlers = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
        self._opener = urllib.request.build_opener(*handlers)

    # --- identity ------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        return self.model or "?"

    def model_fingerprint(self) -> str:
        return f"openai|{self.url}|{self.model}|{self.max_tokens}"

    def prompt_fingerprint(self) -> str:
        return prompt_fingerprint(self.instruction, self.examples)

    def fingerprint(self) -> str:
        return f"{self.model_fingerprint()}|{self.prompt_fingerprint()}"

    # --- before any work -----------------------------------------------------------------

    def check(self) -> None:
        """Ask the server which models it serves (one try): fails with a clear error when it
        cannot be reached, and picks the model when none was named and it serves one."""
        try:
            answer = self._request("GET", "/models", None, timeout_s=min(self.timeout_s, 15.0))
        except _Retry as exc:
            raise ModelServerError(f"model server {self.url}: cannot connect ({exc}); "
                                   f"{_SERVER_HELP}") from None
        except _NotFound:
            if self.url.endswith("/v1"):
                answer = None  # a server without a model list: the first request will tell
            else:
                raise ModelServerError(
                    f"model server {self.url}: {self.url}/models not found (HTTP 404): "
                    f"an OpenAI-compatible base URL usually ends in /v1, e.g. {self.url}/v1"
                ) from None
        self._served = _model_ids(answer) if answer is not None else None
        if self.model is None:
            if not self._served or len(self._served) != 1:
                listed = ", ".join(self._served or []) or "no list of models"
                raise ModelServerError(f"model server {self.url} serves {listed}: name the "
                                       "model with --model NAME")
            self.model = self._served[0]

    # --- the work ------------------------------------------------------------------------

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None,
                sources: Sequence[str | None] | None = None,
                on_result: Callable[[int, str | None], None] | None = None) -> list[str | None]:
        """One rewrite per sentence, in order (``None``: too long, or the answer was cut at
        its token budget). ``batch_size`` is ignored: the server batches the requests that
        ``parallel`` keeps in flight. Raises :class:`ModelServerError`."""
        if self._failure is not None:
            raise self._failure
        out: list[str | None] = [None] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if len(s) <= MAX_SENTENCE_CHARS]
        if progress and len(todo) < len(sentences):
            progress(len(sentences) - len(todo))
        if not todo:
            return out
        pool = ThreadPoolExecutor(max_workers=min(self.parallel, len(todo)),
                                  thread_name_prefix="mtfix-model")
        pending: dict[Future, int] = {}
        try:
            for i in todo:
                source = sources[i] if sources is not None else None
                pending[pool.submit(self._rewrite_one, sentences[i], source)] = i
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    out[i] = future.result()  # raises the first failure
                    if on_result:
                        on_result(i, out[i])
                    if progress:
                        progress(1)
        except ModelServerError as exc:
            self._failure = exc
            raise
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return out

    def _rewrite_one(self, sentence: str, source: str | None) -> str | None:
        body = {"model": self.model, "temperature": 0, "seed": 0, "n": 1, "stream": False,
                "max_tokens": token_budget(sentence, self.max_tokens),
                "messages": chat_messages(sentence, instruction=self.instruction,
                                          examples=self.examples, source=source)}
        answer = self._with_retries(body)
        try:
            choice = answer["choices"][0]
            content = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise ModelServerError(f"model server {self.url} answered with something that is "
                                   f"not a chat completion: {json.dumps(answer)[:200]}") from None
        if choice.get("finish_reason") == "length":
            return None  # cut at the budget: not a whole sentence
        return clean_reply(content, sentence)

    def _with_retries(self, body: dict[str, Any]) -> Any:
        for attempt in range(self.retries + 1):
            if self._failure is not None:  # another request failed for good: stop here
                raise self._failure
            try:
                return self._request("POST", "/chat/completions", body, timeout_s=self.timeout_s)
            except _Retry as exc:
                if attempt == self.retries:
                    raise ModelServerError(
                        f"model server {self.url}: {exc} ({self.retries + 1} tries); if it is "
                        f"running, it may be overloaded: raise --model-timeout (now "
                        f"{self.timeout_s:g} s) or lower --model-parallel (now {self.parallel}); "
                        "rewrites already done are cached, so a rerun does not ask for them "
                        "again") from None
                delay = exc.wait_s if exc.wait_s is not None else self.backoff_s * 2 ** attempt
                time.sleep(min(delay, MAX_WAIT_S))
            except _NotFound:
                served = f"; it serves {', '.join(self._served)}" if self._served else ""
                raise ModelServerError(f"model server {self.url} has no model {self.model!r} "
                                       f"(HTTP 404){served}: name one with --model") from None
        raise AssertionError("unreachable")

    def _request(self, method: str, path: str, body: Any, *, timeout_s: float) -> Any:
        """One HTTP exchange; returns the decoded JSON, raises :class:`_Retry`,
        :class:`_NotFound` or :class:`ModelServerError`."""
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self._key:
            request.add_header("Authorization", f"Bearer {self._key}")
        try:
            with self._opener.open(request, timeout=timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from None
        except TimeoutError:
            raise _Retry(f"no answer within {timeout_s:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise _Retry(f"no answer within {timeout_s:g} s") from None
            raise _Retry(str(getattr(reason, "strerror", None) or reason)) from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Retry(f"connection lost ({type(exc).__name__})") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise ModelServerError(f"model server {self.url}{path} answered with something "
                                   f"that is not JSON: {raw[:120]!r}") from None

    def _http_error(self, exc: urllib.error.HTTPError) -> Exception:
        detail = _error_detail(exc)
        if exc.code in RETRY_STATUS:
            return _Retry(f"HTTP {exc.code}{detail}", _retry_after(exc))
        if exc.code in (401, 403):
            which = " or ".join(f"${v}" for v in API_KEY_VARIABLES)
            state = "the key in it was refused" if self._key else "none is set"
            return ModelServerError(f"model server {self.url} wants an API key (HTTP {exc.code}"
                                    f"{detail}): set {which}; {state}")
        if exc.code == 404:
            return _NotFound()
        return ModelServerError(f"model server {self.url}: HTTP {exc.code}{detail}")


class _NotFound(Exception):
    """HTTP 404: a wrong base URL, or a model the server does not serve."""


def _model_ids(answer: Any) -> list[str]:
    try:
        return [str(item["id"]) for item in answer["data"]]
    except (KeyError, TypeError):
        return []


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The server's own words about an error, shortened to one line (``": ..."`` or "")."""
    try:
        raw = exc.read()[:2000].decode("utf-8", "replace")
    except Exception:
        return ""
    try:
        parsed = json.loads(raw)
        message = parsed.get("error", parsed) if isinstance(parsed, dict) else parsed
        if isinstance(message, dict):
            message = message.get("message", message)
        text = str(message)
    except ValueError:
        text = raw
    text = " ".join(text.split())[:160]
    return f": {text}" if text else ""


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _build(options: BackendOptions) -> OpenAIRewriter:
    if not options.url:
        raise ModelServerError("the openai backend needs --model-url URL (the server's "
                               "OpenAI-compatible base, e.g. http://127.0.0.1:8000/v1)")
    rewriter = OpenAIRewriter(options.url, options.model,
                              instruction=DEFAULT_INSTRUCTION if options.prompt is None
                              else options.prompt,
                              max_tokens=options.max_new_tokens, timeout_s=options.timeout_s,
                              retries=options.retries, parallel=options.parallel)
    rewriter.check()
    return rewriter


def _fingerprint(options: BackendOptions) -> str:
    """What :meth:`OpenAIRewriter.model_fingerprint` says for these options."""
    return f"openai|{(options.url or '').rstrip('/')}|{options.model}|{options.max_new_tokens}"


SPEC = register_backend(BackendSpec(
    name="openai",
    description="a model behind an OpenAI-compatible chat server (vLLM, llama.cpp, Ollama, TGI)",
    build=_build, fingerprint=_fingerprint, cache_by_default=True))
