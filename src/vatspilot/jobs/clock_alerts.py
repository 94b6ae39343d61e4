"""The daily clock-alert run as a background task (the logic is the service's)."""

from __future__ import annotations

from django_tasks import task

from vatspilot.services.applications.clock_alerts import send_clock_alerts
from vatspilot.services.calendar.legal_day import legal_today


@task()
def run_clock_alerts() -> int:
    """The daily run, for today's date in China."""
    return send_clock_alerts(legal_today())
