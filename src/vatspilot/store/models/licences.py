"""Pilot licences: the licence as issued on an approval, its timeline, and the per-year serials its number
is allocated from.

The licence states what the certificate states (holder, services with their areas, conditions, validity):
`services` is the certificate's list, [{code, name_en, name_zh, areas_en: [...], areas_zh: [...]}]. Its
status moves only by a row of `vatspilot.domain.licences.lifecycle.LICENCE_WORKFLOW` (the services'
lifecycle machine), as an application's does; the column is held to the table's states by a check
constraint built from the domain's enum.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.contracts.json_numbers import ExactJSONDecoder, ExactJSONEncoder
from vatspilot.domain.licences.certificate import LicensedService
from vatspilot.domain.licences.exit import ExitState
from vatspilot.domain.licences.filings import FilingKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.store.models.applications import Application
from vatspilot.store.models.decisions import Decision
from vatspilot.store.models.events import TimelineEvent
from vatspilot.store.models.organisations import Organisation
from vatspilot.store.models.status_record import DirectStatusChange, StaleRecord, StatusRecord

LICENCE_STATUSES: tuple[str, ...] = tuple(state.value for state in LicenceState)


class StaleLicence(StaleRecord):
    """Someone else changed the licence since it was read; reload it and try again."""


class DirectLicenceStatusWrite(DirectStatusChange):
    """A licence's status may change only by a row of the licence's transition table."""


class Licence(StatusRecord):
    stale_error = StaleLicence
    direct_write_error = DirectLicenceStatusWrite

    number = models.CharField(_("licence number"), max_length=40, unique=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="licence", verbose_name=_("application")
    )
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="licence", verbose_name=_("decision")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="licences", verbose_name=_("holder")
    )
    # As issued: a later change of the organisation's name is a change filing, not an edit of these.
    holder_name_zh = models.CharField(_("holder's name (Chinese)"), max_length=300)
    holder_name_en = models.CharField(_("holder's name (English)"), max_length=300, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    services = models.JSONField(_("licensed services"), default=list)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, default=LicenceState.VALID.value, db_index=True)
    rulebook_version = models.CharField(_("rulebook version"), max_length=64)
    # The holder's application for voluntary cancellation: the fact the machine's cancel row is guarded by.
    cancellation_requested_on = models.DateField(_("cancellation requested on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LICENCE_STATUSES), name="store_licence_status_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="store_licence_version_from_1"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")), name="store_licence_valid_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    def licensed_services(self) -> tuple[LicensedService, ...]:
        """The `services` column as the certificate states it: the one reading of that JSON."""
        return tuple(
            LicensedService(
                code=str(item.get("code", "")),
                name_en=str(item.get("name_en", "")),
                name_zh=str(item.get("name_zh", "")),
                areas_en=_texts(item.get("areas_en")),
                areas_zh=_texts(item.get("areas_zh")),
            )
            for item in self.services or []
            if isinstance(item, dict)
        )

    def condition_lines(self) -> tuple[str, ...]:
        return _texts(self.conditions)


def _texts(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


class LicenceEvent(TimelineEvent):
    """One row per step of the licence's life (issue, suspension, reduction, ...), with its date, the
    actor (none for the daily job) and the role; append-only in the database too (migration 0008). Its
    `details` are the step's public particulars (services removed, new validity, ...): the register shows
    them, never the `note`."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events", verbose_name=_("licence"))

    class Meta:
        verbose_name = _("licence event")
        verbose_name_plural = _("licence events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["licence", "at"], name="store_licence_event_at_idx")]


class LicenceSerial(models.Model):
    """The last serial allocated in a year. Allocation locks the year's row and takes the next number in
    the issuing transaction: a rolled-back issue gives its number back, so there are no gaps, and two
    issues at once wait for each other, so there are no duplicates."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("licence serial")
        verbose_name_plural = _("licence serials")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class LicenceReminder(models.Model):
    """An expiry reminder sent (or passed over) for a licence: one row per (licence, last valid day, days),
    so the daily job sends each at most once even when run twice, and a renewed licence (a new last valid
    day) is reminded again before its new expiry (migration 0012)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("licence"))
    valid_until = models.DateField(_("valid until"))
    days = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence reminder")
        verbose_name_plural = _("licence reminders")
        ordering = ["licence", "-days"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "valid_until", "days"], name="store_licence_reminder_once_per_validity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.days} days ({self.sent_on})"


