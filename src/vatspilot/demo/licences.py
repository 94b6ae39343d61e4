"""The demo's licences, one in each state a licence can be seen in, each brought there through the real
services on dated steps (issued by an approval, then MIIT's decisions, the lists and the daily expiry job),
so that every step has its event and audit entry and the states are what they claim on the demo's day:

- valid: the Beijing applicant's licence (its approval is in data.PLAN), with a change filing pending;
- reduced in scope: the Shanghai applicant's, a service removed;
- suspended: the Hainan applicant's, rectification ordered;
- on the bad-record list: the Shenzhen applicant's, valid, its holder listed (Order 42 Art. 37);
- revoked, on the dishonest list (the revocation lists the holder), its network exit under way (plan
  filed, progress reported, the migration deadline ahead);
- expired: the oldest licence, issued as early as the rulebook allows and expired by the daily job the day
  after its last valid day, once that day has passed (see `_oldest`).

`demo_licences()` reads them back for the summary `vatspilot demo` prints: each licence's state and which
demo accounts see its page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.domain.licences.filings import ChangeKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.domain.licences.status import effective_state
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.licences.actions import reduce_licence_scope, revoke_licence, suspend_licence
from vatspilot.services.licences.exits import exit_of, file_exit_plan, report_exit_progress
from vatspilot.services.licences.expiry import expire_due
from vatspilot.services.licences.filings import file_change
from vatspilot.services.licences.lists import list_enterprise
from vatspilot.store.access import visible_applications
from vatspilot.store.models import Application, CreditListEntry, Licence, LicenceFiling, NetworkExit

__all__ = ["DemoLicence", "create_demo_licences", "demo_licences", "file_demo_change"]

# What the demo's officials write: sample content, in the language the demo's records are kept in.
REDUCTION_REASON = "Sample decision: the information protection and processing service (B25-05) was never launched."
SUSPENSION_REASON = "Sample decision: rectification ordered; access logs were not kept for 180 days."
REVOCATION_SUSPENSION_REASON = "Sample decision: rectification ordered; unlicensed CDN nodes found in operation."
REVOCATION_REASON = "Sample decision: the rectification ordered was not carried out by its deadline."
# A bad-record entry's reason as a list states it (the MIIT 2018 notice's first trigger: the annual report
# not filed by its deadline), in the lists' language.
BAD_RECORD_REASON = "逾期未报送年度报告"

# The revoked licence's exit: users to move, and (days ago, users moved so far, the holder's note) per report.
EXIT_USERS = 1200
EXIT_PROGRESS = (
    (40, 450, "Sample report: enterprise customers moved to another licensed CDN provider."),
    (10, 830, "Sample report: remaining customers told again; their migrations are booked."),
)
# The pending change filing: the Beijing holder's registered capital raised (RMB), filed a week after.
NIMBUS_USCC = "91110105MA01A2B3C4"
NEW_CAPITAL = Decimal("50000000")

# Days before the demo's day on which each licence's application starts and by which its approval is in.
_APPLIED = {"shanghai": (260, 200), "hainan": (230, 170), "shenzhen": (300, 240), "haidian": (420, 360)}
_EXPIRED_HOLDER = "waigaoqiao"

Approve = Callable[[str, date, date], Application]


def _issued(application: Application) -> Licence:
    return Licence.objects.get(application=application)


def create_demo_licences(*, today: date, users: Mapping[str, User], approve: Approve) -> None:
    """The licences of the module's list. ``approve(key, start, until)`` brings an application of the
    organisation ``key`` to approval (issuing its licence), its steps between ``start`` and ``until``. The
    approvals come first, oldest first, so that the serials follow the days of issue as MIIT's do."""
    miit = users["miit"]
    expired = _oldest(today, approve)
    issued = {
        key: _issued(approve(key, today - timedelta(days=start), today - timedelta(days=until)))
        for key, (start, until) in sorted(_APPLIED.items(), key=lambda item: -item[1][0])
    }

    revoked = suspend_licence(
        actor=miit,
        licence=issued["haidian"],
        on=today - timedelta(days=150),
        expected_version=issued["haidian"].version,
        reason=REVOCATION_SUSPENSION_REASON,
    )
    revoked = revoke_licence(
        actor=miit,
        licence=revoked,
        on=today - timedelta(days=100),
        expected_version=revoked.version,
        reason=REVOCATION_REASON,
    )
    _exit_under_way(today, users["applicant-haidian"], revoked)

    reduced = issued["shanghai"]
    reduce_licence_scope(
        actor=miit,
        licence=reduced,
        on=today - timedelta(days=60),
        expected_version=reduced.version,
        remove_services=["B25-05"],
        narrow_areas={},
        reason=REDUCTION_REASON,
    )

    listed = issued["shenzhen"]
    list_enterprise(
        actor=miit,
        list=CreditList.BAD_RECORD,
        name=listed.holder_name_zh,
        uscc=listed.uscc,
        licence_number=listed.number,
        listed_on=today - timedelta(days=25),
        reason=BAD_RECORD_REASON,
        penalty_decided_on=today - timedelta(days=40),
    )

    suspended = issued["hainan"]
    suspend_licence(
        actor=miit,
        licence=suspended,
        on=today - timedelta(days=20),
        expected_version=suspended.version,
        reason=SUSPENSION_REASON,
    )

    _expire(today, expired)


