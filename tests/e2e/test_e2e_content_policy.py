"""The Content Security Policy holds in Chromium: pages run only the scripts and styles served from the
site, the browser reports no violation, and htmx still swaps a fragment in."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.e2e_world import OFFICER, World, sign_in, submitted_application

pytestmark = pytest.mark.browser


def test_e2e_no_content_policy_violation_and_htmx_works(page: Page, world: World) -> None:
    submitted_application(world)  # notifies the Shanghai officer
    complaints: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        # Chromium words every blocked script, style or connection "Refused to ... Content Security Policy".
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            complaints.append(message.text)

    page.on("console", listen)
    policies: list[str] = []
    page.on("response", lambda response: policies.append(response.headers.get("content-security-policy", "")))

    sign_in(page, world, OFFICER)
    page.goto(f"{world.base_url}/inbox/")
    unread = page.locator("li.notification--unread").first
    expect(unread).to_be_visible()
    notification_id = unread.get_attribute("id")
    address_before = page.url
    unread.get_by_role("button", name="Mark as read").click()

    # htmx replaced the item in place: same address, the item now says "Read".
    expect(page.locator(f"#{notification_id}").locator(".tag")).to_have_text("Read")
    assert page.url == address_before
    assert page.evaluate("typeof window.htmx") == "object"
    page_policies = [policy for policy in policies if policy]
    assert page_policies, "no response carried a Content-Security-Policy header"
    assert all("script-src 'self'" in policy and "unsafe-inline" not in policy for policy in page_policies)
    assert complaints == []


def test_e2e_the_api_docs_render_under_the_policy(page: Page, world: World) -> None:
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: complaints.append(message.text) if "Content Security Policy" in message.text else None,
    )

    sign_in(page, world, OFFICER)
    page.goto(f"{world.base_url}/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("vatspilot API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert complaints == []
