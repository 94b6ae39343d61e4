"""`vatspilot backup ARCHIVE` and `vatspilot restore ARCHIVE` (services.operations.backup).

A refusal (an archive that exists already, one whose manifest does not match, a database or folder that
is not empty) exits 2 with one line on stderr and changes nothing; a restored database whose audit chain
does not verify exits 1.

Django is set up inside each command, never at import, so that listing commands stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from vatspilot.cli.errors import EXIT_BAD_INPUT
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _refusal(_: Callable[[str], str], code: str, params: dict[str, str]) -> str:
    problems = {
        "not-listed": _("the archive holds a part its manifest does not list"),
        "not-a-file": _("a part is not a regular file"),
        "size": _("its size differs from the manifest's"),
        "sha256": _("its SHA-256 differs from the manifest's"),
        "missing": _("the manifest lists it but the archive does not hold it"),
    }
    messages = {
        "exists": _("%(path)s exists already: choose a new file name"),
        "not-an-archive": _("%(path)s is not a readable tar archive (%(detail)s)"),
        "no-manifest": _("the archive has no manifest.json: it is not a vatspilot backup"),
        "bad-manifest": _("the archive's manifest is not valid: %(detail)s"),
        "mismatch": _("the archive does not match its manifest: %(name)s: %(problem)s"),
        "wrong-database": _("the archive holds a %(method)s dump, but DATABASE_URL is a %(vendor)s database"),
        "database-not-empty": _("the database is not empty: restore only into a new, empty database"),
        "folder-not-empty": _("%(folder)s (%(path)s) is not empty: restore only into empty folders"),
        "dump-failed": _("the database could not be copied: %(detail)s"),
    }
    values = dict(params)
    if "problem" in values:
        values["problem"] = problems.get(values["problem"], values["problem"])
    return messages.get(code, code) % values


@click.command()
@click.argument("archive", type=click.Path(path_type=Path))
@lang_option
def backup(archive: Path, lang: str) -> None:
    """Write the database (SQLite's online backup or pg_dump) and the kept files (documents, report
    uploads, calendar years) to ARCHIVE, a tar file with a manifest of every part's SHA-256."""
    _ = translator(as_lang(lang)).gettext
    _setup_django()
    from vatspilot.services.operations.backup import BackupRefused, create_backup

    try:
        summary = create_backup(archive, now=datetime.now(UTC))
    except BackupRefused as refused:
        click.echo(f"backup: {_refusal(_, refused.code, refused.params)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(
        _("backup written to %(archive)s: the %(vendor)s database (%(method)s) and %(files)d files")
        % {"archive": summary.archive, "vendor": summary.vendor, "method": summary.method, "files": summary.files}
    )


@click.command()
@click.argument("archive", type=click.Path(path_type=Path))
@lang_option
def restore(archive: Path, lang: str) -> None:
    """Check ARCHIVE against its manifest, restore it into the empty DATABASE_URL database and empty
    folders, then verify the audit chain (exit 1 if it is broken, 2 if the archive is refused)."""
    _ = translator(as_lang(lang)).gettext
    _setup_django()
    from vatspilot.services.operations.backup import BackupRefused, restore_backup

    try:
        summary = restore_backup(archive)
    except BackupRefused as refused:
        click.echo(f"restore: {_refusal(_, refused.code, refused.params)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(
        _("restored %(archive)s: the %(vendor)s database and %(files)d files")
        % {"archive": archive, "vendor": summary.vendor, "files": summary.files}
    )
    click.echo(str(summary.chain))
    if not summary.chain.ok:
        sys.exit(1)
