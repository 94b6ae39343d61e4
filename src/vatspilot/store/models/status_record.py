"""A record whose status moves only by a row of its workflow's transition table, with a version for
optimistic locking: the one implementation the applications, licences, filings and exits share.

`save()` of a stored row refuses a changed status (it would write a new status with no transition, event
or audit entry); the lifecycle machine writes through `save_if_unchanged`, which checks and bumps the
version in the same UPDATE. Each model names the two errors it raises, so callers keep catching the
error of their own kind of record."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaleRecord(Exception):
    """Someone else changed the record since it was read; reload it and try again."""


class DirectStatusChange(Exception):
    """A status may change only by a row of the record's transition table."""


class StatusRecord(models.Model):
    """Abstract: a `status` column (declared by each model, with its choices and check constraint) and
    the `version` and `updated_at` columns declared here."""

    stale_error: ClassVar[type[Exception]] = StaleRecord
    direct_write_error: ClassVar[type[Exception]] = DirectStatusChange

    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    status: Any

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = getattr(self, "_stored_status", None)
        if not self._state.adding and stored is not None and self.status != stored:
            raise self.direct_write_error(
                f"{self._meta.label} {self.pk}: {stored} -> {self.status} outside the transition table"
            )
        super().save(*args, **kwargs)

    def save_if_unchanged(self, *, update_fields: list[str]) -> None:
        """Write ``update_fields`` only if the row still has the version this object was read with; bumps
        ``version``; raises the model's stale error (nothing written) when another writer won."""
        expected = self.version
        now = timezone.now()
        values = {
            self._meta.get_field(name).attname: getattr(self, self._meta.get_field(name).attname)
            for name in update_fields
        }
        values.update(version=expected + 1, updated_at=now)
        if type(self)._default_manager.filter(pk=self.pk, version=expected).update(**values) != 1:
            raise self.stale_error(f"{self._meta.label} {self.pk} changed since version {expected}")
        self.version = expected + 1
        self.updated_at = now
        self._stored_status = self.status
