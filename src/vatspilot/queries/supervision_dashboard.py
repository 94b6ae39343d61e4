"""The supervisors' dashboard: for the licences a supervisor supervises (store.access.supervised_licences:
MIIT every one, a local officer their jurisdictions), what needs them, as of ``today``.

- reports: each obligation late (past its due day, unfiled, within the cure deadline) or overdue (past
  the cure deadline), and whether a bad-record listing was proposed for it; the on-time share per quarter;
- findings: open ones by severity and age (0-30, 31-90, over 90 days), those past their deadline
  (remediation, or rectification once ordered), the cross-border flags; findings raised per month by
  severity;
- inspections: drawn, done and pending;
- network exits: the overdue ones (queries.network_exits, not recounted here).

Every figure is computed from the store in a fixed number of queries, whatever the number of licences,
except the obligations, which the domain works out per licence from its issue date (no query each).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User

from vatspilot.domain.supervision.cross_border import RULE as CROSS_BORDER_RULE
from vatspilot.domain.supervision.findings import FindingState, Severity
from vatspilot.domain.supervision.obligations import ObligationKind, ObligationStatus
from vatspilot.queries.network_exits import ExitRow, exits_in_reach
from vatspilot.services.supervision.obligation_sweep import obligation_key
from vatspilot.services.supervision.terms import ENDED_STATES, owed_obligations
from vatspilot.store.access import Reach, supervised_licences, supervises_licences
from vatspilot.store.models import Finding, Inspection, LicenceEvent, ObligationNotice
from vatspilot.store.models.supervision import AnnualReportFiling, QuarterlyReport

__all__ = ["AGE_BUCKETS", "Dashboard", "LateObligation", "OverdueFinding", "supervision_dashboard"]

_OPEN = frozenset(
    {
        FindingState.OPEN.value,
        FindingState.REMEDIATION_REPORTED.value,
        FindingState.RECTIFICATION_ORDERED.value,
        FindingState.SCOPE_REDUCED.value,
    }
)
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (("0-30", 0, 30), ("31-90", 31, 90), ("90+", 91, None))


@dataclass(frozen=True)
class LateObligation:
    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    obligation: str  # "2025-Q3", "2025"
    kind: str
    due_on: date
    cure_deadline: date
    status: ObligationStatus
    days_late: int
    listing_proposed: bool


@dataclass(frozen=True)
class OverdueFinding:
    finding_id: int
    licence_number: str
    rule: str
    severity: str
    status: str
    deadline: date
    days_overdue: int


@dataclass(frozen=True)
class Dashboard:
    today: date
    licences: int
    late_obligations: tuple[LateObligation, ...]
    reports_by_quarter: tuple[tuple[str, int, int, int], ...]  # (quarter, on time, late, missing so far)
    open_by_severity_and_age: tuple[tuple[str, tuple[int, ...]], ...]  # severity -> count per AGE_BUCKETS
    overdue_findings: tuple[OverdueFinding, ...]
    cross_border_flags: int
    findings_by_month: tuple[tuple[str, tuple[int, ...]], ...]  # "2025-10" -> count per Severity
    inspections_drawn: int
    inspections_done: int
    overdue_exits: tuple[ExitRow, ...]

    @property
    def severities(self) -> tuple[str, ...]:
        return tuple(severity.value for severity in Severity)

    @property
    def age_buckets(self) -> tuple[str, ...]:
        return tuple(name for name, _low, _high in AGE_BUCKETS)


def _bucket(age: int) -> int:
    for index, (_name, low, high) in enumerate(AGE_BUCKETS):
        if age >= low and (high is None or age <= high):
            return index
    return len(AGE_BUCKETS) - 1


def supervision_dashboard(actor: User | AnonymousUser, *, today: date) -> Dashboard | None:
    """The dashboard of what ``actor`` supervises; None when they supervise nothing."""
    if not supervises_licences(actor):
        return None
    reach = Reach.of(actor)
    licences = list(supervised_licences(actor, reach=reach).order_by("number"))
    ids = [licence.pk for licence in licences]
    ended_on = {
        licence_id: on
        for licence_id, on in LicenceEvent.objects.filter(licence_id__in=ids, to_state__in=ENDED_STATES)
        .order_by("at")
        .values_list("licence_id", "on")
    }
    quarterly = {
        (licence_id, f"{year}-Q{quarter}"): submitted
        for licence_id, year, quarter, submitted in QuarterlyReport.objects.filter(licence_id__in=ids).values_list(
            "licence_id", "year", "quarter", "submitted_on"
        )
    }
    annual = {
        (licence_id, str(year)): filed
        for licence_id, year, filed in AnnualReportFiling.objects.filter(licence_id__in=ids).values_list(
            "licence_id", "year", "filed_on"
        )
    }
    proposed = set(
        ObligationNotice.objects.filter(licence_id__in=ids, kind=ObligationNotice.Kind.LISTING_PROPOSED).values_list(
            "licence_id", "obligation"
        )
    )
    late: list[LateObligation] = []
    per_quarter: dict[str, Counter[str]] = defaultdict(Counter)
    for licence in licences:
        # As services.supervision.terms.licence_ends_on reads it, for all the licences in one query.
        ends = ended_on.get(licence.pk, licence.valid_until) if licence.status in ENDED_STATES else None
        for obligation in owed_obligations(licence.issued_on, today, ends):
            quarterly_kind = obligation.kind is ObligationKind.QUARTERLY_REPORT
            filed = (quarterly if quarterly_kind else annual).get((licence.pk, obligation.label))
            filed = filed if filed is not None and filed <= today else None
            status = obligation.status(today, filed)
            if quarterly_kind and status is not ObligationStatus.NOT_DUE and today > obligation.due_on:
                outcome = {ObligationStatus.SUBMITTED: "on_time", ObligationStatus.LATE: "late"}.get(status, "missing")
                if status is ObligationStatus.LATE and filed is None:
                    outcome = "missing"
                per_quarter[obligation.label][outcome] += 1
            if filed is None and status in (ObligationStatus.LATE, ObligationStatus.OVERDUE):
                late.append(
                    LateObligation(
                        licence_number=licence.number,
                        holder_name_zh=licence.holder_name_zh,
                        holder_name_en=licence.holder_name_en,
                        obligation=obligation.label,
                        kind=obligation.kind.value,
                        due_on=obligation.due_on,
                        cure_deadline=obligation.cure_deadline,
                        status=status,
                        days_late=(today - obligation.due_on).days,
                        listing_proposed=(licence.pk, obligation_key(obligation)) in proposed,
                    )
                )
    late.sort(key=lambda row: (row.status is not ObligationStatus.OVERDUE, -row.days_late, row.licence_number))

    findings = list(
        Finding.objects.filter(licence_id__in=ids).values_list(
            "pk",
            "licence__number",
            "rule",
            "severity",
            "status",
            "raised_on",
            "remediation_due_on",
            "rectification_due_on",
        )
    )
    severities = [severity.value for severity in Severity]
    by_age = {severity: [0] * len(AGE_BUCKETS) for severity in severities}
    by_month: dict[str, list[int]] = defaultdict(lambda: [0] * len(severities))
    overdue: list[OverdueFinding] = []
    cross_border = 0
    for pk, number, rule, severity, finding_status, raised_on, remediation_due, rectification_due in findings:
        by_month[raised_on.strftime("%Y-%m")][severities.index(severity)] += 1
        if finding_status not in _OPEN:
            continue
        by_age[severity][_bucket((today - raised_on).days)] += 1
        cross_border += rule == CROSS_BORDER_RULE
        deadline = rectification_due if rectification_due is not None else remediation_due
        if finding_status != FindingState.REMEDIATION_REPORTED.value and today > deadline:
            overdue.append(
                OverdueFinding(pk, number, rule, severity, finding_status, deadline, (today - deadline).days)
            )
    overdue.sort(key=lambda row: (-row.days_overdue, row.finding_id))

    inspections = Inspection.objects.filter(licence_id__in=ids)
    exits = tuple(row for row in exits_in_reach(actor, today=today) if row.overdue)
    return Dashboard(
        today=today,
        licences=len(licences),
        late_obligations=tuple(late),
        reports_by_quarter=tuple(
            (label, counts["on_time"], counts["late"], counts["missing"])
            for label, counts in sorted(per_quarter.items())
        ),
        open_by_severity_and_age=tuple((severity, tuple(by_age[severity])) for severity in severities),
        overdue_findings=tuple(overdue),
        cross_border_flags=cross_border,
        findings_by_month=tuple((month, tuple(counts)) for month, counts in sorted(by_month.items())),
        inspections_drawn=inspections.count(),
        inspections_done=inspections.filter(done_on__isnull=False).count(),
        overdue_exits=exits,
    )
