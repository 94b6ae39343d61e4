"""A licence's filings as its page shows them to the holder's members and the officials who see it: the
renewal deadline and the days left, whether the reader may file, each filing with its status, the late
flag, what it states (the particulars filed: these pages are the holder's and the officials', never the
public register's), the eligibility re-check's outcome with its rulebook version, the decision's reason,
and the decisions open to the reader.

The caller has already fetched and authorised the licence (store.access.access_licence) or the filing
(store.access.access_filing). A fixed number of queries however many filings: the filings (one), the
decisions' reasons (one), the reader's roles (two for the filing forms, two for the filings' actions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.licences.filings import ChangeKind, FilingAction, FilingKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.domain.shared.text import Lang
from vatspilot.queries.rule_descriptions import scope_name, service_name
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import legal_text
from vatspilot.services.licences.filing_lifecycle import FILING_EVENT_PREFIX
from vatspilot.services.licences.filings import filing_actions, ineligible_services, may_file, renewal_window
from vatspilot.services.vocabulary import CHANGE_KINDS, FILING_KINDS, FILING_STATES
from vatspilot.store.models import Licence, LicenceEvent, LicenceFiling

__all__ = ["FilingRow", "LicenceFilings", "Recheck", "filing_row", "licence_filings"]

_DECISIONS = (f"{FILING_EVENT_PREFIX}{FilingAction.APPROVE.value}", f"{FILING_EVENT_PREFIX}{FilingAction.REFUSE.value}")


@dataclass(frozen=True)
class Recheck:
    """The eligibility re-check of the particulars as changed: every service eligible, or those that are
    not, under which rulebook version and as of which day."""

    eligible: bool
    ineligible: tuple[str, ...]
    rulebook: str
    on: str


@dataclass(frozen=True)
class FilingRow:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    pending: bool
    filed_on: date
    changed_on: date | None
    late: bool
    change_labels: tuple[str, ...]
    particulars: tuple[tuple[str, str], ...]  # (what, as filed), in the reader's language (the API's)
    # The same for the page: (what, value, how to write it: "day", "amount" or "text"), services and
    # shareholders by their names in the reader's language and punctuation.
    shown: tuple[tuple[str, object, str], ...]
    recheck: Recheck | None
    decided_on: date | None
    decision_note: str  # MIIT's reason for its approval or refusal
    version: int
    actions: tuple[FilingAction, ...]  # the decisions open to the reader, in the table's order


@dataclass(frozen=True)
class LicenceFilings:
    number: str
    live: bool  # the licence is valid or suspended: its renewal deadline still matters
    can_file: bool  # the reader is a member of the holder and the licence is valid or suspended
    change_pending: bool
    renewal_pending: bool
    renewal_deadline: date
    renewal_days_left: int  # negative once the deadline has passed
    renewal_lead_days: int
    valid_until: date
    filings: tuple[FilingRow, ...]  # newest first
    pending_count: int


def _recheck(value: object) -> Recheck | None:
    if not isinstance(value, Mapping):
        return None
    ineligible = tuple(ineligible_services(value))
    services = value.get("services")
    eligible = not ineligible and isinstance(services, list) and bool(services)
    return Recheck(eligible, ineligible, str(value.get("rulebook", "")), str(value.get("on", "")))


def _shareholders(value: object, *, chinese: bool = False) -> str:
    """The shareholders after a change, "name (CN) 60%; ..." (the API's, in every language), or in Chinese
    with its brackets and semicolon for a Chinese page."""
    rows = value if isinstance(value, list) else []
    return ("；" if chinese else "; ").join(
        (
            f"{row.get('name', '')}（{row.get('jurisdiction', '')}）{row.get('percent', '')}%"
            if chinese
            else f"{row.get('name', '')} ({row.get('jurisdiction', '')}) {row.get('percent', '')}%"
        )
        for row in rows
        if isinstance(row, Mapping)
    )


def _services(value: object) -> str:
    rows = value if isinstance(value, list) else []
    return "; ".join(
        "/".join(str(part) for part in (row.get("code"), row.get("scope")) if part)
        for row in rows
        if isinstance(row, Mapping)
    )


def _kinds(changes: Mapping[str, object]) -> list[str]:
    kinds = changes.get("kinds")
    return [str(kind) for kind in kinds] if isinstance(kinds, list) else []


def _lines(filing: LicenceFiling, *, page: bool) -> tuple[tuple[str, object, str], ...]:
    """What the filing states, as (what, value, how to write it: "day", "amount" or "text"). For the API
    (``page`` False) every value a text, services by code and the capital as filed; for the filing's page,
    services and shareholders by their names in the reader's language and punctuation, days and the
    capital for its filters to write the reader's way."""
    chinese = page and legal_text.reader_language() == "zh"
    if filing.kind == FilingKind.RENEWAL.value:
        launched = filing.launched if isinstance(filing.launched, Mapping) else {}
        rulebook = default_rulebook()
        lang: Lang = "zh" if chinese else "en"
        return tuple(
            (
                _("%(code)s %(name)s: launched on")
                % {"code": code, "name": service_name(rulebook, str(code), lang).removeprefix(f"{code} ")}
                if page
                else _("%(code)s launched on") % {"code": code},
                (day if page else str(day)) if day else _("never launched"),
                "day" if page and day else "text",
            )
            for code, day in launched.items()
        )
    changes = filing.changes if isinstance(filing.changes, Mapping) else {}
    kinds = _kinds(changes)
    lines: list[tuple[str, object, str]] = []
    if ChangeKind.NAME.value in kinds:
        lines.append((_("New name (Chinese)"), str(changes.get("name_zh", "")), "text"))
        lines.append((_("New name (English)"), str(changes.get("name_en", "")) or "—", "text"))
    if ChangeKind.LEGAL_REPRESENTATIVE.value in kinds:
        lines.append((_("New legal representative"), str(changes.get("legal_representative", "")), "text"))
    if ChangeKind.CAPITAL.value in kinds:
        capital = changes.get("registered_capital_cny", "")
        if page:
            lines.append((_("New registered capital"), capital, "amount"))
        else:
            lines.append((_("New registered capital (CNY)"), str(capital), "text"))
    if ChangeKind.SHAREHOLDERS.value in kinds:
        shareholders = _shareholders(changes.get("shareholders"), chinese=chinese)
        lines.append((_("Shareholders after the change"), shareholders, "text"))
    if ChangeKind.SCOPE.value in kinds:
        services = changes.get("services")
        lines.append(
            (_("Services after the change"), _services_shown(services) if page else _services(services), "text")
        )
    return tuple(lines)


def _services_shown(value: object) -> str:
    """Each service by its catalogue name, its scope's name after it: "B21 在线数据处理与交易处理业务（电子数据
    交换）"."""
    rows = value if isinstance(value, list) else []
    rulebook = default_rulebook()
    lang: Lang = "zh" if legal_text.reader_language() == "zh" else "en"
    shown: list[str] = []
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        name = service_name(rulebook, str(row.get("code", "")), lang)
        scope = row.get("scope")
        if scope:
            named = scope_name(rulebook, str(row.get("code", "")), str(scope), lang)
            name = f"{name}（{named}）" if lang == "zh" else f"{name} ({named})"
        shown.append(name)
    return ("；" if lang == "zh" else "; ").join(shown)


def _row(filing: LicenceFiling, actions: Sequence[FilingAction], notes: Mapping[int, str]) -> FilingRow:
    changes = filing.changes if isinstance(filing.changes, Mapping) else {}
    kinds = _kinds(changes)
    return FilingRow(
        id=filing.pk,
        kind=filing.kind,
        kind_label=str(FILING_KINDS.get(filing.kind, filing.kind)),
        status=filing.status,
        status_label=str(FILING_STATES.get(filing.status, filing.status)),
        pending=filing.status == FilingState.FILED.value,
        filed_on=filing.filed_on,
        changed_on=filing.changed_on,
        late=filing.late,
        change_labels=tuple(str(CHANGE_KINDS.get(kind, kind)) for kind in kinds),
        particulars=tuple((what, str(value)) for what, value, _how in _lines(filing, page=False)),
        shown=_lines(filing, page=True),
        recheck=_recheck(filing.recheck),
        decided_on=filing.decided_on,
        decision_note=notes.get(filing.pk, ""),
        version=filing.version,
        actions=tuple(actions),
    )


def _decision_notes(licence: Licence) -> dict[int, str]:
    events = LicenceEvent.objects.filter(licence=licence, action__in=_DECISIONS).values_list("details", "note")
    notes: dict[int, str] = {}
    for details, note in events:
        filing = details.get("filing") if isinstance(details, Mapping) else None
        if isinstance(filing, int):
            notes[filing] = note
    return notes


def licence_filings(actor: User, licence: Licence, *, today: date) -> LicenceFilings:
    """The licence's filings panel for ``actor`` on ``today``."""
    filings = list(LicenceFiling.objects.filter(licence=licence).order_by("-filed_on", "-id"))
    for filing in filings:
        filing.licence = licence  # the roles read its organisation: no query per filing
    actions = filing_actions(actor, filings)
    notes = _decision_notes(licence)
    window = renewal_window(licence, today)
    pending = {filing.kind for filing in filings if filing.status == FilingState.FILED.value}
    return LicenceFilings(
        number=licence.number,
        live=licence.status in (LicenceState.VALID.value, LicenceState.SUSPENDED.value),
        can_file=may_file(actor, licence),
        change_pending=FilingKind.CHANGE.value in pending,
        renewal_pending=FilingKind.RENEWAL.value in pending,
        renewal_deadline=window.deadline,
        renewal_days_left=window.days_left,
        renewal_lead_days=window.lead_days,
        valid_until=licence.valid_until,
        filings=tuple(_row(filing, actions[filing.pk], notes) for filing in filings),
        pending_count=sum(1 for filing in filings if filing.status == FilingState.FILED.value),
    )


def filing_row(actor: User, filing: LicenceFiling) -> FilingRow:
    """One filing as its own page shows it to ``actor``."""
    return _row(filing, filing_actions(actor, [filing])[filing.pk], _decision_notes(filing.licence))
