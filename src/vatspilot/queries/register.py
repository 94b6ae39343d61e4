"""The public register of licences: search, one licence with its history, and the bulk export.

Anyone may read it without signing in, so these read models hold only what a licence states publicly
(holder, USCC, services and areas, conditions, validity, status) and each step's date, action, states and
public particulars. Nothing personal is ever read into them: no account, e-mail, actor, role or official's
note, no document and no dossier. Each read is one query however many licences there are (an entry, two:
the licence and its timeline).

The export's columns are declared once (EXPORT_COLUMNS) and written as CSV and as XLSX alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import connection

from vatspilot.domain.licences.certificate import LicensedService
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.domain.licences.status import effective_state
from vatspilot.queries.exports import ExportColumn, ExportTable, export_table
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.store.models import Jurisdiction, Licence, LicenceEvent, Organisation
from vatspilot.store.validators import province_code


@dataclass(frozen=True)
class RegisterLicence:
    """A licence as the public sees it. ``status`` is the effective status on the day asked about;
    ``region`` the province-level division code of the holder's place of registration."""

    number: str
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    region: str
    services: tuple[LicensedService, ...]
    conditions: tuple[str, ...]
    valid_from: date
    valid_until: date
    status: LicenceState


@dataclass(frozen=True)
class RegisterEvent:
    """One step of the licence's life: when, what, between which states, and its public particulars as
    (name, value) pairs, each value as the event stored it (a text, a number, a flag, a list or a mapping;
    the register's page writes them for its reader). Who took it and why (actor, role, note) are
    deliberately not here."""

    on: date
    action: str
    from_state: str
    to_state: str
    details: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class RegisterEntry:
    licence: RegisterLicence
    history: tuple[RegisterEvent, ...]


@dataclass(frozen=True)
class Named:
    """A code with its names, for the search form's choices (a region, a service)."""

    code: str
    name_en: str
    name_zh: str


def register_regions() -> list[Named]:
    """The province-level jurisdictions a holder may be registered in, by code."""
    return [Named(j.code, j.name_en, j.name_zh) for j in Jurisdiction.objects.order_by("code")]


def register_services(today: date) -> list[Named]:
    """The catalogue's service codes in force on ``today``, by code."""
    services = default_rulebook().in_force(today).services
    return [Named(code, services[code].name.en, services[code].name.zh) for code in sorted(services)]


# Newest first; among the licences of one day, by number (unique): the API pages by this key (valid_from,
# number), so the order is the key's own.
REGISTER_ORDER = ("-issued_on", "-number")


def register_key(licence: RegisterLicence) -> tuple[date, str]:
    return (licence.valid_from, licence.number)


# A licence with its holder's division code (its region).
Row = tuple[Licence, str]


def _licences(where: Iterable[str] = (), params: Iterable[object] = ()) -> list[Row]:
    """The licences matching every condition in ``where`` (SQL over ``l``, the licence), newest first
    (REGISTER_ORDER), each with its holder's division code.

    One statement written out rather than composed through the ORM: the register is the public's hot
    path (every search, every licence looked up, rate limited only per address), and Django composing
    and compiling this join on every request cost twice the query itself. Plain SQL that SQLite and
    PostgreSQL read alike; ``raw`` applies each field's own conversion (the JSON lists, the dates)."""
    licence, organisation = Licence._meta.db_table, Organisation._meta.db_table
    conditions = " AND ".join(where)
    sql = (
        "SELECT l.id, l.number, l.holder_name_zh, l.holder_name_en, l.uscc, l.services, l.conditions, "
        "l.issued_on, l.valid_until, l.status, o.division_code AS holder_division "
        f"FROM {licence} l JOIN {organisation} o ON o.id = l.organisation_id "
        f"{'WHERE ' + conditions if conditions else ''} ORDER BY l.issued_on DESC, l.number DESC"
    )
    # The division code comes as the statement's extra column, an attribute the model does not declare.
    return [(licence, licence.holder_division) for licence in Licence.objects.raw(sql, list(params))]  # type: ignore[attr-defined]


def _containing(column: str) -> str:
    """``column`` contains the parameter's text, case-insensitively (as the ORM's icontains reads)."""
    return f"UPPER({column}) LIKE UPPER(%s) ESCAPE '\\'"


def _like(text: str) -> str:
    return f"%{connection.ops.prep_for_like_query(text)}%"


def _public(row: Row, today: date) -> RegisterLicence:
    licence, division = row
    services = licence.licensed_services()
    return RegisterLicence(
        number=licence.number,
        holder_name_zh=licence.holder_name_zh,
        holder_name_en=licence.holder_name_en,
        uscc=licence.uscc,
        region=province_code(division),
        services=services,
        conditions=licence.condition_lines(),
        valid_from=licence.issued_on,
        valid_until=licence.valid_until,
        status=effective_state(LicenceState(licence.status), licence.valid_until, today),
    )


