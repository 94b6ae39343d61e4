"""Cursor pagination (api/pagination.py), on the applications list and the register: every row once,
in order, however the pages are cut; filters kept in `next`; a cursor that is not the list's own, and a
limit out of range, are 422s naming the parameter."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client
from pilot_world import World, client_for
from register_world import build_register, more_licences

from vatspilot.api.pagination import PageIn, decode_cursor, encode_cursor, page_of_rows
from vatspilot.api.problems import FieldProblem
from vatspilot.domain.applications import Role, State


def _walk(client: Client, path: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every page from ``path`` on: the rows and the paths followed."""
    rows: list[dict[str, Any]] = []
    followed = [path]
    while True:
        response = client.get(followed[-1])
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["items"])
        if body["next"] is None:
            assert body["next_cursor"] is None
            return rows, followed
        followed.append(body["next"])


def test_pages_of_two_give_every_application_once_in_the_order_of_one_page(world: World) -> None:
    client = client_for(world.users[Role.LOCAL_OFFICER])
    made = [world.drive_to(State.SUBMITTED) for _ in range(5)]

    whole = client.get("/api/v1/applications").json()
    rows, followed = _walk(client, "/api/v1/applications?limit=2")

    assert whole["next"] is None
    assert [row["id"] for row in rows] == [row["id"] for row in whole["items"]]
    assert sorted(row["id"] for row in rows) == sorted(application.pk for application in made)
    assert len(followed) == 3  # 2 + 2 + 1
    assert all("limit=2" in path for path in followed)


def test_next_keeps_the_filters_and_a_row_changed_meanwhile_is_not_given_twice(world: World) -> None:
    client = client_for(world.users[Role.LOCAL_OFFICER])
    submitted = [world.drive_to(State.SUBMITTED) for _ in range(3)]
    world.drive_to(State.PRELIMINARY_ASSESSMENT)

    first = client.get("/api/v1/applications?status=submitted&limit=2").json()
    assert first["next"].startswith("/api/v1/applications?status=submitted&limit=2&cursor=")
    # A new application submitted between two pages sorts first (newest): it is not on the next page; and
    # an application of the next page changed meanwhile keeps its place (the key is the id, never changed).
    world.drive_to(State.SUBMITTED)
    submitted[0].refresh_from_db()
    submitted[0].save()
    second = client.get(first["next"]).json()

    given = [row["id"] for row in first["items"] + second["items"]]
    assert sorted(given) == sorted(application.pk for application in submitted)
    assert second["next"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),  # two parts where the list's key has one
        base64.urlsafe_b64encode(b'{"id": 1}').decode(),
        base64.urlsafe_b64encode(b'["three"]').decode(),  # not an id
        base64.urlsafe_b64encode(b"[true]").decode(),
        base64.urlsafe_b64encode(b"[null]").decode(),
    ],
)
def test_a_cursor_the_list_did_not_give_is_a_422_naming_cursor(world: World, cursor: str) -> None:
    world.drive_to(State.SUBMITTED)

    response = client_for(world.applicant).get("/api/v1/applications", {"cursor": cursor})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "/cursor"
    # A cursor of other characters than base64url's is refused by the parameter's pattern; one of the right
    # characters that is not one this list gave, by the list.
    assert response.json().get("code") == (None if " " in cursor else "invalid-cursor")


@pytest.mark.parametrize("limit", ["0", "201", "ten"])
def test_a_limit_out_of_range_is_a_422_naming_limit(world: World, limit: str) -> None:
    response = client_for(world.applicant).get("/api/v1/applications", {"limit": limit})

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/limit"


def test_the_register_pages_newest_first_and_the_pages_add_up(world: World) -> None:
    register = build_register(world)
    more_licences(5, actor=register.official, first_serial=300)
    client = Client()

    whole = client.get("/api/v1/register").json()["items"]
    rows, followed = _walk(client, "/api/v1/register?limit=3")

    assert [row["number"] for row in rows] == [row["number"] for row in whole]
    assert len(followed) == -(-len(whole) // 3)
    keys = [(row["valid_from"], row["number"]) for row in rows]
    assert keys == sorted(keys, reverse=True)


def test_a_cursor_holds_its_key_and_rows_are_cut_after_it() -> None:
    rows = [("2026-01-03", "c"), ("2026-01-02", "b"), ("2026-01-01", "a")]
    cursor = encode_cursor(rows[0])

    assert decode_cursor(cursor, 2) == ["2026-01-03", "c"]
    page = page_of_rows(rows, lambda row: row, PageIn(limit=1, cursor=cursor), descending=True)
    assert page.items == [("2026-01-02", "b")]
    assert page.next_cursor == encode_cursor(("2026-01-02", "b"))
    last = page_of_rows(rows, lambda row: row, PageIn(limit=5, cursor=page.next_cursor), descending=True)
    assert (last.items, last.next_cursor) == ([("2026-01-01", "a")], None)


def test_an_empty_list_refuses_a_cursor_it_could_not_have_given_too() -> None:
    with pytest.raises(FieldProblem) as refused:
        page_of_rows([], lambda row: row, PageIn(cursor="AAAA"))  # base64 of three NUL bytes: no JSON

    assert (refused.value.field, refused.value.code) == ("cursor", "invalid-cursor")
    assert page_of_rows([], lambda row: row, PageIn(cursor=encode_cursor(("2026-01-01", "a")))).items == []
