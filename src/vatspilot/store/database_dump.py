"""The whole database to one file and back, as the database itself copies it (for `vatspilot backup` and
`vatspilot restore`, services.operations.backup).

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot page by
  page while the site keeps running; the copy is a database file, restored by the same API.
- PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, compressed; the append-only triggers,
  their function and the guard table included), restored by ``pg_restore`` in one transaction, stopping at
  the first error. Both come with the PostgreSQL client (Debian: postgresql-client), of the server's major
  version or newer. The password goes to them in PGPASSWORD, never on a command line others can list.

A restore goes only into an empty database (no table at all), so that nothing of an old one mixes in.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import connections

__all__ = ["DumpFailed", "database_is_empty", "dump_database", "restore_database", "vendor"]

DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
METHODS = {"sqlite": "sqlite-online-backup", "postgresql": "pg_dump-custom"}


class DumpFailed(Exception):
    """The dump or the restore could not be made; the message says why (no password in it)."""


def vendor(alias: str = "default") -> str:
    return str(connections[alias].vendor)


def _settings(alias: str) -> dict[str, Any]:
    return dict(connections[alias].settings_dict)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DumpFailed(f"{name} is not installed: install the PostgreSQL client (Debian: postgresql-client)")
    return found


def _pg_command(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The connection options for pg_dump and pg_restore, and their environment (the password)."""
    options = ["--host", str(settings["HOST"] or "localhost"), "--dbname", str(settings["NAME"])]
    if settings.get("PORT"):
        options += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        options += ["--username", str(settings["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    sslmode = (settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return options, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise DumpFailed(f"{Path(command[0]).name} failed: {lines[0] if lines else f'exit {done.returncode}'}")


def dump_database(target: Path, alias: str = "default") -> str:
    """Write the whole database to ``target``; the method's name (``METHODS``)."""
    kind = vendor(alias)
    settings = _settings(alias)
    if kind == "sqlite":
        source = sqlite3.connect(str(settings["NAME"]))
        with closing(source), closing(sqlite3.connect(str(target))) as copy:
            source.backup(copy)
        return METHODS[kind]
    if kind == "postgresql":
        options, env = _pg_command(settings)
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *options],
            env,
        )
        return METHODS[kind]
    raise DumpFailed(f"no dump for a {kind} database")


def database_is_empty(alias: str = "default") -> bool:
    """Whether the database has no table at all (a fresh SQLite file, or a new PostgreSQL database)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore_database(dump: Path, method: str, alias: str = "default") -> None:
    """Load ``dump`` (written by dump_database with ``method``) into the empty database ``alias``."""
    kind = vendor(alias)
    if METHODS.get(kind) != method:
        raise DumpFailed(f"the archive holds a {method} dump; this database is {kind}")
    settings = _settings(alias)
    connections[alias].close()
    if kind == "sqlite":
        with closing(sqlite3.connect(str(dump))) as source, closing(sqlite3.connect(str(settings["NAME"]))) as into:
            source.backup(into)
        return
    options, env = _pg_command(settings)
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *options,
            str(dump),
        ],
        env,
    )
