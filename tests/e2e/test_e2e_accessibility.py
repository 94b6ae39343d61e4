"""Every main page, in English and in Chinese, on a laptop and on a phone (issue 11, "Works on a phone and
for everyone"), in Debian's Chromium against the live server:

- axe-core (node_modules/axe-core, from npm: package.json's devDependencies, never served by the site)
  finds no WCAG 2.1 A or AA violation (tags wcag2a, wcag2aa, wcag21a, wcag21aa), at 1280 px and at 390 px;
- at 390 px nothing scrolls sideways: document.documentElement.scrollWidth <= 390 (tables reflow into
  cards, long ids wrap: site.css and web/tables.js);
- the keyboard reaches the skip link first, and the language switcher works without a mouse;
- the favicon is the site's own file.

The pages are listed explicitly in PAGES; test_every_page_of_the_site_is_checked_or_excused fails when
web/urls.py names a page that is neither in PAGES nor in EXCUSED (with its reason), so a new page is never
left out silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from pilot_world import World
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import TIMEOUT_MS
from vatspilot.domain.applications import Role, State
from vatspilot.store.models import Licence
from vatspilot.web import urls as web_urls

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
LANGUAGES = ["en", "zh-hans"]


@dataclass(frozen=True)
class Facts:
    """What the pages are about: made through the services before the browser opens them."""

    approved: int  # an approved application (its licence issued)
    submitted: int  # a submitted one, in the Shanghai officer's queue
    draft: int  # a draft, its dossier open for editing
    licence: str  # the approved application's licence number
    tracking: str  # the submitted application's public tracking number


@dataclass(frozen=True)
class MainPage:
    url_name: str
    who: Role | None  # None: a visitor, not signed in
    args: Callable[[Facts], tuple[object, ...]] = lambda facts: ()

    def url(self, facts: Facts) -> str:
        return reverse(f"web:{self.url_name}", args=self.args(facts))

    @property
    def label(self) -> str:
        return f"{self.url_name} ({self.who.value if self.who else 'visitor'})"


PAGES: tuple[MainPage, ...] = (
    # The public side, no sign-in.
    MainPage("home", None),
    MainPage("guide", None),
    MainPage("rules", None),
    MainPage("rule", None, lambda facts: ("cap:notice-107",)),
    MainPage("rules_diff", None),
    MainPage("eligibility", None),
    MainPage("statistics", None),
    MainPage("track", None),
    MainPage("track_application", None, lambda facts: (facts.tracking,)),
    MainPage("register", None),
    MainPage("register_licence", None, lambda facts: (facts.licence,)),
    MainPage("verify", None, lambda facts: (facts.licence,)),
    MainPage("lists", None),
    MainPage("login", None),
    MainPage("account_register", None),
    MainPage("password_reset", None),
    # The applicant.
    MainPage("applications", Role.APPLICANT),
    MainPage("application", Role.APPLICANT, lambda facts: (facts.approved,)),
    MainPage("dossier", Role.APPLICANT, lambda facts: (facts.draft,)),
    MainPage("inbox", Role.APPLICANT),
    MainPage("licence", Role.APPLICANT, lambda facts: (facts.licence,)),
    MainPage("licence_reports", Role.APPLICANT, lambda facts: (facts.licence,)),
    MainPage("findings", Role.APPLICANT),
    MainPage("members", Role.APPLICANT),
    MainPage("api_tokens", Role.APPLICANT),
    # The reviewers and supervisors.
    MainPage("queue", Role.LOCAL_OFFICER),
    MainPage("application", Role.LOCAL_OFFICER, lambda facts: (facts.submitted,)),
    MainPage("inbox", Role.LOCAL_OFFICER),
    MainPage("supervision", Role.LOCAL_OFFICER),
    MainPage("queue", Role.MIIT_REVIEWER),
    MainPage("application", Role.MIIT_REVIEWER, lambda facts: (facts.approved,)),
    MainPage("licence", Role.MIIT_REVIEWER, lambda facts: (facts.licence,)),
    MainPage("licences", Role.MIIT_REVIEWER),
    MainPage("supervision", Role.MIIT_REVIEWER),
    MainPage("findings", Role.MIIT_REVIEWER),
    MainPage("exits", Role.MIIT_REVIEWER),
    MainPage("inspections", Role.MIIT_REVIEWER),
    MainPage("staff", Role.ADMINISTRATOR),
)

# The URL names of web/urls.py that are not pages of their own, and why.
EXCUSED: dict[str, str] = {
    "logout": "a POST that signs out",
    "set_language": "the language switcher's POST",
    "application_create": "a POST that makes a draft",
    "upload": "a POST (the application page's upload form)",
    "action": "a POST (the application page's action forms)",
    "withdraw_confirm": "a confirmation step of the application page's withdraw",
    "delete_draft": "a confirmation step of deleting a draft",
    "download": "a file",
    "licence_certificate": "a PDF",
    "licence_action": "a POST (the licence page's forms)",
    "filing_change": "a form for one licence's change filing (reached from the licence page)",
    "filing_renewal": "a form for one licence's renewal (reached from the licence page)",
    "filing": "one filing's page (needs a filing: the licence page shows its summary)",
    "filing_action": "a POST",
    "exit": "one network exit's page (needs a revoked licence)",
    "exit_action": "a POST",
    "exits_export": "a CSV or XLSX file",
    "licence_reports_export": "a CSV or XLSX file",
    "report_open": "a POST",
    "report": "one quarterly report's page (needs a filed report)",
    "report_data": "a file",
    "report_upload": "a POST",
    "report_run_progress": "an htmx fragment",
    "report_action": "a POST",
    "findings_export": "a CSV or XLSX file",
    "finding": "one finding's page (needs a finding from a filed report)",
    "finding_evidence": "a file",
    "finding_action": "a POST",
    "draw": "one random draw's page (needs a draw)",
    "inspection": "one inspection's page (needs a draw)",
    "inspection_record": "a POST",
    "notification_read": "a POST (htmx)",
    "notifications_read_all": "a POST",
    "staff_create": "a POST",
    "staff_account": "a POST",
    "register_export_csv": "a CSV file",
    "register_export_xlsx": "an XLSX file",
    "lists_export_csv": "a CSV file",
    "lists_export_xlsx": "an XLSX file",
    "supervision_export": "a CSV or XLSX file",
    "statistics_export": "a CSV or XLSX file",
    "statistics_pdf": "a PDF",
    "eligibility_places": "an htmx fragment",
    "eligibility_pdf": "a PDF",
    "eligibility_apply": "a POST",
    "resend_verification": "a POST",
    "verify_email": "a one-time link from an e-mail",
    "password_reset_done": "a one-line confirmation after the reset form",
    "password_reset_confirm": "a one-time link from an e-mail",
    "password_reset_complete": "a one-line confirmation after the new password",
    "invite": "a POST (the members page's form)",
    "invitation_revoke": "a POST",
    "invitation_accept": "a one-time link from an e-mail",
    "api_token_revoke": "a POST (the API tokens page's form)",
}


def _url_names(patterns: list[URLPattern | URLResolver]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_page_of_the_site_is_checked_or_excused() -> None:
    names = _url_names(web_urls.urlpatterns)
    checked = {page.url_name for page in PAGES}
    assert sorted(names - checked - set(EXCUSED)) == [], "a page neither checked by axe nor excused"
    assert sorted(checked - names) == [], "a checked page that web/urls.py no longer has"


def _facts(world: World) -> Facts:
    approved = world.drive_to(State.APPROVED)
    submitted = world.drive_to(State.SUBMITTED)
    draft = world.new_application()
    licence = Licence.objects.get(application=approved)
    assert submitted.tracking_number
    return Facts(approved.pk, submitted.pk, draft.pk, licence.number, submitted.tracking_number)


def _session_cookie(world: World, who: Role) -> dict[str, str]:
    client = Client()
    client.force_login(world.users[who])
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def contexts(browser: Browser, world: World) -> Iterator[Callable[[Role | None, str, dict[str, int]], BrowserContext]]:
    """A browser context per (who, language, viewport): signed in with a session made for the account,
    the language chosen by Django's language cookie. bypass_csp lets Playwright add axe's script tag; the
    Content Security Policy itself is held by test_e2e_content_policy.py."""
    made: dict[tuple[Role | None, str, int], BrowserContext] = {}

    def context(who: Role | None, language: str, viewport: dict[str, int]) -> BrowserContext:
        key = (who, language, viewport["width"])
        if key not in made:
            new = browser.new_context(bypass_csp=True, viewport=viewport, locale="en-GB")
            new.set_default_timeout(TIMEOUT_MS)
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
            if who is not None:
                cookies.append(_session_cookie(world, who))
            new.add_cookies([{**cookie, "url": world.base_url} for cookie in cookies])  # type: ignore[misc]
            made[key] = new
        return made[key]

    try:
        yield context
    finally:
        for made_context in made.values():
            made_context.close()


def _axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ` +
                v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }""",
        WCAG_TAGS,
    )
    return [str(item) for item in found]


