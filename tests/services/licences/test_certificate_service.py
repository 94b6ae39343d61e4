"""A licence's certificate: its content from the register, and the verdict for each status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pilot_world import World

from vatspilot.domain.applications import State
from vatspilot.domain.licences.certificate import CertificateContent, LicensedService
from vatspilot.services.licences.certificate import (
    CertificateVerdict,
    SigningKeyMissing,
    certificate_content,
    signed_certificate,
    verify_certificate,
)
from vatspilot.services.licences.signing_key import init_signing_key
from vatspilot.store.models import Licence

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
PUDONG_EN, PUDONG_ZH = ("Shanghai Pudong New Area and Lin-gang",), ("上海市浦东新区和临港新片区",)


def test_the_content_is_the_registers(world: World, settings: object) -> None:
    settings.VATSPILOT_PUBLIC_URL = "https://vatspilot.example"  # type: ignore[attr-defined]
    world.drive_to(State.APPROVED)
    assert certificate_content(Licence.objects.get()) == CertificateContent(
        number=NUMBER,
        holder_name_zh="Harbour Cloud (Shanghai) Co., Ltd.",
        holder_name_en="",
        uscc="91310115MA1FL1234M",
        services=(
            LicensedService(
                "B11",
                "Internet data center (IDC), incl. internet resource collaboration",
                "互联网数据中心业务",
                PUDONG_EN,
                PUDONG_ZH,
            ),
            LicensedService(
                "B25-05", "Information protection and processing", "信息保护和处理服务", PUDONG_EN, PUDONG_ZH
            ),
        ),
        conditions=("logs 180 days",),
        issued_on=date(2025, 6, 3),
        valid_until=date(2030, 6, 2),
        authority_en="Ministry of Industry and Information Technology of the People's Republic of China",
        authority_zh="中华人民共和国工业和信息化部",
        verification_url=f"https://vatspilot.example/verify/{NUMBER}/",
    )


def test_without_keys_signing_says_what_to_run(world: World, settings: object, tmp_path: Path) -> None:
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path  # type: ignore[attr-defined]
    world.drive_to(State.APPROVED)
    with pytest.raises(SigningKeyMissing, match="run `vatspilot keys init` first"):
        signed_certificate(Licence.objects.get())


def test_online_the_verdict_is_the_licences_status(world: World, settings: object, tmp_path: Path) -> None:
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path  # type: ignore[attr-defined]
    init_signing_key(tmp_path, organisation="vatspilot", common_name="test", now=datetime.now(UTC))
    world.drive_to(State.APPROVED)
    pdf = signed_certificate(Licence.objects.get())
    today = date(2026, 12, 1)
    answers = {}
    for status in ("valid", "suspended", "revoked", "cancelled", "expired"):
        # Written straight in: the lifecycle's writers are not what is tested here.
        Licence.objects.update(status=status)
        verdict = verify_certificate(pdf, offline=False, today=today)
        answers[status] = (verdict.verdict, verdict.number, verdict.reason)
    assert answers == {
        "valid": (CertificateVerdict.VALID, NUMBER, "in the register, valid until 2030-06-02"),
        "suspended": (CertificateVerdict.SUSPENDED, NUMBER, "the licence is suspended"),
        "revoked": (CertificateVerdict.REVOKED, NUMBER, "the licence was revoked"),
        "cancelled": (CertificateVerdict.CANCELLED, NUMBER, "the licence was cancelled"),
        "expired": (CertificateVerdict.EXPIRED, NUMBER, "the licence's validity ended on 2030-06-02"),
    }
    # Past its last day, a suspended licence is expired too (domain.licences.status).
    Licence.objects.update(status="suspended")
    late = verify_certificate(pdf, offline=False, today=date(2030, 6, 3))
    assert (late.verdict, late.reason) == (CertificateVerdict.EXPIRED, "the licence's validity ended on 2030-06-02")
    # Revoked since, and the holder's name changed: both said.
    Licence.objects.update(status="revoked", holder_name_en="Renamed Ltd.")
    verdict = verify_certificate(pdf, offline=False, today=today)
    assert (verdict.verdict, verdict.reason, verdict.differences) == (
        CertificateVerdict.REVOKED,
        "the licence was revoked; the certificate's holder no longer match the register",
        ("holder",),
    )
    # Not in the register at all (a key that signed a number the platform never issued).
    Licence.objects.update(number="B1.B2-20259999")
    verdict = verify_certificate(pdf, offline=False, today=today)
    assert (verdict.verdict, verdict.number, verdict.reason) == (
        CertificateVerdict.NOT_GENUINE,
        NUMBER,
        "no licence with this number in the register",
    )
    # Offline, only the dates it states.
    offline = verify_certificate(pdf, offline=True, today=date(2030, 6, 3))
    assert (offline.verdict, offline.reason) == (
        CertificateVerdict.EXPIRED,
        "genuine, but its validity ended on 2030-06-02 (the register was not consulted)",
    )
