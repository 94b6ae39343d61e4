"""The e-mail task: sends a notification once, however often it runs, and only after the commit."""

from __future__ import annotations

import smtplib

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from pilot_world import make_user as build_user

from vatspilot.services.notifications import delivery as tasks
from vatspilot.services.notifications import notify
from vatspilot.services.notifications.delivery import send_notification_email
from vatspilot.store.models import Notification

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def notification(people) -> Notification:
    return Notification.objects.create(
        recipient=people.member, kind="application.approved", subject="Application #1 approved", body="Art. 11"
    )


@pytest.mark.django_db
def test_the_task_sends_the_notification_and_marks_it_emailed(notification, mailbox):
    sent = send_notification_email.call(notification_id=notification.pk)

    assert sent is True
    assert [(m.to, m.subject, m.body) for m in mailbox] == [
        (["member@example.cn"], "Application #1 approved", "Art. 11")
    ]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_running_the_task_twice_sends_one_email(notification, mailbox):
    first = send_notification_email.call(notification_id=notification.pk)
    notification.refresh_from_db()
    emailed_at = notification.emailed_at

    second = send_notification_email.call(notification_id=notification.pk)

    assert (first, second) == (True, False)
    assert len(mailbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at == emailed_at


@pytest.mark.django_db
def test_a_missing_notification_sends_nothing(mailbox):
    assert send_notification_email.call(notification_id=999_999) is False
    assert mailbox == []


@pytest.mark.django_db
def test_a_recipient_without_email_is_not_mailed(make_user, mailbox):
    row = Notification.objects.create(recipient=make_user("no_email", email=""), kind="k", subject="s", body="b")

    assert send_notification_email.call(notification_id=row.pk) is False
    assert mailbox == []
    row.refresh_from_db()
    assert row.emailed_at is None


@pytest.mark.django_db
def test_a_failed_send_marks_nothing_and_a_rerun_sends(notification, mailbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(tasks, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notification_email.call(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    monkeypatch.undo()
    assert send_notification_email.call(notification_id=notification.pk) is True
    assert len(mailbox) == 1


@pytest.mark.skipif(
    "django_tasks_db" not in django_settings.INSTALLED_APPS, reason="VATSPILOT_TASKS_BACKEND=immediate: no queue"
)
@pytest.mark.django_db(transaction=True)  # real commits: the queue row must appear only after one
def test_with_the_database_queue_the_task_is_queued_after_commit_and_sends_once(settings):
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = build_user("member")

    # When a notification is written in a transaction
    with transaction.atomic():
        [notification] = notify(
            recipients=[member], kind="application.approved", application=None, subject="Approved", body="Art. 11"
        )
        # Then nothing is queued while it is open
        assert DBTaskResult.objects.count() == 0

    # And the task is queued once it commits, with the notification's id
    [queued] = DBTaskResult.objects.all()
    assert (queued.task_path, queued.args_kwargs, queued.status) == (
        "vatspilot.services.notifications.delivery.send_notification_email",
        {"args": [], "kwargs": {"notification_id": notification.pk}},
        "READY",
    )
    assert mail.outbox == []

    # When the same task is delivered twice and the worker runs the queue
    send_notification_email.enqueue(notification_id=notification.pk)
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()

    # Then both runs succeed and one e-mail left
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [(r.status, r.return_value) for r in results] == [("SUCCESSFUL", True), ("SUCCESSFUL", False)]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["member@example.cn"], "Approved")]
