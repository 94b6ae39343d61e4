"""The OpenAPI schema is served and describes the endpoints and their problem responses."""

from __future__ import annotations

import re

from django.test import Client


def test_the_openapi_schema_is_served(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "vatspilot API"
    assert set(schema["paths"]) == {
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/applications/{application_id}/actions/{action}",
        "/api/v1/applications/{application_id}/dossier",
        "/api/v1/applications/{application_id}/documents",
        "/api/v1/eligibility",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}/revoke",
        "/api/v1/register",
        "/api/v1/register/{number}",
    }
    assert schema["components"]["securitySchemes"]["PersonalToken"] == {"type": "http", "scheme": "bearer"}
    act = schema["paths"]["/api/v1/applications/{application_id}/actions/{action}"]["post"]
    assert {"200", "404", "409", "422"} <= set(act["responses"])
    assert "expected_version" in schema["components"]["schemas"]["ActionIn"]["properties"]
    assert "unknown_years" in schema["components"]["schemas"]["ClockOut"]["properties"]


def test_the_api_docs_page_loads_nothing_from_a_cdn(db: None) -> None:
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # Every address the page loads from is this site's: no scheme-qualified or protocol-relative source.
    # (Not a search for "cdn": the page's random CSRF token may contain those letters.)
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
