"""Notifications about applications and the licences they led to: kinds, routing, messages, inbox rows
and e-mail delivery.

- kinds: the kinds of notification (NotificationKind);
- routing: who hears of each kind (recipients_for, HOLDER_OF_STATUS);
- messages: what each kind says, per language (MESSAGES, render_for, application_context);
- inbox: the rows written in the caller's transaction (notify, notify_about, mark_read);
- delivery: the e-mail task, queued for after the commit.

The names below are the package's interface; callers import them from here.
"""

from __future__ import annotations

from vatspilot.services.notifications.inbox import NotifyOutsideTransaction, mark_read, notify, notify_about
from vatspilot.services.notifications.kinds import NotificationKind
from vatspilot.services.notifications.messages import MESSAGES, application_context, language_for, render_for
from vatspilot.services.notifications.routing import HOLDER_OF_STATUS, recipients_for

__all__ = [
    "HOLDER_OF_STATUS",
    "MESSAGES",
    "NotificationKind",
    "NotifyOutsideTransaction",
    "application_context",
    "language_for",
    "mark_read",
    "notify",
    "notify_about",
    "recipients_for",
    "render_for",
]
