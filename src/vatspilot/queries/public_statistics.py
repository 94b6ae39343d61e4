"""The public statistics page (/statistics/): the pilot's figures from the store, as of ``today``, and the
figures others published about the pilot, each with its source.

The store's rows go to the analytics layer (analytics/statistics) in a fixed number of queries, whatever
the number of applications: the applications' regions, the services of the approved ones, every timeline
row, the working-day calendar over the timelines' span, and the supervision rows. Only counts come back:
an approval is public through the licence register, but the page names no one, and an application in
progress shows only as one in its stage's count.

Each table is also an export (CSV and XLSX, queries/exports.py): `statistics_export(name, ...)` builds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vatspilot.analytics.statistics.pilot import PilotFigures, pilot_statistics
from vatspilot.analytics.statistics.supervision import SupervisionFigures, supervision_figures
from vatspilot.domain.applications.working_calendar import UnknownCalendarYear
from vatspilot.queries.exports import Cell, ExportTable
from vatspilot.services.calendar.working_days import ProjectedWorkingDayCalendar
from vatspilot.services.vocabulary import SERVICE_CODES
from vatspilot.store.models import Application, ApplicationEvent, Finding, Inspection, Jurisdiction
from vatspilot.store.models.supervision import QuarterlyReport

__all__ = [
    "EXPORTS",
    "PUBLISHED",
    "PublicStatistics",
    "PublishedFigure",
    "public_statistics",
    "statistics_export",
]


@dataclass(frozen=True)
class PublishedFigure:
    """A figure published about the pilot, quoted word for word from its source (in English, as published),
    with what the project's legal facts sheet (../shared/reference/legal-facts.md) says of it."""

    key: str
    on: date  # the day the figure is about
    headline: Promise  # the figure in the reader's language
    quote: str  # the source's words, exactly
    check: Promise  # how the legal facts sheet bears on it


# The source of every published figure below: the project's founding article
# (../shared/reference/pilot-article.md).
SOURCE_AUTHOR = "Sarah Xuan"
SOURCE_TITLE = (
    "China: Legal Analysis on the Implementation of the Pilot Program for Expanding the Opening-up of "
    "Value-Added Telecommunications Services"
)
SOURCE_PUBLISHED = date(2025, 7, 1)

PUBLISHED: tuple[PublishedFigure, ...] = (
    PublishedFigure(
        "first-batch",
        date(2025, 2, 28),
        _(
            "The first batch of pilot approvals: 13 foreign-invested enterprises in Beijing, Shanghai, Hainan "
            "and Shenzhen."
        ),
        "On February 28, 2025—just four months after the acceptance window opened—the MIIT issued the first "
        "batch of approvals to 13 foreign-invested enterprises across Beijing, Shanghai, Hainan, and Shenzhen, "
        "covering all six types of open business categories.",
        _(
            "The legal facts sheet (section 7.2, confidence C2: secondary sources) also dates MIIT's announcement "
            "of the first batch of 13 approvals 28 February 2025."
        ),
    ),
    PublishedFigure(
        "foreign-invested-enterprises",
        date(2025, 2, 28),
        _(
            "More than 2,400 foreign-invested telecom enterprises in China, about 30% more than a year earlier. "
            "This counts every foreign-invested telecom enterprise, not the pilot's approvals."
        ),
        "Concurrent official data disclosed that the total number of foreign-invested telecom enterprises in "
        "China exceeded 2,400 for the first time, marking a year-on-year increase of approximately 30%.",
        _(
            "The legal facts sheet (section 7.2, confidence C2) has the same figure, announced with the first "
            "batch on 28 February 2025."
        ),
    ),
    PublishedFigure(
        "four-plus-nine",
        date(2025, 4, 11),
        _("“4 + 9”: nine more cities join the comprehensive pilot for opening up the service sector."),
        "On April 11, 2025, the Ministry of Commerce issued the Work Plan to Accelerate the Comprehensive Pilot "
        "for Opening Up the Service Sector, incorporating Dalian, Ningbo, Xiamen, Qingdao, Hefei, Fuzhou, "
        "Xi\u2019an, Suzhou, and Shenzhen (already part of the first batch) into the pilot.",
        _(
            "The legal facts sheet corrects this (sections 0.2, 0.3 and 7.2, confidence C2): the State Council's "
            "reply published on 11 April 2025 added the nine cities to the comprehensive pilot (20 regions in "
            "all), not to the four regions of Notice 107; the Ministry of Commerce's work plan followed on 21 "
            "April 2025, and its telecom measures apply in those 20 regions, not nationwide."
        ),
    ),
    PublishedFigure(
        "beijing-ten",
        date(2025, 6, 26),
        _("Beijing: 10 enterprises approved in all, 40 per cent of the pilot approvals nationwide."),
        "As of June 26, 2025, Beijing had approved a cumulative total of 10 enterprises, accounting for 40% of "
        "all pilot approvals nationwide.",
        _(
            "Only this article reports it: the legal facts sheet has no count by city after the first batch "
            "(section 7.2)."
        ),
    ),
)


