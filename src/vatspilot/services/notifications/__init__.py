"""Notifications about applications: who hears of what, in their language, in the inbox and by e-mail.

Routing (``recipients_for``), by kind:

- application.submitted: the local officers covering the application's jurisdiction (formal review);
- application.supplement_requested, .approved, .refused: the members of the applicant organisation;
- application.supplement_answered, .clock_due_soon, .clock_overdue: whoever holds the file, that is
  the local officers of the jurisdiction during formal review and preliminary assessment, the MIIT
  reviewers during ministerial review and on-site verification (during a supplement, the authority
  that asked for it and waits for the answer);
- application.opinion_requested: every MIIT, CAC and MPS reviewer and security expert;
- application.onsite_ordered: every inspector;
- application.withdrawn: the members, and whoever held the file when it was withdrawn.

Only active users are notified. ``notify`` writes one inbox row per recipient in the caller's
transaction and queues the e-mail for after the commit, so that a rolled-back action tells no one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services.notifications.delivery import send_notification_email
from vatspilot.store.models import Application, ApplicationEvent, Membership, Notification, StaffRole


class NotificationKind(StrEnum):
    SUBMITTED = "application.submitted"
    SUPPLEMENT_REQUESTED = "application.supplement_requested"
    SUPPLEMENT_ANSWERED = "application.supplement_answered"
    OPINION_REQUESTED = "application.opinion_requested"
    ONSITE_ORDERED = "application.onsite_ordered"
    APPROVED = "application.approved"
    REFUSED = "application.refused"
    WITHDRAWN = "application.withdrawn"
    CLOCK_DUE_SOON = "application.clock_due_soon"
    CLOCK_OVERDUE = "application.clock_overdue"


class NotifyOutsideTransaction(RuntimeError):
    """notify was called outside a transaction: the message could outlive the change it announces."""


# Who holds the file in each status, i.e. whose move it is and whose review clock is running.
HOLDER_OF_STATUS: Mapping[str, Role] = {
    State.SUBMITTED: Role.LOCAL_OFFICER,
    State.FORMAL_SUPPLEMENT: Role.LOCAL_OFFICER,
    State.PRELIMINARY_ASSESSMENT: Role.LOCAL_OFFICER,
    State.MINISTERIAL_REVIEW: Role.MIIT_REVIEWER,
    State.MINISTERIAL_SUPPLEMENT: Role.MIIT_REVIEWER,
    State.ONSITE_VERIFICATION: Role.MIIT_REVIEWER,
}

# Subject and body of each kind, with %(name)s placeholders. Every message may use "application" (its
# number), "organisation" and "jurisdiction"; the others are named per kind.
MESSAGES: Mapping[str, tuple[Promise, Promise]] = {
    NotificationKind.SUBMITTED: (
        _("Application #%(application)s awaits formal review"),
        _(
            "A new application awaits formal review: application #%(application)s of %(organisation)s, "
            "registered in %(jurisdiction)s."
        ),
    ),
    NotificationKind.SUPPLEMENT_REQUESTED: (
        _("Supplement requested for application #%(application)s"),
        _(
            "The reviewing authority asks %(organisation)s to supplement application #%(application)s "
            "with the following items:\n%(items)s\n\nThe review period is suspended until you answer."
        ),
    ),
    NotificationKind.SUPPLEMENT_ANSWERED: (
        _("Supplement received for application #%(application)s"),
        _(
            "%(organisation)s answered the supplement request on application #%(application)s. The "
            "review period runs again."
        ),
    ),
    NotificationKind.OPINION_REQUESTED: (
        _("Opinion requested on application #%(application)s"),
        _(
            "Application #%(application)s of %(organisation)s (%(jurisdiction)s) has entered ministerial "
            "review. Please record your agency's opinion or the security assessment."
        ),
    ),
    NotificationKind.ONSITE_ORDERED: (
        _("On-site verification ordered for application #%(application)s"),
        _(
            "MIIT ordered an on-site verification of %(organisation)s (%(jurisdiction)s) for application "
            "#%(application)s."
        ),
    ),
    NotificationKind.APPROVED: (
        _("Application #%(application)s approved"),
        _("Application #%(application)s of %(organisation)s is approved.\n\nLegal basis: %(legal_basis)s"),
    ),
    NotificationKind.REFUSED: (
        _("Application #%(application)s refused"),
        _(
            "Application #%(application)s of %(organisation)s is refused.\n\nReasons: %(reasons)s\n\n"
            "Legal basis: %(legal_basis)s\n\nYou may apply for administrative reconsideration or bring "
            "an administrative lawsuit in accordance with the law."
        ),
    ),
    NotificationKind.WITHDRAWN: (
        _("Application #%(application)s withdrawn"),
        _("%(organisation)s withdrew application #%(application)s (%(jurisdiction)s)."),
    ),
    NotificationKind.CLOCK_DUE_SOON: (
        _("Review of application #%(application)s is due soon"),
        _(
            "The statutory review period of application #%(application)s of %(organisation)s "
            "(%(jurisdiction)s) ends on %(due_date)s. Days left: %(days_left)s."
        ),
    ),
    NotificationKind.CLOCK_OVERDUE: (
        _("Review of application #%(application)s is overdue"),
        _(
            "The statutory review period of application #%(application)s of %(organisation)s "
            "(%(jurisdiction)s) ended on %(due_date)s. The decision is overdue."
        ),
    ),
}

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
    alias = router.db_for_write(Notification)
    if not connections[alias].in_atomic_block:
        raise NotifyOutsideTransaction(f"notify({kind!r}) must run inside transaction.atomic()")
    seen: set[Any] = set()
    rows: list[Notification] = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, kind=kind, application=application, subject=subject[:_SUBJECT_MAX], body=body)
        )
    created: list[Notification] = Notification.objects.using(alias).bulk_create(rows)
    for notification in created:
        if notification.recipient.email:
            # Never inside the open transaction: a worker could run before the commit (and find no
            # row), or the action could roll back after the e-mail left. robust: the action has
            # committed by now, so a failure to queue is logged rather than raised at the caller.
            transaction.on_commit(
                partial(send_notification_email.enqueue, notification_id=notification.pk), using=alias, robust=True
            )
    return created


def notify_about(
    *, kind: str, application: Application, context: Mapping[str, Any] | None = None
) -> list[Notification]:
    """Route ``kind`` (``recipients_for``), render it for each recipient (``render_for``) with the
    application's own facts and ``context``, and ``notify``; inside the caller's transaction."""
    values = {**application_context(application), **(context or {})}
    by_message: dict[tuple[str, str], list[User]] = {}
    for user in recipients_for(kind, application):
        by_message.setdefault(render_for(user, kind, values), []).append(user)
    created: list[Notification] = []
    for (subject, body), users in by_message.items():
        created += notify(recipients=users, kind=kind, application=application, subject=subject, body=body)
    return created


def application_context(application: Application) -> dict[str, Any]:
    """The placeholders every message may use. The jurisdiction is rendered in the reader's language."""
    return {
        "application": application.pk,
        "organisation": application.organisation.name,
        "jurisdiction": application.jurisdiction,
    }


