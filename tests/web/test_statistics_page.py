"""The public statistics (/statistics/): open to anyone, its tables carrying the exact counts of a small
world, each table as CSV and XLSX with the same rows, the page as a PDF, the page in Chinese, and no
applicant named."""

from __future__ import annotations

import csv
import io
import json
import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from pilot_world import World, client_for
from statistics_world import small_world

from tests.web.xlsx_cells import XLSX, cells
from vatspilot.domain.applications import State
from vatspilot.queries.public_statistics import public_statistics

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 20)
URL = "/statistics/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = TODAY


def rows_of(html: str, heading_id: str) -> list[list[str]]:
    """The body rows of the first table after the heading ``heading_id``, as cell texts."""
    section = html[html.index(f'id="{heading_id}"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_anyone_sees_the_tables_with_exact_counts(world: World) -> None:
    small_world(world)
    response = client_for(None).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert rows_of(html, "approvals-by-region") == [["Beijing", "1"], ["Shanghai", "1"]]
    assert rows_of(html, "approvals-by-service") == [
        ["B11 Internet data centre (IDC)", "1"],
        ["B14 Internet access service (ISP)", "1"],
        ["B25-05 Information protection and processing", "1"],
    ]
    assert rows_of(html, "approvals-by-month") == [["2025-05", "1"], ["2025-06", "1"]]
    assert rows_of(html, "infrastructure-share") == [
        ["Internet data centre (IDC)", "1", "50.0%"],
        ["Content delivery network (CDN)", "0", "0.0%"],
        ["Internet access service (ISP)", "1", "50.0%"],
        ["Any of IDC, CDN and ISP", "2", "100.0%"],
    ]
    assert rows_of(html, "decision-time") == [
        ["Beijing", "1", "10.0", "10.0", "10", "10"],
        ["Shanghai", "2", "5.0", "5.0", "2", "8"],
    ]
    assert rows_of(html, "in-progress") == [
        ["Formal review (local Communications Administration)", "1"],
        ["Preliminary security assessment", "0"],
        ["Ministerial review (MIIT with the CAC and the MPS)", "1"],
        ["On-site verification", "0"],
    ]
    assert rows_of(html, "supervision-findings") == [
        ["Critical", "0", "0"],
        ["High", "1", "0"],
        ["Medium", "0", "0"],
        ["Low", "0", "0"],
    ]
    assert rows_of(html, "supervision-inspections") == [["0", "0", "0"]]
    chart = json.loads(re.search(r'<script id="chart-region" type="application/json">(.*?)</script>', html).group(1))
    assert chart == {"categories": ["Beijing", "Shanghai"], "series": [{"name": "Approvals", "data": [1, 1]}]}
    # Counts only: no applicant, holder or licence is named.
    for name in (world.organisation.name, world.other_organisation.name, world.organisation.uscc):
        assert name not in html


def test_the_published_figures_quote_their_source_with_dates(world: World) -> None:
    html = client_for(None).get(URL).content.decode()
    assert "2025-02-28" in html and "2025-06-26" in html and "2025-04-11" in html
    assert "the MIIT issued the first batch of approvals to 13 foreign-invested enterprises" in html
    assert "accounting for 40% of all pilot approvals nationwide" in html
    assert "exceeded 2,400 for the first time" in html
    assert "Source: Sarah Xuan, “China: Legal Analysis on the Implementation of the Pilot Program" in html
    assert "published 2025-07-01." in html
    assert "not to the four regions of Notice 107" in html


def test_each_export_has_the_tables_rows_in_csv_and_xlsx(world: World) -> None:
    small_world(world)
    client = client_for(None)
    expected = {
        "approvals-by-region": [
            ["region", "name_en", "name_zh", "approvals"],
            ["110000", "Beijing", "北京市", "1"],
            ["310000", "Shanghai", "上海市", "1"],
        ],
        "approvals-by-service": [
            ["service", "name_en", "name_zh", "approvals"],
            ["B11", "Internet data centre (IDC)", "互联网数据中心业务", "1"],
            ["B14", "Internet access service (ISP)", "互联网接入服务业务", "1"],
            ["B25-05", "Information protection and processing", "信息保护和处理服务", "1"],
        ],
        "approvals-by-month": [["month", "approvals"], ["2025-05", "1"], ["2025-06", "1"]],
        "infrastructure-share": [
            ["service", "approvals", "share_percent"],
            ["IDC", "1", "50.0"],
            ["CDN", "0", "0.0"],
            ["ISP", "1", "50.0"],
            ["IDC/CDN/ISP", "2", "100.0"],
        ],
        "decision-time": [
            [
                "region",
                "name_en",
                "name_zh",
                "decisions",
                "counted",
                "median_days",
                "mean_days",
                "min_days",
                "max_days",
            ],
            ["110000", "Beijing", "北京市", "1", "1", "10.0", "10.0", "10", "10"],
            ["310000", "Shanghai", "上海市", "2", "2", "5.0", "5.0", "2", "8"],
        ],
        "in-progress": [
            ["stage", "applications"],
            ["formal_review", "1"],
            ["preliminary_assessment", "0"],
            ["ministerial_review", "1"],
            ["onsite_verification", "0"],
        ],
        "supervision-reports": [["quarter", "on_time", "late", "not_filed_past_due"]],
        "supervision-findings": [
            ["severity", "open", "closed"],
            ["critical", "0", "0"],
            ["high", "1", "0"],
            ["medium", "0", "0"],
            ["low", "0", "0"],
        ],
        "supervision-inspections": [["drawn", "done", "pending"], ["0", "0", "0"]],
    }
    for name, rows in expected.items():
        response = client.get(f"/statistics/export/{name}.csv")
        assert response.status_code == 200, name
        assert response["Content-Disposition"] == f'attachment; filename="{name}-2025-06-20.csv"'
        text = response.content.decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(text))) == rows, name
        workbook = client.get(f"/statistics/export/{name}.xlsx")
        assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
        read = cells(workbook.content)
        assert len(read) == len(rows), name
        assert all(
            _same(cell, text)
            for got, want in zip(read, rows, strict=True)
            for cell, text in zip(got, want, strict=True)
        ), name
    # Types kept in the workbook: a count is a number, a share a number too.
    share = cells(client.get("/statistics/export/infrastructure-share.xlsx").content)
    assert share[1] == ("IDC", 1, 50)


