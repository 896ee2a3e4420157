"""The model options of ``mtfix fix``: build the model pass, show progress, report stats.

Kept out of :mod:`mtfix.cli` so that module stays small and never imports torch: everything
here runs only when ``--model`` or ``--model-url`` is given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from mtfix.fileio import InputError
from mtfix.rewrite.backends import BACKENDS, BackendError
from mtfix.rewrite.cache import CachedRewriter, CacheError, WrappedRewriter
from mtfix.rewrite.passes import REWRITE_MODES, ModelPass


class ModelOptionError(ValueError):
    """A one-line, user-facing reason why the model pass could not be set up."""


def model_pass_from_options(model: str | None, *, url: str | None = None,
                            backend: str | None = None, prompt: str | None, rewrite: str,
                            batch_size: int, max_new_tokens: int, parallel: int = 4,
                            timeout_s: float = 120.0, cache: str | None = None,
                            show_progress: bool, runner: object = None) -> ModelPass:
    """Build the ModelPass for ``mtfix fix --model/--model-url``; errors are
    :class:`ModelOptionError`. ``runner``: the engine's; one with ``load_model_pass`` (Ray)
    loads the model on its own workers (no progress bar: the model runs elsewhere)."""
    if rewrite not in REWRITE_MODES:
        raise ModelOptionError(f"--rewrite {rewrite}: choose {' or '.join(REWRITE_MODES)}")
    if backend is not None and backend not in BACKENDS:
        raise ModelOptionError(f"--model-backend {backend}: choose {' or '.join(BACKENDS)}")
    from mtfix.rewrite import load_model_pass

    options: dict = {}
    if (on_engine := getattr(runner, "load_model_pass", None)) is None:
        on_engine = load_model_pass
        options["progress"] = _ModelProgress() if show_progress and sys.stderr.isatty() else None
    try:
        model_pass = on_engine(model, url=url, backend=backend, prompt=prompt,
                               rewrite=rewrite, batch_size=batch_size,
                               max_new_tokens=max_new_tokens, parallel=parallel,
                               timeout_s=timeout_s, cache=cache, **options)
    except (BackendError, CacheError) as exc:
        raise ModelOptionError(str(exc)) from None
    model_pass.rewriter = _FailuresAsInputErrors(model_pass.rewriter)
    return model_pass


def model_summary(model_pass: ModelPass) -> list[str]:
    """The lines ``mtfix fix`` prints about the model pass: its stats, and the cache's use."""
    lines = [model_pass.stats.summary()]
    rewriter = model_pass.rewriter
    inner = rewriter.inner if isinstance(rewriter, _FailuresAsInputErrors) else rewriter
    if isinstance(inner, CachedRewriter):
        where = inner.cache.path
    else:  # a model on a Ray cluster: the counts of its actors' caches
        where = getattr(inner, "cache_path", "")
    hits, misses = getattr(inner, "hits", 0), getattr(inner, "misses", 0)
    if where and hits + misses:
        lines.append(f"model cache: {hits} of {hits + misses} rewrites found in {where}")
    return lines


class _FailuresAsInputErrors(WrappedRewriter):
    """The rewriter, with a model server's failure raised as the file's :class:`InputError`:
    the batch reports it under the file, as it is (not as an mtfix bug), and goes on; the
    backend refuses further work at once, so each later file fails fast with the same line."""

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None, **extra) -> list[str | None]:
        try:  # (``extra``: ``sources=`` for bilingual files)
            return self.inner.rewrite(sentences, batch_size=batch_size, progress=progress,
                                      **extra)
        except (BackendError, CacheError) as exc:
            raise InputError(str(exc)) from None


class _ModelProgress:
    """A transient progress bar of sentences rewritten, shown while a document is in the model.

    Started on the first report and stopped when the running total is reached, so it never
    stays on screen between documents. If another live display (the per-file bar of a large
    batch) is already on screen, this one quietly stays off.
    """

    def __init__(self) -> None:
        self._progress = None
        self._task = None
        self._disabled = False

    def __call__(self, total: int, done: int) -> None:
        if self._disabled:
            return
        if self._progress is None:
            if done >= total:
                return
            from rich.console import Console
            from rich.errors import LiveError
            from rich.progress import Progress

            progress = Progress(transient=True, console=Console(stderr=True))
            try:
                progress.start()
            except LiveError:
                self._disabled = True
                return
            self._progress = progress
            self._task = progress.add_task("model rewrite", total=total)
        self._progress.update(self._task, total=total, completed=done)
        if done >= total:
            self._progress.stop()
            self._progress = None
