"""/api/v1/lists: the public bad-record and dishonest lists as /lists/ shows them, without signing in:
each entry as the lists publish it (nothing personal), newest listing first, filtered by list and by
in force or removed, a page at a time, in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from credit_list_world import USCC_A, USCC_B, list_three
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.licences.lists import MIIT_AUTHORITY, list_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world: World) -> World:
    return list_three(world)


def _entries(response: Any) -> list[tuple[str, str, str]]:
    assert response.status_code == 200, response.content
    return [(item["list"], item["uscc"], item["listed_on"]) for item in response.json()["items"]]


def test_anyone_reads_both_lists_newest_first_without_signing_in(listed: World) -> None:
    response = Client().get("/api/v1/lists")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "list": "dishonest",
                "name": "北方数据（北京）有限公司",
                "uscc": USCC_B,
                "licence_number": "B2-20250001",
                "listed_on": "2025-09-02",
                "reason": "经营许可证被吊销",
                "listing_authority": MIIT_AUTHORITY,
                "removed_on": None,
                "removal_reason": "",
            },
            {
                "list": "bad_record",
                "name": "海港云（上海）有限公司",
                "uscc": USCC_A,
                "licence_number": "",
                "listed_on": "2025-09-01",
                "reason": "逾期未报送年度报告",
                "listing_authority": MIIT_AUTHORITY,
                "removed_on": None,
                "removal_reason": "",
            },
            {
                "list": "bad_record",
                "name": "北方数据（北京）有限公司",
                "uscc": USCC_B,
                "licence_number": "",
                "listed_on": "2025-01-05",
                "reason": "逾期未报送年度报告",
                "listing_authority": MIIT_AUTHORITY,
                "removed_on": "2025-04-01",
                "removal_reason": "已补报并经确认",
            },
        ],
        "next_cursor": None,
        "next": None,
    }


def test_nothing_personal_is_published(listed: World) -> None:
    text = Client().get("/api/v1/lists").content.decode()

    for user in listed.users.values():
        assert user.username not in text
        assert user.email not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("list=bad_record", [("bad_record", USCC_A, "2025-09-01"), ("bad_record", USCC_B, "2025-01-05")]),
        ("list=dishonest", [("dishonest", USCC_B, "2025-09-02")]),
        ("status=in_force", [("dishonest", USCC_B, "2025-09-02"), ("bad_record", USCC_A, "2025-09-01")]),
        ("status=removed", [("bad_record", USCC_B, "2025-01-05")]),
        ("list=bad_record&status=in_force", [("bad_record", USCC_A, "2025-09-01")]),
        ("list=dishonest&status=removed", []),
    ],
)
def test_the_filters_keep_one_list_or_one_section(listed: World, query: str, expected: list[Any]) -> None:
    assert _entries(Client().get(f"/api/v1/lists?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [("list=blacklist", "/list"), ("status=gone", "/status"), ("limit=0", "/limit"), ("limit=201", "/limit")],
)
def test_a_bad_filter_is_a_422_naming_it(listed: World, query: str, field: str) -> None:
    response = Client().get(f"/api/v1/lists?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_the_pages_walk_every_entry_once(listed: World) -> None:
    seen: list[Any] = []
    path: str | None = "/api/v1/lists?limit=2&list=bad_record"
    pages = 0
    while path is not None:
        response = Client().get(path)
        seen += _entries(response)
        path = response.json()["next"]
        pages += 1

    assert seen == [("bad_record", USCC_A, "2025-09-01"), ("bad_record", USCC_B, "2025-01-05")]
    assert pages == 1
    first = Client().get("/api/v1/lists?limit=2")
    assert first.json()["next"].startswith("/api/v1/lists?limit=2&cursor=")
    rest = Client().get(first.json()["next"])
    assert _entries(first) + _entries(rest) == _entries(Client().get("/api/v1/lists"))
    assert rest.json()["next"] is None


def test_a_bad_cursor_is_a_422_naming_cursor(listed: World) -> None:
    for cursor in ("nonsense", "WyJ4Il0"):  # not base64 JSON; a key of one part where two are kept
        response = Client().get(f"/api/v1/lists?cursor={cursor}")
        assert (response.status_code, response.json()["field"]) == (422, "/cursor")


def test_signed_in_callers_read_the_same_lists(listed: World) -> None:
    secret = create_api_token(actor=listed.applicant, name="reader", scope="read").secret

    response = Client().get("/api/v1/lists", headers={"Authorization": f"Bearer {secret}"})

    assert _entries(response) == _entries(Client().get("/api/v1/lists"))


def test_the_lists_send_as_many_queries_for_ten_entries_as_for_one(world: World) -> None:
    miit = world.users[Role.MIIT_REVIEWER]

    def add(day: int) -> None:
        list_enterprise(
            actor=miit,
            list=CreditList.BAD_RECORD,
            name=f"Enterprise {day}",
            uscc=USCC_A,
            listed_on=date(2025, 9, day),
            reason="逾期未报送年度报告",
        )

    client = Client()
    add(1)
    assert client.get("/api/v1/lists").status_code == 200
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/lists").json()["items"]) == 1
    for day in range(2, 11):
        add(day)
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get("/api/v1/lists").json()["items"]) == 10

    assert len(ten.captured_queries) == len(one.captured_queries)
