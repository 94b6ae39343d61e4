"""Records that, once written, are never changed or removed: decisions, the audit chain and the timeline.

The model refuses here; for audit entries and timeline events the database refuses too (triggers of
migration 0007, see vatspilot.store.append_only), whatever path the SQL takes."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class ImmutableRecord(Exception):
    """Raised on an attempt to change or delete a record that the law requires to stay as written."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableRecord(f"{self.model._meta.label} rows are never updated")

    def delete(self) -> NoReturn:
        raise ImmutableRecord(f"{self.model._meta.label} rows are never deleted")


class ImmutableModel(models.Model):
    """Insert once; save() of a stored row, delete(), and bulk update/delete all raise ImmutableRecord."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(f"{self._meta.label} #{self.pk} is never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableRecord(f"{self._meta.label} #{self.pk} is never deleted")
