"""`vatspilot licence`: the certificate written, verified online and offline, tampering caught, the
register listed as JSON; one line on stderr and exit 2 for bad input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pilot_world import World

from vatspilot.cli.main import cli
from vatspilot.domain.applications import State
from vatspilot.services.licences.signing_key import init_signing_key
from vatspilot.store.models import Licence

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"


@pytest.fixture
def issued(world: World, settings: object, tmp_path: Path) -> Path:
    """A licence issued on an approval, the keys in a folder of the test's own, today pinned; returns its
    certificate, written by the command."""
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path / "keys"  # type: ignore[attr-defined]
    settings.VATSPILOT_TODAY = date(2026, 12, 1)  # type: ignore[attr-defined]
    init_signing_key(tmp_path / "keys", organisation="vatspilot", common_name="test", now=datetime.now(UTC))
    world.drive_to(State.APPROVED)
    out = tmp_path / "licence.pdf"
    result = CliRunner().invoke(cli, ["licence", "certificate", NUMBER, "--out", str(out)])
    assert (result.exit_code, result.output) == (0, f"{out}: certificate of {NUMBER}\n")
    return out


def test_a_written_certificate_verifies_valid(issued: Path) -> None:
    result = CliRunner().invoke(cli, ["licence", "verify", str(issued)])
    assert (result.exit_code, result.output) == (0, f"valid {NUMBER}: in the register, valid until 2030-06-02\n")


def test_a_flipped_byte_is_not_genuine(issued: Path, tmp_path: Path) -> None:
    pdf = bytearray(issued.read_bytes())
    pdf[len(pdf) // 4] ^= 0x01
    (tmp_path / "flipped.pdf").write_bytes(bytes(pdf))
    result = CliRunner().invoke(cli, ["licence", "verify", str(tmp_path / "flipped.pdf")])
    assert result.exit_code == 1
    assert result.output.startswith("not genuine -: the signature does not hold (")


def test_offline_needs_no_register(issued: Path, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        result = CliRunner().invoke(cli, ["licence", "verify", "--offline", str(issued)])
    assert (result.exit_code, result.output) == (
        0,
        f"valid {NUMBER}: genuine signature, valid until 2030-06-02 (the register was not consulted)\n",
    )


def test_past_its_last_day_it_is_expired(issued: Path, settings: object) -> None:
    settings.VATSPILOT_TODAY = date(2030, 6, 3)  # type: ignore[attr-defined]
    result = CliRunner().invoke(cli, ["licence", "verify", str(issued)])
    assert (result.exit_code, result.output) == (1, f"expired {NUMBER}: the licence's validity ended on 2030-06-02\n")


def test_a_certificate_the_register_no_longer_states_is_not_genuine(issued: Path) -> None:
    licence = Licence.objects.get()
    # A scope reduction, written straight in (the lifecycle's services come later): one service left.
    Licence.objects.filter(pk=licence.pk).update(services=licence.services[:1])
    result = CliRunner().invoke(cli, ["licence", "verify", str(issued)])
    assert (result.exit_code, result.output) == (
        1,
        f"not genuine {NUMBER}: the register no longer states this certificate's services: "
        "ask the holder for the current one\n",
    )


def test_bad_input_is_one_line_and_exit_2(issued: Path, tmp_path: Path, settings: object) -> None:
    missing = CliRunner().invoke(cli, ["licence", "verify", str(tmp_path / "nothing.pdf")])
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"licence: cannot read {tmp_path / 'nothing.pdf'}: No such file or directory\n",
    )
    unknown = CliRunner().invoke(cli, ["licence", "certificate", "B1-20259999", "--out", str(tmp_path / "x.pdf")])
    assert (unknown.exit_code, unknown.stderr) == (2, "licence: no licence numbered B1-20259999 in the register\n")
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path / "none"  # type: ignore[attr-defined]
    no_key = CliRunner().invoke(cli, ["licence", "certificate", NUMBER, "--out", str(tmp_path / "x.pdf")])
    assert (no_key.exit_code, no_key.stderr) == (
        2,
        f"licence: no licence-signing key in {tmp_path / 'none'}: run `vatspilot keys init` first\n",
    )


def test_list_prints_the_register_as_json(issued: Path) -> None:
    result = CliRunner().invoke(cli, ["licence", "list", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {
            "number": NUMBER,
            "holder": "Harbour Cloud (Shanghai) Co., Ltd.",
            "uscc": "91310115MA1FL1234M",
            "status": "valid",
            "services": ["B11", "B25-05"],
            "areas": ["Shanghai Pudong New Area and Lin-gang"],
            "valid_from": "2025-06-03",
            "valid_to": "2030-06-02",
        }
    ]
    suspended = CliRunner().invoke(cli, ["licence", "list", "--status", "suspended", "--json"])
    assert (suspended.exit_code, json.loads(suspended.output)) == (0, [])