@dataclass(frozen=True)
class Region:
    code: str
    name_en: str
    name_zh: str

    @property
    def name(self) -> str:
        return self.name_zh if (translation.get_language() or "").startswith("zh") else self.name_en


@dataclass(frozen=True)
class PublicStatistics:
    today: date
    pilot: PilotFigures
    supervision: SupervisionFigures
    regions: dict[str, Region]

    def region(self, code: str | None) -> Region:
        if code is None:
            return Region("", "", "")
        return self.regions.get(code, Region(code, code, code))

    def share(self, count: int) -> Decimal:
        """``count`` as a percentage of the approvals, to one decimal (0 when there are none)."""
        if not self.pilot.approvals:
            return Decimal("0.0")
        return (Decimal(count) * 100 / self.pilot.approvals).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _calendar(first: date | None, last: date | None) -> pl.DataFrame:
    """The working-day index of each day from ``first`` to ``last`` that a calendar knows (the official one,
    else the statutory projection); a day neither knows is left out, so a span over it is not counted."""
    days: list[date] = []
    index: list[int] = []
    if first is not None and last is not None:
        calendar = ProjectedWorkingDayCalendar()
        running = 0
        day = first
        while day <= last:
            try:
                running += calendar.is_working_day(day)
            except UnknownCalendarYear:
                day += timedelta(days=1)
                continue
            days.append(day)
            index.append(running)
            day += timedelta(days=1)
    return pl.DataFrame({"day": days, "working_index": index}, schema={"day": pl.Date, "working_index": pl.Int64})


def _pilot_figures() -> PilotFigures:
    regions = list(Application.objects.values_list("pk", "jurisdiction__code"))
    approved_services = Application.objects.filter(events__to_state="approved").values_list("pk", "services")
    service_rows = [
        (pk, str(service["code"]))
        for pk, services in approved_services
        for service in services or []
        if isinstance(service, dict) and "code" in service
    ]
    events = list(
        ApplicationEvent.objects.order_by("at", "id").values_list("application_id", "action", "to_state", "on")
    )
    applications_frame = pl.DataFrame(
        {"application": [pk for pk, _code in regions], "region": [code for _pk, code in regions]},
        schema={"application": pl.Int64, "region": pl.String},
    )
    services_frame = pl.DataFrame(
        {"application": [pk for pk, _code in service_rows], "service": [code for _pk, code in service_rows]},
        schema={"application": pl.Int64, "service": pl.String},
    )
    events_frame = pl.DataFrame(
        {
            "application": [row[0] for row in events],
            "seq": list(range(len(events))),
            "action": [row[1] for row in events],
            "to_state": [row[2] for row in events],
            "on": [row[3] for row in events],
        },
        schema={"application": pl.Int64, "seq": pl.Int64, "action": pl.String, "to_state": pl.String, "on": pl.Date},
    )
    days = [row[3] for row in events]
    calendar = _calendar(min(days, default=None), max(days, default=None))
    return pilot_statistics(applications_frame, services_frame, events_frame, calendar)


