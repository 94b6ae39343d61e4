"""/api/applications/{id}/actions/{action}: taking a lifecycle action on an application."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from vatspilot.api.problems import FieldProblem
from vatspilot.api.routers.applications import ERRORS, detail_payload
from vatspilot.api.schemas import ActionIn, ApplicationOut, ProblemOut
from vatspilot.domain.applications import Action
from vatspilot.services.applications import perform
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound, access_application

router = Router(tags=["applications"])

# The fields each action takes: (name, required). An action not listed takes none.
ACTION_FIELDS: dict[Action, tuple[tuple[str, bool], ...]] = {
    Action.REQUEST_SUPPLEMENT: (("items", True),),
    Action.REFUSE: (("legal_basis", True), ("reasons", True)),
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: (("findings", True),),
    Action.COMPLETE_ONSITE_VERIFICATION: (("findings", True),),
    Action.RECORD_OPINION: (("opinion", True), ("conditions", False)),
    Action.RECORD_SECURITY_ASSESSMENT: (("result", True), ("findings", False)),
    Action.APPROVE: (("legal_basis", True),),
}


@router.post(
    "/{int:application_id}/actions/{action}",
    response={200: ApplicationOut, 409: ProblemOut, **ERRORS},
    summary="Take a lifecycle action",
    description=(
        "Body: expected_version (the version you last read) and the action's fields. 404 when the "
        "application is missing or not yours to see; 409 when it changed since expected_version; 422 "
        "when the transition table or a guard refuses, or a field is missing or not taken by the action."
    ),
)
def act(request: HttpRequest, application_id: int, action: str, payload: ActionIn) -> Any:
    application = access_application(request.user, application_id)
    try:
        chosen = Action(action)
    except ValueError:
        raise NotFound("no such action") from None
    fields = _fields_for(chosen, payload)
    application = perform(
        actor=request.user,
        application=application,
        action=chosen,
        on=legal_today(),
        expected_version=payload.expected_version,
        **fields,
    )
    return detail_payload(request.user, access_application(request.user, application.pk))


def _fields_for(action: Action, payload: ActionIn) -> dict[str, Any]:
    """The action's fields from the body; FieldProblem (a 422) names the first field at fault."""
    taken = ACTION_FIELDS.get(action, ())
    taken_names = {name for name, _required in taken}
    sent = {
        name: value for name, value in payload.model_dump(exclude={"expected_version"}).items() if value is not None
    }
    not_taken = sorted(sent.keys() - taken_names)
    if not_taken:
        name = not_taken[0]
        raise FieldProblem(name, "field-not-taken", _("This action takes no field %(field)s.") % {"field": name})
    fields: dict[str, Any] = {}
    for name, required in taken:
        value = sent.get(name)
        if value in (None, "", []):
            if required:
                raise FieldProblem(name, "required", _("%(field)s is required for this action.") % {"field": name})
            value = ""
        fields[name] = value
    return fields