def language_for(user: User) -> str:
    """The language a user reads: their preferred language if the account ever records one, else the
    platform's."""
    return str(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE)


def render_for(user: User, kind: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of ``kind`` in ``user``'s language. Lists become one "- item" line each, dates
    are written YYYY-MM-DD; other values (a jurisdiction, a lazy string) are rendered in that language."""
    subject, body = _messages(kind)
    with translation.override(language_for(user)):
        values = {name: _as_text(value) for name, value in context.items()}
        return str(subject) % values, str(body) % values


def recipients_for(kind: str, application: Application) -> list[User]:
    """The active users who should hear of ``kind`` on ``application`` (see the module's rules)."""
    _messages(kind)
    if kind in (NotificationKind.SUPPLEMENT_REQUESTED, NotificationKind.APPROVED, NotificationKind.REFUSED):
        who = _members(application)
    elif kind == NotificationKind.SUBMITTED:
        who = _holders(application, State.SUBMITTED)
    elif kind == NotificationKind.OPINION_REQUESTED:
        who = _with_roles(Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER, Role.SECURITY_EXPERT)
    elif kind == NotificationKind.ONSITE_ORDERED:
        who = _with_roles(Role.INSPECTOR)
    elif kind == NotificationKind.WITHDRAWN:
        who = _members(application) | _holders(application, _status_before_withdrawal(application))
    else:  # supplement answered, clock alerts
        who = _holders(application, application.status)
    return list(get_user_model().objects.filter(who, is_active=True).order_by("pk"))


def _messages(kind: str) -> tuple[Promise, Promise]:
    try:
        return MESSAGES[kind]
    except KeyError:
        raise ValueError(f"unknown notification kind {kind!r}") from None


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "\n".join("- " + _as_text(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _members(application: Application) -> Q:
    return Q(pk__in=Membership.objects.filter(organisation_id=application.organisation_id).values("user"))


def _with_roles(*roles: Role) -> Q:
    return Q(pk__in=StaffRole.objects.filter(role__in=roles).values("user"))


def _holders(application: Application, status: str | None) -> Q:
    role = HOLDER_OF_STATUS.get(status or "")
    if role is None:
        return Q(pk__in=[])
    if role == Role.LOCAL_OFFICER:
        # A local officer covers only the provinces named on their role.
        officers = StaffRole.objects.filter(role=role, jurisdictions=application.jurisdiction_id)
        return Q(pk__in=officers.values("user"))
    return _with_roles(role)


def _status_before_withdrawal(application: Application) -> str | None:
    status: str | None = application.status
    if status == State.WITHDRAWN:
        # By the time the withdrawal is announced the status says only "withdrawn"; the timeline knows.
        withdrawals = ApplicationEvent.objects.filter(application=application, action=Action.WITHDRAW)
        status = withdrawals.order_by("-at", "-id").values_list("from_state", flat=True).first()
    return status


def mark_read(*, recipient: User, notification_id: int | None = None) -> int:
    """Mark the recipient's unread notification (or all of them) read; the number marked. Reading a
    notification is the recipient's own bookkeeping, not an act on the application, so it has no
    audit entry."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
