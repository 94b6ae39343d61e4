"""`vatspilot licence`: a licence's signed certificate, its verification, and the register as JSON.

Django is set up inside each command (for the configured database and key folder), never at import.
Exit codes: 0 for a `valid` verdict (or a command done), 1 for any other verdict, 2 for bad input (a
missing file or number, no signing key), with one line on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from vatspilot.cli.errors import EXIT_BAD_INPUT
from vatspilot.domain.licences.lifecycle import LicenceState

EXIT_NOT_VALID = 1


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _bad_input(message: str) -> NoReturn:
    click.echo(f"licence: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group()
def licence() -> None:
    """Pilot licences: certificates, their verification, and the register."""


@licence.command("certificate")
@click.argument("number")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
def certificate(number: str, out: Path) -> None:
    """Write the signed certificate of licence NUMBER, as the register states it now."""
    _setup_django()
    from vatspilot.services.licences.certificate import SigningKeyMissing, signed_certificate
    from vatspilot.store.models import Licence

    found = Licence.objects.filter(number=number).first()
    if found is None:
        _bad_input(f"no licence numbered {number} in the register")
    try:
        pdf = signed_certificate(found)
    except SigningKeyMissing as missing:
        _bad_input(str(missing))
    try:
        out.write_bytes(pdf)
    except OSError as error:
        _bad_input(f"cannot write {out}: {error.strerror}")
    click.echo(f"{out}: certificate of {number}")


@licence.command("verify")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--offline", is_flag=True, help="Check the signature and the signed data alone, not the register.")
def verify(file: Path, offline: bool) -> None:
    """Check a certificate: prints `<verdict> <number>: <reason>`, the verdict one of valid, suspended,
    revoked, expired, cancelled or not genuine (the number "-" when the signature does not hold, so that
    nothing it states can be trusted); exits 0 only for valid."""
    try:
        pdf = file.read_bytes()
    except OSError as error:
        _bad_input(f"cannot read {file}: {error.strerror}")
    _setup_django()
    from vatspilot.services.licences.certificate import CertificateVerdict, SigningKeyMissing, verify_certificate

    try:
        verdict = verify_certificate(pdf, offline=offline)
    except SigningKeyMissing as missing:
        _bad_input(str(missing))
    click.echo(f"{verdict.verdict} {verdict.number or '-'}: {verdict.reason}")
    if verdict.verdict is not CertificateVerdict.VALID:
        sys.exit(EXIT_NOT_VALID)


@licence.command("list")
@click.option(
    "--status", type=click.Choice([state.value for state in LicenceState]), help="Only licences in this status."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only output so far).")
def list_licences(status: str | None, as_json: bool) -> None:
    """The register, newest first, as a JSON list of {number, holder, uscc, status, services, areas,
    valid_from, valid_to}: holder is the registered (Chinese) name; services the catalogue codes; areas
    every area a service may be operated in (English), each once; valid_from the issue date and valid_to
    the last valid day (ISO 8601)."""
    if not as_json:
        _bad_input("say --json: the list is printed as JSON")
    _setup_django()
    from vatspilot.services.licences.listing import licence_rows

    click.echo(json.dumps(licence_rows(status), ensure_ascii=False, indent=2))
