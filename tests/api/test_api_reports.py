"""The quarterly reports through the API (api/routers/reports.py): a licence's obligations calendar,
opening a quarter's report, reading it, saving its operational data, uploading its parts and following
their ingestion runs, and the lifecycle's actions. Each answer is checked exactly; every refusal leaves
the reports as they were; another organisation's licence or report is a 404; a read token may not write;
the calendar sends as many queries for ten obligations as for one."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World
from pytest_django.fixtures import Settings
from report_world import LOG, NODES, NUMBER, TODAY, submitted

from vatspilot.domain.applications import Role
from vatspilot.services.accounts.api_tokens import create_api_token
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

PROBLEM = "application/problem+json"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATA: dict[str, Any] = {
    "users": 120000,
    "revenue_cny": Decimal("1234567.89"),
    "bandwidth_gbps": Decimal("40.500"),
    "personal_info_exported": 150000,
    "sensitive_info_exported": 0,
    "important_data_exported": False,
    "cross_border_mechanism": "",
}
# The body as a client writes it: the amounts as JSON numbers, exactly as typed.
DATA_JSON = (
    '"users": 120000, "revenue_cny": 1234567.89, "bandwidth_gbps": 40.500, "personal_info_exported": 150000, '
    '"sensitive_info_exported": 0, "important_data_exported": false, "cross_border_mechanism": ""'
)


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


def _actors(world: World) -> dict[str, Any]:
    return {
        "holder": world.applicant,
        "other member": world.other_applicant,
        "local officer": world.users[Role.LOCAL_OFFICER],
        "outsider": world.outsider,
        "miit": world.users[Role.MIIT_REVIEWER],
        "cac": world.users[Role.CAC_REVIEWER],
        "anonymous": None,
    }


def bearer(user: Any, scope: str = "write") -> dict[str, str]:
    if user is None:
        return {}
    return {"Authorization": f"Bearer {create_api_token(actor=user, name=f'{scope} token', scope=scope).secret}"}


def get(path: str, user: Any, **headers: str) -> Any:
    return Client().get(path, headers={**bearer(user), **headers})


def send(method: str, path: str, body: Any, user: Any, scope: str = "write", **headers: str) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return getattr(Client(), method)(
        path, text, content_type="application/json", headers={**bearer(user, scope), **headers}
    )


def upload(report: QuarterlyReport, part: str, name: str, data: bytes, user: Any, **fields: Any) -> Any:
    form: dict[str, Any] = {"expected_version": str(report.version), "file": SimpleUploadedFile(name, data), **fields}
    form = {key: value for key, value in form.items() if value is not None}
    return Client().post(f"/api/v1/reports/{report.pk}/uploads/{part}", form, headers=bearer(user))


def unchanged() -> tuple[object, ...]:
    """What a refusal must leave as it was (token use is audited: only the reports' entries count)."""
    return (
        list(
            QuarterlyReport.objects.order_by("pk").values_list(
                "status", "version", "users", "revenue_cny", "submitted_on"
            )
        ),
        IngestionRun.objects.count(),
        ReportUpload.objects.count(),
        SupervisionEvent.objects.count(),
        Finding.objects.count(),
        AuditEntry.objects.filter(action__startswith="report.").count(),
    )


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


# --- The obligations calendar -----------------------------------------------------------------------------


def _obligation(label: str, **values: Any) -> dict[str, Any]:
    return {"label": label, **values}


def test_the_holder_reads_the_obligations_calendar(world: World, report: QuarterlyReport) -> None:
    response = get(f"/api/v1/licences/{NUMBER}/obligations", world.applicant)
    assert response.status_code == 200
    body = response.json()
    assert (body["next_cursor"], body["next"]) == (None, None)
    assert body["items"] == [
        {
            "kind": "quarterly-report",
            "label": "2025-Q3",
            "year": 2025,
            "quarter": 3,
            "period_start": "2025-07-01",
            "period_end": "2025-09-30",
            "opens_on": "2025-10-01",
            "due_on": "2025-10-15",
            "cure_deadline": "2025-10-30",
            "status": "overdue",
            "filed_on": None,
            "days_left": None,
            "days_late": 87,
            "cure_days_left": None,
            "report_id": None,
            "can_open": False,
        },
        {
            "kind": "quarterly-report",
            "label": "2025-Q4",
            "year": 2025,
            "quarter": 4,
            "period_start": "2025-10-01",
            "period_end": "2025-12-31",
            "opens_on": "2026-01-01",
            "due_on": "2026-01-15",
            "cure_deadline": "2026-01-30",
            "status": "open",
            "filed_on": None,
            "days_left": 5,
            "days_late": None,
            "cure_days_left": None,
            "report_id": report.pk,
            "can_open": False,  # opened already
        },
        {
            "kind": "annual-report",
            "label": "2025",
            "year": 2025,
            "quarter": None,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "opens_on": "2026-01-01",
            "due_on": "2026-03-31",
            "cure_deadline": "2026-04-30",
            "status": "open",
            "filed_on": None,
            "days_left": 80,
            "days_late": None,
            "cure_days_left": None,
            "report_id": None,
            "can_open": False,
        },
        {
            "kind": "quarterly-report",
            "label": "2026-Q1",
            "year": 2026,
            "quarter": 1,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "opens_on": "2026-04-01",
            "due_on": "2026-04-15",
            "cure_deadline": "2026-04-30",
            "status": "not_due",
            "filed_on": None,
            "days_left": 95,
            "days_late": None,
            "cure_days_left": None,
            "report_id": None,
            "can_open": False,
        },
        {
            "kind": "annual-report",
            "label": "2026",
            "year": 2026,
            "quarter": None,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "opens_on": "2027-01-01",
            "due_on": "2027-03-31",
            "cure_deadline": "2027-04-30",
            "status": "not_due",
            "filed_on": None,
            "days_left": 445,
            "days_late": None,
            "cure_days_left": None,
            "report_id": None,
            "can_open": False,
        },
    ]


def test_the_open_quarter_can_be_opened_by_the_holder_only(world: World, licence: Licence) -> None:
    def can_open(user: Any) -> dict[str, bool]:
        items = get(f"/api/v1/licences/{NUMBER}/obligations", user).json()["items"]
        return {item["label"]: item["can_open"] for item in items}

    labels = ["2025-Q3", "2025-Q4", "2025", "2026-Q1", "2026"]
    assert can_open(world.applicant) == {**dict.fromkeys(labels, False), "2025-Q4": True}
    assert can_open(world.users[Role.LOCAL_OFFICER]) == dict.fromkeys(labels, False)


@pytest.mark.parametrize(
    ("who", "status"),
    [("local officer", 200), ("miit", 200), ("cac", 200), ("other member", 404), ("outsider", 404), ("anonymous", 401)],
)
def test_the_calendar_for_each_role(world: World, licence: Licence, who: str, status: int) -> None:
    response = get(f"/api/v1/licences/{NUMBER}/obligations", _actors(world)[who])
    assert response.status_code == status
    if status == 200:
        assert [item["label"] for item in response.json()["items"]] == ["2025-Q3", "2025-Q4", "2025", "2026-Q1", "2026"]
    else:
        assert response["Content-Type"] == PROBLEM
    assert get("/api/v1/licences/B1-20990001/obligations", world.applicant).status_code == 404


def test_a_nul_in_a_licence_number_or_a_run_id_is_the_404_of_a_missing_one(
    world: World, report: QuarterlyReport
) -> None:
    before = unchanged()
    problem_of(get("/api/v1/licences/B1%00/obligations", world.applicant), 404)
    problem_of(send("post", "/api/v1/licences/B1%00/reports", {"year": 2025, "quarter": 4}, world.applicant), 404)
    problem_of(get(f"/api/v1/reports/{report.pk}/runs/ab%00cd", world.applicant), 404)
    assert unchanged() == before


def test_the_calendar_filters_by_status_and_kind(world: World, licence: Licence) -> None:
    path = f"/api/v1/licences/{NUMBER}/obligations"
    labels = lambda query: [item["label"] for item in get(f"{path}?{query}", world.applicant).json()["items"]]  # noqa: E731
    assert labels("status=open") == ["2025-Q4", "2025"]
    assert labels("kind=annual-report") == ["2025", "2026"]
    assert labels("status=open&kind=quarterly-report") == ["2025-Q4"]
    assert labels("status=submitted") == []
    for query, field in (("status=due", "/status"), ("kind=monthly", "/kind"), ("limit=0", "/limit")):
        assert problem_of(get(f"{path}?{query}", world.applicant), 422)["field"] == field


def test_the_calendar_pages_walk_every_obligation_once(world: World, licence: Licence) -> None:
    path = f"/api/v1/licences/{NUMBER}/obligations?limit=1"
    seen = []
    while path:
        body = get(path, world.applicant).json()
        seen.extend(item["label"] for item in body["items"])
        assert len(body["items"]) == 1
        path = body["next"]
    assert seen == ["2025-Q3", "2025-Q4", "2025", "2026-Q1", "2026"]
    bad = problem_of(get(f"/api/v1/licences/{NUMBER}/obligations?cursor=not-a-cursor", world.applicant), 422)
    assert (bad["field"], bad["code"]) == ("/cursor", "invalid-cursor")


def _counted(user: Any, path: str) -> tuple[list[Any], int]:
    client = Client(headers=bearer(user))
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["items"], len(queries.captured_queries)


def test_the_calendar_sends_as_many_queries_for_ten_obligations_as_for_one(
    world: World, licence: Licence, settings: Settings
) -> None:
    path = f"/api/v1/licences/{NUMBER}/obligations?kind=quarterly-report"
    settings.VATSPILOT_TODAY = "2025-07-01"
    one, queries_for_one = _counted(world.applicant, path)
    settings.VATSPILOT_TODAY = "2027-10-01"
    report = open_report(actor=world.applicant, licence=licence, year=2027, quarter=3, on=date(2027, 10, 1))
    many, queries_for_many = _counted(world.applicant, path)
    assert (len(one), len(many)) == (1, 10)
    assert [item["report_id"] for item in many[-2:]] == [report.pk, None]
    assert queries_for_many == queries_for_one


# --- Opening a quarter's report -----------------------------------------------------------------------------


def _draft_payload(report: QuarterlyReport, *, editable: bool = True, actions: list[str] | None = None) -> dict:
    return {
        "id": report.pk,
        "licence": NUMBER,
        "holder_name_zh": report.licence.holder_name_zh,
        "holder_name_en": report.licence.holder_name_en,
        "period": "2025-Q4",
        "year": 2025,
        "quarter": 4,
        "status": "draft",
        "version": 1,
        "due_on": "2026-01-15",
        "cure_deadline": "2026-01-30",
        "submitted_on": None,
        "late": False,
        "rulebook_version": report.rulebook_version,
        "data": {
            "users": None,
            "revenue_cny": None,
            "bandwidth_gbps": None,
            "personal_info_exported": None,
            "sensitive_info_exported": None,
            "important_data_exported": None,
            "cross_border_mechanism": "",
        },
        "parts": [
            {"part": "node_list", "formats": [".csv", ".xlsx"], "upload": None, "run": None},
            {"part": "security_log", "formats": [".ndjson", ".jsonl", ".csv"], "upload": None, "run": None},
        ],
        "missing": [
            "users",
            "revenue_cny",
            "bandwidth_gbps",
            "personal_info_exported",
            "sensitive_info_exported",
            "important_data_exported",
            "node_list",
            "security_log",
        ],
        "findings": [],
        "available_actions": actions or [],
        "editable": editable,
    }


def test_the_holder_opens_the_quarter(world: World, licence: Licence) -> None:
    response = send("post", f"/api/v1/licences/{NUMBER}/reports", {"year": 2025, "quarter": 4}, world.applicant)
    assert response.status_code == 201, response.content
    report = QuarterlyReport.objects.get()
    assert response["Location"] == f"/api/v1/reports/{report.pk}"
    assert response.json() == _draft_payload(report)
    assert (report.year, report.quarter, report.status, report.due_on) == (2025, 4, "draft", date(2026, 1, 15))
    assert AuditEntry.objects.filter(action="report.opened", actor=world.applicant).count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("local officer", 403), ("miit", 403), ("cac", 403), ("other member", 404), ("outsider", 404), ("anonymous", 401)],
)
def test_nobody_but_the_holder_opens_a_report(world: World, licence: Licence, who: str, status: int) -> None:
    before = unchanged()
    response = send("post", f"/api/v1/licences/{NUMBER}/reports", {"year": 2025, "quarter": 4}, _actors(world)[who])
    refused = problem_of(response, status)
    if status == 403:
        assert (refused["type"], refused["code"], refused["detail"]) == (
            "urn:vatspilot:problem:action-refused",
            "role-not-allowed",
            "Only the licence holder files its reports.",
        )
    assert unchanged() == before


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"year": 2026, "quarter": 1}, 422, "/quarter", "quarter-not-ended"),
        ({"year": 2025, "quarter": 2}, 422, "/quarter", "quarter-not-owed"),
        ({"year": 2025, "quarter": 5}, 422, "/quarter", None),
        ({"year": 2025, "quarter": "4"}, 422, "/quarter", None),
        ({"year": 2025}, 422, "/quarter", None),
        ({"year": 2025, "quarter": 4, "period": "Q4"}, 422, "/period", None),
    ],
)
def test_a_quarter_not_to_open_is_refused_naming_the_field(
    world: World, licence: Licence, body: dict[str, Any], status: int, field: str, code: str | None
) -> None:
    before = unchanged()
    refused = problem_of(send("post", f"/api/v1/licences/{NUMBER}/reports", body, world.applicant), status)
    assert refused["field"] == field
    if code:
        assert refused["code"] == code
    assert unchanged() == before


