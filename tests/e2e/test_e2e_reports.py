"""The report page's upload progress in Chromium against the live server: the holder uploads a node list,
the page shows the queued run and polls its progress every second (htmx under the site's Content
Security Policy); when a worker has read the file the page shows itself again with the part on file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.e2e.e2e_world import APPLICANT, World, sign_in
from vatspilot.services.supervision.ingestion import ingest
from vatspilot.services.supervision.reports import open_report
from vatspilot.store.models import IngestionRun

pytestmark = pytest.mark.browser

TODAY = date(2026, 4, 5)  # 2026-Q1's report is open (due 2026-04-15)
NODES = b"""id,address,role,location
n-1,114.114.114.114,idc,310115
n-2,223.5.5.0/24,cdn-edge,110105
n-3,203.198.0.1,offshore-cache,HK
n-4,8.8.8.8,idc,310115
"""


def test_the_upload_is_followed_until_the_worker_has_read_it(
    page: Page, world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.VATSPILOT_TODAY = TODAY.isoformat()
    settings.VATSPILOT_REPORT_DIR = tmp_path / "reports"
    # No worker in this test until it plays one: the run stays queued while the page polls.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    report = open_report(actor=world.applicant, licence=world.licence(), year=2026, quarter=1, on=TODAY)
    sign_in(page, world, APPLICANT)
    page.goto(f"{world.base_url}/reports/{report.pk}/")
    nodes = tmp_path / "nodes.csv"
    nodes.write_bytes(NODES)
    form = page.locator("#upload-node_list")
    form.get_by_label("File").set_input_files(str(nodes))
    form.get_by_role("button", name="Upload the node list").click()
    run = page.locator("#part-node_list .ingestion-run")
    expect(run).to_have_attribute("data-run-status", "queued")
    expect(run).to_have_attribute("hx-trigger", "every 1s")
    ingest(IngestionRun.objects.get().pk)
    # The next poll finds the run finished and the page is shown again, the file on record.
    expect(page.locator("#part-node_list")).to_contain_text("On file: nodes.csv (4 rows).")
    expect(run).to_have_attribute("data-run-status", "accepted")
    expect(run).not_to_have_attribute("hx-trigger", "every 1s")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
