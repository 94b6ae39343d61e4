"""/api/v1/applications/{id}/actions/{action}: taking a lifecycle action on an application."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from vatspilot.api.action_schemas import ActionIn, fields_for
from vatspilot.api.routers.applications import ERRORS, detail_payload
from vatspilot.api.schemas import ApplicationOut, ProblemOut
from vatspilot.domain.applications import Action
from vatspilot.services.applications import perform
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound, access_application

router = Router(tags=["applications"])


@router.post(
    "/{int:application_id}/actions/{action}",
    response={200: ApplicationOut, 409: ProblemOut, **ERRORS},
    summary="Take a lifecycle action",
    description=(
        "Body: expected_version (the version you last read) and the action's fields. 404 when the "
        "application is missing or not yours to see; 403 (type action-refused, code role-not-allowed) when "
        "your role may not take this action on it; 409 when it changed since expected_version; 422 when the "
        "application's state or a guard refuses it now, or a field is missing or not taken by the action."
    ),
)
def act(request: HttpRequest, application_id: int, action: str, payload: ActionIn) -> Any:
    application = access_application(request.user, application_id)
    try:
        chosen = Action(action)
    except ValueError:
        raise NotFound("no such action") from None
    fields = fields_for(chosen, payload)
    application = perform(
        actor=request.user,
        application=application,
        action=chosen,
        on=legal_today(),
        expected_version=payload.expected_version,
        **fields,
    )
    return detail_payload(request.user, access_application(request.user, application.pk))
