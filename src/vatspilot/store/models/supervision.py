"""Supervision after licensing (issue 10): the quarterly reports with their uploads and ingestion runs,
the findings with their evidence, and the random draws with the inspections they order.

Statuses move only by the rows of `vatspilot.domain.supervision` (reports, findings), through the one
lifecycle machine, as a licence's do. An upload is stored whole or not at all: the rows of a node list and
the file of a security log are written in the ingestion's one transaction, and a run that dies leaves its
`IngestionRun` unfinished and nothing else.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.supervision.findings import FindingState, Severity
from vatspilot.domain.supervision.reports import ReportState
from vatspilot.store.models.events import TimelineEvent
from vatspilot.store.models.jurisdictions import Jurisdiction
from vatspilot.store.models.licences import Licence
from vatspilot.store.models.status_record import StaleRecord, StatusRecord

REPORT_STATUSES: tuple[str, ...] = tuple(state.value for state in ReportState)
FINDING_STATUSES: tuple[str, ...] = tuple(state.value for state in FindingState)
SEVERITIES: tuple[str, ...] = tuple(severity.value for severity in Severity)


class StaleReport(StaleRecord):
    """Someone else changed the report since it was read."""


class StaleFinding(StaleRecord):
    """Someone else changed the finding since it was read."""


class ReportPart(models.TextChoices):
    NODE_LIST = "node_list", _("Node list")
    SECURITY_LOG = "security_log", _("Security log")


class InspectionKind(models.TextChoices):
    PENETRATION_TEST = "penetration_test", _("Penetration test")
    CODE_AUDIT = "code_audit", _("Code audit")
    CROSS_BORDER = "cross_border", _("Cross-border data flow check")
    ON_SITE = "on_site", _("On-site check")


class QuarterlyReport(StatusRecord):
    """A licensee's quarterly pilot report for one quarter: the operational data (blank while a draft
    may leave it so), its uploads, and the dates it was due by, as the rulebook set them when the report
    was opened (`rulebook_version`)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="reports", verbose_name=_("licence"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=20, default=ReportState.DRAFT.value, db_index=True)
    due_on = models.DateField(_("due on"))
    cure_deadline = models.DateField(_("cure deadline"))
    rulebook_version = models.CharField(_("rulebook version"), max_length=64)
    users = models.PositiveBigIntegerField(_("users"), null=True, blank=True)
    revenue_cny = models.DecimalField(_("revenue (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True)
    bandwidth_gbps = models.DecimalField(_("bandwidth (Gbps)"), max_digits=12, decimal_places=3, null=True, blank=True)
    # People whose personal information left China this calendar year, in two separate counts as the CAC
    # Provisions of 2024 count them: ordinary (sensitive excluded) and sensitive.
    personal_info_exported = models.PositiveBigIntegerField(
        _("people whose personal information (not sensitive) left China this year"), null=True, blank=True
    )
    sensitive_info_exported = models.PositiveBigIntegerField(
        _("people whose sensitive personal information left China this year"), null=True, blank=True
    )
    important_data_exported = models.BooleanField(_("important data left China"), null=True, blank=True)
    # The cross-border mechanism the licensee has on file (domain.supervision.cross_border.Mechanism;
    # blank: none), declared with the report and checked against what its volumes require.
    cross_border_mechanism = models.CharField(_("cross-border mechanism on file"), max_length=40, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    stale_error = StaleReport

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["-year", "-quarter", "licence"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=REPORT_STATUSES), name="store_report_status_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="store_report_version_from_1"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="store_report_quarter"),
            models.CheckConstraint(
                condition=models.Q(cure_deadline__gte=models.F("due_on")), name="store_report_cure_after_due"
            ),
            models.UniqueConstraint(fields=["licence", "year", "quarter"], name="store_report_one_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.year}Q{self.quarter} ({self.status})"


class ReportUpload(models.Model):
    """An accepted upload of one part of a report: the file kept whole (content-addressed under
    `VATSPILOT_REPORT_DIR`, by its SHA-256), its row count, and who sent it. A draft's part is replaced by
    a newer upload; a rejected upload is never stored."""

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.PROTECT, related_name="uploads", verbose_name=_("report")
    )
    part = models.CharField(_("part"), max_length=20, choices=ReportPart.choices)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    rows = models.PositiveIntegerField(_("rows"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report upload")
        verbose_name_plural = _("report uploads")
        ordering = ["report", "part"]
        constraints = [models.UniqueConstraint(fields=["report", "part"], name="store_report_upload_one_per_part")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.part}: {self.filename}"


class ReportNode(models.Model):
    """One node of an accepted node list, as declared and as its address resolved: what the checks and
    the quarter-over-quarter comparison read."""

    upload = models.ForeignKey(ReportUpload, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("upload"))
    line = models.PositiveIntegerField(_("line"))
    node_id = models.CharField(_("node id"), max_length=100)
    address = models.CharField(_("address"), max_length=64)
    role = models.CharField(_("role"), max_length=20)
    location = models.CharField(_("declared location"), max_length=6)
    country = models.CharField(_("country of the address"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("report node")
        verbose_name_plural = _("report nodes")
        ordering = ["upload", "line"]
        constraints = [models.UniqueConstraint(fields=["upload", "node_id"], name="store_report_node_unique_id")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.address}"


class IngestionRun(models.Model):
    """One background ingestion of an uploaded file: its progress (rows read, errors so far), the first
    errors (line, field, reason) when rejected, and the upload it produced when accepted. A run is safe to
    start twice: the second finds it finished and does nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.PROTECT, related_name="ingestions", verbose_name=_("report")
    )
    part = models.CharField(_("part"), max_length=20, choices=ReportPart.choices)
    filename = models.CharField(_("file name"), max_length=255)
    staged_path = models.CharField(_("staged file"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    upload = models.ForeignKey(
        ReportUpload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("upload")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.part} {self.status}"


class InspectionDraw(models.Model):
    """A "double random" draw as published: the seed, the pools and conflicts it drew from, and its
    result, so that anyone can re-run it (domain.supervision.draw)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draws",
        verbose_name=_("jurisdiction (none: nationwide)"),
    )
    seed = models.CharField(_("seed"), max_length=200)
    algorithm = models.CharField(_("algorithm"), max_length=40)
    drawn_on = models.DateField(_("drawn on"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    licensee_pool = models.JSONField(_("licensee pool"), default=list)
    inspector_pool = models.JSONField(_("inspector pool"), default=list)
    conflicts = models.JSONField(_("conflicts of interest"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection draw")
        verbose_name_plural = _("inspection draws")
        ordering = ["-drawn_on", "-id"]

    def __str__(self) -> str:
        return f"draw {self.pk} ({self.seed})"


class Inspection(models.Model):
    """One licensee's inspection ordered by a draw (or by the authority directly), its kind, team, and
    when it was done; its findings point back to it."""

    draw = models.ForeignKey(
        InspectionDraw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("draw"),
    )
    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("licence")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspections", verbose_name=_("team"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.licence_id}"


class Finding(StatusRecord):
    """A finding on a licence, raised by a report's automatic check or by an inspection, with its rule
    and citation, severity and deadlines; `fingerprint` makes re-running a report's checks raise each
    finding once."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="findings", verbose_name=_("licence"))
    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("report"),
    )
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("inspection"),
    )
    rule = models.CharField(_("rule"), max_length=100)
    citation = models.TextField(_("legal basis"))
    severity = models.CharField(_("severity"), max_length=10)
    details = models.JSONField(_("details"), default=dict, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.CharField(_("status"), max_length=30, default=FindingState.OPEN.value, db_index=True)
    raised_on = models.DateField(_("raised on"))
    remediation_due_on = models.DateField(_("remediation due on"))
    rectification_due_on = models.DateField(_("rectification due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    stale_error = StaleFinding

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=FINDING_STATUSES), name="store_finding_status_valid"),
            models.CheckConstraint(condition=models.Q(severity__in=SEVERITIES), name="store_finding_severity_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="store_finding_version_from_1"),
            models.UniqueConstraint(fields=["licence", "fingerprint"], name="store_finding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.rule} ({self.status})"


class FindingEvidence(models.Model):
    """A file the holder attached to show a finding remedied (kept under MEDIA_ROOT by its SHA-256)."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("finding"))
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding evidence")
        verbose_name_plural = _("finding evidence")
        ordering = ["finding", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.filename}"


class SupervisionEvent(TimelineEvent):
    """One step of a report's or a finding's life, with its date, actor and role: the timeline row the
    lifecycle machine writes (append-only in the database too, as the licence's events are)."""

    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("report"),
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("finding")
    )

    class Meta:
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")
        ordering = ["at", "id"]
        constraints = [
            # Exactly one subject: a report's step or a finding's.
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, finding__isnull=True)
                | models.Q(report__isnull=True, finding__isnull=False),
                name="store_supervision_event_one_subject",
            ),
        ]


class AnnualReportFiling(models.Model):
    """The holder's record that it filed its annual report on MIIT's licence management platform (Order 42
    Art. 35 names that platform; the report itself is not filed here), with the platform's reference."""

    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("licence")
    )
    year = models.PositiveSmallIntegerField(_("reported year"))
    filed_on = models.DateField(_("filed on"))
    reference = models.CharField(_("reference on MIIT's platform"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual report filing")
        verbose_name_plural = _("annual report filings")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["licence", "year"], name="store_annual_report_once")]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.year}"


class ObligationNotice(models.Model):
    """What the daily sweep did about one obligation of one licence, once: a reminder `days` before its
    due day, or the proposal to list the licensee on the bad-record list once the cure deadline passed
    (Order 42 Art. 38). The unique key makes the sweep safe to run twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        LISTING_PROPOSED = "listing_proposed", _("Bad-record listing proposed")

    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="obligation_notices", verbose_name=_("licence")
    )
    obligation = models.CharField(_("obligation"), max_length=40)  # kind and period: "quarterly-report 2025-Q3"
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(_("days before due"), default=0)
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("obligation notice")
        verbose_name_plural = _("obligation notices")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "obligation", "kind", "days"], name="store_obligation_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.obligation} {self.kind}"
