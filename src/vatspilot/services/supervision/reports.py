"""The quarterly pilot report's writers: open a draft for an owed quarter, save its operational data (no
checks on a draft beyond each value's own type), submit it (every check; the table's guard), reopen it
before its due date, and the authority's return and acceptance. Each is one transaction with its audit
entry; the status moves only through the machine (services.supervision.report_lifecycle)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.supervision.cross_border import Mechanism
from vatspilot.domain.supervision.obligations import ObligationKind
from vatspilot.domain.supervision.reports import ReportAction, ReportRole, ReportState
from vatspilot.services import lifecycle
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.lifecycle.text_fields import required_text
from vatspilot.services.supervision.checks import run_report_checks
from vatspilot.services.supervision.report_lifecycle import REPORTS, reports_on, roles_of
from vatspilot.services.supervision.standing import HOLDER, standing_towards
from vatspilot.services.supervision.terms import licence_owes, rulebook_version
from vatspilot.store.audit import AuditSubject, record_audit
from vatspilot.store.models import Licence
from vatspilot.store.models.supervision import QuarterlyReport

__all__ = [
    "OperationalData",
    "accept_report",
    "open_report",
    "reopen_report",
    "return_report",
    "save_report_data",
    "submit_report",
]

# The days a licence ends on, by status, for the periods it owes (a live licence owes until today).


@dataclass(frozen=True)
class OperationalData:
    """The report's form, each value optional while a draft. Money and bandwidth are Decimals."""

    users: int | None = None
    revenue_cny: Decimal | None = None
    bandwidth_gbps: Decimal | None = None
    personal_info_exported: int | None = None
    sensitive_info_exported: int | None = None
    important_data_exported: bool | None = None
    cross_border_mechanism: str = ""

    def checked(self) -> OperationalData:
        for name in ("users", "personal_info_exported", "sensitive_info_exported"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ActionRefused("invalid-number", _("Give a whole number of 0 or more."), field=name)
        for name, places in (("revenue_cny", 2), ("bandwidth_gbps", 3)):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ActionRefused("invalid-amount", _("Give an amount of 0 or more."), field=name)
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > places:
                raise ActionRefused(
                    "too-many-decimals",
                    _("Give at most %(places)d decimal places.") % {"places": places},
                    field=name,
                )
        if self.cross_border_mechanism not in {"", *(mechanism.value for mechanism in Mechanism)}:
            raise ActionRefused(
                "unknown-mechanism", _("Choose a cross-border mechanism from the list."), field="cross_border_mechanism"
            )
        return self


def open_report(*, actor: User, licence: Licence, year: int, quarter: int, on: date) -> QuarterlyReport:
    """A draft of the licence's report for ``year`` Q``quarter``, opened by a member of the holder once
    the quarter has ended; the due dates are the rulebook's for that quarter. Refused (nothing written)
    for a quarter the licence does not owe, one not yet ended, or one already opened."""
    with transaction.atomic():
        locked = Licence.objects.select_for_update().select_related("application").get(pk=licence.pk)
        if HOLDER not in standing_towards(actor, locked, jurisdiction_id=locked.application.jurisdiction_id):
            raise ActionRefused("role-not-allowed", _("Only the licence holder files its reports."))
        owed = {
            obligation.label: obligation
            for obligation in licence_owes(locked, on)
            if obligation.kind is ObligationKind.QUARTERLY_REPORT
        }
        obligation = owed.get(f"{year}-Q{quarter}")
        if obligation is None:
            raise ActionRefused(
                "quarter-not-owed",
                _("The licence owes no report for %(year)s Q%(quarter)s.") % {"year": year, "quarter": quarter},
                field="quarter",
            )
        if on < obligation.opens_on:
            raise ActionRefused(
                "quarter-not-ended",
                _("The quarter has not ended: its report opens on %(day)s.") % {"day": obligation.opens_on.isoformat()},
                field="quarter",
            )
        if QuarterlyReport.objects.filter(licence=locked, year=year, quarter=quarter).exists():
            raise ActionRefused("report-exists", _("That quarter's report is already open."), field="quarter")
        report = QuarterlyReport.objects.create(
            licence=locked,
            year=year,
            quarter=quarter,
            due_on=obligation.due_on,
            cure_deadline=obligation.cure_deadline,
            rulebook_version=rulebook_version(),
        )
        record_audit(
            actor=actor,
            action="report.opened",
            obj=AuditSubject(QuarterlyReport._meta.label_lower, str(report.pk)),
            before=None,
            after={
                "licence": locked.number,
                "period": obligation.label,
                "due_on": obligation.due_on.isoformat(),
                "cure_deadline": obligation.cure_deadline.isoformat(),
                "rulebook_version": report.rulebook_version,
            },
        )
    return report


def save_report_data(
    *, actor: User, report: QuarterlyReport, data: OperationalData, expected_version: int | None
) -> QuarterlyReport:
    """Save the draft's operational data as given (blank values allowed; each value's own type checked)."""
    checked = data.checked()
    with transaction.atomic():
        current = lifecycle.locked(REPORTS, report, expected_version)
        if ReportRole.HOLDER not in roles_of(actor, current):
            raise ActionRefused("role-not-allowed", _("Only the licence holder edits its reports."))
        if current.status != ReportState.DRAFT.value:
            raise ActionRefused("not-a-draft", _("Only a draft can be edited: reopen the report first."))
        fields = list(OperationalData.__dataclass_fields__)
        before = {name: getattr(current, name) for name in fields}
        for name in fields:
            setattr(current, name, getattr(checked, name))
        current.save_if_unchanged(update_fields=fields)
        record_audit(
            actor=actor,
            action="report.data_saved",
            obj=AuditSubject(QuarterlyReport._meta.label_lower, str(current.pk)),
            before=before,
            after={name: getattr(current, name) for name in fields},
        )
    return current


def submit_report(*, actor: User, report: QuarterlyReport, on: date, expected_version: int | None) -> QuarterlyReport:
    """Submit the draft on ``on``: every part present and checked, the cure deadline not passed."""
    spec = reports_on(on)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            spec, actor=actor, record=report, action=ReportAction.SUBMIT, expected_version=expected_version
        )
        current.submitted_on = on
        late = on > current.due_on
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            also_save=["submitted_on"],
            extra={"late": late},
            details={"late": late},
        )
        # Submitting runs every check: the findings are raised with the submission, or neither is.
        findings = run_report_checks(current, on)
        if findings:
            record_audit(
                actor=actor,
                action="report.checked",
                obj=AuditSubject(QuarterlyReport._meta.label_lower, str(current.pk)),
                before=None,
                after={"findings": [finding.pk for finding in findings]},
            )
    return current


