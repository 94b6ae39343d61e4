"""/api/v1/licences/{number}/obligations, /api/v1/licences/{number}/reports and /api/v1/reports/{id}: a
licence's obligations calendar and its quarterly pilot reports, as the report pages (web.views.reports)
offer them: open a quarter's report, save its operational data, upload its node list and security log
(read by the task worker; follow the run), submit it, and the authority's return and acceptance.

Each operation calls the service the pages call (services.supervision.reports, .ingestion) and reads
through the same read models (queries.supervision_reports; queries.report_runs for a run's whole error
list). The licence and the report are fetched through store.access: missing and not yours are the same
404. As on the pages, a change only the holder may make, or an action not the caller's role's, is a 403;
a refusal is a 422 naming its field; a stale expected_version a 409."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from vatspilot.api.pagination import PageIn, page_of_rows, page_schema, payload
from vatspilot.api.problems import FieldProblem
from vatspilot.api.report_schemas import (
    ObligationOut,
    OperationalDataIn,
    ReportActionIn,
    ReportOpenIn,
    ReportOut,
    RunOut,
    action_fields,
)
from vatspilot.api.schemas import ProblemOut
from vatspilot.domain.supervision.obligations import ObligationKind, ObligationStatus
from vatspilot.domain.supervision.reports import REPORT_WORKFLOW, ReportAction, ReportRole
from vatspilot.queries.report_runs import run_with_errors
from vatspilot.queries.supervision_reports import ObligationRow, RunView, licence_obligations_view, report_page
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import Conflict
from vatspilot.services.supervision.ingestion import stage_upload
from vatspilot.services.supervision.report_lifecycle import OPERATIONAL_FIELDS, roles_of
from vatspilot.services.supervision.reports import (
    REPORT_WRITERS,
    OperationalData,
    open_report,
    save_report_data,
)
from vatspilot.store.access import NotFound, access_licence, access_report
from vatspilot.store.models.supervision import QuarterlyReport, ReportPart

router = Router(tags=["reports"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 409: ProblemOut}


def _caller(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- Refusals ---------------------------------------------------------------------------------------------


def _holder_only(user: User, report: QuarterlyReport) -> None:
    """Only the holder's members change the draft: others who see the report get a 403 (as on the pages)."""
    if ReportRole.HOLDER not in roles_of(user, report):
        raise PermissionDenied(_("Only a member of the licence holder may change its reports."))


# --- Rendering --------------------------------------------------------------------------------------------


def _progress_path(report_id: int, run_id: object) -> str:
    return reverse("api:get_report_run", kwargs={"report_id": report_id, "run_id": str(run_id)})


def _run(run: RunView) -> dict[str, Any]:
    return {
        "id": run.id,
        "report_id": run.report_id,
        "part": run.part,
        "filename": run.filename,
        "status": run.status,
        "finished": run.finished,
        "rows_read": run.rows_read,
        "error_count": run.error_count,
        "errors": [{"line": error.line, "field": error.field, "reason": error.reason} for error in run.errors],
        "more_errors": run.more_errors,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "progress": _progress_path(run.report_id, run.id),
    }


def report_payload(user: User, report: QuarterlyReport) -> dict[str, Any]:
    """The API's view of the report page's read model (queries.supervision_reports.report_page), today."""
    page = report_page(user, report, today=legal_today())
    return {
        "id": page.id,
        "licence": page.number,
        "holder_name_zh": page.holder_name,
        "holder_name_en": page.holder_name_en,
        "period": page.period,
        "year": report.year,
        "quarter": report.quarter,
        "status": page.status,
        "version": page.version,
        "due_on": page.due_on,
        "cure_deadline": page.cure_deadline,
        "submitted_on": page.submitted_on,
        "late": page.late,
        "rulebook_version": page.rulebook_version,
        "data": dict(page.initial),
        "parts": [
            {
                "part": part.part,
                "formats": list(part.formats),
                "upload": None
                if part.upload is None
                else {
                    "filename": part.upload.filename,
                    "rows": part.upload.rows,
                    "size_bytes": part.upload.size_bytes,
                    "sha256": part.upload.sha256,
                    "uploaded_at": part.upload.uploaded_at,
                },
                "run": None if part.run is None else _run(part.run),
            }
            for part in page.parts
        ],
        "missing": [name for name in OPERATIONAL_FIELDS if page.initial[name] is None]
        + [part.part for part in page.parts if part.upload is None],
        "findings": [
            {
                "id": finding.id,
                "rule": finding.rule,
                "severity": finding.severity,
                "status": finding.status,
                "raised_on": finding.raised_on,
                "remediation_due_on": finding.remediation_due_on,
                "overdue": finding.overdue,
            }
            for finding in page.findings
        ],
        "available_actions": [str(action) for action in page.actions],
        "editable": page.editable,
    }


