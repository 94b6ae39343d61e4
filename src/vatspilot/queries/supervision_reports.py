"""The licensee's and the authority's report pages (issue 10): a licence's obligations calendar and one
quarterly report's page.

- `licence_obligations_view`: every report the licence owes up to today (domain.supervision.obligations,
  through services.supervision.obligation_sweep.licence_obligations, which reads the filings), each with its
  status, its due day and cure deadline, the days left or late, the stored report when one was opened, and
  whether the reader may open it.
- `report_page`: a report's status, dates and operational data, its two parts (the part on file and the
  latest ingestion run of each: status, rows read, errors so far, the first errors when rejected), what a
  submission still lacks, the findings it raised, the node list's changes since the previous quarter, the
  actions open to the reader (the lifecycle's answer as of today) and its timeline.
- `report_run`: one ingestion run of a report, for the progress partial the page polls.

The caller has fetched and authorised the licence (store.access.access_licence) or the report
(store.access.access_report). The report page costs a fixed number of queries however many nodes and
findings the report has.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from vatspilot.domain.supervision.cross_border import Mechanism
from vatspilot.domain.supervision.findings import FindingState
from vatspilot.domain.supervision.obligations import ObligationKind, ObligationStatus
from vatspilot.domain.supervision.reports import ReportAction, ReportRole, ReportState
from vatspilot.services.lifecycle import available_actions_for
from vatspilot.services.supervision.checks import node_changes
from vatspilot.services.supervision.ingestion import FORMATS
from vatspilot.services.supervision.obligation_sweep import licence_obligations
from vatspilot.services.supervision.report_lifecycle import OPERATIONAL_FIELDS, reports_on, roles_of
from vatspilot.services.supervision.standing import HOLDER, standing_towards
from vatspilot.services.vocabulary import FINDING_SEVERITIES, FINDING_STATES
from vatspilot.store.access import NotFound, visible_findings
from vatspilot.store.models import Licence
from vatspilot.store.models.supervision import (
    IngestionRun,
    QuarterlyReport,
    ReportPart,
    ReportUpload,
    SupervisionEvent,
)

__all__ = [
    "ERRORS_SHOWN",
    "FIELD_LABELS",
    "MECHANISM_LABELS",
    "NODE_CHANGES_SHOWN",
    "REPORT_ACTION_LABELS",
    "ChangeSummary",
    "EventRow",
    "FindingRow",
    "LicenceObligations",
    "NodeChange",
    "ObligationRow",
    "PartView",
    "ReportPage",
    "RunView",
    "licence_obligations_view",
    "report_page",
    "report_run",
]

# The first errors of a rejected run the page lists (the run keeps up to 100).
ERRORS_SHOWN = 20
# The node changes listed by name (the counts by kind are always whole).
NODE_CHANGES_SHOWN = 100

OBLIGATION_STATUS_LABELS: Mapping[str, StrOrPromise] = {
    ObligationStatus.NOT_DUE: pgettext_lazy("report page: obligation", "Not due"),
    ObligationStatus.OPEN: pgettext_lazy("report page: obligation", "Open"),
    ObligationStatus.SUBMITTED: pgettext_lazy("report page: obligation", "Submitted"),
    ObligationStatus.LATE: pgettext_lazy("report page: obligation", "Late"),
    ObligationStatus.OVERDUE: pgettext_lazy("report page: obligation", "Overdue"),
}
OBLIGATION_KIND_LABELS: Mapping[str, StrOrPromise] = {
    ObligationKind.QUARTERLY_REPORT: _("Quarterly pilot report"),
    ObligationKind.ANNUAL_REPORT: _("Annual report (Order 42 Art. 35)"),
}
REPORT_STATE_LABELS: Mapping[str, StrOrPromise] = {
    ReportState.DRAFT: pgettext_lazy("report page: quarterly report", "Draft"),
    ReportState.SUBMITTED: pgettext_lazy("report page: quarterly report", "Submitted"),
    ReportState.ACCEPTED: pgettext_lazy("report page: quarterly report", "Accepted"),
}
REPORT_ACTION_LABELS: Mapping[str, StrOrPromise] = {
    ReportAction.SUBMIT: _("Submit the report"),
    ReportAction.REOPEN: _("Reopen the report"),
    ReportAction.RETURN: _("Return the report to the holder"),
    ReportAction.ACCEPT: _("Accept the report"),
}
REPORT_EVENT_LABELS: Mapping[str, StrOrPromise] = {
    ReportAction.SUBMIT: _("Report submitted"),
    ReportAction.REOPEN: _("Report reopened by the holder"),
    ReportAction.RETURN: _("Report returned to the holder"),
    ReportAction.ACCEPT: _("Report accepted"),
}
ROLE_LABELS: Mapping[str, StrOrPromise] = {
    ReportRole.HOLDER: pgettext_lazy("report page: quarterly report", "Licence holder"),
    ReportRole.LOCAL_OFFICER: pgettext_lazy("report page: quarterly report", "Local Communications Administration"),
    ReportRole.MIIT_REVIEWER: pgettext_lazy("report page: quarterly report", "MIIT"),
}
RUN_STATUS_LABELS: Mapping[str, StrOrPromise] = {
    IngestionRun.Status.QUEUED: pgettext_lazy("report page: ingestion", "Queued"),
    IngestionRun.Status.RUNNING: pgettext_lazy("report page: ingestion", "Reading"),
    IngestionRun.Status.ACCEPTED: pgettext_lazy("report page: ingestion", "Accepted"),
    IngestionRun.Status.REJECTED: pgettext_lazy("report page: ingestion", "Rejected"),
}
PART_LABELS: Mapping[str, StrOrPromise] = {
    ReportPart.NODE_LIST: pgettext_lazy("report page: quarterly report", "Node list"),
    ReportPart.SECURITY_LOG: pgettext_lazy("report page: quarterly report", "Security log"),
}
# A finding's words are the finding pages' (services.vocabulary), so that a report's page and a finding's
# say the same.
SEVERITY_LABELS: Mapping[str, StrOrPromise] = FINDING_SEVERITIES
FINDING_STATE_LABELS: Mapping[str, StrOrPromise] = FINDING_STATES
MECHANISM_LABELS: Mapping[str, StrOrPromise] = {
    "": pgettext_lazy("report page", "None on file"),
    Mechanism.NONE: _("Not needed: no personal information or important data left China"),
    Mechanism.EXEMPT: _("Exempt (below the thresholds)"),
    Mechanism.STANDARD_CONTRACT_OR_CERTIFICATION: _("Standard contract or certification"),
    Mechanism.SECURITY_ASSESSMENT: _("CAC security assessment"),
}
CHANGE_LABELS: Mapping[str, StrOrPromise] = {
    "added": pgettext_lazy("report page: node change", "Added"),
    "removed": pgettext_lazy("report page: node change", "Removed"),
    "moved-abroad": pgettext_lazy("report page: node change", "Moved abroad"),
}
# The words of every field the report's forms and writers may name (ActionRefused's `field`); the
# operational fields are also what a submission reports missing.
FIELD_LABELS: Mapping[str, StrOrPromise] = {
    "users": pgettext_lazy("report page", "Users"),
    "revenue_cny": _("Revenue this quarter (CNY)"),
    "bandwidth_gbps": _("Bandwidth (Gbps)"),
    "personal_info_exported": _("People whose personal information (not sensitive) left China this year"),
    "sensitive_info_exported": _("People whose sensitive personal information left China this year"),
    "important_data_exported": _("Important data left China"),
    "cross_border_mechanism": _("Cross-border mechanism on file"),
    ReportPart.NODE_LIST.value: PART_LABELS[ReportPart.NODE_LIST],
    ReportPart.SECURITY_LOG.value: PART_LABELS[ReportPart.SECURITY_LOG],
    "file": pgettext_lazy("report page", "File"),
    "part": pgettext_lazy("report page", "Part"),
    "quarter": pgettext_lazy("report page", "Quarter"),
    "reason": pgettext_lazy("report page", "Reason"),
}


def _label(labels: Mapping[str, StrOrPromise], code: str) -> str:
    value = labels.get(code, code)
    return str(value) if isinstance(value, (str, Promise)) else code


# --- The obligations calendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationRow:
    kind: str
    kind_label: str
    label: str  # "2025-Q3", "2025"
    year: int
    quarter: int | None  # None for the annual report
    period_start: date
    period_end: date
    opens_on: date
    due_on: date
    cure_deadline: date
    status: str  # ObligationStatus
    status_label: str
    filed_on: date | None
    days_left: int | None  # to the due day, while not filed and not yet due-day-passed
    days_late: int | None  # past the due day, while not filed
    cure_days_left: int | None  # to the cure deadline, while late and not filed
    report_id: int | None  # the stored quarterly report, when opened
    report_status_label: str
    can_open: bool  # the reader (a member of the holder) may open this quarter's report now


@dataclass(frozen=True)
class LicenceObligations:
    number: str
    holder_name: str
    holder_name_en: str
    today: date
    is_holder: bool
    rows: tuple[ObligationRow, ...]  # by due day


def _obligation_row(
    kind: ObligationKind,
    label: str,
    obligation_dates: tuple[date, date, date, date, date],
    status: ObligationStatus,
    filed_on: date | None,
    today: date,
    report: tuple[int, str] | None,
    may_open: bool,
) -> ObligationRow:
    period_start, period_end, opens_on, due_on, cure_deadline = obligation_dates
    quarterly = kind is ObligationKind.QUARTERLY_REPORT
    year = int(label.split("-")[0])
    pending = filed_on is None
    return ObligationRow(
        kind=kind.value,
        kind_label=_label(OBLIGATION_KIND_LABELS, kind.value),
        label=label,
        year=year,
        quarter=int(label[-1]) if quarterly else None,
        period_start=period_start,
        period_end=period_end,
        opens_on=opens_on,
        due_on=due_on,
        cure_deadline=cure_deadline,
        status=status.value,
        status_label=_label(OBLIGATION_STATUS_LABELS, status.value),
        filed_on=filed_on,
        days_left=(due_on - today).days if pending and today <= due_on else None,
        days_late=(today - due_on).days if pending and today > due_on else None,
        cure_days_left=(cure_deadline - today).days if status is ObligationStatus.LATE and pending else None,
        report_id=report[0] if report else None,
        report_status_label=_label(REPORT_STATE_LABELS, report[1]) if report else "",
        # A quarter's report is opened once the quarter has ended and until its cure deadline: after it,
        # the report can no longer be submitted (the listing procedure of Order 42 Art. 38 takes over).
        can_open=(
            may_open and quarterly and report is None and status in (ObligationStatus.OPEN, ObligationStatus.LATE)
        ),
    )


def licence_obligations_view(actor: User, licence: Licence, *, today: date) -> LicenceObligations:
    """The licence's obligations calendar as ``actor`` sees it on ``today``."""
    standing = standing_towards(actor, licence, jurisdiction_id=licence.application.jurisdiction_id)
    is_holder = HOLDER in standing
    reports = {
        f"{year}-Q{quarter}": (pk, status)
        for pk, year, quarter, status in QuarterlyReport.objects.filter(licence=licence).values_list(
            "pk", "year", "quarter", "status"
        )
    }
    live = licence.status in ("valid", "suspended")
    rows = []
    for obligation, filed_on in licence_obligations(licence, today):
        rows.append(
            _obligation_row(
                obligation.kind,
                obligation.label,
                (
                    obligation.period_start,
                    obligation.period_end,
                    obligation.opens_on,
                    obligation.due_on,
                    obligation.cure_deadline,
                ),
                obligation.status(today, filed_on),
                filed_on,
                today,
                reports.get(obligation.label) if obligation.kind is ObligationKind.QUARTERLY_REPORT else None,
                is_holder and live,
            )
        )
    return LicenceObligations(
        number=licence.number,
        holder_name=licence.holder_name_zh,
        holder_name_en=licence.holder_name_en,
        today=today,
        is_holder=is_holder,
        rows=tuple(rows),
    )


