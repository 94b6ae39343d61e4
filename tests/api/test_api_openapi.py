"""The OpenAPI schema is served and describes the endpoints and their problem responses."""

from __future__ import annotations

import re

from django.test import Client


def test_the_openapi_schema_is_served(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "vatspilot API"
    # Every path of the API, so that one added or lost is noticed (and documented in docs/api.md).
    assert set(schema["paths"]) == {
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/applications/{application_id}/actions/{action}",
        "/api/v1/applications/{application_id}/documents",
        "/api/v1/applications/{application_id}/documents/{version_id}",
        "/api/v1/applications/{application_id}/dossier",
        "/api/v1/eligibility",
        "/api/v1/exits",
        "/api/v1/findings",
        "/api/v1/findings/{finding_id}",
        "/api/v1/findings/{finding_id}/actions/report_remediation",
        "/api/v1/findings/{finding_id}/actions/{action}",
        "/api/v1/findings/{finding_id}/evidence/{evidence_id}",
        "/api/v1/guide",
        "/api/v1/inbox",
        "/api/v1/inbox/read-all",
        "/api/v1/inbox/{notification_id}/read",
        "/api/v1/inspections",
        "/api/v1/inspections/draws",
        "/api/v1/inspections/draws/{draw_id}",
        "/api/v1/inspections/{inspection_id}",
        "/api/v1/inspections/{inspection_id}/record",
        "/api/v1/licences",
        "/api/v1/licences/{number}",
        "/api/v1/licences/{number}/actions/{action}",
        "/api/v1/licences/{number}/certificate.pdf",
        "/api/v1/licences/{number}/exit",
        "/api/v1/licences/{number}/exit/actions/{action}",
        "/api/v1/licences/{number}/filings",
        "/api/v1/licences/{number}/filings/change",
        "/api/v1/licences/{number}/filings/renewal",
        "/api/v1/licences/{number}/filings/{filing_id}",
        "/api/v1/licences/{number}/filings/{filing_id}/actions/{action}",
        "/api/v1/licences/{number}/obligations",
        "/api/v1/licences/{number}/reports",
        "/api/v1/lists",
        "/api/v1/me",
        "/api/v1/organisations/{organisation_id}/invitations",
        "/api/v1/organisations/{organisation_id}/invitations/{invitation_id}/revoke",
        "/api/v1/organisations/{organisation_id}/members",
        "/api/v1/register",
        "/api/v1/register/{number}",
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/actions/{action}",
        "/api/v1/reports/{report_id}/data",
        "/api/v1/reports/{report_id}/runs/{run_id}",
        "/api/v1/reports/{report_id}/uploads/{part}",
        "/api/v1/rules",
        "/api/v1/rules/diff",
        "/api/v1/rules/milestones",
        "/api/v1/rules/{rule_id}",
        "/api/v1/staff",
        "/api/v1/staff/{user_id}/actions/{action}",
        "/api/v1/statistics",
        "/api/v1/statistics/published",
        "/api/v1/statistics/{name}",
        "/api/v1/supervision/dashboard",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}/revoke",
        "/api/v1/track/{tracking_number}",
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
