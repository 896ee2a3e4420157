"""Review: the decisions schema (:mod:`.decisions`), applying decisions (:mod:`.apply`) and the
interactive terminal review (:mod:`.interactive`, imported on its own: it sits above the reports).
"""

from mtfix.review.apply import (
    ApplyOutcome,
    ReplayPass,
    StaleDecisionError,
    accepted_changes,
    apply_decisions,
    apply_to_files,
    apply_to_paths,
    apply_to_segments,
    changes_for_file,
    changes_overlap,
    check_base,
    logged_documents,
)
from mtfix.review.decisions import (
    ACCEPT,
    DECISION_VALUES,
    DECISIONS_VERSION,
    EDIT,
    REJECT,
    DecisionMap,
    Decisions,
    DecisionsError,
    edit_text,
    read_decisions,
    write_decisions,
)

__all__ = [
    "ACCEPT",
    "DECISIONS_VERSION",
    "DECISION_VALUES",
    "EDIT",
    "REJECT",
    "ApplyOutcome",
    "DecisionMap",
    "Decisions",
    "DecisionsError",
    "ReplayPass",
    "StaleDecisionError",
    "accepted_changes",
    "apply_decisions",
    "apply_to_files",
    "apply_to_paths",
    "apply_to_segments",
    "changes_for_file",
    "changes_overlap",
    "check_base",
    "edit_text",
    "logged_documents",
    "read_decisions",
    "write_decisions",
]
