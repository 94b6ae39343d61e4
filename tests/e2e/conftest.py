"""Fixtures for the browser tests: Debian's Chromium (never a downloaded one) driven by Playwright
against pytest-django's live server, and the pilot world with passwords (tests/support/pilot_world.py;
the browser steps are in e2e_world.py).

Without /usr/bin/chromium the tests are skipped, except in CI (CI=true), where that is a failure:
nothing is silently skipped there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from pilot_world import World, build_world, compile_catalogue
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.e2e_world import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's expect() and actions wait at most this long (ms): a live server answers in far less.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    compile_catalogue()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    # Argon2 is deliberately slow; every flow hashes ten passwords and signs in several times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The flows judge clocks: "today" is pinned, never the real date (a day whose year the calendar knows).
    settings.VATSPILOT_TODAY = "2026-06-01"


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package (make system-deps)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; browser tests are never skipped in CI")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def world(live_server: LiveServer) -> World:
    """Every account signs in with PASSWORD. Asking for live_server makes the test transactional: the
    server's thread sees what is created."""
    return build_world(password=PASSWORD, base_url=live_server.url)


@pytest.fixture
def browser(chromium: Path, world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread; Django would refuse the test's own ORM
    # calls (e.g. verify_chain) as "async". The server runs in its own thread, unaffected.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Connections the test opened while Playwright's loop ran belong to that context (asgiref's
            # Local): close them here, or PostgreSQL cannot drop the test database at the end.
            connections.close_all()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
