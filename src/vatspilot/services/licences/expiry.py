"""The daily licence job: licences whose validity has ended move to expired, and holders hear 90, 30 and
7 days before the last valid day (domain.licences.deadlines.expiry_reminder_due).

Expiry is the table's EXPIRE row in the SYSTEM role. No person acts in that role, so the row is decided
here with the role itself rather than through `lifecycle.take` (which derives roles from a user), and
applied by the lifecycle service with no actor: the event's actor is null and the audit entry's actor
label is the system's (store.audit.record_audit with actor None). One transaction per licence, so what one run expired
stays expired even if a later licence fails, and the next run picks up the rest.

Reminders: when a gap (the job did not run) leaves several due, only the most urgent is sent; the larger
ones are simply not sent and need no row, since the domain's rule never picks a larger reminder once a
smaller one is due. The unique (licence, valid_until, days) row makes a second run on the same day send
nothing; a renewal moves the last valid day, so the reminders before the new one are sent again.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from vatspilot.domain.licences.deadlines import expiry_reminder_due
from vatspilot.domain.licences.lifecycle import LICENCE_WORKFLOW, LicenceAction, LicenceRole, LicenceState
from vatspilot.services import lifecycle
from vatspilot.services.licences.lifecycle import LICENCES, facts_on
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.store.models import Application, Licence, LicenceReminder

__all__ = ["expire_due", "send_expiry_reminders"]

_LIVE = (LicenceState.VALID.value, LicenceState.SUSPENDED.value)


def expire_due(today: date) -> int:
    """Move every valid or suspended licence whose last valid day is before ``today`` to expired; the
    number moved. A second run finds none left."""
    moved = 0
    for pk in Licence.objects.filter(status__in=_LIVE, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            licence = Licence.objects.select_for_update().get(pk=pk)
            if licence.status not in _LIVE:
                continue  # another run got there first
            _expire(licence, today)
            moved += 1
    return moved


def _expire(licence: Licence, today: date) -> None:
    state = LICENCE_WORKFLOW.state(licence.status)
    row = LICENCE_WORKFLOW.decide(state, LicenceAction.EXPIRE, LicenceRole.SYSTEM, facts_on(licence, today))
    lifecycle.apply_transition(
        LICENCES,
        actor=None,
        record=licence,
        transition=row,
        role=LicenceRole.SYSTEM,
        on=today,
        details={"basis": row.citation},
    )


def send_expiry_reminders(today: date) -> int:
    """Send each valid or suspended licence's reminder due ``today`` to its holder's members; the number
    of reminders sent (one per licence at most)."""
    sent = 0
    live = Licence.objects.filter(status__in=_LIVE, valid_until__gte=today).order_by("pk")
    for licence in live:
        # Only the reminders for the current last valid day count: a renewal starts the schedule again.
        already = LicenceReminder.objects.filter(licence=licence, valid_until=licence.valid_until).values_list(
            "days", flat=True
        )
        days = expiry_reminder_due(licence.valid_until, today, already)
        if days is None:
            continue
        try:
            with transaction.atomic():
                _remind(licence, days, today)
        except IntegrityError:
            continue  # a concurrent run recorded it first
        sent += 1
    return sent


def _remind(licence: Licence, days: int, today: date) -> None:
    LicenceReminder.objects.create(licence=licence, valid_until=licence.valid_until, days=days, sent_on=today)
    application = Application.objects.select_related("organisation", "jurisdiction").get(pk=licence.application_id)
    notify_about(
        kind=NotificationKind.LICENCE_EXPIRY_REMINDER,
        application=application,
        context={
            "licence": licence.number,
            "valid_until": licence.valid_until.isoformat(),
            "days_left": (licence.valid_until - today).days,
        },
    )
