"""The daily jobs may be scheduled on several machines against one PostgreSQL: two runs of the same job on
the same day at the same moment (two connections, released together) send what one run sends, and a
third run that day sends nothing. Clock alerts take turns on the application's row; licence reminders
and supervision notices have a unique row per (licence, day count) and (licence, obligation, kind, days)
that the second writer cannot insert; expiry takes the licence's row and finds it expired already."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pytest
from django.db import connections
from pilot_world import World, load_jurisdictions

from tests.entrypoints.postgres_support import postgres_server_url
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.applications.clock_alerts import send_clock_alerts
from vatspilot.services.licences.expiry import expire_due, send_expiry_reminders
from vatspilot.services.supervision.obligation_sweep import sweep_obligations
from vatspilot.store.models import Jurisdiction, Licence, LicenceEvent, LicenceReminder, Notification, ObligationNotice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")


@pytest.fixture(autouse=True)
def postgres_only() -> None:
    """Two real concurrent connections need PostgreSQL: skipped on SQLite (make test runs this file on
    PostgreSQL too), failed under CI=true when PostgreSQL does not answer."""
    postgres_server_url()


@pytest.fixture(autouse=True)
def jurisdictions(postgres_only: None, transactional_db: None) -> None:
    """The province-level jurisdictions, which an earlier transactional test's flush emptied (autouse:
    before the fixtures that place applications and officers in them)."""
    if not Jurisdiction.objects.exists():
        load_jurisdictions()


def at_once(job: Callable[[], T]) -> list[T]:
    """``job`` run by two threads (two connections) released together; each one's result."""
    barrier = threading.Barrier(2)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


OVERDUE_DAY = date(2025, 6, 3)  # tests/jobs/test_jobs_clock_alerts.py: accepted 2025-03-03, due 2025-05-29


def test_two_clock_alert_runs_at_once_alert_once(make_application, pinned_now) -> None:
    make_application("preliminary_assessment", accepted_on=date(2025, 3, 3))
    make_application("onsite_verification", accepted_on=date(2025, 3, 3))
    pinned_now(OVERDUE_DAY)

    results = at_once(lambda: send_clock_alerts(OVERDUE_DAY))

    assert sum(results) == 2
    assert sorted(Notification.objects.values_list("kind", "recipient__username")) == [
        ("application.clock_overdue", "miit"),
        ("application.clock_overdue", "sh_officer"),
    ]
    assert send_clock_alerts(OVERDUE_DAY) == 0


def test_two_licence_runs_at_once_remind_once_and_expire_once(world: World) -> None:
    licence = world.licence()  # valid until 2030-06-02

    reminded = at_once(lambda: send_expiry_reminders(date(2030, 5, 26)))
    expired = at_once(lambda: expire_due(date(2030, 6, 3)))

    assert (sorted(reminded), sorted(expired)) == ([0, 1], [0, 1])
    assert list(LicenceReminder.objects.values_list("days", flat=True)) == [7]
    assert Notification.objects.filter(kind="licence.expiry_reminder").count() == 1
    assert Licence.objects.get(pk=licence.pk).status == LicenceState.EXPIRED.value
    assert LicenceEvent.objects.filter(licence=licence, to_state=LicenceState.EXPIRED.value).count() == 1
    assert (send_expiry_reminders(date(2030, 5, 26)), expire_due(date(2030, 6, 3))) == (0, 0)


def test_two_supervision_sweeps_at_once_notify_once(world: World) -> None:
    world.licence()  # 2025-Q3 due 2025-10-15, cure deadline 2025-10-30

    reminded = at_once(lambda: sweep_obligations(date(2025, 10, 8)))
    proposed = at_once(lambda: sweep_obligations(date(2025, 10, 31)))

    assert sum(r.reminded for r in reminded) == 1
    assert sum(r.proposed for r in proposed) == 1
    assert sorted(ObligationNotice.objects.values_list("kind", "days")) == [
        ("listing_proposed", 0),
        ("reminder", 7),
    ]
    again = sweep_obligations(date(2025, 10, 31))
    assert (again.reminded, again.proposed) == (0, 0)