def test_an_open_quarter_is_not_opened_twice_and_a_read_token_opens_nothing(
    world: World, report: QuarterlyReport
) -> None:
    before = unchanged()
    again = problem_of(
        send("post", f"/api/v1/licences/{NUMBER}/reports", {"year": 2025, "quarter": 4}, world.applicant), 422
    )
    assert (again["code"], again["field"], again["detail"]) == (
        "report-exists",
        "/quarter",
        "That quarter's report is already open.",
    )
    read = send("post", f"/api/v1/licences/{NUMBER}/reports", {"year": 2025, "quarter": 4}, world.applicant, "read")
    assert problem_of(read, 403)["type"] == "urn:vatspilot:problem:token-scope"
    assert unchanged() == before


# --- One report -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 200),
        ("local officer", 200),
        ("miit", 200),
        ("cac", 200),
        ("other member", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_the_report_for_each_role(world: World, report: QuarterlyReport, who: str, status: int) -> None:
    response = get(f"/api/v1/reports/{report.pk}", _actors(world)[who])
    assert response.status_code == status
    if status == 200:
        assert response.json() == _draft_payload(report, editable=who == "holder")


def test_a_missing_report_is_the_404_of_one_not_yours(world: World, report: QuarterlyReport) -> None:
    missing = problem_of(get("/api/v1/reports/999999", world.applicant), 404)
    hidden = problem_of(get(f"/api/v1/reports/{report.pk}", world.other_applicant), 404)
    assert {key: value for key, value in missing.items() if key != "instance"} == {
        key: value for key, value in hidden.items() if key != "instance"
    }


# --- The operational data --------------------------------------------------------------------------------------


def test_the_holder_saves_exact_decimals_and_blanks(world: World, report: QuarterlyReport) -> None:
    body = '{"expected_version": 1, ' + DATA_JSON.replace('"users": 120000', '"users": null') + "}"
    response = send("put", f"/api/v1/reports/{report.pk}/data", body, world.applicant)
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert '"revenue_cny": 1234567.89' in text and '"bandwidth_gbps": 40.500' in text  # numbers, exactly
    answer = response.json()
    assert (answer["version"], answer["data"]["users"], answer["data"]["important_data_exported"]) == (2, None, False)
    assert answer["missing"] == ["users", "node_list", "security_log"]
    report.refresh_from_db()
    assert (report.users, report.revenue_cny, report.bandwidth_gbps, report.personal_info_exported) == (
        None,
        Decimal("1234567.89"),
        Decimal("40.500"),
        150000,
    )
    # A whole number is a valid amount; a field left out is blank.
    whole = send("put", f"/api/v1/reports/{report.pk}/data", {"expected_version": 2, "revenue_cny": 3}, world.applicant)
    assert whole.status_code == 200, whole.content
    report.refresh_from_db()
    assert (report.revenue_cny, report.bandwidth_gbps, report.version) == (Decimal("3"), None, 3)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('"revenue_cny": 1.001', "/revenue_cny"),
        ('"bandwidth_gbps": 1.0001', "/bandwidth_gbps"),
        ('"revenue_cny": -1', "/revenue_cny"),
        ('"revenue_cny": "12.50"', "/revenue_cny"),
        ('"users": -1', "/users"),
        ('"users": "3"', "/users"),
        ('"users": true', "/users"),
        ('"users": 1.5', "/users"),
        ('"users": 9223372036854775808', "/users"),
        ('"important_data_exported": 0', "/important_data_exported"),
        ('"cross_border_mechanism": "a promise"', "/cross_border_mechanism"),
        ('"colour": "blue"', "/colour"),
    ],
)
def test_a_wrong_value_is_a_422_naming_its_field_and_nothing_is_saved(
    world: World, report: QuarterlyReport, body: str, field: str
) -> None:
    before = unchanged()
    response = send(
        "put", f"/api/v1/reports/{report.pk}/data", '{"expected_version": 1, ' + body + "}", world.applicant
    )
    assert problem_of(response, 422)["field"] == field
    assert unchanged() == before


