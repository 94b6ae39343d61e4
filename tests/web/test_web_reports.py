"""The quarterly report pages (web.views.reports): the licence's obligations calendar, a report's page
with the holder's draft forms and uploads, the ingestion's progress partial, and the lifecycle's actions.
Every role: the holder, another organisation's member, the province's local officer, another province's
officer (world.outsider), MIIT and an anonymous visitor; each refusal changes nothing; the upload flow end
to end; the findings a submission raises listed with their links; a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for
from pytest_django.fixtures import Settings
from report_world import LOG, NODES, NUMBER, TODAY, submitted

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.services.supervision.ingestion import ingest
from vatspilot.services.supervision.reports import open_report, submit_report
from vatspilot.store.models import (
    AuditEntry,
    Finding,
    IngestionRun,
    Licence,
    QuarterlyReport,
    ReportNode,
    ReportUpload,
    SupervisionEvent,
)

pytestmark = pytest.mark.django_db

CALENDAR = f"/licences/{NUMBER}/reports/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BAD_NODES = b"""id,address,role,location
n-1,114.114.114.114,idc,310115
n-2,999.5.5.5,idc,310115
n-3,1.2.4.8,satellite,310115
"""
FULL = {
    "users": "120000",
    "revenue_cny": "1234567.89",
    "bandwidth_gbps": "40.500",
    "personal_info_exported": "150000",
    "sensitive_info_exported": "0",
    "important_data_exported": "no",
    "cross_border_mechanism": "",
}


@pytest.fixture(autouse=True)
def storage(settings: Settings, tmp_path) -> None:
    settings.VATSPILOT_REPORT_DIR = tmp_path / "reports"
    settings.VATSPILOT_TODAY = TODAY.isoformat()


@pytest.fixture
def licence(world: World) -> Licence:
    return world.licence()


@pytest.fixture
def report(world: World, licence: Licence) -> QuarterlyReport:
    return open_report(actor=world.applicant, licence=licence, year=2025, quarter=4, on=TODAY)


def _html(response) -> str:
    return response.content.decode()


def _unchanged(report: QuarterlyReport | None = None) -> tuple[object, ...]:
    """What a refusal must leave as it was (signing in and refused requests are audited too: only the
    reports' entries count here)."""
    return (
        list(QuarterlyReport.objects.order_by("pk").values_list("status", "version", "users", "submitted_on")),
        IngestionRun.objects.count(),
        ReportUpload.objects.count(),
        SupervisionEvent.objects.count(),
        Finding.objects.count(),
        AuditEntry.objects.filter(action__startswith="report.").count(),
    )


def _actors(world: World) -> dict[str, object]:
    return {
        "holder": world.applicant,
        "other member": world.other_applicant,
        "local officer": world.users[Role.LOCAL_OFFICER],
        "outsider": world.outsider,
        "miit": world.users[Role.MIIT_REVIEWER],
        "anonymous": None,
    }


def _upload(world: World, report: QuarterlyReport, part: str, name: str, data: bytes, settings: Settings) -> object:
    """Post the file through the page as the holder, the task run in-process as it is enqueued."""
    settings.TASKS = IMMEDIATE
    report.refresh_from_db()
    client = client_for(world.applicant)
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/reports/{report.pk}/uploads/{part}/",
        {f"{part}-expected_version": str(report.version), f"{part}-file": SimpleUploadedFile(name, data)},
    )


# --- The obligations calendar ---------------------------------------------------------------------------


