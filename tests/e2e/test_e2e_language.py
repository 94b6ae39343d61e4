"""The language switcher in the masthead turns the pages Chinese, in Chromium against the live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.e2e_world import OFFICER, World, sign_in, submitted_application

pytestmark = pytest.mark.browser


def test_e2e_chinese_pages(page: Page, world: World, tmp_path: Path) -> None:
    application_id = submitted_application(world)
    sign_in(page, world, OFFICER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")

    page.get_by_label("Language").select_option(label="简体中文")
    page.locator("form.language").get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("待办审查")
    expect(page.locator("table.queue thead")).to_contain_text("审查时限")
    row = page.locator(f'tr[data-application="{application_id}"]')
    expect(row).to_contain_text("已提交：形式审查")
    expect(page.get_by_label("语言")).to_have_value("zh-hans")
    # The choice sticks: the next page is Chinese too.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("待办审查")
    page.screenshot(path=tmp_path / "queue-zh.png", full_page=True)
