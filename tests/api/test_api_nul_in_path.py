"""A NUL in a path's text parameter names nothing: a 404 like any unknown name, never a 500 (PostgreSQL
refuses a NUL in a query outright, so the lookups must not send one)."""

from __future__ import annotations

import pytest
from django.test import Client
from pilot_world import World, client_for

PATHS = [
    "/api/v1/licences/B1%00-2025/",
    "/api/v1/licences/B1%00-2025/certificate.pdf",
    "/api/v1/licences/B1%00-2025/exit",
    "/api/v1/licences/B1%00-2025/filings",
    "/api/v1/licences/B1%00-2025/obligations",
    "/api/v1/register/B1%00-2025",
    "/api/v1/track/VP-%00",
    "/api/v1/rules/cap%00",
    "/api/v1/statistics/approvals%00",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_nul_in_a_path_is_a_404_problem(world: World, path: str) -> None:
    world.licence()
    client = client_for(world.applicant) if path.startswith("/api/v1/licences") else Client()

    response = client.get(path.rstrip("/"))

    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/register/B1%00-2025/", "/verify/B1%00-2025/"])
def test_a_nul_in_a_page_path_is_a_404_too(db: None, path: str) -> None:
    assert Client().get(path).status_code == 404
