"""Remembered review decisions: the project decisions store and how a run matches it.

A reviewer's decision on a change (reject it, accept a flag, edit the text) is kept in one
JSON Lines file, ``.mtfix/decisions.jsonl`` by default, one decision per line::

    {"version": 1, "decision": "reject", "pass": "glossary", "rule": "cn-official.anti-smuggling",
     "before": "Anti smuggling", "after": "Anti-smuggling", "left": "the", "right": "bureau met it",
     "left_before": "the", "right_before": "bureau met it", "doc": "notes.txt",
     "at": "2026-12-05T23:59:00Z"}

| key | meaning |
|---|---|
| ``version`` | the entry's schema version, ``1``; a newer one is refused with a message to upgrade |
| ``decision`` | ``reject``, ``accept`` or ``edit`` |
| ``pass``, ``rule`` | the pass and rule (glossary entry id, rule id, model id) that proposed it |
| ``before`` | the text the change replaces |
| ``after`` | what the pass proposed (a flag's proposal; ``null`` for a flag without one) |
| ``text`` | ``edit`` only: the reviewer's replacement |
| ``left``, ``right`` | 3 words each side (same line, case-folded) as the next run leaves the text |
| ``left_before``, ``right_before`` | the same words in the text the reviewer saw |
| ``doc``, ``at`` | where and when it was decided (information only; not part of the match) |

A decision is keyed on ``pass``, ``rule``, ``before``, ``after``, ``left`` and ``right`` (never
offsets or change ids), so text inserted elsewhere in the file does not lose it; a later
decision with the same key replaces the earlier one.

Why two contexts: a change matches a decision when the words around it in the text a run is
given are those the reviewer saw (``left_before``/``right_before``), or those of the reviewed
text (``left``/``right``: the original with the accepted changes, and the pending ones, which
the next run makes again). The first finds the decision on new MT that reads as before; the
second finds it on a run over the output of such a run, where the neighbours are fixed (``the
colour of`` -> ``the color of`` beside a rejected change), so that run proposes nothing the
first did not. Both are read from the run's input, so following a decision needs no second
look at the text.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.change import Change
from mtfix.fileio import LockHeld, atomic_writer, exclusive_lock
from mtfix.textutil import fold_case

MEMORY_VERSION = 1
#: words of context kept on each side of a change
CONTEXT_WORDS = 3
#: where the store goes when neither the project config nor ``--memory`` says otherwise
DEFAULT_STORE = Path(".mtfix") / "decisions.jsonl"
REJECT, ACCEPT, EDIT = "reject", "accept", "edit"
DECISIONS = (REJECT, ACCEPT, EDIT)
#: the note of a change a remembered decision made starts with this
MEMORY_NOTE = "from memory"
# how far either side of a change the context is looked for (a few words; never a whole
# megabyte-long line)
_WINDOW = 200
_WORD_RE = re.compile(r"\w+")
_KEYS = ("version", "decision", "pass", "rule", "before", "after", "text", "left", "right",
         "left_before", "right_before", "doc", "at")

#: (pass, rule, before, proposal): the part of a key a change record gives without context
BaseKey = tuple[str, str, str, str | None]
#: a remembered decision's full key
Key = tuple[str, str, str, str | None, str, str]


class DecisionStoreError(ValueError):
    """A decisions store that cannot be read or written (the message names the file and line)."""


@dataclass(frozen=True)
class Remembered:
    """One remembered decision (one line of the store)."""

    decision: str
    pass_: str
    rule: str
    before: str
    after: str | None
    left: str
    right: str
    text: str | None = None  # the reviewer's text of an edit
    left_before: str = ""  # the context words in the text the reviewer saw
    right_before: str = ""
    doc: str = ""
    at: str = ""

    @property
    def key(self) -> Key:
        return (self.pass_, self.rule, self.before, self.after, self.left, self.right)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": MEMORY_VERSION, "decision": self.decision,
                                "pass": self.pass_, "rule": self.rule, "before": self.before,
                                "after": self.after}
        if self.decision == EDIT:
            data["text"] = self.text
        data.update(left=self.left, right=self.right, left_before=self.left_before,
                    right_before=self.right_before, doc=self.doc, at=self.at)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Remembered:
        if not isinstance(data, dict):
            raise ValueError("an entry is a JSON object")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValueError(f'"version" must be {MEMORY_VERSION}, not {version!r}')
        if version > MEMORY_VERSION:
            raise ValueError(f"written by a newer mtfix (decisions store version {version}; "
                             f"this mtfix reads {MEMORY_VERSION}); upgrade mtfix")
        unknown = set(data) - set(_KEYS)
        if unknown:
            raise ValueError(f"unknown key(s): {', '.join(sorted(unknown))}")
        decision = data.get("decision")
        if decision not in DECISIONS:
            raise ValueError(f'"decision" must be reject, accept or edit, not {decision!r}')
        for name in ("pass", "rule", "before", "left", "right"):
            if not isinstance(data.get(name), str):
                raise ValueError(f'"{name}" must be a string')
        for name in ("left_before", "right_before"):
            if not isinstance(data.get(name, ""), str):
                raise ValueError(f'"{name}" must be a string')
        if data.get("after") is not None and not isinstance(data["after"], str):
            raise ValueError('"after" must be a string or null')
        text = data.get("text")
        if decision == EDIT and not isinstance(text, str):
            raise ValueError('an edit needs "text", the reviewer\'s replacement')
        return cls(decision, data["pass"], data["rule"], data["before"], data.get("after"),
                   data["left"], data["right"], text if decision == EDIT else None,
                   data.get("left_before", data["left"]), data.get("right_before", data["right"]),
                   str(data.get("doc") or ""), str(data.get("at") or ""))


#: decisions found for the changes of one text, by (pass, rule, start, end, proposal)
Verdicts = dict[tuple[str, str, int, int, str | None], Remembered]


def proposal_of(change: Change) -> str | None:
    """What the pass proposed: a change's ``after``, a flag's ``proposal``; for a change a
    remembered decision made, the pass's own proposal (kept in ``proposal``)."""
    if change.proposal is not None:
        return change.proposal
    return None if change.is_flag else change.after


