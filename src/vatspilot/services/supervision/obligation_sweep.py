"""The daily supervision sweep over every licence's obligations (domain.supervision.obligations): the
holder hears before a report falls due (REPORT_REMINDER_DAYS, the most urgent unsent only), and a report
still missing after its cure deadline proposes the licensee for the bad-record list (Order 42 Art. 38):
the supervisors hear of it, the proposal is audited, and MIIT decides the listing on the lists page.

Each notice is written once (ObligationNotice's unique key): a second run on the same day, or two
workers at once, send nothing more. One transaction per notice, so a failure stops only that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from vatspilot.domain.supervision.obligations import (
    Obligation,
    ObligationKind,
    ObligationStatus,
    reminder_due,
)
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.services.supervision.terms import licence_owes
from vatspilot.store.audit import AuditSubject, record_audit
from vatspilot.store.models import Application, Licence
from vatspilot.store.models.supervision import AnnualReportFiling, ObligationNotice, QuarterlyReport

__all__ = ["SweepResult", "licence_obligations", "obligation_key", "sweep_obligations"]


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    proposed: int


def obligation_key(obligation: Obligation) -> str:
    return f"{obligation.kind.value} {obligation.label}"


def licence_obligations(licence: Licence, today: date) -> list[tuple[Obligation, date | None]]:
    """The licence's obligations up to ``today`` with the day each was filed (None: not filed)."""
    quarterly = {
        f"{year}-Q{quarter}": submitted
        for year, quarter, submitted in QuarterlyReport.objects.filter(licence=licence).values_list(
            "year", "quarter", "submitted_on"
        )
    }
    annual = {
        str(year): filed
        for year, filed in AnnualReportFiling.objects.filter(licence=licence).values_list("year", "filed_on")
    }
    result = []
    for obligation in licence_owes(licence, today):
        filed = (quarterly if obligation.kind is ObligationKind.QUARTERLY_REPORT else annual).get(obligation.label)
        # A filing recorded after the day asked about does not count on that day.
        result.append((obligation, filed if filed is not None and filed <= today else None))
    return result


def _notice(licence: Licence, obligation: Obligation, kind: str, days: int, today: date) -> bool:
    try:
        with transaction.atomic():
            ObligationNotice.objects.create(
                licence=licence, obligation=obligation_key(obligation), kind=kind, days=days, sent_on=today
            )
            application = Application.objects.select_related("organisation", "jurisdiction").get(
                pk=licence.application_id
            )
            context = {
                "licence": licence.number,
                "obligation": obligation.label,
                "due_on": obligation.due_on.isoformat(),
                "cure_deadline": obligation.cure_deadline.isoformat(),
                "days": days,
            }
            if kind == ObligationNotice.Kind.REMINDER:
                notify_about(kind=NotificationKind.REPORT_DUE_SOON, application=application, context=context)
            else:
                notify_about(kind=NotificationKind.REPORT_LISTING_PROPOSED, application=application, context=context)
                record_audit(
                    actor=None,
                    action="obligation.listing_proposed",
                    obj=AuditSubject(Licence._meta.label_lower, str(licence.pk)),
                    before=None,
                    after={**context, "basis": "MIIT Order No. 42, Art. 38"},
                )
    except IntegrityError:
        return False  # a concurrent run wrote it first
    return True


def sweep_obligations(today: date) -> SweepResult:
    """Remind and propose for every licence, as of ``today``; the counts of notices written."""
    reminded = proposed = 0
    for licence in Licence.objects.order_by("pk"):
        sent = {
            (obligation, kind, days)
            for obligation, kind, days in ObligationNotice.objects.filter(licence=licence).values_list(
                "obligation", "kind", "days"
            )
        }
        for obligation, filed in licence_obligations(licence, today):
            key = obligation_key(obligation)
            status = obligation.status(today, filed)
            if status is ObligationStatus.OVERDUE:
                if (key, ObligationNotice.Kind.LISTING_PROPOSED, 0) not in sent:
                    proposed += _notice(licence, obligation, ObligationNotice.Kind.LISTING_PROPOSED, 0, today)
                continue
            already = [days for (k, kind, days) in sent if k == key and kind == ObligationNotice.Kind.REMINDER]
            days = reminder_due(obligation, today, filed, already)
            if days is not None:
                reminded += _notice(licence, obligation, ObligationNotice.Kind.REMINDER, days, today)
    return SweepResult(reminded=reminded, proposed=proposed)
