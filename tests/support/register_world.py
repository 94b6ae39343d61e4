"""Licences for the public register's tests, on applications of the standard world (pilot_world).

The register shows what licences state; how a licence came to be in a state is the lifecycle's tests'
business, so these rows are written straight in. The first licence rests on an application approved
through the services (its documents and dossier are real) and carries sentinel strings wherever personal or
internal data lives (an official's username and e-mail, the timeline's notes, the dossier's owners, the
decision's reasons), for the privacy tests to look for on every public page. When issuance on approval
already made that application's licence, the same row is used and set to the values below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from pilot_world import BASIS, World, make_organisation, make_user, place_application

from vatspilot.domain.applications import Role, State
from vatspilot.store.models import Application, Decision, DocumentVersion, Licence, LicenceEvent, Organisation

TODAY = date(2026, 12, 10)

SENTINEL_USERNAME = "sentinel_official_qx7"
SENTINEL_EMAIL = "sentinel.mailbox.qx7@example.cn"
SENTINEL_NOTES = ("SENTINEL-NOTE-suspension-qx7", "SENTINEL-NOTE-reinstatement-qx7", "SENTINEL-NOTE-issue-qx7")
SENTINEL_OWNER = "Sentinel Shareholder Qx7 Holdings"
SENTINEL_REASONS = "SENTINEL-DECISION-REASONS-qx7"

B11 = {
    "code": "B11",
    "name_en": "Internet data center (IDC)",
    "name_zh": "互联网数据中心业务",
    "areas_en": ["Shanghai"],
    "areas_zh": ["上海市"],
}
B25_05 = {
    "code": "B25-05",
    "name_en": "Information protection and processing",
    "name_zh": "信息保护和处理服务",
    "areas_en": ["Nationwide"],
    "areas_zh": ["全国"],
}
B21 = {
    "code": "B21",
    "name_en": "Online data processing and transaction processing",
    "name_zh": "在线数据处理与交易处理业务",
    "areas_en": ["Beijing", "Tianjin"],
    "areas_zh": ["北京市", "天津市"],
}


@dataclass
class Register:
    world: World
    official: AbstractUser
    valid: Licence  # valid, with a suspension and a reinstatement on its timeline
    suspended: Licence
    expired_by_date: Licence  # stored valid, past its last day on TODAY
    expired: Licence  # stored expired
    revoked: Licence
    cancelled: Licence

    def document_names(self) -> list[str]:
        names = DocumentVersion.objects.values_list("original_name", "sanitised_name")
        return sorted({name for pair in names for name in pair if name})


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def add_licence(
    organisation: Organisation,
    number: str,
    *,
    actor: AbstractUser,
    application: Application | None = None,
    **fields: Any,
) -> Licence:
    """A licence numbered ``number`` for ``organisation``, on a fresh approved application and decision
    unless ``application`` (already decided) is given; ``fields`` override the defaults."""
    if application is None:
        application = place_application(organisation, State.APPROVED.value)
        Decision.objects.create(
            application=application,
            outcome=State.APPROVED.value,
            legal_basis=BASIS,
            reasons=SENTINEL_REASONS,
            determination={},
            rulebook_version="test",
            actor=actor,
            decided_at=timezone.now(),
        )
    values: dict[str, Any] = {
        "holder_name_zh": organisation.name_zh or organisation.name,
        "holder_name_en": organisation.name,
        "uscc": organisation.uscc,
        "services": [B11],
        "conditions": [],
        "issued_on": date(2025, 6, 3),
        "valid_until": date(2030, 6, 2),
        "status": "valid",
        "rulebook_version": "test",
    }
    values.update(fields)
    existing = Licence.objects.filter(application=application).first()
    if existing is not None:
        # Issuance on approval made it: the same row, set to the values asked for.
        Licence.objects.filter(pk=existing.pk).update(number=number, organisation=organisation, **values)
        return Licence.objects.get(pk=existing.pk)
    return Licence.objects.create(
        number=number,
        application=application,
        decision=Decision.objects.get(application=application),
        organisation=organisation,
        **values,
    )


def add_event(
    licence: Licence,
    action: str,
    from_state: str,
    to_state: str,
    on: date,
    *,
    actor: AbstractUser | None,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> LicenceEvent:
    return LicenceEvent.objects.create(
        licence=licence,
        action=action,
        from_state=from_state,
        to_state=to_state,
        on=on,
        at=_at(on),
        actor=actor,
        role=Role.MIIT_REVIEWER.value,
        note=note,
        details=details or {},
    )


def build_register(world: World) -> Register:
    official = make_user(SENTINEL_USERNAME, Role.MIIT_REVIEWER.value, email=SENTINEL_EMAIL)
    shanghai = world.organisation
    beijing = world.other_organisation
    Organisation.objects.filter(pk=shanghai.pk).update(name_zh="港湾云（上海）有限公司")
    Organisation.objects.filter(pk=beijing.pk).update(name_zh="北方数据（北京）有限公司")
    shanghai.refresh_from_db()
    beijing.refresh_from_db()

    approved = world.drive_to(State.APPROVED)
    Application.objects.filter(pk=approved.pk).update(
        ownership=[{"name": SENTINEL_OWNER, "jurisdiction": "HK", "percent": 100}]
    )
    valid = add_licence(
        shanghai,
        "B1-20250001",
        actor=official,
        application=approved,
        services=[B11, B25_05],
        conditions=["Keep access logs for 180 days"],
    )
    if not valid.events.filter(action="issue").exists():
        add_event(valid, "issue", "", "valid", date(2025, 6, 3), actor=official, note=SENTINEL_NOTES[2])
    add_event(
        valid,
        "suspend",
        "valid",
        "suspended",
        date(2026, 3, 2),
        actor=official,
        note=SENTINEL_NOTES[0],
        details={"until": "2026-04-01"},
    )
    add_event(valid, "reinstate", "suspended", "valid", date(2026, 4, 1), actor=official, note=SENTINEL_NOTES[1])

    suspended = add_licence(
        beijing,
        "B2-20250002",
        actor=official,
        services=[B21],
        issued_on=date(2025, 9, 1),
        valid_until=date(2030, 8, 31),
        status="suspended",
    )
    expired_by_date = add_licence(
        shanghai,
        "B1-20210003",
        actor=official,
        issued_on=date(2021, 12, 2),
        valid_until=date(2026, 12, 1),
    )
    expired = add_licence(
        shanghai,
        "B1-20200004",
        actor=official,
        issued_on=date(2020, 11, 2),
        valid_until=date(2025, 11, 1),
        status="expired",
    )
    revoked = add_licence(
        beijing,
        "B1.B2-20250005",
        actor=official,
        services=[B11, B21],
        issued_on=date(2025, 10, 9),
        valid_until=date(2030, 10, 8),
        status="revoked",
    )
    cancelled = add_licence(
        beijing,
        "B2-20250006",
        actor=official,
        services=[B21],
        issued_on=date(2025, 11, 3),
        valid_until=date(2030, 11, 2),
        status="cancelled",
    )
    return Register(world, official, valid, suspended, expired_by_date, expired, revoked, cancelled)


def more_licences(count: int, *, actor: AbstractUser, first_serial: int = 100) -> list[Licence]:
    """``count`` more licences, each its own holder, for the tests that hold a read's query count fixed."""
    made = []
    for index in range(count):
        serial = first_serial + index
        organisation = make_organisation(
            name=f"Extra Holder {serial} Co., Ltd.", uscc=_uscc(serial), division_code="320102"
        )
        made.append(add_licence(organisation, f"B1-2025{serial:04d}", actor=actor))
    return made


def _uscc(serial: int) -> str:
    from stdnum.cn import uscc

    body = f"91320102MA{serial:07d}"[:17]
    return body + uscc.calc_check_digit(body)
