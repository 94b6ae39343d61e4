"""/api/v1/findings: the findings the caller may see (the holder its own, a local officer those of their
provinces, MIIT every one: store.access.visible_findings), one in full, its evidence files, and the
actions of its table: the holder's remediation with evidence (multipart/form-data, as the web's form),
the authority's acceptance, rejection and dismissal, and the escalation ladder (rectification order,
scope reduction, revocation).

Each operation calls what the web's pages call (web/views/findings.py): the read models
queries.findings and the writers services.supervision.findings. A missing finding and one the caller may
not see are the same 404; an action the caller's role may not take is a 403 (as on the finding's page);
a refusal by the table or a guard is a 422 naming the field; a stale expected_version a 409 (in the
finding's words).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from config.downloads import stored_download
from vatspilot.api.finding_schemas import TEXT_MAX, FindingActionIn, FindingOut, FindingSummaryOut
from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.problems import FieldProblem, check_fields_taken, field_not_taken, field_required
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.supervision.findings import FindingAction, FindingState, Severity
from vatspilot.queries.findings import FindingDetail, FindingRow, evidence_of, finding_detail, finding_list
from vatspilot.queries.supervision_lists import finding_row_key
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.supervision.findings import (
    FINDING_WRITERS,
    report_remediation,
)
from vatspilot.store.access import NotFound, access_finding

router = Router(tags=["findings"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 409: ProblemOut, 413: ProblemOut, 415: ProblemOut}
LICENCE_MAX = 40  # as the web's filter

# The authority's actions (a JSON body): the writer and the body's fields each takes (all required but
# the two of a scope reduction, which default to nothing removed and no area withdrawn).
_REQUIRED: Mapping[FindingAction, tuple[str, ...]] = {
    FindingAction.ACCEPT_REMEDIATION: ("reason",),
    FindingAction.REJECT_REMEDIATION: ("reason",),
    FindingAction.DISMISS: ("reason",),
    FindingAction.ORDER_RECTIFICATION: ("deadline", "reason"),
    FindingAction.REDUCE_SCOPE: ("deadline", "reason"),
    FindingAction.REVOKE: ("reason",),
}
_OPTIONAL: Mapping[FindingAction, Mapping[str, Any]] = {
    FindingAction.REDUCE_SCOPE: {"remove_services": list, "narrow_areas": dict},
}
# The remediation's form (multipart/form-data).
_REMEDIATION_PARTS = ("expected_version", "note")
_EVIDENCE = "evidence"


def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- Reading ------------------------------------------------------------------------------------------


def _summary(row: FindingRow) -> dict[str, Any]:
    return {
        "id": row.pk,
        "licence_number": row.licence_number,
        "holder": row.holder,
        "rule": row.rule,
        "severity": row.severity.value,
        "status": row.state.value,
        "raised_on": row.raised_on,
        "age_days": row.age_days,
        "deadline": row.deadline,
        "days_left": row.days_left,
        "overdue": row.overdue,
        "rung": row.rung,
    }


def _evidence_path(finding_id: int, evidence_id: int) -> str:
    return f"/api/v1/findings/{finding_id}/evidence/{evidence_id}"


def finding_payload(detail: FindingDetail) -> dict[str, Any]:
    """The API's view of the read model queries.findings.finding_detail."""
    listing = detail.listing
    return {
        "id": detail.pk,
        "version": detail.version,
        "licence_number": detail.licence_number,
        "holder_name_zh": detail.holder_name_zh,
        "holder_name_en": detail.holder_name_en,
        "rule": detail.rule,
        "citation": detail.citation,
        "citation_zh": detail.citation_zh,
        "severity": detail.severity.value,
        "status": detail.state.value,
        "raised_on": detail.raised_on,
        "source": detail.source,
        "report_id": detail.report_id,
        "remediation_due_on": detail.remediation_due_on,
        "rectification_due_on": detail.rectification_due_on,
        "deadline": detail.deadline,
        "days_left": detail.days_left,
        "overdue": detail.overdue,
        "rung": detail.rung,
        "ladder": [
            {"state": step.state.value, "reached": step.reached, "current": step.current} for step in detail.ladder
        ],
        "listed_nodes": [
            {"node_id": node.node_id, "line": node.line, "detail": node.detail} for node in detail.listed_nodes
        ],
        "details": [{"key": line.key, "label": line.label, "value": line.value} for line in detail.detail_lines],
        "evidence": [
            {
                "id": item.pk,
                "filename": item.filename,
                "size_bytes": item.size_bytes,
                "sha256": item.sha256,
                "uploaded_on": item.uploaded_on,
                "uploaded_by": item.uploaded_by,
                "download": _evidence_path(detail.pk, item.pk),
            }
            for item in detail.evidence
        ],
        "events": [
            {
                "on": step.on,
                "action": step.action,
                "from_state": step.from_state,
                "to_state": step.to_state,
                "role": step.role,
                "note": step.note,
                "rectification_due_on": step.rectification_due_on or None,
            }
            for step in detail.timeline
        ],
        "available_actions": [action.value for action in detail.actions],
        "bad_record_listing": None
        if listing is None
        else {
            "penalty_decided_on": listing.penalty_decided_on,
            "due_on": listing.due_on,
            "days": listing.days,
            "listed_on": listing.listed_on,
            "overdue": listing.overdue,
        },
    }