def _same(cell: object, text: str) -> bool:
    """An XLSX cell holds what the CSV's text says: a number the same number, a text the same text."""
    if isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool):
        return Decimal(str(cell)) == Decimal(text)
    return ("" if cell is None else str(cell)) == text


def test_a_bad_export_name_or_format_is_not_found(world: World) -> None:
    client = client_for(None)
    assert client.get("/statistics/export/applicants.csv").status_code == 404
    assert client.get("/statistics/export/approvals-by-region.json").status_code == 404
    assert client.get("/statistics/export/approvals-by-region.pdf").status_code == 404


def _pdf_streams(pdf: bytes) -> list[bytes]:
    """The PDF's streams, inflated (WeasyPrint compresses the pages and the object streams)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return streams


def test_the_pdf_is_a_pdf_with_text(world: World) -> None:
    small_world(world)
    response = client_for(None).get("/statistics.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statistics-2025-06-20.pdf"'
    assert response.content.startswith(b"%PDF")
    streams = _pdf_streams(response.content)
    # Runs of text shown (the TJ and Tj operators).
    assert sum(len(re.findall(rb"\bT[Jj]\b", stream)) for stream in streams) > 100


def test_the_page_in_chinese(world: World) -> None:
    small_world(world)
    html = client_for(None, "zh-hans").get(URL).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>试点统计</h1>" in html
    assert rows_of(html, "approvals-by-region") == [["北京市", "1"], ["上海市", "1"]]
    assert rows_of(html, "in-progress")[0] == ["形式审查（属地通信管理局）", "1"]
    assert "Statistics of the pilot" not in html
    pdf = client_for(None, "zh-hans").get("/statistics.pdf")
    assert pdf.content.startswith(b"%PDF")
    # The Chinese text is set in the Chinese font the PDF embeds (fonts-wqy-microhei).
    assert any(b"WenQuanYi" in stream for stream in _pdf_streams(pdf.content))


def test_the_figures_take_a_fixed_number_of_queries(world: World, django_assert_num_queries) -> None:
    small_world(world)
    # Jurisdictions, regions, approved services, timeline rows, reports, findings, inspections.
    with django_assert_num_queries(7):
        stats = public_statistics(today=TODAY)
    world.drive_to(State.APPROVED)
    world.drive_to(State.ONSITE_VERIFICATION)
    with django_assert_num_queries(7):
        more = public_statistics(today=TODAY)
    assert (stats.pilot.approvals, more.pilot.approvals) == (2, 3)
    assert more.pilot.in_progress_by_stage[3] == ("onsite_verification", 1)