@pytest.mark.skipif(not AXE.exists() and os.environ.get("CI", "").lower() != "true", reason="run npm ci first")
@pytest.mark.parametrize("language", LANGUAGES)
def test_e2e_every_main_page_passes_axe_and_fits_a_phone(
    world: World, contexts: Callable[[Role | None, str, dict[str, int]], BrowserContext], language: str
) -> None:
    assert AXE.exists(), f"{AXE} is missing: run npm ci"
    facts = _facts(world)
    problems: list[str] = []
    checked: list[str] = []
    for main_page in PAGES:
        url = world.base_url + main_page.url(facts)
        for viewport in (LAPTOP, PHONE):
            page = contexts(main_page.who, language, viewport).new_page()
            try:
                response = page.goto(url)
                assert response is not None
                where = f"{main_page.label} {url} at {viewport['width']} px"
                if response.status != 200:
                    problems.append(f"{where}: HTTP {response.status}")
                    continue
                expect(page.locator("html")).to_have_attribute("lang", language)
                problems.extend(f"{where}: {violation}" for violation in _axe_violations(page))
                if viewport is PHONE:
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > PHONE["width"]:
                        problems.append(f"{where}: scrolls sideways ({width} px wide)")
                checked.append(where)
            finally:
                page.close()
    assert problems == [], "\n".join(problems)
    assert len(checked) == 2 * len(PAGES)