def test_saving_needs_the_version_and_a_stale_one_is_a_conflict(world: World, report: QuarterlyReport) -> None:
    path = f"/api/v1/reports/{report.pk}/data"
    assert problem_of(send("put", path, {"users": 1}, world.applicant), 422)["field"] == "/expected_version"
    assert send("put", path, {"expected_version": 1, "users": 1}, world.applicant).status_code == 200
    before = unchanged()
    stale = problem_of(send("put", path, {"expected_version": 1, "users": 7}, world.applicant), 409)
    assert (stale["title"], stale["detail"]) == (
        "The report changed",
        "Someone else changed this report while you were working on it. Reload it and try again.",
    )
    assert unchanged() == before
    chinese = problem_of(
        send("put", path, {"expected_version": 1, "users": 7}, world.applicant, **{"Accept-Language": "zh-hans"}), 409
    )
    assert (chinese["title"], chinese["detail"]) == ("报告已被修改", "您处理期间他人已修改此报告。请重新加载后再试。")


@pytest.mark.parametrize(
    ("who", "status"),
    [("local officer", 403), ("miit", 403), ("other member", 404), ("outsider", 404), ("anonymous", 401)],
)
def test_only_the_holder_saves_the_draft(world: World, report: QuarterlyReport, who: str, status: int) -> None:
    before = unchanged()
    problem_of(send("put", f"/api/v1/reports/{report.pk}/data", {"expected_version": 1}, _actors(world)[who]), status)
    assert unchanged() == before


