"""The OpenAPI document says what the API answers on errors: application/problem+json, and the errors any
request may get on every operation (problems.document_problems). Schemathesis checks both against a live
server (make fuzz); this holds them without one."""

from __future__ import annotations

import pytest
from django.test import Client
from pilot_world import World, client_for

from vatspilot.store.models import Application

PROBLEM = {"schema": {"$ref": "#/components/schemas/ProblemOut"}}


def _operations() -> list[tuple[str, str, dict]]:
    document = Client().get("/api/v1/openapi.json").json()
    return [(method, path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_every_error_response_is_documented_as_problem_details(db: None) -> None:
    errors = {
        (method, path, status): response["content"]
        for method, path, op in _operations()
        for status, response in op["responses"].items()
        if int(status) >= 400
    }

    assert errors
    assert {key: content for key, content in errors.items() if content != {"application/problem+json": PROBLEM}} == {}


def test_every_operation_documents_the_errors_any_request_may_get(db: None) -> None:
    missing = {}
    for method, path, op in _operations():
        expected = {"400", "429"}
        if "requestBody" in op:
            expected.add("413")
        if op.get("security"):
            expected.add("401")
        if expected - set(op["responses"]):
            missing[(method, path)] = sorted(expected - set(op["responses"]))

    assert missing == {}


def test_a_body_the_strict_reader_refuses_is_the_documented_400(db: None) -> None:
    response = Client().post("/api/v1/eligibility", '{"a": 1, "a": 2}', content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "json-duplicate-key"


@pytest.mark.parametrize("body", ["0.0", "-2.857140617336606e-273", "[]", "7", "null"])
def test_a_body_that_is_not_an_object_is_refused_and_opens_nothing(world: World, body: str) -> None:
    # Found by Schemathesis: django-ninja took a body of 0.0 as no body at all and opened a draft.
    response = client_for(world.applicant, "zh-hans").post(
        "/api/v1/applications", body, content_type="application/json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert {key: response.json()[key] for key in ("code", "field", "detail")} == {
        "code": "wrong-type",
        "field": "/",
        "detail": "请求体必须是一个 JSON 对象。",
    }
    assert Application.objects.count() == 0


def test_a_multipart_body_without_a_boundary_is_a_400_not_a_500(world: World) -> None:
    # Found by Schemathesis: Django's multipart parser raised, and the API answered 500.
    application = world.new_application()

    response = client_for(world.applicant).post(
        f"/api/v1/applications/{application.pk}/documents", b"abc", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The request could not be read."
    assert application.documents.count() == 0
