"""The statistics' small world for the statistics tests of every entry point (tests/web/test_statistics_page.py,
tests/api/test_api_statistics.py)."""

from __future__ import annotations

from datetime import date

from pilot_world import World, place_application, record_event

from vatspilot.domain.applications import Role, State
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.store.models import Licence


def small_world(world: World) -> None:
    """Shanghai: one approval (submitted 2025-06-03, approved 06-13: 8 working days), one refusal at formal
    review (06-03 to 06-05: 2), one waiting for a supplement, one in ministerial review, a finding on the
    licence the approval issued. Beijing: one approval (submitted 2025-05-06, approved 05-20: 10 working
    days), written straight into the store."""
    june = [date(2025, 6, day) for day in (3, 4, 5, 6, 9, 10, 11, 13)]  # the 8 steps of PATHS[APPROVED]
    approved = world.drive_to(State.APPROVED, dates=june)
    world.drive_to(State.REFUSED, dates=[date(2025, 6, 3), date(2025, 6, 5)])
    world.drive_to(State.FORMAL_SUPPLEMENT)
    world.drive_to(State.MINISTERIAL_REVIEW)
    beijing = place_application(world.other_organisation, "approved", services=[{"code": "B14"}])
    record_event(beijing, "submit", "draft", "submitted", date(2025, 5, 6), actor=world.other_applicant)
    record_event(
        beijing, "approve", "ministerial_review", "approved", date(2025, 5, 20), actor=world.users[Role.MIIT_REVIEWER]
    )
    raise_finding(
        actor=None,
        licence=Licence.objects.get(application=approved),
        rule="node:outside-mainland",
        citation="c",
        severity=Severity.HIGH,
        fingerprint="f1",
        on=date(2025, 6, 16),
    )
