"""Every hostile JSON case through every entry point: the dossier form, the API and `vatspilot check`.

Each case is a JSON value the strict reader refuses (contracts/strict_json.py). It is put where a
number belongs (a shareholder's percent in the form, the action's items in the API, the registered
capital in the CLI's profile). Every entry point must answer with a 4xx that names the place, or exit 2
with one line on stderr, and write nothing: the rows of every store table are counted before and after.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from pilot_world import ON, World, client_for

from tests.entrypoints.written_rows import application_state, store_rows
from vatspilot.domain.applications import Role, State
from vatspilot.services import applications as svc

VATSPILOT = Path(sys.executable).parent / "vatspilot"

DEEP = "deep"  # the pointer of the first array past 64 levels: depends on how deep the value's place is

# id -> (the JSON value, the code the reader refuses it with, where it points below the value's place)
HOSTILE: dict[str, tuple[str, str, str]] = {
    "duplicate-key": ('{"share": 60, "share": 40}', "json-duplicate-key", "/share"),
    "nan": ("NaN", "json-not-a-number", ""),
    "infinity": ("Infinity", "json-not-a-number", ""),
    "minus-infinity": ("-Infinity", "json-not-a-number", ""),
    "overflowing-float": ("1e999", "json-not-a-number", ""),
    "5000-digit-number": ("9" * 5000, "json-number-too-long", ""),
    "31-digit-number": ("1" * 31, "json-number-too-long", ""),
    "65-levels": ("[" * 65 + "]" * 65, "json-too-deep", DEEP),
    "100000-levels": ("[" * 100_000 + "]" * 100_000, "json-too-deep", DEEP),
    "lone-surrogate": ('"\\ud800"', "json-lone-surrogate", ""),
    "lone-low-surrogate": ('"a\\udc00b"', "json-lone-surrogate", ""),
    "nul": ('"a\\u0000b"', "json-nul", ""),
}
CASES = [pytest.param(value, code, below, id=name) for name, (value, code, below) in HOSTILE.items()]

OWNERSHIP = '[{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": %s}]'
PROFILE = (
    '{"name": "Jingwei Cloud Co. Ltd.", "registration": {"division_code": "110105"}, '
    '"registered_capital_cny": %s, '
    '"shareholders": [{"name": "Jingwei Group", "jurisdiction": "CN", "percent": 100}], '
    '"services": [{"code": "B11"}], "service_area": {"kind": "provincial"}}'
)


def pointer_below(below: str, *, containers: int) -> str:
    """Where below the value's place the reader points, the place being inside ``containers`` levels."""
    return "/0" * (64 - containers) if below == DEEP else below


def dossier_form(ownership: str) -> dict[str, str]:
    return {
        "ownership": ownership,
        "service_area_kind": "provincial",
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "20",
        "services-0-code": "B11",
        "services-0-scope": "",
    }


@pytest.mark.parametrize(("value", "code", "below"), CASES)
def test_the_dossier_form_refuses_it_naming_the_place_and_saves_nothing(
    world: World, value: str, code: str, below: str
) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    client = client_for(world.applicant)  # signing in is audited: count after it
    before, state = store_rows(), application_state(application)

    response = client.post(reverse("web:dossier", args=[application.pk]), dossier_form(OWNERSHIP % value))

    assert response.status_code == 422
    page = response.content.decode()
    assert f"Refused at /0/percent{pointer_below(below, containers=2)} (line 1, column " in page
    assert "Traceback" not in page
    assert (store_rows(), application_state(application)) == (before, state)


@pytest.mark.parametrize(("value", "code", "below"), CASES)
def test_the_api_refuses_it_with_a_400_problem_naming_the_place_and_changes_nothing(
    world: World, value: str, code: str, below: str
) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.users[Role.LOCAL_OFFICER])
    before, state = store_rows(), application_state(application)
    body = f'{{"expected_version": {application.version}, "items": {value}}}'

    response = client.post(
        f"/api/v1/applications/{application.pk}/actions/request_supplement", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["status"], problem["code"]) == (
        "urn:vatspilot:problem:invalid-json",
        400,
        code,
    )
    assert problem["pointer"] == "/items" + pointer_below(below, containers=1)
    assert problem["line"] == 1
    assert (store_rows(), application_state(application)) == (before, state)


@pytest.mark.parametrize(("value", "code", "below"), CASES)
def test_vatspilot_check_exits_2_with_one_line_naming_the_place(
    tmp_path: Path, value: str, code: str, below: str
) -> None:
    path = tmp_path / "profile.json"
    path.write_text(PROFILE % value, encoding="utf-8")

    result = subprocess.run(
        [str(VATSPILOT), "check", str(path), "--on", "2025-06-01"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )

    assert (result.returncode, result.stdout) == (2, "")
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    place = "/registered_capital_cny" + pointer_below(below, containers=1)
    assert lines[0].startswith(f"{path}: JSON at {place} (line 1, column ")


def test_a_file_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "Caf\xe9"}')

    result = subprocess.run(
        [str(VATSPILOT), "check", str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 2
    assert result.stderr == f"{path}: JSON at / (line 1, column 14): the text is not UTF-8\n"


# --- The API's types are strict ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("expected_version", '"%d"', id="version-as-string"),
        pytest.param("expected_version", "true", id="version-as-true"),
        pytest.param("expected_version", "%d.0", id="version-as-float"),
        pytest.param("items", '"one item"', id="items-as-string"),
        pytest.param("items", "[1]", id="items-of-numbers"),
        pytest.param("colour", '"blue"', id="unknown-field"),
    ],
)
def test_the_api_does_not_coerce_types(world: World, field: str, value: str) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.users[Role.LOCAL_OFFICER])
    before, state = store_rows(), application_state(application)
    version = application.version
    fields = {"expected_version": str(version), "items": '["Articles of association"]'}
    fields[field] = value % version if "%d" in value else value
    body = "{" + ", ".join(f'"{name}": {text}' for name, text in fields.items()) + "}"

    response = client.post(
        f"/api/v1/applications/{application.pk}/actions/request_supplement", body, content_type="application/json"
    )

    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["type"] == "urn:vatspilot:problem:invalid-request"
    assert problem["errors"][0]["pointer"].startswith("/" + field)
    assert (store_rows(), application_state(application)) == (before, state)


def test_the_same_body_with_proper_types_is_accepted(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    body = json.dumps({"expected_version": application.version, "items": ["Articles of association"]})

    response = client_for(world.users[Role.LOCAL_OFFICER]).post(
        f"/api/v1/applications/{application.pk}/actions/request_supplement", body, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "formal_supplement"


def test_a_nul_in_an_api_query_parameter_is_a_422_problem_naming_it(world: World) -> None:
    world.drive_to(State.SUBMITTED)

    response = client_for(world.users[Role.LOCAL_OFFICER]).get("/api/v1/applications?status=submitted%00")

    assert response.status_code == 422
    problem = response.json()
    assert (problem["type"], problem["code"], problem["field"]) == (
        "urn:vatspilot:problem:invalid-field",
        "nul",
        "/status",
    )
