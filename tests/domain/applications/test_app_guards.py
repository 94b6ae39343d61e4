"""Guards: each refusal names the first condition that fails; approval needs every concurrence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vatspilot.domain.applications import (
    AGENCY_OF_ROLE,
    Action,
    Agency,
    ApplicationFacts,
    Opinion,
    Role,
    SecurityAssessment,
    State,
    TransitionRefused,
    decide,
)

ALL_CONCUR = {Agency.MIIT: Opinion.CONCUR, Agency.CAC: Opinion.CONCUR, Agency.MPS: Opinion.CONCUR}


def _refusal(state: State, action: Action, role: Role, facts: ApplicationFacts) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        decide(state, action, role, facts)
    return refused.value


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [(State.DRAFT, Action.SUBMIT, Role.APPLICANT), (State.SUBMITTED, Action.ACCEPT, Role.LOCAL_OFFICER)],
)
def test_incomplete_documents_block_submission_and_acceptance(state: State, action: Action, role: Role) -> None:
    refused = _refusal(state, action, role, ApplicationFacts(determination_eligible=True))
    assert refused.code == "guard-failed:documents_complete"
    assert refused.params["guard"] == "documents_complete"


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [(State.DRAFT, Action.SUBMIT, Role.APPLICANT), (State.SUBMITTED, Action.ACCEPT, Role.LOCAL_OFFICER)],
)
def test_an_ineligible_determination_blocks_submission_and_acceptance(state: State, action: Action, role: Role) -> None:
    refused = _refusal(state, action, role, ApplicationFacts(required_documents_complete=True))
    assert refused.code == "guard-failed:determination_eligible"


def test_only_one_correction_notice_at_formal_review() -> None:
    refused = _refusal(
        State.SUBMITTED,
        Action.REQUEST_SUPPLEMENT,
        Role.LOCAL_OFFICER,
        ApplicationFacts(formal_supplement_requests=1),
    )
    assert refused.code == "guard-failed:no_earlier_correction_notice"


def test_the_first_correction_notice_is_allowed() -> None:
    row = decide(State.SUBMITTED, Action.REQUEST_SUPPLEMENT, Role.LOCAL_OFFICER, ApplicationFacts())
    assert row.target is State.FORMAL_SUPPLEMENT


def test_an_agency_records_its_opinion_once() -> None:
    facts = ApplicationFacts(opinions={Agency.CAC: Opinion.OBJECT})
    refused = _refusal(State.MINISTERIAL_REVIEW, Action.RECORD_OPINION, Role.CAC_REVIEWER, facts)
    assert refused.code == "guard-failed:agency_opinion_not_recorded"


def test_another_agency_may_still_record_its_opinion() -> None:
    facts = ApplicationFacts(opinions={Agency.CAC: Opinion.OBJECT})
    row = decide(State.MINISTERIAL_REVIEW, Action.RECORD_OPINION, Role.MPS_REVIEWER, facts)
    assert row.target is State.MINISTERIAL_REVIEW


def test_the_security_assessment_is_recorded_once() -> None:
    facts = ApplicationFacts(security_assessment=SecurityAssessment.NEGATIVE)
    refused = _refusal(State.MINISTERIAL_REVIEW, Action.RECORD_SECURITY_ASSESSMENT, Role.SECURITY_EXPERT, facts)
    assert refused.code == "guard-failed:security_assessment_not_recorded"


def test_agency_of_role_maps_the_three_reviewers() -> None:
    assert dict(AGENCY_OF_ROLE) == {
        Role.MIIT_REVIEWER: Agency.MIIT,
        Role.CAC_REVIEWER: Agency.CAC,
        Role.MPS_REVIEWER: Agency.MPS,
    }


@pytest.mark.parametrize("agency", list(Agency))
def test_approval_refused_while_an_agency_has_no_opinion(agency: Agency) -> None:
    opinions = {a: o for a, o in ALL_CONCUR.items() if a is not agency}
    facts = ApplicationFacts(opinions=opinions, security_assessment=SecurityAssessment.POSITIVE)
    refused = _refusal(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, facts)
    assert refused.code == "guard-failed:all_agencies_concur"


@pytest.mark.parametrize("agency", list(Agency))
def test_approval_refused_when_an_agency_objects(agency: Agency) -> None:
    facts = ApplicationFacts(
        opinions={**ALL_CONCUR, agency: Opinion.OBJECT}, security_assessment=SecurityAssessment.POSITIVE
    )
    refused = _refusal(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, facts)
    assert refused.code == "guard-failed:all_agencies_concur"


@pytest.mark.parametrize("assessment", [None, SecurityAssessment.NEGATIVE])
def test_approval_refused_without_a_positive_security_assessment(
    assessment: SecurityAssessment | None,
) -> None:
    facts = ApplicationFacts(opinions=ALL_CONCUR, security_assessment=assessment)
    refused = _refusal(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, facts)
    assert refused.code == "guard-failed:security_assessment_positive"


def test_concurrence_with_conditions_counts_as_concurrence() -> None:
    facts = ApplicationFacts(
        determination_eligible=True,
        opinions={**ALL_CONCUR, Agency.MPS: Opinion.CONCUR_WITH_CONDITIONS},
        security_assessment=SecurityAssessment.POSITIVE,
    )
    assert decide(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, facts).target is State.APPROVED


@given(
    opinions=st.dictionaries(st.sampled_from(list(Agency)), st.sampled_from(list(Opinion))),
    assessment=st.none() | st.sampled_from(list(SecurityAssessment)),
    eligible=st.booleans(),
)
def test_approval_only_with_every_concurrence_and_a_positive_assessment(
    opinions: dict[Agency, Opinion], assessment: SecurityAssessment | None, eligible: bool
) -> None:
    facts = ApplicationFacts(opinions=opinions, security_assessment=assessment, determination_eligible=eligible)
    expected = (
        eligible
        and assessment is SecurityAssessment.POSITIVE
        and all(opinions.get(agency) in (Opinion.CONCUR, Opinion.CONCUR_WITH_CONDITIONS) for agency in Agency)
    )
    try:
        decide(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, facts)
    except TransitionRefused:
        approved = False
    else:
        approved = True
    assert approved is expected


def test_facts_opinions_are_read_only() -> None:
    facts = ApplicationFacts(opinions={Agency.MIIT: Opinion.CONCUR})
    with pytest.raises(TypeError):
        facts.opinions[Agency.CAC] = Opinion.CONCUR  # type: ignore[index]


def test_with_opinion_returns_new_facts_and_leaves_the_old_unchanged() -> None:
    before = ApplicationFacts()
    after = before.with_opinion(Agency.CAC, Opinion.CONCUR)
    assert dict(after.opinions) == {Agency.CAC: Opinion.CONCUR}
    assert dict(before.opinions) == {}


def test_equal_facts_hash_equal() -> None:
    one = ApplicationFacts(opinions={Agency.MIIT: Opinion.CONCUR, Agency.CAC: Opinion.OBJECT})
    two = ApplicationFacts(opinions={Agency.CAC: Opinion.OBJECT, Agency.MIIT: Opinion.CONCUR})
    assert one == two
    assert hash(one) == hash(two)
