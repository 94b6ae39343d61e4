"""Every state is reachable from draft, every non-final state can still end, and a full walk approves."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from vatspilot.domain.applications import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    Agency,
    ApplicationFacts,
    Opinion,
    Role,
    SecurityAssessment,
    State,
    decide,
)


def _reachable(starts: Iterable[State], edges: Iterable[tuple[State, State]]) -> set[State]:
    edge_list = list(edges)
    seen = set(starts)
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        for source, target in edge_list:
            if source is state and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_every_state_is_reachable_from_draft() -> None:
    assert _reachable([State.DRAFT], ((r.source, r.target) for r in TRANSITIONS)) == set(State)


def test_every_non_final_state_can_reach_a_final_state() -> None:
    reverse = [(row.target, row.source) for row in TRANSITIONS]
    can_end = _reachable(FINAL_STATES, reverse)
    assert can_end == set(State)


def test_a_complete_walk_from_draft_ends_approved() -> None:
    facts = ApplicationFacts(required_documents_complete=True, determination_eligible=True)
    state = State.DRAFT
    walk = [
        (Action.SUBMIT, Role.APPLICANT),
        (Action.REQUEST_SUPPLEMENT, Role.LOCAL_OFFICER),
        (Action.ANSWER_SUPPLEMENT, Role.APPLICANT),
        (Action.ACCEPT, Role.LOCAL_OFFICER),
        (Action.COMPLETE_PRELIMINARY_ASSESSMENT, Role.LOCAL_OFFICER),
        (Action.REQUEST_SUPPLEMENT, Role.MIIT_REVIEWER),
        (Action.ANSWER_SUPPLEMENT, Role.APPLICANT),
        (Action.ORDER_ONSITE_VERIFICATION, Role.MIIT_REVIEWER),
        (Action.COMPLETE_ONSITE_VERIFICATION, Role.INSPECTOR),
    ]
    for action, role in walk:
        state = decide(state, action, role, facts).target
    for role, agency in [
        (Role.MIIT_REVIEWER, Agency.MIIT),
        (Role.CAC_REVIEWER, Agency.CAC),
        (Role.MPS_REVIEWER, Agency.MPS),
    ]:
        state = decide(state, Action.RECORD_OPINION, role, facts).target
        facts = facts.with_opinion(agency, Opinion.CONCUR)
    state = decide(state, Action.RECORD_SECURITY_ASSESSMENT, Role.SECURITY_EXPERT, facts).target
    facts = ApplicationFacts(
        required_documents_complete=True,
        determination_eligible=True,
        opinions=facts.opinions,
        security_assessment=SecurityAssessment.POSITIVE,
    )
    assert decide(state, Action.APPROVE, Role.MIIT_REVIEWER, facts).target is State.APPROVED
