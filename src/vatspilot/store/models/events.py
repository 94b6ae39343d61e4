"""The timeline of an application: one row per applied transition, written with its audit entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.store.models.applications import Application
from vatspilot.store.models.immutable import ImmutableModel


class TimelineEvent(ImmutableModel):
    """The columns every workflow's timeline row shares (the lifecycle machine's `Step.event_fields()`):
    what happened, from which state to which, when (the legal date `on` and the instant `at`), by whom
    (none for the system: the daily jobs) and in which role, the private note and the public details.
    Append-only, in the model and, by trigger, in the database."""

    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    role = models.CharField(_("role"), max_length=40)
    note = models.TextField(_("note"), blank=True)
    # Machine-readable particulars, e.g. {"voided": [...]}: the reviews a supplement answer voided.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"


class ApplicationEvent(TimelineEvent):
    """What happened, when (the legal date `on` and the instant `at`), by whom and in which role.

    The statutory clock is computed from these rows: their `on` dates are the clock's events.
    """

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("application")
    )
    # Every step of an application leaves a state and is taken by a person.
    from_state = models.CharField(_("from"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="store_event_app_at_idx")]