def test_the_calendar_shows_what_is_owed_and_by_when_to_the_holder(world: World, licence: Licence) -> None:
    html = _html(client_for(world.applicant).get(CALENDAR))
    assert "What is owed and by when (as of 2026-01-10)" in html
    rows = [
        ("2025-Q3", "overdue", "2025-10-15", "2025-10-30", "87 days past due"),
        ("2025-Q4", "open", "2026-01-15", "2026-01-30", "5 days left"),
        ("2025", "open", "2026-03-31", None, "80 days left"),
        ("2026-Q1", "not_due", "2026-04-15", "2026-04-30", "95 days left"),
    ]
    for label, status, due, cure, days in rows:
        row = html.split(f'data-obligation="{label}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-status="{status}"' in row
        assert due in row
        if cure:
            assert cure in row
        assert days in row
    # Only the open quarter has a button (Q3 is past its cure deadline: overdue, the listing takes over).
    assert 'id="open-2025-Q4"' in html
    assert 'id="open-2025-Q3"' not in html and 'id="open-2026-Q1"' not in html


def test_a_late_quarter_says_the_days_left_to_the_cure_deadline(
    world: World, licence: Licence, settings: Settings
) -> None:
    settings.VATSPILOT_TODAY = "2025-10-20"
    html = _html(client_for(world.applicant).get(CALENDAR))
    row = html.split('data-obligation="2025-Q3"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="late"' in row
    assert "5 days past due; 10 days left to the cure deadline" in row
    assert 'id="open-2025-Q3"' in row


def test_the_licence_page_leads_to_the_calendar(world: World, licence: Licence) -> None:
    for user in (world.applicant, world.users[Role.LOCAL_OFFICER]):
        html = _html(client_for(user).get(f"/licences/{NUMBER}/"))
        assert f'href="{CALENDAR}"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 200),
        ("local officer", 200),
        ("miit", 200),
        ("other member", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_the_calendar_for_each_role(world: World, licence: Licence, who: str, status: int) -> None:
    response = client_for(_actors(world)[who]).get(CALENDAR)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    if who in ("local officer", "miit"):
        assert 'data-obligation="2025-Q4"' in _html(response)
        assert 'id="open-2025-Q4"' not in _html(response)  # only the holder opens a report


def test_the_holder_opens_the_quarter_and_lands_on_its_page(world: World, licence: Licence) -> None:
    response = client_for(world.applicant).post(f"{CALENDAR}open/", {"year": "2025", "quarter": "4"})
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    assert (report.year, report.quarter, report.status, report.due_on) == (2025, 4, "draft", date(2026, 1, 15))
    html = _html(client_for(world.applicant).get(CALENDAR))
    assert f'href="/reports/{report.pk}/"' in html
    assert "Report on the platform: Draft" in html


@pytest.mark.parametrize(
    ("who", "status"), [("local officer", 403), ("miit", 403), ("outsider", 404), ("other member", 404)]
)
def test_nobody_but_the_holder_opens_a_report(world: World, licence: Licence, who: str, status: int) -> None:
    before = _unchanged()
    response = client_for(_actors(world)[who]).post(f"{CALENDAR}open/", {"year": "2025", "quarter": "4"})
    assert response.status_code == status
    assert _unchanged() == before


def test_a_quarter_not_owed_is_refused_at_the_top_naming_the_field(world: World, licence: Licence) -> None:
    before = _unchanged()
    response = client_for(world.applicant).post(f"{CALENDAR}open/", {"year": "2026", "quarter": "1"})
    assert response.status_code == 422
    assert "Quarter: The quarter has not ended: its report opens on 2026-04-01." in _html(response)
    assert _unchanged() == before


# --- The report's page, per role ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 200),
        ("local officer", 200),
        ("miit", 200),
        ("other member", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_the_report_page_for_each_role(world: World, report: QuarterlyReport, who: str, status: int) -> None:
    response = client_for(_actors(world)[who]).get(f"/reports/{report.pk}/")
    assert response.status_code == status
    if status != 200:
        return
    html = _html(response)
    assert f"Quarterly report 2025-Q4, licence {NUMBER}" in html
    assert "2026-01-15" in html and "2026-01-30" in html
    holder = who == "holder"
    assert ('id="report-data"' in html) is holder
    assert ('id="upload-node_list"' in html) is holder
    assert ('id="upload-security_log"' in html) is holder
    assert ('id="submit-blockers"' in html) is holder
    assert 'id="report-action-accept"' not in html  # a draft: nothing for the authority yet


def test_a_missing_report_and_a_malformed_run_are_404(world: World, report: QuarterlyReport) -> None:
    client = client_for(world.applicant)
    assert client.get("/reports/999999/").status_code == 404
    assert client.get(f"/reports/{report.pk}/runs/not-a-uuid/progress").status_code == 404
    assert client.get(f"/reports/{report.pk}/runs/00000000-0000-0000-0000-000000000000/progress").status_code == 404


def test_the_draft_lists_what_a_submission_still_lacks(world: World, report: QuarterlyReport) -> None:
    html = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    blockers = html.split('id="submit-blockers"', 1)[1].split("</div>", 1)[0]
    assert "The report cannot be submitted yet. Still missing:" in blockers
    for what in (
        "Users",
        "Revenue this quarter (CNY)",
        "Bandwidth (Gbps)",
        "Important data left China",
        "Node list",
        "Security log",
    ):
        assert f"<li>{what}</li>" in blockers


def test_the_chinese_report_page(world: World, report: QuarterlyReport) -> None:
    html = _html(client_for(world.applicant, "zh-hans").get(f"/reports/{report.pk}/"))
    assert f"<h1>许可证 {report.licence.number} 的2025年第四季度报告</h1>" in html
    assert "保存草稿" in html


# --- The draft's operational data ---------------------------------------------------------------------


def test_the_holder_saves_decimals_and_blanks_in_a_draft(world: World, report: QuarterlyReport) -> None:
    data = {**FULL, "users": "", "expected_version": str(report.version)}
    response = client_for(world.applicant).post(f"/reports/{report.pk}/data/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.users, report.revenue_cny, report.bandwidth_gbps, report.important_data_exported) == (
        None,
        Decimal("1234567.89"),
        Decimal("40.500"),
        False,
    )
    assert report.version == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue_cny", "1.001", "Revenue this quarter (CNY): Ensure that there are no more than 2 decimal places."),
        ("users", "-1", "Users: Ensure this value is greater than or equal to 0."),
        ("cross_border_mechanism", "a promise", "Cross-border mechanism on file: Select a valid choice."),
    ],
)
def test_a_wrong_value_is_named_at_the_top_and_nothing_is_saved(
    world: World, report: QuarterlyReport, field: str, value: str, message: str
) -> None:
    before = _unchanged()
    data = {**FULL, field: value, "expected_version": str(report.version)}
    response = client_for(world.applicant).post(f"/reports/{report.pk}/data/", data)
    assert response.status_code == 422
    html = _html(response)
    assert "Nothing was changed:" in html
    assert message in html
    assert _unchanged() == before


def test_a_stale_version_is_a_conflict(world: World, report: QuarterlyReport) -> None:
    client = client_for(world.applicant)
    client.post(f"/reports/{report.pk}/data/", {**FULL, "expected_version": "1"})
    before = _unchanged()
    response = client.post(f"/reports/{report.pk}/data/", {**FULL, "users": "7", "expected_version": "1"})
    assert response.status_code == 409
    assert "Someone else changed this report while you were working on it." in _html(response)
    assert _unchanged() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("local officer", 403), ("miit", 403), ("other member", 404), ("outsider", 404), ("anonymous", 302)],
)
def test_only_the_holder_saves_the_draft(world: World, report: QuarterlyReport, who: str, status: int) -> None:
    before = _unchanged()
    response = client_for(_actors(world)[who]).post(
        f"/reports/{report.pk}/data/", {**FULL, "expected_version": str(report.version)}
    )
    assert response.status_code == status
    assert _unchanged() == before