def base_key(change: Change) -> BaseKey:
    return (change.pass_, change.rule, change.before, proposal_of(change))


def context_words(text: str, start: int, end: int, n: int = CONTEXT_WORDS) -> tuple[str, str]:
    """Up to ``n`` words before ``start`` and after ``end`` on the same line, case-folded and
    joined by one space (punctuation and spacing left out, so a spacing fix beside a change
    does not change its context)."""
    low = max(0, start - _WINDOW)
    line_start = max(text.rfind("\n", low, start), text.rfind("\r", low, start)) + 1
    left_words = _WORD_RE.findall(text, max(low, line_start), start)
    if start - low == _WINDOW and line_start == 0 and low > 0 and left_words:
        left_words = left_words[1:]  # (the first may be cut by the window)
    high = min(len(text), end + _WINDOW)
    stops = [i for i in (text.find("\n", end, high), text.find("\r", end, high)) if i != -1]
    right_words = _WORD_RE.findall(text, end, min(stops) if stops else high)
    if not stops and high < len(text) and right_words:
        right_words = right_words[:-1]
    return (fold_case(" ".join(left_words[-n:])) if n else "",
            fold_case(" ".join(right_words[:n])) if n else "")


class TextPositions:
    """Maps offsets of an original text to the text after ``applied`` changes (offsets into
    the original, non-overlapping)."""

    def __init__(self, applied: Iterable[Change], shift: int = 0) -> None:
        self._shift = shift  # document offset of the text's first code point
        self._ends: list[int] = []
        self._deltas: list[int] = []
        self._applied: set[int] = set()
        delta = 0
        for change in sorted(applied, key=lambda c: (c.start, c.end)):
            delta += len(change.after) - (change.end - change.start)
            self._ends.append(change.end)
            self._deltas.append(delta)
            self._applied.add(id(change))

    def after(self, offset: int) -> int:
        """The position in the new text of original ``offset``, after every change that ends
        at or before it."""
        i = bisect.bisect_right(self._ends, offset) - 1
        return offset - self._shift + (self._deltas[i] if i >= 0 else 0)

    def span(self, change: Change) -> tuple[int, int]:
        """Where ``change`` lies in the new text (its ``after`` if it was applied)."""
        if id(change) in self._applied:
            end = self.after(change.end)
            return end - len(change.after), end
        start = self.after(change.start)
        return start, max(start, self.after(change.end))


def remembered_context(result: str, positions: TextPositions, change: Change) -> tuple[str, str]:
    start, end = positions.span(change)
    return context_words(result, start, end)


