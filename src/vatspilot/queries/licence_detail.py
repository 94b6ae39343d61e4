"""One licence as its page shows it to its holder's members and the officials who see its application:
the public particulars, the effective status, the history *with* the officials' notes (unlike the public
register's), the decisions open to the reader, and whether the certificate can be made now.

The caller has already fetched and authorised the licence (store.access.access_licence). The read is a
fixed number of queries however long the history: the history (one), the reader's roles (two).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User

from vatspilot.domain.licences.certificate import LicensedService
from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceState
from vatspilot.domain.licences.status import effective_state
from vatspilot.queries.licence_filings import LicenceFilings, licence_filings
from vatspilot.queries.network_exits import ExitSection, exit_section
from vatspilot.services.licences.certificate import SigningKeyMissing, signing_keys
from vatspilot.services.licences.lifecycle import available_actions
from vatspilot.services.vocabulary import LICENCE_HISTORY_EVENTS, LICENCE_HISTORY_STATES, LICENCE_STATES
from vatspilot.store.models import Licence, LicenceEvent


@dataclass(frozen=True)
class LicenceStep:
    """One step of the licence's life, with its words in the reader's language and the official's note."""

    on: date
    action: str
    action_label: str
    from_state_label: str
    to_state_label: str
    note: str


@dataclass(frozen=True)
class LicenceDetail:
    number: str
    application_id: int
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    services: tuple[LicensedService, ...]
    conditions: tuple[str, ...]
    issued_on: date
    valid_until: date
    version: int
    status: LicenceState  # effective on the day asked about
    status_label: str
    history: tuple[LicenceStep, ...]
    actions: tuple[LicenceAction, ...]  # the decisions open to the reader, in the table's order
    certificate_available: bool  # the platform has its signing key: the certificate can be made now
    network_exit: ExitSection | None = None  # after a revocation or cancellation (queries.network_exits)
    filings: LicenceFilings | None = None  # the holder's change filings and renewals (queries.licence_filings)


def _label(labels: Mapping[str, object], code: str) -> str:
    # A code no vocabulary names (an empty "before" of the issuance) reads as itself.
    return str(labels.get(code, code))


def _step(event: LicenceEvent) -> LicenceStep:
    return LicenceStep(
        on=event.on,
        action=event.action,
        # The history holds the network exit's steps too (their states the exit's).
        action_label=_label(LICENCE_HISTORY_EVENTS, event.action),
        from_state_label=_label(LICENCE_HISTORY_STATES, event.from_state),
        to_state_label=_label(LICENCE_HISTORY_STATES, event.to_state),
        note=event.note,
    )


def _certificate_available() -> bool:
    try:
        signing_keys()
    except SigningKeyMissing:
        return False
    return True


def licence_detail(actor: User, licence: Licence, *, today: date) -> LicenceDetail:
    """The licence page's content for ``actor`` on ``today``; history oldest first, by the steps' dates
    (a step recorded late is shown on the day it took effect)."""
    status = effective_state(LicenceState(licence.status), licence.valid_until, today)
    events = LicenceEvent.objects.filter(licence=licence).order_by("on", "at", "id")
    return LicenceDetail(
        number=licence.number,
        application_id=licence.application_id,
        holder_name_zh=licence.holder_name_zh,
        holder_name_en=licence.holder_name_en,
        uscc=licence.uscc,
        services=licence.licensed_services(),
        conditions=licence.condition_lines(),
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
        version=licence.version,
        status=status,
        status_label=_label(LICENCE_STATES, status.value),
        history=tuple(_step(event) for event in events),
        actions=tuple(available_actions(actor, licence, on=today)),
        certificate_available=_certificate_available(),
        network_exit=exit_section(actor, licence, today=today),
        filings=licence_filings(actor, licence, today=today),
    )
