"""Tampering on purpose, as someone with the database owner's rights could, to show that the audit chain
still tells. The triggers of migration 0007 refuse any UPDATE or DELETE of an audit entry; each helper
lifts that guard (vatspilot.store.append_only.guard_lifted) for its one change, as such a person could
drop the triggers. QuerySet.update and QuerySet.delete also step round the model's own guard."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from vatspilot.store.append_only import guard_lifted
from vatspilot.store.models import AuditEntry

REASON = "test: tampering on purpose"


def tamper_update(at_seq: int, **changes: Any) -> None:
    with guard_lifted(REASON):
        assert QuerySet.update(AuditEntry.objects.filter(seq=at_seq), **changes) == 1


def tamper_delete(**filters: Any) -> None:
    with guard_lifted(REASON):
        QuerySet.delete(AuditEntry.objects.filter(**filters))


def tamper_sql(sql: str, params: list[Any] | None = None) -> None:
    with guard_lifted(REASON), connection.cursor() as cursor:
        cursor.execute(sql, params)
