"""/api/v1/statistics: the public statistics' tables without signing in, each with its rows exactly as the
page's CSV export gives them (typed), the published figures with their source, and a fixed number of SQL
statements however many applications there are."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for
from statistics_world import small_world

from vatspilot.domain.applications import Role, State
from vatspilot.queries.public_statistics import EXPORTS
from vatspilot.services.accounts.api_tokens import create_api_token

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 20)
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = TODAY


def test_the_list_names_every_table_with_its_titles_and_columns(world: World) -> None:
    small_world(world)
    response = Client().get("/api/v1/statistics")
    assert response.status_code == 200
    body = response.json()
    assert (body["today"], body["approvals"]) == ("2025-06-20", 2)
    assert [table["name"] for table in body["tables"]] == list(EXPORTS)
    by_name = {table["name"]: table for table in body["tables"]}
    assert by_name["approvals-by-region"] == {
        "name": "approvals-by-region",
        "title_en": "Approvals by region",
        "title_zh": by_name["approvals-by-region"]["title_zh"],
        "columns": ["region", "name_en", "name_zh", "approvals"],
    }
    assert by_name["decision-time"]["columns"] == [
        "region",
        "name_en",
        "name_zh",
        "decisions",
        "counted",
        "median_days",
        "mean_days",
        "min_days",
        "max_days",
    ]
    assert by_name["supervision-inspections"]["title_en"] == "Random inspections"
    # Each title in Chinese is the page's Chinese heading, whatever the request's language.
    chinese = client_for(None, "zh-hans").get("/statistics/").content.decode()
    for table in body["tables"]:
        assert table["title_zh"] and table["title_zh"] != table["title_en"], table["name"]
        assert f">{table['title_zh']}</h" in chinese, table["name"]
    assert Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/statistics").json() == body


def test_every_table_has_the_rows_of_its_csv_export_typed(world: World) -> None:
    small_world(world)
    client = Client()
    for name in EXPORTS:
        response = client.get(f"/api/v1/statistics/{name}")
        assert response.status_code == 200, name
        body = response.json()
        export = client.get(f"/statistics/export/{name}.csv").content.decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(export)))
        assert body["columns"] == header, name
        # The CSV's text of each cell, read back from the JSON (null is the CSV's empty cell).
        assert [["" if cell is None else str(cell) for cell in row] for row in body["rows"]] == rows, name
        assert (body["name"], body["today"]) == (name, "2025-06-20")


def test_the_rows_are_typed_counts_integers_shares_and_days_exact_decimals(world: World) -> None:
    small_world(world)
    client = Client()
    region = client.get("/api/v1/statistics/approvals-by-region").json()
    assert region["rows"] == [["110000", "Beijing", "北京市", 1], ["310000", "Shanghai", "上海市", 1]]
    share = client.get("/api/v1/statistics/infrastructure-share")
    # 50.0 stays the exact decimal the export writes, not 50 or "50.0".
    assert b'["IDC", 1, 50.0]' in share.content
    assert json.loads(share.content, parse_float=Decimal)["rows"] == [
        ["IDC", 1, Decimal("50.0")],
        ["CDN", 0, Decimal("0.0")],
        ["ISP", 1, Decimal("50.0")],
        ["IDC/CDN/ISP", 2, Decimal("100.0")],
    ]
    times = json.loads(client.get("/api/v1/statistics/decision-time").content, parse_float=Decimal)
    assert times["rows"] == [
        ["110000", "Beijing", "北京市", 1, 1, Decimal("10.0"), Decimal("10.0"), 10, 10],
        ["310000", "Shanghai", "上海市", 2, 2, Decimal("5.0"), Decimal("5.0"), 2, 8],
    ]
    assert client.get("/api/v1/statistics/in-progress").json()["rows"] == [
        ["formal_review", 1],
        ["preliminary_assessment", 0],
        ["ministerial_review", 1],
        ["onsite_verification", 0],
    ]
    assert client.get("/api/v1/statistics/supervision-findings").json()["rows"] == [
        ["critical", 0, 0],
        ["high", 1, 0],
        ["medium", 0, 0],
        ["low", 0, 0],
    ]
    assert client.get("/api/v1/statistics/supervision-reports").json()["rows"] == []
    assert client.get("/api/v1/statistics/supervision-inspections").json()["rows"] == [[0, 0, 0]]


def test_counts_only_no_applicant_or_holder_is_named(world: World) -> None:
    small_world(world)
    client = Client()
    text = client.get("/api/v1/statistics").content.decode()
    text += "".join(client.get(f"/api/v1/statistics/{name}").content.decode() for name in EXPORTS)
    for private in (world.organisation.name, world.other_organisation.name, world.organisation.uscc):
        assert private not in text


def test_an_unknown_table_is_a_404_problem(world: World) -> None:
    client = Client()
    for name in ("applicants", "approvals-by-region.csv", "published-figures"):
        response = client.get(f"/api/v1/statistics/{name}")
        assert response.status_code == 404, name
        assert response["Content-Type"] == PROBLEM
        assert response.json()["detail"] == "No such resource, or you may not see it."


def test_the_published_figures_with_their_source_and_dates(world: World) -> None:
    response = Client().get("/api/v1/statistics/published")
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == {
        "author": "Sarah Xuan",
        "title": "China: Legal Analysis on the Implementation of the Pilot Program for Expanding the Opening-up "
        "of Value-Added Telecommunications Services",
        "published": "2025-07-01",
    }
    assert [(figure["key"], figure["on"]) for figure in body["figures"]] == [
        ("first-batch", "2025-02-28"),
        ("foreign-invested-enterprises", "2025-02-28"),
        ("four-plus-nine", "2025-04-11"),
        ("beijing-ten", "2025-06-26"),
    ]
    beijing = body["figures"][3]
    assert (
        beijing["headline_en"]
        == "Beijing: 10 enterprises approved in all, 40 per cent of the pilot approvals nationwide."
    )
    assert beijing["quote"] == (
        "As of June 26, 2025, Beijing had approved a cumulative total of 10 enterprises, accounting for 40% of "
        "all pilot approvals nationwide."
    )
    assert beijing["check_en"].startswith("Only this article reports it")
    # The Chinese, as the page in Chinese shows it.
    chinese = client_for(None, "zh-hans").get("/statistics/").content.decode()
    for figure in body["figures"]:
        assert figure["headline_zh"] and figure["headline_zh"] != figure["headline_en"]
        assert figure["headline_zh"] in chinese
        assert figure["check_zh"] in chinese


def test_signed_in_callers_and_tokens_read_it_too(world: World) -> None:
    small_world(world)
    secret = create_api_token(actor=world.applicant, name="reader", scope="read").secret
    anonymous = Client().get("/api/v1/statistics/approvals-by-month").json()
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/statistics/approvals-by-month")
    signed_in = client_for(world.users[Role.MIIT_REVIEWER]).get("/api/v1/statistics/approvals-by-month")
    assert anonymous["rows"] == [["2025-05", 1], ["2025-06", 1]]
    assert with_token.json() == signed_in.json() == anonymous
    # An unknown token changes nothing on a public operation.
    assert Client(HTTP_AUTHORIZATION="Bearer vp_nonsense").get("/api/v1/statistics").status_code == 200


def test_a_write_method_is_not_allowed(world: World) -> None:
    response = Client().post("/api/v1/statistics", "{}", content_type="application/json")
    assert response.status_code == 405


def _counted(client: Client, path: str) -> int:
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def test_the_tables_take_as_many_queries_for_ten_approvals_as_for_one(world: World) -> None:
    client = Client()
    world.drive_to(State.APPROVED)
    one = {path: _counted(client, path) for path in ("/api/v1/statistics", "/api/v1/statistics/approvals-by-region")}
    for _ in range(9):
        world.drive_to(State.APPROVED)
    ten = {path: _counted(client, path) for path in one}
    assert client.get("/api/v1/statistics").json()["approvals"] == 10
    assert ten == one


def test_the_document_says_a_cell_may_be_an_exact_number(world: World) -> None:
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    cell = schemas["StatisticsTableOut"]["properties"]["rows"]["items"]["items"]
    assert cell == {
        "anyOf": [
            {"type": "integer"},
            {"type": "number"},
            {"type": "string"},
            {"format": "date", "type": "string"},
            {"type": "null"},
        ]
    }