def _obligation(row: ObligationRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "label": row.label,
        "year": row.year,
        "quarter": row.quarter,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "opens_on": row.opens_on,
        "due_on": row.due_on,
        "cure_deadline": row.cure_deadline,
        "status": row.status,
        "filed_on": row.filed_on,
        "days_left": row.days_left,
        "days_late": row.days_late,
        "cure_days_left": row.cure_days_left,
        "report_id": row.report_id,
        "can_open": row.can_open,
    }


def _obligation_key(row: ObligationRow) -> tuple[str, str]:
    return (row.due_on.isoformat(), row.label)


# --- The obligations calendar and opening a quarter's report ----------------------------------------------

ObligationPageOut = page_schema(ObligationOut, "ObligationPageOut")


@router.get(
    "/licences/{number}/obligations",
    response={200: ObligationPageOut, **ERRORS},
    summary="A licence's reporting obligations",
    description=(
        "Every report the licence owes up to today (the quarterly pilot reports and the annual report), by "
        "due day, each with its window, due day and cure deadline, its status as of today, the days left or "
        "late, and the quarterly report's id once opened. Filters: `status`, `kind`. For the holder's "
        "members and the officials who see the licence; 404 for anyone else."
    ),
)
def list_licence_obligations(
    request: HttpRequest,
    number: str,
    page: Query[PageIn],
    status: ObligationStatus | None = None,
    kind: ObligationKind | None = None,
) -> Any:
    user = _caller(request)
    calendar = licence_obligations_view(user, access_licence(user, number), today=legal_today())
    rows = sorted(
        (
            row
            for row in calendar.rows
            if (status is None or row.status == status.value) and (kind is None or row.kind == kind.value)
        ),
        key=_obligation_key,
    )
    found = page_of_rows(rows, _obligation_key, page)
    return payload(request, found, [_obligation(row) for row in found.items])


@router.post(
    "/licences/{number}/reports",
    response={201: ReportOut, **WRITE_ERRORS},
    summary="Open a quarter's report",
    description=(
        "A draft of the licence's quarterly report for `year` and `quarter`, opened by a member of the holder "
        "once the quarter has ended and until its cure deadline (the calendar's `can_open`). 201 with the "
        "report and its address in Location. 403 for anyone but the holder's members; 422 (field /quarter) "
        "for a quarter the licence does not owe, one not yet ended, or one already opened."
    ),
)
def open_licence_report(request: HttpRequest, response: HttpResponse, number: str, payload: ReportOpenIn) -> Any:
    user = _caller(request)
    licence = access_licence(user, number)
    report = open_report(actor=user, licence=licence, year=payload.year, quarter=payload.quarter, on=legal_today())
    response["Location"] = reverse("api:get_report", kwargs={"report_id": report.pk})
    return Status(201, report_payload(user, access_report(user, report.pk)))


# --- One report -------------------------------------------------------------------------------------------


@router.get(
    "/reports/{int:report_id}",
    response={200: ReportOut, **ERRORS},
    summary="One quarterly report",
    description=(
        "Its status, version, dates and operational data; each part's accepted file and latest ingestion run; "
        "what a submission still lacks; the findings it raised that you may open; and the actions open to you "
        "today (`available_actions`, `editable`). Whoever sees the licence sees its reports."
    ),
)
def get_report(request: HttpRequest, report_id: int) -> Any:
    user = _caller(request)
    return report_payload(user, access_report(user, report_id))


@router.put(
    "/reports/{int:report_id}/data",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Save the draft's operational data",
    description=(
        "The operational data, replaced whole; any value may be left out (blank) while a draft, and each is "
        "checked for its own type and range (422 naming the field: `/revenue_cny`). Only the holder's members "
        "(403 otherwise), only in a draft (422); 409 when the report changed since expected_version."
    ),
)
def put_report_data(request: HttpRequest, report_id: int, payload: OperationalDataIn) -> Any:
    user = _caller(request)
    report = access_report(user, report_id)
    _holder_only(user, report)
    data = OperationalData(**payload.model_dump(exclude={"expected_version"}))
    save_report_data(actor=user, report=report, data=data, expected_version=payload.expected_version)
    return report_payload(user, access_report(user, report.pk))


# The upload's form, read here rather than by django-ninja's Form/File parameters, so that a missing or
# wrong part is named as the form names it (/expected_version, /file), like every other field of the API.
UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["expected_version", "file"],
                "properties": {
                    "expected_version": {"type": "integer", "minimum": 1},
                    "file": {"type": "string", "format": "binary"},
                },
            }
        }
    },
}


