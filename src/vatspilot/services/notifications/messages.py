"""What each kind of notification says: its subject and body, rendered in the reader's language.

Every message may use the placeholders "application" (its number), "organisation" and "jurisdiction"
(``application_context``); the others are named per kind and given by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypedDict

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vatspilot.services import legal_text
from vatspilot.services.accounts.language import languages_of
from vatspilot.services.day_text import day_text
from vatspilot.services.notifications.kinds import NotificationKind
from vatspilot.store.models import Application, Jurisdiction, Notification, Organisation

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
    # The licence's kinds also use "licence" (its number), "on" (the decision's date) and "reason".
    NotificationKind.LICENCE_SUSPENDED: (
        _("Licence %(licence)s suspended"),
        _(
            "MIIT suspended licence %(licence)s of %(organisation)s on %(on)s.\n\nReason: %(reason)s\n\n"
            "You may apply for administrative reconsideration or bring an administrative lawsuit in "
            "accordance with the law."
        ),
    ),
    NotificationKind.LICENCE_REINSTATED: (
        _("Licence %(licence)s reinstated"),
        _("MIIT reinstated licence %(licence)s of %(organisation)s on %(on)s.\n\nReason: %(reason)s"),
    ),
    NotificationKind.LICENCE_SCOPE_REDUCED: (
        _("Scope of licence %(licence)s reduced"),
        _(
            "MIIT reduced the scope of licence %(licence)s of %(organisation)s on %(on)s. The licence page "
            "shows the services and areas that remain.\n\nReason: %(reason)s\n\n"
            "You may apply for administrative reconsideration or bring an administrative lawsuit in "
            "accordance with the law."
        ),
    ),
    NotificationKind.LICENCE_REVOKED: (
        _("Licence %(licence)s revoked"),
        _(
            "MIIT revoked licence %(licence)s of %(organisation)s on %(on)s.\n\nReason: %(reason)s\n\n"
            "You may apply for administrative reconsideration or bring an administrative lawsuit in "
            "accordance with the law."
        ),
    ),
    NotificationKind.LICENCE_CANCELLED: (
        _("Licence %(licence)s cancelled"),
        _(
            "MIIT cancelled licence %(licence)s of %(organisation)s on %(on)s, as the holder applied.\n\n"
            "Reason: %(reason)s"
        ),
    ),
    # The reminder uses "licence", "valid_until" (the last valid day) and "days_left".
    NotificationKind.LICENCE_EXPIRY_REMINDER: (
        _("Licence %(licence)s expires in %(days_left)s days"),
        _(
            "Licence %(licence)s of %(organisation)s is valid until %(valid_until)s. Days left: %(days_left)s. "
            "A renewal must be filed in time; after the last valid day the licence expires."
        ),
    ),
    # The filing decisions use "licence", "on", "reason" and "filed_on" (the day the holder filed).
    NotificationKind.LICENCE_FILING_APPROVED: (
        _("Filing on licence %(licence)s approved"),
        _(
            "MIIT approved the filing of %(filed_on)s on licence %(licence)s of %(organisation)s on %(on)s. "
            "The licence page shows the licence as it now stands; download the current certificate there."
            "\n\nReason: %(reason)s"
        ),
    ),
    NotificationKind.LICENCE_FILING_REFUSED: (
        _("Filing on licence %(licence)s refused"),
        _(
            "MIIT refused the filing of %(filed_on)s on licence %(licence)s of %(organisation)s on %(on)s."
            "\n\nReason: %(reason)s\n\n"
            "You may apply for administrative reconsideration or bring an administrative lawsuit in "
            "accordance with the law."
        ),
    ),
    # The network exit's kinds use "licence", "on" (the step's date), "users_migrated", "users_to_migrate"
    # and, for a sending back, "reason".
    NotificationKind.LICENCE_EXIT_REQUIRED: (
        _("Network exit required for licence %(licence)s"),
        _(
            "Licence %(licence)s of %(organisation)s ended on %(on)s. The holder must now carry out an orderly "
            "network exit: on the licence page, file the exit plan (the day the users are told, the migration "
            "deadline and the number of users to migrate), report the progress, and report when every user "
            "has moved."
        ),
    ),
    NotificationKind.LICENCE_EXIT_DONE_REPORTED: (
        _("Network exit of licence %(licence)s reported done"),
        _(
            "%(organisation)s (%(jurisdiction)s) reported on %(on)s that every user of licence %(licence)s has "
            "moved: %(users_migrated)s of %(users_to_migrate)s. Confirm the exit on the licence page, or send "
            "it back."
        ),
    ),
    NotificationKind.LICENCE_EXIT_CONFIRMED: (
        _("Network exit of licence %(licence)s confirmed"),
        _(
            "The authority confirmed on %(on)s that the network exit of licence %(licence)s of %(organisation)s "
            "is complete."
        ),
    ),
    NotificationKind.LICENCE_EXIT_SENT_BACK: (
        _("Network exit of licence %(licence)s sent back"),
        _(
            "The authority sent back the network exit of licence %(licence)s of %(organisation)s on %(on)s: it "
            "is in progress again.\n\nReason: %(reason)s"
        ),
    ),
    NotificationKind.REPORT_DUE_SOON: (
        _("Report %(obligation)s of licence %(licence)s due on %(due_on)s"),
        _(
            "The report %(obligation)s of licence %(licence)s of %(organisation)s is due on %(due_on)s. A report "
            "not filed by %(cure_deadline)s leads to a proposal to list the licensee on the bad-record list "
            "(MIIT Order No. 42, Art. 38)."
        ),
    ),
    NotificationKind.REPORT_LISTING_PROPOSED: (
        _("Report %(obligation)s of licence %(licence)s missed its cure deadline"),
        _(
            "%(organisation)s has not filed the report %(obligation)s of licence %(licence)s, due on %(due_on)s, "
            "by the cure deadline %(cure_deadline)s. It is proposed for the bad-record list (MIIT Order No. 42, "
            "Art. 38): decide the listing on the lists page."
        ),
    ),
}


def message_of(kind: str) -> tuple[Promise, Promise]:
    """(subject, body) of ``kind``, untranslated; ValueError for a kind that has no message."""
    try:
        return MESSAGES[kind]
    except KeyError:
        raise ValueError(f"unknown notification kind {kind!r}") from None


class OrganisationName:
    """An enterprise's name as the reader reads it: its registered Chinese name in Chinese (the English
    one when it has none), its English name in English (else the Chinese one)."""

    def __init__(self, organisation: Organisation) -> None:
        self.english = organisation.name
        self.chinese = organisation.name_zh

    def __str__(self) -> str:
        if (translation.get_language() or "").lower().startswith("zh"):
            return self.chinese or self.english
        return self.english or self.chinese


class ApplicationPlaceholders(TypedDict):
    """The placeholders every message may use."""

    application: int  # its number
    organisation: OrganisationName  # rendered in the reader's language
    jurisdiction: Jurisdiction  # rendered in the reader's language


def application_context(application: Application) -> ApplicationPlaceholders:
    """The placeholders every message may use. The jurisdiction is rendered in the reader's language."""
    return {
        "application": application.pk,
        "organisation": OrganisationName(application.organisation),
        "jurisdiction": application.jurisdiction,
    }