def reopen_report(*, actor: User, report: QuarterlyReport, on: date, expected_version: int | None) -> QuarterlyReport:
    """The holder takes a submitted report back to correct it, until its due date."""
    with transaction.atomic():
        spec = reports_on(on)
        current, row, role = lifecycle.take(
            spec, actor=actor, record=report, action=ReportAction.REOPEN, expected_version=expected_version
        )
        current.submitted_on = None
        lifecycle.apply_transition(
            spec, actor=actor, record=current, transition=row, role=role, on=on, also_save=["submitted_on"]
        )
    return current


def return_report(
    *, actor: User, report: QuarterlyReport, on: date, expected_version: int | None, reason: str
) -> QuarterlyReport:
    """The authority sends a submitted report back to its holder, with the reason."""
    text = required_text(reason, field="reason", code="reason-required", message=_("State the reason."))
    with transaction.atomic():
        spec = reports_on(on)
        current, row, role = lifecycle.take(
            spec, actor=actor, record=report, action=ReportAction.RETURN, expected_version=expected_version
        )
        current.submitted_on = None
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text},
            also_save=["submitted_on"],
        )
    return current


def accept_report(*, actor: User, report: QuarterlyReport, on: date, expected_version: int | None) -> QuarterlyReport:
    """The authority accepts a submitted report."""
    return lifecycle.run(
        reports_on(on), actor=actor, record=report, action=ReportAction.ACCEPT, on=on, expected_version=expected_version
    )


# Each action on a quarterly report and its writer (the pages and the API act through this one table).
REPORT_WRITERS: Mapping[ReportAction, Callable[..., QuarterlyReport]] = {
    ReportAction.SUBMIT: submit_report,
    ReportAction.REOPEN: reopen_report,
    ReportAction.RETURN: return_report,
    ReportAction.ACCEPT: accept_report,
}
