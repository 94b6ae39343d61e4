"""Turn a DATABASE_URL into a Django DATABASES entry.

Two forms are understood, the only two the platform runs on:

- ``sqlite:///relative/path.sqlite3`` (relative to the repository root), ``sqlite:////absolute/path``
  or ``sqlite:///:memory:``;
- ``postgres://user[:password]@host[:port]/dbname[?option=value...]`` (also ``postgresql://``), the
  query options going to psycopg unchanged (``sslmode``, ``connect_timeout``...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Every SQLite connection: WAL lets readers go on while one writer writes; IMMEDIATE takes the write
# lock when a transaction begins, so two writers queue up instead of failing half-way ("database is
# locked" on lock upgrade); the timeout is how long a writer waits in that queue.
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

_POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})


def parse_database_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Return the DATABASES["default"] dict for ``url``; relative SQLite paths resolve under base_dir."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return _sqlite(url, base_dir)
    if parts.scheme in _POSTGRES_SCHEMES:
        name = unquote(parts.path.lstrip("/"))
        if not name or not parts.hostname:
            raise ImproperlyConfigured(f"DATABASE_URL needs a host and a database name: {_redacted(url)}")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:/// or postgres://, not {parts.scheme or '(nothing)'}://"
    )


def _sqlite(url: str, base_dir: Path) -> dict[str, Any]:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix:
        raise ImproperlyConfigured(f"a SQLite DATABASE_URL reads sqlite:///PATH, not {url}")
    raw = url[len(prefix) :]
    if raw == ":memory:":
        name: str | Path = ":memory:"
    else:
        path = Path(unquote(raw))
        name = path if path.is_absolute() else base_dir / path
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": dict(SQLITE_OPTIONS)}


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