def test_e2e_the_keyboard_reaches_the_content_and_the_language_switcher(page: Page, world: World) -> None:
    page.goto(f"{world.base_url}/track/")
    # The first Tab lands on the skip link, which is then visible; Enter moves the focus to the content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The focus is visible: an outline on the focused control.
    page.goto(f"{world.base_url}/track/")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"

    # The language switcher without a mouse: focus the select, pick 简体中文 with the arrow keys, Tab to
    # the button, press Enter.
    select = page.locator("#language-select")
    select.focus()
    page.keyboard.press("ArrowDown")
    expect(select).to_have_value("zh-hans")
    page.keyboard.press("Tab")
    expect(page.locator("form.language button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_e2e_the_favicon_is_the_sites_own(page: Page, world: World) -> None:
    page.goto(f"{world.base_url}/track/")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert href is not None and href.endswith("web/favicon.svg") and href.startswith("/")
    response = page.request.get(world.base_url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_e2e_a_table_becomes_cards_named_after_its_columns_on_a_phone(browser: Browser, world: World) -> None:
    facts = _facts(world)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        context.add_cookies(
            [{**_session_cookie(world, Role.LOCAL_OFFICER), "url": world.base_url}]  # type: ignore[misc]
        )
        page = context.new_page()
        page.goto(f"{world.base_url}/queue/")
        row = page.locator(f'tr[data-application="{facts.submitted}"]')
        expect(row).to_be_visible()
        # Each cell carries its column's name (web/tables.js) and shows it above the value (site.css).
        status = row.locator('td[data-label="Status"]')
        expect(status).to_have_count(1)
        label = status.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"Status"'
        assert row.evaluate("row => getComputedStyle(row).display") == "block"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
