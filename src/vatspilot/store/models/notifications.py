"""Messages to users about their applications, shown in the platform and sent by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.store.models.applications import Application


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=100, help_text=_("A dotted code, e.g. application.accepted."))
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("application"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    # The kind's own placeholders as the sender gave them (dates as {"date": ISO}, translatable words as
    # {"msgid": English}), so that the inbox renders the message in the reader's language
    # (services.notifications.messages.render_stored); None for a message written whole (notify), which
    # is shown as subject and body say.
    params = models.JSONField(_("placeholders"), null=True, blank=True, default=None)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="store_notif_unread_idx")]

    def __str__(self) -> str:
        return self.subject
