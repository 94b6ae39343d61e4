"""Random inspections through the API (/api/v1/inspections): a draw made by MIIT (nationwide) or a local
officer (their province), refused to anyone else and for anything the draw cannot meet, nothing written;
the draw as published, without sign-in, re-running to its teams; the inspections each reader may see (a
403 for those the web's page refuses too), the cursor and a fixed number of SQL statements; one
inspection; and its record by a member of its team, with the findings it raises, once only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import SHANGHAI, World, make_user
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.draw import draw
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.supervision.inspections import run_draw
from vatspilot.store.models import AuditEntry, Finding, Inspection, InspectionDraw, Licence
from vatspilot.store.models.supervision import InspectionKind

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
SEED = "2025-11 national"
SUMMARY = "Two days on site; the admin console was reachable"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-11-03"
    make_user("insp_a", Role.INSPECTOR.value)
    make_user("insp_b", Role.INSPECTOR.value)
    return world.licence()


def api(user: Any, scope: str = "write", language: str = "en") -> Client:
    secret = create_api_token(actor=user, name=f"{scope} token", scope=scope).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=body, content_type="application/json")


def counts() -> tuple[int, ...]:
    return (
        InspectionDraw.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        AuditEntry.objects.filter(action__regex=r"^(inspection|finding)\.").count(),
    )


def draw_body(licence: Licence, **changes: Any) -> dict[str, Any]:
    return {
        "jurisdiction": "nationwide",
        "seed": SEED,
        "kind": "penetration_test",
        "licensee_count": 1,
        "inspectors_per_licensee": 2,
        "conflicts": {"insp_a": [licence.number]},
        **changes,
    }


def drawn(world: World, licence: Licence) -> Inspection:
    record = run_draw(
        actor=world.users[Role.MIIT_REVIEWER],
        jurisdiction=None,
        seed=SEED,
        on=licence.issued_on,
        kind=InspectionKind.ON_SITE,
        licensee_count=1,
        inspectors_per_licensee=2,
        declared_conflicts={"insp_a": [licence.number]},
    )
    return Inspection.objects.get(draw=record)


# --- Draws ------------------------------------------------------------------------------------------------


def test_miit_draws_nationwide_and_the_published_draw_re_runs(world: World, licence: Licence) -> None:
    response = post(api(world.users[Role.MIIT_REVIEWER]), "/api/v1/inspections/draws", draw_body(licence))

    assert response.status_code == 201, response.content
    record = InspectionDraw.objects.get()
    inspection = Inspection.objects.get(draw=record)
    assert response["Location"] == f"/api/v1/inspections/draws/{record.pk}"
    body = response.json()
    rerun = body.pop("rerun")
    data = {
        "conflicts": {"insp_a": [licence.number]},
        "inspectors": ["insp_a", "insp_b", "inspector"],
        "inspectors_per_licensee": 2,
        "licensee_count": 1,
        "licensees": [licence.number],
        "seed": SEED,
    }
    assert body == {
        "id": record.pk,
        "seed": SEED,
        "algorithm": "sha256-rank/v1",
        "drawn_on": "2025-11-03",
        "jurisdiction": "",
        "kind": "Penetration test",
        "licensee_pool": [licence.number],
        "inspector_pool": ["insp_a", "insp_b", "inspector"],
        "conflicts": {"insp_a": [licence.number]},
        "licensee_count": 1,
        "inspectors_per_licensee": 2,
        "teams": [
            {
                "licensee": licence.number,
                "holder": SHANGHAI.name,
                "inspectors": body["teams"][0]["inspectors"],
                "short": False,
                "done_on": None,
                "findings": 0,
            }
        ],
        "data": data,
    }
    assert sorted(body["teams"][0]["inspectors"]) == ["insp_b", "inspector"]
    assert sorted(inspection.inspectors.values_list("username", flat=True)) == ["insp_b", "inspector"]
    assert inspection.kind == "penetration_test"
    again = draw(
        seed=data["seed"],
        licensees=data["licensees"],
        inspectors=data["inspectors"],
        conflicts=data["conflicts"],
        licensee_count=data["licensee_count"],
        inspectors_per_licensee=data["inspectors_per_licensee"],
    )
    assert [list(team.inspectors) for team in again.teams] == [body["teams"][0]["inspectors"]]
    assert rerun.startswith('DATA = """{') and "import hashlib" in rerun
    # Published: the same answer without sign-in.
    public = Client().get(f"/api/v1/inspections/draws/{record.pk}")
    assert public.status_code == 200
    assert {**public.json(), "rerun": ""} == {**body, "rerun": ""}
    assert Client().get("/api/v1/inspections/draws/999999").status_code == 404


def test_the_officer_draws_for_their_province(world: World, licence: Licence) -> None:
    response = post(
        api(world.users[Role.LOCAL_OFFICER]), "/api/v1/inspections/draws", draw_body(licence, jurisdiction="310000")
    )
    assert response.status_code == 201, response.content
    assert response.json()["jurisdiction"] == "Shanghai"


def test_refused_draws_write_nothing(world: World, licence: Licence) -> None:
    officer = api(world.users[Role.LOCAL_OFFICER])
    before = counts()
    cases = [
        (officer, {"jurisdiction": "110000"}, (403, None)),
        (officer, {"jurisdiction": "nationwide"}, (403, None)),
        (api(world.applicant), {}, (403, None)),
        (api(world.users[Role.INSPECTOR]), {}, (403, None)),
        (api(world.users[Role.CAC_REVIEWER]), {}, (403, None)),
        (api(world.users[Role.MIIT_REVIEWER], "read"), {}, (403, None)),
        (officer, {"jurisdiction": "999999"}, (422, "/jurisdiction")),
        (officer, {"jurisdiction": "310000", "licensee_count": 2}, (422, "/licensee_count")),
        (officer, {"jurisdiction": "310000", "licensee_count": "1"}, (422, "/licensee_count")),
        (officer, {"jurisdiction": "310000", "licensee_count": 0}, (422, "/licensee_count")),
        (officer, {"jurisdiction": "310000", "kind": "audit"}, (422, "/kind")),
        (officer, {"jurisdiction": "310000", "seed": ""}, (422, "/seed")),
        (officer, {"jurisdiction": "310000", "seed": "   "}, (422, "/seed")),
        (officer, {"jurisdiction": "310000", "conflicts": {"insp_a": "B1"}}, (422, "/conflicts/insp_a")),
        (officer, {"jurisdiction": "310000", "by": "me"}, (422, "/by")),
    ]
    for client, changes, (status, field) in cases:
        response = post(client, "/api/v1/inspections/draws", draw_body(licence, **changes))
        assert response.status_code == status, (changes, response.content)
        assert response["Content-Type"] == PROBLEM
        if status == 422:
            assert response.json()["field"] == field, changes
        assert counts() == before, changes
    assert post(Client(), "/api/v1/inspections/draws", draw_body(licence)).status_code == 401


# --- The list and one inspection --------------------------------------------------------------------------


def test_the_list_shows_each_reader_what_they_may_see(world: World, licence: Licence) -> None:
    inspection = drawn(world, licence)
    row = {
        "id": inspection.pk,
        "licence_number": licence.number,
        "holder": SHANGHAI.name,
        "kind": "on_site",
        "draw_id": inspection.draw_id,
        "drawn_on": licence.issued_on.isoformat(),
        "team": ["insp_b", "inspector"],
        "done_on": None,
        "findings": 0,
    }
    for user in (world.users[Role.MIIT_REVIEWER], world.users[Role.LOCAL_OFFICER], world.users[Role.INSPECTOR]):
        assert api(user, "read").get("/api/v1/inspections").json() == {
            "items": [row],
            "next_cursor": None,
            "next": None,
        }
    assert api(world.outsider, "read").get("/api/v1/inspections").json()["items"] == []
    insp_a = type(world.applicant).objects.get(username="insp_a")
    assert api(insp_a, "read").get("/api/v1/inspections").json()["items"] == []
    for user in (world.applicant, world.other_applicant, world.users[Role.CAC_REVIEWER]):
        response = api(user, "read").get("/api/v1/inspections")
        assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)
    assert Client().get("/api/v1/inspections").status_code == 401