def test_a_read_token_saves_nothing(world: World, report: QuarterlyReport) -> None:
    before = unchanged()
    response = send(
        "put", f"/api/v1/reports/{report.pk}/data", {"expected_version": 1, "users": 1}, world.applicant, "read"
    )
    assert problem_of(response, 403)["type"] == "urn:vatspilot:problem:token-scope"
    assert unchanged() == before


# --- Uploads and their runs ---------------------------------------------------------------------------------------


def test_an_upload_is_staged_read_by_the_worker_and_followed_through_its_run(
    world: World, report: QuarterlyReport, settings: Settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(report, "node_list", "nodes.csv", NODES, world.applicant)
    assert response.status_code == 202, response.content
    run = IngestionRun.objects.get()
    progress = f"/api/v1/reports/{report.pk}/runs/{run.pk}"
    assert response["Location"] == progress
    staged = response.json()
    assert {key: staged[key] for key in ("id", "report_id", "part", "filename", "progress")} == {
        "id": str(run.pk),
        "report_id": report.pk,
        "part": "node_list",
        "filename": "nodes.csv",
        "progress": progress,
    }
    assert staged["status"] == "queued"  # as it was when answered: the worker reads after the commit
    assert (run.status, run.rows_read, ReportNode.objects.count()) == ("accepted", 4, 4)
    answer = get(progress, world.applicant).json()
    assert answer == {
        "id": str(run.pk),
        "report_id": report.pk,
        "part": "node_list",
        "filename": "nodes.csv",
        "status": "accepted",
        "finished": True,
        "rows_read": 4,
        "error_count": 0,
        "errors": [],
        "more_errors": 0,
        "created_at": answer["created_at"],
        "finished_at": answer["finished_at"],
        "progress": progress,
    }
    assert answer["finished_at"] is not None
    part = get(f"/api/v1/reports/{report.pk}", world.applicant).json()["parts"][0]
    assert part["upload"]["filename"] == "nodes.csv" and part["upload"]["rows"] == 4
    assert part["run"] == answer


def test_a_queued_run_is_shown_queued_until_the_worker_reads_it(world: World, report: QuarterlyReport) -> None:
    # Without the commit callbacks run, the task is never enqueued: the run stays queued, as it is until
    # a worker takes it.
    response = upload(report, "node_list", "nodes.csv", NODES, world.applicant)
    assert response.status_code == 202
    progress = response.json()["progress"]
    queued = get(progress, world.applicant).json()
    assert (queued["status"], queued["finished"], queued["rows_read"], queued["finished_at"]) == (
        "queued",
        False,
        0,
        None,
    )
    ingest(response.json()["id"])
    read = get(progress, world.applicant).json()
    assert (read["status"], read["finished"], read["rows_read"]) == ("accepted", True, 4)


def test_a_rejected_file_lists_its_first_100_errors(world: World, report: QuarterlyReport) -> None:
    lines = [b"id,address,role,location"] + [f"n-{i},999.0.0.{i},idc,310115".encode() for i in range(130)]
    response = upload(report, "node_list", "nodes.csv", b"\n".join(lines) + b"\n", world.applicant)
    run = ingest(response.json()["id"])
    assert run.status == "rejected"
    answer = get(response.json()["progress"], world.applicant).json()
    assert (answer["status"], answer["finished"], answer["rows_read"], answer["error_count"]) == (
        "rejected",
        True,
        130,
        130,
    )
    assert len(answer["errors"]) == 100 and answer["more_errors"] == 30
    assert [error["line"] for error in answer["errors"]] == list(range(2, 102))
    assert {error["field"] for error in answer["errors"]} == {"address"}
    assert answer["errors"][0] == {"line": 2, "field": "address", "reason": "not an IP address or CIDR"}
    assert ReportUpload.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "fields", "field", "code"),
    [
        ("nodes.pdf", {}, "/file", "unsupported-format"),
        ("nodes.csv", {"file": None}, "/file", "required"),
        ("nodes.csv", {"expected_version": None}, "/expected_version", "required"),
        ("nodes.csv", {"expected_version": "one"}, "/expected_version", "invalid"),
        ("nodes.csv", {"expected_version": "0"}, "/expected_version", "invalid"),
        ("nodes.csv", {"colour": "blue"}, "/colour", "unknown-field"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_field(
    world: World, report: QuarterlyReport, name: str, fields: dict[str, Any], field: str, code: str
) -> None:
    before = unchanged()
    refused = problem_of(upload(report, "node_list", name, NODES, world.applicant, **fields), 422)
    assert (refused["field"], refused["code"]) == (field, code)
    assert unchanged() == before


def test_an_empty_file_an_unknown_part_and_a_stale_version_are_refused(world: World, report: QuarterlyReport) -> None:
    before = unchanged()
    assert problem_of(upload(report, "node_list", "nodes.csv", b"", world.applicant), 422)["code"] == "empty"
    problem_of(upload(report, "floor_plan", "nodes.csv", NODES, world.applicant), 404)
    stale = problem_of(upload(report, "node_list", "nodes.csv", NODES, world.applicant, expected_version="2"), 409)
    assert stale["title"] == "The report changed"
    assert unchanged() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("local officer", 403), ("miit", 403), ("other member", 404), ("outsider", 404), ("anonymous", 401)],
)
def test_only_the_holder_uploads_and_only_those_who_see_it_follow_the_run(
    world: World, report: QuarterlyReport, who: str, status: int
) -> None:
    progress = upload(report, "node_list", "nodes.csv", NODES, world.applicant).json()["progress"]
    before = unchanged()
    problem_of(upload(report, "node_list", "nodes.csv", NODES, _actors(world)[who]), status)
    assert unchanged() == before
    assert get(progress, _actors(world)[who]).status_code == (200 if status == 403 else status)


