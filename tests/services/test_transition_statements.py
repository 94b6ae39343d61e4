"""The SQL statements one transition sends, fixed per action: a query added to the path every action
takes (or one that repeats per earlier event) fails here before it shows in bench/review_transitions.py.

Counted on SQLite in the test's transaction (so each action's atomic block is a savepoint: SAVEPOINT and
RELEASE are counted too; the e-mail task queued on commit is not, the test never committing).
When a change adds or removes a statement on purpose, update the number here and say why in the change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import BASIS, World

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.store.models import Application

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 3)

# Every action once, in an order the transition table allows; repeated actions are counted again where
# their path differs (a formal and a ministerial supplement; an answer after reviews were given).
STEPS: list[tuple[str, Role, Action, dict[str, Any]]] = [
    ("submit", Role.APPLICANT, Action.SUBMIT, {}),
    ("request_supplement (formal)", Role.LOCAL_OFFICER, Action.REQUEST_SUPPLEMENT, {"items": ["Articles"]}),
    ("answer_supplement (formal)", Role.APPLICANT, Action.ANSWER_SUPPLEMENT, {}),
    ("accept", Role.LOCAL_OFFICER, Action.ACCEPT, {}),
    ("complete_preliminary_assessment", Role.LOCAL_OFFICER, Action.COMPLETE_PRELIMINARY_ASSESSMENT, {"findings": "ok"}),
    ("record_opinion", Role.MIIT_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
    ("request_supplement (ministerial)", Role.MIIT_REVIEWER, Action.REQUEST_SUPPLEMENT, {"items": ["Node list"]}),
    ("answer_supplement (ministerial)", Role.APPLICANT, Action.ANSWER_SUPPLEMENT, {}),
    ("order_onsite_verification", Role.MIIT_REVIEWER, Action.ORDER_ONSITE_VERIFICATION, {}),
    ("complete_onsite_verification", Role.MIIT_REVIEWER, Action.COMPLETE_ONSITE_VERIFICATION, {"findings": "ok"}),
    ("record_opinion (CAC)", Role.CAC_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
    ("record_opinion (MPS)", Role.MPS_REVIEWER, Action.RECORD_OPINION, {"opinion": "concur"}),
    (
        "record_security_assessment",
        Role.SECURITY_EXPERT,
        Action.RECORD_SECURITY_ASSESSMENT,
        {"result": "positive", "findings": "ok"},
    ),
    ("approve", Role.MIIT_REVIEWER, Action.APPROVE, {"legal_basis": BASIS}),
]

# Measured on 2026-12-06 at 23:16 UTC, after the transition path's statements were merged (helper H6):
# the guards' counts of formal requests, opinions and assessments in one statement (three before); the
# actor's memberships and staff roles in one (two); the jurisdiction read with the locked row (the
# notifications read it apart before); perform returns the written record (it read it again); the
# writers take the dossier hash the guards judged (answer_supplement, record_opinion,
# record_security_assessment, approve and refuse read it again); and answer_supplement, record_opinion
# and record_security_assessment look for reviews to void only when the facts show one given on another
# dossier hash (two queries, normally finding none).
EXPECTED: dict[str, int] = {
    "submit": 15,  # +1: the dishonest list is read for the determination; +1: the tracking number is checked free
    "request_supplement (formal)": 14,
    "answer_supplement (formal)": 14,
    "accept": 11,
    "complete_preliminary_assessment": 13,
    "record_opinion": 12,
    "request_supplement (ministerial)": 14,
    "answer_supplement (ministerial)": 14,
    "order_onsite_verification": 13,
    "complete_onsite_verification": 11,
    "record_opinion (CAC)": 12,
    "record_opinion (MPS)": 12,
    "record_security_assessment": 12,
    # 15 before the licence was issued on approval (issue 9, helper L1, 2026-12-06): +8 for the year's
    # serial (insert-or-ignore, lock, update), the licence, its timeline event and its audit entry (3).
    "approve": 24,  # +1: the dishonest list is read for the determination
    "refuse": 14,
    "withdraw": 14,
}


def statements_of(world: World, application: Application, role: Role, action: Action, **fields: Any) -> int:
    application.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        svc.perform(
            actor=world.users[role],
            application=application,
            action=action,
            on=ON,
            expected_version=application.version,
            **fields,
        )
    return len(queries.captured_queries)


def test_each_action_sends_a_fixed_number_of_statements(world):
    application = world.ready_draft()
    counted = {
        label: statements_of(world, application, role, action, **fields) for label, role, action, fields in STEPS
    }
    refused = world.drive_to(State.SUBMITTED)
    counted["refuse"] = statements_of(world, refused, Role.LOCAL_OFFICER, Action.REFUSE, legal_basis=BASIS, reasons="r")
    counted["withdraw"] = statements_of(world, world.ready_draft(), Role.APPLICANT, Action.WITHDRAW)

    # PostgreSQL appends an audit entry in one statement where SQLite takes three (store.audit); approve
    # appends two (the decision's and the licence's).
    fewer = 2 if connection.vendor == "postgresql" else 0
    entries = {"approve": 2}
    assert counted == {label: count - fewer * entries.get(label, 1) for label, count in EXPECTED.items()}
