"""The daily licence run as a background task (the logic is services.licences.expiry's)."""

from __future__ import annotations

from django_tasks import task

from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.expiry import expire_due, send_expiry_reminders


@task()
def run_licence_expiry() -> dict[str, int]:
    """Expire what has ended, then remind, for today's date in China: the counts of each."""
    today = legal_today()
    return {"expired": expire_due(today), "reminded": send_expiry_reminders(today)}
