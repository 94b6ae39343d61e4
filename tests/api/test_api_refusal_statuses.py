"""A refusal's status in the API (issue 12): an action the asker's role may not take on something they can
see is a 403 (problem type action-refused, with its code and detail, and audited as every 403); the same
action refused by the application's state or a guard is a 422; a missing or unseen application a 404."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client, RequestFactory
from pilot_world import World, client_for

from vatspilot.api.problems import _refused
from vatspilot.domain.applications import Role, State
from vatspilot.domain.lifecycle import ACTION_NOT_ALLOWED_IN_STATE, ROLE_NOT_ALLOWED
from vatspilot.services.lifecycle.errors import ROLE_REFUSALS, ActionRefused
from vatspilot.store.models import Application, AuditEntry

PROBLEM = "application/problem+json"
ROLE_DETAIL = "Your role may not take this action on this application."


def _act(client: Client, application_id: int, action: str, body: dict[str, Any]):
    return client.post(
        f"/api/v1/applications/{application_id}/actions/{action}", json.dumps(body), content_type="application/json"
    )


def _state(application: Application) -> tuple[str, int, int]:
    application.refresh_from_db()
    return application.status, application.version, application.events.count()


def _refusals() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (entry.actor.username if entry.actor else "", entry.object_id, entry.after)
        for entry in AuditEntry.objects.filter(action="access.refused").select_related("actor").order_by("seq")
    ]


def test_the_role_refusal_codes_are_the_lifecycles_role_code_and_not_a_member() -> None:
    assert frozenset({"role-not-allowed", "not-a-member"}) == ROLE_REFUSALS
    assert ActionRefused(ROLE_NOT_ALLOWED, "x").by_role is True
    assert ActionRefused("not-a-member", "x").by_role is True
    assert ActionRefused(ACTION_NOT_ALLOWED_IN_STATE, "x").by_role is False
    assert ActionRefused("guard-failed:documents_complete", "x").by_role is False
    assert ActionRefused("required", "x", field="reasons").by_role is False


def test_the_shared_handler_answers_any_workflows_role_refusal_with_403_and_the_rest_with_422() -> None:
    # The licences', filings', exits', reports' and findings' routers raise the same ActionRefused.
    request = RequestFactory().post("/api/v1/licences/L-1/actions/suspend")

    by_role = _refused(request, ActionRefused(ROLE_NOT_ALLOWED, "Only MIIT decides.", action="suspend"))
    by_state = _refused(request, ActionRefused(ACTION_NOT_ALLOWED_IN_STATE, "Not now.", state="revoked"))

    assert by_role.status_code == 403
    assert by_role["Content-Type"] == PROBLEM
    assert json.loads(by_role.content) == {
        "type": "urn:vatspilot:problem:action-refused",
        "title": "The action was refused",
        "status": 403,
        "detail": "Only MIIT decides.",
        "instance": "/api/v1/licences/L-1/actions/suspend",
        "code": "role-not-allowed",
        "params": {"action": "suspend"},
    }
    assert by_state.status_code == 422
    assert json.loads(by_state.content)["status"] == 422
    assert json.loads(by_state.content)["code"] == "action-not-allowed-in-state"


def test_an_action_not_the_askers_role_is_a_403_problem_audited_and_nothing_changes(world: World) -> None:
    # Given a submitted application, which only the local officer may accept
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    # When the MIIT reviewer (who sees it) accepts it
    response = _act(
        client_for(world.users[Role.MIIT_REVIEWER]), application.pk, "accept", {"expected_version": application.version}
    )

    # Then a 403 saying why, with the code; recorded as a refusal; the application as it was
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "urn:vatspilot:problem:action-refused",
        "title": "The action was refused",
        "status": 403,
        "detail": ROLE_DETAIL,
        "instance": f"/api/v1/applications/{application.pk}/actions/accept",
        "code": "role-not-allowed",
        "params": {"state": "submitted", "action": "accept", "role": "miit_reviewer"},
    }
    path = f"/api/v1/applications/{application.pk}/actions/accept"
    assert _refusals() == [("miit_reviewer", path, {"method": "POST", "path": path, "address": "127.0.0.1"})]
    assert _state(application) == before


def test_the_applicant_taking_a_reviewers_action_is_a_403_in_chinese_too(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    response = _act(
        client_for(world.applicant, "zh-hans"), application.pk, "accept", {"expected_version": application.version}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "role-not-allowed"
    assert response.json()["detail"] == "您的角色不能对此申请执行该操作。"
    assert _state(application) == before


def test_an_action_the_state_does_not_allow_stays_a_422_and_is_not_audited(world: World) -> None:
    # Given an application already accepted: accepting is the officer's action, but not now
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT)
    before = _state(application)

    response = _act(
        client_for(world.users[Role.LOCAL_OFFICER]), application.pk, "accept", {"expected_version": application.version}
    )

    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:vatspilot:problem:action-refused"
    assert body["code"] == "action-not-allowed-in-state"
    assert body["status"] == 422
    assert _refusals() == []
    assert _state(application) == before


def test_an_action_a_guard_refuses_stays_a_422(world: World) -> None:
    # Given a draft without its documents: submitting is the applicant's action, but the dossier is not ready
    application = world.new_application()
    before = _state(application)

    response = _act(client_for(world.applicant), application.pk, "submit", {"expected_version": application.version})

    assert response.status_code == 422
    assert response.json()["code"] == "guard-failed:documents_complete"
    assert response.json()["detail"].startswith("The dossier is not ready: ")
    assert _refusals() == []
    assert _state(application) == before


def test_an_unseen_application_is_still_the_404_of_a_missing_one(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    unseen = _act(client_for(world.outsider), application.pk, "accept", {"expected_version": application.version})
    missing = _act(client_for(world.outsider), 999999, "accept", {"expected_version": 1})

    assert unseen.status_code == missing.status_code == 404
    assert {k: v for k, v in unseen.json().items() if k != "instance"} == {
        k: v for k, v in missing.json().items() if k != "instance"
    }
    assert _refusals() == []
    assert _state(application) == before


def test_deleting_an_application_one_is_not_a_member_of_is_a_403_not_a_member(world: World) -> None:
    # Given a submitted application the local officer sees
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    response = client_for(world.users[Role.LOCAL_OFFICER]).delete(f"/api/v1/applications/{application.pk}")

    assert response.status_code == 403
    assert response.json()["type"] == "urn:vatspilot:problem:action-refused"
    assert response.json()["code"] == "not-a-member"
    assert response.json()["detail"] == "Only a member of the applying organisation may delete its draft."
    assert _state(application) == before
    assert Application.objects.filter(pk=application.pk).exists()


def test_the_openapi_document_lists_the_403_and_the_422_of_an_action(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    act = schema["paths"]["/api/v1/applications/{application_id}/actions/{action}"]["post"]

    assert {"403", "404", "409", "422"} <= set(act["responses"])
    assert act["responses"]["403"]["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/ProblemOut"}
    assert "403 (type action-refused, code role-not-allowed)" in act["description"]
