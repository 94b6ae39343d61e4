"""Test-wide plumbing. The suite runs on SQLite by default; with DATABASE_URL=postgres://... it runs on
that server instead (pytest-django creates and drops test_<name>), and an unreachable server stops
the run with an error before any test: asking for PostgreSQL and silently testing nothing would
hide exactly the failures that run is for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings

if TYPE_CHECKING:
    from pilot_world import World

TEST_SECRET_KEY = "tests-only-not-a-secret"


def pytest_configure(config: pytest.Config) -> None:
    # Settings read SECRET_KEY from the environment before any conftest runs; tests sign sessions.
    if not os.environ.get("SECRET_KEY"):
        django_settings.SECRET_KEY = TEST_SECRET_KEY
    # The test client and the live server speak plain HTTP, as `vatspilot serve` does on 127.0.0.1;
    # tests/entrypoints/test_safe_defaults.py checks the HTTPS settings in fresh processes.
    if not os.environ.get("VATSPILOT_HTTPS"):
        django_settings.SECURE_SSL_REDIRECT = False
        django_settings.SESSION_COOKIE_SECURE = False
        django_settings.CSRF_COOKIE_SECURE = False
        django_settings.SECURE_HSTS_SECONDS = 0


def pytest_sessionstart(session: pytest.Session) -> None:
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    try:
        psycopg.connect(
            host=database["HOST"],
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as error:
        pytest.exit(
            f"DATABASE_URL asks for PostgreSQL at {database['HOST']}:{database['PORT']}, which does not "
            f"answer ({error}). Start it, or unset DATABASE_URL to test on SQLite.",
            returncode=1,
        )


@pytest.fixture(autouse=True)
def _media_root(settings: Settings, tmp_path: Path) -> None:
    """Uploaded files go to a fresh folder per test, never to var/media or var/reports; and the platform's
    signing key is looked for there too, never in var/keys, which `make run` fills (a test that needs a key
    makes one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VATSPILOT_REPORT_DIR = tmp_path / "reports"
    settings.VATSPILOT_SIGNING_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def world(db: None) -> World:
    """The standard pilot world of tests/support/pilot_world.py, the one builder every test folder uses.
    Imported here, not at the top: this file loads before Django is set up."""
    from pilot_world import build_world

    return build_world()
