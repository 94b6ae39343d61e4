"""The pilot licence's lifecycle: its transition table, declared on the shared machine (domain.lifecycle).

A licence is issued `valid`. The authority may suspend and reinstate it, reduce its scope (a structured
partial revocation: services removed or areas narrowed; it stays valid), approve the holder's change
filings and renewals (both keep it valid), revoke it, or cancel it at the holder's request; it expires at
the end of its validity. Revocation and cancellation open an orderly network exit (domain.licences.exit).
Every row is a decision with its basis; nothing else writes a licence's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vatspilot.domain.licences import citations
from vatspilot.domain.licences.deadlines import renewal_in_time
from vatspilot.domain.lifecycle import Guard, Transition, Workflow


class LicenceState(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class LicenceAction(StrEnum):
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    REDUCE_SCOPE = "reduce_scope"
    APPROVE_CHANGE = "approve_change"
    RENEW = "renew"
    REVOKE = "revoke"
    CANCEL = "cancel"
    EXPIRE = "expire"


class LicenceRole(StrEnum):
    HOLDER = "holder"  # a member of the licensed enterprise
    MIIT_REVIEWER = "miit_reviewer"  # the issuing authority
    SYSTEM = "system"  # the daily job, for what the calendar decides (expiry)


@dataclass(frozen=True)
class LicenceFacts:
    """What the guards judge, as of `today` (the services build it; nothing here reads a clock)."""

    today: date
    valid_until: date
    services_remaining_after_reduction: int | None = None  # for reduce_scope: services left after it
    change_keeps_eligibility: bool | None = None  # for approve_change: the re-check on the filed change
    renewal_filed_on: date | None = None  # for renew
    renewal_lead_days: int = 0  # for renew: parameter:renewal-lead-days on the day of filing
    every_service_launched: bool | None = None  # for renew: each service operated during the validity
    cancellation_requested: bool = False  # for cancel: the holder applied


def _has_expired(facts: LicenceFacts, _role: LicenceRole) -> bool:
    return facts.today > facts.valid_until


def _not_expired(facts: LicenceFacts, role: LicenceRole) -> bool:
    return not _has_expired(facts, role)


def _keeps_a_service(facts: LicenceFacts, _role: LicenceRole) -> bool:
    # Removing every service is a revocation, with its exit, not a reduction.
    return facts.services_remaining_after_reduction is not None and facts.services_remaining_after_reduction > 0


def _change_keeps_eligibility(facts: LicenceFacts, _role: LicenceRole) -> bool:
    return facts.change_keeps_eligibility is True


def _renewal_filed_in_time(facts: LicenceFacts, _role: LicenceRole) -> bool:
    if facts.renewal_filed_on is None:
        return False
    return renewal_in_time(facts.renewal_filed_on, facts.valid_until, facts.renewal_lead_days)


def _every_service_launched(facts: LicenceFacts, _role: LicenceRole) -> bool:
    return facts.every_service_launched is True


def _cancellation_requested(facts: LicenceFacts, _role: LicenceRole) -> bool:
    return facts.cancellation_requested


NOT_EXPIRED: Guard[LicenceFacts, LicenceRole] = Guard(
    "not_expired", "the licence's validity has not ended", _not_expired
)
HAS_EXPIRED: Guard[LicenceFacts, LicenceRole] = Guard(
    "validity_ended", "the last day of the licence's validity has passed", _has_expired
)
KEEPS_A_SERVICE: Guard[LicenceFacts, LicenceRole] = Guard(
    "keeps_a_service",
    "at least one service remains after the reduction (removing all is a revocation)",
    _keeps_a_service,
)
CHANGE_KEEPS_ELIGIBILITY: Guard[LicenceFacts, LicenceRole] = Guard(
    "change_keeps_eligibility",
    "the ownership and scope as changed are still eligible on the day of approval",
    _change_keeps_eligibility,
)
RENEWAL_ALLOWED: Guard[LicenceFacts, LicenceRole] = Guard(
    "renewal_allowed",
    "renewal filed in time and every service launched during the validity",
    parts=(
        NOT_EXPIRED,
        Guard(
            "renewal_filed_in_time",
            "the renewal was filed at least parameter:renewal-lead-days before the validity ends",
            _renewal_filed_in_time,
        ),
        Guard(
            "every_service_launched",
            "each licensed service was launched during the validity",
            _every_service_launched,
        ),
    ),
)
CANCELLATION_REQUESTED: Guard[LicenceFacts, LicenceRole] = Guard(
    "cancellation_requested", "the holder applied for cancellation", _cancellation_requested
)

_MIIT = (LicenceRole.MIIT_REVIEWER,)
_S = LicenceState
_A = LicenceAction

LICENCE_WORKFLOW: Workflow[LicenceState, LicenceAction, LicenceRole, LicenceFacts] = Workflow(
    name="licence",
    states=tuple(LicenceState),
    initial=_S.VALID,
    final_states=frozenset({_S.REVOKED, _S.CANCELLED, _S.EXPIRED}),
    rows=(
        Transition(_S.VALID, _A.SUSPEND, _S.SUSPENDED, _MIIT, NOT_EXPIRED, citations.RECTIFICATION),
        Transition(_S.SUSPENDED, _A.REINSTATE, _S.VALID, _MIIT, NOT_EXPIRED, citations.RECTIFICATION),
        Transition(_S.VALID, _A.REDUCE_SCOPE, _S.VALID, _MIIT, KEEPS_A_SERVICE, citations.SCOPE_REDUCTION),
        Transition(_S.VALID, _A.APPROVE_CHANGE, _S.VALID, _MIIT, CHANGE_KEEPS_ELIGIBILITY, citations.CHANGES),
        Transition(_S.VALID, _A.RENEW, _S.VALID, _MIIT, RENEWAL_ALLOWED, citations.RENEWAL),
        Transition(_S.VALID, _A.REVOKE, _S.REVOKED, _MIIT, None, citations.REVOCATION),
        Transition(_S.SUSPENDED, _A.REVOKE, _S.REVOKED, _MIIT, None, citations.REVOCATION),
        Transition(_S.VALID, _A.CANCEL, _S.CANCELLED, _MIIT, CANCELLATION_REQUESTED, citations.CANCELLATION),
        Transition(_S.SUSPENDED, _A.CANCEL, _S.CANCELLED, _MIIT, CANCELLATION_REQUESTED, citations.CANCELLATION),
        Transition(_S.VALID, _A.EXPIRE, _S.EXPIRED, (LicenceRole.SYSTEM,), HAS_EXPIRED, citations.VALIDITY),
        Transition(_S.SUSPENDED, _A.EXPIRE, _S.EXPIRED, (LicenceRole.SYSTEM,), HAS_EXPIRED, citations.VALIDITY),
    ),
)

# The states in which the operator must leave the network in an orderly way.
EXIT_REQUIRED_STATES = frozenset({LicenceState.REVOKED, LicenceState.CANCELLED})
