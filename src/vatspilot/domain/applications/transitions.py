"""The transition table: the one place an application's status may change.

`decide` looks up the row for (state, action); a status change that is not a row is refused. The
checks run in a fixed order, so the refusal code is stable:

1. no row leaves `state` by `action` -> "action-not-allowed-in-state";
2. the actor's role is not among the row's roles -> "role-not-allowed";
3. a condition of the row's guard fails -> "guard-failed:<name of the failing condition>".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vatspilot.domain.applications import citations
from vatspilot.domain.applications.actions import Action
from vatspilot.domain.applications.facts import ApplicationFacts
from vatspilot.domain.applications.guards import (
    AGENCY_OPINION_NOT_RECORDED,
    APPROVAL_CONDITIONS,
    DOSSIER_READY,
    NO_EARLIER_CORRECTION_NOTICE,
    SECURITY_ASSESSMENT_NOT_RECORDED,
    Guard,
)
from vatspilot.domain.applications.roles import Role
from vatspilot.domain.applications.states import FINAL_STATES, State
from vatspilot.domain.shared.errors import DomainError


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    roles: tuple[Role, ...]
    guard: Guard | None
    citation: str


class TransitionRefused(DomainError):
    """The action may not be applied; `code` is stable, `params` name the state, action, role (and guard)."""

    def __init__(self, code: str, params: Mapping[str, str]) -> None:
        super().__init__(code, **params)


_APPLICANT = (Role.APPLICANT,)
_LOCAL = (Role.LOCAL_OFFICER,)
_MIIT = (Role.MIIT_REVIEWER,)
_AGENCIES = (Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER)

# Withdrawal is open from every non-final state: the decision has not been taken there.
_WITHDRAWABLE = (
    State.DRAFT,
    State.SUBMITTED,
    State.FORMAL_SUPPLEMENT,
    State.PRELIMINARY_ASSESSMENT,
    State.MINISTERIAL_REVIEW,
    State.MINISTERIAL_SUPPLEMENT,
    State.ONSITE_VERIFICATION,
)

TRANSITIONS: tuple[Transition, ...] = (
    # Local tier: formal review and preliminary security assessment.
    Transition(State.DRAFT, Action.SUBMIT, State.SUBMITTED, _APPLICANT, DOSSIER_READY, citations.ORDER_42_MATERIALS),
    Transition(
        State.SUBMITTED,
        Action.REQUEST_SUPPLEMENT,
        State.FORMAL_SUPPLEMENT,
        _LOCAL,
        NO_EARLIER_CORRECTION_NOTICE,
        citations.CORRECTION_NOTICE,
    ),
    Transition(
        State.FORMAL_SUPPLEMENT,
        Action.ANSWER_SUPPLEMENT,
        State.SUBMITTED,
        _APPLICANT,
        None,
        citations.CORRECTION_NOTICE,
    ),
    Transition(
        State.SUBMITTED,
        Action.ACCEPT,
        State.PRELIMINARY_ASSESSMENT,
        _LOCAL,
        DOSSIER_READY,
        citations.FORMAL_REVIEW,
    ),
    Transition(State.SUBMITTED, Action.REFUSE, State.REFUSED, _LOCAL, None, citations.FORMAL_REVIEW),
    Transition(
        State.PRELIMINARY_ASSESSMENT,
        Action.COMPLETE_PRELIMINARY_ASSESSMENT,
        State.MINISTERIAL_REVIEW,
        _LOCAL,
        None,
        citations.PRELIMINARY_ASSESSMENT,
    ),
    # Ministerial tier: MIIT with the CAC and the MPS, in parallel.
    Transition(
        State.MINISTERIAL_REVIEW,
        Action.RECORD_OPINION,
        State.MINISTERIAL_REVIEW,
        _AGENCIES,
        AGENCY_OPINION_NOT_RECORDED,
        citations.MINISTERIAL_REVIEW,
    ),
    Transition(
        State.MINISTERIAL_REVIEW,
        Action.RECORD_SECURITY_ASSESSMENT,
        State.MINISTERIAL_REVIEW,
        (Role.SECURITY_EXPERT,),
        SECURITY_ASSESSMENT_NOT_RECORDED,
        citations.SECURITY_ASSESSMENT,
    ),
    Transition(
        State.MINISTERIAL_REVIEW,
        Action.REQUEST_SUPPLEMENT,
        State.MINISTERIAL_SUPPLEMENT,
        _MIIT,
        None,
        citations.MINISTERIAL_SUPPLEMENT,
    ),
    Transition(
        State.MINISTERIAL_SUPPLEMENT,
        Action.ANSWER_SUPPLEMENT,
        State.MINISTERIAL_REVIEW,
        _APPLICANT,
        None,
        citations.MINISTERIAL_SUPPLEMENT,
    ),
    Transition(
        State.MINISTERIAL_REVIEW,
        Action.ORDER_ONSITE_VERIFICATION,
        State.ONSITE_VERIFICATION,
        _MIIT,
        None,
        citations.ONSITE_VERIFICATION,
    ),
    Transition(
        State.ONSITE_VERIFICATION,
        Action.COMPLETE_ONSITE_VERIFICATION,
        State.MINISTERIAL_REVIEW,
        (Role.INSPECTOR, Role.MIIT_REVIEWER),
        None,
        citations.ONSITE_VERIFICATION,
    ),
    # The decision.
    Transition(
        State.MINISTERIAL_REVIEW,
        Action.APPROVE,
        State.APPROVED,
        _MIIT,
        APPROVAL_CONDITIONS,
        citations.APPROVAL,
    ),
    Transition(State.MINISTERIAL_REVIEW, Action.REFUSE, State.REFUSED, _MIIT, None, citations.DECISION),
    *(
        Transition(source, Action.WITHDRAW, State.WITHDRAWN, _APPLICANT, None, citations.WITHDRAWAL)
        for source in _WITHDRAWABLE
    ),
)


def _index(rows: Iterable[Transition]) -> Mapping[tuple[State, Action], Transition]:
    index: dict[tuple[State, Action], Transition] = {}
    for row in rows:
        key = (row.source, row.action)
        if key in index:
            raise ValueError(f"two rows leave {row.source} by {row.action}")
        if row.source in FINAL_STATES:
            raise ValueError(f"a row leaves the final state {row.source}")
        index[key] = row
    return MappingProxyType(index)


_ROW_BY_SOURCE_AND_ACTION = _index(TRANSITIONS)


def decide(state: State, action: Action, role: Role, facts: ApplicationFacts) -> Transition:
    """The row to apply when `role` does `action` in `state`, or `TransitionRefused`."""
    params = {"state": state.value, "action": action.value, "role": role.value}
    row = _ROW_BY_SOURCE_AND_ACTION.get((state, action))
    if row is None:
        raise TransitionRefused("action-not-allowed-in-state", params)
    if role not in row.roles:
        raise TransitionRefused("role-not-allowed", params)
    if row.guard is not None:
        failed = row.guard.first_failure(facts, role)
        if failed is not None:
            raise TransitionRefused(f"guard-failed:{failed.name}", {**params, "guard": failed.name})
    return row


def allowed_actions(state: State, role: Role, facts: ApplicationFacts) -> list[Action]:
    """The actions `role` may take now, in table order."""
    return [
        row.action
        for row in TRANSITIONS
        if row.source is state and role in row.roles and (row.guard is None or row.guard.holds(facts, role))
    ]
