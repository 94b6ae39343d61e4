"""The public credit lists (queries.credit_lists) a page at a time: the entries of one list or both, in
force or removed or both, newest listing first (``LIST_ORDER``), filtered by the database. Nothing here
names a person: only the enterprise, which the lists publish."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.queries.credit_lists import ListedEntry
from vatspilot.store.models import CreditListEntry

__all__ = ["LIST_ORDER", "credit_list_entries", "listed_entries"]

LIST_ORDER = ("-listed_on", "-id")


def credit_list_entries(*, kind: CreditList | None = None, removed: bool | None = None) -> QuerySet[CreditListEntry]:
    """The entries of the list ``kind`` (both without it); only the removed ones (``removed=True``) or
    those in force (``False``) when asked. An entry removed on any day so far is removed."""
    entries = CreditListEntry.objects.all()
    if kind is not None:
        entries = entries.filter(list=kind.value)
    if removed is not None:
        entries = entries.filter(removed_on__isnull=not removed)
    return entries.only(
        "list",
        "name",
        "uscc",
        "licence_number",
        "listed_on",
        "reason",
        "listing_authority",
        "removed_on",
        "removal_reason",
    )


def listed_entries(entries: Iterable[CreditListEntry]) -> list[ListedEntry]:
    """The rows as the lists publish them."""
    return [
        ListedEntry(
            list=CreditList(entry.list),
            name=entry.name,
            uscc=entry.uscc,
            licence_number=entry.licence_number,
            listed_on=entry.listed_on,
            reason=entry.reason,
            listing_authority=entry.listing_authority,
            removed_on=entry.removed_on,
            removal_reason=entry.removal_reason,
        )
        for entry in entries
    ]
