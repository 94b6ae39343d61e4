"""The public bad-record and dishonest lists (Order 42 Art. 37): every entry in one query, as the 2018 MIIT
notice says an entry reads (name, USCC, licence number, date, reason, listing authority), with its removal
when removed. Nothing here names a person: only the enterprise, which the lists publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.store.models import CreditListEntry

__all__ = ["EXPORT_COLUMNS", "CreditLists", "ListedEntry", "credit_lists"]

# The CSV's header: stable identifiers, the same in every language.
EXPORT_COLUMNS: tuple[str, ...] = (
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


@dataclass(frozen=True)
class ListedEntry:
    list: CreditList
    name: str
    uscc: str
    licence_number: str
    listed_on: date
    reason: str
    listing_authority: str
    removed_on: date | None
    removal_reason: str

    @property
    def cells(self) -> tuple[str, ...]:
        return (
            self.list.value,
            self.name,
            self.uscc,
            self.licence_number,
            self.listed_on.isoformat(),
            self.reason,
            self.listing_authority,
            self.removed_on.isoformat() if self.removed_on else "",
            self.removal_reason,
        )


@dataclass(frozen=True)
class CreditLists:
    """The entries in force on each list, and the removed ones, newest listing first."""

    bad_record: tuple[ListedEntry, ...]
    dishonest: tuple[ListedEntry, ...]
    removed: tuple[ListedEntry, ...]

    @property
    def every_entry(self) -> tuple[ListedEntry, ...]:
        return self.bad_record + self.dishonest + self.removed


def credit_lists() -> CreditLists:
    """Both lists in one query. An entry removed on any day so far is shown as removed."""
    rows = CreditListEntry.objects.order_by("-listed_on", "-id").values_list(
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
    entries = [
        ListedEntry(
            list=CreditList(kind),
            name=name,
            uscc=uscc,
            licence_number=number,
            listed_on=listed_on,
            reason=reason,
            listing_authority=authority,
            removed_on=removed_on,
            removal_reason=removal_reason,
        )
        for kind, name, uscc, number, listed_on, reason, authority, removed_on, removal_reason in rows
    ]
    active = [entry for entry in entries if entry.removed_on is None]
    return CreditLists(
        bad_record=tuple(entry for entry in active if entry.list is CreditList.BAD_RECORD),
        dishonest=tuple(entry for entry in active if entry.list is CreditList.DISHONEST),
        removed=tuple(entry for entry in entries if entry.removed_on is not None),
    )
