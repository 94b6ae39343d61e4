"""The signed-in user's inbox a page at a time (the page's rows are queries.inbox.inbox_of's, in the
model's order: newest first, ``INBOX_ORDER``), each message in the reader's language
(services.notifications.messages.render_stored, as the inbox page renders it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet

from vatspilot.services.notifications.messages import render_stored
from vatspilot.store.models import Notification

__all__ = ["INBOX_ORDER", "InboxMessage", "inbox_message", "inbox_rows", "own_notification"]

INBOX_ORDER = ("-created_at", "-id")


@dataclass(frozen=True)
class InboxMessage:
    id: int
    kind: str
    subject: str
    body: str
    application_id: int | None
    created_at: datetime
    read_at: datetime | None


def inbox_rows(user: User, *, unread: bool | None = None) -> QuerySet[Notification]:
    """``user``'s notifications (every one of them, not only the page's newest 200); only the unread
    (``unread=True``) or the read (``False``) when asked. What the messages are rendered with is read with
    them, in the same query."""
    rows = Notification.objects.filter(recipient=user).select_related(
        "application__organisation", "application__jurisdiction"
    )
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return rows


def own_notification(user: User, notification_id: int) -> Notification | None:
    """``user``'s notification ``notification_id``; None when it is missing or someone else's."""
    return inbox_rows(user).filter(pk=notification_id).first()


def inbox_message(notification: Notification, language: str) -> InboxMessage:
    subject, body = render_stored(notification, language)
    return InboxMessage(
        id=notification.pk,
        kind=notification.kind,
        subject=subject,
        body=body,
        application_id=notification.application_id,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )
