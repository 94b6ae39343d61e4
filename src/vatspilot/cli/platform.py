"""The platform's commands: migrate the database, verify the audit chain, serve the site.

Django is set up inside each command, never at import, so that listing commands stays fast.
"""

from __future__ import annotations

import os

import click


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _migrate(verbosity: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@click.command()
@click.option("-q", "--quiet", is_flag=True, help="Print nothing unless something fails.")
def migrate(quiet: bool) -> None:
    """Create or update the tables of the DATABASE_URL database (default: SQLite under var/)."""
    _setup_django()
    _migrate(0 if quiet else 1)


@click.group()
def audit() -> None:
    """The audit chain."""


@audit.command()
def verify() -> None:
    """Check every entry's hash and link; exit 1 at the first problem, naming its seq and kind."""
    _setup_django()
    from vatspilot.store.audit import verify_chain

    result = verify_chain()
    click.echo(str(result))
    if not result.ok:
        raise SystemExit(1)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
def serve(host: str, port: int) -> None:
    """Migrate, then run Django's development server (no autoreload). DEBUG is on unless set."""
    # runserver is the development server: with DEBUG off it would serve no static files and, without
    # a SECRET_KEY, no logins. A deployment runs config.wsgi under a real server instead.
    os.environ.setdefault("DEBUG", "1")
    _setup_django()
    from django.core.management import call_command

    _migrate(1)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    call_command("runserver", address, use_reloader=False)


@click.command()
def demo() -> None:
    """Create the demo data set (once) and print the demo accounts and their password."""
    _setup_django()
    from vatspilot.cli.options import today
    from vatspilot.services.demo_data import PASSWORD, accounts, create_demo, demo_exists

    if demo_exists():
        click.echo("Demo data already present.")
    else:
        create_demo(today(), progress=lambda step: click.echo(f"  demo application: {step}"))
    click.echo(f"Demo accounts (password for all: {PASSWORD}):")
    for account in accounts():
        click.echo(f"  {account.username:<22} {account.role:<16} {account.scope}")
