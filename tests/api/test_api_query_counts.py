"""A list request sends as many SQL statements for ten rows as for one: nothing is fetched row by row.

Each list is requested once to warm up (sessions, content types and the like are read on a first request
only), then counted with Django's CaptureQueriesContext, with one row and again with ten."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for
from register_world import build_register, more_licences

from vatspilot.domain.applications import Role, State


def _counted(client: Client, path: str) -> tuple[list[Any], int]:
    """The answer's rows and the number of SQL statements the request sent (after a warm-up request)."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["items"], len(queries.captured_queries)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.LOCAL_OFFICER])
def test_the_applications_list_sends_as_many_queries_for_ten_rows_as_for_one(world: World, role: Role) -> None:
    client = client_for(world.users[role])
    world.drive_to(State.SUBMITTED)
    one, queries_for_one = _counted(client, "/api/v1/applications")

    for _ in range(9):
        world.drive_to(State.SUBMITTED)
    ten, queries_for_ten = _counted(client, "/api/v1/applications")

    assert (len(one), len(ten)) == (1, 10)
    assert queries_for_ten == queries_for_one


def test_the_applications_list_of_mixed_states_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    client = client_for(world.applicant)
    world.drive_to(State.PRELIMINARY_ASSESSMENT)
    one, queries_for_one = _counted(client, "/api/v1/applications")

    for state in [State.PRELIMINARY_ASSESSMENT, State.SUBMITTED, State.SUBMITTED] * 3:
        world.drive_to(state)
    ten, queries_for_ten = _counted(client, "/api/v1/applications")

    assert (len(one), len(ten)) == (1, 10)
    assert queries_for_ten == queries_for_one


def test_the_register_search_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    register = build_register(world)
    client = Client()  # the register is public
    more_licences(1, actor=register.official, first_serial=100)
    one, queries_for_one = _counted(client, "/api/v1/register?text=Extra+Holder")

    more_licences(9, actor=register.official, first_serial=101)
    ten, queries_for_ten = _counted(client, "/api/v1/register?text=Extra+Holder")

    assert [row["number"] for row in one] == ["B1-20250100"]
    assert len(ten) == 10
    assert queries_for_ten == queries_for_one


def test_the_whole_register_sends_as_many_queries_for_many_licences_of_every_state_as_for_few(world: World) -> None:
    register = build_register(world)
    client = Client()
    few, queries_for_few = _counted(client, "/api/v1/register")

    more_licences(9, actor=register.official)
    many, queries_for_many = _counted(client, "/api/v1/register")

    assert {row["status"] for row in few} == {"valid", "suspended", "expired", "revoked", "cancelled"}
    assert len(many) == len(few) + 9
    assert queries_for_many == queries_for_few


@pytest.mark.parametrize("path", ["/api/v1/applications", "/api/v1/register"])
def test_a_page_of_ten_sends_as_many_queries_as_a_page_of_one(world: World, path: str) -> None:
    register = build_register(world)
    more_licences(10, actor=register.official, first_serial=200)
    for _ in range(12):
        world.drive_to(State.SUBMITTED)
    client = client_for(world.users[Role.LOCAL_OFFICER]) if "applications" in path else Client()

    one, queries_for_one = _counted(client, f"{path}?limit=1")
    ten, queries_for_ten = _counted(client, f"{path}?limit=10")

    assert (len(one), len(ten)) == (1, 10)
    assert queries_for_ten == queries_for_one
