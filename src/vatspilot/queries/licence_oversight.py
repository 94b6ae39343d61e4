"""The licence overview (/licences/): the licences a user may see, each with what needs attention.

Who sees which licence is the rule of store.access (the licence goes with its application): MIIT and the
other national roles every licence, a local officer the licences of the jurisdictions on their role, an
applicant their organisations'. Nothing here restates it: the licences are those whose application
``visible_applications`` returns, as ``access_licence`` fetches one.

Each row carries the flags the supervisors act on (``Flag``), each decided by the rule that already
exists for it: the exit's overdue rule (domain.licences.exit), the overdue-listing rule
(services.licences.lists.is_overdue), the filing's own ``late`` mark, the first expiry reminder's days
(domain.licences.deadlines). The read is a fixed number of queries however many licences: the reader's
roles (one), the licences with their exits (one), the pending filings (one), the listings in force (one);
tests/queries/test_licence_oversight.py holds that at 2 and 12 licences. Filters are applied to the rows
as built, since status and flags are judged on ``today``, not stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch
from django.utils.translation import get_language

from vatspilot.domain.licences.deadlines import EXPIRY_REMINDER_DAYS
from vatspilot.domain.licences.exit import ExitPlan, ExitState, exit_overdue
from vatspilot.domain.licences.filings import FilingKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.domain.licences.status import effective_state
from vatspilot.services.licences.lists import is_overdue
from vatspilot.services.vocabulary import LICENCE_STATES
from vatspilot.store.access import visible_applications
from vatspilot.store.models import CreditListEntry, Licence, LicenceFiling, NetworkExit

__all__ = ["EXPIRY_ATTENTION_DAYS", "Flag", "LicenceOversight", "OversightRow", "licence_oversight"]

# A running licence is flagged from the day the first expiry reminder goes out (90 days before its last
# valid day, the renewal deadline's lead too): the holder is told then, so the supervisors see it then.
EXPIRY_ATTENTION_DAYS: int = max(EXPIRY_REMINDER_DAYS)

# The states in which a licence runs to its last valid day; only these can be "expiring".
_RUNNING = frozenset({LicenceState.VALID, LicenceState.SUSPENDED})


class Flag(StrEnum):
    """What needs attention on a licence, in the order the page lists them."""

    EXIT_OVERDUE = "exit_overdue"  # the exit's migration deadline has passed, not confirmed complete
    EXIT_REQUIRED_NO_PLAN = "exit_required_no_plan"  # an exit is open and the holder has filed no plan
    LISTING_OVERDUE = "listing_overdue"  # a listing in force was made later than Art. 42 allows
    CHANGE_FILED_LATE = "change_filed_late"  # a pending change filing was filed after its deadline
    FILINGS_PENDING = "filings_pending"  # a change filing or renewal awaits the authority's decision
    EXPIRING_WITHIN_90_DAYS = "expiring_within_90_days"  # valid or suspended, last valid day within 90 days


@dataclass(frozen=True)
class OversightRow:
    number: str
    holder: str  # in the reader's language: the Chinese name in Chinese, else the English (or Chinese) one
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    status: LicenceState  # effective on the day asked about
    status_label: str
    valid_until: date
    days_to_expiry: int | None  # days from today to the last valid day; None unless valid or suspended
    services: tuple[str, ...]  # the licensed services' catalogue codes, as the certificate lists them
    flags: tuple[Flag, ...]  # in Flag's order

    @property
    def needs_attention(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class LicenceOversight:
    rows: tuple[OversightRow, ...]  # those the filters keep: flagged first, then by last valid day, number
    total: int  # the licences the reader may see, before the filters
    service_codes: tuple[str, ...]  # every code on those licences, sorted: the service filter's choices


def licence_oversight(
    actor: User | AnonymousUser,
    *,
    today: date,
    status: LicenceState | None = None,
    flag: Flag | None = None,
    attention: bool = False,
    service: str = "",
    text: str = "",
) -> LicenceOversight:
    """The licences ``actor`` may see, judged on ``today``, kept by the filters: the effective ``status``,
    one ``flag``, any flag (``attention``), a service ``code``, and ``text`` found (case-insensitively)
    in the number, either holder name or the USCC."""
    rows = [_row(licence, today) for licence in _visible(actor)]
    rows.sort(key=lambda row: (not row.needs_attention, row.valid_until, row.number))
    codes = sorted({code for row in rows for code in row.services})
    needle = text.strip().casefold()
    kept = tuple(
        row
        for row in rows
        if (status is None or row.status is status)
        and (flag is None or flag in row.flags)
        and (not attention or row.needs_attention)
        and (not service or service in row.services)
        and (not needle or _matches(row, needle))
    )
    return LicenceOversight(rows=kept, total=len(rows), service_codes=tuple(codes))


def _visible(actor: User | AnonymousUser) -> Iterable[Licence]:
    # The licence goes with its application: the same rule, and the same query, as access_licence.
    licences = Licence.objects.filter(application__in=visible_applications(actor).values("pk"))
    pending = LicenceFiling.objects.filter(status=FilingState.FILED.value).order_by("pk")
    in_force = CreditListEntry.objects.filter(removed_on__isnull=True).order_by("pk")
    return licences.select_related("network_exit").prefetch_related(
        Prefetch("filings", queryset=pending, to_attr="pending_filings"),
        Prefetch("credit_list_entries", queryset=in_force, to_attr="listings_in_force"),
    )


def _row(licence: Licence, today: date) -> OversightRow:
    status = effective_state(LicenceState(licence.status), licence.valid_until, today)
    days = (licence.valid_until - today).days if status in _RUNNING else None
    zh = (get_language() or "").startswith("zh")
    english = licence.holder_name_en or licence.holder_name_zh
    return OversightRow(
        number=licence.number,
        holder=licence.holder_name_zh if zh else english,
        holder_name_zh=licence.holder_name_zh,
        holder_name_en=licence.holder_name_en,
        uscc=licence.uscc,
        status=status,
        status_label=str(LICENCE_STATES.get(status.value, status.value)),
        valid_until=licence.valid_until,
        days_to_expiry=days,
        services=tuple(service.code for service in licence.licensed_services()),
        flags=_flags(licence, days, today),
    )


def _flags(licence: Licence, days_to_expiry: int | None, today: date) -> tuple[Flag, ...]:
    flags: set[Flag] = set()
    network_exit = _exit_of(licence)
    if network_exit is not None:
        state = ExitState(network_exit.status)
        if exit_overdue(state, _plan(network_exit), today):
            flags.add(Flag.EXIT_OVERDUE)
        if state is ExitState.REQUIRED:
            flags.add(Flag.EXIT_REQUIRED_NO_PLAN)
    if any(is_overdue(entry) for entry in getattr(licence, "listings_in_force", ())):
        flags.add(Flag.LISTING_OVERDUE)
    pending: list[LicenceFiling] = getattr(licence, "pending_filings", [])
    if pending:
        flags.add(Flag.FILINGS_PENDING)
    if any(filing.kind == FilingKind.CHANGE.value and filing.late for filing in pending):
        flags.add(Flag.CHANGE_FILED_LATE)
    if days_to_expiry is not None and days_to_expiry <= EXPIRY_ATTENTION_DAYS:
        flags.add(Flag.EXPIRING_WITHIN_90_DAYS)
    return tuple(flag for flag in Flag if flag in flags)


def _exit_of(licence: Licence) -> NetworkExit | None:
    try:
        network_exit: NetworkExit = licence.network_exit
    except NetworkExit.DoesNotExist:
        return None
    return network_exit


def _plan(network_exit: NetworkExit) -> ExitPlan | None:
    """The plan as filed, or None before the holder has filed one."""
    if network_exit.users_notified_on is None or network_exit.migration_deadline is None:
        return None
    return ExitPlan(
        users_notified_on=network_exit.users_notified_on,
        migration_deadline=network_exit.migration_deadline,
        users_to_migrate=network_exit.users_to_migrate or 0,
    )


def _matches(row: OversightRow, needle: str) -> bool:
    return any(needle in value.casefold() for value in (row.number, row.holder_name_zh, row.holder_name_en, row.uscc))