def _detail(user: User, finding_id: int) -> dict[str, Any]:
    return finding_payload(finding_detail(user, access_finding(user, finding_id), today=legal_today()))


FindingPageOut = page_schema(FindingSummaryOut, "FindingPageOut")


@router.get(
    "",
    response={200: FindingPageOut, **ERRORS},
    summary="Findings you may see",
    description=(
        "The holder's own findings, a local officer's provinces', every finding for MIIT; none for anyone "
        "else. Unresolved first (the oldest first, then by severity), then the closed (the newest first), "
        "a page at a time (cursor pagination: follow `next`). Filters: `status`, `severity`, `overdue` "
        "(only those past their running deadline) and `licence` (a licence number)."
    ),
)
def list_findings(
    request: HttpRequest,
    page: Query[PageIn],
    status: FindingState | None = None,
    severity: Severity | None = None,
    overdue: bool = False,
    licence: str = "",
) -> Any:
    if len(licence) > LICENCE_MAX:
        raise FieldProblem("licence", "too_long", _("At most %(limit)s characters.") % {"limit": LICENCE_MAX})
    listing = finding_list(
        request.user,
        today=legal_today(),
        severity=severity,
        state=status,
        overdue=overdue,
        licence_number=licence.strip(),
    )
    chosen = page_of_rows(listing.rows, finding_row_key, page)
    return payload(request, chosen, [_summary(row) for row in chosen.items])


@router.get(
    "/{int:finding_id}",
    response={200: FindingOut, **ERRORS},
    summary="One finding",
    description=(
        "Its rule and citation, severity, deadlines, the rung on the escalation ladder, evidence, timeline "
        "and `available_actions` (what you may do now). 404 when missing or not yours to see."
    ),
)
def get_finding(request: HttpRequest, finding_id: int) -> Any:
    return _detail(_caller(request), finding_id)


@router.get(
    "/{int:finding_id}/evidence/{int:evidence_id}",
    response={200: None, **ERRORS},
    summary="Download a piece of evidence",
    description="The file as uploaded (application/octet-stream, as an attachment). Whoever may see the finding.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_finding_evidence(request: HttpRequest, finding_id: int, evidence_id: int) -> Any:
    item = evidence_of(access_finding(request.user, finding_id), evidence_id)
    return stored_download(item.file, filename=item.filename, content_type="application/octet-stream", what="evidence")


# --- Acting -------------------------------------------------------------------------------------------


def _one(request: HttpRequest, name: str) -> str:
    values = request.POST.getlist(name)
    if len(values) > 1:
        raise FieldProblem(name, "repeated", _("Send this field once."))
    return values[0] if values else ""


def _expected_version(text: str) -> int:
    if not text:
        raise field_required("expected_version")
    if not text.isascii() or not text.isdigit() or int(text) < 1 or len(text) > 12:
        raise FieldProblem("expected_version", "invalid", _("expected_version is a whole number from 1."))
    return int(text)


REMEDIATION_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["expected_version", "note", "evidence"],
                "properties": {
                    "expected_version": {"type": "integer", "minimum": 1},
                    "note": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
                    "evidence": {"type": "array", "items": {"type": "string", "format": "binary"}, "minItems": 1},
                },
            }
        }
    },
}


