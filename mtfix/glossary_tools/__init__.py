"""The glossary tools behind ``mtfix glossary`` (docs/guide/glossary-tools.md): each command is
a thin layer over one of the functions named here, importable as
``from mtfix.glossary_tools import lint_glossaries``.

The names are loaded on first use (PEP 562), so importing one tool does not import the others
(``learn`` pulls in rapidfuzz and the aligner; ``lint`` should not pay for it).
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> the module that defines it
_WHERE = {
    "lint_glossaries": "lint",
    "run_glossary_examples": "selftest",
    "add_entry": "edit",
    "add_entries": "edit",
    "add_from_file": "merge",
    "import_glossary": "exchange",
    "export_glossary": "exchange",
    "read_entries": "exchange",
    "glossary_stats": "stats",
    "learn_from_segments": "learn",
    "learn_from_reviews": "learn",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
