"""The public credit lists (queries.credit_lists) a page at a time: the entries of one list or both, in
force or removed or both, newest listing first (``LIST_ORDER``), filtered by the database. Nothing here
names a person: only the enterprise, which the lists publish."""

from __future__ import annotations

from django.db.models import QuerySet

from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.queries.credit_lists import LIST_ORDER, PUBLISHED_FIELDS, listed_entries
from vatspilot.store.models import CreditListEntry

__all__ = ["LIST_ORDER", "credit_list_entries", "listed_entries"]


def credit_list_entries(*, kind: CreditList | None = None, removed: bool | None = None) -> QuerySet[CreditListEntry]:
    """The entries of the list ``kind`` (both without it); only the removed ones (``removed=True``) or
    those in force (``False``) when asked. An entry removed on any day so far is removed."""
    entries = CreditListEntry.objects.all()
    if kind is not None:
        entries = entries.filter(list=kind.value)
    if removed is not None:
        entries = entries.filter(removed_on__isnull=not removed)
    return entries.only(*PUBLISHED_FIELDS)