def test_a_read_token_uploads_nothing_and_a_malformed_run_is_404(world: World, report: QuarterlyReport) -> None:
    before = unchanged()
    read = Client().post(
        f"/api/v1/reports/{report.pk}/uploads/node_list",
        {"expected_version": "1", "file": SimpleUploadedFile("nodes.csv", NODES)},
        headers=bearer(world.applicant, "read"),
    )
    assert problem_of(read, 403)["type"] == "urn:vatspilot:problem:token-scope"
    assert unchanged() == before
    for run_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        problem_of(get(f"/api/v1/reports/{report.pk}/runs/{run_id}", world.applicant), 404)


# --- The lifecycle's actions ----------------------------------------------------------------------------------


def _complete(world: World, report: QuarterlyReport, settings: Settings, capture: Any) -> QuarterlyReport:
    settings.TASKS = IMMEDIATE
    body = '{"expected_version": 1, ' + DATA_JSON + "}"
    assert send("put", f"/api/v1/reports/{report.pk}/data", body, world.applicant).status_code == 200
    report.refresh_from_db()
    with capture(execute=True):
        assert upload(report, "node_list", "nodes.csv", NODES, world.applicant).status_code == 202
        assert upload(report, "security_log", "log.ndjson", LOG, world.applicant).status_code == 202
    report.refresh_from_db()
    return report


