"""The demo's supervision: a valid licence that filed its last closed quarter's report with the sample
files in examples/reports (so its checks raised findings), one finding already walked up to a rectification
order whose deadline has passed (MIIT may now reduce the licence's scope), and a random draw that ordered a
penetration test for the inspector to record. The quarter whose window is open on the demo's day, if any,
is left for the visitor to file with the same sample files.

Everything goes through the services, on the days it would have happened, so every step has its event
and audit entry; a step whose day would fall after the demo's day is left out rather than post-dated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from vatspilot.domain.supervision.obligations import Obligation, ObligationKind
from vatspilot.services.supervision.findings import order_rectification
from vatspilot.services.supervision.ingestion import ingest, stage_upload
from vatspilot.services.supervision.inspections import run_draw
from vatspilot.services.supervision.obligation_sweep import licence_obligations
from vatspilot.services.supervision.reports import OperationalData, open_report, save_report_data, submit_report
from vatspilot.store.models import Finding, InspectionDraw, InspectionKind, Jurisdiction, Licence, Membership

SAMPLES = Path(settings.BASE_DIR) / "examples" / "reports"
NODE_SAMPLE = "nodes-2025-Q4.csv"
LOG_SAMPLE = "security-log-2025-Q4.ndjson"
RECTIFICATION = "Rectify the nodes outside the licensed area within 15 days (demo)."
SAMPLE_DATA = OperationalData(
    users=182_400,
    revenue_cny=Decimal("12650000.00"),
    bandwidth_gbps=Decimal("120.000"),
    personal_info_exported=152_000,
    sensitive_info_exported=0,
    important_data_exported=False,
)


@dataclass(frozen=True)
class DemoSupervision:
    licence: str
    filed: str | None  # the quarter filed with findings
    open_for_visitor: str | None  # the quarter whose window is open on the demo's day
    next_window: date | None  # when the next window opens, when none is open


def _licence_of(holder: User | int) -> Licence | None:
    """The valid licence of the demo's Shanghai applicant (Harbour Data, its scope reduced)."""
    organisations = Membership.objects.filter(user=holder).values("organisation")
    return Licence.objects.filter(status="valid", organisation__in=organisations).order_by("issued_on").first()


def _sample(name: str) -> list[bytes]:
    return [(SAMPLES / name).read_bytes()]


def _quarters(licence: Licence, today: date) -> list[Obligation]:
    return [
        obligation
        for obligation, _filed in licence_obligations(licence, today)
        if obligation.kind is ObligationKind.QUARTERLY_REPORT
    ]


def create_demo_supervision(*, today: date, users: Mapping[str, User]) -> DemoSupervision | None:
    """The supervision demo on the Shanghai licence (valid, its scope reduced); None without one."""
    holder = users["applicant-shanghai"]
    licence = _licence_of(holder)
    if licence is None:
        return None
    quarters = _quarters(licence, today)
    closed = [quarter for quarter in quarters if quarter.cure_deadline < today]
    open_now = next((q for q in quarters if q.opens_on <= today <= q.cure_deadline), None)
    filed = closed[-1] if closed else None
    if filed is not None:
        _file(licence, holder, filed)
        _rectification_ordered(licence, users["officer-shanghai"], filed, today)
    run_draw(
        actor=users["officer-shanghai"],
        jurisdiction=Jurisdiction.objects.get(code="310000"),
        seed=f"{today.isoformat()}{DRAW_SEED_SUFFIX}",
        on=today,
        kind=InspectionKind.PENETRATION_TEST,
        licensee_count=1,
        inspectors_per_licensee=1,
    )
    upcoming = next((q.opens_on for q in quarters if q.opens_on > today), None)
    if upcoming is None and quarters:
        upcoming = quarters[-1].cure_deadline + timedelta(days=1)
    return DemoSupervision(
        licence=licence.number,
        filed=filed.label if filed else None,
        open_for_visitor=open_now.label if open_now else None,
        next_window=None if open_now else upcoming,
    )


