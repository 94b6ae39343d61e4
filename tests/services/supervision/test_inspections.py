"""Draws and inspections on a real database: the pools and conflicts read from the store, the published
record re-runs to the same teams, an inspector who acted on the application is never drawn for it, the
team records findings once; refusals write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import World, make_user

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.draw import draw
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.inspections import FoundIssue, record_inspection, run_draw
from vatspilot.store.models import (
    AuditEntry,
    Finding,
    Inspection,
    InspectionDraw,
    InspectionKind,
    Jurisdiction,
    StaffRole,
)

pytestmark = pytest.mark.django_db

DRAWN = date(2025, 11, 3)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _counts() -> tuple[int, int, int, int]:
    return (
        InspectionDraw.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_draw_is_recorded_whole_and_re_runs_to_the_same_teams(world: World) -> None:
    licence = world.licence()
    make_user("insp_a", Role.INSPECTOR.value)
    make_user("insp_b", Role.INSPECTOR.value)
    record = run_draw(
        actor=world.users[Role.MIIT_REVIEWER],
        jurisdiction=None,
        seed="2025-11 national",
        on=DRAWN,
        kind=InspectionKind.PENETRATION_TEST,
        licensee_count=1,
        inspectors_per_licensee=2,
    )
    # The world's own inspector acted on no application, and neither did the two new ones.
    assert record.licensee_pool == [licence.number]
    assert record.inspector_pool == ["insp_a", "insp_b", "inspector"]
    assert record.conflicts == {}
    again = draw(
        seed=record.seed,
        licensees=record.licensee_pool,
        inspectors=record.inspector_pool,
        conflicts=record.conflicts,
        licensee_count=1,
        inspectors_per_licensee=2,
    )
    assert again.to_dict() == record.result
    inspection = Inspection.objects.get(draw=record)
    assert sorted(inspection.inspectors.values_list("username", flat=True)) == sorted(
        record.result["teams"][0]["inspectors"]
    )
    assert AuditEntry.objects.latest("id").action == "inspection.drawn"


def test_an_inspector_who_acted_on_the_application_is_in_conflict(world: World) -> None:
    licence = world.licence()
    # The security expert of the world assessed the application; give them the inspector role too.
    expert = world.users[Role.SECURITY_EXPERT]
    StaffRole.objects.create(user=expert, role=Role.INSPECTOR.value)
    record = run_draw(
        actor=world.users[Role.MIIT_REVIEWER],
        jurisdiction=None,
        seed="s",
        on=DRAWN,
        kind=InspectionKind.CODE_AUDIT,
        licensee_count=1,
        inspectors_per_licensee=2,
        declared_conflicts={"inspector": [licence.number]},
    )
    assert record.conflicts == {"inspector": [licence.number], "security_expert": [licence.number]}
    assert record.result["teams"] == [{"licensee": licence.number, "inspectors": []}]
    assert record.result["short_teams"] == [licence.number]


def test_who_may_draw_and_impossible_draws_write_nothing(world: World) -> None:
    world.licence()
    shanghai = Jurisdiction.objects.get(code="310000")
    beijing = Jurisdiction.objects.get(code="110000")
    before = _counts()
    for actor, jurisdiction in (
        (world.applicant, shanghai),
        (world.outsider, shanghai),
        (world.users[Role.LOCAL_OFFICER], None),
        (world.users[Role.LOCAL_OFFICER], beijing),
        (world.users[Role.INSPECTOR], shanghai),
    ):
        with pytest.raises(ActionRefused) as refused:
            run_draw(
                actor=actor,
                jurisdiction=jurisdiction,
                seed="s",
                on=DRAWN,
                kind=InspectionKind.ON_SITE,
                licensee_count=1,
                inspectors_per_licensee=1,
            )
        assert refused.value.code == "role-not-allowed"
    with pytest.raises(ActionRefused) as refused:
        run_draw(
            actor=world.users[Role.LOCAL_OFFICER],
            jurisdiction=shanghai,
            seed="s",
            on=DRAWN,
            kind=InspectionKind.ON_SITE,
            licensee_count=2,
            inspectors_per_licensee=1,
        )
    assert (refused.value.code, refused.value.params["field"]) == ("draw-impossible", "licensee_count")
    assert _counts() == before


def test_the_team_records_findings_once(world: World) -> None:
    licence = world.licence()
    record = run_draw(
        actor=world.users[Role.LOCAL_OFFICER],
        jurisdiction=Jurisdiction.objects.get(code="310000"),
        seed="s",
        on=DRAWN,
        kind=InspectionKind.CROSS_BORDER,
        licensee_count=1,
        inspectors_per_licensee=1,
    )
    inspection = Inspection.objects.get(draw=record)
    issue = FoundIssue(rule="inspection:cross-border", severity=Severity.HIGH, description="an undeclared HK replica")
    before = _counts()
    for actor in (world.applicant, world.users[Role.MIIT_REVIEWER]):
        with pytest.raises(ActionRefused) as refused:
            record_inspection(actor=actor, inspection=inspection, on=DRAWN, summary="done", found=[issue])
        assert refused.value.code == "role-not-allowed"
    with pytest.raises(ActionRefused) as refused:
        record_inspection(
            actor=world.users[Role.INSPECTOR], inspection=inspection, on=date(2025, 11, 2), summary="x", found=[]
        )
    assert refused.value.params["field"] == "on"
    assert _counts() == before
    inspection, findings = record_inspection(
        actor=world.users[Role.INSPECTOR],
        inspection=inspection,
        on=date(2025, 11, 10),
        summary="two days on site",
        found=[issue],
    )
    assert inspection.done_on == date(2025, 11, 10)
    [finding] = findings
    assert (finding.licence_id, finding.severity, finding.remediation_due_on, finding.inspection_id) == (
        licence.pk,
        "high",
        date(2025, 12, 10),
        inspection.pk,
    )
    with pytest.raises(ActionRefused) as refused:
        record_inspection(actor=world.users[Role.INSPECTOR], inspection=inspection, on=DRAWN, summary="again", found=[])
    assert refused.value.code == "already-recorded"
