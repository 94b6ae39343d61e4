"""The answers written without django-ninja validating them on the way out (api.rendering.unchecked_answer,
the public register's, for speed) are exactly what their declared schemas say: each body read back through
its schema is the same body, with no field missing, none extra and every value of its type."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pilot_world import World
from register_world import more_licences

from vatspilot.api.routers.register import RegisterPageOut
from vatspilot.api.schemas import RegisterLicenceOut
from vatspilot.domain.applications import Role

pytestmark = pytest.mark.django_db


def _through(schema: Any, body: dict[str, Any]) -> dict[str, Any]:
    dumped: dict[str, Any] = schema.model_validate(body).model_dump(mode="json")
    return dumped


def _same_keys(schema: Any, body: dict[str, Any]) -> None:
    assert list(body) == list(schema.model_fields)


def test_a_register_search_is_its_declared_page(world: World) -> None:
    more_licences(3, actor=world.users[Role.MIIT_REVIEWER], first_serial=110)
    response = Client().get("/api/v1/register", {"text": "Extra Holder", "limit": 2})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert len(body["items"]) == 2 and body["next_cursor"] and body["next"]
    assert _through(RegisterPageOut, body) == body
    _same_keys(RegisterPageOut, body)
    for item in body["items"]:
        _same_keys(RegisterLicenceOut, item)
        assert item["services"] and item["valid_from"] < item["valid_until"]


def test_one_licence_on_the_register_is_its_declared_licence(world: World) -> None:
    (licence,) = more_licences(1, actor=world.users[Role.MIIT_REVIEWER])
    response = Client().get(f"/api/v1/register/{licence.number}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["number"] == licence.number
    assert _through(RegisterLicenceOut, body) == body
    _same_keys(RegisterLicenceOut, body)
    assert body["valid_from"] == licence.issued_on.isoformat()
