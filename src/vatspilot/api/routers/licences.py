"""/api/v1/licences: the licences the caller may see (as the web's /licences/ lists them), one licence with
its history, filings and exit (as the licence page shows it), its certificate, and the decisions on it.

Each operation calls what the web's views call: the read models queries.licence_oversight and
queries.licence_detail, services.licences.certificate for the PDF, the writers of services.licences.actions
for the authority's decisions and services.licences.cancellation for the holder's application. A licence
is fetched through store.access.access_licence: missing and not yours are the same 404. A decision the
caller's role may not take is a 403 (problems.py, as on the web), any other refusal a 422, a stale version a 409.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from config.downloads import made_download
from vatspilot.api import problems
from vatspilot.api.licence_schemas import (
    REQUEST_CANCELLATION,
    FlagFilter,
    LicenceActionIn,
    LicenceOut,
    LicenceSummaryOut,
)
from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.problems import field_not_taken, field_required
from vatspilot.api.routers.network_exits import exit_fields
from vatspilot.api.routers.register import service_payload
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.licences.action_fields import AreasKeptField, licence_fields_of
from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceState
from vatspilot.queries.licence_detail import licence_detail
from vatspilot.queries.licence_filings import FilingRow, LicenceFilings
from vatspilot.queries.licence_oversight import Flag, OversightRow, licence_oversight
from vatspilot.queries.network_exits import ExitSection
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.actions import (
    LICENCE_DECISIONS,
)
from vatspilot.services.licences.cancellation import may_request_cancellation, request_cancellation
from vatspilot.services.licences.certificate import SigningKeyMissing, signed_certificate
from vatspilot.store.access import NotFound, access_licence
from vatspilot.store.models import Licence

logger = logging.getLogger(__name__)

router = Router(tags=["licences"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 409: ProblemOut}
SERVICE_LIMIT = 20
TEXT_LIMIT = 300


# The writer each decision calls, as the licence page's forms do (web/views/licences.py); the rows of the
# table that are not a person's decision on the licence page (approve_change and renew, taken through a
# filing; expire, the daily job's) are not actions here.
def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- The list -------------------------------------------------------------------------------------------


def _summary(row: OversightRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "holder": row.holder,
        "holder_name_zh": row.holder_name_zh,
        "holder_name_en": row.holder_name_en,
        "uscc": row.uscc,
        "status": row.status.value,
        "status_label": row.status_label,
        "valid_until": row.valid_until,
        "days_to_expiry": row.days_to_expiry,
        "services": list(row.services),
        "flags": [flag.value for flag in row.flags],
        "needs_attention": row.needs_attention,
    }


def _list_key(row: OversightRow) -> tuple[int, str, str]:
    """The read model's order (flagged first, then by last valid day and number), as a cursor's key."""
    return (0 if row.needs_attention else 1, row.valid_until.isoformat(), row.number)


LicencePageOut = page_schema(LicenceSummaryOut, "LicencePageOut")


@router.get(
    "",
    response={200: LicencePageOut, **ERRORS},
    summary="Licences you may see",
    description=(
        "As the licence overview shows them: MIIT and the other national roles every licence, a local "
        "officer those of their provinces, a holder's member its own. Flagged first, then by last valid "
        "day and number, a page at a time (cursor pagination: follow `next`). Filters: `status` (effective "
        "today), `flag` (`attention` for any flag, or one flag), `service` (a catalogue code), `text` "
        "(found in the number, either holder name or the USCC)."
    ),
)
def list_licences(
    request: HttpRequest,
    page: Query[PageIn],
    status: LicenceState | None = None,
    flag: FlagFilter | None = None,
    service: str = Query("", max_length=SERVICE_LIMIT, description="A service's catalogue code."),
    text: str = Query("", max_length=TEXT_LIMIT, description="Found in the number, a holder name or the USCC."),
) -> Any:
    overview = licence_oversight(
        _caller(request),
        today=legal_today(),
        status=status,
        flag=Flag(flag.value) if flag is not None and flag is not FlagFilter.ATTENTION else None,
        attention=flag is FlagFilter.ATTENTION,
        service=service,
        text=text,
    )
    found = page_of_rows(overview.rows, _list_key, page)
    return payload(request, found, [_summary(row) for row in found.items])


# --- One licence ----------------------------------------------------------------------------------------


def filing_payload(row: FilingRow) -> dict[str, Any]:
    recheck = row.recheck
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": row.kind_label,
        "status": row.status,
        "status_label": row.status_label,
        "pending": row.pending,
        "filed_on": row.filed_on,
        "changed_on": row.changed_on,
        "late": row.late,
        "change_labels": list(row.change_labels),
        "particulars": [{"label": label, "value": value} for label, value in row.particulars],
        "recheck": None
        if recheck is None
        else {
            "eligible": recheck.eligible,
            "ineligible": list(recheck.ineligible),
            "rulebook": recheck.rulebook,
            "on": recheck.on,
        },
        "decided_on": row.decided_on,
        "decision_note": row.decision_note,
        "version": row.version,
        "available_actions": [action.value for action in row.actions],
    }


def _filings(panel: LicenceFilings | None) -> dict[str, Any] | None:
    if panel is None:
        return None
    return {
        "live": panel.live,
        "can_file": panel.can_file,
        "change_pending": panel.change_pending,
        "renewal_pending": panel.renewal_pending,
        "renewal_deadline": panel.renewal_deadline,
        "renewal_days_left": panel.renewal_days_left,
        "renewal_lead_days": panel.renewal_lead_days,
        "pending_count": panel.pending_count,
        "filings": [filing_payload(row) for row in panel.filings],
    }


def _exit(section: ExitSection | None) -> dict[str, Any] | None:
    if section is None:
        return None
    return {
        **exit_fields(section),
        "available_actions": [action.value for action, _label in section.actions],
    }


def detail_payload(user: User, licence: Licence) -> dict[str, Any]:
    """The API's view of the read model queries.licence_detail, judged today."""
    detail = licence_detail(user, licence, today=legal_today())
    actions = [action.value for action in detail.actions if action in LICENCE_DECISIONS]
    if may_request_cancellation(user, licence):
        actions.append(REQUEST_CANCELLATION)
    return {
        "number": detail.number,
        "application_id": detail.application_id,
        "holder_name_zh": detail.holder_name_zh,
        "holder_name_en": detail.holder_name_en,
        "uscc": detail.uscc,
        "services": [service_payload(service) for service in detail.services],
        "conditions": list(detail.conditions),
        "issued_on": detail.issued_on,
        "valid_until": detail.valid_until,
        "version": detail.version,
        "status": detail.status.value,
        "status_label": detail.status_label,
        "cancellation_requested_on": licence.cancellation_requested_on,
        "events": [
            {
                "on": step.on,
                "action": step.action,
                "action_label": step.action_label,
                "from_state_label": step.from_state_label,
                "to_state_label": step.to_state_label,
                "note": step.note,
            }
            for step in detail.history
        ],
        "available_actions": actions,
        "certificate_available": detail.certificate_available,
        "filings": _filings(detail.filings),
        "network_exit": _exit(detail.network_exit),
    }


