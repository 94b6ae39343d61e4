"""The supervisors' dashboard: who sees it (and what), the late reports and overdue findings with their
exports, the charts' data; everyone else gets 404 and anonymous users the sign-in page."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from pilot_world import World, client_for
from supervision_world import world_with_work

from vatspilot.domain.applications import Role
from vatspilot.queries.supervision_dashboard import supervision_dashboard

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def today(settings):
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = TODAY  # the page judges the deadlines on legal_today(), pinned here


def test_the_dashboard_read_model(world: World) -> None:
    licence, finding = world_with_work(world)
    board = supervision_dashboard(world.users[Role.LOCAL_OFFICER], today=TODAY)
    assert board is not None
    assert board.licences == 1
    [late] = board.late_obligations
    assert (late.licence_number, late.obligation, late.status.value, late.days_late, late.listing_proposed) == (
        licence.number,
        "2025-Q3",
        "overdue",
        36,
        False,
    )
    assert board.reports_by_quarter == (("2025-Q3", 0, 0, 1),)
    assert dict(board.open_by_severity_and_age) == {
        "critical": (0, 1, 0),  # raised 35 days ago
        "high": (1, 0, 0),
        "medium": (0, 0, 0),
        "low": (0, 0, 0),
    }
    assert [(row.finding_id, row.days_overdue) for row in board.overdue_findings] == [(finding.pk, 20)]
    assert board.cross_border_flags == 1
    assert board.findings_by_month == (("2025-10", (1, 0, 0, 0)), ("2025-11", (0, 1, 0, 0)))
    # The Beijing officer supervises no Shanghai licence: an empty board, not another's.
    empty = supervision_dashboard(world.outsider, today=TODAY)
    assert empty is not None
    assert (empty.licences, empty.late_obligations, empty.overdue_findings) == (0, (), ())


def test_who_sees_the_page(world: World) -> None:
    world_with_work(world)
    for user in (world.users[Role.MIIT_REVIEWER], world.users[Role.LOCAL_OFFICER], world.outsider):
        assert client_for(user).get("/supervision/").status_code == 200
    for user in (world.applicant, world.users[Role.CAC_REVIEWER], world.users[Role.INSPECTOR], world.other_applicant):
        assert client_for(user).get("/supervision/").status_code == 404
        assert client_for(user).get("/supervision/export/late-reports.csv").status_code == 404
    anonymous = client_for(None).get("/supervision/")
    assert (anonymous.status_code, anonymous["Location"]) == (302, "/accounts/login/?next=/supervision/")


def test_the_page_shows_the_work_and_the_charts_data(world: World) -> None:
    _licence, finding = world_with_work(world)
    page = client_for(world.users[Role.MIIT_REVIEWER]).get("/supervision/")
    html = page.content.decode()
    assert "Quarterly report 2025-Q3" in html
    assert "Overdue: past the cure deadline" in html
    assert f"#{finding.pk}" in html
    charts = json.loads(html.split('id="chart-reports" type="application/json">')[1].split("</script>")[0])
    assert charts == {
        "categories": ["2025-Q3"],
        "series": [
            {"name": "On time", "data": [0]},
            {"name": "Late", "data": [0]},
            {"name": "Missing", "data": [1]},
        ],
    }


def test_the_exports_are_the_same_rows_in_csv_and_xlsx(world: World) -> None:
    licence, finding = world_with_work(world)
    client = client_for(world.users[Role.MIIT_REVIEWER])
    text = client.get("/supervision/export/late-reports.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        [
            "licence_number",
            "holder_zh",
            "holder_en",
            "obligation",
            "due_on",
            "cure_deadline",
            "status",
            "days_late",
            "listing_proposed",
        ],
        [
            licence.number,
            licence.holder_name_zh,
            licence.holder_name_en,
            "quarterly-report 2025-Q3",
            "2025-10-15",
            "2025-10-30",
            "overdue",
            "36",
            "no",
        ],
    ]
    response = client.get("/supervision/export/overdue-findings.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][:3] == [finding.pk, licence.number, "node:outside-mainland"]
    assert client.get("/supervision/export/nothing.csv").status_code == 404


def test_the_exits_and_the_obligations_export_as_csv_and_xlsx(world: World) -> None:
    licence, _finding = world_with_work(world)
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    calendar = miit.get(f"/licences/{licence.number}/reports/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(calendar)))
    assert rows[0] == ["obligation", "period", "opens_on", "due_on", "cure_deadline", "status", "filed_on", "days_left"]
    assert rows[1][:6] == ["quarterly-report", "2025-Q3", "2025-10-01", "2025-10-15", "2025-10-30", "overdue"]
    sheet = load_workbook(io.BytesIO(miit.get(f"/licences/{licence.number}/reports/export.xlsx").content)).active
    assert [cell.value for cell in sheet[2]][:2] == ["quarterly-report", "2025-Q3"]
    # Whoever may not see the licence gets 404, as for the page.
    assert client_for(world.other_applicant).get(f"/licences/{licence.number}/reports/export.csv").status_code == 404
    exits = miit.get("/exits/export.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(exits)))[:4] == ["licence_number", "holder_zh", "holder_en", "state"]
    assert client_for(world.applicant).get("/exits/export.csv").status_code == 403
    assert miit.get("/exits/export.pdf").status_code == 404
