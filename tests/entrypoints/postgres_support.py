"""PostgreSQL for the production tests: which server, and a throwaway database on it.

The tests that need PostgreSQL run in the PostgreSQL pass (`make test-postgres`, DATABASE_URL=postgres://).
On the SQLite pass they skip, except that with CI=true a PostgreSQL server that does not answer at
VATSPILOT_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) fails them: CI must
never pass by testing nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError:
        return False
    return True


def postgres_server_url() -> str:
    """A URL of the PostgreSQL server the suite runs on (its ``postgres`` database), or skip or fail."""
    if connection.vendor == "postgresql":
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path="/postgres", query=""))
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        server = os.environ.get("VATSPILOT_TEST_POSTGRES_URL", DEFAULT_SERVER)
        if not _answers(server):
            pytest.fail(f"CI=true and PostgreSQL does not answer at {server}: the production tests need it")
    pytest.skip("runs on PostgreSQL (make test-postgres, DATABASE_URL=postgres://...)")


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new empty database on the suite's server, dropped afterwards; its DATABASE_URL."""
    import psycopg

    server = postgres_server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
