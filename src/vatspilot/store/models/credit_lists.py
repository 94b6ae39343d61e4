"""The bad-record and dishonest lists (Order 42 Art. 37): one row per listing, kept after removal.

An entry records what the 2018 MIIT notice on the lists says an entry records (name, USCC, licence
number, date, reason, listing authority) and nothing about any person. A removal is written on the row
(removed_on and its reason) rather than deleting it, so the public page can show what was removed and why.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.store.models.licences import Licence


class CreditListKind(models.TextChoices):
    """The domain's lists (vatspilot.domain.licences.credit_lists.CreditList), with their labels."""

    BAD_RECORD = CreditList.BAD_RECORD.value, _("Bad-record list")
    DISHONEST = CreditList.DISHONEST.value, _("Dishonest list")


class CreditListEntry(models.Model):
    list = models.CharField(_("list"), max_length=16, choices=CreditListKind.choices)
    name = models.CharField(_("name"), max_length=300)
    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_list_entries",
        verbose_name=_("licence"),
    )
    # As listed: the number stays what the list said even for an operator without a licence here.
    licence_number = models.CharField(_("licence number"), max_length=40, blank=True)
    listed_on = models.DateField(_("listed on"))
    reason = models.TextField(_("reason"))
    listing_authority = models.CharField(_("listing authority"), max_length=200)
    penalty_decided_on = models.DateField(_("penalty decided on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("removal reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit list entry")
        verbose_name_plural = _("credit list entries")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list__in=[kind.value for kind in CreditList]), name="store_credit_list_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | ~models.Q(removal_reason=""),
                name="store_credit_list_removal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | models.Q(removed_on__gte=models.F("listed_on")),
                name="store_credit_list_removed_after_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list}: {self.name} ({self.uscc})"
