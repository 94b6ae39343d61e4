"""`vatspilot keys`: the key licence certificates are signed with.

Django is set up inside each command (for the configured key folder), never at import.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import click

from vatspilot.cli.errors import EXIT_BAD_INPUT


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@click.group()
def keys() -> None:
    """The licence-signing key and its certificate (VATSPILOT_SIGNING_KEY_DIR, default var/keys)."""


@keys.command("init")
@click.option("--organisation", default="vatspilot", show_default=True, help="The certificate's organisation.")
@click.option(
    "--common-name", default="vatspilot licence signing", show_default=True, help="The certificate's common name."
)
@click.option("--force", is_flag=True, help="Replace an existing key: certificates signed with it stop verifying.")
def init(organisation: str, common_name: str, force: bool) -> None:
    """Create a P-256 key and a self-signed certificate for signing licence certificates."""
    _setup_django()
    from django.conf import settings

    from vatspilot.services.licences.signing_key import KeysExist, fingerprint, init_signing_key

    directory = settings.VATSPILOT_SIGNING_KEY_DIR
    try:
        paths = init_signing_key(
            directory, organisation=organisation, common_name=common_name, now=datetime.now(UTC), force=force
        )
    except KeysExist:
        click.echo(f"keys: a signing key is already in {directory}; --force replaces it", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"key: {paths.key}")
    click.echo(f"certificate: {paths.certificate}")
    click.echo(f"SHA-256 fingerprint: {fingerprint(paths.certificate.read_bytes())}")
