"""The two-tier review end to end, in Chromium against the live server: every role signs in through
the login form, fills the real forms and presses the real buttons.

Each flow leaves a full-page screenshot of its last page in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.e2e_world import (
    APPLICANT,
    BASIS,
    CAC,
    EXPERT,
    LICENCE_AREA,
    MIIT,
    MPS,
    OFFICER,
    World,
    act,
    clock_panel,
    decision_panel,
    open_application,
    open_from_queue,
    prepare_and_submit,
    sign_in,
    timeline_entries,
)
from vatspilot.store.audit import verify_chain

pytestmark = pytest.mark.browser

PAUSED_BADGE = "Paused: supplement open"
PAUSED_NOTE = "Yes: a supplement request is open; its days do not count."


def _accept_and_assess(page: Page, world: World, application_id: int) -> None:
    """The local officer's part: accept the application, then complete the preliminary assessment."""
    sign_in(page, world, OFFICER)
    open_from_queue(page, application_id)
    act(page, "accept", button="Accept the application", done="Accepted")
    expect(page.locator(".state")).to_have_text("Accepted: preliminary assessment")
    act(
        page,
        "complete_preliminary_assessment",
        button="Complete the preliminary assessment",
        done="Preliminary assessment completed",
        findings="Dossier consistent; no security findings at the preliminary stage.",
    )
    expect(page.locator(".state")).to_have_text("Ministerial review")


def test_e2e_draft_to_approval(page: Page, world: World, tmp_path: Path) -> None:
    application_id = prepare_and_submit(page, world, tmp_path)
    _accept_and_assess(page, world, application_id)

    for reviewer in (MIIT, CAC, MPS):
        sign_in(page, world, reviewer)
        open_from_queue(page, application_id)
        act(page, "record_opinion", button="Record the agency's opinion", done="Opinion recorded", choice="concur")
    sign_in(page, world, EXPERT)
    open_from_queue(page, application_id)
    act(
        page,
        "record_security_assessment",
        button="Record the security assessment",
        done="Security assessment recorded",
        choice="positive",
        findings="Data localisation and logging verified.",
    )

    sign_in(page, world, MIIT)
    open_from_queue(page, application_id)
    act(page, "approve", button="Approve and grant the licence", done="Approved", legal_basis=BASIS)

    expect(page.locator(".state")).to_have_text("Approved")
    decision = decision_panel(page)
    expect(decision).to_contain_text("Approved")
    expect(decision).to_contain_text(BASIS)
    expect(decision.locator("dt", has_text="Licensed area").locator("+ dd")).to_have_text(LICENCE_AREA)
    expect(page.locator("ul.record").first).to_contain_text("MIIT")
    assert timeline_entries(page) == [
        "Submitted",
        "Accepted",
        "Preliminary assessment completed",
        "Opinion recorded",
        "Opinion recorded",
        "Opinion recorded",
        "Security assessment recorded",
        "Approved",
    ]
    expect(page.get_by_text("Nothing for you to do on this application now.")).to_be_visible()

    # The applicant sees the licence too.
    sign_in(page, world, APPLICANT)
    open_application(page, world, application_id)
    expect(page.locator(".state")).to_have_text("Approved")
    expect(decision_panel(page)).to_contain_text(LICENCE_AREA)
    page.screenshot(path=tmp_path / "approval.png", full_page=True)

    assert verify_chain().ok, str(verify_chain())


def test_e2e_draft_to_refusal(page: Page, world: World, tmp_path: Path) -> None:
    reasons = "The technical solution does not describe where user data is stored."
    basis = "MIIT Order No. 42 Art. 11"
    application_id = prepare_and_submit(page, world, tmp_path)

    sign_in(page, world, OFFICER)
    open_from_queue(page, application_id)
    act(page, "refuse", button="Refuse the application", done="Refused", legal_basis=basis, reasons=reasons)
    expect(page.locator(".state")).to_have_text("Refused")

    sign_in(page, world, APPLICANT)
    page.get_by_role("link", name=f"#{application_id}").click()  # "My applications" -> the dossier page
    expect(page.locator(".state")).to_have_text("Refused")
    page.get_by_role("link", name="Application page").click()
    decision = decision_panel(page)
    expect(decision).to_contain_text("Refused")
    expect(decision.locator("dt", has_text="Legal basis").locator("+ dd")).to_have_text(basis)
    expect(decision.locator("dt", has_text="Reasons").locator("+ dd")).to_have_text(reasons)
    assert timeline_entries(page) == ["Submitted", "Refused"]
    page.screenshot(path=tmp_path / "refusal.png", full_page=True)

    assert verify_chain().ok


def test_e2e_supplement_pauses_the_clock(page: Page, world: World, tmp_path: Path) -> None:
    items = ["Signed copy of the articles of association", "Overseas network topology, updated"]
    application_id = prepare_and_submit(page, world, tmp_path)
    _accept_and_assess(page, world, application_id)
    # Running, judged on the pinned day (2026-06-01, see conftest): well within the period.
    expect(clock_panel(page).locator(".badge").first).to_have_text("On track")
    expect(clock_panel(page)).not_to_contain_text(PAUSED_NOTE)

    sign_in(page, world, MIIT)
    open_from_queue(page, application_id)
    act(page, "request_supplement", button="Request a supplement", done="Supplement requested", items="\n".join(items))
    expect(page.locator(".state")).to_have_text("Supplement requested (ministerial review)")
    clock = clock_panel(page)
    expect(clock.locator(".badge").first).to_have_text(PAUSED_BADGE)
    expect(clock).to_contain_text(PAUSED_NOTE)
    expect(clock).to_contain_text("unknown while the supplement is open")

    sign_in(page, world, APPLICANT)
    page.get_by_role("link", name=f"#{application_id}").click()
    notice = page.locator("section", has=page.locator("#supplement-heading"))
    for item in items:
        expect(notice).to_contain_text(item)
    notice.get_by_role("button", name="Answer the supplement request").click()
    expect(page.locator(".messages")).to_contain_text("Done: Supplement answered.")
    expect(page.locator(".state")).to_have_text("Ministerial review")

    sign_in(page, world, MIIT)
    open_from_queue(page, application_id)
    clock = clock_panel(page)
    expect(clock.locator(".badge").first).to_have_text("On track")
    expect(clock).not_to_contain_text(PAUSED_NOTE)
    expect(clock.locator(".badge--paused")).to_have_count(0)
    assert timeline_entries(page)[-2:] == ["Supplement requested", "Supplement answered"]
    page.screenshot(path=tmp_path / "supplement.png", full_page=True)