@router.post(
    "/{int:finding_id}/actions/report_remediation",
    response={200: FindingOut, **WRITE_ERRORS},
    summary="Report the remediation with its evidence",
    description=(
        "The holder's action. multipart/form-data with `expected_version`, `note` (what was done, at most "
        "4000 characters) and one or more `evidence` files (a part each: PDF, PNG, JPEG, Word or Excel "
        "whose name's extension matches its content, each at most the site's upload limit, "
        "VATSPILOT_MAX_UPLOAD_BYTES, 20 MiB unless configured; a larger body is a 413). Stored with the "
        "step in one transaction; "
        "a file refused is a 422 naming `/evidence`, and nothing is kept. Open, on a rung of the ladder "
        "below revocation. 403 when your role may not; 409 when the finding changed since expected_version; "
        "415 for a body that is not multipart/form-data."
    ),
    openapi_extra={"requestBody": REMEDIATION_BODY},
)
def report_finding_remediation(request: HttpRequest, finding_id: int) -> Any:
    user = _caller(request)
    finding = access_finding(user, finding_id)
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise HttpError(415, _("Send the remediation as multipart/form-data (its evidence are files)."))
    for name in [*request.POST.keys(), *request.FILES.keys()]:
        if name not in (*_REMEDIATION_PARTS, _EVIDENCE) or (name in request.FILES and name != _EVIDENCE):
            raise field_not_taken(name)
    version = _expected_version(_one(request, "expected_version"))
    note = _one(request, "note")
    if len(note) > TEXT_MAX:
        raise FieldProblem("note", "too_long", _("At most %(limit)s characters.") % {"limit": TEXT_MAX})
    files = request.FILES.getlist(_EVIDENCE)
    if not files:
        raise FieldProblem(_EVIDENCE, "required", _("Attach at least one piece of evidence of the remediation."))
    report_remediation(
        actor=user, finding=finding, on=legal_today(), expected_version=version, note=note, evidence=files
    )
    return _detail(user, finding.pk)


@router.post(
    "/{int:finding_id}/actions/{action}",
    response={200: FindingOut, **WRITE_ERRORS},
    summary="Take an action on a finding",
    description=(
        "The authority's actions: `accept_remediation`, `reject_remediation`, `dismiss` (each with `reason`); "
        "`order_rectification` (`deadline`, `reason`; once the remediation deadline has passed); "
        "`reduce_scope` (MIIT: `deadline`, `reason`, `remove_services`, `narrow_areas`; once the "
        "rectification deadline has passed); `revoke` (MIIT: `reason`; irreversible: the licence is revoked "
        "and the orderly network exit opened). The holder's `report_remediation` is its own operation "
        "(multipart, with the evidence). Body: expected_version and the action's fields. 404 for an unknown "
        "action, or a finding missing or not yours to see; 403 when your role may not take it; 409 when the "
        "finding changed since expected_version; 422 when the table or a guard refuses, or a field is "
        "missing or not taken by the action."
    ),
)
def take_finding_action(request: HttpRequest, finding_id: int, action: str, payload: FindingActionIn) -> Any:
    user = _caller(request)
    finding = access_finding(user, finding_id)
    try:
        chosen = FindingAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    # report_remediation: its own route above answers it (with the evidence uploaded)
    if chosen is FindingAction.REPORT_REMEDIATION or chosen not in FINDING_WRITERS:
        raise NotFound("no such action")
    sent = payload.model_dump(exclude={"expected_version"}, exclude_none=True)
    required, optional = _REQUIRED[chosen], _OPTIONAL.get(chosen, {})
    check_fields_taken(sent, required, optional)
    fields: dict[str, Any] = {name: getattr(payload, name) for name in required}
    for name, empty in optional.items():
        fields[name] = getattr(payload, name) if name in sent else empty()
    FINDING_WRITERS[chosen](
        actor=user, finding=finding, on=legal_today(), expected_version=payload.expected_version, **fields
    )
    return _detail(user, finding.pk)
