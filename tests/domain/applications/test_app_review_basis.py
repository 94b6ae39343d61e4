"""Reviews rest on the dossier they judged: the dossier's content hash, and the guards that count only
the opinions and the assessment given on the dossier as it stands (issue 7, part 1)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vatspilot.domain.applications import (
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
from vatspilot.domain.applications.dossier_version import canonical_json, dossier_content, dossier_hash

PROFILE = {
    "schema": "vatspilot/profile/v1",
    "name": "Harbour Cloud",
    "shareholders": [{"name": "H", "jurisdiction": "HK", "percent": 100.0}],
    "registered_capital_cny": 1e7,
    "dishonest_list": False,
}
DOCUMENTS = {"business-plan": "ab" * 32}
OLD, NEW = "1" * 64, "2" * 64
ALL_CONCUR = {agency: Opinion.CONCUR for agency in Agency}


def test_the_hash_is_the_sha256_of_the_canonical_json() -> None:
    expected_json = (
        '{"documents":{"business-plan":"' + "ab" * 32 + '"},'
        '"dossier":{"dishonest_list":false,"name":"Harbour Cloud","registered_capital_cny":10000000,'
        '"shareholders":[{"jurisdiction":"HK","name":"H","percent":100}]},'
        '"format":"vatspilot/dossier-hash/v1"}'
    )
    assert canonical_json(dossier_content(PROFILE, DOCUMENTS)) == expected_json
    assert dossier_hash(PROFILE, DOCUMENTS) == hashlib.sha256(expected_json.encode()).hexdigest()
    assert dossier_hash(PROFILE, DOCUMENTS) == "28bd1b3469be44319e32f174f299c22d6fe256e18e7f699e5624018268ccc9b2"


def test_key_order_number_spelling_and_the_schema_name_do_not_change_the_hash() -> None:
    reordered = {
        "dishonest_list": False,
        "registered_capital_cny": 10000000,
        "shareholders": [{"percent": 100, "jurisdiction": "HK", "name": "H"}],
        "name": "Harbour Cloud",
        "schema": "vatspilot/profile/v2",
    }
    assert dossier_hash(reordered, DOCUMENTS) == dossier_hash(PROFILE, DOCUMENTS)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", "Harbour Cloud Ltd"),
        ("shareholders", [{"name": "H", "jurisdiction": "US", "percent": 100}]),
        ("registered_capital_cny", 10000000.5),
        ("dishonest_list", True),
        ("services", [{"code": "B25-05", "content": ["news"]}]),
    ],
)
def test_any_change_of_what_is_judged_changes_the_hash(key: str, value: object) -> None:
    assert dossier_hash({**PROFILE, key: value}, DOCUMENTS) != dossier_hash(PROFILE, DOCUMENTS)


def test_a_document_version_with_other_bytes_changes_the_hash_and_the_same_bytes_do_not() -> None:
    assert dossier_hash(PROFILE, {"business-plan": "cd" * 32}) != dossier_hash(PROFILE, DOCUMENTS)
    assert dossier_hash(PROFILE, {**DOCUMENTS, "contingency-plan": "ef" * 32}) != dossier_hash(PROFILE, DOCUMENTS)
    assert dossier_hash(PROFILE, dict(DOCUMENTS)) == dossier_hash(PROFILE, DOCUMENTS)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_nan_and_infinity_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="no NaN or infinity"):
        dossier_hash({**PROFILE, "registered_capital_cny": bad}, DOCUMENTS)


def test_a_non_json_value_is_refused() -> None:
    with pytest.raises(TypeError, match="not set"):
        dossier_hash({**PROFILE, "services": {"B11"}}, DOCUMENTS)


def _refusal(action: Action, role: Role, facts: ApplicationFacts) -> str:
    with pytest.raises(TransitionRefused) as refused:
        decide(State.MINISTERIAL_REVIEW, action, role, facts)
    return refused.value.code


def _approvable(**changes: object) -> ApplicationFacts:
    facts = {
        "required_documents_complete": True,
        "determination_eligible": True,
        "opinions": ALL_CONCUR,
        "security_assessment": SecurityAssessment.POSITIVE,
        "dossier_hash": NEW,
        "opinion_hashes": dict.fromkeys(Agency, NEW),
        "assessment_hash": NEW,
    }
    facts.update(changes)
    return ApplicationFacts(**facts)  # type: ignore[arg-type]


def test_approval_with_every_review_on_the_current_dossier() -> None:
    assert decide(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, _approvable()).target is State.APPROVED


@pytest.mark.parametrize("agency", list(Agency))
def test_an_opinion_on_an_earlier_dossier_blocks_approval(agency: Agency) -> None:
    facts = _approvable(opinion_hashes={**dict.fromkeys(Agency, NEW), agency: OLD})
    assert _refusal(Action.APPROVE, Role.MIIT_REVIEWER, facts) == "guard-failed:reviews_on_current_dossier"
    assert dict(facts.in_force_opinions()) == {a: Opinion.CONCUR for a in Agency if a is not agency}


def test_an_assessment_on_an_earlier_dossier_blocks_approval_and_may_be_given_again() -> None:
    facts = _approvable(assessment_hash=OLD)
    assert _refusal(Action.APPROVE, Role.MIIT_REVIEWER, facts) == "guard-failed:reviews_on_current_dossier"
    assert facts.assessment_in_force() is None
    row = decide(State.MINISTERIAL_REVIEW, Action.RECORD_SECURITY_ASSESSMENT, Role.SECURITY_EXPERT, facts)
    assert row.target is State.MINISTERIAL_REVIEW


def test_voided_opinions_absent_from_the_facts_leave_approval_to_all_agencies_concur() -> None:
    facts = _approvable(opinions={}, opinion_hashes={}, security_assessment=None, assessment_hash="")
    assert _refusal(Action.APPROVE, Role.MIIT_REVIEWER, facts) == "guard-failed:all_agencies_concur"


@pytest.mark.parametrize(
    ("role", "agency"),
    [(Role.MIIT_REVIEWER, Agency.MIIT), (Role.CAC_REVIEWER, Agency.CAC), (Role.MPS_REVIEWER, Agency.MPS)],
)
def test_an_agency_may_give_its_opinion_again_only_once_the_dossier_changed(role: Role, agency: Agency) -> None:
    assert _refusal(Action.RECORD_OPINION, role, _approvable()) == "guard-failed:agency_opinion_not_recorded"
    changed = _approvable(opinion_hashes={**dict.fromkeys(Agency, NEW), agency: OLD})
    assert decide(State.MINISTERIAL_REVIEW, Action.RECORD_OPINION, role, changed).target is State.MINISTERIAL_REVIEW


def test_an_ineligible_determination_on_the_decision_day_blocks_approval() -> None:
    facts = _approvable(determination_eligible=False)
    assert _refusal(Action.APPROVE, Role.MIIT_REVIEWER, facts) == "guard-failed:determination_eligible"


def test_with_opinion_gives_it_on_the_dossier_as_it_stands() -> None:
    facts = ApplicationFacts(dossier_hash=NEW).with_opinion(Agency.CAC, Opinion.CONCUR)
    assert dict(facts.opinion_hashes) == {Agency.CAC: NEW}
    assert dict(facts.in_force_opinions()) == {Agency.CAC: Opinion.CONCUR}


HASHES = st.sampled_from([OLD, NEW])


@given(
    opinions=st.dictionaries(st.sampled_from(list(Agency)), st.tuples(st.sampled_from(list(Opinion)), HASHES)),
    assessment=st.none() | st.tuples(st.sampled_from(list(SecurityAssessment)), HASHES),
    eligible=st.booleans(),
)
def test_approval_only_on_three_concurrences_a_positive_assessment_all_on_the_current_hash_and_eligible(
    opinions: dict[Agency, tuple[Opinion, str]], assessment: tuple[SecurityAssessment, str] | None, eligible: bool
) -> None:
    facts = ApplicationFacts(
        determination_eligible=eligible,
        opinions={agency: opinion for agency, (opinion, _on) in opinions.items()},
        opinion_hashes={agency: on for agency, (_opinion, on) in opinions.items()},
        security_assessment=assessment[0] if assessment else None,
        assessment_hash=assessment[1] if assessment else "",
        dossier_hash=NEW,
    )
    expected = (
        eligible
        and assessment == (SecurityAssessment.POSITIVE, NEW)
        and all(
            opinions.get(agency) in ((Opinion.CONCUR, NEW), (Opinion.CONCUR_WITH_CONDITIONS, NEW)) for agency in Agency
        )
    )
    try:
        decide(State.MINISTERIAL_REVIEW, Action.APPROVE, Role.MIIT_REVIEWER, facts)
    except TransitionRefused:
        approved = False
    else:
        approved = True
    assert approved is expected
