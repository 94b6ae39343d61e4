"""An old certificate verified after an approved filing (services.licences.certificate): after a change it
is `not genuine`, naming what the register states otherwise and since when; after a renewal alone it stays
`valid` until the day it names (the reason giving the renewed validity), and is `expired` after it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.services.licences.certificate import CertificateVerdict, signed_certificate, verify_certificate
from vatspilot.services.licences.filings import approve_filing, file_change, file_renewal
from vatspilot.services.licences.signing_key import init_signing_key

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"


@pytest.fixture(autouse=True)
def keys(settings: object, tmp_path: Path) -> None:
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path  # type: ignore[attr-defined]
    init_signing_key(tmp_path, organisation="vatspilot", common_name="test", now=datetime.now(UTC))


def _verdict(pdf: bytes, today: date) -> tuple[object, ...]:
    verdict = verify_certificate(pdf, offline=False, today=today)
    return (verdict.verdict, verdict.number, verdict.reason, verdict.differences)


def test_after_an_approved_name_change_the_old_certificate_is_not_genuine(world: World) -> None:
    licence = world.licence()
    old = signed_certificate(licence)
    filing = file_change(
        actor=world.applicant,
        licence=licence,
        on=date(2025, 7, 20),
        changed_on=date(2025, 7, 1),
        kinds=["name"],
        name_zh="港云（上海）科技有限公司",
    )
    approve_filing(
        actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2025, 8, 5), expected_version=1, reason="ok"
    )
    licence.refresh_from_db()

    assert _verdict(old, date(2025, 9, 1)) == (
        CertificateVerdict.NOT_GENUINE,
        NUMBER,
        "the register has stated other holder since 2025-08-05: ask the holder for the current certificate",
        ("holder",),
    )
    current = signed_certificate(licence)
    assert _verdict(current, date(2025, 9, 1))[0::2] == (
        CertificateVerdict.VALID,
        "in the register, valid until 2030-06-02",
    )


def test_after_a_renewal_the_old_certificate_holds_until_its_own_last_day(world: World) -> None:
    licence = world.licence()
    old = signed_certificate(licence)
    filing = file_renewal(
        actor=world.applicant,
        licence=licence,
        on=date(2030, 3, 1),
        launched={"B11": date(2025, 7, 1), "B25-05": date(2025, 9, 1)},
    )
    approve_filing(
        actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2030, 3, 10), expected_version=1, reason="ok"
    )

    assert _verdict(old, date(2030, 6, 2)) == (
        CertificateVerdict.VALID,
        NUMBER,
        "in the register, renewed until 2035-06-02; this certificate states the validity before the renewal "
        "(until 2030-06-02): download the current certificate",
        ("validity",),
    )
    assert _verdict(old, date(2030, 6, 3)) == (
        CertificateVerdict.EXPIRED,
        NUMBER,
        "this certificate's validity ended on 2030-06-02; the licence was renewed until 2035-06-02: ask the "
        "holder for the current certificate",
        ("validity",),
    )
