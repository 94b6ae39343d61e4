"""The supervisors' dashboard (/supervision/) and its exports: it renders
vatspilot.queries.supervision_dashboard for MIIT reviewers and local officers; anyone else gets 404, as
for any page that is not theirs. The charts' figures go to the page as JSON data (json_script), which
web/static/web/charts.js draws with ECharts; every chart has its table beside it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from vatspilot.queries.exports import ExportColumn, export_table
from vatspilot.queries.supervision_dashboard import Dashboard, LateObligation, OverdueFinding, supervision_dashboard
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.vocabulary import FINDING_SEVERITIES
from vatspilot.web.exports import csv_response, xlsx_response
from vatspilot.web.templatetags.vatspilot_findings import month_label, quarter_label

LATE_COLUMNS: tuple[ExportColumn[LateObligation], ...] = (
    ExportColumn("licence_number", 18, lambda row: row.licence_number),
    ExportColumn("holder_zh", 36, lambda row: row.holder_name_zh),
    ExportColumn("holder_en", 36, lambda row: row.holder_name_en),
    ExportColumn("obligation", 14, lambda row: f"{row.kind} {row.obligation}"),
    ExportColumn("due_on", 12, lambda row: row.due_on),
    ExportColumn("cure_deadline", 12, lambda row: row.cure_deadline),
    ExportColumn("status", 10, lambda row: row.status.value),
    ExportColumn("days_late", 10, lambda row: row.days_late),
    ExportColumn("listing_proposed", 10, lambda row: "yes" if row.listing_proposed else "no"),
)
FINDING_COLUMNS: tuple[ExportColumn[OverdueFinding], ...] = (
    ExportColumn("finding", 8, lambda row: row.finding_id),
    ExportColumn("licence_number", 18, lambda row: row.licence_number),
    ExportColumn("rule", 34, lambda row: row.rule),
    ExportColumn("severity", 10, lambda row: row.severity),
    ExportColumn("status", 22, lambda row: row.status),
    ExportColumn("deadline", 12, lambda row: row.deadline),
    ExportColumn("days_overdue", 12, lambda row: row.days_overdue),
)
EXPORTS = {"late-reports": "late_obligations", "overdue-findings": "overdue_findings"}


def _dashboard(request: HttpRequest) -> Dashboard:
    dashboard = supervision_dashboard(request.user, today=legal_today())
    if dashboard is None:
        raise Http404(_("No such page."))
    return dashboard


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    board = _dashboard(request)
    charts = {
        "findings_by_month": {
            "categories": [month_label(month) for month, _counts in board.findings_by_month],
            "series": [
                {
                    "name": str(FINDING_SEVERITIES[severity]),
                    "data": [counts[index] for _month, counts in board.findings_by_month],
                }
                for index, severity in enumerate(board.severities)
            ],
        },
        "reports_by_quarter": {
            "categories": [quarter_label(label) for label, *_rest in board.reports_by_quarter],
            "series": [
                {"name": _("On time"), "data": [row[1] for row in board.reports_by_quarter]},
                {"name": _("Late"), "data": [row[2] for row in board.reports_by_quarter]},
                {"name": pgettext("supervision", "Missing"), "data": [row[3] for row in board.reports_by_quarter]},
            ],
        },
    }
    return render(request, "web/supervision/dashboard.html", {"board": board, "charts": charts})


@login_required
@require_GET
def dashboard_export(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    if name not in EXPORTS or extension not in ("csv", "xlsx"):
        raise Http404(_("No such page."))
    board = _dashboard(request)
    stem = f"{name}-{board.today.isoformat()}"
    if name == "late-reports":
        table = export_table(stem, name, LATE_COLUMNS, board.late_obligations)
    else:
        table = export_table(stem, name, FINDING_COLUMNS, board.overdue_findings)
    return csv_response(table) if extension == "csv" else xlsx_response(table)
