"""Applicant enterprises and the users who act for them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.store.validators import (
    normalise_uscc,
    validate_division_code,
    validate_uscc,
    validate_zones,
)


class Organisation(models.Model):
    """An enterprise that applies for a licence, as registered with the market regulator."""

    name = models.CharField(_("name"), max_length=300)
    # The registered Chinese name, as on the business licence; `name` is the name the platform shows
    # (often English for a foreign-invested enterprise). A licence states both.
    name_zh = models.CharField(_("registered Chinese name"), max_length=300, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    division_code = models.CharField(
        _("division code of the place of registration"), max_length=6, validators=[validate_division_code]
    )
    zones = models.JSONField(_("special zones"), default=list, blank=True, validators=[validate_zones])
    registered_capital_cny = models.DecimalField(_("registered capital (CNY)"), max_digits=18, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registered_capital_cny__gte=0), name="store_organisation_capital_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invalid code must never reach the table, whichever path wrote the row.
        self.uscc = normalise_uscc(self.uscc)
        validate_uscc(self.uscc)
        validate_division_code(self.division_code)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user who may prepare and submit applications for an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    # An admin member invites and removes invitations for the organisation's other members
    # (services.accounts.invitations); the user who registered the enterprise is its first admin member.
    is_admin = models.BooleanField(_("admin member"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="store_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation.name}"
