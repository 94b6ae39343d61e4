"""The service guide and the rules pages in Chromium against the live server, in English and in Chinese:
without JavaScript's help they fit a 390 px phone (nothing scrolls sideways), the browser reports no
Content Security Policy violation, and axe-core finds no WCAG 2.1 A or AA violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from pilot_world import World
from playwright.sync_api import Browser, ConsoleMessage

from tests.e2e.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
FIRST_PAGE_TIMEOUT_MS = 45_000
PAGES = (
    "/",
    "/guide/",
    "/rules/",
    "/rules/?on=2024-10-22",
    "/rules/notice-107:shanghai/",
    "/rules/cap:national-default/",
    "/rules/diff/?from=2024-10-22&to=2024-11-01",
)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_e2e_the_guide_and_the_rules_fit_a_phone_under_the_policy(
    browser: Browser, world: World, language: str
) -> None:
    problems: list[str] = []
    for bypass_csp in (False, True):
        # The policy is checked as served; axe's script tag needs the policy bypassed.
        if bypass_csp and not AXE.exists():
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{AXE} is missing: run npm ci")
            continue
        context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=bypass_csp, java_script_enabled=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": world.base_url}])
        try:
            for path in PAGES:
                page = context.new_page()
                complaints: list[str] = []

                def listen(message: ConsoleMessage, sink: list[str] = complaints) -> None:
                    if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
                        sink.append(message.text)

                page.on("console", listen)
                # The server's first page loads the rulebook and the catalogues: it may take a while.
                response = page.goto(world.base_url + path, timeout=FIRST_PAGE_TIMEOUT_MS)
                assert response is not None
                where = f"{path} ({language})"
                if response.status != 200:
                    problems.append(f"{where}: HTTP {response.status}")
                    continue
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    problems.append(f"{where}: scrolls sideways ({width} px wide)")
                if not bypass_csp:
                    problems.extend(f"{where}: {c}" for c in complaints)
                else:
                    page.add_script_tag(path=str(AXE))
                    found = page.evaluate(
                        """async (tags) => {
                            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                            return result.violations.map(v => `${v.id}: ${v.help} at ` +
                                v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
                        }""",
                        WCAG_TAGS,
                    )
                    problems.extend(f"{where}: {item}" for item in found)
                page.close()
        finally:
            context.close()
    assert problems == []
