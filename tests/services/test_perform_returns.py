"""perform returns the record its writer locked and wrote instead of reading it again: that record must
hold exactly what a fresh read finds, after every action (the status, version, determination and every
other column, and the organisation loaded with it)."""

from __future__ import annotations

from typing import Any

import pytest
from pilot_world import BASIS

from tests.services.test_transition_statements import ON, STEPS
from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.store.models import Application, Organisation

pytestmark = pytest.mark.django_db


def columns(record: Application | Organisation) -> dict[str, Any]:
    return {field.attname: getattr(record, field.attname) for field in type(record)._meta.concrete_fields}


def assert_as_stored(returned: Application) -> None:
    stored = Application.objects.select_related("organisation").get(pk=returned.pk)
    assert columns(returned) == columns(stored)
    assert columns(returned.organisation) == columns(stored.organisation)
    assert returned._stored_status == stored._stored_status == stored.status


def test_perform_returns_the_application_as_stored_after_every_action(world):
    application = world.ready_draft()
    for _label, role, action, fields in STEPS:
        application = svc.perform(
            actor=world.users[role],
            application=application,
            action=action,
            on=ON,
            expected_version=application.version,
            **fields,
        )
        assert_as_stored(application)
    assert application.status == State.APPROVED.value


@pytest.mark.parametrize(
    ("role", "action", "fields", "state"),
    [
        (Role.LOCAL_OFFICER, Action.REFUSE, {"legal_basis": BASIS, "reasons": "r"}, State.REFUSED),
        (Role.APPLICANT, Action.WITHDRAW, {}, State.WITHDRAWN),
    ],
)
def test_perform_returns_the_application_as_stored_after_a_refusal_or_withdrawal(world, role, action, fields, state):
    application = world.drive_to(State.SUBMITTED)
    returned = svc.perform(
        actor=world.users[role],
        application=application,
        action=action,
        on=ON,
        expected_version=application.version,
        **fields,
    )
    assert_as_stored(returned)
    assert returned.status == state.value
    assert returned.version == application.version + 1
