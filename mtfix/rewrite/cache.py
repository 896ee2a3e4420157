"""A rewrite cache on disk, so that running the model pass again costs nothing.

A model server is slow and may cost money per request; a batch is often rerun (after an
interruption, with another rule switched on, after a review). Every rewrite is stored under a
key made of the **model fingerprint** (backend, server, model, decoding settings), the
**prompt fingerprint** (instruction and examples) and the **sentence** (and its source, when
given); a rerun with the same three finds it and sends nothing.

Storage is one SQLite file (``rewrites.sqlite3``) in the cache folder: standard library, safe
for two runs at once (WAL journal, a busy timeout), and each rewrite is committed as it
arrives, so a run that dies keeps what it had. Sentences the model did not answer (too long)
are not stored.

The folder is ``--model-cache DIR``, else ``$MTFIX_CACHE_DIR``, else
``$XDG_CACHE_HOME/mtfix``, else ``~/.cache/mtfix``. Deleting the file empties the cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from mtfix.fileio import default_cache_dir as default_cache_dir  # re-exported

CACHE_FILE = "rewrites.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS rewrites (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    sentence TEXT NOT NULL,
    rewrite TEXT NOT NULL,
    created REAL NOT NULL
)
"""


class CacheError(RuntimeError):
    """The cache cannot be opened or written; the message names the file and what to do."""


def cache_key(model: str, prompt: str, sentence: str, source: str | None = None) -> str:
    """The stored key: a hash of the model fingerprint, the prompt fingerprint and the text."""
    parts = [model, prompt, sentence] + ([source] if source is not None else [])
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


class RewriteCache:
    """Stored rewrites in ``folder/rewrites.sqlite3`` (created on first use)."""

    def __init__(self, folder: str | Path) -> None:
        self.path = Path(folder).expanduser() / CACHE_FILE
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"model cache {self.path}: cannot open it ({exc}); pass "
                             "--model-cache DIR with a folder you can write, or --model-cache "
                             "off") from None

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT rewrite FROM rewrites WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, *, model: str, prompt: str, sentence: str, rewrite: str) -> None:
        try:
            self._db.execute("INSERT OR REPLACE INTO rewrites VALUES (?, ?, ?, ?, ?, ?)",
                             (key, model, prompt, sentence, rewrite, time.time()))
            self._db.commit()
        except sqlite3.Error as exc:
            raise CacheError(f"model cache {self.path}: cannot write it ({exc}); free space or "
                             "pass --model-cache off") from None

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM rewrites").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __getstate__(self) -> dict:
        return {"path": self.path}  # a connection does not cross processes; reopen there

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"].parent)


class WrappedRewriter:
    """A rewriter that wraps another one: the same model id and fingerprint (what the wrapper
    adds, caching or error reporting, does not change the rewrites)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def fingerprint(self) -> str:
        return self.inner.fingerprint()


class CachedRewriter(WrappedRewriter):
    """A rewriter that asks ``inner`` only for the sentences ``cache`` does not hold.

    ``inner`` must say ``model_fingerprint()`` and ``prompt_fingerprint()`` (the key) and accept
    ``on_result(index, rewrite)`` in ``rewrite`` (each answer is stored as it arrives, so a run
    that fails half way keeps the half it had). Both built-in backends do.
    """

    def __init__(self, inner, cache: RewriteCache) -> None:
        super().__init__(inner)
        self.cache = cache
        self.hits = 0
        self.misses = 0

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None,
                sources: Sequence[str | None] | None = None) -> list[str | None]:
        """Cached rewrites first (reported to ``progress`` at once), the rest from ``inner``."""
        model, prompt = self.inner.model_fingerprint(), self.inner.prompt_fingerprint()
        srcs = list(sources) if sources is not None else [None] * len(sentences)
        keys = [cache_key(model, prompt, s, src) for s, src in zip(sentences, srcs, strict=True)]
        out: list[str | None] = [self.cache.get(key) for key in keys]
        todo = [i for i, found in enumerate(out) if found is None]
        self.hits += len(sentences) - len(todo)
        self.misses += len(todo)
        if progress and len(todo) < len(sentences):
            progress(len(sentences) - len(todo))
        if not todo:
            return out

        def store(index: int, rewrite: str | None) -> None:
            i = todo[index]
            out[i] = rewrite
            if rewrite is not None:
                self.cache.put(keys[i], model=model, prompt=prompt, sentence=sentences[i],
                               rewrite=rewrite)

        self.inner.rewrite([sentences[i] for i in todo], batch_size=batch_size, progress=progress,
                           sources=[srcs[i] for i in todo] if sources is not None else None,
                           on_result=store)
        return out