# --- Uploads and their progress ----------------------------------------------------------------------------


def test_an_uploaded_node_list_is_read_and_its_progress_shown(
    world: World, report: QuarterlyReport, settings: Settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(world, report, "node_list", "nodes.csv", NODES, settings)
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/#part-node_list"
    run = IngestionRun.objects.get()
    assert (run.status, run.rows_read, run.error_count) == ("accepted", 4, 0)
    progress = client_for(world.applicant).get(f"/reports/{report.pk}/runs/{run.pk}/progress")
    assert progress.status_code == 200
    html = _html(progress)
    assert '<span class="run-status">Accepted</span>' in html
    assert "4 rows read" in html and "0 errors so far" in html
    assert "hx-trigger" not in html  # finished: the page stops polling
    assert "HX-Refresh" not in progress
    page = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    assert "On file: nodes.csv (4 rows)." in page
    # Polled by htmx, the finished run has the page shown again once.
    polled = client_for(world.applicant).get(f"/reports/{report.pk}/runs/{run.pk}/progress", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"


def test_a_queued_run_polls_every_second_until_it_ends(
    world: World, report: QuarterlyReport, settings: Settings
) -> None:
    # Without the commit callbacks run, the task is never enqueued: the run stays queued, as it is until
    # a worker takes it.
    response = _upload(world, report, "node_list", "nodes.csv", NODES, settings)
    assert response.status_code == 302
    run = IngestionRun.objects.get()
    html = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    assert f'hx-get="/reports/{report.pk}/runs/{run.pk}/progress" hx-trigger="every 1s"' in html
    assert "Queued" in html
    ingest(run.pk)
    progress = _html(client_for(world.applicant).get(f"/reports/{report.pk}/runs/{run.pk}/progress"))
    assert "Accepted" in progress and "4 rows read" in progress


def test_a_rejected_node_list_shows_line_field_and_reason_and_stores_nothing(
    world: World, report: QuarterlyReport, settings: Settings
) -> None:
    _upload(world, report, "node_list", "nodes.csv", BAD_NODES, settings)
    run = ingest(IngestionRun.objects.get().pk)
    assert run.status == "rejected"
    progress = _html(client_for(world.applicant).get(f"/reports/{report.pk}/runs/{run.pk}/progress"))
    assert "Rejected" in progress
    assert "First error: line 3, field address:" in progress
    assert "<tr><td>3</td><td>address</td>" in progress
    assert (
        "<tr><td>4</td><td>role</td><td>not one of idc, cdn-edge, offshore-cache, access, other</td></tr>" in progress
    )
    assert "3 rows read" in progress and "2 errors so far" in progress
    assert ReportUpload.objects.count() == 0
    page = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    assert "First error: line 3, field address:" in page
    # In Chinese, the reasons too (the stored run keeps the English the CLI and the API give).
    chinese = _html(client_for(world.applicant, "zh-hans").get(f"/reports/{report.pk}/runs/{run.pk}/progress"))
    assert (
        "<tr><td>4</td><td>role</td><td>不是以下取值之一：idc, cdn-edge, offshore-cache, access, other</td></tr>"
        in (chinese)
    )
    assert "第一个错误：第 3 行，字段 address：不是IP地址或CIDR地址段。" in chinese


def test_a_file_of_the_wrong_format_is_refused_naming_the_field(
    world: World, report: QuarterlyReport, settings: Settings
) -> None:
    before = _unchanged()
    response = _upload(world, report, "node_list", "nodes.pdf", NODES, settings)
    assert response.status_code == 422
    assert "File: This part is read from .csv, .xlsx files." in _html(response)
    assert _unchanged() == before


@pytest.mark.parametrize(
    ("who", "status"), [("local officer", 403), ("miit", 403), ("outsider", 404), ("other member", 404)]
)
def test_only_the_holder_uploads_and_only_those_who_see_it_follow_the_run(
    world: World, report: QuarterlyReport, settings: Settings, who: str, status: int
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _upload(world, report, "node_list", "nodes.csv", NODES, settings)
    run = IngestionRun.objects.get()
    before = _unchanged()
    client = client_for(_actors(world)[who])
    response = client.post(
        f"/reports/{report.pk}/uploads/node_list/",
        {"node_list-expected_version": "1", "node_list-file": SimpleUploadedFile("n.csv", NODES)},
    )
    assert response.status_code == status
    assert _unchanged() == before
    progress = client.get(f"/reports/{report.pk}/runs/{run.pk}/progress")
    assert progress.status_code == (200 if status == 403 else 404)


# --- Submission, findings, and the authority's decisions ---------------------------------------------------


def _complete(world: World, report: QuarterlyReport, settings: Settings, capture) -> QuarterlyReport:
    client = client_for(world.applicant)
    client.post(f"/reports/{report.pk}/data/", {**FULL, "expected_version": str(report.version)})
    with capture(execute=True):
        _upload(world, report, "node_list", "nodes.csv", NODES, settings)
        _upload(world, report, "security_log", "log.ndjson", LOG, settings)
    report.refresh_from_db()
    return report


def test_submitting_raises_the_findings_listed_on_the_page(
    world: World, report: QuarterlyReport, settings: Settings, django_capture_on_commit_callbacks
) -> None:
    report = _complete(world, report, settings, django_capture_on_commit_callbacks)
    page = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    assert 'id="submit-blockers"' not in page
    assert 'id="report-action-submit"' in page
    response = client_for(world.applicant).post(
        f"/reports/{report.pk}/actions/submit/", {"submit-expected_version": str(report.version)}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.submitted_on) == ("submitted", TODAY)
    findings = list(Finding.objects.filter(report=report).order_by("pk").values_list("pk", "rule", "severity"))
    assert [(rule, severity) for _pk, rule, severity in findings] == [
        ("node:outside-licensed-area", "high"),
        ("node:outside-mainland", "high"),
        ("node:declared-location-mismatch", "medium"),
        ("cross-border:mechanism", "high"),
    ]
    html = _html(client_for(world.users[Role.LOCAL_OFFICER]).get(f"/reports/{report.pk}/"))
    names = {
        "node:outside-licensed-area": "Node outside the licensed area",
        "node:outside-mainland": "Node outside mainland China",
        "node:declared-location-mismatch": "Node&#x27;s declared location not matching its address",
        "cross-border:mechanism": "Cross-border data transfer mechanism",
    }
    for pk, rule, _severity in findings:
        assert f'<td data-rule="{rule}"><a href="/findings/{pk}/">{names[rule]}</a></td>' in html
    assert "Report submitted" in html
    assert 'id="report-action-accept"' in html and 'id="report-action-return"' in html
    assert 'id="report-data"' not in html


def test_an_incomplete_report_is_refused_with_what_is_missing(world: World, report: QuarterlyReport) -> None:
    before = _unchanged()
    response = client_for(world.applicant).post(
        f"/reports/{report.pk}/actions/submit/", {"submit-expected_version": str(report.version)}
    )
    assert response.status_code == 422
    assert (
        "The report is incomplete: users, revenue_cny, bandwidth_gbps, personal_info_exported, "
        "sensitive_info_exported, important_data_exported, node_list, security_log."
    ) in _html(response)
    assert _unchanged() == before


def test_the_local_officer_returns_with_a_reason_and_miit_accepts(world: World, report: QuarterlyReport) -> None:
    report = submitted(world, report)
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    before = _unchanged()
    empty = officer.post(
        f"/reports/{report.pk}/actions/return/", {"return-expected_version": str(report.version), "return-reason": " "}
    )
    assert empty.status_code == 422
    assert "Reason: This field is required." in _html(empty)
    assert _unchanged() == before
    response = officer.post(
        f"/reports/{report.pk}/actions/return/",
        {"return-expected_version": str(report.version), "return-reason": "Node n-4 lacks its data centre."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.submitted_on) == ("draft", None)
    html = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    assert "Report returned to the holder" in html and "Node n-4 lacks its data centre." in html
    report = submit_report(actor=world.applicant, report=report, on=TODAY, expected_version=report.version)
    response = client_for(world.users[Role.MIIT_REVIEWER]).post(
        f"/reports/{report.pk}/actions/accept/", {"accept-expected_version": str(report.version)}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("holder", "accept", 403),
        ("holder", "return", 403),
        ("local officer", "reopen", 403),
        ("miit", "submit", 403),
        ("outsider", "accept", 404),
        ("other member", "reopen", 404),
        ("anonymous", "accept", 302),
        ("local officer", "no-such-action", 404),
    ],
)
def test_an_action_not_the_readers_changes_nothing(
    world: World, report: QuarterlyReport, who: str, action: str, status: int
) -> None:
    report = submitted(world, report)
    before = _unchanged()
    response = client_for(_actors(world)[who]).post(
        f"/reports/{report.pk}/actions/{action}/",
        {f"{action}-expected_version": str(report.version), f"{action}-reason": "because"},
    )
    assert response.status_code == status
    assert _unchanged() == before


def test_the_holder_reopens_before_the_due_day(world: World, report: QuarterlyReport) -> None:
    report = submitted(world, report)
    html = _html(client_for(world.applicant).get(f"/reports/{report.pk}/"))
    assert 'id="report-action-reopen"' in html
    stale = client_for(world.applicant).post(f"/reports/{report.pk}/actions/reopen/", {"reopen-expected_version": "1"})
    assert stale.status_code == 409
    response = client_for(world.applicant).post(
        f"/reports/{report.pk}/actions/reopen/", {"reopen-expected_version": str(report.version)}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "draft"


# --- A fixed number of queries -------------------------------------------------------------------------


def _grow(world: World, licence: Licence, report: QuarterlyReport, upload: ReportUpload, start: int, stop: int) -> None:
    """Findings and nodes ``start`` to ``stop`` of the report."""
    for index in range(start, stop):
        raise_finding(
            actor=None,
            licence=licence,
            rule="node:outside-mainland",
            citation="test",
            severity=Severity.MEDIUM,
            fingerprint=f"test:{report.pk}:{index}",
            on=TODAY,
            report=report,
        )
        ReportNode.objects.create(
            upload=upload,
            line=index + 2,
            node_id=f"n-{index}",
            address="8.8.8.8",
            role="idc",
            location="US",
            country="US",
        )


@pytest.mark.parametrize("who", ["holder", "local officer"])
def test_the_report_page_costs_the_same_queries_for_2_and_12_findings_and_nodes(
    world: World, licence: Licence, report: QuarterlyReport, who: str
) -> None:
    upload = ReportUpload.objects.create(
        report=report,
        part="node_list",
        filename="n.csv",
        sha256="0" * 64,
        size_bytes=1,
        rows=0,
        uploaded_by=world.applicant,
    )
    client = client_for(_actors(world)[who])
    counts = []
    for start, stop in ((0, 2), (2, 12)):
        _grow(world, licence, report, upload, start, stop)
        client.get(f"/reports/{report.pk}/")  # the session and the catalogue warmed
        with CaptureQueriesContext(connection) as queries:
            html = _html(client.get(f"/reports/{report.pk}/"))
        assert len(re.findall(r'href="/findings/\d+/"', html)) == stop
        counts.append(len(queries))
    assert counts[0] == counts[1]
