"""examples/api/file_application.py, the law firm's filing script, run as a process of its own against a
live server (pytest-django's live_server, in a thread of this process): it checks eligibility, opens a
draft, fills the dossier, uploads what the checklist asks for, submits and prints the tracking number.
Asserted on the database: the application exists, submitted, with exactly the documents required, each
uploaded once by the token's user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pilot_world import DOSSIER, PDF, SHANGHAI, World, build_world
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import Application, DocumentVersion

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "api" / "file_application.py"
REQUIRED = [
    "articles-of-association",
    "business-licence",
    "business-plan",
    "contingency-plan",
    "data-security-measures",
    "lawful-operation-undertaking",
    "network-topology-domestic",
    "network-topology-overseas",
    "ownership-structure-statement",
    "service-quality-measures",
    "technical-solution",
]


def profile(**changes: Any) -> dict[str, Any]:
    return {
        "schema": "vatspilot/profile/v1",
        "name": SHANGHAI.name,
        "uscc": SHANGHAI.uscc,
        "registration": {"division_code": SHANGHAI.division_code},
        "registered_capital_cny": 10000000,
        "shareholders": DOSSIER["ownership"],
        "services": DOSSIER["services"],
        "service_area": DOSSIER["service_area"],
        **changes,
    }


@pytest.fixture
def live_world(live_server: LiveServer, settings: Settings) -> World:
    """Asking for live_server makes the test transactional: the server's thread sees the world."""
    settings.VATSPILOT_TODAY = "2026-06-01"
    return build_world(base_url=live_server.url)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The client's documents: one PDF per kind, and a file no checklist asks for."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for kind in REQUIRED:
        (documents / f"{kind}.pdf").write_bytes(PDF + kind.encode())
    (documents / "notes.txt").write_text("not for the platform", encoding="utf-8")
    return documents


def run_script(world: World, data: dict[str, Any], folder: Path, tmp_path: Path, scope: str = "write") -> Any:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    token = create_api_token(actor=world.applicant, name="law firm", scope=scope).secret
    env = {**os.environ, "VATSPILOT_URL": world.base_url, "VATSPILOT_TOKEN": token}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--profile", str(path), "--documents", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_script_files_and_submits_an_application(live_world: World, folder: Path, tmp_path: Path) -> None:
    done = run_script(live_world, profile(), folder, tmp_path)

    assert done.returncode == 0, done.stderr
    application = Application.objects.get()
    assert application.organisation == live_world.organisation
    assert application.status == "submitted"
    assert application.tracking_number
    assert done.stdout.splitlines()[-1] == f"Submitted. Tracking number: {application.tracking_number}"
    assert f"Draft application #{application.pk} opened" in done.stdout
    versions = DocumentVersion.objects.filter(document__application=application)
    assert sorted(versions.values_list("document__kind", "number", "uploaded_by__username")) == [
        (kind, 1, "applicant") for kind in REQUIRED
    ]
    assert sorted(versions.values_list("sanitised_name", flat=True)) == [f"{kind}.pdf" for kind in REQUIRED]
    assert application.services == DOSSIER["services"]


def test_the_script_files_nothing_for_an_ineligible_profile(live_world: World, folder: Path, tmp_path: Path) -> None:
    done = run_script(live_world, profile(services=[{"code": "B25-01", "content": ["news"]}]), folder, tmp_path)

    assert done.returncode == 1
    assert done.stdout == "  B25-01: ineligible\n"
    assert done.stderr == "Not eligible (ineligible): nothing was filed.\n"
    assert Application.objects.count() == 0


def test_the_script_reports_the_platforms_refusal(live_world: World, folder: Path, tmp_path: Path) -> None:
    done = run_script(live_world, profile(), folder, tmp_path, scope="read")

    assert done.returncode == 1
    assert done.stderr.startswith("refused: POST /api/v1/applications: 403 ")
    assert Application.objects.count() == 0
