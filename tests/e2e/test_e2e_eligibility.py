"""The public eligibility check in Chromium against the live server, as a visitor without an account uses
it: the place from the lists (htmx brings the districts), a two-level ownership tree built in the editor
with its totals adding up live, a service and its scope, the determination with a citation linked to its
rule page, and the PDF of the same answers."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.e2e_world import APPLICANT, World, sign_in
from tests.e2e.ownership_steps import fill_ownership, written_tree

pytestmark = pytest.mark.browser

# 60% Hong Kong, 40% a Shanghai company held by one Chinese person.
TREE = [
    {"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": 60},
    {
        "name": "上海示例科技有限公司",
        "jurisdiction": "CN",
        "percent": 40,
        "shareholders": [{"name": "张三", "jurisdiction": "CN", "percent": 100}],
    },
]


def test_e2e_a_visitor_checks_eligibility_and_saves_the_pdf(page: Page, world: World, tmp_path: Path) -> None:
    complaints: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            complaints.append(message.text)

    page.on("console", listen)
    # The first page of a fresh server loads the rulebook and the division lists: allow it the time.
    page.goto(f"{world.base_url}/eligibility/", timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Eligibility check")

    # 1. The place: the province, then the district list htmx brings (Shanghai has no city level).
    page.get_by_label("Province", exact=True).select_option("310000")
    district = page.get_by_label("District or county", exact=True)
    expect(district.locator('option[value="310115"]')).to_have_count(1)
    district.select_option("310115")

    # 2. The enterprise.
    page.get_by_label("Registered capital (yuan)").fill("10000000")

    # 3. The ownership, in the editor: the JSON field is hidden, the totals add up per level as typed.
    expect(page.locator('textarea[name="ownership"]')).to_be_hidden()
    fill_ownership(page, TREE[:1])
    top = page.locator('.ownership-level__total[data-total="top"]')
    expect(top).to_have_text("Total at this level: 60% · 40% missing")
    fill_ownership(page, [{**TREE[1], "shareholders": []}], after=1)
    expect(top).to_have_text("Total at this level: 100% · adds up to 100%")
    nested = page.get_by_role("group", name="Shareholder 2", exact=True)
    expect(
        nested.get_by_label("This Chinese holder itself has foreign investors (list its shareholders)")
    ).to_be_visible()
    fill_ownership(page, TREE[1]["shareholders"], (2,), TREE[1]["name"])
    expect(nested.locator('.ownership-level__total[data-total="1"]')).to_have_text(
        "Total at this level: 100% · adds up to 100%"
    )
    assert written_tree(page) == TREE

    # By keyboard: a third holder pushes the total over 100; removing it brings the focus back to "Add".
    page.get_by_role("button", name="Add a shareholder", exact=True).press("Enter")
    third = page.get_by_role("group", name="Shareholder 3", exact=True)
    expect(third.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.type("Extra Ltd")
    third.get_by_label("Share in per cent").fill("5")
    expect(top).to_have_text("Total at this level: 105% · 5% too many")
    third.get_by_role("button", name="Remove Extra Ltd").press("Enter")
    expect(page.get_by_role("button", name="Add a shareholder", exact=True)).to_be_focused()
    expect(top).to_have_text("Total at this level: 100% · adds up to 100%")
    assert written_tree(page) == TREE

    # 4. A service and a scope of its own (B11 has none; B21 offers its four).
    page.get_by_label("B11 Internet data center (IDC), incl. internet resource collaboration").check()
    expect(page.locator('input[name="scopes_B11"]')).to_have_count(0)
    page.get_by_label("Operational e-commerce only").check()
    page.get_by_role("button", name="Check eligibility").click()

    result = page.locator("#result")
    expect(result.locator("p.outcome")).to_have_text("Eligible")
    expect(result).to_contain_text("Shanghai Pudong New Area and Lin-gang Special Area (Notice 107 pilot region)")
    citation = result.get_by_role("link", name="MIIT Communications Letter [2024] No. 107, item 2").first
    expect(citation).to_have_attribute("href", "/rules/cap:notice-107/")
    page.screenshot(path=str(tmp_path / "eligibility.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Save as PDF").click()
    saved = tmp_path / "eligibility.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "eligibility-2026-06-01.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")
    assert complaints == []


def test_e2e_an_applicant_starts_an_application_from_the_check(page: Page, world: World) -> None:
    """Signed in, the applicant starts an application from the answers; the dossier shows the same tree in
    the editor, and a share changed there so that the level no longer adds up is refused on the field."""
    page.goto(f"{world.base_url}/eligibility/", timeout=60_000)  # a fresh server's first page takes long
    sign_in(page, world, APPLICANT)
    answers = urlencode(
        {
            "province": "310000",
            "district": "310115",
            "registered_capital_cny": "10000000",
            "ownership": json.dumps(TREE, ensure_ascii=False),
            "service_area_kind": "provincial",
            "service_B11": "on",
            "check": "1",
        }
    )
    page.goto(f"{world.base_url}/eligibility/?{answers}", timeout=60_000)
    expect(page.locator("#result p.outcome")).to_have_text("Eligible")
    page.get_by_role("button", name="Start an application with these answers").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossier of application #")
    expect(page.locator(".messages")).to_contain_text("created from the eligibility check")
    nested = page.get_by_role("group", name="Shareholder 2.1", exact=True)
    expect(nested.get_by_label("Name", exact=True)).to_have_value("张三")
    assert written_tree(page) == TREE

    first_share = page.get_by_role("group", name="Shareholder 1", exact=True).get_by_label("Share in per cent")
    first_share.fill("50")
    expect(page.locator('.ownership-level__total[data-total="top"]')).to_have_text(
        "Total at this level: 90% · 10% missing"
    )
    page.get_by_role("button", name="Save the dossier").click()
    expect(page.locator("#ownership-field > p.error")).to_contain_text("the percentages add up to 90%")
    # The dossier's error summary links the field; with the text area hidden, the editor takes the focus.
    page.locator('a[href="#id_ownership"]').first.click()
    expect(page.get_by_role("group", name="Shareholder 1", exact=True).get_by_label("Name", exact=True)).to_be_focused()
