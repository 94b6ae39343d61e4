"""The statistics' tables as the page and its PDF show them: names in the reader's language (regions,
services, stages, severities) and, for each row, its bar's length as a percentage of the table's largest
figure (the PDF draws the bars itself, as SVG, since WeasyPrint runs no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from vatspilot.queries.public_statistics import PublicStatistics
from vatspilot.services.vocabulary import FINDING_SEVERITIES, SERVICE_CODES

# The stages of the public tracker (web/templates/web/track/application.html names them alike).
STAGE_NAMES: dict[str, StrOrPromise] = {
    "formal_review": _("Formal review (local Communications Administration)"),
    "preliminary_assessment": _("Preliminary security assessment"),
    "ministerial_review": _("Ministerial review (MIIT with the CAC and the MPS)"),
    "onsite_verification": _("On-site verification"),
}
# Their short names, under a chart's bars.
STAGE_SHORT_NAMES: dict[str, StrOrPromise] = {
    "formal_review": _("Formal review"),
    "preliminary_assessment": _("Preliminary security assessment"),
    "ministerial_review": _("Ministerial review"),
    "onsite_verification": _("On-site verification"),
}
SHARE_NAMES: dict[str, StrOrPromise] = {
    "IDC": _("Internet data centre (IDC)"),
    "CDN": _("Content delivery network (CDN)"),
    "ISP": _("Internet access service (ISP)"),
    "IDC/CDN/ISP": _("Any of IDC, CDN and ISP"),
}


class RegionRow(NamedTuple):
    name: str
    approvals: int
    bar: int


class ServiceRow(NamedTuple):
    code: str
    name: str
    approvals: int
    bar: int


class MonthRow(NamedTuple):
    month: str
    approvals: int
    bar: int


class ShareRow(NamedTuple):
    name: str
    approvals: int
    share: Decimal
    bar: int


class TimeRow(NamedTuple):
    name: str
    decisions: int
    counted: int
    median: Decimal | None
    mean: Decimal | None
    minimum: int | None
    maximum: int | None
    bar: int


class StageRow(NamedTuple):
    name: str
    short_name: str
    applications: int
    bar: int


class FindingRow(NamedTuple):
    name: str
    open: int
    closed: int
    bar: int


class ReportRow(NamedTuple):
    quarter: str
    on_time: int
    late: int
    missing: int
    bar: int


@dataclass(frozen=True)
class StatisticsTables:
    by_region: tuple[RegionRow, ...]
    by_service: tuple[ServiceRow, ...]
    by_month: tuple[MonthRow, ...]
    share: tuple[ShareRow, ...]
    decision_times: tuple[TimeRow, ...]
    stages: tuple[StageRow, ...]
    reports: tuple[ReportRow, ...]
    findings: tuple[FindingRow, ...]


def _bars(values: list[int | Decimal | None]) -> list[int]:
    """Each value's bar as a whole percentage of the largest (0 for none)."""
    largest = max((value for value in values if value is not None), default=0)
    if not largest:
        return [0 for _value in values]
    return [int(Decimal(value or 0) * 100 / Decimal(largest)) for value in values]


def _one_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def statistics_tables(stats: PublicStatistics) -> StatisticsTables:
    pilot = stats.pilot
    region_bars = _bars([n for _code, n in pilot.approvals_by_region])
    service_bars = _bars([n for _code, n in pilot.approvals_by_service])
    month_bars = _bars([n for _month, n in pilot.approvals_by_month])
    shares = [stats.share(n) for _name, n in pilot.infrastructure]
    share_bars = [int(share) for share in shares]  # a share is already out of 100
    medians = [_one_decimal(row.median) for row in pilot.decision_times]
    time_bars = _bars(list(medians))
    stage_bars = _bars([n for _stage, n in pilot.in_progress_by_stage])
    supervision = stats.supervision
    report_bars = _bars([sum(row[1:]) for row in supervision.reports_by_quarter])
    finding_bars = _bars([opened + closed for _severity, opened, closed in supervision.findings_by_severity])
    return StatisticsTables(
        by_region=tuple(
            RegionRow(stats.region(code).name, n, bar)
            for (code, n), bar in zip(pilot.approvals_by_region, region_bars, strict=True)
        ),
        by_service=tuple(
            ServiceRow(code, str(SERVICE_CODES.get(code, code)), n, bar)
            for (code, n), bar in zip(pilot.approvals_by_service, service_bars, strict=True)
        ),
        by_month=tuple(
            MonthRow(month, n, bar) for (month, n), bar in zip(pilot.approvals_by_month, month_bars, strict=True)
        ),
        share=tuple(
            ShareRow(str(SHARE_NAMES.get(name, name)), n, share, bar)
            for (name, n), share, bar in zip(pilot.infrastructure, shares, share_bars, strict=True)
        ),
        decision_times=tuple(
            TimeRow(
                stats.region(row.region).name,
                row.decisions,
                row.counted,
                median,
                _one_decimal(row.mean),
                row.minimum,
                row.maximum,
                bar,
            )
            for row, median, bar in zip(pilot.decision_times, medians, time_bars, strict=True)
        ),
        stages=tuple(
            StageRow(str(STAGE_NAMES.get(stage, stage)), str(STAGE_SHORT_NAMES.get(stage, stage)), n, bar)
            for (stage, n), bar in zip(pilot.in_progress_by_stage, stage_bars, strict=True)
        ),
        reports=tuple(
            ReportRow(quarter, on_time, late, missing, bar)
            for (quarter, on_time, late, missing), bar in zip(supervision.reports_by_quarter, report_bars, strict=True)
        ),
        findings=tuple(
            FindingRow(str(FINDING_SEVERITIES.get(severity, severity)), opened, closed, bar)
            for (severity, opened, closed), bar in zip(supervision.findings_by_severity, finding_bars, strict=True)
        ),
    )
