"""mtfix: clean up machine-translated English, accountably.

Public API::

    fix_text(text, glossaries=None) -> Result          # Result.text, Result.changes
    fix_file(path, output) -> FileResult
    load_glossaries(paths, defaults=True) -> Glossary   # validated, self-tested, compiled
    Change, Result, Glossary, GlossaryError, apply_changes
"""

from mtfix._version import __version__
from mtfix.api import FileResult, build_pipeline, fix_file, fix_text, load_glossary_set
from mtfix.change import Change, Edit, apply_changes
from mtfix.changelog import read_change_log, write_change_log
from mtfix.glossary import Glossary, GlossaryError, load_glossaries
from mtfix.pipeline import Pipeline, Result

__all__ = [
    "Change",
    "Edit",
    "FileResult",
    "Glossary",
    "GlossaryError",
    "Pipeline",
    "Result",
    "__version__",
    "apply_changes",
    "build_pipeline",
    "fix_file",
    "fix_text",
    "load_glossaries",
    "load_glossary_set",
    "read_change_log",
    "write_change_log",
]
