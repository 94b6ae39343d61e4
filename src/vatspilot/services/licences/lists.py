"""Listing an enterprise on the bad-record or dishonest list (Order 42 Arts. 37, 38 and 42) and removing a
listing. Each is one transaction with its audit entry; only an MIIT reviewer may do either, and a refusal
changes nothing.

A listing after a penalty records the penalty's date, so that a listing made later than Art. 42 allows
(rulebook `parameter:bad-record-listing-days`) is flagged as overdue (`is_overdue`).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vatspilot.domain.licences.credit_lists import CreditList, listing_overdue
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.lifecycle.text_fields import required_text
from vatspilot.store.audit import record_audit
from vatspilot.store.models import CreditListEntry, Licence, Role, StaffRole

__all__ = [
    "MIIT_AUTHORITY",
    "REVOCATION_REASON",
    "is_overdue",
    "list_enterprise",
    "list_revocation",
    "on_dishonest_list",
    "remove_listing",
]

# The authority that lists through this platform: the ministry's official Chinese name, as a list shows it.
MIIT_AUTHORITY = "工业和信息化部"


def _require_miit(actor: User) -> None:
    if not StaffRole.objects.filter(user=actor, role=Role.MIIT_REVIEWER).exists():
        raise ActionRefused("role-not-allowed", _("Only an MIIT reviewer may change the credit lists."))


def _snapshot(entry: CreditListEntry) -> dict[str, object]:
    return {
        "list": entry.list,
        "name": entry.name,
        "uscc": entry.uscc,
        "licence_number": entry.licence_number,
        "listed_on": entry.listed_on,
        "reason": entry.reason,
        "listing_authority": entry.listing_authority,
        "penalty_decided_on": entry.penalty_decided_on,
        "removed_on": entry.removed_on,
        "removal_reason": entry.removal_reason,
    }


def list_enterprise(
    *,
    actor: User,
    list: CreditList,  # the law's word for what an entry is on
    name: str,
    uscc: str,
    listed_on: date,
    reason: str,
    licence_number: str = "",
    penalty_decided_on: date | None = None,
    listing_authority: str = MIIT_AUTHORITY,
) -> CreditListEntry:
    """Put an enterprise on a list; the entry as written."""
    _require_miit(actor)
    kind = CreditList(list)
    number = licence_number.strip()
    entry = CreditListEntry(
        list=kind.value,
        name=required_text(name, field="name"),
        uscc=required_text(uscc, field="uscc").upper(),
        licence_number=number,
        listed_on=listed_on,
        reason=required_text(reason, field="reason"),
        listing_authority=required_text(listing_authority, field="listing_authority"),
        penalty_decided_on=penalty_decided_on,
    )
    if penalty_decided_on is not None and penalty_decided_on > listed_on:
        raise ActionRefused(
            "penalty-after-listing",
            _("The penalty decision cannot be later than the listing."),
            field="penalty_decided_on",
        )
    with transaction.atomic():
        entry.licence = Licence.objects.filter(number=number).first() if number else None
        entry.save()
        record_audit(actor=actor, action="credit_list.listed", obj=entry, before=None, after=_snapshot(entry))
    return entry


def remove_listing(*, actor: User, entry: CreditListEntry, removed_on: date, reason: str) -> CreditListEntry:
    """Remove a listing, recording the date and reason; the entry stays, marked removed."""
    _require_miit(actor)
    text = required_text(reason, field="reason")
    with transaction.atomic():
        current = CreditListEntry.objects.select_for_update().get(pk=entry.pk)
        if current.removed_on is not None:
            raise ActionRefused("already-removed", _("This listing has already been removed."))
        if removed_on < current.listed_on:
            raise ActionRefused(
                "removed-before-listed", _("A listing cannot be removed before it was made."), field="removed_on"
            )
        before = _snapshot(current)
        current.removed_on, current.removal_reason = removed_on, text
        current.save(update_fields=["removed_on", "removal_reason"])
        record_audit(actor=actor, action="credit_list.removed", obj=current, before=before, after=_snapshot(current))
    return current


def is_overdue(entry: CreditListEntry) -> bool:
    """Whether the listing was made later than Art. 42 allows after its penalty decision."""
    if entry.penalty_decided_on is None:
        return False
    days = default_rulebook().parameter("parameter:bad-record-listing-days", entry.penalty_decided_on)
    if not isinstance(days, int):
        raise TypeError(f"parameter:bad-record-listing-days is {days!r}, not a number of days")
    return listing_overdue(entry.penalty_decided_on, entry.listed_on, days)


def on_dishonest_list(uscc: str, on: date) -> bool:
    """Whether the enterprise with this USCC has a dishonest-list entry in force on `on`."""
    return (
        CreditListEntry.objects.filter(list=CreditList.DISHONEST.value, uscc=uscc.strip().upper(), listed_on__lte=on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
        .exists()
    )


# Why a revocation is listed: Order 42 Art. 42 sends a revoked licence's holder to the dishonest list. The
# text is fixed (never the official's typed reason), since the list is public.
REVOCATION_REASON = "经营许可证被吊销（《电信业务经营许可管理办法》（工业和信息化部令第42号）第四十二条）"


def list_revocation(*, actor: User, licence: Licence, on: date) -> CreditListEntry:
    """Put a revoked licence's holder on the dishonest list, in the revocation's transaction."""
    return list_enterprise(
        actor=actor,
        list=CreditList.DISHONEST,
        name=licence.holder_name_zh,
        uscc=licence.uscc,
        licence_number=licence.number,
        listed_on=on,
        reason=REVOCATION_REASON,
    )
