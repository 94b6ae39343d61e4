"""The demo data set (`vatspilot demo`) built once for a test module: inside a transaction rolled back after
the module's last test, each test in its own nested transaction (pytest-django's ``db``)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.test import override_settings

from vatspilot.demo.data import create_demo

# The passwords' hashing is the accounts tests' business: here sixteen Argon2 hashes would take most of
# the build's time.
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def demo_built(day: date, media: Path) -> Iterator[None]:
    """The demo as built on ``day``, its files under ``media``; call with the database unblocked."""
    with (
        override_settings(MEDIA_ROOT=media, VATSPILOT_REPORT_DIR=media / "reports", PASSWORD_HASHERS=FAST_HASHING),
        transaction.atomic(),
    ):
        # The jurisdictions are data of a migration that the test database's flush has emptied.
        importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
        create_demo(day)
        yield
        transaction.set_rollback(True)
