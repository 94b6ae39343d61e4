"""The public bad-record and dishonest lists (Order 42 Art. 37): every entry in one query, as the 2018 MIIT
notice says an entry reads (name, USCC, licence number, date, reason, listing authority), with its removal
when removed. Nothing here names a person: only the enterprise, which the lists publish. The export's
columns are declared once (EXPORT_COLUMNS) and written as CSV and as XLSX alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.queries.exports import ExportColumn, ExportTable, export_table
from vatspilot.store.models import CreditListEntry, Organisation

__all__ = [
    "EXPORT_COLUMNS",
    "LIST_ORDER",
    "PUBLISHED_FIELDS",
    "CreditLists",
    "ListedEntry",
    "credit_lists",
    "credit_lists_export",
    "english_names",
    "listed_entries",
]


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


@dataclass(frozen=True)
class CreditLists:
    """The entries in force on each list, and the removed ones, newest listing first."""

    bad_record: tuple[ListedEntry, ...]
    dishonest: tuple[ListedEntry, ...]
    removed: tuple[ListedEntry, ...]

    @property
    def every_entry(self) -> tuple[ListedEntry, ...]:
        return self.bad_record + self.dishonest + self.removed


# Newest listing first; among one day's listings, the latest recorded first (the API pages by this key).
LIST_ORDER = ("-listed_on", "-id")
# What an entry publishes (and all that is read of it).
PUBLISHED_FIELDS = (
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


def credit_lists() -> CreditLists:
    """Both lists in one query. An entry removed on any day so far is shown as removed."""
    entries = listed_entries(CreditListEntry.objects.order_by(*LIST_ORDER).only(*PUBLISHED_FIELDS))
    active = [entry for entry in entries if entry.removed_on is None]
    return CreditLists(
        bad_record=tuple(entry for entry in active if entry.list is CreditList.BAD_RECORD),
        dishonest=tuple(entry for entry in active if entry.list is CreditList.DISHONEST),
        removed=tuple(entry for entry in entries if entry.removed_on is not None),
    )


def english_names(entries: Iterable[ListedEntry]) -> dict[str, str]:
    """The English name of each listed enterprise registered on the platform, by USCC (one query; an
    enterprise not registered here has none): the English page names it beside the name as listed."""
    codes = {entry.uscc for entry in entries}
    if not codes:
        return {}
    return {
        uscc: name for uscc, name in Organisation.objects.filter(uscc__in=codes).values_list("uscc", "name") if name
    }


# The export's columns, declared once for the CSV and the XLSX: stable identifiers, the same in every
# language. The widths are the spreadsheet's, in characters.
EXPORT_COLUMNS: tuple[ExportColumn[ListedEntry], ...] = (
    ExportColumn("list", 11, lambda entry: entry.list.value),
    ExportColumn("name", 30, lambda entry: entry.name),
    ExportColumn("uscc", 21, lambda entry: entry.uscc),
    ExportColumn("licence_number", 18, lambda entry: entry.licence_number),
    ExportColumn("listed_on", 12, lambda entry: entry.listed_on),
    ExportColumn("reason", 40, lambda entry: entry.reason),
    ExportColumn("listing_authority", 18, lambda entry: entry.listing_authority),
    ExportColumn("removed_on", 12, lambda entry: entry.removed_on),
    ExportColumn("removal_reason", 30, lambda entry: entry.removal_reason),
)


def credit_lists_export(today: date) -> ExportTable:
    """Both lists as the export's rows: the bad-record list's entries in force, the dishonest list's, then
    the removed ones (the page's order), in EXPORT_COLUMNS; the file named for ``today``."""
    return export_table(f"credit-lists-{today.isoformat()}", "credit lists", EXPORT_COLUMNS, credit_lists().every_entry)
