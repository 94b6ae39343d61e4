"""A finding (raised by an automatic check of a report or by an inspection) and the escalation ladder the
authority walks when it is not remedied: its transition table on the shared machine.

The holder reports its remediation with evidence; the authority accepts it (resolved) or rejects it
(open again), or dismisses a finding that was wrong. An unremedied finding whose remediation deadline has
passed may be escalated, one rung at a time, each rung a decision with its basis: a rectification order
with its own deadline, then (that deadline passed) a reduction of the licence's scope, then revocation
with the orderly network exit. The rungs that change the licence are MIIT's, since the licence is; the
services apply the licence's own row in the same transaction. The holder may still remedy on any rung
below revocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vatspilot.domain.lifecycle import Guard, Transition, Workflow
from vatspilot.domain.supervision import citations


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FindingState(StrEnum):
    OPEN = "open"
    REMEDIATION_REPORTED = "remediation_reported"
    RECTIFICATION_ORDERED = "rectification_ordered"
    SCOPE_REDUCED = "scope_reduced"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    REVOKED = "revoked"


class FindingAction(StrEnum):
    REPORT_REMEDIATION = "report_remediation"
    ACCEPT_REMEDIATION = "accept_remediation"
    REJECT_REMEDIATION = "reject_remediation"
    DISMISS = "dismiss"
    ORDER_RECTIFICATION = "order_rectification"
    REDUCE_SCOPE = "reduce_scope"
    REVOKE = "revoke"


class FindingRole(StrEnum):
    HOLDER = "holder"
    LOCAL_OFFICER = "local_officer"
    MIIT_REVIEWER = "miit_reviewer"


# The ladder's rungs, lowest first: what an overdue finding may become next.
LADDER: tuple[FindingState, ...] = (
    FindingState.OPEN,
    FindingState.RECTIFICATION_ORDERED,
    FindingState.SCOPE_REDUCED,
    FindingState.REVOKED,
)


@dataclass(frozen=True)
class FindingFacts:
    """What the guards judge, as of `today` (the services build it)."""

    today: date
    remediation_due_on: date  # from the rulebook's days for the finding's severity
    rectification_due_on: date | None = None  # set by the rectification order
    evidence_count: int = 0  # evidence files attached to the remediation being reported


def _remediation_overdue(facts: FindingFacts, _role: FindingRole) -> bool:
    return facts.today > facts.remediation_due_on


def _rectification_overdue(facts: FindingFacts, _role: FindingRole) -> bool:
    return facts.rectification_due_on is not None and facts.today > facts.rectification_due_on


def _has_evidence(facts: FindingFacts, _role: FindingRole) -> bool:
    return facts.evidence_count > 0


REMEDIATION_OVERDUE: Guard[FindingFacts, FindingRole] = Guard(
    "remediation_overdue", "the finding's remediation deadline has passed", _remediation_overdue
)
RECTIFICATION_OVERDUE: Guard[FindingFacts, FindingRole] = Guard(
    "rectification_overdue", "the rectification order's deadline has passed", _rectification_overdue
)
HAS_EVIDENCE: Guard[FindingFacts, FindingRole] = Guard(
    "has_evidence", "at least one piece of evidence is attached", _has_evidence
)

_S = FindingState
_A = FindingAction
_HOLDER = (FindingRole.HOLDER,)
_AUTHORITY = (FindingRole.LOCAL_OFFICER, FindingRole.MIIT_REVIEWER)
_MIIT = (FindingRole.MIIT_REVIEWER,)

FINDING_WORKFLOW: Workflow[FindingState, FindingAction, FindingRole, FindingFacts] = Workflow(
    name="finding",
    states=tuple(FindingState),
    initial=_S.OPEN,
    final_states=frozenset({_S.RESOLVED, _S.DISMISSED, _S.REVOKED}),
    rows=(
        Transition(
            _S.OPEN, _A.REPORT_REMEDIATION, _S.REMEDIATION_REPORTED, _HOLDER, HAS_EVIDENCE, citations.REMEDIATION
        ),
        Transition(
            _S.RECTIFICATION_ORDERED,
            _A.REPORT_REMEDIATION,
            _S.REMEDIATION_REPORTED,
            _HOLDER,
            HAS_EVIDENCE,
            citations.RECTIFICATION,
        ),
        Transition(
            _S.SCOPE_REDUCED,
            _A.REPORT_REMEDIATION,
            _S.REMEDIATION_REPORTED,
            _HOLDER,
            HAS_EVIDENCE,
            citations.REMEDIATION,
        ),
        Transition(
            _S.REMEDIATION_REPORTED, _A.ACCEPT_REMEDIATION, _S.RESOLVED, _AUTHORITY, None, citations.REMEDIATION
        ),
        Transition(_S.REMEDIATION_REPORTED, _A.REJECT_REMEDIATION, _S.OPEN, _AUTHORITY, None, citations.REMEDIATION),
        Transition(_S.OPEN, _A.DISMISS, _S.DISMISSED, _AUTHORITY, None, citations.INSPECTION),
        Transition(
            _S.OPEN,
            _A.ORDER_RECTIFICATION,
            _S.RECTIFICATION_ORDERED,
            _AUTHORITY,
            REMEDIATION_OVERDUE,
            citations.RECTIFICATION,
        ),
        Transition(
            _S.RECTIFICATION_ORDERED,
            _A.REDUCE_SCOPE,
            _S.SCOPE_REDUCED,
            _MIIT,
            RECTIFICATION_OVERDUE,
            citations.SCOPE_REDUCTION,
        ),
        Transition(_S.SCOPE_REDUCED, _A.REVOKE, _S.REVOKED, _MIIT, RECTIFICATION_OVERDUE, citations.REVOCATION),
    ),
)


def rung(state: FindingState) -> int | None:
    """How far up the ladder a finding stands (0: open), or None off the ladder (remedied or closed)."""
    return LADDER.index(state) if state in LADDER else None


INSPECTION_RULE_PREFIX = "inspection:"


def inspection_rule(kind: str) -> str:
    """The rule an inspection of ``kind`` (an inspection kind's value, ``penetration_test``) names its
    findings by: ``inspection:penetration-test``. Inspectors may type others; these are the known ones."""
    return INSPECTION_RULE_PREFIX + kind.replace("_", "-")
