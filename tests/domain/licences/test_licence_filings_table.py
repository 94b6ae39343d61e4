"""The filings' table (domain.licences.filings): each row for its one role, every other (state, action,
role) refused with the stable code, the final states, and what is re-checked; the licence's rows that
approve a filing (approve_change, renew) at their guards' edges."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.licences.deadlines import change_filed_late, change_filing_deadline, renewal_deadline
from vatspilot.domain.licences.filings import (
    FILING_WORKFLOW,
    RECHECKED_CHANGES,
    ChangeKind,
    FilingAction,
    FilingFacts,
    FilingRole,
    FilingState,
)
from vatspilot.domain.licences.lifecycle import LICENCE_WORKFLOW, LicenceAction, LicenceFacts, LicenceRole, LicenceState
from vatspilot.domain.lifecycle import TransitionRefused

FACTS = FilingFacts()


def test_the_rows() -> None:
    assert [(r.source, r.action, r.target, r.roles) for r in FILING_WORKFLOW.rows] == [
        (FilingState.FILED, FilingAction.APPROVE, FilingState.APPROVED, (FilingRole.MIIT_REVIEWER,)),
        (FilingState.FILED, FilingAction.REFUSE, FilingState.REFUSED, (FilingRole.MIIT_REVIEWER,)),
        (FilingState.FILED, FilingAction.WITHDRAW, FilingState.WITHDRAWN, (FilingRole.HOLDER,)),
    ]
    assert FILING_WORKFLOW.initial is FilingState.FILED
    assert FILING_WORKFLOW.final_states == {FilingState.APPROVED, FilingState.REFUSED, FilingState.WITHDRAWN}


def test_each_row_for_its_role_only() -> None:
    for row in FILING_WORKFLOW.rows:
        for role in FilingRole:
            if role in row.roles:
                assert FILING_WORKFLOW.decide(row.source, row.action, role, FACTS) is row
            else:
                with pytest.raises(TransitionRefused) as refused:
                    FILING_WORKFLOW.decide(row.source, row.action, role, FACTS)
                assert refused.value.code == "role-not-allowed"


def test_nothing_moves_a_decided_filing() -> None:
    refused_count = 0
    for state in (FilingState.APPROVED, FilingState.REFUSED, FilingState.WITHDRAWN):
        for action in FilingAction:
            for role in FilingRole:
                with pytest.raises(TransitionRefused) as refused:
                    FILING_WORKFLOW.decide(state, action, role, FACTS)
                assert refused.value.code == "action-not-allowed-in-state"
                refused_count += 1
    assert refused_count == 3 * 3 * 2


def test_what_is_rechecked() -> None:
    assert {ChangeKind.SHAREHOLDERS, ChangeKind.SCOPE, ChangeKind.CAPITAL} == RECHECKED_CHANGES


def test_the_change_deadline_at_30_and_31_days() -> None:
    assert change_filing_deadline(date(2025, 7, 1), 30) == date(2025, 7, 31)
    assert change_filed_late(date(2025, 7, 1), date(2025, 7, 31), 30) is False
    assert change_filed_late(date(2025, 7, 1), date(2025, 8, 1), 30) is True


def _facts(**values: object) -> LicenceFacts:
    base: dict[str, object] = {"today": date(2031, 9, 15), "valid_until": date(2031, 11, 30)}
    return LicenceFacts(**{**base, **values})  # type: ignore[arg-type]


def test_approve_change_needs_the_recheck_to_keep_every_service() -> None:
    decide = LICENCE_WORKFLOW.decide
    row = decide(
        LicenceState.VALID,
        LicenceAction.APPROVE_CHANGE,
        LicenceRole.MIIT_REVIEWER,
        _facts(change_keeps_eligibility=True),
    )
    assert (row.target, row.guard.name if row.guard else None) == (LicenceState.VALID, "change_keeps_eligibility")
    for keeps in (False, None):
        with pytest.raises(TransitionRefused) as refused:
            decide(
                LicenceState.VALID,
                LicenceAction.APPROVE_CHANGE,
                LicenceRole.MIIT_REVIEWER,
                _facts(change_keeps_eligibility=keeps),
            )
        assert refused.value.code == "guard-failed:change_keeps_eligibility"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"renewal_filed_on": date(2031, 9, 1), "every_service_launched": True}, None),  # the deadline day
        ({"renewal_filed_on": date(2031, 9, 2), "every_service_launched": True}, "renewal_filed_in_time"),
        ({"renewal_filed_on": None, "every_service_launched": True}, "renewal_filed_in_time"),
        ({"renewal_filed_on": date(2031, 9, 1), "every_service_launched": False}, "every_service_launched"),
        (
            {"renewal_filed_on": date(2031, 9, 1), "every_service_launched": True, "today": date(2031, 12, 1)},
            "not_expired",
        ),
    ],
)
def test_renew_at_its_edges(values: dict[str, object], code: str | None) -> None:
    assert renewal_deadline(date(2031, 11, 30), 90) == date(2031, 9, 1)
    facts = _facts(renewal_lead_days=90, **values)
    if code is None:
        row = LICENCE_WORKFLOW.decide(LicenceState.VALID, LicenceAction.RENEW, LicenceRole.MIIT_REVIEWER, facts)
        assert row.target is LicenceState.VALID
        return
    with pytest.raises(TransitionRefused) as refused:
        LICENCE_WORKFLOW.decide(LicenceState.VALID, LicenceAction.RENEW, LicenceRole.MIIT_REVIEWER, facts)
    assert refused.value.code == f"guard-failed:{code}"
