"""Supervision end to end, in Chromium against the live server (issue 10's "Done when"): the holder files a
quarterly report with the sample files in examples/reports, the checks raise their findings; the local
officer draws an inspection at random and the inspector records it; as the days pass, the officer orders
the rectification of a finding left unremedied and MIIT reduces the licence's scope for it, which the
licence and the public register then show.

The days are moved with VATSPILOT_TODAY (the live server reads the same settings): each step happens on
the day the law lets it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.e2e.e2e_world import APPLICANT, MIIT, OFFICER, World, sign_in
from vatspilot.domain.applications import Role
from vatspilot.store.models import Finding, Inspection, Licence, QuarterlyReport

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reports"


def _on(settings: Settings, day: str) -> None:
    settings.VATSPILOT_TODAY = day


def test_e2e_report_findings_draw_inspection_and_the_ladder(
    page: Page, world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.VATSPILOT_REPORT_DIR = tmp_path / "reports"
    # The worker runs the upload's task as soon as the request commits (no separate worker process here).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    licence = world.licence()  # issued 2025-06-03: 2025-Q3 is the first quarter owed, due 2025-10-15
    inspector = world.users[Role.INSPECTOR].username

    # The holder opens 2025-Q3's report from the licence's calendar, fills it in and uploads the samples.
    _on(settings, "2025-10-08")
    sign_in(page, world, APPLICANT)
    page.goto(f"{world.base_url}/licences/{licence.number}/reports/")
    page.locator("form#open-2025-Q3").get_by_role("button").click()
    data = page.locator("form#report-data")
    expect(data).to_be_visible()
    for name, value in (
        ("users", "182400"),
        ("revenue_cny", "12650000.00"),
        ("bandwidth_gbps", "120"),
        ("personal_info_exported", "152000"),
        ("sensitive_info_exported", "0"),
    ):
        data.locator(f'[name="{name}"]').fill(value)
    data.locator('[name="important_data_exported"]').select_option("no")
    data.locator('button[type="submit"]').click()
    report = QuarterlyReport.objects.get(licence=licence, year=2025, quarter=3)
    for part, sample in (("node_list", "nodes-2025-Q4.csv"), ("security_log", "security-log-2025-Q4.ndjson")):
        form = page.locator(f"form#upload-{part}")
        form.locator('input[type="file"]').set_input_files(str(SAMPLES / sample))
        form.locator('button[type="submit"]').click()
        expect(page.locator(f"#part-{part}")).to_contain_text(f"On file: {sample}")
    page.locator("form#report-action-submit").get_by_role("button").click()
    findings = page.locator("#findings")
    # Each by its rule's name (the id stays in the row's data-rule).
    names = ("Node outside the licensed area", "Node outside mainland China", "Cybersecurity incident reported late")
    for rule in names:
        expect(findings).to_contain_text(rule)
    report.refresh_from_db()
    assert (report.status, str(report.submitted_on)) == ("submitted", "2025-10-08")

    # The local officer draws one licensee and one inspector, in public; the inspector records the test.
    sign_in(page, world, OFFICER)
    page.goto(f"{world.base_url}/inspections/")
    draw = page.locator("form#draw-form")
    draw.locator('[name="draw-seed"]').fill("2025-10 Shanghai e2e")
    draw.locator('[name="draw-kind"]').select_option("penetration_test")
    draw.locator('[name="draw-licensee_count"]').fill("1")
    draw.locator('[name="draw-inspectors_per_licensee"]').fill("1")
    draw.locator('button[type="submit"]').click()
    expect(page.locator("main")).to_contain_text("2025-10 Shanghai e2e")
    expect(page.locator("main")).to_contain_text(licence.number)
    inspection = Inspection.objects.get(licence=licence)
    assert list(inspection.inspectors.values_list("username", flat=True)) == [inspector]
    sign_in(page, world, inspector)
    page.goto(f"{world.base_url}/inspections/{inspection.pk}/")
    record = page.locator("form#record-form")
    record.locator('[name="record-done_on"]').fill("2025-10-08")
    record.locator('[name="record-summary"]').fill("External penetration test of the CDN edge.")
    record.locator('[name="record-found"]').fill(
        "inspection:penetration-test | high | An administration port open to the internet"
    )
    record.locator('button[type="submit"]').click()
    inspection.refresh_from_db()
    assert str(inspection.done_on) == "2025-10-08"
    assert Finding.objects.filter(inspection=inspection).count() == 1

    # A month on, the area finding is unremedied: the officer orders its rectification by 2025-11-20.
    area = Finding.objects.get(report=report, rule="node:outside-licensed-area")
    _on(settings, "2025-11-08")
    sign_in(page, world, OFFICER)
    page.goto(f"{world.base_url}/findings/{area.pk}/")
    order = page.locator("form#finding-action-order_rectification")
    order.locator('[name="order_rectification-deadline"]').fill("2025-11-20")
    order.locator('[name="order_rectification-reason"]').fill("Move the Beijing and overseas nodes within 12 days.")
    order.locator('button[type="submit"]').click()
    expect(page.locator("main")).to_contain_text("2025-11-20")
    area.refresh_from_db()
    assert area.status == "rectification_ordered"

    # Past that deadline, MIIT reduces the licence's scope for it: B25-05 is removed.
    _on(settings, "2025-11-21")
    sign_in(page, world, MIIT)
    page.goto(f"{world.base_url}/findings/{area.pk}/")
    reduce = page.locator("form#finding-action-reduce_scope")
    reduce.locator('[name="reduce_scope-deadline"]').fill("2025-12-21")
    reduce.locator('[name="reduce_scope-reason"]').fill("Pilot Notice: reduced scope for the unremedied node list.")
    reduce.locator('input[name="reduce_scope-remove_services"][value="B25-05"]').check()
    reduce.locator('button[type="submit"]').click()
    area.refresh_from_db()
    assert area.status == "scope_reduced"
    licence = Licence.objects.get(pk=licence.pk)
    assert [service["code"] for service in licence.services] == ["B11"]
    page.goto(f"{world.base_url}/register/{licence.number}/")
    expect(page.locator(".register-services")).not_to_contain_text("B25-05")
    page.screenshot(path=str(tmp_path / "register.png"), full_page=True)