# --- One report's page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowErrorView:
    line: int
    field: str
    reason: str


@dataclass(frozen=True)
class RunView:
    id: uuid.UUID
    report_id: int
    part: str
    part_label: str
    filename: str
    status: str
    status_label: str
    finished: bool
    rows_read: int
    error_count: int
    errors: tuple[RowErrorView, ...]  # the first ERRORS_SHOWN, when rejected
    more_errors: int  # errors found beyond those listed
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class UploadView:
    filename: str
    rows: int
    size_bytes: int
    sha256: str
    uploaded_at: datetime


@dataclass(frozen=True)
class PartView:
    part: str
    label: str
    formats: tuple[str, ...]  # the file extensions it is read from
    upload: UploadView | None  # the accepted file on record
    run: RunView | None  # the latest ingestion run


@dataclass(frozen=True)
class FindingRow:
    id: int
    rule: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    raised_on: date
    remediation_due_on: date
    overdue: bool


@dataclass(frozen=True)
class NodeChange:
    change: str
    change_label: str
    node_id: str
    previous_location: str
    location: str


@dataclass(frozen=True)
class ChangeSummary:
    change_label: str
    count: int


@dataclass(frozen=True)
class EventRow:
    on: date
    at: datetime
    action_label: str
    from_label: str
    to_label: str
    actor: str
    role_label: str
    note: str
    late: bool


