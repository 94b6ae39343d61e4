"""The application's transition table: the one place an application's status may change.

The machine (decide, its refusal order and codes, the table's self-checks) is vatspilot.domain.lifecycle;
this module only declares the rows. `decide` and `allowed_actions` are the workflow's, typed for the
application.
"""

from __future__ import annotations

from typing import TypeAlias

from vatspilot.domain.applications import citations
from vatspilot.domain.applications.actions import Action
from vatspilot.domain.applications.facts import ApplicationFacts
from vatspilot.domain.applications.guards import (
    AGENCY_OPINION_NOT_RECORDED,
    APPROVAL_CONDITIONS,
    DOSSIER_READY,
    NO_EARLIER_CORRECTION_NOTICE,
    SECURITY_ASSESSMENT_NOT_RECORDED,
)
from vatspilot.domain.applications.roles import Role
from vatspilot.domain.applications.states import FINAL_STATES, State
from vatspilot.domain.lifecycle import Transition as LifecycleTransition
from vatspilot.domain.lifecycle import TransitionRefused, Workflow

__all__ = ["TRANSITIONS", "WORKFLOW", "Transition", "TransitionRefused", "allowed_actions", "decide"]

Transition: TypeAlias = LifecycleTransition[State, Action, Role, ApplicationFacts]

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


WORKFLOW: Workflow[State, Action, Role, ApplicationFacts] = Workflow(
    name="application",
    states=tuple(State),
    initial=State.DRAFT,
    final_states=FINAL_STATES,
    rows=TRANSITIONS,
)


def decide(state: State, action: Action, role: Role, facts: ApplicationFacts) -> Transition:
    """The row to apply when `role` does `action` in `state`, or `TransitionRefused`."""
    return WORKFLOW.decide(state, action, role, facts)


def allowed_actions(state: State, role: Role, facts: ApplicationFacts) -> list[Action]:
    """The actions `role` may take now, in table order."""
    return WORKFLOW.allowed_actions(state, role, facts)