FILING_STATUSES: tuple[str, ...] = tuple(state.value for state in FilingState)
FILING_KINDS: tuple[str, ...] = tuple(kind.value for kind in FilingKind)
EXIT_STATUSES: tuple[str, ...] = tuple(state.value for state in ExitState)


class StaleFiling(StaleRecord):
    """Someone else changed the filing since it was read."""


class StaleExit(StaleRecord):
    """Someone else changed the network exit since it was read."""


class LicenceFiling(StatusRecord):
    """A holder's change filing or renewal on a licence (domain.licences.filings).

    A change filing records what changed and when (`changed_on`: the company's decision, or the
    business-registration change), the new particulars in `changes` ({kinds: [...], name_zh, name_en,
    legal_representative, registered_capital_cny, shareholders, services} as filed: only the kinds listed
    are meaningful), whether it was filed after the deadline (`late`, flagged, not refused), and the
    eligibility re-check of the changed ownership and scope (`recheck`, the contract's decision document
    with its rulebook version; taken again on approval). A renewal records, per licensed service, the day
    it was launched (`launched`: {code: "YYYY-MM-DD" or ""}); its status moves by the filing table, and its
    approval is the licence's `renew` row."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="filings", verbose_name=_("licence"))
    kind = models.CharField(_("kind"), max_length=20)
    status = models.CharField(_("status"), max_length=20, default=FilingState.FILED.value, db_index=True)
    filed_on = models.DateField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    changed_on = models.DateField(_("change took effect on"), null=True, blank=True)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder
    )
    late = models.BooleanField(_("filed late"), default=False)
    recheck = models.JSONField(_("eligibility re-check"), null=True, blank=True)
    launched = models.JSONField(_("services launched"), default=dict, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    stale_error = StaleFiling

    class Meta:
        verbose_name = _("licence filing")
        verbose_name_plural = _("licence filings")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=FILING_STATUSES), name="store_filing_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=FILING_KINDS), name="store_filing_kind_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="store_filing_version_from_1"),
            # At most one pending filing of each kind per licence: a second waits for the first's decision.
            models.UniqueConstraint(
                fields=["licence", "kind"],
                condition=models.Q(status=FilingState.FILED.value),
                name="store_filing_one_pending_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.kind} ({self.status})"


class NetworkExit(StatusRecord):
    """The orderly network exit a revocation or cancellation opens (domain.licences.exit): one per
    licence, opened in the revoking or cancelling transaction. The plan's three facts are written by the
    `file_plan` row; `users_migrated` by each progress report (the reports themselves are the licence's
    events, so the register shows them); `confirmed_on` by the authority's confirmation."""

    licence = models.OneToOneField(
        Licence, on_delete=models.PROTECT, related_name="network_exit", verbose_name=_("licence")
    )
    status = models.CharField(_("status"), max_length=20, default=ExitState.REQUIRED.value, db_index=True)
    opened_on = models.DateField(_("opened on"))
    users_notified_on = models.DateField(_("users notified on"), null=True, blank=True)
    migration_deadline = models.DateField(_("migration deadline"), null=True, blank=True)
    users_to_migrate = models.PositiveIntegerField(_("users to migrate"), null=True, blank=True)
    users_migrated = models.PositiveIntegerField(_("users migrated"), default=0)
    confirmed_on = models.DateField(_("confirmed complete on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    stale_error = StaleExit

    class Meta:
        verbose_name = _("network exit")
        verbose_name_plural = _("network exits")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=EXIT_STATUSES), name="store_exit_status_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="store_exit_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"exit of {self.licence_id} ({self.status})"
