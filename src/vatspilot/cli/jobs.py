"""Background jobs: the daily review-clock alerts, the daily licence expiry and reminders, the daily
supervision sweep (report reminders and listing proposals), and the worker that runs queued tasks (e-mails,
report ingestion).

Django is set up inside each command, never at import, so that listing commands stays fast.
"""

from __future__ import annotations

import os
from datetime import datetime

import click


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@click.group()
def jobs() -> None:
    """Background jobs: review-clock alerts and the task worker."""


@jobs.command("clock-alerts")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to judge the clocks on, YYYY-MM-DD (default: today in China).",
)
def clock_alerts(on: datetime | None) -> None:
    """Alert whoever holds each application whose review period ends soon or has ended; once a day."""
    _setup_django()
    from vatspilot.services.applications.clock_alerts import send_clock_alerts
    from vatspilot.services.calendar.legal_day import legal_today

    day = on.date() if on is not None else legal_today()
    created = send_clock_alerts(day)
    click.echo(f"clock alerts on {day.isoformat()}: {created} notifications created")


@jobs.command("licence-expiry")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to judge the licences on, YYYY-MM-DD (default: today in China).",
)
def licence_expiry(on: datetime | None) -> None:
    """Expire the licences whose validity has ended, then send the expiry reminders due; once a day."""
    _setup_django()
    from vatspilot.services.calendar.legal_day import legal_today
    from vatspilot.services.licences.expiry import expire_due, send_expiry_reminders

    day = on.date() if on is not None else legal_today()
    expired = expire_due(day)
    reminded = send_expiry_reminders(day)
    click.echo(f"licence expiry on {day.isoformat()}: {expired} licences expired, {reminded} reminders sent")


@jobs.command("supervision-sweep")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to judge the obligations on, YYYY-MM-DD (default: today in China).",
)
def supervision_sweep(on: datetime | None) -> None:
    """Remind holders of reports falling due and propose listing for reports past their cure deadline."""
    _setup_django()
    from vatspilot.services.calendar.legal_day import legal_today
    from vatspilot.services.supervision.obligation_sweep import sweep_obligations

    day = on.date() if on is not None else legal_today()
    result = sweep_obligations(day)
    click.echo(
        f"supervision sweep on {day.isoformat()}: {result.reminded} reminders sent, {result.proposed} listings proposed"
    )


@jobs.command()
@click.option("--batch", is_flag=True, help="Run the tasks waiting now, then exit.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0), help="Seconds between polls.")
@click.option("--queue", "queue_name", default="default", show_default=True, help="Queue names, comma-separated.")
def worker(batch: bool, interval: float, queue_name: str) -> None:
    """Run queued tasks (notification e-mails) from the database queue until stopped."""
    _setup_django()
    from django.apps import apps
    from django.core.management import call_command

    if not apps.is_installed("django_tasks_db"):
        raise click.ClickException(
            "tasks run in-process (VATSPILOT_TASKS_BACKEND=immediate): there is no queue for a worker to run"
        )
    call_command("db_worker", batch=batch, interval=interval, queue_name=queue_name, reload=False)
