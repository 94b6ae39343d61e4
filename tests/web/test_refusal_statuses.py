"""A refusal's status on the application page's action forms (issue 12): an action the user's role may not
take on an application they see is a 403, the page saying why, recorded in the audit trail as every 403
(web/refusal_audit.py); the same action refused by the application's state or a guard is a 422, not
audited; an application they may not see is a 404."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.store.models import Application, AuditEntry

ROLE_REFUSAL = "Your role may not take this action on this application."


def _post(user, application_id: int, action: str, data: dict[str, Any], language: str = "en"):
    return client_for(user, language).post(reverse("web:action", args=[application_id, action]), data)


def _state(application: Application) -> tuple[str, int, int]:
    application.refresh_from_db()
    return application.status, application.version, application.events.count()


def _refusals() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (entry.actor.username if entry.actor else "", entry.object_id, entry.after)
        for entry in AuditEntry.objects.filter(action="access.refused").select_related("actor").order_by("seq")
    ]


def test_an_action_not_the_users_role_is_a_403_page_saying_why_and_audited(world: World) -> None:
    # Given a submitted application, which only the local officer may accept
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    # When the MIIT reviewer, who sees it, posts the accept form
    response = _post(
        world.users[Role.MIIT_REVIEWER], application.pk, "accept", {"accept-expected_version": application.version}
    )

    # Then a 403: the application's page again, with why beside the form; the refusal audited
    page = response.content.decode()
    assert response.status_code == 403
    assert "Not done: Accept" in page
    assert ROLE_REFUSAL in page
    path = reverse("web:action", args=[application.pk, "accept"])
    assert _refusals() == [("miit_reviewer", path, {"method": "POST", "path": path, "address": "127.0.0.1"})]
    assert _state(application) == before


def test_the_applicant_taking_a_reviewers_action_is_a_403_in_chinese_too(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    response = _post(
        world.applicant, application.pk, "accept", {"accept-expected_version": application.version}, "zh-hans"
    )

    assert response.status_code == 403
    assert "您的角色不能对此申请执行该操作。" in response.content.decode()
    assert [who for who, _path, _after in _refusals()] == ["applicant"]
    assert _state(application) == before


def test_an_action_the_state_does_not_allow_stays_a_422_and_is_not_audited(world: World) -> None:
    # Given an application already accepted: accepting is the officer's action, but not now
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT)
    before = _state(application)

    response = _post(
        world.users[Role.LOCAL_OFFICER], application.pk, "accept", {"accept-expected_version": application.version}
    )

    assert response.status_code == 422
    assert "This action is not possible while the application is at this stage" in response.content.decode()
    assert _refusals() == []
    assert _state(application) == before


def test_an_action_a_guard_refuses_stays_a_422_and_is_not_audited(world: World) -> None:
    # Given a draft without its documents: submitting is the applicant's action, but the dossier is not ready
    application = world.new_application()
    before = _state(application)

    response = _post(world.applicant, application.pk, "submit", {"submit-expected_version": application.version})

    assert response.status_code == 422
    assert "The dossier is not ready: " in response.content.decode()
    assert _refusals() == []
    assert _state(application) == before


def test_an_application_the_user_may_not_see_is_a_404_not_a_403(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _state(application)

    response = _post(world.outsider, application.pk, "accept", {"accept-expected_version": application.version})

    assert response.status_code == 404
    assert _refusals() == []
    assert _state(application) == before