def _upload_version(request: HttpRequest) -> int:
    """The multipart form's expected_version (its only field beside the file); FieldProblem otherwise."""
    for name in [*request.POST, *request.FILES]:
        if name not in ("expected_version", "file"):
            raise FieldProblem(name, "unknown-field", _("This upload takes no field %(field)s.") % {"field": name})
    text = request.POST.get("expected_version", "")
    if not text:
        raise FieldProblem("expected_version", "required", _("Send the report's version you last read."))
    if not (text.isascii() and text.isdigit() and len(text) <= 18 and int(text) >= 1):
        raise FieldProblem("expected_version", "invalid", _("Give the report's version: a whole number of 1 or more."))
    return int(text)


@router.post(
    "/reports/{int:report_id}/uploads/{part}",
    response={202: RunOut, **WRITE_ERRORS},
    summary="Upload the node list or the security log",
    description=(
        "`part` is `node_list` (read from .csv or .xlsx) or `security_log` (.ndjson, .jsonl or .csv); any "
        "other is a 404. multipart/form-data with `expected_version` and `file` (at most the site's upload "
        "limit, VATSPILOT_MAX_UPLOAD_BYTES; a larger body is a 413). The file is streamed to the staging area "
        "and read by the task worker: 202 with the ingestion run and its address (`progress`, also in "
        "Location); poll it until `finished`. An accepted file replaces the part's earlier one; a rejected "
        "one lists its first errors (line, field, reason) and stores nothing. Only the holder's members (403 "
        "otherwise), only in a draft (422, field /file); 409 when the report changed since expected_version."
    ),
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def upload_report_part(request: HttpRequest, response: HttpResponse, report_id: int, part: str) -> Any:
    user = _caller(request)
    report = access_report(user, report_id)
    try:
        chosen = ReportPart(part)
    except ValueError:
        raise NotFound("no such part") from None
    _holder_only(user, report)
    expected_version = _upload_version(request)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise FieldProblem("file", "required", _("Send the file as the form's file part."))
    if expected_version != report.version:
        raise Conflict(
            "conflict",
            _("This report changed since the version you sent. Read it again and upload again."),
            expected=expected_version,
            found=report.version,
            record="report",
        )
    run = stage_upload(
        actor=user, report=report, part=chosen.value, filename=uploaded.name or "", chunks=uploaded.chunks()
    )
    response["Location"] = _progress_path(report.pk, run.pk)
    return Status(202, _run(run_with_errors(report, run.pk)))


@router.get(
    "/reports/{int:report_id}/runs/{run_id}",
    response={200: RunOut, **ERRORS},
    summary="An upload's ingestion run",
    description=(
        "Its status (queued, running, then accepted or rejected), the rows read and errors found so far, "
        "written by the worker as it reads; when rejected, the first 100 errors (line, field, reason) and how "
        "many more. For whoever sees the report."
    ),
)
def get_report_run(request: HttpRequest, report_id: int, run_id: str) -> Any:
    user = _caller(request)
    return _run(run_with_errors(access_report(user, report_id), run_id))


@router.post(
    "/reports/{int:report_id}/actions/{action}",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Take a report's lifecycle action",
    description=(
        "`submit` and `reopen` (the holder's), `return` (with `reason`) and `accept` (the local "
        "Communications Administration's and MIIT's); any other action is a 404. Body: expected_version and "
        "the action's fields. Submitting runs every check and raises the findings with the submission. 403 "
        "when the action is never your role's; 409 when the report changed since expected_version; 422 when "
        "the transition table or a guard refuses (a draft incomplete, the due day or cure deadline passed), "
        "or a field is missing or not taken by the action."
    ),
)
def take_report_action(request: HttpRequest, report_id: int, action: str, payload: ReportActionIn) -> Any:
    user = _caller(request)
    report = access_report(user, report_id)
    try:
        chosen = ReportAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    roles = set(roles_of(user, report))
    if not any(row.action is chosen and roles & set(row.roles) for row in REPORT_WORKFLOW.rows):
        # Whatever the body holds: this action is never the caller's to take on a report (as on the pages).
        raise PermissionDenied(_("Your role does not take this step on a report."))
    fields = action_fields(chosen, payload)
    REPORT_WRITERS[chosen](
        actor=user, report=report, on=legal_today(), expected_version=payload.expected_version, **fields
    )
    return report_payload(user, access_report(user, report.pk))


__all__ = ["report_payload", "router"]
