"""The daily licence job: expiry the day after the last valid day (never on it), by the system with no
actor, once; reminders 90, 30 and 7 days before, once each, only the most urgent after a gap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pilot_world import World

from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.licences.expiry import expire_due, send_expiry_reminders
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent, LicenceReminder, Notification

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
LAST_DAY = date(2030, 6, 2)  # issued 2025-06-03 for five years


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _reminders() -> list[tuple[str, str, str]]:
    rows = Notification.objects.filter(kind="licence.expiry_reminder").order_by("id")
    return [(n.recipient.username, n.subject, n.body) for n in rows]


def test_the_licence_is_valid_on_its_last_day_and_expires_the_day_after(world: World) -> None:
    licence = world.licence()
    assert licence.valid_until == LAST_DAY

    assert expire_due(LAST_DAY) == 0
    assert Licence.objects.get(pk=licence.pk).status == LicenceState.VALID.value

    assert expire_due(LAST_DAY + timedelta(days=1)) == 1
    expired = Licence.objects.get(pk=licence.pk)
    assert (expired.status, expired.version) == ("expired", 2)
    event = LicenceEvent.objects.filter(licence=licence).order_by("-id").first()
    assert event is not None
    assert (event.action, event.from_state, event.to_state, event.on, event.actor, event.role) == (
        "expire",
        "valid",
        "expired",
        date(2030, 6, 3),
        None,
        "system",
    )
    entry = AuditEntry.objects.filter(action="licence.expire").get()
    assert (entry.actor, entry.actor_label, entry.object_id, entry.after["status"]) == (
        None,
        "system",
        str(licence.pk),
        "expired",
    )


def test_a_suspended_licence_expires_and_a_second_run_expires_nothing(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)
    after = LAST_DAY + timedelta(days=10)

    assert expire_due(after) == 1
    assert expire_due(after) == 0
    assert Licence.objects.get(pk=licence.pk).status == "expired"
    assert LicenceEvent.objects.filter(licence=licence, action="expire").count() == 1


def test_a_revoked_licence_never_expires(world: World) -> None:
    licence = world.licence(LicenceState.REVOKED)

    assert expire_due(LAST_DAY + timedelta(days=1)) == 0
    assert Licence.objects.get(pk=licence.pk).status == "revoked"


def test_reminders_fall_exactly_90_30_and_7_days_before_the_last_day(world: World) -> None:
    world.licence()
    sent_on = {}
    for left in range(100, -2, -1):  # daily, from 100 days before until the day after
        day = LAST_DAY - timedelta(days=left)
        count = send_expiry_reminders(day)
        if count:
            sent_on[left] = count

    assert sent_on == {90: 1, 30: 1, 7: 1}
    assert [subject for _, subject, _ in _reminders()] == [
        f"Licence {NUMBER} expires in 90 days",
        f"Licence {NUMBER} expires in 30 days",
        f"Licence {NUMBER} expires in 7 days",
    ]


def test_a_reminder_names_the_number_the_last_day_and_the_days_left_once_a_day(world: World) -> None:
    world.licence()
    today = LAST_DAY - timedelta(days=30)

    assert send_expiry_reminders(today) == 1
    assert send_expiry_reminders(today) == 0  # a second run the same day
    assert _reminders() == [
        (
            "applicant",
            f"Licence {NUMBER} expires in 30 days",
            f"Licence {NUMBER} of {world.organisation.name} is valid until 2030-06-02. Days left: 30. "
            "A renewal must be filed in time; after the last valid day the licence expires.",
        )
    ]
    assert list(LicenceReminder.objects.values_list("days", "sent_on")) == [(30, today)]


def test_after_a_gap_only_the_most_urgent_is_sent_and_the_larger_never_later(world: World) -> None:
    world.licence()
    first = LAST_DAY - timedelta(days=5)  # the job did not run for months: 90, 30 and 7 all due

    assert send_expiry_reminders(first) == 1
    assert send_expiry_reminders(first + timedelta(days=1)) == 0
    assert [subject for _, subject, _ in _reminders()] == [f"Licence {NUMBER} expires in 5 days"]
    assert list(LicenceReminder.objects.values_list("days", flat=True)) == [7]


def test_no_reminder_for_a_revoked_licence(world: World) -> None:
    world.licence(LicenceState.REVOKED)

    assert send_expiry_reminders(LAST_DAY - timedelta(days=7)) == 0
    assert _reminders() == []


def test_a_renewed_licence_is_reminded_again_before_its_new_last_day(world: World) -> None:
    from vatspilot.domain.applications import Role
    from vatspilot.services.licences.filings import approve_filing, file_renewal

    licence = world.licence()
    assert send_expiry_reminders(LAST_DAY - timedelta(days=90)) == 1  # 2030-03-04, the renewal deadline too
    filing = file_renewal(
        actor=world.applicant,
        licence=licence,
        on=date(2030, 3, 4),
        launched={"B11": date(2025, 7, 1), "B25-05": date(2025, 9, 1)},
    )
    approve_filing(
        actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2030, 3, 10), expected_version=1, reason="ok"
    )
    new_last_day = date(2035, 6, 2)
    assert Licence.objects.get(pk=licence.pk).valid_until == new_last_day

    assert send_expiry_reminders(LAST_DAY - timedelta(days=30)) == 0  # the old schedule is over
    assert send_expiry_reminders(new_last_day - timedelta(days=90)) == 1
    assert send_expiry_reminders(new_last_day - timedelta(days=90)) == 0  # once
    assert list(LicenceReminder.objects.order_by("id").values_list("valid_until", "days", "sent_on")) == [
        (LAST_DAY, 90, date(2030, 3, 4)),
        (new_last_day, 90, date(2035, 3, 4)),
    ]
    assert [subject for _, subject, _ in _reminders()] == [f"Licence {NUMBER} expires in 90 days"] * 2
