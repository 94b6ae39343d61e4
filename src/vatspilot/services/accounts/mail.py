"""The accounts e-mails (confirm your address, someone registered with your address, reset your password,
an invitation), in the recipient's language, sent by background tasks queued after the commit that
made their data.

Each task takes ids (and a language where the account records none), builds its signed link when it
runs, so that no link is ever stored, and sends nothing when the reason for the e-mail has gone (the
address was confirmed, the invitation accepted or withdrawn). Running one twice sends a second e-mail
with a second working link, nothing worse.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from vatspilot.services.accounts.links import (
    INVITATION_LIFETIME,
    VERIFICATION_LINK_LIFETIME,
    invitation_token,
    public_link,
    verification_token,
)
from vatspilot.store.models import AccountEmail, Invitation, InvitationStatus, Organisation


def language_or_default(language: str | None) -> str:
    """``language`` if the platform speaks it, else the default language."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def organisation_name(organisation: Organisation, language: str) -> str:
    """The registered Chinese name for a Chinese reader, the name the platform shows otherwise."""
    if language.startswith("zh") and organisation.name_zh:
        return organisation.name_zh
    return organisation.name


@task()
def send_verification_email(account_email_id: int) -> bool:
    """The link that confirms a self-registered account's address; nothing once it is confirmed."""
    record = AccountEmail.objects.select_related("user").filter(pk=account_email_id).first()
    if record is None or record.verified_at is not None:
        return False
    link = public_link(
        "web:verify_email",
        token=verification_token(user_id=record.user_id, email=record.email, issued_at=timezone.now()),
    )
    with translation.override(language_or_default(record.language)):
        subject = _("Confirm your e-mail address")
        body = _(
            "Hello %(name)s,\n\n"
            "You registered an enterprise on the VATS Opening-up Pilot platform. Confirm your e-mail "
            "address to activate your account:\n\n%(link)s\n\n"
            "The link works for %(days)s days. If you did not register, ignore this e-mail: without "
            "confirmation the account cannot be used."
        ) % {"name": record.user.first_name, "link": link, "days": VERIFICATION_LINK_LIFETIME.days}
    send_mail(subject, body, None, [record.email])
    return True


@task()
def send_registration_attempt_email(email: str, language: str) -> bool:
    """Told to the holder of an address someone tried to register again with: the page said the same as
    for a new address, so only the mailbox's owner learns that it already has an account."""
    with translation.override(language_or_default(language)):
        subject = _("Registration on the VATS Opening-up Pilot platform")
        body = _(
            "Hello,\n\n"
            "Someone tried to register an enterprise on the VATS Opening-up Pilot platform with this "
            "e-mail address, which already has an account. Nothing was created.\n\n"
            "If it was you, sign in: %(login)s\n"
            "If you forgot your password, reset it: %(reset)s\n\n"
            "If it was not you, you need do nothing."
        ) % {"login": public_link("web:login"), "reset": public_link("web:password_reset")}
    send_mail(subject, body, None, [email])
    return True


@task()
def send_password_reset_email(user_id: int, language: str) -> bool:
    """Django's password reset link for an active account with a password, in the language the account
    registered in (else the language the reset was asked for in)."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("account_email").first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    record = getattr(user, "account_email", None)
    link = public_link(
        "web:password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    with translation.override(language_or_default(record.language if record else language)):
        subject = _("Reset your password")
        body = _(
            "Hello,\n\n"
            "A new password was asked for the account %(username)s on the VATS Opening-up Pilot "
            "platform. Choose it here:\n\n%(link)s\n\n"
            "The link works once, for a limited time. If you did not ask, ignore this e-mail: your "
            "password stays as it is."
        ) % {"username": user.get_username(), "link": link}
    send_mail(subject, body, None, [user.email])
    return True


@task()
def send_invitation_email(invitation_id: int) -> bool:
    """The invitation with its link, while it is pending."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        return False
    link = public_link(
        "web:invitation_accept", token=invitation_token(invitation_id=invitation.pk, email=invitation.email)
    )
    language = language_or_default(invitation.language)
    inviter = invitation.invited_by
    with translation.override(language):
        organisation = organisation_name(invitation.organisation, language)
        subject = _("Invitation to act for %(organisation)s") % {"organisation": organisation}
        body = _(
            "Hello,\n\n"
            "%(inviter)s invites you to join %(organisation)s on the VATS Opening-up Pilot platform, "
            "where its members prepare and follow its applications. To accept, choose your password "
            "here:\n\n%(link)s\n\n"
            "The invitation is valid for %(days)s days. If you were not expecting it, ignore this e-mail."
        ) % {
            "inviter": inviter.first_name or inviter.get_username(),
            "organisation": organisation,
            "link": link,
            "days": INVITATION_LIFETIME.days,
        }
    send_mail(subject, body, None, [invitation.email])
    return True