def test_submitting_raises_findings_that_only_those_who_may_open_them_see(
    world: World, report: QuarterlyReport, settings: Settings, django_capture_on_commit_callbacks
) -> None:
    report = _complete(world, report, settings, django_capture_on_commit_callbacks)
    ready = get(f"/api/v1/reports/{report.pk}", world.applicant).json()
    assert (ready["missing"], ready["available_actions"]) == ([], ["submit"])
    response = send(
        "post", f"/api/v1/reports/{report.pk}/actions/submit", {"expected_version": report.version}, world.applicant
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["status"], answer["submitted_on"], answer["late"], answer["editable"]) == (
        "submitted",
        "2026-01-10",
        False,
        False,
    )
    assert answer["available_actions"] == ["reopen"]
    findings = list(Finding.objects.filter(report=report).order_by("raised_on", "pk"))
    expected = [
        {
            "id": finding.pk,
            "rule": finding.rule,
            "severity": finding.severity,
            "status": "open",
            "raised_on": "2026-01-10",
            "remediation_due_on": finding.remediation_due_on.isoformat(),
            "overdue": False,
        }
        for finding in findings
    ]
    assert [row["rule"] for row in expected] == [
        "node:outside-licensed-area",
        "node:outside-mainland",
        "node:declared-location-mismatch",
        "cross-border:mechanism",
    ]
    assert answer["findings"] == expected
    officer = get(f"/api/v1/reports/{report.pk}", world.users[Role.LOCAL_OFFICER]).json()
    assert (officer["findings"], officer["available_actions"]) == (expected, ["return", "accept"])
    cac = get(f"/api/v1/reports/{report.pk}", world.users[Role.CAC_REVIEWER]).json()
    assert (cac["status"], cac["findings"], cac["available_actions"]) == ("submitted", [], [])


