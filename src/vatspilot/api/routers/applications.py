"""/api/applications: the applications the signed-in user may see, listed and one by one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Router

from vatspilot.api.schemas import ApplicationOut, ApplicationSummaryOut, ProblemOut
from vatspilot.domain.applications import ClockStatus
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.uncertainty import stored_uncertain_rules
from vatspilot.services.applications import available_actions
from vatspilot.services.applications.clock import clock_for, clocks_for
from vatspilot.services.applications.dossier import dossier_hash_of, missing_items
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import access_application, visible_applications
from vatspilot.store.models import Application, Decision

router = Router(tags=["applications"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


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


def detail_payload(user: User, application: Application) -> dict[str, Any]:
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


@router.get("", response={200: list[ApplicationSummaryOut], **ERRORS}, summary="Applications you may see")
def list_applications(request: HttpRequest, status: str | None = None) -> Any:
    applications = visible_applications(request.user).select_related("organisation", "jurisdiction")
    if status:
        applications = applications.filter(status=status)
    listed = list(applications.order_by("-updated_at", "-id"))
    clocks = clocks_for(listed, legal_today())  # one query for every timeline
    return [_summary(application, clocks[application.pk]) for application in listed]


@router.get("/{int:application_id}", response={200: ApplicationOut, **ERRORS}, summary="One application")
def get_application(request: HttpRequest, application_id: int) -> Any:
    return detail_payload(request.user, access_application(request.user, application_id))
