"""/api/v1/exits and /api/v1/licences/{number}/exit: the orderly network exit after a revocation or a
cancellation, as the site's pages have it (web/views/network_exits.py): the supervisors' list, one
licence's exit, and each step (services.licences.exits).

The licence is fetched through store.access.access_licence (missing and not yours alike: 404), and so is a
licence that has no exit; a step the caller's role may not take is a 403, as on the licence page; a step
taken on a stale version a 409; a step the exit's state or the plan refuses a 422 naming the field. (The
services' refusals are answered by api/problems.py: a role's refusal is a 403, type action-refused, code
role-not-allowed.)
The list is the supervisors' (MIIT reviewers and local officers): anyone else gets a 403, as on /exits/."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router

from vatspilot.api.exit_schemas import ExitActionIn, ExitOut, ExitSummaryOut, ListedExitState, exit_fields_for
from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.licences.exit import ExitAction, ExitState
from vatspilot.queries.network_exit_pages import exit_list_key, exit_rows
from vatspilot.queries.network_exits import ExitRow, ExitSection, exit_section, supervises_exits
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.exits import (
    EXIT_WRITERS,
    exit_of,
)
from vatspilot.store.access import NotFound, access_licence
from vatspilot.store.models import Licence

router = Router(tags=["exits"])
licence_exit_router = Router(tags=["exits"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


# The writer each step calls (the step's fields are its keyword parameters), as the site's exit_action.
def _summary(row: ExitRow) -> dict[str, Any]:
    return {
        "licence_number": row.licence_number,
        "holder_name_zh": row.holder_name_zh,
        "holder_name_en": row.holder_name_en,
        "state": row.state.value,
        "state_label": row.state_label,
        "opened_on": row.opened_on,
        "migration_deadline": row.migration_deadline,
        "users_migrated": row.users_migrated,
        "users_to_migrate": row.users_to_migrate,
        "overdue": row.overdue,
        "days_overdue": row.days_overdue,
        "awaiting_plan_since": row.awaiting_plan_since,
    }


def exit_fields(section: ExitSection) -> dict[str, Any]:
    """An exit's state, dates and counts as the API writes them: in the exit's own answer and in its
    licence's (routers.licences)."""
    return {
        "version": section.version,
        "state": section.state.value,
        "state_label": section.state_label,
        "opened_on": section.opened_on,
        "users_notified_on": section.users_notified_on,
        "migration_deadline": section.migration_deadline,
        "users_to_migrate": section.users_to_migrate,
        "users_migrated": section.users_migrated,
        "confirmed_on": section.confirmed_on,
        "overdue": section.overdue,
        "days_overdue": section.days_overdue,
        "awaiting_plan_since": section.awaiting_plan_since,
    }


def exit_payload(user: User, licence: Licence) -> dict[str, Any]:
    """The API's view of the read model queries.network_exits.exit_section, judged today; NotFound when
    the licence has no exit."""
    section = exit_section(user, licence, today=legal_today())
    if section is None:
        raise NotFound("no network exit")
    return {
        "licence_number": section.licence_number,
        **exit_fields(section),
        "steps": [
            {
                "on": step.on,
                "action": step.action,
                "label": step.label,
                "users_migrated": step.users_migrated,
                "note": step.note,
            }
            for step in section.steps
        ],
        "available_actions": [{"action": action.value, "label": label} for action, label in section.actions],
    }


ExitPageOut = page_schema(ExitSummaryOut, "ExitPageOut")


@router.get(
    "",
    response={200: ExitPageOut, 401: ProblemOut, 403: ProblemOut, 422: ProblemOut},
    summary="Network exits you supervise",
    description=(
        "For MIIT reviewers and local officers (a local officer: the exits of licences issued in their "
        "jurisdictions); anyone else gets 403. Every exit not yet confirmed complete: the overdue first "
        "(the longest overdue first), then by migration deadline (those with no plan yet last), a page at "
        "a time (cursor pagination: follow `next`). `status` and `overdue` narrow the list."
    ),
)
def list_exits(
    request: HttpRequest, page: Query[PageIn], status: ListedExitState | None = None, overdue: bool | None = None
) -> Any:
    if not supervises_exits(request.user):
        raise PermissionDenied("only MIIT reviewers and local officers supervise network exits")
    state = ExitState(status.value) if status is not None else None
    rows = exit_rows(request.user, today=legal_today(), state=state, overdue=overdue)
    found = page_of_rows(rows, exit_list_key, page)
    return payload(request, found, [_summary(row) for row in found.items])


@licence_exit_router.get(
    "/{number}/exit",
    response={200: ExitOut, 401: ProblemOut, 404: ProblemOut},
    summary="A licence's network exit",
    description=(
        "Its state, plan, progress, steps with their notes, whether it is overdue, its `version` and the "
        "steps you may take now (`available_actions`). 404 when the licence is missing, not yours to see, "
        "or has no exit (it was never revoked or cancelled)."
    ),
)
def get_licence_exit(request: HttpRequest, number: str) -> Any:
    return exit_payload(cast(User, request.user), access_licence(request.user, number))


@licence_exit_router.post(
    "/{number}/exit/actions/{action}",
    response={200: ExitOut, 409: ProblemOut, **ERRORS},
    summary="Take a step of a licence's network exit",
    description=(
        "`action`: file_plan (the holder: users_notified_on, migration_deadline, users_to_migrate), "
        "report_progress (the holder: users_migrated, note?), report_done (the holder: note?), confirm (an "
        "MIIT reviewer or a local officer of the licence's jurisdiction: note?) or send_back (the same: "
        "reason). Body: expected_version (the exit's version you last read) and the step's fields. 404 "
        "when the licence is missing, not yours to see, has no exit, or the step is unknown; 403 when your "
        "role may not take the step (type action-refused, code role-not-allowed); 409 when the exit "
        "changed since expected_version; 422 when the exit's state or the plan refuses it, or a field is "
        "missing, malformed or not taken by the step (`field`)."
    ),
)
def take_exit_action(request: HttpRequest, number: str, action: str, payload: ExitActionIn) -> Any:
    licence = access_licence(request.user, number)
    network_exit = exit_of(licence)
    if network_exit is None:
        raise NotFound("no network exit")
    try:
        chosen = ExitAction(action)
    except ValueError:
        raise NotFound("no such step") from None
    fields = exit_fields_for(chosen, payload)
    EXIT_WRITERS[chosen](
        actor=request.user,
        network_exit=network_exit,
        on=legal_today(),
        expected_version=payload.expected_version,
        **fields,
    )
    return exit_payload(cast(User, request.user), licence)