@dataclass(frozen=True)
class ReportPage:
    id: int
    number: str  # the licence's
    holder_name: str
    holder_name_en: str
    period: str  # "2025-Q3"
    status: str
    status_label: str
    version: int
    due_on: date
    cure_deadline: date
    submitted_on: date | None
    late: bool  # submitted after the due day
    rulebook_version: str
    data: tuple[tuple[str, str], ...]  # (what, value as entered; "" when blank)
    initial: Mapping[str, object]  # the operational data form's values
    mechanism_label: str
    parts: tuple[PartView, ...]
    missing: tuple[str, ...]  # what a submission still lacks, in words
    findings: tuple[FindingRow, ...]
    compared: bool  # an earlier quarter's node list was there to compare with
    node_changes: tuple[NodeChange, ...]  # the first NODE_CHANGES_SHOWN
    node_change_summary: tuple[ChangeSummary, ...]
    node_change_count: int
    actions: tuple[ReportAction, ...]  # the lifecycle's actions open to the reader today
    is_holder: bool
    is_authority: bool
    editable: bool  # the holder may edit the draft and upload its parts
    timeline: tuple[EventRow, ...]


def _run_view(run: IngestionRun) -> RunView:
    finished = run.status in (IngestionRun.Status.ACCEPTED, IngestionRun.Status.REJECTED)
    raw = run.errors if isinstance(run.errors, list) else []
    errors = tuple(
        RowErrorView(int(error.get("line", 0)), str(error.get("field", "")), str(error.get("reason", "")))
        for error in raw[:ERRORS_SHOWN]
        if isinstance(error, Mapping)
    )
    return RunView(
        id=run.pk,
        report_id=run.report_id,
        part=run.part,
        part_label=_label(PART_LABELS, run.part),
        filename=run.filename,
        status=run.status,
        status_label=_label(RUN_STATUS_LABELS, run.status),
        finished=finished,
        rows_read=run.rows_read,
        error_count=run.error_count,
        errors=errors if run.status == IngestionRun.Status.REJECTED else (),
        more_errors=max(run.error_count - len(errors), 0) if run.status == IngestionRun.Status.REJECTED else 0,
        created_at=run.created_at,
        finished_at=run.finished_at,
    )


