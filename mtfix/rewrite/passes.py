"""The model pass: guarded sentence rewrites, recorded as word-level changes or as flags.

For each text it is given, the pass splits sentences (:mod:`~mtfix.rewrite.segment`), picks the
ones to send (``rewrite="flagged"``: a sentence an earlier pass flagged or that looks garbled,
see :mod:`~mtfix.rewrite.suspect`; ``rewrite="all"``: every sentence), has the rewriter produce
one rewrite per sentence in batches, and runs the guards (:mod:`~mtfix.rewrite.guards`):

* accepted: the rewrite is word-diffed against the sentence (:mod:`mtfix.worddiff`) and each
  hunk becomes an :class:`~mtfix.change.Edit` (``rule`` = model id), so a reviewer can accept or
  reject each one like a glossary change;
* rejected: one flag over the sentence (``after`` = the proposed sentence, ``note`` = guard name
  and reason); the text keeps what the earlier passes made of it.

Text written by earlier passes (``protected``) is never edited: a rewrite that touches it is
rejected by the "protected" guard.

The rewriter is anything with ``model_id`` and ``rewrite(sentences, batch_size=, progress=)``
(the backends of :mod:`mtfix.rewrite.backends` build the real ones: a model in this process or
a model server); the pass itself never imports torch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from mtfix.change import Edit
from mtfix.passes.base import BasePass
from mtfix.rewrite.guards import DEFAULT_LIMITS, GuardLimits, check_rewrite
from mtfix.rewrite.segment import Sentence, split_sentences
from mtfix.rewrite.suspect import suspicion
from mtfix.spans import Span

RewriteMode = Literal["flagged", "all"]
#: segments of a segmented file rewritten together: enough to fill a model server's parallel
#: slots or a local model's batches with ``--rewrite flagged`` (which sends a few of them)
SEGMENT_WINDOW = 256
REWRITE_MODES: tuple[RewriteMode, ...] = ("flagged", "all")


class Rewriter(Protocol):
    model_id: str

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None) -> list[str | None]:
        """One rewrite per sentence, in order; ``None`` when a sentence was not rewritten.

        For bilingual files (PO, XLIFF, TMX, ``--source``) it is also given
        ``sources=[...]``: per sentence, the source-language text of its segment (or None);
        a rewriter used on such files must take it (both backends do)."""
        ...


@dataclass
class ModelPassStats:
    """What the pass did so far (summed over every text it saw)."""

    sentences: int = 0     # sentences seen
    sent: int = 0          # sentences sent to the model
    unchanged: int = 0     # the model returned the sentence as it was
    accepted: int = 0      # rewrites applied
    rejected: Counter[str] = field(default_factory=Counter)  # rejections by guard name
    skipped: int = 0       # too long for the model

    @property
    def sent_fraction(self) -> float:
        return self.sent / self.sentences if self.sentences else 0.0

    def summary(self) -> str:
        rejected = sum(self.rejected.values())
        text = (f"model: {self.sent} of {self.sentences} sentences sent, {self.accepted} rewrites "
                f"accepted, {rejected} rejected")
        if rejected:
            text += " (" + ", ".join(f"{g} {n}" for g, n in self.rejected.most_common()) + ")"
        if self.skipped:
            text += f", {self.skipped} too long"
        return text


def _touches(sentence: Sentence, spans: Sequence[Span]) -> bool:
    for start, end in spans:
        if start == end:
            if sentence.start <= start <= sentence.end:
                return True
        elif start < sentence.end and sentence.start < end:
            return True
    return False


class ModelPass(BasePass):
    """Guarded model rewrite of sentences (implements :class:`~mtfix.passes.base.Pass`)."""

    name = "model"
    wants_flags = True  # the pipeline passes earlier passes' flag spans (for rewrite="flagged")
    wants_source = True  # bilingual files: the source sentence goes to the model with each one
    batches = True  # the segmented formats hand it many segments at once (find_edits_many)

    def __init__(self, rewriter: Rewriter, *, rewrite: RewriteMode = "flagged",
                 batch_size: int = 8, limits: GuardLimits = DEFAULT_LIMITS,
                 progress: Callable[[int, int], None] | None = None,
                 segment_window: int = SEGMENT_WINDOW) -> None:
        """``progress(total, done)`` is called with the running totals of sentences to send and
        sentences done (for a progress bar). ``segment_window``: how many segments of a
        segmented file (lines, JSON Lines, PO, XLIFF, TMX) are rewritten together."""
        if rewrite not in REWRITE_MODES:
            raise ValueError(f"rewrite must be one of {', '.join(REWRITE_MODES)}, not {rewrite!r}")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.rewriter = rewriter
        self.mode = rewrite
        self.batch_size = batch_size
        self.limits = limits
        self.progress = progress
        if segment_window < 1:
            raise ValueError("segment_window must be at least 1")
        self.segment_window = segment_window
        self.stats = ModelPassStats()
        self._done = 0

    @property
    def model_id(self) -> str:
        return self.rewriter.model_id

    def rule_order(self) -> dict[str, int]:
        return {self.model_id: 0}

    def state(self) -> str:
        """What decides this pass's output (used by ``--resume`` to tell runs apart)."""
        rewriter = getattr(self.rewriter, "fingerprint", None)
        state = rewriter() if callable(rewriter) else self.model_id
        return f"{state}|{self.mode}|{self.batch_size}|{self.limits!r}"

    def select(self, sentences: Sequence[Sentence], flags: Sequence[Span] = ()) -> list[Sentence]:
        """The sentences to send: all, or those flagged by earlier passes or looking garbled."""
        if self.mode == "all":
            return list(sentences)
        return [s for s in sentences if _touches(s, flags) or suspicion(s.text)]

    def find_edits(self, text: str, protected: Sequence[Span] = (), *,
                   flags: Sequence[Span] = (), source: str | None = None) -> list[Edit]:
        return self.find_edits_many([(text, protected, {"flags": flags, "source": source})])[0]

    def find_edits_many(self, calls: Sequence[tuple[str, Sequence[Span], dict]],
                        ) -> list[list[Edit]]:
        """``find_edits`` for many texts (the segments of a file), with one call to the
        rewriter for all their sentences: a server gets them in parallel, a local model in
        batches. Each text's edits are what ``find_edits`` gives for it alone."""
        chosen: list[list[Sentence]] = []
        for text, _protected, extra in calls:
            sentences = split_sentences(text)
            chosen.append(self.select(sentences, extra.get("flags", ())))
            self.stats.sentences += len(sentences)
            self.stats.sent += len(chosen[-1])
        sentences = [s.text for picked in chosen for s in picked]
        sources = [extra.get("source") for (_, _, extra), picked in zip(calls, chosen, strict=True)
                   for _ in picked]
        rewrites = self._rewrite(sentences, sources) if sentences else []
        results: list[list[Edit]] = []
        at = 0
        for (_text, protected, extra), picked in zip(calls, chosen, strict=True):
            edits: list[Edit] = []
            for sentence, proposal in zip(picked, rewrites[at:at + len(picked)], strict=True):
                edits.extend(self._judge(sentence, proposal, protected, extra.get("source")))
            results.append(edits)
            at += len(picked)
        return results

    def _rewrite(self, sentences: list[str], sources: list[str | None]) -> list[str | None]:
        """The rewriter's answers, with the progress reported. ``sources=`` is given only when
        some sentence has a source (a rewriter written for plain text need not take it)."""
        total = self.stats.sent
        if self.progress:
            self.progress(total, self._done)

        def advance(n: int) -> None:
            self._done += n
            if self.progress:
                self.progress(total, self._done)

        extra = {"sources": sources} if any(s is not None for s in sources) else {}
        return self.rewriter.rewrite(sentences, batch_size=self.batch_size, progress=advance,
                                     **extra)

    def _judge(self, sentence: Sentence, proposal: str | None, protected: Sequence[Span],
               source: str | None = None) -> list[Edit]:
        if proposal is None:
            self.stats.skipped += 1
            return []
        proposal = proposal.strip()
        if proposal == sentence.text:
            self.stats.unchanged += 1
            return []
        local = [(max(s, sentence.start) - sentence.start, min(e, sentence.end) - sentence.start)
                 for s, e in protected
                 if (s < sentence.end and sentence.start < e)
                 or (s == e and sentence.start <= s <= sentence.end)]
        word_edits, rejection = check_rewrite(sentence.text, proposal, protected=local,
                                              limits=self.limits, source=source)
        if rejection is not None:
            self.stats.rejected[rejection.guard] += 1
            return [Edit(sentence.start, sentence.end, proposal, rule=self.model_id,
                         note=f"model rewrite rejected by guard {rejection}", flag=True)]
        self.stats.accepted += 1
        return [Edit(sentence.start + e.start, sentence.start + e.end, e.replacement,
                     rule=self.model_id, note="model rewrite")
                for e in word_edits]