def test_the_pages_walk_the_list_once_and_cost_the_same(world: World, licence: Licence) -> None:
    client = api(world.users[Role.MIIT_REVIEWER], "read")

    def counted() -> tuple[int, int]:
        assert client.get("/api/v1/inspections").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/inspections")
        return len(response.json()["items"]), len(queries.captured_queries)

    made = [drawn(world, licence)]
    one, for_one = counted()
    made += [drawn(world, licence) for _ in range(9)]
    ten, for_ten = counted()
    assert (one, ten) == (1, 10)
    assert for_ten == for_one
    # One recorded goes last; the rest the newest first.
    Inspection.objects.filter(pk=made[-1].pk).update(done_on="2025-11-03", summary="x")
    seen, path = [], "/api/v1/inspections?limit=3"
    while path:
        body = client.get(path).json()
        seen += [item["id"] for item in body["items"]]
        path = body["next"]
    assert seen == [inspection.pk for inspection in reversed(made[:-1])] + [made[-1].pk]
    bad = client.get("/api/v1/inspections?cursor=WzEsMiwzXQ")
    assert (bad.status_code, bad.json()["field"], bad.json()["code"]) == (422, "/cursor", "invalid-cursor")


def test_who_reads_an_inspection(world: World, licence: Licence) -> None:
    inspection = drawn(world, licence)
    path = f"/api/v1/inspections/{inspection.pk}"
    member = api(world.users[Role.INSPECTOR], "read").get(path)
    assert member.status_code == 200
    assert member.json() == {
        "id": inspection.pk,
        "licence_number": licence.number,
        "holder": SHANGHAI.name,
        "kind": "on_site",
        "draw_id": inspection.draw_id,
        "drawn_on": licence.issued_on.isoformat(),
        "team": ["insp_b", "inspector"],
        "done_on": None,
        "summary": "",
        "findings": [],
        "may_record": True,
        "may_open_findings": False,
    }
    for user in (world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]):
        body = api(user, "read").get(path).json()
        assert (body["may_record"], body["may_open_findings"]) == (False, True)
    insp_a = type(world.applicant).objects.get(username="insp_a")
    for user in (world.applicant, world.other_applicant, world.outsider, world.users[Role.CAC_REVIEWER], insp_a):
        client = api(user, "read")
        seen, missing = client.get(path), client.get("/api/v1/inspections/999999")
        assert (seen.status_code, missing.status_code) == (404, 404)
        assert {**seen.json(), "instance": ""} == {**missing.json(), "instance": ""}


