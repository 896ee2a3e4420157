"""The ``--model`` options of ``mtfix fix``: load the model pass, show progress, report stats.

Kept out of :mod:`mtfix.cli` so that module stays small and never imports torch: everything
here runs only when ``--model`` is given.
"""

from __future__ import annotations

import sys

from mtfix.rewrite.loading import DEFAULT_PROMPT, ModelLoadError, ModelUnavailable
from mtfix.rewrite.passes import REWRITE_MODES, ModelPass


class ModelOptionError(ValueError):
    """A one-line, user-facing reason why the model pass could not be set up."""


def model_pass_from_options(model: str, *, prompt: str | None, rewrite: str, batch_size: int,
                            max_new_tokens: int, show_progress: bool) -> ModelPass:
    """Build the ModelPass for ``mtfix fix --model``; errors are :class:`ModelOptionError`."""
    if rewrite not in REWRITE_MODES:
        raise ModelOptionError(f"--rewrite {rewrite}: choose {' or '.join(REWRITE_MODES)}")
    from mtfix.rewrite import load_model_pass

    progress = _ModelProgress() if show_progress and sys.stderr.isatty() else None
    try:
        return load_model_pass(model, prompt=DEFAULT_PROMPT if prompt is None else prompt,
                               rewrite=rewrite, batch_size=batch_size,  # type: ignore[arg-type]
                               max_new_tokens=max_new_tokens, progress=progress)
    except (ModelUnavailable, ModelLoadError) as exc:
        raise ModelOptionError(str(exc)) from None


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