def file_demo_change(*, today: date, users: Mapping[str, User]) -> None:
    """A change filing pending MIIT's decision on the valid licence (the Beijing applicant's, issued by
    data.PLAN's approval, so filed after it): the holder's registered capital raised."""
    file_change(
        actor=users["applicant-beijing"],
        licence=Licence.objects.get(organisation__uscc=NIMBUS_USCC),
        on=today - timedelta(days=3),
        changed_on=today - timedelta(days=10),
        kinds=[ChangeKind.CAPITAL.value],
        registered_capital_cny=NEW_CAPITAL,
    )


def _exit_under_way(today: date, holder: User, licence: Licence) -> None:
    """The revocation opened the licence's network exit; its holder files the plan and reports progress
    twice, the deadline still ahead."""
    network_exit = exit_of(licence)
    assert network_exit is not None
    network_exit = file_exit_plan(
        actor=holder,
        network_exit=network_exit,
        on=today - timedelta(days=95),
        expected_version=network_exit.version,
        users_notified_on=today - timedelta(days=97),
        migration_deadline=today + timedelta(days=45),
        users_to_migrate=EXIT_USERS,
    )
    for ago, migrated, note in EXIT_PROGRESS:
        network_exit = report_exit_progress(
            actor=holder,
            network_exit=network_exit,
            on=today - timedelta(days=ago),
            expected_version=network_exit.version,
            users_migrated=migrated,
            note=note,
        )


def _oldest(today: date, approve: Approve) -> Licence:
    """The oldest licence: issued (by its approval) about five years and four months before the demo's day,
    so that its validity has ended. The rulebook covers determinations from its start (2022-05-01) only and
    the validity is five years, so until about mid-2027 no licence issued through the services can have
    expired yet: the application is then made on the rulebook's first day and the licence is the one
    nearest its end."""
    start = max(default_rulebook().start, today - timedelta(days=5 * 365 + 120))
    return _issued(approve(_EXPIRED_HOLDER, start, start + timedelta(days=60)))


def _expire(today: date, licence: Licence) -> None:
    """The daily job's service, run for the day after the licence's last valid day once that has passed."""
    day_after = licence.valid_until + timedelta(days=1)
    if day_after <= today:
        expire_due(day_after)


@dataclass(frozen=True)
class DemoLicence:
    """A demo licence as the summary prints it: its state on the day asked about, what else is true of it
    (scope reduced, listed, exit), and the demo accounts that see its licence page."""

    number: str
    holder: str
    state: str
    notes: tuple[str, ...]
    seen_by: tuple[str, ...]


def demo_licences(today: date, usernames: list[str]) -> list[DemoLicence]:
    """Every licence, oldest first, with the accounts among ``usernames`` that may open its page."""
    licences = list(Licence.objects.select_related("organisation").order_by("issued_on", "id"))
    listed = {
        (entry.uscc, entry.list)
        for entry in CreditListEntry.objects.filter(removed_on__isnull=True).only("uscc", "list")
    }
    exits = {network_exit.licence_id: network_exit for network_exit in NetworkExit.objects.all()}
    pending: dict[int, list[LicenceFiling]] = {}
    for filing in LicenceFiling.objects.filter(status=FilingState.FILED.value).order_by("filed_on", "id"):
        pending.setdefault(filing.licence_id, []).append(filing)
    sees: dict[str, set[int]] = {}
    for user in User.objects.filter(username__in=usernames):
        sees[user.username] = set(visible_applications(user).values_list("pk", flat=True))
    result = []
    for licence in licences:
        notes = []
        if any(event.action == "reduce_scope" for event in licence.events.all()):
            notes.append("scope reduced")
        if (licence.uscc, CreditList.BAD_RECORD.value) in listed:
            notes.append("holder on the bad-record list")
        if (licence.uscc, CreditList.DISHONEST.value) in listed:
            notes.append("holder on the dishonest list")
        network_exit = exits.get(licence.pk)
        if network_exit is not None:
            notes.append(_exit_note(network_exit))
        for filing in pending.get(licence.pk, []):
            notes.append(f"{filing.kind} filing pending ({', '.join(filing.changes.get('kinds', []))})")
        state = effective_state(LicenceState(licence.status), licence.valid_until, today)
        if state is LicenceState.VALID:
            notes.append(f"valid until {licence.valid_until.isoformat()}")
        result.append(
            DemoLicence(
                number=licence.number,
                holder=licence.holder_name_en or licence.holder_name_zh,
                state=state.value,
                notes=tuple(notes),
                seen_by=tuple(name for name in usernames if licence.application_id in sees.get(name, set())),
            )
        )
    return result


def _exit_note(network_exit: NetworkExit) -> str:
    note = f"network exit {network_exit.status}: {network_exit.users_migrated} users moved"
    if network_exit.users_to_migrate is not None and network_exit.migration_deadline is not None:
        note += f" of {network_exit.users_to_migrate} by {network_exit.migration_deadline.isoformat()}"
    return note
