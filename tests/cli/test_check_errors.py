"""Bad input through the real command line: exit 2, one line on stderr that starts with the JSON pointer
(or the option) of what is wrong, nothing on stdout, never a traceback."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

VATSPILOT = Path(sys.executable).parent / "vatspilot"

BASE_PROFILE: dict[str, Any] = {
    "name": "Jingwei Cloud Co. Ltd.",
    "registration": {"division_code": "110105"},
    "registered_capital_cny": 10_000_000,
    "shareholders": [
        {"name": "Northwind Cloud Inc.", "jurisdiction": "US", "percent": 40},
        {"name": "Jingwei Group", "jurisdiction": "CN", "percent": 60},
    ],
    "services": [{"code": "B11"}],
    "service_area": {"kind": "provincial"},
}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VATSPILOT), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def write_profile(tmp_path: Path, profile: Any) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    return path


def assert_bad_input(result: subprocess.CompletedProcess[str], pointer: str) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines}"
    line = lines[0]
    assert line.startswith(pointer + ": "), f"expected the line to start with {pointer!r}: {line!r}"
    assert len(line) > len(pointer) + 2, "the line says nothing about what is wrong"
    return line


def variant(**changes: Any) -> dict[str, Any]:
    profile = copy.deepcopy(BASE_PROFILE)
    profile.update(copy.deepcopy(changes))
    return profile


def without(key: str) -> dict[str, Any]:
    profile = copy.deepcopy(BASE_PROFILE)
    del profile[key]
    return profile


def chain(levels: int) -> list[dict[str, Any]]:
    """`levels` nested shareholders lists; the deepest holds a foreign and a domestic half."""
    holders: list[dict[str, Any]] = [
        {"name": f"Level {levels} Partner Ltd", "jurisdiction": "GB", "percent": 50},
        {"name": f"Level {levels} Holding Co.", "jurisdiction": "CN", "percent": 50},
    ]
    for level in range(levels - 1, 0, -1):
        holders = [
            {"name": f"Level {level} Holding Co.", "jurisdiction": "CN", "percent": 100, "shareholders": holders}
        ]
    return holders


DEEP_21 = "/shareholders" + "/0/shareholders" * 20

# (id, profile, pointer)
BAD_PROFILES: list[tuple[str, Any, str]] = [
    ("missing-name", without("name"), "/name"),
    ("missing-services", without("services"), "/services"),
    ("unknown-top-level-field", variant(nickname="JW"), "/nickname"),
    (
        "unknown-holder-field",
        variant(shareholders=[{"name": "Jingwei Group", "jurisdiction": "CN", "percent": 100, "stake": 1}]),
        "/shareholders/0/stake",
    ),
    (
        "percent-zero",
        variant(
            shareholders=[
                {"name": "Northwind Cloud Inc.", "jurisdiction": "US", "percent": 0},
                {"name": "Jingwei Group", "jurisdiction": "CN", "percent": 100},
            ]
        ),
        "/shareholders/0/percent",
    ),
    ("division-code-leading-zero", variant(registration={"division_code": "012345"}), "/registration/division_code"),
    ("division-code-five-digits", variant(registration={"division_code": "11010"}), "/registration/division_code"),
    ("unknown-zone", variant(registration={"division_code": "310115", "zones": ["pudong"]}), "/registration/zones/0"),
    (
        "jurisdiction-lowercase",
        variant(shareholders=[{"name": "X", "jurisdiction": "us", "percent": 100}]),
        "/shareholders/0/jurisdiction",
    ),
    ("negative-capital", variant(registered_capital_cny=-1), "/registered_capital_cny"),
    ("capital-as-string", variant(registered_capital_cny="10000000"), "/registered_capital_cny"),
    ("service-area-kind", variant(service_area={"kind": "national"}), "/service_area/kind"),
    ("no-shareholders", variant(shareholders=[]), "/shareholders"),
    ("profile-is-a-list", [BASE_PROFILE], "/"),
    (
        "top-level-shares-add-up-to-90",
        variant(
            shareholders=[
                {"name": "Northwind Cloud Inc.", "jurisdiction": "US", "percent": 40},
                {"name": "Jingwei Group", "jurisdiction": "CN", "percent": 50},
            ]
        ),
        "/shareholders",
    ),
    (
        "nested-shares-add-up-to-110",
        variant(
            shareholders=[
                {
                    "name": "Jingwei Group",
                    "jurisdiction": "CN",
                    "percent": 60,
                    "shareholders": [
                        {"name": "Northwind Cloud Inc.", "jurisdiction": "US", "percent": 60},
                        {"name": "Li Na", "jurisdiction": "CN", "percent": 50},
                    ],
                },
                {"name": "Wang Fang", "jurisdiction": "CN", "percent": 40},
            ]
        ),
        "/shareholders/0/shareholders",
    ),
    (
        "nested-shares-of-second-holder",
        variant(
            shareholders=[
                {"name": "Wang Fang", "jurisdiction": "CN", "percent": 40},
                {
                    "name": "Jingwei Group",
                    "jurisdiction": "CN",
                    "percent": 60,
                    "shareholders": [{"name": "Northwind Cloud Inc.", "jurisdiction": "US", "percent": 99}],
                },
            ]
        ),
        "/shareholders/1/shareholders",
    ),
    ("basic-telecom-a-code", variant(services=[{"code": "A11"}]), "/services/0/code"),
    ("basic-telecom-a-code-second", variant(services=[{"code": "B11"}, {"code": "A24"}]), "/services/1/code"),
    ("unknown-value-added-code", variant(services=[{"code": "B99"}]), "/services/0/code"),
    ("scope-app-store-on-b11", variant(services=[{"code": "B11", "scope": "app-store"}]), "/services/0/scope"),
    (
        "scope-end-user-access-on-b21",
        variant(services=[{"code": "B22"}, {"code": "B21", "scope": "end-user-access"}]),
        "/services/1/scope",
    ),
    ("holding-chain-of-21-levels", variant(shareholders=chain(21)), DEEP_21),
]


@pytest.mark.parametrize(("profile", "pointer"), [pytest.param(p, ptr, id=i) for i, p, ptr in BAD_PROFILES])
def test_bad_profile(tmp_path: Path, profile: Any, pointer: str) -> None:
    path = write_profile(tmp_path, profile)
    assert_bad_input(run(["check", str(path), "--on", "2025-06-01", "--json"], tmp_path), pointer)


def test_holding_chain_of_20_levels_is_accepted(tmp_path: Path) -> None:
    path = write_profile(tmp_path, variant(shareholders=chain(20)))
    result = run(["check", str(path), "--on", "2025-06-01", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["foreign_share"] == 50


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"name": "Jingwei", "registration": ', id="truncated"),
        pytest.param("{'name': 'single quotes'}", id="single-quotes"),
        pytest.param("", id="empty-file"),
        pytest.param('{"name": "x",}', id="trailing-comma"),
    ],
)
def test_malformed_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    line = assert_bad_input(run(["check", str(path), "--on", "2025-06-01", "--json"], tmp_path), str(path))
    assert "JSON" in line


def test_malformed_json_on_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(VATSPILOT), "check", "-", "--on", "2025-06-01"],
        cwd=tmp_path,
        input="{not json",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_bad_input(result, "-")


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    assert_bad_input(run(["check", str(missing), "--on", "2025-06-01"], tmp_path), str(missing))


@pytest.mark.parametrize("on", ["2022-04-30", "2020-01-01"])
def test_date_before_rulebook(tmp_path: Path, on: str) -> None:
    path = write_profile(tmp_path, BASE_PROFILE)
    line = assert_bad_input(run(["check", str(path), "--on", on, "--json"], tmp_path), "--on")
    assert on in line
    assert "2022-05-01" in line


def test_first_day_of_rulebook_is_accepted(tmp_path: Path) -> None:
    path = write_profile(tmp_path, BASE_PROFILE)
    result = run(["check", str(path), "--on", "2022-05-01", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["on"] == "2022-05-01"


@pytest.mark.parametrize("on", ["2025-02-30", "tomorrow", "2025/06/01", "20250601x", ""])
def test_bad_on_value(tmp_path: Path, on: str) -> None:
    path = write_profile(tmp_path, BASE_PROFILE)
    assert_bad_input(run(["check", str(path), "--on", on, "--json"], tmp_path), "--on")


def test_two_problems_still_give_one_line(tmp_path: Path) -> None:
    """A bad date and a bad profile together: one line, not a cascade."""
    path = write_profile(tmp_path, without("name"))
    result = run(["check", str(path), "--on", "not-a-date"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("profile", "pointer"),
    [
        pytest.param(without("name"), "/name", id="missing-name"),
        pytest.param(variant(services=[{"code": "B11", "scope": "app-store"}]), "/services/0/scope", id="scope"),
        pytest.param(variant(services=[{"code": "A11"}]), "/services/0/code", id="a-code"),
    ],
)
def test_bad_profile_in_chinese_keeps_the_pointer(tmp_path: Path, profile: Any, pointer: str) -> None:
    path = write_profile(tmp_path, profile)
    assert_bad_input(run(["check", str(path), "--on", "2025-06-01", "--lang", "zh"], tmp_path), pointer)


def test_date_before_rulebook_in_chinese(tmp_path: Path) -> None:
    path = write_profile(tmp_path, BASE_PROFILE)
    assert_bad_input(run(["check", str(path), "--on", "2022-04-30", "--lang", "zh"], tmp_path), "--on")
