"""/api/v1/licences/{number}/filings: the holder's change filings and renewals on a licence, and the
decisions on them (MIIT approves or refuses with its reason, the holder withdraws).

Each operation calls what the web's views call (web/views/licence_filings.py): the writers of
services.licences.filings and the read model queries.licence_filings. The licence and the filing are
fetched through store.access: missing and not yours are the same 404. Only a member of the holder may
file and withdraw, only MIIT decide: another role that sees the licence gets a 403, as on the web.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from vatspilot.api.licence_schemas import ChangeFilingIn, FilingActionIn, FilingOut, RenewalIn
from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.problems import FieldProblem, field_not_taken, field_required
from vatspilot.api.routers.licences import ERRORS, WRITE_ERRORS, filing_payload
from vatspilot.domain.licences.filings import FilingAction
from vatspilot.queries.licence_filings import FilingRow, filing_row, licence_filings
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.filings import (
    FILING_WRITERS,
    file_change,
    file_renewal,
)
from vatspilot.store.access import NotFound, access_filing, access_licence
from vatspilot.store.models import LicenceFiling

router = Router(tags=["licences"])


def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldProblem(
            field, "invalid-date", _("%(value)s is not a day of the calendar.") % {"value": value}
        ) from None


def _location(filing: LicenceFiling, number: str) -> str:
    return f"/api/v1/licences/{number}/filings/{filing.pk}"


def _answer(user: User, number: str, filing: LicenceFiling) -> dict[str, Any]:
    return filing_payload(filing_row(user, access_filing(user, number, filing.pk)))


def _filing_key(row: FilingRow) -> tuple[str, int]:
    return (row.filed_on.isoformat(), row.id)


FilingPageOut = page_schema(FilingOut, "FilingPageOut")


@router.get(
    "/{number}/filings",
    response={200: FilingPageOut, **ERRORS},
    summary="A licence's filings",
    description=(
        "The holder's change filings and renewals, newest first, a page at a time (cursor pagination: "
        "follow `next`), each with the decisions open to you. The renewal deadline and whether you may "
        "file are on the licence (`filings`)."
    ),
)
def list_licence_filings(request: HttpRequest, number: str, page: Query[PageIn]) -> Any:
    user = _caller(request)
    panel = licence_filings(user, access_licence(user, number), today=legal_today())
    found = page_of_rows(panel.filings, _filing_key, page, descending=True)
    return payload(request, found, [filing_payload(row) for row in found.items])


@router.post(
    "/{number}/filings/change",
    response={201: FilingOut, **WRITE_ERRORS},
    summary="File a change of the licence's particulars",
    description=(
        "A member of the holder states what changed (`kinds`: shareholders, scope, name, "
        "legal_representative, capital), the day it took effect (`changed_on`) and the new particulars of "
        "each kind. A change filed more than 30 days after it took effect is accepted and marked late; "
        "shareholders, scope and capital are re-checked for eligibility at once. 201 with the filing. 403 "
        "for anyone but a member of the holder; 422 naming the field at fault, on a licence no longer valid "
        "or suspended, or while a change filing is pending."
    ),
)
def file_licence_change(request: HttpRequest, response: HttpResponse, number: str, payload: ChangeFilingIn) -> Any:
    user = _caller(request)
    licence = access_licence(user, number)
    changed_on = _day(payload.changed_on, "changed_on")
    filing = file_change(
        actor=user,
        licence=licence,
        on=legal_today(),
        changed_on=changed_on,
        kinds=list(payload.kinds),
        name_zh=payload.name_zh,
        name_en=payload.name_en,
        legal_representative=payload.legal_representative,
        registered_capital_cny=payload.registered_capital_cny,  # type: ignore[arg-type]  # an int is a whole amount
        shareholders=[holder.model_dump(exclude_none=True) for holder in payload.shareholders],
        services=[service.model_dump(exclude_none=True) for service in payload.services],
    )
    response["Location"] = _location(filing, licence.number)
    return Status(201, _answer(user, licence.number, filing))


@router.post(
    "/{number}/filings/renewal",
    response={201: FilingOut, **WRITE_ERRORS},
    summary="File the licence's renewal",
    description=(
        "A member of the holder answers, for every licensed service, the day it was launched "
        "(`launched`: code -> YYYY-MM-DD, or null: never launched). Refused after the renewal deadline "
        "(90 days before the last valid day), while a renewal is pending, and for a service unanswered, "
        "unknown or launched outside the validity so far. 201 with the filing; 403 for anyone but a member "
        "of the holder."
    ),
)
def file_licence_renewal(request: HttpRequest, response: HttpResponse, number: str, payload: RenewalIn) -> Any:
    user = _caller(request)
    licence = access_licence(user, number)
    launched = {code: None if day is None else _day(day, "launched") for code, day in payload.launched.items()}
    filing = file_renewal(actor=user, licence=licence, on=legal_today(), launched=launched)
    response["Location"] = _location(filing, licence.number)
    return Status(201, _answer(user, licence.number, filing))


@router.get(
    "/{number}/filings/{int:filing_id}",
    response={200: FilingOut, **ERRORS},
    summary="One filing",
    description="404 when the licence or the filing does not exist, or you may not see the licence.",
)
def get_licence_filing(request: HttpRequest, number: str, filing_id: int) -> Any:
    user = _caller(request)
    return filing_payload(filing_row(user, access_filing(user, number, filing_id)))


@router.post(
    "/{number}/filings/{int:filing_id}/actions/{action}",
    response={200: FilingOut, **WRITE_ERRORS},
    summary="Decide on a filing, or withdraw it",
    description=(
        "`approve` and `refuse` (MIIT, with `reason`), `withdraw` (the holder's member, no field), while "
        "the filing is pending. Body: `expected_version` (the filing's). An approval changes the licence "
        "(a new name, scope or last valid day) when the licence's own guard allows it. 404 for an unknown "
        "action; 403 when your role may not take it; 409 when the filing changed since expected_version; "
        "422 when refused (the reason says why)."
    ),
)
def take_licence_filing_action(
    request: HttpRequest, number: str, filing_id: int, action: str, payload: FilingActionIn
) -> Any:
    user = _caller(request)
    filing = access_filing(user, number, filing_id)
    try:
        chosen = FilingAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    fields: dict[str, Any] = {}
    if chosen is FilingAction.WITHDRAW:
        if payload.reason is not None:
            raise field_not_taken("reason")
    elif payload.reason is None:
        raise field_required("reason")
    else:
        fields["reason"] = payload.reason
    FILING_WRITERS[chosen](
        actor=user, filing=filing, on=legal_today(), expected_version=payload.expected_version, **fields
    )
    return _answer(user, number, filing)
