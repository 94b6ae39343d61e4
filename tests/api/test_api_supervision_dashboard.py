"""/api/v1/supervision/dashboard: the supervisors' dashboard for MIIT reviewers and local officers, with
the figures and tables the page shows; anyone else gets 404 (as on the page), a caller without a token 401;
a fixed number of SQL statements however many licences."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from exit_world import written_exit
from pilot_world import World, client_for, make_user
from register_world import more_licences
from supervision_world import world_with_work

from vatspilot.domain.applications import Role
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import AuditEntry, Finding

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 20)
URL = "/api/v1/supervision/dashboard"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def today(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = TODAY


def _token(user: Any, scope: str = "read") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(actor=user, name='t', scope=scope).secret}")


def test_the_local_officer_reads_the_dashboard_of_their_licences(world: World) -> None:
    licence, finding = world_with_work(world)
    response = _token(world.users[Role.LOCAL_OFFICER]).get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "today": "2025-11-20",
        "licences": 1,
        "late_obligations": [
            {
                "licence_number": licence.number,
                "holder_name_zh": licence.holder_name_zh,
                "holder_name_en": licence.holder_name_en,
                "kind": "quarterly-report",
                "obligation": "2025-Q3",
                "due_on": "2025-10-15",
                "cure_deadline": "2025-10-30",
                "status": "overdue",
                "days_late": 36,
                "listing_proposed": False,
            }
        ],
        "reports_by_quarter": [{"quarter": "2025-Q3", "on_time": 0, "late": 0, "missing": 1}],
        "age_buckets": ["0-30", "31-90", "90+"],
        "open_findings": [
            {"severity": "critical", "by_age": {"0-30": 0, "31-90": 1, "90+": 0}},  # raised 35 days ago
            {"severity": "high", "by_age": {"0-30": 1, "31-90": 0, "90+": 0}},
            {"severity": "medium", "by_age": {"0-30": 0, "31-90": 0, "90+": 0}},
            {"severity": "low", "by_age": {"0-30": 0, "31-90": 0, "90+": 0}},
        ],
        "cross_border_flags": 1,
        "overdue_findings": [
            {
                "finding_id": finding.pk,
                "licence_number": licence.number,
                "rule": "node:outside-mainland",
                "severity": "critical",
                "status": "open",
                "deadline": "2025-10-31",
                "days_overdue": 20,
            }
        ],
        "findings_by_month": [
            {"month": "2025-10", "by_severity": {"critical": 1, "high": 0, "medium": 0, "low": 0}},
            {"month": "2025-11", "by_severity": {"critical": 0, "high": 1, "medium": 0, "low": 0}},
        ],
        "inspections": {"drawn": 0, "done": 0},
        "overdue_exits": [],
    }


def test_miit_sees_the_same_and_another_provinces_officer_an_empty_board(world: World) -> None:
    world_with_work(world)
    officer = client_for(world.users[Role.LOCAL_OFFICER]).get(URL).json()
    assert client_for(world.users[Role.MIIT_REVIEWER]).get(URL).json() == officer
    empty = client_for(world.outsider).get(URL)  # the Beijing officer supervises no Shanghai licence
    assert empty.status_code == 200
    body = empty.json()
    assert (body["licences"], body["late_obligations"], body["overdue_findings"], body["cross_border_flags"]) == (
        0,
        [],
        [],
        0,
    )
    assert [row["by_age"] for row in body["open_findings"]] == [{"0-30": 0, "31-90": 0, "90+": 0}] * 4


def test_an_overdue_network_exit(world: World) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    written_exit(world.organisation, "B1.B2-20259001", actor=miit, deadline=date(2025, 11, 10), users_migrated=40)
    body = client_for(miit).get(URL).json()
    assert body["overdue_exits"] == [
        {
            "licence_number": "B1.B2-20259001",
            "holder_name_zh": world.organisation.name_zh or world.organisation.name,
            "holder_name_en": world.organisation.name,
            "state": "in_progress",
            "opened_on": "2025-06-03",
            "migration_deadline": "2025-11-10",
            "users_migrated": 40,
            "users_to_migrate": 120,
            "days_overdue": 10,
        }
    ]


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.CAC_REVIEWER, Role.MPS_REVIEWER, Role.SECURITY_EXPERT, Role.INSPECTOR]
)
def test_those_it_is_not_for_get_404_and_nothing_changes(world: World, role: Role) -> None:
    world_with_work(world)
    clients = (client_for(world.users[role]), _token(world.users[role]))
    # Nothing is written but the token's first use of the day (audited, as every token's).
    written = AuditEntry.objects.exclude(action="api_token.used")
    findings, entries = list(Finding.objects.values_list("pk", "status", "version")), written.count()
    for client in clients:
        response = client.get(URL)
        assert (response.status_code, response["Content-Type"]) == (404, PROBLEM), role
        assert response.json()["detail"] == "No such resource, or you may not see it."
    assert (list(Finding.objects.values_list("pk", "status", "version")), written.count()) == (findings, entries)


def test_an_administrator_and_an_inactive_officer_get_404_or_401(world: World) -> None:
    admin = make_user("admin-of-staff", "admin")
    assert client_for(admin).get(URL).status_code == 404
    officer = world.users[Role.LOCAL_OFFICER]
    client = _token(officer)
    officer.is_active = False
    officer.save()
    assert client.get(URL).status_code == 401


def test_without_sign_in_it_is_401(world: World) -> None:
    world_with_work(world)
    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer vp_unknown")):
        response = client.get(URL)
        assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
        assert "late_obligations" not in response.content.decode()


def test_a_write_is_not_allowed(world: World) -> None:
    client = _token(world.users[Role.MIIT_REVIEWER], "write")
    response = client.post(URL, json.dumps({}), content_type="application/json")
    assert response.status_code == 405


def _counted(client: Client) -> tuple[dict[str, Any], int]:
    assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200, response.content
    return response.json(), len(queries.captured_queries)


def test_as_many_queries_for_ten_licences_as_for_one(world: World) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    client = client_for(miit)
    more_licences(1, actor=miit)
    one, queries_for_one = _counted(client)
    more_licences(9, actor=miit, first_serial=200)
    ten, queries_for_ten = _counted(client)
    assert (one["licences"], len(one["late_obligations"])) == (1, 1)
    assert (ten["licences"], len(ten["late_obligations"])) == (10, 10)
    assert queries_for_ten == queries_for_one
