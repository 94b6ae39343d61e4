"""The daily supervision sweep on a real database: reminders before a report falls due, once each; a report
missing past its cure deadline proposes the licensee for the bad-record list, heard by the supervisors
and audited, once; a filed report stops both."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.services.supervision.obligation_sweep import SweepResult, licence_obligations, sweep_obligations
from vatspilot.store.models import AuditEntry, Notification, ObligationNotice, QuarterlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_licences_obligations_start_with_the_first_full_quarter(world: World) -> None:
    licence = world.licence()  # issued 2025-06-03
    labels = [
        (o.kind.value, o.label, o.due_on, o.cure_deadline)
        for o, _filed in licence_obligations(licence, date(2026, 1, 2))
    ]
    assert labels == [
        ("quarterly-report", "2025-Q3", date(2025, 10, 15), date(2025, 10, 30)),
        ("quarterly-report", "2025-Q4", date(2026, 1, 15), date(2026, 1, 30)),
        ("annual-report", "2025", date(2026, 3, 31), date(2026, 4, 30)),
        ("quarterly-report", "2026-Q1", date(2026, 4, 15), date(2026, 4, 30)),
        ("annual-report", "2026", date(2027, 3, 31), date(2027, 4, 30)),  # the year has begun: listed, not due
    ]


def test_reminders_are_sent_once_each_to_the_holder(world: World) -> None:
    licence = world.licence()
    assert sweep_obligations(date(2025, 9, 30)) == SweepResult(reminded=0, proposed=0)  # Q3 not yet open
    assert sweep_obligations(date(2025, 10, 1)) == SweepResult(reminded=1, proposed=0)  # 14 days left: the 30-day one
    assert sweep_obligations(date(2025, 10, 1)) == SweepResult(reminded=0, proposed=0)
    assert sweep_obligations(date(2025, 10, 8)) == SweepResult(reminded=1, proposed=0)  # 7 days
    assert sweep_obligations(date(2025, 10, 14)) == SweepResult(reminded=1, proposed=0)  # 1 day
    assert list(
        ObligationNotice.objects.filter(licence=licence).order_by("sent_on").values_list("obligation", "kind", "days")
    ) == [
        ("quarterly-report 2025-Q3", "reminder", 30),
        ("quarterly-report 2025-Q3", "reminder", 7),
        ("quarterly-report 2025-Q3", "reminder", 1),
    ]
    notes = Notification.objects.filter(kind="report.due_soon")
    assert {note.recipient_id for note in notes} == {world.applicant.pk}
    assert notes.first().subject == f"Report 2025-Q3 of licence {licence.number} due on 2025-10-15"


def test_a_report_missing_past_its_cure_deadline_is_proposed_for_listing_once(world: World) -> None:
    world.licence()
    assert sweep_obligations(date(2025, 10, 30)).proposed == 0  # the cure deadline's last day
    assert sweep_obligations(date(2025, 10, 31)) == SweepResult(reminded=0, proposed=1)
    assert sweep_obligations(date(2025, 10, 31)) == SweepResult(reminded=0, proposed=0)
    recipients = set(
        Notification.objects.filter(kind="report.listing_proposed").values_list("recipient__username", flat=True)
    )
    assert recipients == {Role.MIIT_REVIEWER.value, Role.LOCAL_OFFICER.value}
    entry = AuditEntry.objects.get(action="obligation.listing_proposed")
    assert (entry.actor_label if hasattr(entry, "actor_label") else None, entry.after["obligation"])[1] == "2025-Q3"
    assert entry.after["basis"] == "MIIT Order No. 42, Art. 38"


def test_a_filed_report_stops_reminders_and_proposals(world: World) -> None:
    licence = world.licence()
    QuarterlyReport.objects.create(
        licence=licence,
        year=2025,
        quarter=3,
        due_on=date(2025, 10, 15),
        cure_deadline=date(2025, 10, 30),
        rulebook_version="test",
    )
    # Opened but not submitted: still owed.
    assert sweep_obligations(date(2025, 10, 31)).proposed == 1
    QuarterlyReport.objects.filter(licence=licence).update(submitted_on=date(2025, 10, 20))
    assert sweep_obligations(date(2026, 1, 10)) == SweepResult(reminded=1, proposed=0)  # only 2025-Q4's
