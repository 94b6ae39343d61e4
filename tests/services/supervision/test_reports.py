"""The quarterly report's writers on a real database: opening an owed quarter, saving a draft without
checks, submitting complete and in time (late flagged), reopening until the due date, the authority's
return and acceptance; every refusal for every role writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.reports import (
    OperationalData,
    accept_report,
    open_report,
    reopen_report,
    return_report,
    save_report_data,
    submit_report,
)
from vatspilot.store.models import AuditEntry, Licence, QuarterlyReport, ReportUpload, SupervisionEvent

pytestmark = pytest.mark.django_db

# The world's licence is issued on 2025-06-03: 2025-Q2 had begun, so 2025-Q3 is the first quarter owed.
Q3_OPENS = date(2025, 10, 1)
Q3_DUE = date(2025, 10, 15)
Q3_CURE = date(2025, 10, 30)
FULL = OperationalData(
    users=120_000,
    revenue_cny=Decimal("1234567.89"),
    bandwidth_gbps=Decimal("40.500"),
    personal_info_exported=5_000,
    sensitive_info_exported=12,
    important_data_exported=False,
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _snapshot(report: QuarterlyReport | None = None) -> tuple[object, ...]:
    row = (
        QuarterlyReport.objects.filter(pk=report.pk).values_list("status", "version", "users").get() if report else None
    )
    return (
        row,
        QuarterlyReport.objects.count(),
        SupervisionEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def _uploaded(report: QuarterlyReport, world: World) -> None:
    # The uploads are the ingestion's to write (services.supervision.ingestion); here only their presence counts.
    for part in ("node_list", "security_log"):
        ReportUpload.objects.create(
            report=report,
            part=part,
            filename=f"{part}.csv",
            sha256="0" * 64,
            size_bytes=10,
            rows=1,
            uploaded_by=world.applicant,
        )


def _complete(world: World, licence: Licence, on: date = Q3_OPENS) -> QuarterlyReport:
    report = open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=on)
    report = save_report_data(actor=world.applicant, report=report, data=FULL, expected_version=report.version)
    _uploaded(report, world)
    return report


def test_the_first_owed_quarter_opens_with_the_rulebooks_dates(world: World) -> None:
    licence = world.licence()
    report = open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=Q3_OPENS)
    assert (report.status, report.due_on, report.cure_deadline, report.version) == ("draft", Q3_DUE, Q3_CURE, 1)
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "report.opened"
    assert entry.after["period"] == "2025-Q3"


@pytest.mark.parametrize(
    ("year", "quarter", "on", "code"),
    [
        (2025, 2, Q3_OPENS, "quarter-not-owed"),  # under way at issue
        (2025, 3, date(2025, 9, 30), "quarter-not-ended"),
        (2025, 4, Q3_OPENS, "quarter-not-ended"),  # started that day
        (2026, 1, Q3_OPENS, "quarter-not-owed"),  # has not started by the day asked about
    ],
)
def test_a_quarter_not_owed_or_not_ended_is_refused(world: World, year: int, quarter: int, on: date, code: str) -> None:
    licence = world.licence()
    before = _snapshot()
    with pytest.raises(ActionRefused) as refused:
        open_report(actor=world.applicant, licence=licence, year=year, quarter=quarter, on=on)
    assert (refused.value.code, refused.value.params["field"]) == (code, "quarter")
    assert _snapshot() == before


def test_only_the_holder_opens_a_report_and_only_once(world: World) -> None:
    licence = world.licence()
    before = _snapshot()
    for actor in (
        world.users[Role.LOCAL_OFFICER],
        world.users[Role.MIIT_REVIEWER],
        world.other_applicant,
        world.outsider,
    ):
        with pytest.raises(ActionRefused) as refused:
            open_report(actor=actor, licence=licence, year=2025, quarter=3, on=Q3_OPENS)
        assert refused.value.code == "role-not-allowed"
    assert _snapshot() == before
    open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=Q3_OPENS)
    with pytest.raises(ActionRefused) as refused:
        open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=Q3_OPENS)
    assert refused.value.code == "report-exists"


def test_a_draft_saves_blanks_but_not_wrong_values(world: World) -> None:
    report = open_report(actor=world.applicant, licence=world.licence(), year=2025, quarter=3, on=Q3_OPENS)
    saved = save_report_data(
        actor=world.applicant, report=report, data=OperationalData(users=10), expected_version=report.version
    )
    assert (saved.users, saved.revenue_cny, saved.version) == (10, None, 2)
    before = _snapshot(saved)
    for data, field in (
        (OperationalData(users=-1), "users"),
        (OperationalData(revenue_cny=Decimal("1.001")), "revenue_cny"),
        (OperationalData(bandwidth_gbps=Decimal("NaN")), "bandwidth_gbps"),
        (OperationalData(cross_border_mechanism="a promise"), "cross_border_mechanism"),
    ):
        with pytest.raises(ActionRefused) as refused:
            save_report_data(actor=world.applicant, report=saved, data=data, expected_version=saved.version)
        assert refused.value.params["field"] == field
    with pytest.raises(ActionRefused):
        save_report_data(actor=world.users[Role.LOCAL_OFFICER], report=saved, data=FULL, expected_version=saved.version)
    assert _snapshot(saved) == before


def test_an_incomplete_report_is_not_submitted_and_says_what_is_missing(world: World) -> None:
    report = open_report(actor=world.applicant, licence=world.licence(), year=2025, quarter=3, on=Q3_OPENS)
    before = _snapshot(report)
    with pytest.raises(ActionRefused) as refused:
        submit_report(actor=world.applicant, report=report, on=Q3_OPENS, expected_version=report.version)
    assert refused.value.code == "guard-failed:files_valid"
    assert refused.value.message == (
        "The report is incomplete: users, revenue_cny, bandwidth_gbps, personal_info_exported, "
        "sensitive_info_exported, important_data_exported, node_list, security_log."
    )
    assert _snapshot(report) == before


def test_submitted_on_time_reopened_until_due_then_read_only_for_the_holder(world: World) -> None:
    report = _complete(world, world.licence())
    report = submit_report(actor=world.applicant, report=report, on=Q3_DUE, expected_version=report.version)
    assert (report.status, report.submitted_on) == ("submitted", Q3_DUE)
    event = SupervisionEvent.objects.get(report=report, action="submit")
    assert (event.from_state, event.to_state, event.role, event.details) == (
        "draft",
        "submitted",
        "holder",
        {"late": False},
    )
    report = reopen_report(actor=world.applicant, report=report, on=Q3_DUE, expected_version=report.version)
    assert (report.status, report.submitted_on) == ("draft", None)
    report = submit_report(actor=world.applicant, report=report, on=Q3_DUE, expected_version=report.version)
    before = _snapshot(report)
    with pytest.raises(ActionRefused) as refused:
        reopen_report(actor=world.applicant, report=report, on=date(2025, 10, 16), expected_version=report.version)
    assert refused.value.code == "guard-failed:before_due"
    with pytest.raises(ActionRefused) as refused:
        save_report_data(actor=world.applicant, report=report, data=FULL, expected_version=report.version)
    assert refused.value.code == "not-a-draft"
    assert _snapshot(report) == before


def test_late_within_the_cure_deadline_is_flagged_and_after_it_refused(world: World) -> None:
    report = _complete(world, world.licence())
    before = _snapshot(report)
    with pytest.raises(ActionRefused) as refused:
        submit_report(actor=world.applicant, report=report, on=date(2025, 10, 31), expected_version=report.version)
    assert refused.value.code == "guard-failed:within_cure_deadline"
    assert _snapshot(report) == before
    report = submit_report(actor=world.applicant, report=report, on=Q3_CURE, expected_version=report.version)
    assert SupervisionEvent.objects.get(report=report, action="submit").details == {"late": True}
    assert AuditEntry.objects.filter(action="report.submit").latest("id").after["late"] is True


def test_the_authority_returns_with_a_reason_and_accepts(world: World) -> None:
    report = _complete(world, world.licence())
    report = submit_report(actor=world.applicant, report=report, on=Q3_DUE, expected_version=report.version)
    officer = world.users[Role.LOCAL_OFFICER]
    before = _snapshot(report)
    with pytest.raises(ActionRefused) as refused:
        return_report(actor=officer, report=report, on=Q3_DUE, expected_version=report.version, reason="  ")
    assert refused.value.params["field"] == "reason"
    for actor in (world.applicant, world.outsider, world.other_applicant):
        with pytest.raises(ActionRefused) as refused:
            accept_report(actor=actor, report=report, on=Q3_DUE, expected_version=report.version)
        assert refused.value.code == "role-not-allowed"
    assert _snapshot(report) == before
    report = return_report(
        actor=officer, report=report, on=date(2025, 10, 20), expected_version=report.version, reason="bandwidth unit"
    )
    assert (report.status, report.submitted_on) == ("draft", None)
    assert SupervisionEvent.objects.filter(report=report).latest("id").note == "bandwidth unit"
    report = submit_report(actor=world.applicant, report=report, on=date(2025, 10, 21), expected_version=report.version)
    report = accept_report(
        actor=world.users[Role.MIIT_REVIEWER], report=report, on=date(2025, 10, 22), expected_version=report.version
    )
    assert report.status == "accepted"
    assert list(SupervisionEvent.objects.filter(report=report).values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
        "accept",
    ]


def test_a_stale_version_is_a_conflict_and_writes_nothing(world: World) -> None:
    report = _complete(world, world.licence())
    before = _snapshot(report)
    with pytest.raises(ActionRefused) as refused:
        submit_report(actor=world.applicant, report=report, on=Q3_DUE, expected_version=report.version - 1)
    assert refused.value.code == "conflict"
    assert _snapshot(report) == before
