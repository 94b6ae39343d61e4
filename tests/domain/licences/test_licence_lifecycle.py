"""The licence and exit tables: every row for its roles, every other (state, action, role) refused with the
stable code, the guards at their edges, and the generated page up to date."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from vatspilot.domain.licences.diagram import render
from vatspilot.domain.licences.exit import (
    EXIT_WORKFLOW,
    ExitAction,
    ExitFacts,
    ExitPlan,
    ExitRole,
    ExitState,
    exit_overdue,
)
from vatspilot.domain.licences.lifecycle import (
    EXIT_REQUIRED_STATES,
    LICENCE_WORKFLOW,
    LicenceAction,
    LicenceFacts,
    LicenceRole,
    LicenceState,
)
from vatspilot.domain.lifecycle import TransitionRefused

LAST_DAY = date(2030, 2, 27)
# Facts under which every guard of the table holds, but expiry's (the licence is still valid).
OPEN = LicenceFacts(
    today=date(2029, 6, 1),
    valid_until=LAST_DAY,
    services_remaining_after_reduction=1,
    change_keeps_eligibility=True,
    renewal_filed_on=date(2029, 11, 29),  # exactly 90 days before the last valid day
    renewal_lead_days=90,
    every_service_launched=True,
    cancellation_requested=True,
)
EXPIRED = replace(OPEN, today=date(2030, 2, 28))


def _facts_for(action: LicenceAction) -> LicenceFacts:
    return EXPIRED if action is LicenceAction.EXPIRE else OPEN


def test_every_row_for_each_of_its_roles_and_no_other() -> None:
    for row in LICENCE_WORKFLOW.rows:
        for role in LicenceRole:
            facts = _facts_for(row.action)
            if role in row.roles:
                assert LICENCE_WORKFLOW.decide(row.source, row.action, role, facts) is row
            else:
                with pytest.raises(TransitionRefused) as refused:
                    LICENCE_WORKFLOW.decide(row.source, row.action, role, facts)
                assert refused.value.code == "role-not-allowed"


def test_every_action_outside_the_table_is_refused_in_every_state() -> None:
    rows = {(row.source, row.action) for row in LICENCE_WORKFLOW.rows}
    refused_pairs = 0
    for state in LicenceState:
        for action in LicenceAction:
            if (state, action) in rows:
                continue
            for role in LicenceRole:
                with pytest.raises(TransitionRefused) as refused:
                    LICENCE_WORKFLOW.decide(state, action, role, _facts_for(action))
                assert refused.value.code == "action-not-allowed-in-state"
            refused_pairs += 1
    assert refused_pairs == len(LicenceState) * len(LicenceAction) - 11


def test_final_states_and_the_exit() -> None:
    assert LICENCE_WORKFLOW.final_states == {LicenceState.REVOKED, LicenceState.CANCELLED, LicenceState.EXPIRED}
    assert {LicenceState.REVOKED, LicenceState.CANCELLED} == EXIT_REQUIRED_STATES


def _refusal(action: LicenceAction, facts: LicenceFacts, state: LicenceState = LicenceState.VALID) -> str:
    role = LicenceRole.SYSTEM if action is LicenceAction.EXPIRE else LicenceRole.MIIT_REVIEWER
    with pytest.raises(TransitionRefused) as refused:
        LICENCE_WORKFLOW.decide(state, action, role, facts)
    return refused.value.code


def test_renewal_edges() -> None:
    miit = LicenceRole.MIIT_REVIEWER
    assert LICENCE_WORKFLOW.decide(LicenceState.VALID, LicenceAction.RENEW, miit, OPEN).target is LicenceState.VALID
    late = replace(OPEN, renewal_filed_on=date(2029, 11, 30))  # 89 days before
    assert _refusal(LicenceAction.RENEW, late) == "guard-failed:renewal_filed_in_time"
    assert _refusal(LicenceAction.RENEW, replace(OPEN, renewal_filed_on=None)) == "guard-failed:renewal_filed_in_time"
    never_launched = replace(OPEN, every_service_launched=False)
    assert _refusal(LicenceAction.RENEW, never_launched) == "guard-failed:every_service_launched"
    assert _refusal(LicenceAction.RENEW, EXPIRED) == "guard-failed:not_expired"


def test_other_guards() -> None:
    assert _refusal(LicenceAction.REDUCE_SCOPE, replace(OPEN, services_remaining_after_reduction=0)) == (
        "guard-failed:keeps_a_service"
    )
    assert _refusal(LicenceAction.APPROVE_CHANGE, replace(OPEN, change_keeps_eligibility=False)) == (
        "guard-failed:change_keeps_eligibility"
    )
    assert _refusal(LicenceAction.APPROVE_CHANGE, replace(OPEN, change_keeps_eligibility=None)) == (
        "guard-failed:change_keeps_eligibility"
    )
    assert _refusal(LicenceAction.CANCEL, replace(OPEN, cancellation_requested=False)) == (
        "guard-failed:cancellation_requested"
    )
    # Expiry: not on the last valid day, from the day after.
    on_last_day = replace(OPEN, today=LAST_DAY)
    assert _refusal(LicenceAction.EXPIRE, on_last_day) == "guard-failed:validity_ended"
    assert _refusal(LicenceAction.SUSPEND, EXPIRED) == "guard-failed:not_expired"
    assert _refusal(LicenceAction.REINSTATE, EXPIRED, LicenceState.SUSPENDED) == "guard-failed:not_expired"


PLAN = ExitPlan(users_notified_on=date(2030, 3, 1), migration_deadline=date(2030, 6, 1), users_to_migrate=1200)


def test_exit_rows_and_guards() -> None:
    holder, miit = ExitRole.HOLDER, ExitRole.MIIT_REVIEWER
    filed = EXIT_WORKFLOW.decide(ExitState.REQUIRED, ExitAction.FILE_PLAN, holder, ExitFacts(PLAN, 0))
    assert filed.target is ExitState.IN_PROGRESS
    backwards = replace(PLAN, users_notified_on=date(2030, 6, 2))
    with pytest.raises(TransitionRefused) as refused:
        EXIT_WORKFLOW.decide(ExitState.REQUIRED, ExitAction.FILE_PLAN, holder, ExitFacts(backwards, 0))
    assert refused.value.code == "guard-failed:plan_sound"
    with pytest.raises(TransitionRefused) as refused:
        EXIT_WORKFLOW.decide(ExitState.IN_PROGRESS, ExitAction.REPORT_DONE, holder, ExitFacts(PLAN, 1199))
    assert refused.value.code == "guard-failed:everyone_moved"
    done = EXIT_WORKFLOW.decide(ExitState.IN_PROGRESS, ExitAction.REPORT_DONE, holder, ExitFacts(PLAN, 1200))
    assert done.target is ExitState.DONE_REPORTED
    with pytest.raises(TransitionRefused) as refused:
        EXIT_WORKFLOW.decide(ExitState.DONE_REPORTED, ExitAction.CONFIRM, holder, ExitFacts(PLAN, 1200))
    assert refused.value.code == "role-not-allowed"
    confirmed = EXIT_WORKFLOW.decide(ExitState.DONE_REPORTED, ExitAction.CONFIRM, miit, ExitFacts(PLAN, 1200))
    assert confirmed.target is ExitState.COMPLETED


def test_exit_overdue() -> None:
    assert not exit_overdue(ExitState.IN_PROGRESS, PLAN, date(2030, 6, 1))
    assert exit_overdue(ExitState.IN_PROGRESS, PLAN, date(2030, 6, 2))
    assert exit_overdue(ExitState.DONE_REPORTED, PLAN, date(2030, 6, 2))
    assert not exit_overdue(ExitState.COMPLETED, PLAN, date(2031, 1, 1))
    assert not exit_overdue(ExitState.REQUIRED, None, date(2031, 1, 1))


def test_docs_licences_md_is_generated_from_the_tables() -> None:
    page = Path(__file__).resolve().parents[3] / "docs" / "licences.md"
    assert page.read_text(encoding="utf-8") == render(), (
        "docs/licences.md is stale: python -m vatspilot.domain.licences.diagram > docs/licences.md"
    )
    generated = subprocess.run(
        [sys.executable, "-m", "vatspilot.domain.licences.diagram"], capture_output=True, text=True, check=True
    )
    assert generated.stdout == render()
