"""The JSON report: a documented, versioned schema other tools can read.

Schema ``mtfix-report``, version 1::

    {
      "schema": "mtfix-report",
      "version": 1,
      "generator": "mtfix 0.1.0",
      "change_log": "out/changes.jsonl" | null,
      "summary": {
        "documents": 1, "changes": 12, "flags": 3,
        "by_pass": {"<pass>": {"changes": n, "flags": n}},
        "by_rule": {"<rule>": {"pass": "<pass>", "changes": n, "flags": n}}
      },
      "documents": [
        {"doc": "<path as given to mtfix fix>",
         "path": "<where the original was read>" | null,
         "status": "ok" | "missing" | "changed" | "segments",
         "message": "<why there is no context>" | "",
         "changes": ["<change id>", ...]}          # in text order
      ],
      "changes": [
        {<the change-log record: id, doc, segment, start, end, line, before, after, pass, rule,
          note, score, proposal, base>,
         "kind": "change" | "flag",
         "context_before": "<original text just before>",   # "" when the original is unknown
         "context_after": "<original text just after>"}
      ]
    }

Version 1 only ever gains keys; a change of meaning bumps ``version``.
"""

from __future__ import annotations

import json
from typing import Any

from mtfix.report.loader import Report

REPORT_SCHEMA = "mtfix-report"
REPORT_VERSION = 1


def report_to_json(report: Report) -> dict[str, Any]:
    from mtfix._version import __version__

    changes = []
    for document in report.documents:
        for change in document.changes:
            record = change.to_json()
            left, right = document.context(change)
            record.update(kind="flag" if change.is_flag else "change",
                          context_before=left, context_after=right)
            changes.append(record)
    return {
        "schema": REPORT_SCHEMA,
        "version": REPORT_VERSION,
        "generator": f"mtfix {__version__}",
        "change_log": report.source,
        "summary": report.summary().to_json(),
        "documents": [
            {"doc": d.doc, "path": d.path, "status": d.status, "message": d.message,
             "changes": [c.id for c in d.changes]}
            for d in report.documents
        ],
        "changes": changes,
    }


def render_json(report: Report) -> str:
    return json.dumps(report_to_json(report), ensure_ascii=False, indent=1) + "\n"