def _file(licence: Licence, holder: User, quarter: Obligation) -> None:
    year, number = quarter.label.split("-Q")
    report = open_report(actor=holder, licence=licence, year=int(year), quarter=int(number), on=quarter.opens_on)
    report = save_report_data(actor=holder, report=report, data=SAMPLE_DATA, expected_version=report.version)
    for part, name in (("node_list", NODE_SAMPLE), ("security_log", LOG_SAMPLE)):
        run = stage_upload(actor=holder, report=report, part=part, filename=name, chunks=_sample(name))
        ingest(run.pk)
    report.refresh_from_db()
    submit_report(actor=holder, report=report, on=quarter.due_on, expected_version=report.version)


def _rectification_ordered(licence: Licence, officer: User, quarter: Obligation, today: date) -> None:
    """The area finding walked to a rectification order whose deadline has passed, when the days allow."""
    finding = Finding.objects.filter(licence=licence, rule="node:outside-licensed-area").first()
    if finding is None:
        return
    ordered_on = finding.remediation_due_on + timedelta(days=1)
    deadline = ordered_on + timedelta(days=15)
    if deadline >= today:
        return
    order_rectification(
        actor=officer,
        finding=finding,
        on=ordered_on,
        expected_version=finding.version,
        deadline=deadline,
        reason=RECTIFICATION,
    )


def demo_day(real_today: date) -> date:
    """The day the demo is built and served on, so that a visitor can file a quarterly report: the real
    day when a report window (a quarter's first 30 days: due on the 15th, cure deadline the 30th) is open,
    else the 5th day of the current quarter, which has passed. Pinned as VATSPILOT_TODAY by `make run`."""
    quarter_start = date(real_today.year, 3 * ((real_today.month - 1) // 3) + 1, 1)
    if (real_today - quarter_start).days < 30:
        return real_today
    return quarter_start + timedelta(days=4)


DRAW_SEED_SUFFIX = " Shanghai penetration tests"


def built_on() -> date | None:
    """The day the demo in the database was built on, as its draw records it (None: no demo yet)."""
    drawn = (
        InspectionDraw.objects.filter(seed__endswith=DRAW_SEED_SUFFIX).order_by("pk").values_list("drawn_on", flat=True)
    )
    return drawn.first()


def day_to_run(today: date, *, pinned: bool) -> date:
    """The day to build and serve the demo on: the pinned day if VATSPILOT_TODAY is set; else the day the
    demo in the database was built on; else `demo_day` of today."""
    if pinned:
        return today
    return built_on() or demo_day(today)


def summary_lines(today: date) -> list[str]:
    """What `vatspilot demo` prints of the supervision demo: where to look and what to try."""
    draw = InspectionDraw.objects.filter(seed__endswith=DRAW_SEED_SUFFIX).first()
    holder = Membership.objects.filter(user__username="applicant-shanghai").values_list("user", flat=True).first()
    licence = _licence_of(holder) if holder is not None else None
    if licence is None:
        return []
    lines = [f"Supervision (applicant-shanghai, officer-shanghai, miit, inspector; licence {licence.number}):"]
    report = licence.reports.order_by("-year", "-quarter").first()
    if report is not None:
        count = report.findings.count()
        lines.append(f"  report {report.year}-Q{report.quarter} filed, {count} findings: /reports/{report.pk}/")
    ladder = Finding.objects.filter(licence=licence, status="rectification_ordered").first()
    if ladder is not None:
        lines.append(f"  a finding past its rectification deadline (MIIT may reduce the scope): /findings/{ladder.pk}/")
    if draw is not None:
        lines.append(f"  a random draw (public) and its inspection for the inspector: /inspections/draws/{draw.pk}/")
    open_now = next(
        (
            q
            for q in _quarters(licence, today)
            if q.opens_on <= today <= q.cure_deadline
            and q.label != (f"{report.year}-Q{report.quarter}" if report else "")
        ),
        None,
    )
    if open_now is not None:
        lines.append(
            f"  file {open_now.label} (due {open_now.due_on}) at /licences/{licence.number}/reports/ with "
            f"examples/reports/{NODE_SAMPLE} and {LOG_SAMPLE}"
        )
    lines.append("  the supervisors' dashboard: /supervision/")
    return lines
