"""Self-registered and invited accounts: the address an account signed up with (and whether it was
confirmed), and the invitations an organisation's admin members send (services.accounts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vatspilot.store.models.organisations import Organisation


class LanguagePreference(models.Model):
    """The language a person reads the platform in, recorded when they choose one while signed in: their
    notifications (inbox and e-mail) are written in it, whatever the platform's default language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self) -> str:
        return self.language


class AccountEmail(models.Model):
    """The e-mail address an account registered or was invited with, the language it reads its e-mails
    in, and when the address was confirmed. A self-registered account cannot sign in (``is_active`` is
    off) until ``verified_at`` is set; an invited account is confirmed by accepting its invitation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_email", verbose_name=_("user")
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=16)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account e-mail")
        verbose_name_plural = _("account e-mails")

    def __str__(self) -> str:
        return self.email


class InvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
    REVOKED = "revoked", pgettext_lazy("invitation", "Withdrawn")


class Invitation(models.Model):
    """An admin member's invitation to join ``organisation``, sent to ``email`` in ``language``."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=16)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    decided_at = models.DateTimeField(_("accepted or revoked at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted or revoked by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and organisation: inviting again while one is pending is refused.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="store_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "revoked"]),
                name="store_invitation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organisation.name}"
