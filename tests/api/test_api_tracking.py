"""/api/v1/track/{tracking_number}: the public tracker without signing in: the stages, the agencies'
opinions given or pending (never what they say) and the review clock, and nothing of the application's
content; a malformed and an unknown number are the same 404."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for

from vatspilot.domain.applications import Action, Role, State
from vatspilot.domain.applications.tracking import new_tracking_number
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import Application

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 20)
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = TODAY


def _number(application: Application) -> str:
    return Application.objects.get(pk=application.pk).tracking_number


def test_an_application_in_ministerial_review(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)  # submitted, accepted and assessed on Tue 3 June 2025
    world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="concur", on=date(2025, 6, 10))
    number = _number(application)

    response = Client().get(f"/api/v1/track/{number}")

    assert response.status_code == 200
    assert response.json() == {
        "tracking_number": number,
        "status": "ministerial_review",
        "outcome": None,
        "decided_on": None,
        "supplement_open": False,
        "stages": [
            {"stage": "submitted", "state": "done", "since": "2025-06-03"},
            {"stage": "formal_review", "state": "done", "since": "2025-06-03"},
            {"stage": "preliminary_assessment", "state": "done", "since": "2025-06-03"},
            {"stage": "ministerial_review", "state": "current", "since": "2025-06-03"},
            {"stage": "onsite_verification", "state": "pending", "since": None},
            {"stage": "decision", "state": "pending", "since": None},
        ],
        "agencies": [
            {"agency": "miit", "given": False, "on": None},
            {"agency": "cac", "given": True, "on": "2025-06-10"},  # the legal day it was given on
            {"agency": "mps", "given": False, "on": None},
        ],
        # 4-6, 9-13 and 16-20 June 2025 are 13 working days of the 60; the 60th is Tue 26 August.
        "clock": {
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
        },
    }


def test_before_ministerial_review_no_agency_is_listed_and_a_supplement_pauses(world: World) -> None:
    application = world.drive_to(State.FORMAL_SUPPLEMENT)
    body = Client().get(f"/api/v1/track/{_number(application)}").json()
    assert (body["status"], body["supplement_open"], body["agencies"]) == ("formal_supplement", True, [])
    assert [(row["stage"], row["state"]) for row in body["stages"]] == [
        ("submitted", "done"),
        ("formal_review", "current"),
        ("preliminary_assessment", "pending"),
        ("ministerial_review", "pending"),
        ("onsite_verification", "pending"),
        ("decision", "pending"),
    ]
    assert (body["clock"]["started"], body["clock"]["status"]) == (False, "not_started")

    paused = world.drive_to(State.MINISTERIAL_SUPPLEMENT)
    body = Client().get(f"/api/v1/track/{_number(paused)}").json()
    assert (body["supplement_open"], body["clock"]["paused"], body["clock"]["stopped"]) == (True, True, False)
    assert [row["agency"] for row in body["agencies"]] == ["miit", "cac", "mps"]


def test_a_decided_application_and_nothing_of_its_content(world: World) -> None:
    application = world.drive_to(State.APPROVED)
    number = _number(application)
    response = Client().get(f"/api/v1/track/{number}")
    body = response.json()
    assert (body["outcome"], body["decided_on"], body["status"]) == ("approved", "2025-06-03", "approved")
    assert [(row["stage"], row["state"]) for row in body["stages"]][-2:] == [
        ("onsite_verification", "skipped"),
        ("decision", "done"),
    ]
    assert all(row["given"] for row in body["agencies"])
    assert (body["clock"]["stopped"], body["clock"]["status"]) == (True, "stopped")
    text = response.content.decode()
    organisation = application.organisation
    for private in (
        organisation.name,
        organisation.uscc,
        world.applicant.username,
        world.users[Role.MIIT_REVIEWER].username,
        "logs 180 days",  # the CAC's conditions
        "concur_with_conditions",  # what an opinion says
        "B11",  # the dossier's services
        "Harbour Cloud Ltd",  # the dossier's shareholder
    ):
        assert private not in text
    refused = world.drive_to(State.REFUSED)
    body = Client().get(f"/api/v1/track/{_number(refused)}").json()
    assert (body["outcome"], body["agencies"]) == ("refused", [])
    assert [row["state"] for row in body["stages"]] == ["done", "done", "skipped", "skipped", "skipped", "done"]


def test_a_number_typed_loosely_is_found_and_answered_in_its_written_form(world: World) -> None:
    number = _number(world.drive_to(State.SUBMITTED))
    response = Client().get(f"/api/v1/track/{number.lower().replace('-', ' ')}")
    assert (response.status_code, response.json()["tracking_number"]) == (200, number)


def test_unknown_malformed_and_draft_numbers_are_the_same_404(world: World) -> None:
    world.drive_to(State.SUBMITTED)
    world.ready_draft()
    client = Client()
    answers = [client.get(f"/api/v1/track/{text}") for text in (new_tracking_number(7), "VP-0000-0000-X", "nonsense")]
    assert [response.status_code for response in answers] == [404, 404, 404]
    assert all(response["Content-Type"] == PROBLEM for response in answers)
    bodies = [{k: v for k, v in response.json().items() if k != "instance"} for response in answers]
    assert (
        bodies[0]
        == bodies[1]
        == bodies[2]
        == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "No such resource, or you may not see it.",
        }
    )


def test_signed_in_callers_read_it_as_anyone_and_in_chinese(world: World) -> None:
    number = _number(world.drive_to(State.PRELIMINARY_ASSESSMENT))
    secret = create_api_token(actor=world.applicant, name="reader", scope="read").secret
    anonymous = Client().get(f"/api/v1/track/{number}").json()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"/api/v1/track/{number}").json() == anonymous
    assert client_for(world.outsider).get(f"/api/v1/track/{number}").json() == anonymous
    assert client_for(None, "zh-hans").get(f"/api/v1/track/{number}").json() == anonymous
    missing = client_for(None, "zh-hans").get(f"/api/v1/track/{new_tracking_number(9)}").json()
    assert missing["detail"] == "该资源不存在，或您无权查看。"


def test_a_write_is_not_allowed_and_changes_nothing(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    number = _number(application)
    response = Client().post(f"/api/v1/track/{number}", json.dumps({}), content_type="application/json")
    assert response.status_code == 405
    application.refresh_from_db()
    assert (application.status, application.tracking_number) == ("submitted", number)


def test_the_tracker_sends_as_many_queries_for_a_long_timeline_as_a_short_one(world: World) -> None:
    client = Client()
    short = _number(world.drive_to(State.SUBMITTED))
    long = _number(world.drive_to(State.APPROVED))
    counts = []
    for number in (short, long):
        assert client.get(f"/api/v1/track/{number}").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/track/{number}").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/track/VP-0000-0000-X",
        "/api/v1/statistics",
        "/api/v1/statistics/published",
        "/api/v1/statistics/in-progress",
        "/api/v1/rules",
        "/api/v1/rules/milestones",
        "/api/v1/rules/cap:notice-107",
        "/api/v1/rules/diff?from=2024-10-22",
        "/api/v1/guide",
    ],
)
def test_the_public_operations_are_rate_limited_per_address(world: World, settings: Any, path: str) -> None:
    settings.VATSPILOT_API_RATES = {"address": "1/min", "caller": "1/min"}
    client = Client(REMOTE_ADDR="198.51.100.7")
    first, second = client.get(path), client.get(path)
    assert first.status_code in (200, 404)
    assert (second.status_code, second["Content-Type"]) == (429, PROBLEM)
    assert int(second["Retry-After"]) >= 1
    assert Client(REMOTE_ADDR="198.51.100.8").get(path).status_code == first.status_code
