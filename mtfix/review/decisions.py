"""The ``decisions.json`` schema: reviewer decisions keyed by change id.

``decisions.json``, schema version 2 (other tools and scripts may write it too)::

    {
      "version": 2,                              # required, the schema version
      "decisions": {                             # required
        "<change id>": "accept" | "reject",
        "<change id>": {"decision": "edit", "text": "the reviewer's replacement"},
        ...
      },
      "comments": {"<change id>": "text", ...},  # optional
      "reviewer": "name",                        # optional
      "change_log": "path/to/changes.jsonl"      # optional, informational
    }

An ``edit`` replaces the change's ``before`` with the reviewer's ``text`` instead of the
proposed ``after`` (or a flag's ``proposal``), under the same stale checks as an accepted
change. ``{"decision": "accept"}`` and ``{"decision": "reject"}`` are read as the plain strings.
Version 1 files (plain ``"accept"``/``"reject"`` values only) are still read; files are written
as version 2.

Other top-level keys (``generator``, ``exported``...) are kept but ignored. A change without a
decision is *pending*; :func:`mtfix.review.apply.apply_decisions` treats pending changes as
rejected unless told otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.fileio import atomic_writer, read_settings_text

DECISIONS_VERSION = 2
READABLE_VERSIONS = (1, 2)
ACCEPT, REJECT, EDIT = "accept", "reject", "edit"
DECISION_VALUES = (ACCEPT, REJECT)  # what a pending change may default to
_VALUE_HELP = ('"accept", "reject" or {"decision": "edit", "text": "..."} (an edit needs '
               "decisions version 2)")


class DecisionsError(ValueError):
    """A decisions file that cannot be used (the message names the file and the entry)."""


@dataclass
class Decisions:
    """Reviewer decisions keyed by change id (see the module doc for the JSON form).

    ``decisions`` maps an id to ``"accept"``, ``"reject"`` or ``"edit"``; the text of each
    edit is in ``edits`` (so code that only knows accept/reject still reads ``decisions``).
    """

    decisions: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    reviewer: str | None = None
    change_log: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)

    def get(self, change_id: str) -> str | None:
        return self.decisions.get(change_id)

    def set(self, change_id: str, decision: str | None, text: str | None = None) -> None:
        """Record a decision (``None``: back to pending); ``text`` is required for an edit."""
        self.edits.pop(change_id, None)
        if decision is None:
            self.decisions.pop(change_id, None)
            return
        if decision == EDIT:
            if text is None:
                raise ValueError(f"an edit of change {change_id} needs its text")
            self.edits[change_id] = text
        elif decision not in DECISION_VALUES:
            raise ValueError(f"decision for change {change_id} must be accept, reject or edit, "
                             f"not {decision!r}")
        self.decisions[change_id] = decision

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": DECISIONS_VERSION}
        if self.reviewer:
            data["reviewer"] = self.reviewer
        if self.change_log:
            data["change_log"] = self.change_log
        data.update({k: v for k, v in self.extra.items() if k not in data})
        data["decisions"] = {change_id: ({"decision": EDIT, "text": self.edits[change_id]}
                                         if value == EDIT else value)
                             for change_id, value in self.decisions.items()}
        if self.comments:
            data["comments"] = dict(self.comments)
        return data

    @classmethod
    def from_json(cls, data: Any, name: str = "<decisions>") -> Decisions:
        if not isinstance(data, dict):
            raise DecisionsError(f"{name}: expected a JSON object with \"version\" and \"decisions\"")
        version = data.get("version")
        if "version" not in data:
            raise DecisionsError(
                f"{name}: no \"version\": expected {{\"version\": {DECISIONS_VERSION}, "
                "\"decisions\": {\"<change id>\": \"accept\" | \"reject\" | ...}}; add "
                f"\"version\": {DECISIONS_VERSION} (or 1 for a file of plain accept/reject "
                "values), or export the decisions again")
        if version not in READABLE_VERSIONS:
            raise DecisionsError(f"{name}: unsupported decisions version {version!r} (this mtfix "
                                 f"reads versions {', '.join(map(str, READABLE_VERSIONS))}); "
                                 "upgrade mtfix or export the decisions again")
        raw = data.get("decisions")
        if not isinstance(raw, dict):
            raise DecisionsError(f"{name}: \"decisions\" must be an object of change id -> "
                                 + _VALUE_HELP)
        decisions: dict[str, str] = {}
        edits: dict[str, str] = {}
        for change_id, value in raw.items():
            decision, text = _read_value(value, version, f"{name}: decision for change {change_id}")
            decisions[change_id] = decision
            if text is not None:
                edits[change_id] = text
        comments = data.get("comments") or {}
        if not isinstance(comments, dict) or not all(isinstance(v, str) for v in comments.values()):
            raise DecisionsError(f"{name}: \"comments\" must be an object of change id -> text")
        reviewer = data.get("reviewer")
        if reviewer is not None and not isinstance(reviewer, str):
            raise DecisionsError(f"{name}: \"reviewer\" must be a string")
        extra = {k: v for k, v in data.items()
                 if k not in ("version", "decisions", "comments", "reviewer", "change_log")}
        return cls(decisions, dict(comments), reviewer, data.get("change_log"), extra, edits)


def _read_value(value: Any, version: int, where: str) -> tuple[str, str | None]:
    """One value of ``"decisions"`` as (decision, edit text or None); the message of a bad
    value says what is allowed."""
    if value in DECISION_VALUES:
        return value, None
    if version >= 2 and isinstance(value, dict):
        decision = value.get("decision")
        if decision in DECISION_VALUES and set(value) <= {"decision", "text"}:
            return decision, None
        if decision == EDIT:
            text = value.get("text")
            if not isinstance(text, str):
                raise DecisionsError(f"{where}: an edit needs \"text\", the replacement string")
            if set(value) != {"decision", "text"}:
                raise DecisionsError(f"{where}: unknown key(s) "
                                     f"{', '.join(sorted(set(value) - {'decision', 'text'}))}")
            return EDIT, text
    raise DecisionsError(f"{where}: {value!r} is not {_VALUE_HELP}")


def read_decisions(path: str | Path) -> Decisions:
    """Read and validate a ``decisions.json`` (errors name the file and what is wrong)."""
    name = str(path)
    text = read_settings_text(path, DecisionsError, "decisions file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecisionsError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    return Decisions.from_json(data, name)


def write_decisions(decisions: Decisions, path: str | Path) -> None:
    """Write ``decisions.json`` atomically."""
    with atomic_writer(path) as stream:
        json.dump(decisions.to_json(), stream, ensure_ascii=False, indent=2)
        stream.write("\n")


#: decisions as a :class:`Decisions` or a plain mapping of change id to "accept", "reject" or
#: ``{"decision": "edit", "text": "..."}`` (the JSON form)
DecisionMap = Decisions | Mapping[str, Any]


def decision_of(decisions: DecisionMap, change_id: str) -> str | None:
    """``"accept"``, ``"reject"``, ``"edit"`` or ``None`` (pending)."""
    value = decisions.get(change_id)
    if isinstance(value, Mapping):
        return value.get("decision")
    return value


def edit_text(decisions: DecisionMap, change_id: str) -> str | None:
    """The reviewer's replacement text of an edited change (``None`` if it is not an edit)."""
    if isinstance(decisions, Decisions):
        return decisions.edits.get(change_id) if decisions.get(change_id) == EDIT else None
    value = decisions.get(change_id)
    if isinstance(value, Mapping) and value.get("decision") == EDIT:
        return value.get("text")
    return None