def search_register(
    *,
    text: str = "",
    number: str = "",
    uscc: str = "",
    region: str = "",
    service: str = "",
    status: LicenceState | None = None,
    today: date,
) -> list[RegisterLicence]:
    """The licences matching every filter given (an empty filter matches all), newest first.

    ``text`` is part of the holder's Chinese or English name and ``number`` part of the licence number,
    both case-insensitively; ``uscc`` is the whole code; ``region`` a province-level division code;
    ``service`` a catalogue code among the licensed services; ``status`` the effective status on ``today``.
    Region, service and status are judged on the rows read (the region and status by their one definition,
    the service inside the JSON list, which SQLite cannot search): the pilot's register is small.
    """
    where: list[str] = []
    params: list[object] = []
    if text.strip():
        where.append(f"({_containing('l.holder_name_zh')} OR {_containing('l.holder_name_en')})")
        params += [_like(text.strip())] * 2
    if number.strip():
        where.append(_containing("l.number"))
        params.append(_like(number.strip()))
    if uscc.strip():
        where.append("l.uscc = %s")
        params.append(uscc.strip().upper())
    rows = [_public(row, today) for row in _licences(where, params)]
    return [
        row
        for row in rows
        if (not region or row.region == region)
        and (not service or any(s.code == service for s in row.services))
        and (status is None or row.status is status)
    ]


def _event(event: LicenceEvent) -> RegisterEvent:
    details = event.details if isinstance(event.details, Mapping) else {}
    return RegisterEvent(
        on=event.on,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        details=tuple((str(key), value) for key, value in sorted(details.items())),
    )


def _licence_numbered(number: str) -> Row | None:
    if "\x00" in number:  # names none: PostgreSQL would refuse the query itself
        return None
    found = _licences(["l.number = %s"], [number])
    return found[0] if found else None


def register_licence(number: str, *, today: date) -> RegisterLicence | None:
    """The licence numbered ``number`` as the public sees it, without its history (one query); None when
    there is none."""
    row = _licence_numbered(number)
    return None if row is None else _public(row, today)


def register_entry(number: str, *, today: date) -> RegisterEntry | None:
    """The licence numbered ``number`` with its history by the steps' dates, oldest first (a step recorded
    late is shown on the day it took effect); None when there is none."""
    row = _licence_numbered(number)
    if row is None:
        return None
    events: Iterable[LicenceEvent] = (
        LicenceEvent.objects.filter(licence=row[0])
        .only("on", "action", "from_state", "to_state", "details", "at")
        .order_by("on", "at", "id")
    )
    return RegisterEntry(licence=_public(row, today), history=tuple(_event(event) for event in events))


def _areas(services: tuple[LicensedService, ...], chinese: bool) -> str:
    # Each language's list separator: the enumeration comma in Chinese.
    return "; ".join(f"{s.code}: {'、'.join(s.areas_zh) if chinese else ', '.join(s.areas_en)}" for s in services)


# The export's columns, declared once for the CSV and the XLSX; the headers are stable for whoever loads
# the file. The widths are the spreadsheet's, in characters.
EXPORT_COLUMNS: tuple[ExportColumn[RegisterLicence], ...] = (
    ExportColumn("number", 18, lambda licence: licence.number),
    ExportColumn("holder_zh", 30, lambda licence: licence.holder_name_zh),
    ExportColumn("holder_en", 40, lambda licence: licence.holder_name_en),
    ExportColumn("uscc", 21, lambda licence: licence.uscc),
    ExportColumn("region", 9, lambda licence: licence.region),
    ExportColumn("services", 16, lambda licence: "; ".join(s.code for s in licence.services)),
    ExportColumn("areas_zh", 30, lambda licence: _areas(licence.services, chinese=True)),
    ExportColumn("areas_en", 40, lambda licence: _areas(licence.services, chinese=False)),
    ExportColumn("status", 11, lambda licence: licence.status.value),
    ExportColumn("valid_from", 12, lambda licence: licence.valid_from),
    ExportColumn("valid_to", 12, lambda licence: licence.valid_until),
)


def register_export(today: date, licences: Iterable[RegisterLicence] | None = None) -> ExportTable:
    """The export of ``licences`` (a search's result, in its order), or of every licence, newest first,
    with their status on ``today``; one row per licence in EXPORT_COLUMNS."""
    chosen = search_register(today=today) if licences is None else licences
    return export_table(f"licence-register-{today.isoformat()}", "licence register", EXPORT_COLUMNS, chosen)
