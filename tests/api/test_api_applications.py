"""/api/v1/applications: listing, reading and acting, with errors as RFC 9457 problem details."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.services.applications.clock import clock_for

PROBLEM = "application/problem+json"


def _act(client, application_id: int, action: str, body: dict[str, Any]):
    return client.post(
        f"/api/v1/applications/{application_id}/actions/{action}", json.dumps(body), content_type="application/json"
    )


def test_the_list_holds_what_the_user_may_see_with_status_and_clock(world: World) -> None:
    mine = world.drive_to(State.SUBMITTED)
    theirs = world.new_application(organisation=world.other_organisation)

    response = client_for(world.applicant).get("/api/v1/applications")

    assert response.status_code == 200
    body = response.json()["items"]
    assert [item["id"] for item in body] == [mine.pk]
    assert body[0]["status"] == "submitted"
    assert body[0]["clock"]["status"] == "not_started"
    assert body[0]["organisation"]["uscc"] == "91310115MA1FL1234M"
    assert theirs.pk not in [item["id"] for item in body]


def test_one_application_with_dossier_determination_clock_and_events(world: World, settings: Any) -> None:
    settings.VATSPILOT_TODAY = date(2025, 6, 20)  # the API judges the clock on legal_today(), pinned here
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT)  # accepted on Tue 3 June 2025

    response = client_for(world.users[Role.LOCAL_OFFICER]).get(f"/api/v1/applications/{application.pk}")

    assert response.status_code == 200
    body = response.json()
    # 4-6, 9-13 and 16-20 June 2025 are 13 working days; nine weeks more (58) end on 22 August, and the
    # 60th is Tue 26 August.
    assert body["clock"] == {
        "started": True,
        "days_used": 13,
        "days_left": 47,
        "paused": False,
        "stopped": False,
        "due_date": "2025-08-26",
        "status": "on_track",
        "unknown_years": [],
        "provisional": False,
        "provisional_years": [],
    }
    assert clock_for(application, date(2025, 6, 20)).due_date == date(2025, 8, 26)
    assert body["dossier"]["services"] == [{"code": "B11"}, {"code": "B25-05"}]
    assert body["determination"]["schema"] == "vatspilot/decision/v2"
    assert body["uncertain_basis"] == ["documents:pilot-additions"]
    assert body["rulebook_version"] == application.rulebook_version
    assert [(e["action"], e["from_state"], e["to_state"], e["actor"], e["role"]) for e in body["events"]] == [
        ("submit", "draft", "submitted", "applicant", "applicant"),
        ("accept", "submitted", "preliminary_assessment", "local_officer", "local_officer"),
    ]
    assert body["available_actions"] == ["complete_preliminary_assessment"]


def test_the_clock_of_a_file_accepted_on_2_december_2026_is_provisional(world: World, settings: Any) -> None:
    settings.VATSPILOT_TODAY = date(2026, 12, 2)
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2026, 12, 1), date(2026, 12, 2)])

    client = client_for(world.users[Role.LOCAL_OFFICER])
    detail = client.get(f"/api/v1/applications/{application.pk}").json()["clock"]
    listed = client.get("/api/v1/applications").json()["items"][0]["clock"]

    # 21 working days are left in December 2026, then 39 on the projected 2027: the 60th is Mon 1 March.
    assert detail == listed
    assert (detail["due_date"], detail["status"], detail["provisional"], detail["provisional_years"]) == (
        "2027-03-01",
        "on_track",
        True,
        [2027],
    )


def test_missing_and_invisible_applications_are_the_same_404_problem(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.other_applicant)

    hidden = client.get(f"/api/v1/applications/{application.pk}")
    missing = client.get("/api/v1/applications/999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == PROBLEM
    assert {k: v for k, v in hidden.json().items() if k != "instance"} == {
        k: v for k, v in missing.json().items() if k != "instance"
    }
    assert hidden.json()["status"] == 404
    assert hidden.json()["title"] == "Not Found"


def test_anonymous_requests_get_a_401_problem(db: None) -> None:
    response = client_for(None).get("/api/v1/applications")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401


def test_an_action_is_taken_and_the_application_returned(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.LOCAL_OFFICER]), application.pk, "accept", {"expected_version": application.version}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "preliminary_assessment"
    assert response.json()["version"] == application.version + 1


def test_a_stale_version_is_a_409_problem_and_changes_nothing(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.LOCAL_OFFICER]),
        application.pk,
        "accept",
        {"expected_version": application.version - 1},
    )

    application.refresh_from_db()
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:vatspilot:problem:conflict"
    assert application.status == State.SUBMITTED


def test_a_role_not_allowed_is_a_403_problem_with_the_code_and_changes_nothing(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.MIIT_REVIEWER]), application.pk, "accept", {"expected_version": application.version}
    )

    application.refresh_from_db()
    assert response.status_code == 403
    body = response.json()
    assert body["type"] == "urn:vatspilot:problem:action-refused"
    assert body["code"] == "role-not-allowed"
    assert body["detail"] == "Your role may not take this action on this application."
    assert application.status == State.SUBMITTED


def test_a_missing_field_is_a_422_problem_naming_it(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.LOCAL_OFFICER]),
        application.pk,
        "refuse",
        {"expected_version": application.version, "legal_basis": "Order 42"},
    )

    application.refresh_from_db()
    assert response.status_code == 422
    assert response.json()["field"] == "/reasons"
    assert response.json()["code"] == "required"
    assert application.status == State.SUBMITTED


def test_a_field_the_action_does_not_take_is_a_422_problem_naming_it(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.LOCAL_OFFICER]),
        application.pk,
        "accept",
        {"expected_version": application.version, "reasons": "because"},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "/reasons"
    assert response.json()["code"] == "field-not-taken"


def test_a_body_without_expected_version_is_a_422_problem_with_the_pointer(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(client_for(world.users[Role.LOCAL_OFFICER]), application.pk, "accept", {})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["pointer"] == "/expected_version"


def test_an_unknown_action_is_a_404_problem(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(client_for(world.users[Role.LOCAL_OFFICER]), application.pk, "promote", {"expected_version": 1})

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_the_refusal_detail_is_in_the_users_language(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.MIIT_REVIEWER], "zh-hans"),
        application.pk,
        "accept",
        {"expected_version": application.version},
    )

    assert response.json()["detail"] == "您的角色不能对此申请执行该操作。"


@pytest.mark.parametrize("with_token", [False, True])
def test_unsafe_methods_need_the_csrf_token(world: World, with_token: bool) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.users[Role.LOCAL_OFFICER], enforce_csrf_checks=True)
    headers = {}
    if with_token:
        client.get("/accounts/login/")  # any page that renders a form sets the CSRF cookie
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value

    response = client.post(
        f"/api/v1/applications/{application.pk}/actions/accept",
        json.dumps({"expected_version": application.version}),
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == (200 if with_token else 403)
    if not with_token:
        assert response["Content-Type"] == PROBLEM