def report_run(report: QuarterlyReport, run_id: str | uuid.UUID) -> RunView:
    """One ingestion run of ``report`` (already authorised); NotFound for a run of another report."""
    try:
        run = IngestionRun.objects.get(report=report, pk=run_id)
    except (IngestionRun.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound("run not found") from None
    return _run_view(run)


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _parts(report: QuarterlyReport) -> tuple[PartView, ...]:
    uploads = {upload.part: upload for upload in ReportUpload.objects.filter(report=report)}
    latest: dict[str, IngestionRun] = {}
    # The latest run of each part: one query per part, whatever the number of runs.
    for part in ReportPart:
        run = IngestionRun.objects.filter(report=report, part=part.value).order_by("-created_at").first()
        if run is not None:
            latest[part.value] = run
    views = []
    for part in ReportPart:
        upload = uploads.get(part.value)
        views.append(
            PartView(
                part=part.value,
                label=_label(PART_LABELS, part.value),
                formats=FORMATS[part.value],
                upload=UploadView(upload.filename, upload.rows, upload.size_bytes, upload.sha256, upload.uploaded_at)
                if upload
                else None,
                run=_run_view(latest[part.value]) if part.value in latest else None,
            )
        )
    return tuple(views)


def _findings(actor: User, report: QuarterlyReport, today: date) -> tuple[FindingRow, ...]:
    """The report's findings ``actor`` may open (store.access.visible_findings: a report's reader is not
    always a finding's, e.g. the CAC and MPS reviewers)."""
    closed = {FindingState.RESOLVED.value, FindingState.DISMISSED.value, FindingState.REVOKED.value}
    return tuple(
        FindingRow(
            id=finding.pk,
            rule=finding.rule,
            severity=finding.severity,
            severity_label=_label(SEVERITY_LABELS, finding.severity),
            status=finding.status,
            status_label=_label(FINDING_STATE_LABELS, finding.status),
            raised_on=finding.raised_on,
            remediation_due_on=finding.remediation_due_on,
            overdue=finding.status not in closed and today > finding.remediation_due_on,
        )
        for finding in visible_findings(actor).filter(report=report).order_by("raised_on", "pk")
    )


def _timeline(report: QuarterlyReport) -> tuple[EventRow, ...]:
    events = SupervisionEvent.objects.filter(report=report).select_related("actor").order_by("at", "pk")
    return tuple(
        EventRow(
            on=event.on,
            at=event.at,
            action_label=_label(REPORT_EVENT_LABELS, event.action),
            from_label=_label(REPORT_STATE_LABELS, event.from_state) if event.from_state else "",
            to_label=_label(REPORT_STATE_LABELS, event.to_state),
            actor=event.actor.get_username() if event.actor else "",
            role_label=_label(ROLE_LABELS, event.role),
            note=event.note,
            late=bool(isinstance(event.details, Mapping) and event.details.get("late")),
        )
        for event in events
    )


def _changes(report: QuarterlyReport) -> tuple[bool, tuple[NodeChange, ...], tuple[ChangeSummary, ...], int]:
    frame = node_changes(report)
    if frame is None:
        return False, (), (), 0
    counts = Counter(frame.get_column("change").to_list())
    summary = tuple(
        ChangeSummary(_label(CHANGE_LABELS, change), counts[change])
        for change in ("added", "removed", "moved-abroad")
        if counts[change]
    )
    listed = tuple(
        NodeChange(
            change=str(row["change"]),
            change_label=_label(CHANGE_LABELS, str(row["change"])),
            node_id=str(row["id"]),
            previous_location=str(row["previous_location"] or ""),
            location=str(row["location"] or ""),
        )
        for row in frame.head(NODE_CHANGES_SHOWN).iter_rows(named=True)
    )
    return True, listed, summary, frame.height


def report_page(actor: User, report: QuarterlyReport, *, today: date) -> ReportPage:
    """The report's page for ``actor`` on ``today`` (``report`` fetched through access_report)."""
    roles = roles_of(actor, report)
    is_holder = ReportRole.HOLDER in roles
    parts = _parts(report)
    uploaded = {part.part for part in parts if part.upload is not None}
    missing = tuple(_label(FIELD_LABELS, name) for name in OPERATIONAL_FIELDS if getattr(report, name) is None) + tuple(
        part.label for part in parts if part.part not in uploaded
    )
    actions = available_actions_for(reports_on(today), actor, [report])[report.pk]
    compared, changes, summary, change_count = _changes(report)
    fields = (*OPERATIONAL_FIELDS, "cross_border_mechanism")
    return ReportPage(
        id=report.pk,
        number=report.licence.number,
        holder_name=report.licence.holder_name_zh,
        holder_name_en=report.licence.holder_name_en,
        period=f"{report.year}-Q{report.quarter}",
        status=report.status,
        status_label=_label(REPORT_STATE_LABELS, report.status),
        version=report.version,
        due_on=report.due_on,
        cure_deadline=report.cure_deadline,
        submitted_on=report.submitted_on,
        late=report.submitted_on is not None and report.submitted_on > report.due_on,
        rulebook_version=report.rulebook_version,
        data=tuple((_label(FIELD_LABELS, name), _value(getattr(report, name))) for name in OPERATIONAL_FIELDS),
        initial={name: getattr(report, name) for name in fields},
        mechanism_label=_label(MECHANISM_LABELS, report.cross_border_mechanism),
        parts=parts,
        missing=missing,
        findings=_findings(actor, report, today),
        compared=compared,
        node_changes=changes,
        node_change_summary=summary,
        node_change_count=change_count,
        actions=tuple(actions),
        is_holder=is_holder,
        is_authority=bool({ReportRole.LOCAL_OFFICER, ReportRole.MIIT_REVIEWER} & set(roles)),
        editable=is_holder and report.status == ReportState.DRAFT.value,
        timeline=_timeline(report),
    )
