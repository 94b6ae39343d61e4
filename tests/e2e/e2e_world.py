"""The steps a person takes in the browser, over the pilot world of tests/support/pilot_world.py.

The world is the standard one (``build_world(password=PASSWORD)``, see conftest.py): every account has
a real password, so every user signs in through the login form. Everything after that happens in the
pages: the steps below fill the real forms and click the real buttons, located by what the templates
render (labels, button words, form ids).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pilot_world import DOSSIER, PDF, World
from playwright.sync_api import Locator, Page, expect

from tests.e2e.ownership_steps import fill_ownership
from vatspilot.domain.applications import Role, State
from vatspilot.services.calendar.legal_day import legal_today

PASSWORD = "e2e-pilot-passphrase-2026"
# The pilot world's dossier, as the applicant types it: 100% Hong Kong owned, registered in Pudong with
# RMB 10,000,000, so B11 takes the pilot route there.
OWNERSHIP = DOSSIER["ownership"]
SERVICES = tuple(service["code"] for service in DOSSIER["services"])
LICENCE_AREA = "Shanghai Pudong New Area and Lin-gang"  # decision v2: the per-service area label
BASIS = "MIIT Order No. 42 Art. 11; Pilot Notice (MIIT Communications Letter [2024] No. 107)"

# The accounts the flows sign in as: the pilot world names each after its role.
APPLICANT = Role.APPLICANT.value
OFFICER = Role.LOCAL_OFFICER.value  # Shanghai's
MIIT = Role.MIIT_REVIEWER.value
CAC = Role.CAC_REVIEWER.value
MPS = Role.MPS_REVIEWER.value
EXPERT = Role.SECURITY_EXPERT.value


def submitted_application(world: World) -> int:
    """An application already submitted today, made through the services (for tests about other pages)."""
    return world.drive_to(State.SUBMITTED, on=legal_today()).pk


# --- Steps in the browser ------------------------------------------------------------------------------


def sign_in(page: Page, world: World, username: str) -> None:
    """Sign out whoever is signed in (with the masthead's button), then sign in through the login form."""
    sign_out = page.get_by_role("button", name="Sign out")
    if page.url.startswith(world.base_url) and sign_out.count():
        sign_out.click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    else:
        page.goto(f"{world.base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.locator(".mainnav__user")).to_have_text(username)


def open_application(page: Page, world: World, application_id: int) -> None:
    page.goto(f"{world.base_url}/applications/{application_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Application #{application_id}")


def open_from_queue(page: Page, application_id: int) -> None:
    """An official opens the application from their review queue (the home page sends them there)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    page.locator(f'tr[data-application="{application_id}"]').get_by_role("link", name=f"#{application_id}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Application #{application_id}")


def action_form(page: Page, action: str) -> Locator:
    return page.locator(f"form#action-{action}")


def act(page: Page, action: str, *, button: str, done: str, **fields: Any) -> None:
    """Fill the action's form (text fields by name; ``choice=value`` picks a radio) and press its button;
    the page comes back with the "Done: ..." message."""
    form = action_form(page, action)
    expect(form).to_be_visible()
    for name, value in fields.items():
        if name == "choice":
            form.locator(f'input[type="radio"][value="{value}"]').check()
        else:
            form.locator(f'[name="{action}-{name}"]').fill(value)
    form.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_contain_text(f"Done: {done}.")


def start_application(page: Page) -> int:
    """On "My applications", start a new application; its dossier page opens. Returns its id."""
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    page.get_by_role("button", name="Start a new application").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Dossier of application #")
    return int(page.url.rstrip("/").split("/")[-2])


def fill_dossier(page: Page) -> None:
    """Ownership JSON, the two services, the provincial area; save and see the determination."""
    fill_ownership(page, OWNERSHIP)  # in the ownership tree editor (tests/e2e/ownership_steps.py)
    for row, code in enumerate(SERVICES):
        page.locator(f'select[name="services-{row}-code"]').select_option(code)
    page.get_by_label("Provincial (within the province of registration)").check()
    page.get_by_role("button", name="Save the dossier").click()
    expect(page.locator(".messages")).to_contain_text("Dossier saved")
    determination = page.locator("section", has=page.locator("#determination-heading"))
    expect(determination.locator("p.outcome")).to_have_text("Eligible")
    expect(determination).to_contain_text("Pilot route")


def upload_checklist(page: Page, folder: Path) -> list[str]:
    """Upload a small PDF for every document the checklist lists; returns the kinds uploaded."""
    rows = page.locator('#documents-heading ~ table tbody tr[id^="document-"]')
    kinds = [row_id.removeprefix("document-") for row_id in rows.evaluate_all("rows => rows.map(r => r.id)")]
    assert kinds, "the checklist lists no document"
    for kind in kinds:
        path = folder / f"{kind}.pdf"
        path.write_bytes(PDF)
        row = page.locator(f"tr#document-{kind}")
        row.locator('input[type="file"]').set_input_files(path)
        row.get_by_role("button", name="Upload").click()
        expect(page.locator(".messages")).to_contain_text(f"version 1 uploaded ({kind}.pdf)")
        expect(page.locator(f"tr#document-{kind}")).to_contain_text("Uploaded")
    return kinds


def submit(page: Page) -> None:
    expect(page.locator("#submit-blockers")).to_have_count(0)
    page.locator("main").get_by_role("button", name="Submit the application").click()
    expect(page.locator(".messages")).to_contain_text("Done: Submitted.")


def prepare_and_submit(page: Page, world: World, folder: Path) -> int:
    """The applicant's part up to submission: a new application, its dossier, every document."""
    sign_in(page, world, APPLICANT)
    application_id = start_application(page)
    fill_dossier(page)
    upload_checklist(page, folder)
    submit(page)
    return application_id


def clock_panel(page: Page) -> Locator:
    return page.locator("section", has=page.locator("#clock-heading"))


def timeline_entries(page: Page) -> list[str]:
    items = page.locator("section", has=page.locator("#timeline-heading")).locator(".timeline__what strong")
    return items.all_inner_texts()


def decision_panel(page: Page) -> Locator:
    return page.locator(".decision")
