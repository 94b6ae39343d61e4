"""Voluntary cancellation: the holder applies (no status change, an audit entry), MIIT cancels through
the table's guarded row and the holder's members hear of it; every refusal writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import LICENCE_REASON, ON, World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.licences.actions import cancel_licence
from vatspilot.services.licences.cancellation import may_request_cancellation, request_cancellation
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent, Notification

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
ASKED_ON = date(2025, 7, 1)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _snapshot(licence: Licence) -> tuple[object, ...]:
    row = Licence.objects.get(pk=licence.pk)
    return (
        row.status,
        row.version,
        row.cancellation_requested_on,
        LicenceEvent.objects.filter(licence=licence).count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def test_the_holder_applies_and_miit_cancels_and_the_holder_hears(world: World) -> None:
    licence = world.licence()
    assert may_request_cancellation(world.applicant, licence)

    asked = request_cancellation(actor=world.applicant, licence=licence, on=ASKED_ON)

    assert (asked.status, asked.version, asked.cancellation_requested_on) == ("valid", 2, ASKED_ON)
    entry = AuditEntry.objects.filter(action="licence.cancellation_requested").get()
    assert (entry.actor, entry.after) == (world.applicant, {"cancellation_requested_on": "2025-07-01", "version": 2})
    assert not may_request_cancellation(world.applicant, asked)

    cancelled = cancel_licence(
        actor=world.users[Role.MIIT_REVIEWER], licence=asked, on=ASKED_ON, expected_version=2, reason=LICENCE_REASON
    )

    assert (cancelled.status, cancelled.version) == (LicenceState.CANCELLED.value, 3)
    rows = Notification.objects.filter(kind="licence.cancelled")
    assert [(n.recipient.username, n.subject, n.body) for n in rows] == [
        (
            "applicant",
            f"Licence {NUMBER} cancelled",
            f"MIIT cancelled licence {NUMBER} of {world.organisation.name} on 2025-07-01, as the holder applied."
            f"\n\nReason: {LICENCE_REASON}",
        )
    ]


def test_miit_cannot_cancel_without_the_holders_application(world: World) -> None:
    licence = world.licence()
    before = _snapshot(licence)

    with pytest.raises(ActionRefused) as refused:
        cancel_licence(
            actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=ON, expected_version=1, reason=LICENCE_REASON
        )

    assert (refused.value.code, refused.value.message) == (
        "guard-failed:cancellation_requested",
        "The holder has not applied for the licence's cancellation.",
    )
    assert _snapshot(licence) == before


def test_a_suspended_licence_may_be_asked_for_and_cancelled(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)

    asked = request_cancellation(actor=world.applicant, licence=licence, on=ASKED_ON)
    cancelled = cancel_licence(
        actor=world.users[Role.MIIT_REVIEWER], licence=asked, on=ASKED_ON, expected_version=None, reason="r"
    )

    assert cancelled.status == "cancelled"


@pytest.mark.parametrize(
    ("who", "state", "code"),
    [
        ("other_applicant", LicenceState.VALID, "role-not-allowed"),
        ("miit", LicenceState.VALID, "role-not-allowed"),
        ("applicant", LicenceState.REVOKED, "action-not-allowed-in-state"),
    ],
)
def test_refusals_write_nothing(world: World, who: str, state: LicenceState, code: str) -> None:
    licence = world.licence(state)
    actor = {"applicant": world.applicant, "other_applicant": world.other_applicant}.get(who) or world.users[
        Role.MIIT_REVIEWER
    ]
    before = _snapshot(licence)

    with pytest.raises(ActionRefused) as refused:
        request_cancellation(actor=actor, licence=licence, on=ASKED_ON)

    assert refused.value.code == code
    assert _snapshot(licence) == before


def test_a_second_application_is_refused_and_writes_nothing(world: World) -> None:
    licence = request_cancellation(actor=world.applicant, licence=world.licence(), on=ASKED_ON)
    before = _snapshot(licence)

    with pytest.raises(ActionRefused) as refused:
        request_cancellation(actor=world.applicant, licence=licence, on=date(2025, 7, 2))

    assert (refused.value.code, refused.value.message) == (
        "already-requested",
        "The holder applied for this licence's cancellation on 2025-07-01.",
    )
    assert _snapshot(licence) == before