def language_for(user: User) -> str:
    """The language a user reads (services.accounts.language: the one they chose, else the one they
    registered in, else the platform's)."""
    return languages_of([user])[user.pk]


def render_for(user: User, kind: str, context: Mapping[str, object]) -> tuple[str, str]:
    """(subject, body) of ``kind`` in ``user``'s language. Lists become one "- item" line each, dates
    are written YYYY-MM-DD; other values (a jurisdiction, a lazy string) are rendered in that language."""
    return render_in(language_for(user), kind, context)


def render_in(language: str, kind: str, context: Mapping[str, object]) -> tuple[str, str]:
    """(subject, body) of ``kind`` in ``language`` (see render_for)."""
    subject, body = message_of(kind)
    with translation.override(language):
        values = {name: _as_text(value) for name, value in context.items()}
        if "legal_basis" in values:  # a citation the platform knows reads in the reader's language
            values["legal_basis"] = legal_text.citation_in(values["legal_basis"])
        return str(subject) % values, str(body) % values


def stored_params(context: Mapping[str, object]) -> dict[str, object]:
    """The kind's own placeholders as a notification row keeps them (JSON): a date as {"date": ISO}, a
    translatable word as {"msgid": its English}, a list item by item, a number as it is, anything else as
    its English text."""
    return {str(name): _stored(value) for name, value in context.items()}


def _stored(value: object) -> object:
    if isinstance(value, list | tuple):
        return [_stored(item) for item in value]
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):
        with translation.override("en"):
            return {"msgid": str(value)}
    if isinstance(value, bool | int):
        return value
    with translation.override("en"):
        return str(value)


def _restored(value: object) -> object:
    if isinstance(value, list):
        return [_restored(item) for item in value]
    if isinstance(value, dict):
        if "date" in value:
            return date.fromisoformat(str(value["date"]))
        if "msgid" in value:
            return _Translated(str(value["msgid"]))
    return value


class _Translated:
    """A stored msgid, translated when rendered (inside the reader's language)."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __str__(self) -> str:
        return gettext(self.msgid)


def render_stored(notification: Notification, language: str) -> tuple[str, str]:
    """(subject, body) of a stored notification in ``language``: rendered again from its kind, its
    application and its stored placeholders when it has them, else as it was written."""
    if notification.params is None or notification.application is None or notification.kind not in MESSAGES:
        return notification.subject, notification.body
    params = notification.params if isinstance(notification.params, dict) else {}
    values = {**application_context(notification.application), **{k: _restored(v) for k, v in params.items()}}
    try:
        return render_in(language, notification.kind, values)
    except (KeyError, ValueError, TypeError):
        # A message whose words changed since it was sent (a placeholder gone): as it was written.
        return notification.subject, notification.body


def _as_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return "\n".join("- " + _as_text(item) for item in value)
    return day_text(value)  # a day (or its ISO text) as the language writes it, anything else as it is
