"""The quarterly report pages (issue 10): a licence's obligations calendar, a report's page with the
holder's draft forms and uploads, the ingestion's progress partial (polled by htmx while the run reads),
and the lifecycle's actions (the holder submits and reopens, the authority accepts and returns).

The licence and the report are fetched through store.access (access_licence, access_report): missing and
not the reader's alike are a 404. A form the reader's role may not send is a 403, as on the licence
pages. A refusal is shown at the top of the page, naming its field, with status 422 (409 for a stale
version); the writers are one transaction each, so nothing is half-written."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED
from vatspilot.domain.supervision.reports import REPORT_WORKFLOW, ReportAction, ReportRole
from vatspilot.queries.exports import ExportColumn, export_table
from vatspilot.queries.supervision_reports import (
    REPORT_ACTION_LABELS,
    ObligationRow,
    licence_obligations_view,
    report_page,
    report_run,
)
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.services.supervision.ingestion import stage_upload
from vatspilot.services.supervision.report_lifecycle import roles_of
from vatspilot.services.supervision.reports import (
    REPORT_WRITERS,
    open_report,
    save_report_data,
)
from vatspilot.store.access import NotFound, access_licence, access_report
from vatspilot.store.models import Licence
from vatspilot.store.models.supervision import QuarterlyReport, ReportPart
from vatspilot.web.exports import csv_response, xlsx_response
from vatspilot.web.report_forms import (
    ACTION_FORMS,
    OpenReportForm,
    OperationalDataForm,
    ReportActionForm,
    UploadForm,
    error_lines,
    field_label,
)


def _refusal_text(refused: ActionRefused) -> str:
    label = field_label(refused.params.get("field"))
    return f"{label}: {refused.message}" if label else refused.message


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- The obligations calendar ---------------------------------------------------------------------------


def _calendar(
    request: HttpRequest, licence: Licence, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "licence": licence,
        "calendar": licence_obligations_view(_user(request), licence, today=legal_today()),
        "errors": errors or [],
    }
    return render(request, "web/reports/obligations.html", context, status=status)


@login_required
@require_GET
def obligations_page(request: HttpRequest, number: str) -> HttpResponse:
    return _calendar(request, access_licence(request.user, number))


@login_required
@require_POST
def open_report_action(request: HttpRequest, number: str) -> HttpResponse:
    licence = access_licence(request.user, number)
    form = OpenReportForm(request.POST)
    if not form.is_valid():
        return _calendar(request, licence, errors=error_lines(form), status=422)
    try:
        report = open_report(
            actor=_user(request),
            licence=licence,
            year=form.cleaned_data["year"],
            quarter=form.cleaned_data["quarter"],
            on=legal_today(),
        )
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        return _calendar(request, licence, errors=[_refusal_text(refused)], status=422)
    messages.success(
        request, _("The report for %(period)s is open as a draft.") % {"period": f"{report.year}-Q{report.quarter}"}
    )
    return redirect("web:report", report.pk)


# --- The report's page ------------------------------------------------------------------------------------


def _page(
    request: HttpRequest,
    report: QuarterlyReport,
    *,
    bound: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report's page; ``bound`` replaces the fresh form of the same name (a refused form shown again)."""
    page = report_page(_user(request), report, today=legal_today())
    forms: dict[str, Any] = {}
    if page.editable:
        forms["data_form"] = OperationalDataForm(page.version, initial_data=page.initial)
        forms["upload_forms"] = [UploadForm(ReportPart(part.part), page.version) for part in page.parts]
    actions: dict[ReportAction, ReportActionForm] = {
        action: ACTION_FORMS[action](action, page.version) for action in page.actions
    }
    for name, form in (bound or {}).items():
        if name == "action_forms":
            actions[form.action] = form  # shown again with its error, even if no longer open
        elif name == "upload_forms" and "upload_forms" in forms:
            forms[name] = [form if other.part is form.part else other for other in forms[name]]
        elif name in forms:
            forms[name] = form
    forms["action_forms"] = [(form, REPORT_ACTION_LABELS[action]) for action, form in actions.items()]
    context = {
        "report": page,
        "errors": errors or [],
        "show_submit_blockers": page.is_holder and page.status == "draft" and ReportAction.SUBMIT not in page.actions,
        **forms,
    }
    return render(request, "web/reports/report.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    return _page(request, access_report(request.user, report_id))


def _holder_only(request: HttpRequest, report: QuarterlyReport) -> None:
    """Only the holder's members send the draft's forms: others who see the report get a 403."""
    if ReportRole.HOLDER not in roles_of(_user(request), report):
        raise PermissionDenied(_("Only a member of the licence holder may change its reports."))


@login_required
@require_POST
def report_data(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id)
    _holder_only(request, report)
    form = OperationalDataForm(None, request.POST)
    if not form.is_valid():
        return _page(request, report, bound={"data_form": form}, errors=error_lines(form), status=422)
    try:
        save_report_data(
            actor=_user(request),
            report=report,
            data=form.data_to_save(),
            expected_version=form.cleaned_data["expected_version"],
        )
    except Conflict as conflict:
        report.refresh_from_db()
        return _page(request, report, errors=[conflict.message], status=409)
    except ActionRefused as refused:
        report.refresh_from_db()
        return _page(request, report, bound={"data_form": form}, errors=[_refusal_text(refused)], status=422)
    messages.success(request, _("The operational data is saved."))
    return redirect("web:report", report.pk)


@login_required
@require_POST
def report_upload(request: HttpRequest, report_id: int, part: str) -> HttpResponse:
    report = access_report(request.user, report_id)
    try:
        chosen = ReportPart(part)
    except ValueError:
        raise NotFound("no such part") from None
    _holder_only(request, report)
    form = UploadForm(chosen, None, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, report, bound={"upload_forms": form}, errors=error_lines(form), status=422)
    if form.cleaned_data["expected_version"] != report.version:
        return _page(
            request,
            report,
            errors=[_("This report changed since you opened the page. Reload it and upload the file again.")],
            status=409,
        )
    uploaded = form.cleaned_data["file"]
    try:
        run = stage_upload(
            actor=_user(request), report=report, part=chosen.value, filename=uploaded.name, chunks=uploaded.chunks()
        )
    except ActionRefused as refused:
        return _page(request, report, bound={"upload_forms": form}, errors=[_refusal_text(refused)], status=422)
    messages.success(
        request, _("%(file)s is received and is being read; its progress is shown below.") % {"file": run.filename}
    )
    return redirect(reverse("web:report", args=[report.pk]) + f"#part-{chosen.value}")


@login_required
@require_GET
def run_progress(request: HttpRequest, report_id: int, run_id: str) -> HttpResponse:
    report = access_report(request.user, report_id)
    run = report_run(report, run_id)
    response = render(request, "web/reports/_run.html", {"run": run, "report_id": report.pk})
    if run.finished and request.headers.get("HX-Request"):
        # The run ended while the page polled: show the page again, with the part on file and what a
        # submission still lacks (the finished run is drawn without polling, so this happens once).
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def report_action(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = access_report(request.user, report_id)
    try:
        chosen = ReportAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    roles = set(roles_of(_user(request), report))
    if not any(row.action is chosen and roles & set(row.roles) for row in REPORT_WORKFLOW.rows):
        # Whatever the form holds: this action is never the reader's to take on a report.
        raise PermissionDenied(_("Your role does not take this step on a report."))
    form: ReportActionForm = ACTION_FORMS[chosen](chosen, None, request.POST)
    if not form.is_valid():
        return _page(request, report, bound={"action_forms": form}, errors=error_lines(form), status=422)
    try:
        REPORT_WRITERS[chosen](
            actor=_user(request),
            report=report,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
            **form.writer_fields(),
        )
    except Conflict as conflict:
        report.refresh_from_db()
        return _page(request, report, errors=[conflict.message], status=409)
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        report.refresh_from_db()
        return _page(request, report, bound={"action_forms": form}, errors=[_refusal_text(refused)], status=422)
    messages.success(request, _("Done: %(action)s.") % {"action": REPORT_ACTION_LABELS[chosen]})
    return redirect("web:report", report.pk)


OBLIGATION_COLUMNS: tuple[ExportColumn[ObligationRow], ...] = (
    ExportColumn("obligation", 16, lambda row: row.kind),
    ExportColumn("period", 10, lambda row: row.label),
    ExportColumn("opens_on", 12, lambda row: row.opens_on),
    ExportColumn("due_on", 12, lambda row: row.due_on),
    ExportColumn("cure_deadline", 12, lambda row: row.cure_deadline),
    ExportColumn("status", 10, lambda row: row.status),
    ExportColumn("filed_on", 12, lambda row: row.filed_on),
    ExportColumn("days_left", 10, lambda row: row.days_left),
)


@login_required
@require_GET
def obligations_export(request: HttpRequest, number: str, extension: str) -> HttpResponse:
    """A licence's obligations calendar as CSV or XLSX, for whoever may see the licence."""
    licence = access_licence(request.user, number)
    if extension not in ("csv", "xlsx"):
        raise Http404(_("No such page."))
    calendar = licence_obligations_view(_user(request), licence, today=legal_today())
    table = export_table(
        f"obligations-{licence.number}-{calendar.today.isoformat()}", "obligations", OBLIGATION_COLUMNS, calendar.rows
    )
    return csv_response(table) if extension == "csv" else xlsx_response(table)
