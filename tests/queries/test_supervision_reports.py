"""The report pages' read models (queries.supervision_reports) on a real database: the obligations
calendar's rows with their statuses, days and links; a report's page with what a submission lacks, its
parts and runs, the actions open to each reader, and the node list's changes since the previous quarter."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import World
from report_world import submitted

from vatspilot.domain.applications import Role
from vatspilot.queries.supervision_reports import licence_obligations_view, report_page, report_run
from vatspilot.services.supervision.reports import open_report
from vatspilot.store.access import NotFound
from vatspilot.store.models import IngestionRun, Licence, QuarterlyReport, ReportNode, ReportUpload

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 10)


@pytest.fixture(autouse=True)
def english(settings) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def licence(world: World) -> Licence:
    return world.licence()


def _nodes(world: World, report: QuarterlyReport, rows: list[tuple[str, str, str, str]]) -> ReportUpload:
    upload = ReportUpload.objects.create(
        report=report,
        part="node_list",
        filename="nodes.csv",
        sha256="0" * 64,
        size_bytes=1,
        rows=len(rows),
        uploaded_by=world.applicant,
    )
    ReportNode.objects.bulk_create(
        ReportNode(upload=upload, line=line, node_id=node, address=address, role="idc", location=where, country=country)
        for line, (node, address, where, country) in enumerate(rows, start=2)
    )
    return upload


def test_the_calendar_rows_for_the_holder(world: World, licence: Licence) -> None:
    q4 = open_report(actor=world.applicant, licence=licence, year=2025, quarter=4, on=TODAY)
    calendar = licence_obligations_view(world.applicant, licence, today=TODAY)
    assert (calendar.number, calendar.is_holder, calendar.today) == ("B1.B2-20250001", True, TODAY)
    assert [
        (
            row.label,
            row.kind,
            row.status,
            row.status_label,
            row.due_on,
            row.cure_deadline,
            row.days_left,
            row.days_late,
            row.cure_days_left,
            row.report_id,
            row.can_open,
        )
        for row in calendar.rows
    ] == [
        (
            "2025-Q3",
            "quarterly-report",
            "overdue",
            "Overdue",
            date(2025, 10, 15),
            date(2025, 10, 30),
            None,
            87,
            None,
            None,
            False,
        ),
        (
            "2025-Q4",
            "quarterly-report",
            "open",
            "Open",
            date(2026, 1, 15),
            date(2026, 1, 30),
            5,
            None,
            None,
            q4.pk,
            False,
        ),
        ("2025", "annual-report", "open", "Open", date(2026, 3, 31), date(2026, 4, 30), 80, None, None, None, False),
        (
            "2026-Q1",
            "quarterly-report",
            "not_due",
            "Not due",
            date(2026, 4, 15),
            date(2026, 4, 30),
            95,
            None,
            None,
            None,
            False,
        ),
        (
            "2026",
            "annual-report",
            "not_due",
            "Not due",
            date(2027, 3, 31),
            date(2027, 4, 30),
            445,
            None,
            None,
            None,
            False,
        ),
    ]
    assert calendar.rows[1].report_status_label == "Draft"


def test_a_late_quarter_may_still_be_opened_and_a_filed_one_counts_its_day(world: World, licence: Licence) -> None:
    late = date(2025, 10, 20)
    row = licence_obligations_view(world.applicant, licence, today=late).rows[0]
    assert (row.label, row.status, row.days_late, row.cure_days_left, row.can_open) == ("2025-Q3", "late", 5, 10, True)
    officer_row = licence_obligations_view(world.users[Role.LOCAL_OFFICER], licence, today=late).rows[0]
    assert officer_row.can_open is False
    report = open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=late)
    submitted(world, report, on=late)
    row = licence_obligations_view(world.applicant, licence, today=late).rows[0]
    assert (row.status, row.filed_on, row.days_left, row.days_late, row.report_status_label) == (
        "late",
        late,
        None,
        None,
        "Submitted",
    )


def test_the_report_page_of_a_fresh_draft(world: World, licence: Licence) -> None:
    report = open_report(actor=world.applicant, licence=licence, year=2025, quarter=4, on=TODAY)
    page = report_page(world.applicant, report, today=TODAY)
    assert (page.period, page.status_label, page.editable, page.is_holder, page.is_authority, page.actions) == (
        "2025-Q4",
        "Draft",
        True,
        True,
        False,
        (),
    )
    assert page.missing == (
        "Users",
        "Revenue this quarter (CNY)",
        "Bandwidth (Gbps)",
        "People whose personal information (not sensitive) left China this year",
        "People whose sensitive personal information left China this year",
        "Important data left China",
        "Node list",
        "Security log",
    )
    assert [(part.part, part.formats, part.upload, part.run) for part in page.parts] == [
        ("node_list", (".csv", ".xlsx"), None, None),
        ("security_log", (".ndjson", ".jsonl", ".csv"), None, None),
    ]
    assert (page.compared, page.findings, page.timeline) == (False, (), ())
    officer = report_page(world.users[Role.LOCAL_OFFICER], report, today=TODAY)
    assert (officer.editable, officer.is_authority, officer.actions) == (False, True, ())


def test_the_node_changes_since_the_previous_quarter(world: World, licence: Licence) -> None:
    q3 = open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=date(2025, 10, 5))
    _nodes(
        world,
        q3,
        [
            ("n-1", "114.114.114.114", "310115", "CN"),
            ("n-2", "223.5.5.0/24", "110105", "CN"),
            ("n-3", "203.198.0.1", "HK", "HK"),
        ],
    )
    q4 = open_report(actor=world.applicant, licence=licence, year=2025, quarter=4, on=TODAY)
    _nodes(
        world,
        q4,
        [
            ("n-1", "8.8.8.8", "US", "US"),
            ("n-3", "203.198.0.1", "HK", "HK"),
            ("n-9", "114.114.114.114", "310115", "CN"),
        ],
    )
    page = report_page(world.applicant, q4, today=TODAY)
    assert page.compared is True
    assert [(c.change, c.node_id, c.previous_location, c.location) for c in page.node_changes] == [
        ("added", "n-9", "", "310115"),
        ("moved-abroad", "n-1", "310115", "US"),
        ("removed", "n-2", "110105", ""),
    ]
    assert [(item.change_label, item.count) for item in page.node_change_summary] == [
        ("Added", 1),
        ("Removed", 1),
        ("Moved abroad", 1),
    ]
    assert page.node_change_count == 3
    assert report_page(world.applicant, q3, today=TODAY).compared is False


def test_a_run_is_found_only_under_its_own_report(world: World, licence: Licence) -> None:
    q3 = open_report(actor=world.applicant, licence=licence, year=2025, quarter=3, on=date(2025, 10, 5))
    q4 = open_report(actor=world.applicant, licence=licence, year=2025, quarter=4, on=TODAY)
    run = IngestionRun.objects.create(
        report=q4,
        part="node_list",
        filename="n.csv",
        staged_path="/nowhere",
        sha256="0" * 64,
        size_bytes=1,
        status="rejected",
        rows_read=3,
        error_count=2,
        errors=[
            {"line": 3, "field": "address", "reason": "not an address"},
            {"line": 4, "field": "role", "reason": "x"},
        ],
        requested_by=world.applicant,
    )
    view = report_run(q4, str(run.pk))
    assert (view.status_label, view.finished, view.rows_read, view.error_count, view.more_errors) == (
        "Rejected",
        True,
        3,
        2,
        0,
    )
    assert [(e.line, e.field, e.reason) for e in view.errors] == [(3, "address", "not an address"), (4, "role", "x")]
    with pytest.raises(NotFound):
        report_run(q3, str(run.pk))