def test_an_incomplete_report_is_refused_with_what_is_missing(world: World, report: QuarterlyReport) -> None:
    before = unchanged()
    refused = problem_of(
        send("post", f"/api/v1/reports/{report.pk}/actions/submit", {"expected_version": 1}, world.applicant), 422
    )
    assert refused["detail"] == (
        "The report is incomplete: users, revenue_cny, bandwidth_gbps, personal_info_exported, "
        "sensitive_info_exported, important_data_exported, node_list, security_log."
    )
    assert unchanged() == before


def test_the_local_officer_returns_with_a_reason_and_miit_accepts(world: World, report: QuarterlyReport) -> None:
    report = submitted(world, report)
    officer = world.users[Role.LOCAL_OFFICER]
    path = f"/api/v1/reports/{report.pk}/actions"
    before = unchanged()
    missing = problem_of(send("post", f"{path}/return", {"expected_version": report.version}, officer), 422)
    assert (missing["field"], missing["code"]) == ("/reason", "required")
    blank = problem_of(
        send("post", f"{path}/return", {"expected_version": report.version, "reason": " "}, officer), 422
    )
    assert (blank["field"], blank["code"]) == ("/reason", "reason-required")
    assert unchanged() == before
    response = send(
        "post",
        f"{path}/return",
        {"expected_version": report.version, "reason": "Node n-4 lacks its data centre."},
        officer,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["submitted_on"]) == ("draft", None)
    event = SupervisionEvent.objects.filter(report=report).latest("pk")
    assert (event.action, event.note) == ("return", "Node n-4 lacks its data centre.")
    report.refresh_from_db()
    report = submit_report(actor=world.applicant, report=report, on=TODAY, expected_version=report.version)
    accepted = send("post", f"{path}/accept", {"expected_version": report.version}, world.users[Role.MIIT_REVIEWER])
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["available_actions"]) == ("accepted", [])


