"""The action body follows the declared fields, and a refusal names its field from the services'
structured pointer, never from the message."""

from __future__ import annotations

import json
from typing import Any

from pilot_world import World, client_for

from vatspilot.api.problems import field_of
from vatspilot.domain.applications import Role, State
from vatspilot.services.applications import ActionRefused
from vatspilot.store.models import Application

PROBLEM = "application/problem+json"


def _act(client, application_id: int, action: str, body: dict[str, Any]):
    return client.post(
        f"/api/v1/applications/{application_id}/actions/{action}", json.dumps(body), content_type="application/json"
    )


def test_a_dossier_refused_at_submission_names_the_pointer_of_the_field_at_fault(world: World) -> None:
    application = world.ready_draft()
    bad = [{"name": "A", "jurisdiction": "HK", "percent": 50}, {"name": "B", "jurisdiction": "CN", "percent": 150}]
    # A dossier saved under an earlier rulebook that the one in force refuses: only the stored rows change.
    Application.objects.filter(pk=application.pk).update(ownership=bad)

    response = _act(client_for(world.applicant), application.pk, "submit", {"expected_version": application.version})

    application.refresh_from_db()
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["code"], body["field"]) == (
        "urn:vatspilot:problem:action-refused",
        "maximum",
        "/shareholders/1/percent",
    )
    assert body["detail"] == "/shareholders/1/percent: 150 is above the maximum of 100"
    assert application.status == State.DRAFT


def test_a_legal_basis_over_500_characters_is_refused_by_the_schema(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _act(
        client_for(world.users[Role.LOCAL_OFFICER]),
        application.pk,
        "refuse",
        {"expected_version": application.version, "legal_basis": "x" * 501, "reasons": "r"},
    )

    application.refresh_from_db()
    assert response.status_code == 422
    body = response.json()
    assert (body["type"], body["field"]) == ("urn:vatspilot:problem:invalid-request", "/legal_basis")
    assert application.status == State.SUBMITTED


def test_conditions_are_required_with_a_concurrence_with_conditions(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)

    response = _act(
        client_for(world.users[Role.CAC_REVIEWER]),
        application.pk,
        "record_opinion",
        {"expected_version": application.version, "opinion": "concur_with_conditions"},
    )

    body = response.json()
    assert response.status_code == 422
    assert (body["type"], body["code"], body["field"], body["detail"]) == (
        "urn:vatspilot:problem:invalid-field",
        "required",
        "/conditions",
        "conditions is required when opinion is concur_with_conditions.",
    )


def test_the_field_of_a_refusal_comes_from_its_params_never_its_message() -> None:
    assert field_of(ActionRefused("maximum", "/shareholders/1/percent: too big")) is None
    assert field_of(ActionRefused("maximum", "too big", pointer="/shareholders/1/percent")) == "/shareholders/1/percent"
    assert field_of(ActionRefused("reasons-required", "State the reasons.", field="reasons")) == "/reasons"


def test_the_openapi_body_describes_each_field_with_the_actions_that_take_it(db: None) -> None:
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ActionIn"]

    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == [
        "expected_version",
        "items",
        "legal_basis",
        "reasons",
        "findings",
        "opinion",
        "conditions",
        "result",
    ]
    assert schema["properties"]["findings"]["description"] == (
        "Taken by complete_preliminary_assessment (required), record_security_assessment (optional), "
        "complete_onsite_verification (required)."
    )
    assert schema["properties"]["legal_basis"]["description"] == "Taken by refuse (required), approve (required)."
    assert schema["properties"]["conditions"]["description"] == (
        "Taken by record_opinion (optional; required when opinion is concur_with_conditions)."
    )
    assert schema["required"] == ["expected_version"]
