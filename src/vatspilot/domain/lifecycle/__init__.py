"""The lifecycle machine every workflow shares: transition rows over str-Enum states, actions and roles,
named guards judging a facts snapshot, `decide` with its stable refusal codes, the table's self-checks
and the generated diagrams. A workflow (the application review; next licences, reports, findings)
declares only its `Workflow`, its guards and its facts."""

from vatspilot.domain.lifecycle.guards import Guard, all_of
from vatspilot.domain.lifecycle.transitions import (
    ACTION_NOT_ALLOWED_IN_STATE,
    GUARD_FAILED,
    ROLE_NOT_ALLOWED,
    Transition,
    TransitionRefused,
)
from vatspilot.domain.lifecycle.workflow import InvalidWorkflow, Workflow

__all__ = [
    "ACTION_NOT_ALLOWED_IN_STATE",
    "GUARD_FAILED",
    "ROLE_NOT_ALLOWED",
    "Guard",
    "InvalidWorkflow",
    "Transition",
    "TransitionRefused",
    "Workflow",
    "all_of",
]
