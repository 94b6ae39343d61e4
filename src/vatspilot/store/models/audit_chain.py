"""The audit log as a hash chain: every entry carries the hash of the one before it, and the chain
head remembers the last hash and the count, so that an edited, removed, reordered or cut entry shows.
Entries are written only by vatspilot.store.audit.record_audit and checked by verify_chain."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vatspilot.store.models.immutable import ImmutableModel

GENESIS_HASH = "0" * 64


class CanonicalJSONEncoder(json.JSONEncoder):
    """Stores ``before`` and ``after`` in the canonical form the hash covers (sorted keys, no spaces,
    UTF-8 as is), so that verify can hash SQLite's stored text as it is instead of parsing and
    re-encoding a million values. (PostgreSQL's jsonb keeps its own form; verify handles both.)"""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        super().__init__(**kwargs)


class AuditEntry(ImmutableModel):
    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # What the hash covers: the FK may not say who the user was once renamed, the label does.
    actor_label = models.CharField(_("actor label"), max_length=200)
    action = models.CharField(_("action"), max_length=100, help_text=_("e.g. application.submitted"))
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=CanonicalJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=CanonicalJSONEncoder)
    at = models.DateTimeField(_("at"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="store_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """The single row (id 1) naming the chain's last entry; appenders lock it to take turns."""

    seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)
    count = models.PositiveBigIntegerField(_("number of entries"), default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="store_chainhead_single_row")]

    def __str__(self) -> str:
        return f"{self.count} entries, last #{self.seq}"