def _supervision(today: date) -> SupervisionFigures:
    reports = list(QuarterlyReport.objects.values_list("year", "quarter", "due_on", "submitted_on"))
    findings = list(Finding.objects.values_list("severity", "status"))
    done = list(Inspection.objects.values_list("done_on", flat=True))
    return supervision_figures(
        pl.DataFrame(
            reports,
            schema={"year": pl.Int64, "quarter": pl.Int64, "due_on": pl.Date, "submitted_on": pl.Date},
            orient="row",
        ),
        pl.DataFrame(findings, schema={"severity": pl.String, "status": pl.String}, orient="row"),
        pl.DataFrame({"done_on": done}, schema={"done_on": pl.Date}),
        today=today,
    )


def public_statistics(*, today: date) -> PublicStatistics:
    """The figures as the store holds them, and the supervision figures as of ``today``."""
    regions = {
        code: Region(code, name_en, name_zh)
        for code, name_en, name_zh in Jurisdiction.objects.values_list("code", "name_en", "name_zh")
    }
    return PublicStatistics(today=today, pilot=_pilot_figures(), supervision=_supervision(today), regions=regions)


# --- The exports ----------------------------------------------------------------------------------------


def _service_names(code: str) -> tuple[str, str]:
    name = SERVICE_CODES.get(code)
    if name is None:
        return code, code
    with translation.override("en"):
        english = str(name)
    with translation.override("zh-hans"):
        chinese = str(name)
    return english, chinese


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _region_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("region", "name_en", "name_zh", "approvals"), tuple(
        (code, stats.region(code).name_en, stats.region(code).name_zh, n) for code, n in stats.pilot.approvals_by_region
    )


def _service_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("service", "name_en", "name_zh", "approvals"), tuple(
        (code, *_service_names(code), n) for code, n in stats.pilot.approvals_by_service
    )


def _month_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("month", "approvals"), tuple(stats.pilot.approvals_by_month)


def _share_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("service", "approvals", "share_percent"), tuple(
        (name, n, stats.share(n)) for name, n in stats.pilot.infrastructure
    )


def _time_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    header = (
        "region",
        "name_en",
        "name_zh",
        "decisions",
        "counted",
        "median_days",
        "mean_days",
        "min_days",
        "max_days",
    )
    return header, tuple(
        (
            row.region,
            stats.region(row.region).name_en,
            stats.region(row.region).name_zh,
            row.decisions,
            row.counted,
            _decimal(row.median),
            _decimal(row.mean),
            row.minimum,
            row.maximum,
        )
        for row in stats.pilot.decision_times
    )


def _stage_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("stage", "applications"), tuple(stats.pilot.in_progress_by_stage)


def _report_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("quarter", "on_time", "late", "not_filed_past_due"), tuple(stats.supervision.reports_by_quarter)


def _finding_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    return ("severity", "open", "closed"), tuple(stats.supervision.findings_by_severity)


def _inspection_rows(stats: PublicStatistics) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    supervision = stats.supervision
    return ("drawn", "done", "pending"), (
        (supervision.inspections_drawn, supervision.inspections_done, supervision.inspections_pending),
    )


# Each export's name (its URL), and its header and rows.
EXPORTS: dict[str, Callable[[PublicStatistics], tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]]] = {
    "approvals-by-region": _region_rows,
    "approvals-by-service": _service_rows,
    "approvals-by-month": _month_rows,
    "infrastructure-share": _share_rows,
    "decision-time": _time_rows,
    "in-progress": _stage_rows,
    "supervision-reports": _report_rows,
    "supervision-findings": _finding_rows,
    "supervision-inspections": _inspection_rows,
}


def statistics_export(name: str, stats: PublicStatistics) -> ExportTable | None:
    """The export called ``name`` (None for no such export)."""
    rows_of = EXPORTS.get(name)
    if rows_of is None:
        return None
    header, rows = rows_of(stats)
    widths = tuple(max(10, len(column) + 2, *(len(str(row[i])) + 2 for row in rows)) for i, column in enumerate(header))
    return ExportTable(
        stem=f"{name}-{stats.today.isoformat()}", sheet=name[:31], header=header, widths=widths, rows=rows
    )