def test_the_holder_reopens_before_the_due_day_and_a_stale_version_is_a_conflict(
    world: World, report: QuarterlyReport
) -> None:
    report = submitted(world, report)
    path = f"/api/v1/reports/{report.pk}/actions/reopen"
    before = unchanged()
    stale = problem_of(send("post", path, {"expected_version": 1}, world.applicant), 409)
    assert stale["detail"] == "Someone else changed this report while you were working on it. Reload it and try again."
    extra = problem_of(send("post", path, {"expected_version": report.version, "reason": "typo"}, world.applicant), 422)
    assert (extra["field"], extra["code"]) == ("/reason", "field-not-taken")
    assert problem_of(send("post", path, {}, world.applicant), 422)["field"] == "/expected_version"
    assert (
        problem_of(send("post", path, {"expected_version": "3"}, world.applicant), 422)["field"] == "/expected_version"
    )
    read = send("post", path, {"expected_version": report.version}, world.applicant, "read")
    assert problem_of(read, 403)["type"] == "urn:vatspilot:problem:token-scope"
    assert unchanged() == before
    response = send("post", path, {"expected_version": report.version}, world.applicant)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["editable"]) == ("draft", True)


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("holder", "accept", 403),
        ("holder", "return", 403),
        ("local officer", "reopen", 403),
        ("miit", "submit", 403),
        ("cac", "accept", 403),
        ("outsider", "accept", 404),
        ("other member", "reopen", 404),
        ("anonymous", "accept", 401),
        ("local officer", "no-such-action", 404),
    ],
)
def test_an_action_not_the_callers_changes_nothing(
    world: World, report: QuarterlyReport, who: str, action: str, status: int
) -> None:
    report = submitted(world, report)
    before = unchanged()
    body: dict[str, Any] = {"expected_version": report.version}
    if action == "return":
        body["reason"] = "because"
    problem_of(send("post", f"/api/v1/reports/{report.pk}/actions/{action}", body, _actors(world)[who]), status)
    assert unchanged() == before


def test_after_the_due_day_the_holder_cannot_reopen(world: World, report: QuarterlyReport, settings: Settings) -> None:
    report = submitted(world, report)
    settings.VATSPILOT_TODAY = "2026-01-16"
    before = unchanged()
    refused = problem_of(
        send(
            "post", f"/api/v1/reports/{report.pk}/actions/reopen", {"expected_version": report.version}, world.applicant
        ),
        422,
    )
    assert refused["detail"] == "The report's due date has passed: only the authority can return it now."
    assert unchanged() == before
