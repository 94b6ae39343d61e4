"""The public portal end to end, in Chromium against the live server (issue 11, item 7).

One flow, as people take it: a visitor reads the service guide, runs the eligibility check's steps (and
saves the result as a PDF) and registers an enterprise (the confirmation e-mail's link activates the
account); the new applicant starts an application from the check's answers, completes the dossier in the
ownership tree editor and the service picker (no JSON typed), uploads every document the checklist asks
for and submits; the local officer, the three agencies, the security expert and MIIT carry it to approval;
then anyone sees it: the tracker by its tracking number, the statistics (and their CSV download) and the
licence register.

The same flow runs three times: in English, in Chinese (the visitor switches the language with the
masthead's switcher; every button and label is found by its catalogue translation, so an untranslated
string fails the run) and at 390 px wide, where no page visited may scroll sideways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.core import mail
from django.utils import translation
from pilot_world import PDF, World
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.fixtures import Settings
from stdnum.cn import uscc as stdnum_uscc

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.e2e_world import CAC, EXPERT, MIIT, MPS, OFFICER, PASSWORD
from vatspilot.domain.applications.tracking import parse_tracking_number
from vatspilot.services.vocabulary import label
from vatspilot.store.audit import verify_chain

pytestmark = pytest.mark.browser

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The enterprise the visitor registers: in Pudong, Shanghai (the USCC's characters 3-8 are its division,
# 310115), so the world's Shanghai officer handles it; wholly foreign owned, B11 takes the pilot route.
NAME_ZH = "浦江云数据科技（上海）有限公司"
NAME_EN = "Pujiang Cloud Data Technology (Shanghai) Co., Ltd."
USCC = "91310115MA1PJ7Q8W" + stdnum_uscc.calc_check_digit("91310115MA1PJ7Q8W")
EMAIL = "li.wei@pujiang-cloud.example.cn"
ACCOUNT_PASSWORD = "Pujiang-cloud-2026!"
CAPITAL = "10000000"
PROVINCE, DISTRICT = "310000", "310115"
# The owners the visitor types in the eligibility check, and the split the applicant makes in the dossier.
OWNER = ("Harbour Cloud Ltd", "HK")
SECOND_OWNER = ("Pacific Ventures LLC", "US")
SERVICE = "B11"  # ticked in the eligibility check
ADDED_SERVICE = "B25-05"  # added in the dossier's service picker
# The server's first page loads the rulebook and the catalogues (several seconds on a loaded machine).
FIRST_PAGE_TIMEOUT_MS = 45_000
BASIS = "MIIT Order No. 42 Art. 11; Pilot Notice (MIIT Communications Letter [2024] No. 107)"
BASIS_ZH = (
    "工业和信息化部令第42号第十一条；《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》"
    "（工信部通信函〔2024〕107号）"
)

# The outermost elements reaching past the window's right edge (their tag and classes), for the report.
OVERFLOWING_ELEMENTS = """width => {
  const out = [];
  for (const element of document.querySelectorAll("main *")) {
    if (element.getBoundingClientRect().right <= width + 1) continue;
    if (out.some(seen => seen.contains(element))) continue;
    out.push(element);
  }
  const classes = e => (e.className ? "." + String(e.className).trim().split(/\\s+/).join(".") : "");
  const name = e => e.tagName.toLowerCase() + classes(e);
  return out.slice(0, 4).map(name);
}"""


@dataclass
class Variant:
    """The language the flow reads the pages in and the window's size."""

    language: str  # Django's code: "en" or "zh-hans"
    viewport: dict[str, int]
    overflowing: list[str] = field(default_factory=list)  # pages that scrolled sideways (390 px only)

    @property
    def phone(self) -> bool:
        return self.viewport["width"] < 500

    def t(self, message: str, context: str | None = None, **params: Any) -> str:
        """The catalogue's words for ``message`` in this variant's language (%-style params filled)."""
        with translation.override(self.language):
            text = translation.pgettext(context, message) if context else translation.gettext(message)
        return text % params if params else text

    def n(self, singular: str, plural: str, count: int, context: str | None = None) -> str:
        with translation.override(self.language):
            if context:
                text = translation.npgettext(context, singular, plural, count)
            else:
                text = translation.ngettext(singular, plural, count)
        return text % {"counter": count}

    def words(self, vocabulary: str, code: str) -> str:
        """An action's or state's words (services.vocabulary), as the pages print them."""
        with translation.override(self.language):
            return str(label(vocabulary, code))


