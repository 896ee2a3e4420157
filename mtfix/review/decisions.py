"""The ``decisions.json`` schema: reviewer decisions keyed by change id.

``decisions.json``, schema version 1 (other tools and scripts may write it too)::

    {
      "version": 1,                              # required, the schema version
      "decisions": {"<change id>": "accept" | "reject", ...},   # required
      "comments": {"<change id>": "text", ...},  # optional
      "reviewer": "name",                        # optional
      "change_log": "path/to/changes.jsonl"      # optional, informational
    }

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

from mtfix.fileio import atomic_writer

DECISIONS_VERSION = 1
ACCEPT, REJECT = "accept", "reject"
DECISION_VALUES = (ACCEPT, REJECT)


class DecisionsError(ValueError):
    """A decisions file that cannot be used (the message names the file and the entry)."""


@dataclass
class Decisions:
    """Reviewer decisions keyed by change id (see the module doc for the JSON form)."""

    decisions: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    reviewer: str | None = None
    change_log: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, change_id: str) -> str | None:
        return self.decisions.get(change_id)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": DECISIONS_VERSION}
        if self.reviewer:
            data["reviewer"] = self.reviewer
        if self.change_log:
            data["change_log"] = self.change_log
        data.update({k: v for k, v in self.extra.items() if k not in data})
        data["decisions"] = dict(self.decisions)
        if self.comments:
            data["comments"] = dict(self.comments)
        return data

    @classmethod
    def from_json(cls, data: Any, name: str = "<decisions>") -> Decisions:
        if not isinstance(data, dict):
            raise DecisionsError(f"{name}: expected a JSON object with \"version\" and \"decisions\"")
        version = data.get("version")
        if version != DECISIONS_VERSION:
            raise DecisionsError(f"{name}: unsupported decisions version {version!r} "
                                 f"(this mtfix reads version {DECISIONS_VERSION})")
        raw = data.get("decisions")
        if not isinstance(raw, dict):
            raise DecisionsError(f"{name}: \"decisions\" must be an object of change id -> "
                                 "\"accept\" | \"reject\"")
        decisions: dict[str, str] = {}
        for change_id, value in raw.items():
            if value not in DECISION_VALUES:
                raise DecisionsError(f"{name}: decision for change {change_id}: {value!r} is not "
                                     "\"accept\" or \"reject\"")
            decisions[change_id] = value
        comments = data.get("comments") or {}
        if not isinstance(comments, dict) or not all(isinstance(v, str) for v in comments.values()):
            raise DecisionsError(f"{name}: \"comments\" must be an object of change id -> text")
        reviewer = data.get("reviewer")
        if reviewer is not None and not isinstance(reviewer, str):
            raise DecisionsError(f"{name}: \"reviewer\" must be a string")
        extra = {k: v for k, v in data.items()
                 if k not in ("version", "decisions", "comments", "reviewer", "change_log")}
        return cls(decisions, dict(comments), reviewer, data.get("change_log"), extra)


def read_decisions(path: str | Path) -> Decisions:
    """Read and validate a ``decisions.json`` (errors name the file and what is wrong)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DecisionsError(f"{name}: no such decisions file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{name}: cannot read: {exc}") from None
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


DecisionMap = Decisions | Mapping[str, str]


def decision_of(decisions: DecisionMap, change_id: str) -> str | None:
    if isinstance(decisions, Decisions):
        return decisions.get(change_id)
    return decisions.get(change_id)