# --- The record ---------------------------------------------------------------------------------------------


def test_the_team_records_the_inspection_and_its_findings_once(world: World, licence: Licence) -> None:
    inspection = drawn(world, licence)
    path = f"/api/v1/inspections/{inspection.pk}/record"
    body = {
        "done_on": "2025-11-03",
        "summary": SUMMARY,
        "found": [
            {"rule": "inspection:penetration-test", "severity": "high", "description": "Admin console reachable"},
            {"rule": "inspection:penetration-test", "severity": "low", "description": "TLS 1.0 still offered"},
        ],
    }
    response = post(api(world.users[Role.INSPECTOR]), path, body)

    assert response.status_code == 200, response.content
    findings = list(Finding.objects.filter(inspection=inspection).order_by("pk"))
    answer = response.json()
    assert (answer["done_on"], answer["summary"], answer["may_record"]) == ("2025-11-03", SUMMARY, False)
    assert answer["findings"] == [
        {
            "id": findings[0].pk,
            "rule": "inspection:penetration-test",
            "severity": "high",
            "status": "open",
            "description": "Admin console reachable",
        },
        {
            "id": findings[1].pk,
            "rule": "inspection:penetration-test",
            "severity": "low",
            "status": "open",
            "description": "TLS 1.0 still offered",
        },
    ]
    assert [(f.licence_id, f.raised_on.isoformat()) for f in findings] == [(licence.pk, "2025-11-03")] * 2
    # The holder reads the findings raised on its licence.
    assert api(world.applicant, "read").get(f"/api/v1/findings/{findings[0].pk}").status_code == 200
    # The published draw shows the day and how many, never what.
    public = Client().get(f"/api/v1/inspections/draws/{inspection.draw_id}").json()
    assert (public["teams"][0]["done_on"], public["teams"][0]["findings"]) == ("2025-11-03", 2)
    assert "Admin console" not in str(public)
    # Once only.
    before = counts()
    again = post(api(world.users[Role.INSPECTOR]), path, {"done_on": "2025-11-03", "summary": "again"})
    assert (again.status_code, again.json()["code"]) == (422, "already-recorded")
    assert counts() == before