@dataclass
class DecisionMemory:
    """Remembered decisions, looked up by a change's pass, rule, before, proposal and the
    words around it. Picklable (a plain dict): it travels to worker processes with the
    pipeline. Empty memory is false."""

    entries: dict[Key, Remembered] = field(default_factory=dict)
    source: str | None = None  # the store it was read from (for messages)

    def __post_init__(self) -> None:
        # By pass, rule, before, proposal (one look-up per edit of a run), then by the words
        # around it, before review and as reviewed. Two decisions that differ on the same
        # words contradict each other (the same change, in the same words, accepted once and
        # rejected once): the later one is followed and the earlier one left out whole, or a
        # run could follow one and its second run the other.
        slots: dict[tuple[BaseKey, tuple[str, str]], Remembered] = {}
        beaten: set[int] = set()
        for entry in self.entries.values():
            for words in ((entry.left_before, entry.right_before), (entry.left, entry.right)):
                held = slots.get((entry.key[:4], words))  # type: ignore[index]
                if held is not None and held is not entry and \
                        (held.decision, held.text) != (entry.decision, entry.text):
                    beaten.add(id(held))
                slots[(entry.key[:4], words)] = entry  # type: ignore[index]
        self._index: dict[BaseKey, dict[tuple[str, str], Remembered]] = {}
        for (key, words), entry in slots.items():
            if id(entry) not in beaten:
                self._index.setdefault(key, {})[words] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Remembered]:
        return iter(self.entries.values())

    def __getstate__(self) -> dict[str, Any]:
        return {"entries": self.entries, "source": self.source}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.entries, self.source = state["entries"], state["source"]
        self.__post_init__()

    @classmethod
    def of(cls, entries: Iterable[Remembered], source: str | None = None) -> DecisionMemory:
        """Memory holding ``entries``; a later entry with an earlier one's key replaces it."""
        keyed: dict[Key, Remembered] = {}
        for entry in entries:
            keyed.pop(entry.key, None)
            keyed[entry.key] = entry
        return cls(keyed, source)

    def fingerprint(self) -> str:
        """Changes whenever the decisions do (part of a run's settings: ``--resume`` must not
        reuse a file fixed with other decisions)."""
        lines = sorted(json.dumps([e.decision, *e.key, e.text], ensure_ascii=False)
                       for e in self.entries.values())
        return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def verdicts(self, result: str, changes: Sequence[Change], candidates: Sequence[Change],
                 shift: int = 0) -> Verdicts:
        """The decisions on ``candidates`` (records of a text that starts at document offset
        ``shift``) found by the words around each in ``result``, that text after ``changes``;
        keyed by (pass, rule, start, end, proposal), offsets into that text."""
        found: Verdicts = {}
        positions: TextPositions | None = None
        for change in candidates:
            proposal = proposal_of(change)
            by_words = self._index.get((change.pass_, change.rule, change.before, proposal))
            if not by_words:
                continue
            if positions is None:
                positions = TextPositions([c for c in changes if not c.is_flag], shift)
            entry = by_words.get(remembered_context(result, positions, change))
            if entry is not None:
                found[(change.pass_, change.rule, change.start - shift, change.end - shift,
                       proposal)] = entry
        return found

    def find(self, pass_: str, rule: str, before: str, proposal: str | None, text: str,
             start: int, end: int) -> Remembered | None:
        """The decision on a change of ``text[start:end]`` (by ``pass_``'s ``rule``, to
        ``proposal``), if one was made in the same words (see the module doc)."""
        by_words = self._index.get((pass_, rule, before, proposal))
        if not by_words:
            return None  # (the common case: one dict look-up per edit)
        return by_words.get(context_words(text, start, end))


def memory_note(entry: Remembered, note: str) -> str:
    """The note of a change made by a remembered decision: it says so first."""
    how = "edited" if entry.decision == EDIT else "accepted"
    where = f" in {entry.doc}" if entry.doc else ""
    return f"{MEMORY_NOTE} ({how}{where})" + (f": {note}" if note else "")


def is_from_memory(change: Change) -> bool:
    return change.note.startswith(MEMORY_NOTE + " (")


# -- the store on disk -----------------------------------------------------------------------

def read_memory(path: str | Path, *, missing_ok: bool = True) -> DecisionMemory:
    """The decisions kept at ``path`` (none if it does not exist and ``missing_ok``)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return DecisionMemory(source=name)
        raise DecisionStoreError(f"{name}: no such decisions store") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionStoreError(f"{name}: cannot read the decisions store: {exc}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(Remembered.from_json(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DecisionStoreError(f"{name}:{number}: not valid JSON ({exc.msg}); fix or remove "
                               "the line") from None
        except ValueError as exc:
            raise DecisionStoreError(f"{name}:{number}: {exc}; fix or remove the line") from None
    return DecisionMemory.of(entries, name)


def _write_memory(memory: DecisionMemory, path: Path) -> None:
    with atomic_writer(path) as stream:
        for entry in memory:
            stream.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")


@contextlib.contextmanager
def _store_lock(path: Path, wait_s: float = 10.0) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside the store while it is read, merged and rewritten, so two
    runs recording decisions at once both keep theirs (the second waits a little)."""
    lock = path.with_name(f".{path.name}.lock")
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with exclusive_lock(lock):
                yield
            return
        except LockHeld as exc:
            if time.monotonic() > deadline:
                who = f" (process {exc.holder})" if exc.holder else ""
                raise DecisionStoreError(f"{path}: another mtfix run{who} is recording decisions "
                                   f"({lock}); try again when it is done") from None
            time.sleep(0.05)


def remember(path: str | Path, entries: Iterable[Remembered]) -> DecisionMemory:
    """Add ``entries`` to the store at ``path`` (created with its folder if missing); an entry
    replaces a kept one with the same key. The file is rewritten atomically under a lock:
    never half-written, and concurrent writers do not lose each other's entries."""
    path = Path(path)
    entries = list(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _store_lock(path):
        memory = DecisionMemory.of([*read_memory(path), *entries], str(path))
        if entries:
            _write_memory(memory, path)
    return memory


def forget(path: str | Path, match: Any) -> int:
    """Remove the kept decisions for which ``match(entry)`` is true; returns how many."""
    path = Path(path)
    with _store_lock(path):
        memory = read_memory(path, missing_ok=False)
        kept = [e for e in memory if not match(e)]
        removed = len(memory) - len(kept)
        if removed:
            _write_memory(DecisionMemory.of(kept, str(path)), path)
    return removed


def now() -> str:
    """The time recorded with a decision (UTC, to the second)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
