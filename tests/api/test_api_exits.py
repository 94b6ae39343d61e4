"""/api/v1/licences/{number}/exit, its steps (/exit/actions/{action}) and /api/v1/exits: the orderly
network exit as the licence page and /exits/ have it (services.licences.exits, queries.network_exits).
Who may see, who may take which step (a role's refusal a 403, as on the page), the state's and the plan's
refusals (422 naming the field), a stale version (409), the strict body, the read token, the supervisors'
list with its filters, its pages and its query count; nothing changed by any refusal."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from exit_world import NUMBER, drive_exit, fresh, revoked_exit, written_exit
from pilot_world import World, client_for
from pytest_django.fixtures import Settings
from register_world import add_licence

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.exit import ExitState
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import AuditEntry, LicenceEvent, NetworkExit, Notification

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
EXIT = f"/api/v1/licences/{NUMBER}/exit"
NOTE = "Second wave via partner qx8"
PLAN = {"users_notified_on": "2025-07-10", "migration_deadline": "2025-12-31", "users_to_migrate": 120}


@pytest.fixture
def network_exit(world: World, settings: Settings) -> NetworkExit:
    settings.VATSPILOT_TODAY = "2025-07-01"
    return revoked_exit(world)


def _step(client: Client, action: str, body: dict[str, Any], number: str = NUMBER, **headers: str) -> Any:
    return client.post(
        f"/api/v1/licences/{number}/exit/actions/{action}",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def _unchanged(network_exit: NetworkExit) -> tuple[object, ...]:
    network_exit = fresh(network_exit)
    return (
        network_exit.status,
        network_exit.version,
        network_exit.users_migrated,
        network_exit.users_to_migrate,
        LicenceEvent.objects.count(),
        AuditEntry.objects.filter(action__startswith="network_exit.").count(),
        Notification.objects.count(),
    )


# --- Reading one exit -------------------------------------------------------------------------------------


def test_the_holder_reads_the_exit_with_the_step_open_to_it(world: World, network_exit: NetworkExit) -> None:
    response = client_for(world.applicant).get(EXIT)

    assert response.status_code == 200
    assert response.json() == {
        "licence_number": NUMBER,
        "version": 1,
        "state": "required",
        "state_label": "Exit required",
        "opened_on": "2025-06-03",
        "users_notified_on": None,
        "migration_deadline": None,
        "users_to_migrate": None,
        "users_migrated": 0,
        "confirmed_on": None,
        "overdue": False,
        "days_overdue": 0,
        "awaiting_plan_since": "2025-06-03",
        "steps": [],
        "available_actions": [{"action": "file_plan", "label": "File the exit plan"}],
    }


@pytest.mark.parametrize("role", [Role.MIIT_REVIEWER, Role.LOCAL_OFFICER, Role.CAC_REVIEWER])
def test_officials_read_it_without_the_holders_steps(world: World, network_exit: NetworkExit, role: Role) -> None:
    response = client_for(world.users[role]).get(EXIT)

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["available_actions"]) == ("required", [])


def test_another_organisation_or_province_gets_the_404_of_a_missing_licence(
    world: World, network_exit: NetworkExit
) -> None:
    missing = client_for(world.applicant).get("/api/v1/licences/B9-20259999/exit")
    answers = [client_for(user).get(EXIT) for user in (world.other_applicant, world.outsider)]

    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    assert [(answer.status_code, answer.json()) for answer in answers] == [
        (404, missing.json() | {"instance": EXIT})
    ] * 2


def test_a_licence_with_no_exit_is_a_404(world: World, network_exit: NetworkExit) -> None:
    add_licence(world.organisation, "B1-20250077", actor=world.users[Role.MIIT_REVIEWER])

    response = client_for(world.applicant).get("/api/v1/licences/B1-20250077/exit")
    step = _step(client_for(world.applicant), "file_plan", {"expected_version": 1, **PLAN}, "B1-20250077")

    assert (response.status_code, response.json()["status"]) == (404, 404)
    assert step.status_code == 404


def test_signed_out_is_a_401(world: World, network_exit: NetworkExit) -> None:
    assert client_for(None).get(EXIT).status_code == 401
    assert _step(client_for(None), "file_plan", {"expected_version": 1, **PLAN}).status_code == 401
    assert fresh(network_exit).version == 1


# --- The steps --------------------------------------------------------------------------------------------


def test_the_holder_files_the_plan(world: World, network_exit: NetworkExit) -> None:
    response = _step(client_for(world.applicant), "file_plan", {"expected_version": 1, **PLAN})

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("state", "version", "users_notified_on", "migration_deadline")} == {
        "state": "in_progress",
        "version": 2,
        "users_notified_on": "2025-07-10",
        "migration_deadline": "2025-12-31",
    }
    assert (body["users_to_migrate"], body["awaiting_plan_since"], body["overdue"]) == (120, None, False)
    assert body["steps"] == [
        {
            "on": "2025-07-01",
            "action": "exit.file_plan",
            "label": "Network exit: plan filed",
            "users_migrated": 0,
            "note": "",
        }
    ]
    assert body["available_actions"] == [{"action": "report_progress", "label": "Report progress"}]
    network_exit = fresh(network_exit)
    assert (network_exit.status, network_exit.users_to_migrate, network_exit.migration_deadline) == (
        "in_progress",
        120,
        date(2025, 12, 31),
    )
    assert AuditEntry.objects.filter(action="network_exit.file_plan", actor=world.applicant).count() == 1


def test_the_whole_exit_through_the_api(world: World, network_exit: NetworkExit) -> None:
    holder, miit, officer = (
        client_for(world.users[role]) for role in (Role.APPLICANT, Role.MIIT_REVIEWER, Role.LOCAL_OFFICER)
    )

    assert _step(holder, "file_plan", {"expected_version": 1, **PLAN}).status_code == 200
    progress = _step(holder, "report_progress", {"expected_version": 2, "users_migrated": 120, "note": NOTE})
    assert (progress.status_code, progress.json()["users_migrated"]) == (200, 120)
    assert progress.json()["steps"][-1]["note"] == NOTE
    assert progress.json()["steps"][-1]["users_migrated"] == 120
    assert [item["action"] for item in progress.json()["available_actions"]] == ["report_progress", "report_done"]
    done = _step(holder, "report_done", {"expected_version": 3})
    assert (done.status_code, done.json()["state"]) == (200, "done_reported")
    assert [item["action"] for item in miit.get(EXIT).json()["available_actions"]] == ["confirm", "send_back"]
    back = _step(miit, "send_back", {"expected_version": 4, "reason": "Twelve users still on the old network"})
    assert (back.status_code, back.json()["state"], back.json()["steps"][-1]["note"]) == (
        200,
        "in_progress",
        "Twelve users still on the old network",
    )
    assert _step(holder, "report_done", {"expected_version": 5, "note": "All moved now"}).status_code == 200
    confirmed = _step(officer, "confirm", {"expected_version": 6, "note": "Checked the carrier's records"})

    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["state"], body["version"], body["confirmed_on"], body["available_actions"]) == (
        "completed",
        7,
        "2025-07-01",
        [],
    )
    assert [step["action"] for step in body["steps"]] == [
        "exit.file_plan",
        "exit.report_progress",
        "exit.report_done",
        "exit.send_back",
        "exit.report_done",
        "exit.confirm",
    ]
    assert Notification.objects.filter(recipient=world.applicant, kind="licence.exit_confirmed").count() == 1


@pytest.mark.parametrize(
    ("role", "action", "state", "body"),
    [
        (Role.MIIT_REVIEWER, "file_plan", ExitState.REQUIRED, PLAN),
        (Role.LOCAL_OFFICER, "file_plan", ExitState.REQUIRED, PLAN),
        (Role.APPLICANT, "confirm", ExitState.DONE_REPORTED, {}),
        (Role.APPLICANT, "send_back", ExitState.DONE_REPORTED, {"reason": "no"}),
    ],
)
def test_a_step_the_role_may_not_take_is_a_403_and_changes_nothing(
    world: World, network_exit: NetworkExit, role: Role, action: str, state: ExitState, body: dict[str, Any]
) -> None:
    network_exit = drive_exit(world, network_exit, state)
    before = _unchanged(network_exit)

    response = _step(client_for(world.users[role]), action, {"expected_version": network_exit.version, **body})

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert (response.json()["type"], response.json()["code"]) == (
        "urn:vatspilot:problem:action-refused",
        "role-not-allowed",
    )
    assert response.json()["detail"] == "Your role may not take this step of the network exit."
    assert _unchanged(network_exit) == before


def test_a_step_the_state_does_not_allow_is_a_422(world: World, network_exit: NetworkExit) -> None:
    before = _unchanged(network_exit)

    response = _step(client_for(world.applicant), "report_done", {"expected_version": 1})

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "This step is not possible while the network exit is in this state: Exit required."
    )
    assert _unchanged(network_exit) == before


def test_an_unknown_step_is_a_404(world: World, network_exit: NetworkExit) -> None:
    response = _step(client_for(world.applicant), "abandon", {"expected_version": 1})

    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert fresh(network_exit).version == 1


def test_a_stale_version_is_a_409_in_the_exits_words(world: World, network_exit: NetworkExit) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.IN_PROGRESS)
    before = _unchanged(network_exit)

    response = _step(client_for(world.applicant), "report_progress", {"expected_version": 1, "users_migrated": 5})

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["title"]) == ("urn:vatspilot:problem:conflict", "The network exit changed")
    assert body["detail"] == (
        "Someone else changed this network exit while you were working on it. Reload it and try again."
    )
    chinese = _step(
        client_for(world.applicant, "zh-hans"), "report_progress", {"expected_version": 1, "users_migrated": 5}
    )
    assert (chinese.status_code, chinese.json()["title"]) == (409, "网络退出已被修改")
    assert chinese.json()["detail"] == "在您操作期间，他人已更改此网络退出。请重新加载后再试。"
    assert _unchanged(network_exit) == before


def test_a_bad_plan_is_refused_naming_the_field_in_chinese_too(world: World, network_exit: NetworkExit) -> None:
    before = _unchanged(network_exit)
    body = {"expected_version": 1, **PLAN, "migration_deadline": "2025-07-09"}

    english = _step(client_for(world.applicant), "file_plan", body)
    chinese = _step(client_for(world.applicant, "zh-hans"), "file_plan", body)

    assert english.status_code == 422
    assert (english.json()["code"], english.json()["field"]) == ("deadline-before-notice", "/migration_deadline")
    assert english.json()["detail"] == "The migration deadline cannot be before the day the users are told."
    assert chinese.json()["detail"] != english.json()["detail"]
    assert chinese.json()["field"] == "/migration_deadline"
    assert _unchanged(network_exit) == before


def test_more_users_than_planned_is_refused_naming_users_migrated(world: World, network_exit: NetworkExit) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.IN_PROGRESS)
    before = _unchanged(network_exit)

    response = _step(client_for(world.applicant), "report_progress", {"expected_version": 2, "users_migrated": 121})

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("more-than-planned", "/users_migrated")
    assert response.json()["detail"] == "The plan moves 120 users: no more can have moved."
    assert _unchanged(network_exit) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"users_to_migrate": -1}, "/users_to_migrate"),
        ({"users_to_migrate": "120"}, "/users_to_migrate"),  # strict: a string is not a number
        ({"users_to_migrate": 120.0}, "/users_to_migrate"),
        ({"users_to_migrate": True}, "/users_to_migrate"),
        ({"users_to_migrate": 2_147_483_648}, "/users_to_migrate"),  # more than the store keeps
        ({"users_notified_on": "2025-13-01"}, "/users_notified_on"),
        ({"users_notified_on": "10/07/2025"}, "/users_notified_on"),
        ({"users_notified_on": 1752105600}, "/users_notified_on"),  # not a timestamp either
        ({"migration_deadline": None}, "/migration_deadline"),  # required by the step
        ({"reason": "why not"}, "/reason"),  # not taken by the step
        ({"expected_version": "1"}, "/expected_version"),
        ({"expected_version": 0}, "/expected_version"),
        ({"colour": "blue"}, "/colour"),  # unknown to the API
        ({"note": "x" * 4001}, "/note"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(
    world: World, network_exit: NetworkExit, changes: dict[str, Any], field: str
) -> None:
    before = _unchanged(network_exit)
    body = {"expected_version": 1, **PLAN, **changes}
    body = {key: value for key, value in body.items() if value is not None}

    response = _step(client_for(world.applicant), "file_plan", body)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["field"] == field
    assert _unchanged(network_exit) == before


def test_send_back_requires_its_reason(world: World, network_exit: NetworkExit) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.DONE_REPORTED)
    before = _unchanged(network_exit)

    missing = _step(client_for(world.users[Role.MIIT_REVIEWER]), "send_back", {"expected_version": 4})
    blank = _step(client_for(world.users[Role.MIIT_REVIEWER]), "send_back", {"expected_version": 4, "reason": "  "})

    assert (missing.status_code, missing.json()["field"], missing.json()["code"]) == (422, "/reason", "required")
    assert (blank.status_code, blank.json()["field"], blank.json()["code"]) == (422, "/reason", "reason-required")
    assert _unchanged(network_exit) == before


def test_a_read_token_may_read_the_exit_but_not_take_a_step(world: World, network_exit: NetworkExit) -> None:
    secret = create_api_token(actor=world.applicant, name="reader", scope="read").secret
    before = _unchanged(network_exit)
    headers = {"Authorization": f"Bearer {secret}"}

    read = Client().get(EXIT, headers=headers)
    refused = _step(Client(), "file_plan", {"expected_version": 1, **PLAN}, **headers)

    assert (read.status_code, read.json()["available_actions"][0]["action"]) == (200, "file_plan")
    assert (refused.status_code, refused.json()["type"]) == (403, "urn:vatspilot:problem:token-scope")
    assert _unchanged(network_exit) == before


def test_a_write_token_takes_the_step(world: World, network_exit: NetworkExit) -> None:
    secret = create_api_token(actor=world.applicant, name="writer", scope="write").secret

    response = _step(Client(), "file_plan", {"expected_version": 1, **PLAN}, Authorization=f"Bearer {secret}")

    assert (response.status_code, response.json()["version"]) == (200, 2)


# --- The supervisors' list --------------------------------------------------------------------------------


@pytest.fixture
def exits(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = "2026-01-31"
    official = world.users[Role.MIIT_REVIEWER]
    written_exit(world.organisation, "B1-20250011", actor=official, deadline=date(2026, 3, 1))
    written_exit(world.organisation, "B1-20250012", actor=official, deadline=date(2026, 1, 30), users_migrated=7)
    written_exit(world.organisation, "B1-20250013", actor=official, status=ExitState.REQUIRED, deadline=None)
    written_exit(world.other_organisation, "B1-20250014", actor=official, deadline=date(2025, 12, 31))
    written_exit(world.organisation, "B1-20250015", actor=official, status=ExitState.COMPLETED)


def _numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["licence_number"] for item in response.json()["items"]]


def test_miit_lists_every_open_exit_the_overdue_first(world: World, exits: None) -> None:
    response = client_for(world.users[Role.MIIT_REVIEWER]).get("/api/v1/exits")

    assert _numbers(response) == ["B1-20250014", "B1-20250012", "B1-20250011", "B1-20250013"]
    assert response.json()["items"][1] == {
        "licence_number": "B1-20250012",
        "holder_name_zh": world.organisation.name_zh or world.organisation.name,
        "holder_name_en": world.organisation.name,
        "state": "in_progress",
        "state_label": "Exit in progress",
        "opened_on": "2025-06-03",
        "migration_deadline": "2026-01-30",
        "users_migrated": 7,
        "users_to_migrate": 120,
        "overdue": True,
        "days_overdue": 1,
        "awaiting_plan_since": None,
    }
    assert response.json()["items"][3]["awaiting_plan_since"] == "2025-06-03"
    assert (response.json()["next_cursor"], response.json()["next"]) == (None, None)


def test_a_local_officer_lists_their_jurisdictions_exits(world: World, exits: None) -> None:
    shanghai = client_for(world.users[Role.LOCAL_OFFICER]).get("/api/v1/exits")
    beijing = client_for(world.outsider).get("/api/v1/exits")

    assert _numbers(shanghai) == ["B1-20250012", "B1-20250011", "B1-20250013"]
    assert _numbers(beijing) == ["B1-20250014"]


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("status=required", ["B1-20250013"]),
        ("status=in_progress", ["B1-20250014", "B1-20250012", "B1-20250011"]),
        ("status=done_reported", []),
        ("overdue=true", ["B1-20250014", "B1-20250012"]),
        ("overdue=false", ["B1-20250011", "B1-20250013"]),
        ("status=in_progress&overdue=false", ["B1-20250011"]),
    ],
)
def test_the_filters(world: World, exits: None, query: str, numbers: list[str]) -> None:
    assert _numbers(client_for(world.users[Role.MIIT_REVIEWER]).get(f"/api/v1/exits?{query}")) == numbers


@pytest.mark.parametrize(("query", "field"), [("status=completed", "/status"), ("overdue=perhaps", "/overdue")])
def test_a_bad_filter_is_a_422_naming_it(world: World, exits: None, query: str, field: str) -> None:
    response = client_for(world.users[Role.MIIT_REVIEWER]).get(f"/api/v1/exits?{query}")

    assert (response.status_code, response.json()["field"]) == (422, field)


def test_the_pages_walk_the_whole_list_in_order(world: World, exits: None) -> None:
    client = client_for(world.users[Role.MIIT_REVIEWER])
    seen: list[str] = []
    path: str | None = "/api/v1/exits?limit=1"
    while path is not None:
        response = client.get(path)
        seen += _numbers(response)
        path = response.json()["next"]

    assert seen == ["B1-20250014", "B1-20250012", "B1-20250011", "B1-20250013"]


def test_a_bad_cursor_is_a_422_naming_cursor(world: World, exits: None) -> None:
    client = client_for(world.users[Role.MIIT_REVIEWER])
    for cursor in ("nonsense", "WzEsMl0"):  # not base64 JSON; a list of the wrong length
        response = client.get(f"/api/v1/exits?cursor={cursor}")
        assert (response.status_code, response.json()["field"]) == (422, "/cursor")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.CAC_REVIEWER, Role.INSPECTOR, Role.ADMINISTRATOR])
def test_anyone_else_is_refused_with_a_403(world: World, exits: None, role: Role) -> None:
    response = client_for(world.users[role]).get("/api/v1/exits")

    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)


def test_signed_out_the_list_is_a_401(world: World, exits: None) -> None:
    assert client_for(None).get("/api/v1/exits").status_code == 401


def test_the_list_sends_as_many_queries_for_ten_rows_as_for_one(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = "2026-01-31"
    official = world.users[Role.MIIT_REVIEWER]
    client = client_for(official)
    written_exit(world.organisation, "B1-20250100", actor=official)
    assert client.get("/api/v1/exits").status_code == 200
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/exits").json()["items"]) == 1
    for serial in range(101, 110):
        written_exit(world.organisation, f"B1-20250{serial}", actor=official, deadline=date(2026, 1, serial - 90))
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get("/api/v1/exits").json()["items"]) == 10

    assert len(ten.captured_queries) == len(one.captured_queries)
