"""A licence's life end to end, in Chromium against the live server (issue 9's "Done when"): MIIT approves
an application whose review is done, which issues the licence; the holder finds it on the licence
overview and downloads the certificate, which `vatspilot licence verify` calls valid, and so does the
QR code's page; MIIT suspends, reinstates, reduces the scope and revokes it, the dishonest list then
naming the holder; the holder files the network exit's plan, reports progress and reports it done, and
MIIT confirms it complete. The public register is read after every step and says what changed.

One flow in one browser, over one world: it is the slowest kind of test, so it is kept to the one path.
Its last page is left as a screenshot in tmp_path.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from django.db import connections
from playwright.sync_api import Locator, Page, expect
from pytest_django.fixtures import Settings

from tests.e2e.e2e_world import (
    APPLICANT,
    BASIS,
    MIIT,
    World,
    act,
    open_application,
    sign_in,
)
from vatspilot.cli.main import cli
from vatspilot.domain.applications import Action, Role, State
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.signing_key import init_signing_key
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import Licence

pytestmark = pytest.mark.browser

REASONS = {
    "suspend": "Order 42 Art. 58: access logs not kept (MIIT letter 2026-31)",
    "reinstate": "Rectification verified on site",
    "reduce_scope": "Order 42 Art. 58: B25-05 never launched",
    "revoke": "Order 42 Art. 58: the rectification was not kept up",
}


def _decision_is_next(world: World) -> int:
    """An application whose review is done today (every agency concurs, the security assessment is
    positive): MIIT's approval is the next step. Made through the services, as submitted_application is."""
    today = legal_today()
    application = world.drive_to(State.MINISTERIAL_REVIEW, on=today)
    for role in (Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER):
        application = world.act(role, application, Action.RECORD_OPINION, on=today, opinion="concur")
    application = world.act(
        Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, on=today, result="positive", findings="ok"
    )
    return application.pk


def _verify_with_the_cli(certificate: Path) -> Result:
    """`vatspilot licence verify FILE`, in process (the live server's database is the test's). In a thread
    of its own: the signature check runs asyncio, which Playwright's running loop in this thread forbids."""

    def run() -> Result:
        try:
            return CliRunner().invoke(cli, ["licence", "verify", str(certificate)])
        finally:
            connections.close_all()  # this thread's, or PostgreSQL cannot drop the test database

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


def _particulars(page: Page) -> Locator:
    """The register's particulars of the licence (the list that states its number)."""
    return page.locator("dl.register-licence", has=page.locator(".register-licence__number"))


def _register(page: Page, world: World, number: str) -> str:
    """The public register's page of the licence, as its text."""
    page.goto(f"{world.base_url}/register/{number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Licence {number}")
    return _particulars(page).inner_text()


def _register_status(page: Page, world: World, number: str) -> str:
    _register(page, world, number)
    return _particulars(page).locator(".register__status").inner_text()


def _register_services(page: Page) -> list[str]:
    return _particulars(page).locator(".register-services li strong").all_inner_texts()


def _decide(page: Page, world: World, number: str, action: str, button: str, done: str, **ticks: str) -> None:
    """MIIT's decision on the licence page: the reason typed, the boxes ticked, the button pressed."""
    page.goto(f"{world.base_url}/licences/{number}/")
    form = page.locator(f"form#licence-action-{action}")
    expect(form).to_be_visible()
    form.locator(f'[name="{action}-reason"]').fill(REASONS[action])
    for name, value in ticks.items():
        form.locator(f'input[name="{action}-{name}"][value="{value}"]').check()
    form.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_contain_text(f"Done: {done}.")


def _exit_step(page: Page, world: World, number: str, action: str, done: str, **fields: str) -> None:
    """A step of the network exit, in its form on the licence page: fields filled by name, button pressed."""
    page.goto(f"{world.base_url}/licences/{number}/")
    form = page.locator(f"form#exit-action-{action}")
    expect(form).to_be_visible()
    for name, value in fields.items():
        form.locator(f'[name="{action}-{name}"]').fill(value)
    form.locator('button[type="submit"]').click()
    expect(page.locator(".messages")).to_contain_text(f"Done: {done}.")


def _register_exit(page: Page, world: World, number: str) -> tuple[str, str]:
    """The register's network-exit panel: its state's code and the status it shows."""
    _register(page, world, number)
    panel = page.locator("#network-exit")
    state = panel.get_attribute("data-exit-state") or ""
    return state, panel.locator("dt", has_text="Status").locator("+ dd").inner_text()


