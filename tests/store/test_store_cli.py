"""The platform commands: `audit verify` exit codes, `migrate` on a fresh SQLite file, `serve`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import transaction
from live_server import free_port

from tests.store.tampering import tamper_update
from vatspilot.cli.main import cli
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Jurisdiction

VATSPILOT = [sys.executable, "-c", "from vatspilot.cli.main import main; main()"]


def append(n: int) -> None:
    subject = Jurisdiction.objects.get(code="310000")
    for i in range(n):
        with transaction.atomic():
            record_audit(actor=None, action="test.appended", obj=subject, before=None, after={"i": i})


@pytest.mark.django_db
def test_audit_verify_exits_0_on_an_intact_chain(jurisdictions):
    append(3)

    result = CliRunner().invoke(cli, ["audit", "verify"])

    assert (result.exit_code, result.output) == (0, "audit chain intact: 3 entries\n")


@pytest.mark.django_db
def test_audit_verify_exits_1_naming_the_first_problem_on_one_line(jurisdictions):
    append(3)
    tamper_update(2, action="test.forged")

    result = CliRunner().invoke(cli, ["audit", "verify"])

    assert result.exit_code == 1
    assert result.output == "audit chain broken at seq 2: edited (content does not match its hash)\n"


def fresh_environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return env


def test_importing_the_platform_commands_does_not_load_django():
    code = "import sys, vatspilot.cli.platform; print('django' in sys.modules)"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout == "False\n"


def test_migrate_builds_a_fresh_sqlite_database_in_wal_mode_and_its_chain_verifies(tmp_path):
    env = fresh_environment(tmp_path)

    migrate = subprocess.run([*VATSPILOT, "migrate", "-q"], env=env, capture_output=True, text=True, timeout=300)
    verify = subprocess.run([*VATSPILOT, "audit", "verify"], env=env, capture_output=True, text=True, timeout=300)

    assert (migrate.returncode, migrate.stderr) == (0, "")
    assert (verify.returncode, verify.stdout) == (0, "audit chain intact: 0 entries\n")
    with sqlite3.connect(tmp_path / "fresh.sqlite3") as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert database.execute("SELECT count(*) FROM store_jurisdiction").fetchone() == (31,)


def test_serve_migrates_and_answers_on_the_chosen_port(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [*VATSPILOT, "serve", "--port", str(port)],
        env=fresh_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
                    status, page = response.status, response.read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer: {server.communicate(timeout=5)[0]}")
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert status == 200
    assert 'name="username"' in page
