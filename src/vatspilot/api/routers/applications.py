"""/api/applications: the applications the signed-in user may see, and acting on one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from vatspilot.api.problems import FieldProblem
from vatspilot.api.schemas import ActionIn, ApplicationOut, ApplicationSummaryOut, ProblemOut
from vatspilot.domain.applications import Action, ClockStatus
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.uncertainty import stored_uncertain_rules
from vatspilot.services.applications import available_actions, perform
from vatspilot.services.clock import clock_for, clocks_for, legal_today
from vatspilot.services.dossier import dossier_hash_of, missing_items
from vatspilot.store.access import NotFound, access_application, visible_applications
from vatspilot.store.models import Application, Decision

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

_ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


def _clock(clock: ClockStatus) -> dict[str, Any]:
    return {
        "started": clock.started,
        "days_used": clock.days_used,
        "days_left": clock.days_left,
        "paused": clock.paused,
        "stopped": clock.stopped,
        "due_date": clock.due_date,
        "status": str(clock.status),
        "unknown_years": list(clock.unknown_years),
        "provisional": clock.provisional,
        "provisional_years": list(clock.provisional_years),
    }


def _summary(application: Application, clock: ClockStatus | None = None) -> dict[str, Any]:
    organisation = application.organisation
    return {
        "id": application.pk,
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "uscc": organisation.uscc,
            "division_code": organisation.division_code,
        },
        "jurisdiction": application.jurisdiction.code,
        "status": application.status,
        "version": application.version,
        "clock": _clock(clock or clock_for(application, legal_today())),
        "updated_at": application.updated_at,
    }


def _detail(user: AbstractBaseUser, application: Application) -> dict[str, Any]:
    events = application.events.select_related("actor").order_by("at")
    return {
        **_summary(application),
        "dossier": {
            "ownership": application.ownership,
            "services": application.services,
            "service_area": application.service_area,
            "dishonest_list": application.dishonest_list,
        },
        "uncertain_basis": list(stored_uncertain_rules(application.determination, default_rulebook())),
        "determination": application.determination,
        "rulebook_version": application.rulebook_version,
        "missing_items": list(missing_items(application)),
        "available_actions": [str(action) for action in available_actions(user, application)],
        "events": [
            {
                "action": event.action,
                "from_state": event.from_state or None,
                "to_state": event.to_state,
                "on": event.on,
                "at": event.at,
                "actor": event.actor.get_username() if event.actor_id else None,
                "role": event.role,
                "note": event.note,
                "details": event.details,
            }
            for event in events
        ],
        "dossier_hash": dossier_hash_of(application),
        "decision": _decision(application),
    }


def _decision(application: Application) -> dict[str, Any] | None:
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        return None
    return {
        "outcome": decision.outcome,
        "legal_basis": decision.legal_basis,
        "reasons": decision.reasons,
        "licence_area": decision.licence_area,
        "licence_services": decision.licence_services,
        "conditions": decision.conditions,
        "dossier_hash": decision.dossier_hash,
        "rulebook_version": decision.rulebook_version,
        "determination": decision.determination,
        "decided_at": decision.decided_at,
    }


@router.get("", response={200: list[ApplicationSummaryOut], **_ERRORS}, summary="Applications you may see")
def list_applications(request: HttpRequest, status: str | None = None) -> Any:
    applications = visible_applications(request.user).select_related("organisation", "jurisdiction")
    if status:
        applications = applications.filter(status=status)
    listed = list(applications.order_by("-updated_at", "-id"))
    clocks = clocks_for(listed, legal_today())  # one query for every timeline
    return [_summary(application, clocks[application.pk]) for application in listed]


@router.get("/{int:application_id}", response={200: ApplicationOut, **_ERRORS}, summary="One application")
def get_application(request: HttpRequest, application_id: int) -> Any:
    return _detail(request.user, access_application(request.user, application_id))


@router.post(
    "/{int:application_id}/actions/{action}",
    response={200: ApplicationOut, 409: ProblemOut, **_ERRORS},
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
    return _detail(request.user, access_application(request.user, application.pk))


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
