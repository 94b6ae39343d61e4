"""Findings through the API (/api/v1/findings): the list (who sees which, the filters, the cursor, a
fixed number of SQL statements), one finding in full, the evidence's download, the holder's remediation
with evidence (multipart, as the web's form: each file checked, a refused one a 422 naming /evidence and
nothing kept), the authority's actions and the escalation ladder to a scope reduction and a revocation.
Every refusal leaves the store as it was: 404 for a finding not yours, 403 for a role that may not, 409
for a stale version, 422 naming the field; a read token may not write; Chinese problem details."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import PDF, World
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.supervision.findings import dismiss_finding, raise_finding
from vatspilot.store.models import AuditEntry, Finding, FindingEvidence, Licence, LicenceEvent, SupervisionEvent

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
RAISED = date(2025, 10, 16)  # critical: remediation due 2025-10-31
CITATION = "Pilot Notice: node lists (test basis)"
CITATION_ZH = "《网络安全法》第二十二条"
REASON = "Decision 2025-11 of the Shanghai CA: the node is in Hong Kong"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-10-20"
    return world.licence()


def raise_one(licence: Licence, number: int = 1, severity: Severity = Severity.CRITICAL, on: date = RAISED) -> Finding:
    made, _new = raise_finding(
        actor=None,
        licence=licence,
        rule="node:outside-mainland",
        citation=CITATION,
        severity=severity,
        fingerprint=f"report:1:node:{number}",
        on=on,
        details={
            "nodes": 2,
            "listed": [{"id": "n-7", "line": 8, "detail": "203.0.113.9 resolves to US"}],
            "citation_zh": CITATION_ZH,
        },
    )
    return made


@pytest.fixture
def finding(licence: Licence) -> Finding:
    return raise_one(licence)


def api(user: Any, scope: str = "write", language: str = "en") -> Client:
    secret = create_api_token(actor=user, name=f"{scope} token", scope=scope).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)


def act(client: Client, finding: Finding, action: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/findings/{finding.pk}/actions/{action}", data=body, content_type="application/json")


def remedy(client: Client, finding: Finding, data: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/findings/{finding.pk}/actions/report_remediation", data=data)


def evidence(name: str = "patch-report.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def unchanged(finding: Finding) -> tuple[object, ...]:
    row = Finding.objects.filter(pk=finding.pk).values_list("status", "version", "rectification_due_on").get()
    licence = Licence.objects.filter(pk=finding.licence_id).values_list("status", "version", "services").get()
    return (
        row,
        licence,
        SupervisionEvent.objects.count(),
        LicenceEvent.objects.count(),
        FindingEvidence.objects.count(),
        AuditEntry.objects.filter(action__regex=r"^(finding|licence|credit_list|network_exit)\.").count(),
    )


def problem(response: Any) -> tuple[int, str | None, str | None]:
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    return response.status_code, body.get("field"), body.get("code")


# --- One finding ----------------------------------------------------------------------------------------


def test_the_holder_reads_the_finding_in_full(world: World, finding: Finding) -> None:
    response = api(world.applicant, "read").get(f"/api/v1/findings/{finding.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": finding.pk,
        "version": 1,
        "licence_number": finding.licence.number,
        "holder_name_zh": finding.licence.holder_name_zh,
        "holder_name_en": finding.licence.holder_name_en,
        "rule": "node:outside-mainland",
        "citation": CITATION,
        "citation_zh": CITATION_ZH,
        "severity": "critical",
        "status": "open",
        "raised_on": "2025-10-16",
        "source": "",
        "report_id": None,
        "remediation_due_on": "2025-10-31",
        "rectification_due_on": None,
        "deadline": "2025-10-31",
        "days_left": 11,
        "overdue": False,
        "rung": 0,
        "ladder": [
            {"state": "open", "reached": True, "current": True},
            {"state": "rectification_ordered", "reached": False, "current": False},
            {"state": "scope_reduced", "reached": False, "current": False},
            {"state": "revoked", "reached": False, "current": False},
        ],
        "listed_nodes": [{"node_id": "n-7", "line": 8, "detail": "203.0.113.9 resolves to US"}],
        "details": [{"key": "nodes", "label": "Nodes concerned", "value": "2"}],
        "evidence": [],
        "events": [],
        "available_actions": ["report_remediation"],
        "bad_record_listing": None,
    }


def test_supervisors_read_it_with_their_actions_and_others_get_the_404_of_none(world: World, finding: Finding) -> None:
    for role in (Role.LOCAL_OFFICER, Role.MIIT_REVIEWER):
        body = api(world.users[role], "read").get(f"/api/v1/findings/{finding.pk}").json()
        assert body["available_actions"] == ["dismiss"], role  # not overdue yet: no rung of the ladder
    for user in (world.other_applicant, world.outsider, world.users[Role.INSPECTOR], world.users[Role.CAC_REVIEWER]):
        client = api(user, "read")
        seen, missing = client.get(f"/api/v1/findings/{finding.pk}"), client.get("/api/v1/findings/999999")
        assert (seen.status_code, missing.status_code) == (404, 404)
        assert {**seen.json(), "instance": ""} == {**missing.json(), "instance": ""}
    assert Client().get(f"/api/v1/findings/{finding.pk}").status_code == 401


# --- The list -------------------------------------------------------------------------------------------


def test_the_list_shows_each_reader_what_they_may_see(world: World, finding: Finding) -> None:
    row = {
        "id": finding.pk,
        "licence_number": finding.licence.number,
        "holder": finding.licence.holder_name_en or finding.licence.holder_name_zh,
        "rule": "node:outside-mainland",
        "severity": "critical",
        "status": "open",
        "raised_on": "2025-10-16",
        "age_days": 4,
        "deadline": "2025-10-31",
        "days_left": 11,
        "overdue": False,
        "rung": 0,
    }
    for user in (world.applicant, world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]):
        assert api(user, "read").get("/api/v1/findings").json() == {"items": [row], "next_cursor": None, "next": None}
    for user in (world.other_applicant, world.outsider, world.users[Role.INSPECTOR], world.users[Role.CAC_REVIEWER]):
        assert api(user, "read").get("/api/v1/findings").json()["items"] == []


def test_the_filters_keep_what_they_say_and_refuse_a_value_they_do_not_know(world: World, licence: Licence) -> None:
    critical = raise_one(licence, 1)
    low = raise_one(licence, 2, Severity.LOW)
    dismissed = raise_one(licence, 3, Severity.HIGH)
    dismiss_finding(
        actor=world.users[Role.MIIT_REVIEWER], finding=dismissed, on=date(2025, 10, 20), expected_version=1, reason="x"
    )
    client = api(world.users[Role.MIIT_REVIEWER], "read")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/findings?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    # Unresolved first (the oldest, then the more severe), then the closed.
    assert ids("") == [critical.pk, low.pk, dismissed.pk]
    assert ids("severity=low") == [low.pk]
    assert ids("status=dismissed") == [dismissed.pk]
    assert ids("status=open&severity=critical") == [critical.pk]
    assert ids(f"licence={licence.number}") == [critical.pk, low.pk, dismissed.pk]
    assert ids("licence=B1-20259999") == []
    assert ids("overdue=true") == []
    for query, field in (
        ("status=closed", "/status"),
        ("severity=urgent", "/severity"),
        ("licence=" + "x" * 41, "/licence"),
    ):
        response = client.get(f"/api/v1/findings?{query}")
        assert (response.status_code, response.json()["field"]) == (422, field), query


def test_the_pages_walk_the_whole_list_once(world: World, licence: Licence) -> None:
    made = [raise_one(licence, number, on=date(2025, 10, 10 + number)) for number in range(1, 6)]
    dismiss_finding(
        actor=world.users[Role.MIIT_REVIEWER], finding=made[0], on=date(2025, 10, 20), expected_version=1, reason="x"
    )
    dismiss_finding(
        actor=world.users[Role.MIIT_REVIEWER], finding=made[1], on=date(2025, 10, 20), expected_version=1, reason="x"
    )
    client = api(world.applicant, "read")
    seen, path = [], "/api/v1/findings?limit=2&severity=critical"
    while path:
        body = client.get(path).json()
        seen += [item["id"] for item in body["items"]]
        path = body["next"]
    # The open ones the oldest first, then the dismissed the newest first.
    assert seen == [made[2].pk, made[3].pk, made[4].pk, made[1].pk, made[0].pk]
    bad = client.get("/api/v1/findings?cursor=bm90LWEta2V5")
    assert problem(bad) == (422, "/cursor", "invalid-cursor")


def test_the_list_sends_as_many_queries_for_ten_rows_as_for_one(world: World, licence: Licence) -> None:
    client = api(world.users[Role.LOCAL_OFFICER], "read")

    def counted() -> tuple[int, int]:
        assert client.get("/api/v1/findings").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/findings")
        return len(response.json()["items"]), len(queries.captured_queries)

    raise_one(licence, 1)
    one, for_one = counted()
    for number in range(2, 11):
        raise_one(licence, number)
    ten, for_ten = counted()
    assert (one, ten) == (1, 10)
    assert for_ten == for_one


# --- The authority's actions ------------------------------------------------------------------------------


def test_the_officer_dismisses_the_finding(world: World, finding: Finding) -> None:
    response = act(api(world.users[Role.LOCAL_OFFICER]), finding, "dismiss", {"expected_version": 1, "reason": REASON})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["version"], body["deadline"], body["rung"]) == ("dismissed", 2, None, None)
    assert body["available_actions"] == []
    assert body["events"] == [
        {
            "on": "2025-10-20",
            "action": "dismiss",
            "from_state": "open",
            "to_state": "dismissed",
            "role": "local_officer",
            "note": REASON,
            "rectification_due_on": None,
        }
    ]
    assert Finding.objects.get(pk=finding.pk).status == "dismissed"


def test_refused_actions_change_nothing(world: World, finding: Finding) -> None:
    officer = api(world.users[Role.LOCAL_OFFICER])
    before = unchanged(finding)
    cases = [
        (api(world.applicant), "dismiss", {"expected_version": 1, "reason": REASON}, (403, None, "role-not-allowed")),
        (api(world.outsider), "dismiss", {"expected_version": 1, "reason": REASON}, (404, None, None)),
        (api(world.other_applicant), "dismiss", {"expected_version": 1, "reason": REASON}, (404, None, None)),
        (officer, "annul", {"expected_version": 1, "reason": REASON}, (404, None, None)),
        (officer, "dismiss", {"expected_version": 7, "reason": REASON}, (409, None, "conflict")),
        (officer, "dismiss", {"expected_version": 1}, (422, "/reason", "required")),
        (officer, "dismiss", {"expected_version": 1, "reason": "  "}, (422, "/reason", "field-required")),
        (
            officer,
            "dismiss",
            {"expected_version": 1, "reason": REASON, "deadline": "2025-12-01"},
            (422, "/deadline", "field-not-taken"),
        ),
        (officer, "dismiss", {"expected_version": "1", "reason": REASON}, (422, "/expected_version", None)),
        (officer, "dismiss", {"expected_version": 1, "reason": REASON, "note": "x"}, (422, "/note", None)),
        # Not overdue yet: the ladder's first rung is refused by its guard.
        (
            officer,
            "order_rectification",
            {"expected_version": 1, "reason": REASON, "deadline": "2025-11-30"},
            (422, None, "guard-failed:remediation_overdue"),
        ),
        (
            officer,
            "order_rectification",
            {"expected_version": 1, "reason": REASON, "deadline": 20251130},
            (422, "/deadline", None),
        ),
        (
            api(world.users[Role.LOCAL_OFFICER], "read"),
            "dismiss",
            {"expected_version": 1, "reason": REASON},
            (403, None, None),
        ),
    ]
    for client, action, body, expected in cases:
        response = act(client, finding, action, body)
        assert problem(response) == expected, (action, body, response.content)
        assert unchanged(finding) == before, (action, body)


def test_the_ladder_to_a_scope_reduction_and_a_revocation(world: World, finding: Finding, settings: Settings) -> None:
    officer, miit = api(world.users[Role.LOCAL_OFFICER]), api(world.users[Role.MIIT_REVIEWER])
    settings.VATSPILOT_TODAY = "2025-11-05"  # the remediation deadline (2025-10-31) has passed
    assert officer.get(f"/api/v1/findings/{finding.pk}").json()["available_actions"] == [
        "dismiss",
        "order_rectification",
    ]
    before = unchanged(finding)
    today = act(
        officer, finding, "order_rectification", {"expected_version": 1, "reason": REASON, "deadline": "2025-11-05"}
    )
    assert problem(today) == (422, "/deadline", "deadline-not-after-decision")
    assert unchanged(finding) == before

    ordered = act(
        officer, finding, "order_rectification", {"expected_version": 1, "reason": REASON, "deadline": "2025-11-30"}
    )
    assert ordered.status_code == 200, ordered.content
    body = ordered.json()
    assert (body["status"], body["rectification_due_on"], body["deadline"], body["rung"]) == (
        "rectification_ordered",
        "2025-11-30",
        "2025-11-30",
        1,
    )
    assert body["events"][-1]["rectification_due_on"] == "2025-11-30"

    settings.VATSPILOT_TODAY = "2025-12-01"
    reduce = {"expected_version": 2, "reason": "Decision 2025-12: B25-05 withdrawn", "deadline": "2025-12-31"}
    before = unchanged(finding)
    assert act(officer, finding, "reduce_scope", {**reduce, "remove_services": ["B25-05"]}).status_code == 403
    every = act(miit, finding, "reduce_scope", {**reduce, "remove_services": ["B11", "B25-05"]})
    assert problem(every)[:2] == (422, "/remove_services")
    assert unchanged(finding) == before
    reduced = act(miit, finding, "reduce_scope", {**reduce, "remove_services": ["B25-05"]})
    assert reduced.status_code == 200, reduced.content
    body = reduced.json()
    assert (body["status"], body["rung"], body["deadline"]) == ("scope_reduced", 2, "2025-12-31")
    assert body["bad_record_listing"] == {
        "penalty_decided_on": "2025-12-01",
        "due_on": "2025-12-31",
        "days": 30,
        "listed_on": None,
        "overdue": False,
    }
    assert [service["code"] for service in Licence.objects.get(pk=finding.licence_id).services] == ["B11"]

    settings.VATSPILOT_TODAY = "2026-01-02"
    revoked = act(miit, finding, "revoke", {"expected_version": 3, "reason": "Decision 2026-01: revoked"})
    assert revoked.status_code == 200, revoked.content
    assert (revoked.json()["status"], revoked.json()["rung"]) == ("revoked", 3)
    assert Licence.objects.get(pk=finding.licence_id).status == "revoked"


# --- The holder's remediation with evidence ----------------------------------------------------------------


def test_the_holder_reports_the_remediation_with_two_files_and_they_download(world: World, finding: Finding) -> None:
    holder = api(world.applicant)
    response = remedy(
        holder,
        finding,
        {
            "expected_version": "1",
            "note": "Node n-7 moved to Shanghai",
            "evidence": [evidence(), evidence("scan.pdf", PDF + b"%2")],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["version"], body["deadline"]) == ("remediation_reported", 2, None)
    items = body["evidence"]
    assert [(item["filename"], item["size_bytes"], item["uploaded_by"]) for item in items] == [
        ("patch-report.pdf", len(PDF), world.applicant.username),
        ("scan.pdf", len(PDF) + 2, world.applicant.username),
    ]
    assert items[0]["download"] == f"/api/v1/findings/{finding.pk}/evidence/{items[0]['id']}"
    assert body["events"][-1]["note"] == "Node n-7 moved to Shanghai"
    for user in (world.applicant, world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]):
        file = api(user, "read").get(items[1]["download"])
        assert (file.status_code, file["Content-Type"], b"".join(file.streaming_content)) == (
            200,
            "application/octet-stream",
            PDF + b"%2",
        )
        assert file["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    for user in (world.other_applicant, world.outsider):
        assert api(user, "read").get(items[1]["download"]).status_code == 404
    assert api(world.applicant, "read").get(f"/api/v1/findings/{finding.pk}/evidence/999999").status_code == 404

    # The authority accepts it: resolved.
    accepted = act(
        api(world.users[Role.LOCAL_OFFICER]), finding, "accept_remediation", {"expected_version": 2, "reason": REASON}
    )
    assert (accepted.status_code, accepted.json()["status"]) == (200, "resolved")


def test_a_refused_remediation_keeps_nothing(world: World, finding: Finding, settings: Settings) -> None:
    holder = api(world.applicant)
    good = {"expected_version": "1", "note": "Moved"}
    before = unchanged(finding)
    cases = [
        ({**good, "evidence": [evidence(), evidence("notes.pdf", b"plain text, not a PDF")]}, (422, "/evidence")),
        ({**good, "evidence": [evidence("empty.pdf", b"")]}, (422, "/evidence")),
        (good, (422, "/evidence")),
        ({"expected_version": "1", "evidence": [evidence()]}, (422, "/note")),
        ({"note": "Moved", "evidence": [evidence()]}, (422, "/expected_version")),
        ({**good, "expected_version": "one", "evidence": [evidence()]}, (422, "/expected_version")),
        ({**good, "reason": "x", "evidence": [evidence()]}, (422, "/reason")),
        ({**good, "expected_version": "5", "evidence": [evidence()]}, (409, None)),
    ]
    for data, (status, field) in cases:
        response = remedy(holder, finding, data)
        assert (response.status_code, response.json().get("field")) == (status, field), data
        assert unchanged(finding) == before
    settings.VATSPILOT_MAX_UPLOAD_BYTES = 10
    large = remedy(holder, finding, {**good, "evidence": [evidence()]})
    # A body over the upload limit is refused before it is read (as the documents' uploads are).
    assert (large.status_code, large.json()["type"]) == (413, "urn:vatspilot:problem:too-large")
    assert unchanged(finding) == before
    settings.VATSPILOT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    as_json = holder.post(
        f"/api/v1/findings/{finding.pk}/actions/report_remediation",
        data={"expected_version": 1, "note": "Moved"},
        content_type="application/json",
    )
    assert as_json.status_code == 415
    for client, status in (
        (api(world.users[Role.LOCAL_OFFICER]), 403),
        (api(world.outsider), 404),
        (api(world.applicant, "read"), 403),
    ):
        response = remedy(client, finding, {**good, "evidence": [evidence()]})
        assert response.status_code == status
    assert unchanged(finding) == before


def test_a_stale_version_is_a_409_in_the_findings_words(world: World, finding: Finding) -> None:
    response = act(api(world.users[Role.LOCAL_OFFICER]), finding, "dismiss", {"expected_version": 2, "reason": REASON})
    assert (response.status_code, response.json()["title"], response.json()["detail"]) == (
        409,
        "The finding changed",
        "Someone else changed this finding while you were working on it. Reload it and try again.",
    )


def test_problem_details_in_chinese(world: World, finding: Finding) -> None:
    client = api(world.users[Role.LOCAL_OFFICER], language="zh-hans")
    stale = act(client, finding, "dismiss", {"expected_version": 2, "reason": REASON})
    assert stale.json()["title"] == "发现问题已被修改"
    response = act(client, finding, "dismiss", {"expected_version": 1})
    assert response.json()["detail"] == "此操作须填写 reason。"
    response = remedy(api(world.applicant, language="zh-hans"), finding, {"expected_version": "1", "note": "x"})
    assert response.json()["detail"] == "请至少附上一份整改证明材料。"
