"""The dossier page's script in Chromium (web/static/web/application.js): the scope list follows the
service chosen, the error summary takes the focus, and withdrawing asks in a dialog first."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.e2e_world import APPLICANT, World, open_application, sign_in, submitted_application
from vatspilot.domain.applications import State
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.models import Application

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _warm_server(world: World) -> None:
    # The live server's first answer imports the URL configuration and everything it names, which on a
    # busy machine takes longer than the browser's 10-second wait: ask once before the browser does.
    urllib.request.urlopen(f"{world.base_url}/accounts/login/", timeout=120).close()


def _offered(page: Page, row: int) -> list[str]:
    return page.eval_on_selector(
        f"#id_services-{row}-scope",
        "s => Array.from(s.options).filter(o => o.value && !o.hidden && !o.disabled).map(o => o.value)",
    )


def test_the_scope_list_offers_only_the_chosen_services_scopes(page: Page, world: World) -> None:
    application = world.new_application(on=legal_today())
    sign_in(page, world, APPLICANT)
    page.goto(f"{world.base_url}/applications/{application.pk}/dossier/")

    page.select_option("#id_services-2-code", "B21")
    b21 = _offered(page, 2)
    page.select_option("#id_services-2-code", "B24")
    b24 = _offered(page, 2)
    page.select_option("#id_services-2-code", "B11")

    assert b21 == ["e-commerce", "transaction-processing", "edi", "device-data-processing"]
    assert b24 == ["domestic", "offshore"]
    expect(page.locator("#id_services-2-scope")).to_be_disabled()


def test_a_refused_save_focuses_the_error_summary_and_shows_the_unsaved_banner(page: Page, world: World) -> None:
    application = world.new_application(on=legal_today())
    sign_in(page, world, APPLICANT)
    page.goto(f"{world.base_url}/applications/{application.pk}/dossier/")
    expect(page.locator("[data-unsaved-banner]")).to_be_hidden()

    # A scope the script would never offer for B11, forced in as a request without the script could send.
    page.select_option("#id_services-2-code", "B11")
    page.eval_on_selector(
        "#id_services-2-scope",
        "s => { s.disabled = false; const o = s.querySelector('option[value=\"e-commerce\"]');"
        " o.hidden = false; o.disabled = false; s.value = 'e-commerce'; }",
    )
    expect(page.locator("[data-unsaved-banner]")).to_be_visible()
    page.get_by_role("button", name="Save the dossier").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        "Row 3: E-commerce (B21) is not a scope of B11 Internet data centre (IDC). Its scopes: none."
    )
    expect(page.locator("[data-unsaved-banner]")).to_be_visible()


def test_withdrawing_asks_in_a_dialog_first(page: Page, world: World) -> None:
    application_id = submitted_application(world)
    sign_in(page, world, APPLICANT)
    open_application(page, world, application_id)
    dialog = page.locator("#withdraw-dialog")

    page.get_by_role("link", name="Withdraw the application…").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="No, keep it").click()
    expect(dialog).to_be_hidden()
    assert Application.objects.get(pk=application_id).status == State.SUBMITTED.value

    page.get_by_role("link", name="Withdraw the application…").click()
    dialog.get_by_role("button", name="Yes, withdraw the application").click()

    expect(page.locator(".messages")).to_contain_text("Done:")
    assert Application.objects.get(pk=application_id).status == State.WITHDRAWN.value