def test_e2e_licence_from_approval_to_the_completed_exit(
    page: Page, world: World, settings: Settings, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    settings.VATSPILOT_SIGNING_KEY_DIR = keys
    init_signing_key(keys, organisation="vatspilot", common_name="e2e", now=datetime.now(UTC))
    application_id = _decision_is_next(world)

    # MIIT approves: the licence is issued in the approval's transaction.
    sign_in(page, world, MIIT)
    open_application(page, world, application_id)
    act(page, "approve", button="Approve and grant the licence", done="Approved", legal_basis=BASIS)
    expect(page.locator(".state")).to_have_text("Approved")
    number = Licence.objects.get(application_id=application_id).number
    assert re.fullmatch(r"B1\.B2-2026\d{4}", number), number
    assert _register_status(page, world, number) == "Valid"
    assert _register_services(page) == ["B11", "B25-05"]

    # The holder finds it on the licence overview and downloads the certificate from its page.
    sign_in(page, world, APPLICANT)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Licences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Licences")
    page.locator(f'tr[data-number="{number}"]').get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Licence {number}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download the licence certificate {number} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"licence-{number}.pdf"
    certificate = tmp_path / download.suggested_filename
    download.save_as(certificate)
    assert certificate.read_bytes().startswith(b"%PDF")

    # The command line verifies it against the register, and so does the page the QR code opens.
    verified = _verify_with_the_cli(certificate)
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith(f"valid {number}: in the register")
    page.goto(f"{world.base_url}/verify/{number}/")
    expect(page.locator(".verdict__word")).to_have_text("Valid")
    expect(page.locator(".verdict__text")).to_have_text("This licence is valid.")

    # MIIT suspends, reinstates, reduces the scope: the register follows each step.
    sign_in(page, world, MIIT)
    _decide(page, world, number, "suspend", "Suspend the licence", "Suspended")
    assert _register_status(page, world, number) == "Suspended"
    _decide(page, world, number, "reinstate", "Reinstate the licence", "Reinstated")
    assert _register_status(page, world, number) == "Valid"
    _decide(
        page, world, number, "reduce_scope", "Reduce the licence's scope", "Scope reduced", remove_services="B25-05"
    )
    assert _register_status(page, world, number) == "Valid"
    assert _register_services(page) == ["B11"]

    # MIIT revokes: the register says so and the holder is on the dishonest list.
    _decide(page, world, number, "revoke", "Revoke the licence", "Revoked")
    assert _register_status(page, world, number) == "Revoked"
    history = page.locator(".register-history tbody tr td:nth-child(2)").all_inner_texts()
    assert history == ["Issued", "Suspended", "Reinstated", "Scope reduced", "Revoked"]
    page.goto(f"{world.base_url}/lists/")
    dishonest = page.locator("#dishonest tr.credit-list__row")
    expect(dishonest).to_have_count(1)
    expect(dishonest).to_contain_text(number)
    expect(dishonest).to_contain_text(world.organisation.uscc)
    expect(page.locator("#bad-record .credit-list__empty")).to_be_visible()

    assert _register_exit(page, world, number) == ("required", "Exit required")
    # The licence overview puts it first among those needing attention: no exit plan yet.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Licences").click()
    page.get_by_label("Attention").select_option("attention")
    page.locator("main").get_by_role("button", name="Filter").click()
    expect(page.locator(f'tr[data-number="{number}"]')).to_have_attribute("data-attention", "exit_required_no_plan")

    # The holder files the exit plan, reports progress, reports the exit done; MIIT confirms it complete.
    sign_in(page, world, APPLICANT)
    _exit_step(
        page,
        world,
        number,
        "file_plan",
        "Network exit: plan filed",
        users_notified_on="2026-06-01",
        migration_deadline="2026-08-31",
        users_to_migrate="120",
    )
    assert _register_exit(page, world, number) == ("in_progress", "Exit in progress")
    expect(page.locator("#network-exit")).to_contain_text("0 / 120")
    _exit_step(page, world, number, "report_progress", "Network exit: progress reported", users_migrated="60")
    assert _register_exit(page, world, number) == ("in_progress", "Exit in progress")
    expect(page.locator("#network-exit")).to_contain_text("60 / 120")
    _exit_step(page, world, number, "report_progress", "Network exit: progress reported", users_migrated="120")
    expect(page.locator("#network-exit")).to_contain_text("120 / 120")
    _exit_step(page, world, number, "report_done", "Network exit: reported done")
    assert _register_exit(page, world, number) == ("done_reported", "Exit reported done")

    sign_in(page, world, MIIT)
    _exit_step(page, world, number, "confirm", "Network exit: confirmed complete", note="Users' migration checked")
    assert _register_exit(page, world, number) == ("completed", "Exit completed")
    assert _register_status(page, world, number) == "Revoked"
    expect(page.locator("#network-exit")).to_contain_text("2026-06-01")  # confirmed complete on the day
    page.goto(f"{world.base_url}/licences/?flag=attention")
    expect(page.locator(f'tr[data-number="{number}"]')).to_have_count(0)  # nothing needs attention now

    page.screenshot(path=tmp_path / "licence.png", full_page=True)
    assert verify_chain().ok, str(verify_chain())