@router.get(
    "/{number}",
    response={200: LicenceOut, **ERRORS},
    summary="One licence",
    description=(
        "Its particulars, effective status, history with the officials' notes, the actions open to you, "
        "its filings and its network exit. 404 when it does not exist or you may not see it."
    ),
)
def get_licence(request: HttpRequest, number: str) -> Any:
    user = _caller(request)
    return detail_payload(user, access_licence(user, number))


@router.get(
    "/{number}/certificate.pdf",
    response={200: None, **ERRORS, 503: ProblemOut},
    summary="The licence's certificate (PDF)",
    description=(
        "The bilingual certificate, signed with the platform's key, made from the register as it stands. "
        "503 when the platform has no signing key yet."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The signed certificate.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_licence_certificate(request: HttpRequest, number: str) -> Any:
    licence = access_licence(_caller(request), number)
    try:
        pdf = signed_certificate(licence)
    except SigningKeyMissing as missing:
        logger.error("licence certificate %s not made: %s", licence.number, missing)
        return problems.problem(
            request,
            503,
            type_=problems.TYPE_BASE + "certificate-unavailable",
            title=_("The certificate cannot be made now"),
            detail=_(
                "The certificate cannot be made now: the platform has no signing key yet. "
                "Please tell the administrator."
            ),
        )
    return made_download(pdf, filename=f"licence-{licence.number}.pdf", content_type="application/pdf")


# --- The decisions --------------------------------------------------------------------------------------

_ALL_FIELDS = ("reason", "remove_services", "narrow_areas")


def _fields(action: LicenceAction | None, body: LicenceActionIn) -> dict[str, Any]:
    """The action's declared fields from the body (domain.licences.action_fields); FieldProblem (a 422)
    names a field the action does not take or a required one left out."""
    declared = {field.name: field for field in licence_fields_of(action)} if action is not None else {}
    values: dict[str, Any] = {}
    for name in _ALL_FIELDS:
        value = getattr(body, name)
        if name not in declared:
            if value is not None:
                raise field_not_taken(name)
            continue
        field = declared[name]
        if value is None:
            if field.required:
                raise field_required(name)
            value = {} if isinstance(field, AreasKeptField) else field.default()
        values[name] = value
    return values


@router.post(
    "/{number}/actions/{action}",
    response={200: LicenceOut, **WRITE_ERRORS},
    summary="Take a decision on a licence",
    description=(
        "MIIT's decisions: `suspend`, `reinstate`, `revoke`, `cancel` (once the holder applied) and "
        "`reduce_scope`, each with `reason`; `reduce_scope` also takes `remove_services` (codes) and "
        "`narrow_areas` (code -> the areas kept). The holder's member: `request-cancellation` (no "
        "field). Body: `expected_version` (the licence's version you last read). 404 for an unknown action "
        "or a licence you may not see; 403 when your role may not take it; 409 when the licence changed "
        "since expected_version; 422 when the table or a guard refuses, or a field is wrong. Answers the "
        "licence as it now stands."
    ),
)
def take_licence_action(request: HttpRequest, number: str, action: str, payload: LicenceActionIn) -> Any:
    user = _caller(request)
    licence = access_licence(user, number)
    chosen: LicenceAction | None = None
    if action != REQUEST_CANCELLATION:
        try:
            chosen = LicenceAction(action)
        except ValueError:
            raise NotFound("no such action") from None
        if chosen not in LICENCE_DECISIONS:
            raise NotFound("no such action")
    fields = _fields(chosen, payload)
    # A refusal by the caller's role is a 403 (problems.py, as on the web), any other a 422.
    if chosen is None:
        request_cancellation(actor=user, licence=licence, on=legal_today(), expected_version=payload.expected_version)
    else:
        LICENCE_DECISIONS[chosen](
            actor=user, licence=licence, on=legal_today(), expected_version=payload.expected_version, **fields
        )
    return detail_payload(user, access_licence(user, number))
