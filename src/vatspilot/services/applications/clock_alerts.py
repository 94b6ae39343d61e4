"""Daily alerts on the statutory review clock: whoever holds the file hears when its review period is
about to end and once it has ended, at most once a day per application and status."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import router, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.applications import DeadlineStatus, State
from vatspilot.services.applications.clock import clock_for
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.store.models import Application, Notification

ALERT_OF_STATUS: dict[DeadlineStatus, NotificationKind] = {
    DeadlineStatus.DUE_SOON: NotificationKind.CLOCK_DUE_SOON,
    DeadlineStatus.OVERDUE: NotificationKind.CLOCK_OVERDUE,
}

# The statuses in which the authority holds the file and its clock may run. During a supplement the
# clock is paused: the applicant holds the file.
CLOCK_RUNNING: tuple[str, ...] = (
    State.SUBMITTED,
    State.PRELIMINARY_ASSESSMENT,
    State.MINISTERIAL_REVIEW,
    State.ONSITE_VERIFICATION,
)


def send_clock_alerts(today: date) -> int:
    """Alert the holders of every application whose running clock is due soon or overdue on ``today``;
    returns the number of notifications created. Running it again the same day creates none: an alert
    of that kind for that application created that day (local time) counts as sent."""
    created = 0
    candidates = Application.objects.filter(status__in=CLOCK_RUNNING).order_by("pk").values_list("pk", flat=True)
    for application_id in list(candidates):
        created += _alert(application_id, today)
    return created


def _alert(application_id: int, today: date) -> int:
    # One transaction per application, holding its row: two runs at once cannot both find no alert
    # and both send one, and one application's failure leaves the others' alerts in place.
    with transaction.atomic(using=router.db_for_write(Notification)):
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("organisation", "jurisdiction")
            .filter(pk=application_id, status__in=CLOCK_RUNNING)
            .first()
        )
        if application is None:
            return 0
        clock = clock_for(application, today)
        kind = ALERT_OF_STATUS.get(clock.status)
        if kind is None or clock.paused or _alerted(application, kind, today):
            return 0
        due: object = clock.due_date or "-"
        if clock.due_date and clock.provisional:
            # Projected from the statutory holidays alone: the reader is told, in their own language.
            due = format_lazy("{} {}", clock.due_date.isoformat(), _("(provisional)"))
        context = {"due_date": due, "days_left": clock.days_left, "days_used": clock.days_used}
        return len(notify_about(kind=kind, application=application, context=context))


def _alerted(application: Application, kind: str, day: date) -> bool:
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    same_day = Notification.objects.filter(
        application=application, kind=kind, created_at__gte=start, created_at__lt=end
    )
    return bool(same_day.exists())