VARIANTS = [
    pytest.param(Variant("en", DESKTOP), id="english"),
    pytest.param(Variant("zh-hans", DESKTOP), id="chinese"),
    pytest.param(Variant("en", PHONE), id="phone-390"),
]


class Flow:
    """The steps, each in the pages as a person takes it; ``v`` gives the words in the flow's language."""

    def __init__(self, page: Page, world: World, variant: Variant, folder: Path) -> None:
        self.page = page
        self.world = world
        self.v = variant
        self.folder = folder

    # --- Common moves ---------------------------------------------------------------------------------

    def go(self, path: str, timeout: float | None = None) -> None:
        self.page.goto(f"{self.world.base_url}{path}", timeout=timeout)

    def field(self, words: str, within: Locator | Page | None = None) -> Locator:
        """The control labelled exactly ``words`` (a label may end with a colon, ASCII or Chinese)."""
        return (within or self.page).get_by_label(re.compile(rf"^\s*{re.escape(words)}\s*[:：]?\s*$"))

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def reflows(self) -> None:
        """At 390 px the page must not scroll sideways (tables reflow into cards); an offender is noted
        with the outermost elements that stick out, and the test fails at the end."""
        if not self.v.phone:
            return
        self.page.wait_for_load_state()
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > self.v.viewport["width"]:
            wide = self.page.evaluate(OVERFLOWING_ELEMENTS, self.v.viewport["width"])
            path = re.sub(r"^https?://[^/]+", "", self.page.url)
            note = f"{path} ({width} px: {', '.join(wide)})"
            if note not in self.v.overflowing:
                self.v.overflowing.append(note)

    def succeeded(self) -> None:
        expect(self.page.locator(".messages .alert--success")).to_be_visible()

    def sign_out(self) -> None:
        self.page.locator("form.mainnav__logout").get_by_role("button", name=self.v.t("Sign out")).click()
        expect(self.page.locator(".mainnav__user")).to_have_count(0)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        if self.page.locator(".mainnav__user").count():
            self.sign_out()
        self.go("/accounts/login/")
        expect(self.heading()).to_have_text(self.v.t("Sign in"))
        self.page.get_by_label(self.v.t("Username")).fill(username)
        self.field(self.v.t("Password")).fill(password)
        self.page.locator("main form").get_by_role("button", name=self.v.t("Sign in")).click()
        expect(self.page.locator(".mainnav__user")).to_have_text(username)

    def act(self, action: str, choice: str | None = None, **fields: str) -> None:
        """Fill an action's form on the application page (text fields by name, a radio by value) and press
        its button, named by the action's words."""
        form = self.page.locator(f"form#action-{action}")
        expect(form).to_be_visible()
        if choice:
            form.locator(f'input[type="radio"][value="{choice}"]').check()
        for name, value in fields.items():
            form.locator(f'[name="{action}-{name}"]').fill(value)
        form.get_by_role("button", name=self.v.words("action", action), exact=True).click()
        self.succeeded()

    def state_is(self, state: str) -> None:
        badge = self.page.locator(".state").first
        expect(badge).to_have_class(re.compile(rf"\bstate--{state}\b"))
        expect(badge).to_have_text(self.v.words("state", state))

    # --- The visitor ----------------------------------------------------------------------------------

    def read_the_guide(self) -> None:
        """The site's front page is the service guide; a Chinese reader switches the language there."""
        self.go("/", timeout=FIRST_PAGE_TIMEOUT_MS)
        if self.v.language != "en":
            self.page.locator("form.language select").select_option(self.v.language)
            self.page.locator("form.language").get_by_role("button").click()
            expect(self.page.locator("html")).to_have_attribute("lang", self.v.language)
        expect(self.heading()).to_be_visible()
        expect(
            self.page.locator("main").get_by_role("link", name=self.v.t("Check your eligibility")).first
        ).to_be_visible()
        self.reflows()

    def check_eligibility(self) -> str:
        """The check's four steps; returns the result's address (the answers are in it)."""
        self.page.locator("main").get_by_role("link", name=self.v.t("Check your eligibility")).first.click()
        expect(self.heading()).to_have_text(self.v.t("Eligibility check"))
        # htmx is a deferred script and binds the lists at DOMContentLoaded: a change made while the page is
        # still parsing brings no next list (seen on a loaded CI machine), so the flow waits as a reader would.
        self.page.wait_for_load_state("load")
        page = self.page
        # 1. The place, from the lists (htmx brings the next list when one is chosen; a municipality such
        # as Shanghai has its districts right under it).
        self.field(self.v.t("Province")).select_option(PROVINCE)
        self.field(self.v.t("District or county")).select_option(DISTRICT)
        # 2. The enterprise.
        page.get_by_label(self.v.t("Enterprise name (optional)")).fill(NAME_EN)
        page.get_by_label(self.v.t("Registered capital (yuan)")).fill(CAPITAL)
        # 3. The ownership, in the tree editor.
        self.add_holder(1, *OWNER, "100")
        self.ownership_total("ok")
        # 4. The service; the area stays provincial.
        page.get_by_role("checkbox", name=re.compile(rf"^{SERVICE} ")).check()
        page.get_by_role("button", name=self.v.t("Check eligibility")).click()
        result = page.locator("#result")
        expect(result.locator("p.outcome")).to_have_class(re.compile(r"\boutcome--eligible\b"))
        expect(result.locator("p.outcome")).to_have_text(self.v.words("outcome", "eligible"))
        expect(result.locator("article.eligibility-service")).to_have_count(1)
        expect(result.locator("article.eligibility-service--eligible")).to_contain_text(SERVICE)
        expect(result.locator('a[href^="/rules/"]').first).to_be_visible()  # reasons link to their rules
        with page.expect_download() as download:
            page.get_by_role("link", name=self.v.t("Save as PDF")).click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
        self.reflows()
        return page.url

    def editor_words(self, key: str, **params: str) -> str:
        """The ownership editor's words (its data-text-* attributes, translated by the template)."""
        text = self.page.locator("[data-ownership-editor]").first.get_attribute(f"data-text-{key}") or ""
        assert text, f"the ownership editor has no data-text-{key}"
        for name, value in params.items():
            text = text.replace("{" + name + "}", value)
        return text

    def holder(self, number: int) -> Locator:
        editor = self.page.locator("[data-ownership-editor]")
        return editor.get_by_role("group", name=self.editor_words("holder", n=str(number)), exact=True)

    def ownership_total(self, state: str) -> None:
        """The editor's live total of the direct shareholders: ``ok`` (adds up to 100%) or ``bad``."""
        total = self.page.locator('[data-ownership-editor] [data-total="top"]')
        expect(total).to_have_class(re.compile(rf"\bownership-level__total--{state}\b"))

    def add_holder(self, number: int, name: str, jurisdiction: str, percent: str) -> None:
        """Add a direct shareholder in the ownership tree editor and type its name, country and share."""
        editor = self.page.locator("[data-ownership-editor]")
        editor.get_by_role("button", name=self.editor_words("add"), exact=True).click()
        holder = self.holder(number)
        self.field(self.editor_words("name"), holder).fill(name)
        self.field(self.editor_words("jurisdiction"), holder).fill(jurisdiction)
        self.field(self.editor_words("percent"), holder).fill(percent)

    def register_enterprise(self) -> None:
        """From the sign-in page: register the enterprise and its first user, then confirm the address
        with the link in the e-mail."""
        self.go("/accounts/login/")
        self.page.locator("main").get_by_role("link", name=self.v.t("Register an enterprise")).click()
        expect(self.heading()).to_have_text(self.v.t("Register an enterprise"))
        page = self.page
        page.get_by_label(self.v.t("Registered Chinese name")).fill(NAME_ZH)
        page.get_by_label(self.v.t("Unified social credit code (USCC)")).fill(USCC)
        page.get_by_label(self.v.t("English name (optional)")).fill(NAME_EN)
        page.get_by_label(self.v.t("Registered capital (yuan)")).fill(CAPITAL)
        page.get_by_label(self.v.t("Your name")).fill("Li Wei")
        page.get_by_label(self.v.t("Your e-mail address")).fill(EMAIL)
        self.field(self.v.t("Password")).fill(ACCOUNT_PASSWORD)
        page.get_by_label(self.v.t("Password again")).fill(ACCOUNT_PASSWORD)
        self.reflows()
        page.locator("main form").get_by_role("button", name=self.v.t("Register"), exact=True).click()
        expect(self.heading()).to_have_text(self.v.t("Confirm your e-mail address"))
        expect(page.locator("main")).to_contain_text(EMAIL)

        (message,) = [m for m in mail.outbox if EMAIL in m.to]
        assert message.subject == self.v.t("Confirm your e-mail address")
        link = re.search(r"https?://\S+/accounts/verify/\S+/", message.body)
        assert link, message.body
        self.go(re.sub(r"^https?://[^/]+", "", link.group(0)))
        page.get_by_role("button", name=self.v.t("Confirm and activate my account")).click()
        expect(self.heading()).to_have_text(self.v.t("Address confirmed"))

    # --- The applicant --------------------------------------------------------------------------------

    def start_from_the_check(self, result_url: str) -> int:
        """Signed in, the applicant opens the check's result again and starts an application from it."""
        self.page.goto(result_url)
        self.page.get_by_role("button", name=self.v.t("Start an application with these answers")).click()
        expect(self.heading()).to_contain_text(re.sub(r"%\(id\)s.*", "", self.v.t("Dossier of application #%(id)s")))
        self.succeeded()
        return int(self.page.url.rstrip("/").split("/")[-2])

    def complete_the_dossier(self) -> None:
        """In the editor, split the ownership 60/40 between two foreign holders (the total adds up live);
        in the service picker, add a second service; save and see the determination."""
        page = self.page
        first = self.holder(1)
        expect(self.field(self.editor_words("name"), first)).to_have_value(OWNER[0])
        self.field(self.editor_words("percent"), first).fill("60")
        self.ownership_total("bad")  # 40% missing
        self.add_holder(2, *SECOND_OWNER, "40")
        self.ownership_total("ok")
        expect(page.locator("textarea[name=ownership]")).to_be_hidden()  # no JSON to type
        page.locator('select[name="services-1-code"]').select_option(ADDED_SERVICE)
        self.reflows()
        page.get_by_role("button", name=self.v.t("Save the dossier")).click()
        expect(page.locator(".messages")).to_contain_text(
            self.v.t("Dossier saved; the eligibility determination was recomputed.")
        )
        determination = page.locator("section", has=page.locator("#determination-heading"))
        expect(determination.locator("p.outcome")).to_have_text(self.v.words("outcome", "eligible"))

    def upload_and_submit(self) -> str:
        """Upload a PDF for every document on the checklist, submit; returns the tracking number."""
        page = self.page
        rows = page.locator('tr[id^="document-"]')
        kinds = [row_id.removeprefix("document-") for row_id in rows.evaluate_all("rows => rows.map(r => r.id)")]
        assert kinds, "the checklist lists no document"
        for kind in kinds:
            path = self.folder / f"{kind}.pdf"
            path.write_bytes(PDF)
            row = page.locator(f"tr#document-{kind}")
            row.locator('input[type="file"]').set_input_files(path)
            row.get_by_role("button", name=self.v.t("Upload"), exact=True).click()
            self.succeeded()
            expect(page.locator(f"tr#document-{kind} .badge")).to_have_text(self.v.t("Uploaded"))
        self.reflows()
        expect(page.locator("#submit-blockers")).to_have_count(0)
        page.locator("main").get_by_role("button", name=self.v.t("Submit the application")).click()
        expect(page.locator(".messages")).to_contain_text(
            self.v.t("Done: %(action)s.", action=self.v.words("event", "submit"))
        )
        self.state_is("submitted")
        if not page.locator(".tracking").count():  # the dossier page: the application page has the number
            page.get_by_role("link", name=self.v.t("Application page")).click()
        href = page.locator(".tracking a").get_attribute("href") or ""
        number = unquote(href.rstrip("/").split("/")[-1])
        assert parse_tracking_number(number) == number, href
        return number

    # --- The reviewers --------------------------------------------------------------------------------

    def open_from_queue(self, application_id: int) -> None:
        expect(self.heading()).to_have_text(self.v.t("Review queue"))
        self.reflows()
        row = self.page.locator(f'[data-application="{application_id}"]')
        row.get_by_role("link", name=f"#{application_id}", exact=True).click()
        expect(self.heading()).to_contain_text(str(application_id))

    def review_to_approval(self, application_id: int) -> None:
        self.sign_in(OFFICER)
        self.open_from_queue(application_id)
        self.act("accept")
        self.state_is("preliminary_assessment")
        self.act("complete_preliminary_assessment", findings="Dossier consistent; no findings at this stage.")
        self.state_is("ministerial_review")
        self.reflows()
        for reviewer in (MIIT, CAC, MPS):
            self.sign_in(reviewer)
            self.open_from_queue(application_id)
            self.act("record_opinion", choice="concur")
        self.sign_in(EXPERT)
        self.open_from_queue(application_id)
        self.act("record_security_assessment", choice="positive", findings="Data localisation and logging verified.")
        self.sign_in(MIIT)
        self.open_from_queue(application_id)
        self.act("approve", legal_basis=BASIS)
        self.state_is("approved")
        # A basis made of the platform's own citations is shown in the reader's language (legal_text.citation_in).
        expect(self.page.locator(".decision")).to_contain_text(BASIS if self.v.language == "en" else BASIS_ZH)
        self.reflows()

    # --- Anyone ---------------------------------------------------------------------------------------

    def track(self, number: str) -> None:
        self.sign_out()
        self.go("/")
        self.page.locator("main").get_by_role("link", name=self.v.t("Track an application")).first.click()
        expect(self.heading()).to_have_text(self.v.t("Track an application"))
        self.page.get_by_label(self.v.t("Tracking number")).fill(number)
        self.page.locator("main form").get_by_role("button", name=self.v.t("Track"), exact=True).click()
        expect(self.heading()).to_have_text(self.v.t("Application %(number)s", number=number))
        day = self.world_today()
        expect(self.page.locator(".alert--success")).to_have_text(self.v.t("Approved on %(day)s.", day=day))
        stages = self.page.locator(".track-stage")
        expect(stages.last).to_have_class(re.compile(r"\btrack-stage--done\b"))
        expect(stages.last).to_contain_text(self.v.t("Decision"))
        expect(self.page.locator(".track-agencies li")).to_have_count(3)
        expect(self.page.locator("main")).not_to_contain_text(OWNER[0])  # no confidential content
        self.reflows()

    def world_today(self) -> str:
        """Today (the pinned legal day) as the pages write a date in this language (DATE_FORMAT)."""
        from django.utils import formats

        from vatspilot.services.calendar.legal_day import legal_today

        with translation.override(self.v.language):
            return formats.date_format(legal_today(), "DATE_FORMAT")

    def statistics(self) -> None:
        self.go("/")
        self.page.locator("main").get_by_role("link", name=self.v.t("Statistics"), exact=True).first.click()
        expect(self.heading()).to_have_text(self.v.t("Statistics of the pilot"))
        section = self.page.locator("section", has=self.page.locator("#approvals-by-region"))
        expect(section).to_contain_text(self.v.n("%(counter)s approval in all.", "%(counter)s approvals in all.", 1))
        expect(section.locator("tbody tr")).to_have_count(1)
        expect(section.locator("tbody tr td").first).to_have_text("1")
        services = self.page.locator("section", has=self.page.locator("#approvals-by-service"))
        for code in (SERVICE, ADDED_SERVICE):
            expect(services.locator("tbody tr", has_text=code).locator("td")).to_have_text("1")
        with self.page.expect_download() as download:
            section.get_by_role("link", name="CSV", exact=True).click()
        lines = Path(download.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
        assert len(lines) == 2 and lines[1].endswith(",1"), lines  # the header and the one region
        self.reflows()

    def register(self) -> None:
        self.go("/register/")
        expect(self.heading()).to_have_text(self.v.t("Licence register", context="register"))
        self.page.get_by_label(self.v.t("Unified Social Credit Code", context="register")).fill(USCC)
        self.page.locator("main form").get_by_role("button", name=self.v.t("Search", context="register")).click()
        rows = self.page.locator(".register__row")
        expect(rows).to_have_count(1)
        holder = NAME_ZH if self.v.language.startswith("zh") else NAME_EN
        expect(rows.first).to_contain_text(holder)
        expect(rows.first).to_contain_text(SERVICE)
        expect(rows.first.locator(".register__status")).to_have_class(re.compile(r"register__status--valid"))
        self.reflows()
        rows.first.get_by_role("link").first.click()
        expect(self.page.locator("main")).to_contain_text(holder)
        self.reflows()


@pytest.mark.parametrize("variant", VARIANTS)
def test_e2e_portal(variant: Variant, browser: Browser, world: World, settings: Settings, tmp_path: Path) -> None:
    settings.TASKS = IMMEDIATE  # the confirmation e-mail is sent at once (a worker sends it in real use)
    variant.overflowing.clear()
    context = browser.new_context(locale="en-GB", viewport=variant.viewport)
    context.set_default_timeout(TIMEOUT_MS)
    flow = Flow(context.new_page(), world, variant, tmp_path)
    try:
        flow.read_the_guide()
        result_url = flow.check_eligibility()
        flow.register_enterprise()
        flow.sign_in(EMAIL, ACCOUNT_PASSWORD)
        application_id = flow.start_from_the_check(result_url)
        flow.complete_the_dossier()
        number = flow.upload_and_submit()
        flow.review_to_approval(application_id)
        flow.track(number)
        flow.statistics()
        flow.register()
        flow.page.screenshot(path=tmp_path / f"portal-{variant.language}-{variant.viewport['width']}.png")
    except Exception as error:
        # The page as it stood when a step failed, for whoever reads the failure.
        flow.page.screenshot(path=tmp_path / "failure.png", full_page=True)
        (tmp_path / "failure.html").write_text(flow.page.content(), encoding="utf-8")
        error.add_note(f"The page at the failure: {tmp_path / 'failure.png'} ({flow.page.url})")
        raise
    finally:
        context.close()

    assert variant.overflowing == [], f"pages scrolling sideways at 390 px: {variant.overflowing}"
    assert verify_chain().ok, str(verify_chain())
