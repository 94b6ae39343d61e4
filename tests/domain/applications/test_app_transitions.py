"""The transition table: every row allowed for its roles, everything else refused with a stable code."""

from __future__ import annotations

import itertools

import pytest

from vatspilot.domain.applications import (
    FINAL_STATES,
    TRANSITIONS,
    WORKFLOW,
    Action,
    Agency,
    ApplicationFacts,
    Opinion,
    Role,
    SecurityAssessment,
    State,
    Transition,
    TransitionRefused,
    allowed_actions,
    decide,
)
from vatspilot.domain.shared.errors import DomainError

READY = ApplicationFacts(required_documents_complete=True, determination_eligible=True)
APPROVABLE = ApplicationFacts(
    required_documents_complete=True,
    determination_eligible=True,
    opinions={Agency.MIIT: Opinion.CONCUR, Agency.CAC: Opinion.CONCUR, Agency.MPS: Opinion.CONCUR},
    security_assessment=SecurityAssessment.POSITIVE,
)


def _passing_facts(row: Transition) -> ApplicationFacts:
    return APPROVABLE if row.action is Action.APPROVE else READY


ALLOWED = [(row, role) for row in TRANSITIONS for role in row.roles]


@pytest.mark.parametrize(("row", "role"), ALLOWED, ids=[f"{r.source}-{r.action}-{role}" for r, role in ALLOWED])
def test_every_row_is_allowed_for_each_of_its_roles(row: Transition, role: Role) -> None:
    assert decide(row.source, row.action, role, _passing_facts(row)) == row


def _expected_code(state: State, action: Action, role: Role) -> str | None:
    rows = [row for row in TRANSITIONS if row.source is state and row.action is action]
    if not rows:
        return "action-not-allowed-in-state"
    if all(role not in row.roles for row in rows):
        return "role-not-allowed"
    return None


REFUSED = [
    (state, action, role, code)
    for state, action, role in itertools.product(State, Action, Role)
    if (code := _expected_code(state, action, role)) is not None
]


@pytest.mark.parametrize(("state", "action", "role", "code"), REFUSED, ids=[f"{s}-{a}-{r}" for s, a, r, _ in REFUSED])
def test_every_combination_outside_the_table_is_refused(state: State, action: Action, role: Role, code: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        decide(state, action, role, APPROVABLE)
    assert refused.value.code == code
    assert refused.value.params == {"state": state.value, "action": action.value, "role": role.value}


def test_the_product_splits_into_allowed_and_refused() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(State) * len(Action) * len(Role) == 960
    assert len(ALLOWED) == 24


def test_one_row_at_most_leaves_a_state_by_an_action() -> None:
    keys = [(row.source, row.action) for row in TRANSITIONS]
    assert len(keys) == len(set(keys))


def test_no_row_leaves_a_final_state() -> None:
    assert not [row for row in TRANSITIONS if row.source in FINAL_STATES]


def test_final_states_are_approved_refused_withdrawn() -> None:
    assert frozenset({State.APPROVED, State.REFUSED, State.WITHDRAWN}) == FINAL_STATES


def test_every_row_cites_its_basis() -> None:
    assert all(row.citation.strip() for row in TRANSITIONS)


def test_the_applicant_may_withdraw_from_every_non_final_state() -> None:
    for state in State:
        if state in FINAL_STATES:
            continue
        assert decide(state, Action.WITHDRAW, Role.APPLICANT, READY).target is State.WITHDRAWN


def test_a_refusal_is_a_domain_error() -> None:
    with pytest.raises(DomainError):
        decide(State.APPROVED, Action.WITHDRAW, Role.APPLICANT, READY)


def test_applicant_in_draft_may_submit_or_withdraw() -> None:
    assert allowed_actions(State.DRAFT, Role.APPLICANT, READY) == [Action.SUBMIT, Action.WITHDRAW]


def test_applicant_with_an_incomplete_draft_may_only_withdraw() -> None:
    assert allowed_actions(State.DRAFT, Role.APPLICANT, ApplicationFacts()) == [Action.WITHDRAW]


def test_miit_reviewer_without_concurrence_may_not_approve() -> None:
    assert allowed_actions(State.MINISTERIAL_REVIEW, Role.MIIT_REVIEWER, READY) == [
        Action.RECORD_OPINION,
        Action.REQUEST_SUPPLEMENT,
        Action.ORDER_ONSITE_VERIFICATION,
        Action.REFUSE,
    ]


def test_miit_reviewer_after_its_opinion_and_full_concurrence_may_approve() -> None:
    assert allowed_actions(State.MINISTERIAL_REVIEW, Role.MIIT_REVIEWER, APPROVABLE) == [
        Action.REQUEST_SUPPLEMENT,
        Action.ORDER_ONSITE_VERIFICATION,
        Action.APPROVE,
        Action.REFUSE,
    ]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("state", sorted(FINAL_STATES))
def test_nothing_is_allowed_in_a_final_state(state: State, role: Role) -> None:
    assert allowed_actions(state, role, APPROVABLE) == []


@pytest.mark.parametrize("state", list(State))
def test_the_administrator_may_not_act_on_an_application(state: State) -> None:
    assert allowed_actions(state, Role.ADMINISTRATOR, APPROVABLE) == []


def test_the_table_is_a_lifecycle_workflow_starting_in_draft() -> None:
    assert WORKFLOW.rows is TRANSITIONS
    assert (WORKFLOW.name, WORKFLOW.initial, WORKFLOW.final_states) == ("application", State.DRAFT, FINAL_STATES)
    assert WORKFLOW.states == tuple(State)
