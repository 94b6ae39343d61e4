"""E-mail delivery of notifications, as background tasks. Each takes ids, is queued after the commit
that made its data, and is safe to run twice."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import router, transaction
from django.utils import timezone
from django_tasks import task

from vatspilot.store.models import Notification


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient, once. True if this run sent it.

    The row is locked while the message is handed to the mail server and marked sent in the same
    transaction, so two runs at once send one e-mail (the second waits, then finds emailed_at set). If
    sending fails nothing is marked and a rerun tries again; if the commit fails after the message
    left, a rerun sends it again: at least once, never twice while the database answers.
    """
    with transaction.atomic(using=router.db_for_write(Notification)):
        # Lock the notification only, not its recipient's user row.
        locked = Notification.objects.select_for_update(of=("self",)).select_related("recipient")
        notification = locked.filter(pk=notification_id).first()
        if notification is None or notification.emailed_at is not None:
            return False
        recipient = notification.recipient
        if not recipient.email or not recipient.is_active:
            return False
        send_mail(notification.subject, notification.body, None, [recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
