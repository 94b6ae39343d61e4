"""The public statistics (/statistics/, no sign-in): it renders vatspilot.queries.public_statistics.

Each chart's figures go to the page as JSON (json_script), which web/static/web/charts.js draws with
ECharts (served from the site); the table beside each chart carries the same figures, for readers without
JavaScript and for assistive technology. Every table downloads as CSV and XLSX
(/statistics/export/<name>.<csv|xlsx>), and the page as a PDF (/statistics.pdf, web/statistics_pdf.py)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from vatspilot.queries.public_statistics import PublicStatistics, public_statistics, statistics_export
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.web.exports import csv_response, xlsx_response
from vatspilot.web.statistics_pdf import published_context, statistics_pdf_bytes
from vatspilot.web.statistics_tables import StatisticsTables, statistics_tables


def _series(name: str, rows: list[tuple[str, Any]]) -> dict[str, Any]:
    return {"categories": [label for label, _value in rows], "series": [{"name": name, "data": [v for _l, v in rows]}]}


def _charts(stats: PublicStatistics, tables: StatisticsTables) -> dict[str, Any]:
    approvals = _("Approvals")
    return {
        "region": _series(approvals, [(row.name, row.approvals) for row in tables.by_region]),
        "service": _series(approvals, [(row.code, row.approvals) for row in tables.by_service]),
        "month": _series(approvals, [(row.month, row.approvals) for row in tables.by_month]),
        "share": _series(
            _("Share of approvals (%)"),
            [
                (name, float(row.share))
                for (name, _n), row in zip(stats.pilot.infrastructure, tables.share, strict=True)
            ],
        ),
        "time": _series(
            _("Median working days"),
            [(row.name, float(row.median) if row.median is not None else 0) for row in tables.decision_times],
        ),
        "stage": _series(_("Applications"), [(row.short_name, row.applications) for row in tables.stages]),
        "reports": {
            "categories": [row.quarter for row in tables.reports],
            "series": [
                {"name": _("On time"), "data": [row.on_time for row in tables.reports]},
                {"name": _("Late"), "data": [row.late for row in tables.reports]},
                {"name": _("Not filed, past due"), "data": [row.missing for row in tables.reports]},
            ],
        },
        "findings": {
            "categories": [row.name for row in tables.findings],
            "series": [
                {"name": pgettext("statistics", "Open"), "data": [row.open for row in tables.findings]},
                {"name": pgettext("statistics", "Closed"), "data": [row.closed for row in tables.findings]},
            ],
        },
    }


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    stats = public_statistics(today=legal_today())
    tables = statistics_tables(stats)
    context = {"stats": stats, "tables": tables, "charts": _charts(stats, tables), **published_context()}
    return render(request, "web/statistics/page.html", context)


@require_GET
def statistics_export_view(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    if extension not in ("csv", "xlsx"):
        raise Http404(_("No such page."))
    table = statistics_export(name, public_statistics(today=legal_today()))
    if table is None:
        raise Http404(_("No such page."))
    return csv_response(table) if extension == "csv" else xlsx_response(table)


@require_GET
def statistics_pdf(request: HttpRequest) -> HttpResponse:
    stats = public_statistics(today=legal_today())
    pdf = statistics_pdf_bytes(request, stats)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statistics-{stats.today.isoformat()}.pdf"'
    return response
