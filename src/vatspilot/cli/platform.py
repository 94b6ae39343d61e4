"""The platform's commands: migrate the database, verify the audit chain, serve the site (Gunicorn, or
Django's development server with --dev).

Django is set up inside each command, never at import, so that listing commands stays fast.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import NoReturn

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

    result = verify_chain(parallel=True)  # this process is ours alone: a long chain may use both cores
    click.echo(str(result))
    if not result.ok:
        raise SystemExit(1)


LOOPBACK_NAMES = frozenset({"localhost"})
_OFF = frozenset({"", "0", "false", "no", "off"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or "localhost") is reachable only from this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _refuse(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    envvar="WEB_CONCURRENCY",
    type=click.IntRange(1, 64),
    help="Gunicorn worker processes (or WEB_CONCURRENCY).",
)
@click.option("--dev", is_flag=True, help="Django's auto-reloading development server, DEBUG on (loopback only).")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Migrate, collect the static files and run the site under Gunicorn (DEBUG off unless DEBUG=1).

    On a loopback address (the default) the site speaks plain HTTP; on any other address it is HTTPS
    only (redirect, HSTS, secure cookies) and a TLS proxy must be in front. --dev runs Django's
    development server instead, with DEBUG on and auto-reload: never for anyone but you.
    """
    loopback = is_loopback(host)
    if loopback:
        # Only this machine can connect, so plain http://127.0.0.1 is fine; VATSPILOT_HTTPS=1 still
        # turns HTTPS on, for a proxy on this machine that forwards to 127.0.0.1.
        os.environ.setdefault("VATSPILOT_HTTPS", "0")
        os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    else:
        if dev:
            _refuse("--dev: the development server shows debug pages; it listens on a loopback address only.")
        if os.environ.get("VATSPILOT_HTTPS", "on").strip().lower() in _OFF:
            _refuse(f"--host {host}: another machine may connect, so VATSPILOT_HTTPS cannot be off.")
        if os.environ.get("DEBUG", "").strip().lower() not in _OFF:
            _refuse(f"--host {host}: another machine may connect, so DEBUG (which shows settings) must be off.")
        os.environ["VATSPILOT_HTTPS"] = "1"
        if not os.environ.get("ALLOWED_HOSTS", "").strip():
            _refuse(f"--host {host}: set ALLOWED_HOSTS to the site's host names (comma-separated).")
    if dev:
        # The development server needs DEBUG to serve static files and to reload; it is on only here.
        os.environ.setdefault("DEBUG", "1")
    _setup_django()
    from django.core.management import call_command

    if os.environ.get("RUN_MAIN") != "true":  # the auto-reloader's child: its parent migrated already
        _migrate(1)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if dev:
        call_command("runserver", address)
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    scheme = "http" if loopback else "https (behind your TLS proxy)"
    click.echo(f"Serving on {address} ({scheme}); stop with Ctrl+C.")
    # Gunicorn replaces this process: it receives the signals, and the settings above are its
    # environment (each worker imports config.settings afresh).
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    # config/gunicorn_conf.py: Gunicorn's own log in the site's format (JSON lines by default), no access
    # log (the site's request log has every request with its id).
    options = ["-c", "python:config.gunicorn_conf", "--bind", address, "--workers", str(workers)]
    os.execv(sys.executable, [*gunicorn, *options])


@click.command()
@click.option(
    "--day",
    "print_day",
    is_flag=True,
    help="Print the day the demo runs on (VATSPILOT_TODAY if set, else one with a report window open) and exit.",
)
def demo(print_day: bool) -> None:
    """Create the demo data set (once) and print the demo accounts and their password, then the demo's
    licences with their state and the accounts that see each, and its supervision."""
    _setup_django()
    from vatspilot.demo.data import PASSWORD, accounts, create_demo, demo_exists
    from vatspilot.demo.licences import demo_licences
    from vatspilot.services.calendar.legal_day import legal_today

    # The day the demo is built on and judged on: `make run` pins VATSPILOT_TODAY to `vatspilot demo --day`
    # for the demo, the server and the worker alike, so the three agree.
    today = legal_today
    if print_day:
        from django.conf import settings

        from vatspilot.demo.supervision import day_to_run

        click.echo(day_to_run(legal_today(), pinned=bool(settings.VATSPILOT_TODAY)).isoformat())
        return
    if demo_exists():
        click.echo("Demo data already present.")
    else:
        create_demo(today(), progress=lambda step: click.echo(f"  demo application: {step}"))
    click.echo(f"Demo accounts (password for all: {PASSWORD}):")
    for account in accounts():
        click.echo(f"  {account.username:<22} {account.role:<16} {account.scope}")
    click.echo("Demo licences (public: /register/, /verify/NUMBER/, /lists/; the licence page /licences/NUMBER/):")
    for licence in demo_licences(today(), [account.username for account in accounts()]):
        click.echo(f"  {licence.number:<14} {licence.state:<10} {licence.holder}")
        if licence.notes:
            click.echo(f"  {'':<14} {'':<10} {'; '.join(licence.notes)}")
        click.echo(f"  {'':<14} {'':<10} seen by: {', '.join(licence.seen_by)}")
    from vatspilot.demo.supervision import summary_lines

    for line in summary_lines(today()):
        click.echo(line)
