"""The signed-in user's inbox: their notifications, newest first (the model's order), at most a page."""

from __future__ import annotations

from django.contrib.auth.models import User

from vatspilot.store.models import Notification

INBOX_LENGTH = 200  # the newest; older ones stay stored, and "mark all as read" reaches them too


def inbox_of(user: User) -> list[Notification]:
    """The rows the inbox shows, from one query however many there are."""
    return list(
        Notification.objects.filter(recipient=user).select_related(
            "application__organisation", "application__jurisdiction"
        )[:INBOX_LENGTH]
    )
