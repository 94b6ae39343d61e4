"""The administrative licensing decision on an application, kept exactly as it was made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.domain.applications import State
from vatspilot.store.models.applications import Application
from vatspilot.store.models.immutable import ImmutableModel


class Outcome(models.TextChoices):
    """A decision ends the application in one of two final states; the outcome is that state."""

    APPROVED = State.APPROVED.value, _("Approved")
    REFUSED = State.REFUSED.value, _("Refused")


class Decision(ImmutableModel):
    """The decision, with the determination and rulebook version it relied on, so that it can be
    reproduced and reviewed. Never updated or deleted: a decision is revoked by a new act, not by
    editing this one."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision", verbose_name=_("application")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    legal_basis = models.TextField(_("legal basis"))
    reasons = models.TextField(_("reasons"))
    licence_area = models.CharField(_("licensed area"), max_length=200, blank=True)
    licence_services = models.JSONField(_("licensed services"), default=list, blank=True)
    determination = models.JSONField(_("determination relied on"))
    rulebook_version = models.CharField(_("rulebook version"), max_length=64)
    # The dossier version decided on (see domain.applications.dossier_version), and the conditions of
    # the concurrences it rests on, [{agency, conditions}], to be carried into the licence.
    dossier_hash = models.CharField(_("dossier hash"), max_length=64, blank=True, default="")
    conditions = models.JSONField(_("conditions of the concurrences"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (application #{self.application_id})"
