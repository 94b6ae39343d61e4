"""The inbox: one row per recipient written in the caller's transaction, the e-mail queued for after its
commit, so that a rolled-back action tells no one; and the recipient marking rows read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.db import connections, router, transaction
from django.utils import timezone

from vatspilot.services.accounts.language import languages_of
from vatspilot.services.notifications.delivery import send_notification_email
from vatspilot.services.notifications.messages import application_context, render_in, stored_params
from vatspilot.services.notifications.routing import recipients_for
from vatspilot.store.models import Application, Notification


class NotifyOutsideTransaction(RuntimeError):
    """notify was called outside a transaction: the message could outlive the change it announces."""


_SUBJECT_MAX = Notification._meta.get_field("subject").max_length or 200


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    application: Application | None,
    subject: str,
    body: str,
) -> list[Notification]:
    """One inbox row per distinct active recipient, in the caller's transaction; each recipient with an
    e-mail address is sent the message by a task queued to run once the transaction commits."""
    return _write(((user, subject, body) for user in recipients), kind=kind, application=application)


def notify_about(
    *, kind: str, application: Application, context: Mapping[str, object] | None = None
) -> list[Notification]:
    """Route ``kind`` (``recipients_for``), render it for each recipient in their language with the
    application's own facts and ``context``, and write the rows as ``notify`` does, all in one insert;
    inside the caller's transaction."""
    _outside_a_transaction_refused(kind)
    values = {**application_context(application), **(context or {})}
    rendered: dict[str, tuple[str, str]] = {}  # each language rendered once, however many read it
    messages: list[tuple[User, str, str]] = []
    recipients = recipients_for(kind, application)
    languages = languages_of(recipients)  # two queries for them all
    for user in recipients:
        language = languages[user.pk]
        if language not in rendered:
            rendered[language] = render_in(language, kind, values)
        messages.append((user, *rendered[language]))
    # The placeholders are kept too: the inbox shows the message in the language of whoever reads it.
    return _write(messages, kind=kind, application=application, params=stored_params(context or {}))


def _write(
    messages: Iterable[tuple[User, str, str]],
    *,
    kind: str,
    application: Application | None,
    params: dict[str, object] | None = None,
) -> list[Notification]:
    alias = _outside_a_transaction_refused(kind)
    seen: set[Any] = set()
    rows: list[Notification] = []
    for user, subject, body in messages:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                application=application,
                subject=subject[:_SUBJECT_MAX],
                body=body,
                params=params,
            )
        )
    created: list[Notification] = Notification.objects.using(alias).bulk_create(rows) if rows else []
    emailed = [notification.pk for notification in created if notification.recipient.email]
    if emailed:
        # Never inside the open transaction: a worker could run before the commit (and find no row),
        # or the action could roll back after the e-mail left. robust: the action has committed by
        # now, so a failure to queue is logged rather than raised at the caller.
        transaction.on_commit(partial(_enqueue_emails, emailed, alias), using=alias, robust=True)
    return created


def _enqueue_emails(notification_ids: list[int], alias: str) -> None:
    """One e-mail task per notification. Several are queued in one transaction: with the database
    queue, one commit however many recipients (each enqueue on its own would commit on its own); one
    is queued by itself, a transaction around it costing two round trips more."""
    if len(notification_ids) == 1:
        send_notification_email.enqueue(notification_id=notification_ids[0])
        return
    with transaction.atomic(using=alias):
        for notification_id in notification_ids:
            send_notification_email.enqueue(notification_id=notification_id)


def _outside_a_transaction_refused(kind: str) -> str:
    alias = router.db_for_write(Notification)
    if not connections[alias].in_atomic_block:
        raise NotifyOutsideTransaction(f"notify({kind!r}) must run inside transaction.atomic()")
    return alias


def mark_read(*, recipient: User, notification_id: int | None = None) -> int:
    """Mark the recipient's unread notification (or all of them) read; the number marked. Reading a
    notification is the recipient's own bookkeeping, not an act on the application, so it has no
    audit entry."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