def test_refused_records_write_nothing(world: World, licence: Licence, settings: Settings) -> None:
    inspection = drawn(world, licence)
    path = f"/api/v1/inspections/{inspection.pk}/record"
    member = api(world.users[Role.INSPECTOR])
    good = {"done_on": "2025-11-03", "summary": SUMMARY}
    issue = {"rule": "inspection:pt", "severity": "high", "description": "y"}
    insp_a = type(world.applicant).objects.get(username="insp_a")
    before = counts()
    cases = [
        (api(world.users[Role.LOCAL_OFFICER]), good, (403, None)),
        (api(world.users[Role.MIIT_REVIEWER]), good, (403, None)),
        (api(world.users[Role.INSPECTOR], "read"), good, (403, None)),
        (api(insp_a), good, (404, None)),
        (api(world.applicant), good, (404, None)),
        (member, {**good, "done_on": "2025-11-04"}, (422, "/done_on")),
        (member, {**good, "done_on": licence.issued_on.replace(day=1).isoformat()}, (422, "/done_on")),
        (member, {**good, "done_on": 20251103}, (422, "/done_on")),
        (member, {**good, "done_on": "3 Nov 2025"}, (422, "/done_on")),
        (member, {**good, "summary": ""}, (422, "/summary")),
        (member, {**good, "summary": "  "}, (422, "/summary")),
        (member, {"summary": SUMMARY}, (422, "/done_on")),
        (member, {**good, "found": [{**issue, "rule": "Bad Rule"}]}, (422, "/found/0/rule")),
        (member, {**good, "found": [{**issue, "severity": "urgent"}]}, (422, "/found/0/severity")),
        (member, {**good, "found": [issue, {**issue, "description": "   "}]}, (422, "/found/1/description")),
        (member, {**good, "found": [{**issue, "note": "x"}]}, (422, "/found/0/note")),
    ]
    for client, body, (status, field) in cases:
        response = post(client, path, body)
        assert response.status_code == status, (body, response.content)
        assert response["Content-Type"] == PROBLEM
        if status == 422:
            assert response.json()["field"] == field, body
        assert counts() == before, body
    assert Inspection.objects.get(pk=inspection.pk).done_on is None
    # A supervisor sees the inspection but may not record it: refused by role, with the code.
    refused = post(api(world.users[Role.LOCAL_OFFICER]), path, good)
    assert (refused.status_code, refused.json()["code"]) == (403, "role-not-allowed")


def test_problem_details_in_chinese(world: World, licence: Licence) -> None:
    response = post(
        api(world.users[Role.LOCAL_OFFICER], language="zh-hans"),
        "/api/v1/inspections/draws",
        draw_body(licence, jurisdiction="999999"),
    )
    assert response.json()["detail"] == "“nationwide”（全国）或省级行政区的 GB/T 2260 代码（如 310000）。"
