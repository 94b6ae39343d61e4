"""/api/v1/applications: the applications the signed-in user may see, listed and one by one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Query, Router

from vatspilot.api.pagination import PageIn, page_of_queryset, page_schema, payload
from vatspilot.api.schemas import ApplicationOut, ApplicationSummaryOut, ProblemOut
from vatspilot.domain.applications import ClockStatus, State
from vatspilot.queries.application_detail import application_detail
from vatspilot.queries.application_lists import ApplicationSummary, summaries, visible_application_rows
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import access_application
from vatspilot.store.models import Application, Decision

router = Router(tags=["applications"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


def clock_payload(clock: ClockStatus) -> dict[str, Any]:
    """A statutory clock as the API writes it (ClockOut), for an application and for the public tracker."""
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


def _summary(summary: ApplicationSummary) -> dict[str, Any]:
    application = summary.application
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
        "tracking_number": application.tracking_number,
        "clock": clock_payload(summary.clock),
        "updated_at": application.updated_at,
    }


def detail_payload(user: User, application: Application) -> dict[str, Any]:
    """The API's view of the read model vatspilot.queries.application_detail, its clock judged today."""
    detail = application_detail(user, application, today=legal_today())
    return {
        **_summary(detail.summary),
        "dossier": {
            "ownership": detail.dossier.ownership,
            "services": detail.dossier.services,
            "service_area": detail.dossier.service_area,
            "dishonest_list": detail.dossier.dishonest_list,
        },
        "uncertain_basis": list(detail.uncertain_basis),
        "determination": detail.determination,
        "rulebook_version": detail.rulebook_version,
        "missing_items": list(detail.missing_items),
        "available_actions": [str(action) for action in detail.actions],
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
            for event in detail.events
        ],
        "dossier_hash": detail.dossier_hash,
        "decision": _decision(detail.decision),
    }


def _decision(decision: Decision | None) -> dict[str, Any] | None:
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


ApplicationPageOut = page_schema(ApplicationSummaryOut, "ApplicationPageOut")
# Newest first, by a key that never changes: a walk through the pages gives every application that existed
# when it began exactly once, even while they change (a key such as the last change would move a row changed
# mid-walk past the cursor, and the walk would miss it).
NEWEST_FIRST = ("-id",)


@router.get(
    "",
    response={200: ApplicationPageOut, **ERRORS},
    summary="Applications you may see",
    description="Newest first, a page at a time (cursor pagination: follow `next`).",
)
def list_applications(request: HttpRequest, page: Query[PageIn], status: State | None = None) -> Any:
    rows = visible_application_rows(request.user, status=status.value if status else None)
    found = page_of_queryset(rows, NEWEST_FIRST, page)
    return payload(request, found, [_summary(row) for row in summaries(request.user, found.items, today=legal_today())])


@router.get("/{int:application_id}", response={200: ApplicationOut, **ERRORS}, summary="One application")
def get_application(request: HttpRequest, application_id: int) -> Any:
    return detail_payload(request.user, access_application(request.user, application_id))
