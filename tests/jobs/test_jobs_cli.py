"""`vatspilot jobs`: the clock alerts for a given day, and the worker that sends queued e-mails."""

from __future__ import annotations

import signal
from datetime import date

import pytest
from click.testing import CliRunner
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from pilot_world import make_user as build_user

from vatspilot.cli.jobs import jobs
from vatspilot.services.notifications import notify
from vatspilot.store.models import Notification


@pytest.fixture
def restored_signals():
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


@pytest.mark.django_db
def test_clock_alerts_on_a_given_day(make_application, mailbox, pinned_now):
    application = make_application("preliminary_assessment", accepted_on=date(2025, 3, 3))
    pinned_now(date(2025, 5, 20))

    result = CliRunner().invoke(jobs, ["clock-alerts", "--on", "2025-05-20"])

    assert (result.exit_code, result.output) == (0, "clock alerts on 2025-05-20: 1 notifications created\n")
    assert list(Notification.objects.values_list("kind", "application_id")) == [
        ("application.clock_due_soon", application.pk)
    ]


def test_clock_alerts_refuses_a_malformed_day():
    result = CliRunner().invoke(jobs, ["clock-alerts", "--on", "20 May"])

    assert result.exit_code == 2
    assert "Invalid value for '--on'" in result.output


@pytest.mark.skipif(
    "django_tasks_db" not in django_settings.INSTALLED_APPS, reason="VATSPILOT_TASKS_BACKEND=immediate: no queue"
)
@pytest.mark.django_db(transaction=True)  # the worker commits as it claims and finishes each task
def test_the_worker_sends_the_queued_emails_and_exits_in_batch_mode(settings, restored_signals):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = build_user("member")
    with transaction.atomic():
        notify(recipients=[member], kind="application.approved", application=None, subject="Approved", body="b")
    assert mail.outbox == []

    result = CliRunner().invoke(jobs, ["worker", "--batch", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert [(m.to, m.subject) for m in mail.outbox] == [(["member@example.cn"], "Approved")]
    assert Notification.objects.get().emailed_at is not None
