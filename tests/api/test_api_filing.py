"""The applicant's filing through the API: the public eligibility check, opening a draft, replacing the
dossier, uploading documents, reading the checklist and deleting a draft. Each answer is checked
exactly; every refusal leaves the database as it was; another organisation's application is a 404; a
read token may not write; an Idempotency-Key makes a retried opening open one draft."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pilot_world import DOSSIER, PDF, SHANGHAI, World
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import State
from vatspilot.queries.eligibility_check import check
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import Application, AuditEntry, DocumentVersion, IdempotencyRecord

PROBLEM = "application/problem+json"
TODAY = date(2026, 6, 1)
PROFILE: dict[str, Any] = {
    "schema": "vatspilot/profile/v1",
    "name": SHANGHAI.name,
    "uscc": SHANGHAI.uscc,
    "registration": {"division_code": SHANGHAI.division_code},
    "registered_capital_cny": 10000000,
    "shareholders": DOSSIER["ownership"],
    "services": DOSSIER["services"],
    "service_area": DOSSIER["service_area"],
}
REQUIRED = [
    "business-licence",
    "articles-of-association",
    "ownership-structure-statement",
    "business-plan",
    "technical-solution",
    "service-quality-measures",
    "data-security-measures",
    "lawful-operation-undertaking",
    "network-topology-domestic",
    "network-topology-overseas",
    "contingency-plan",
]


@pytest.fixture(autouse=True)
def _today(settings: Settings) -> None:
    settings.VATSPILOT_TODAY = TODAY


def bearer(user: Any, scope: str = "write") -> dict[str, str]:
    return {"Authorization": f"Bearer {create_api_token(actor=user, name=f'{scope} token', scope=scope).secret}"}


def post_json(url: str, body: Any, **headers: str) -> Any:
    return Client().post(url, json.dumps(body), content_type="application/json", headers=headers)


def put_json(url: str, body: Any, **headers: str) -> Any:
    return Client().put(url, json.dumps(body), content_type="application/json", headers=headers)


def upload(application_id: int, kind: str, file: SimpleUploadedFile, **headers: str) -> Any:
    return Client().post(
        f"/api/v1/applications/{application_id}/documents", {"kind": kind, "file": file}, headers=headers
    )


def pdf(name: str = "licence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def snapshot() -> Any:
    """What a refusal must leave as it was."""
    return (
        list(Application.objects.order_by("pk").values()),
        list(DocumentVersion.objects.order_by("pk").values("pk", "number", "sha256")),
        # Not counted: the security log's entries (a token made or first used, a refusal), which are
        # written on purpose; what is counted is what the filing changed.
        AuditEntry.objects.exclude(object_type__in=["store.apitoken", "http.path"]).count(),
    )


def dossier_body(version: int | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**copy.deepcopy(DOSSIER), "dishonest_list": False, **changes}
    if version is not None:
        body["expected_version"] = version
    return body


# --- Eligibility ---------------------------------------------------------------------------------------


def test_the_eligibility_check_answers_the_decision_contract_without_sign_in(db: None) -> None:
    response = post_json("/api/v1/eligibility", PROFILE)

    assert response.status_code == 200
    body = response.json()
    assert body == json.loads(json.dumps(check(PROFILE, on=TODAY, lang="en")))
    assert (body["schema"], body["on"], body["outcome"], body["foreign_share"]) == (
        "vatspilot/decision/v2",
        "2026-06-01",
        "eligible",
        100,
    )
    assert body["regions"] == ["notice-107:shanghai", "comprehensive-pilot:shanghai"]
    assert [(s["code"], s["outcome"], s["route"]) for s in body["services"]] == [
        ("B11", "eligible", "pilot"),
        ("B25-05", "eligible", "pilot"),
    ]
    assert body["required_documents"] == REQUIRED
    assert body["required_assessments"] == ["security-assessment"]
    assert body["licence"]["services"] == ["B11", "B25-05"]


def test_the_eligibility_check_words_its_reasons_in_the_language_asked(db: None) -> None:
    chinese = post_json("/api/v1/eligibility?lang=zh", PROFILE).json()
    by_header = Client().post(
        "/api/v1/eligibility", json.dumps(PROFILE), content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert chinese == json.loads(json.dumps(check(PROFILE, on=TODAY, lang="zh")))
    assert by_header.json() == chinese
    assert chinese["services"][0]["reasons"][0]["message"].startswith("互联网数据中心业务不属于")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            {"shareholders": [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 150}]},
            "/shareholders/0/percent",
            "maximum",
        ),
        ({"services": [{"code": "B11", "colour": "blue"}]}, "/services/0/colour", "unknown-field"),
        ({"registration": {"division_code": "31011"}}, "/registration/division_code", "bad-format"),
        ({"name": None}, "/name", "wrong-type"),
    ],
)
def test_a_profile_the_engine_cannot_take_is_a_422_naming_the_pointer(
    db: None, change: dict[str, Any], field: str, code: str
) -> None:
    response = post_json("/api/v1/eligibility", {**PROFILE, **change})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert (problem["type"], problem["field"], problem["code"]) == ("urn:vatspilot:problem:invalid-field", field, code)
    assert problem["detail"].startswith(field + ": ")


def test_a_body_that_is_not_json_is_a_400_naming_the_place(db: None) -> None:
    response = Client().post("/api/v1/eligibility", b'{"name": "a", "name": "b"}', content_type="application/json")

    assert response.status_code == 400
    problem = response.json()
    assert (problem["type"], problem["pointer"], problem["line"]) == ("urn:vatspilot:problem:invalid-json", "/name", 1)


# --- Opening a draft -----------------------------------------------------------------------------------


def test_an_applicant_opens_a_draft_for_their_organisation(world: World) -> None:
    response = post_json("/api/v1/applications", {}, **bearer(world.applicant))

    assert response.status_code == 201
    application = Application.objects.get()
    assert response["Location"] == f"/api/v1/applications/{application.pk}"
    body = response.json()
    assert (body["id"], body["status"], body["version"], body["tracking_number"]) == (application.pk, "draft", 1, None)
    assert body["organisation"]["id"] == world.organisation.pk
    assert body["available_actions"] == ["withdraw"]
    assert application.organisation == world.organisation
    audited = AuditEntry.objects.filter(object_type="store.application", object_id=str(application.pk))
    assert list(audited.values_list("action", flat=True)) == ["application.created"]


def test_an_organisation_named_must_be_the_callers(world: World) -> None:
    before = snapshot()

    hidden = post_json("/api/v1/applications", {"organisation": world.other_organisation.pk}, **bearer(world.applicant))
    typed = post_json("/api/v1/applications", {"organisation": str(world.organisation.pk)}, **bearer(world.applicant))
    none = post_json("/api/v1/applications", {}, **bearer(world.outsider))

    assert hidden.status_code == 404
    assert (typed.status_code, typed.json()["field"]) == (422, "/organisation")
    assert (none.status_code, none.json()["field"], none.json()["code"]) == (422, "/organisation", "required")
    assert snapshot() == before


def test_a_read_token_may_not_open_a_draft(world: World) -> None:
    before = snapshot()

    response = post_json("/api/v1/applications", {}, **bearer(world.applicant, "read"))

    assert response.status_code == 403
    assert response.json()["type"] == "urn:vatspilot:problem:token-scope"
    assert snapshot() == before


def test_the_same_idempotency_key_opens_one_draft(world: World) -> None:
    headers = {**bearer(world.applicant), "Idempotency-Key": "open-2026-06-01-a"}

    first = post_json("/api/v1/applications", {}, **headers)
    again = post_json("/api/v1/applications", {}, **headers)
    other = post_json("/api/v1/applications", {}, **{**headers, "Idempotency-Key": "open-2026-06-01-b"})

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 201)
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 2


# --- The dossier ---------------------------------------------------------------------------------------


def test_the_dossier_is_replaced_and_judged(world: World) -> None:
    application = world.new_application()
    version = application.version
    body = dossier_body(version, ownership=DOSSIER["ownership"], services=[{"code": "B11"}])

    response = put_json(f"/api/v1/applications/{application.pk}/dossier", body, **bearer(world.applicant))

    assert response.status_code == 200
    answer = response.json()
    assert answer["version"] == version + 1
    assert answer["dossier"] == {
        "ownership": [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 100}],
        "services": [{"code": "B11"}],
        "service_area": {"kind": "provincial"},
        "dishonest_list": False,
    }
    assert answer["determination"]["outcome"] == "eligible"
    assert answer["determination"]["licence"]["services"] == ["B11"]
    application.refresh_from_db()
    assert application.services == [{"code": "B11"}]
    assert AuditEntry.objects.filter(action="application.dossier_changed", object_id=str(application.pk)).count() == 2


@pytest.mark.parametrize(
    ("changes", "status", "field", "code"),
    [
        (
            {"ownership": [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 150}]},
            422,
            "/ownership/0/percent",
            "maximum",
        ),
        ({"services": [{"code": "B11", "scope": 3}]}, 422, "/services/0/scope", "not-one-of"),
        ({"dishonest_list": "no"}, 422, "/dishonest_list", None),
        ({"expected_version": "2"}, 422, "/expected_version", None),
        ({"colour": "blue"}, 422, "/colour", None),
        ({"expected_version": 1}, 409, None, "conflict"),
    ],
)
def test_a_dossier_refused_names_the_field_and_changes_nothing(
    world: World, changes: dict[str, Any], status: int, field: str | None, code: str | None
) -> None:
    application = world.new_application()  # version 2: opened, then filled
    before = snapshot()

    response = put_json(
        f"/api/v1/applications/{application.pk}/dossier",
        {**dossier_body(application.version), **changes},
        **bearer(world.applicant),
    )

    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert (problem.get("field"), problem.get("code")) == (field, code)
    assert snapshot() == before


def test_a_dossier_of_another_organisation_is_not_found_and_a_read_token_may_not_write(world: World) -> None:
    theirs = world.new_application(organisation=world.other_organisation)
    mine = world.new_application()
    before = snapshot()

    hidden = put_json(f"/api/v1/applications/{theirs.pk}/dossier", dossier_body(), **bearer(world.applicant))
    missing = put_json("/api/v1/applications/999999/dossier", dossier_body(), **bearer(world.applicant))
    read = put_json(f"/api/v1/applications/{mine.pk}/dossier", dossier_body(), **bearer(world.applicant, "read"))

    assert (hidden.status_code, missing.status_code, read.status_code) == (404, 404, 403)
    assert {k: v for k, v in hidden.json().items() if k != "instance"} == {
        k: v for k, v in missing.json().items() if k != "instance"
    }
    assert snapshot() == before


def test_a_submitted_dossier_is_locked(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = snapshot()

    response = put_json(f"/api/v1/applications/{application.pk}/dossier", dossier_body(), **bearer(world.applicant))

    assert response.status_code == 422
    assert response.json()["code"] == "dossier-locked"
    assert snapshot() == before


# --- Documents -----------------------------------------------------------------------------------------


def test_the_checklist_lists_what_is_required_and_uploaded(world: World) -> None:
    application = world.new_application()
    headers = bearer(world.applicant)

    empty = Client().get(f"/api/v1/applications/{application.pk}/documents", headers=headers).json()
    uploaded = upload(application.pk, "business-licence", pdf("营业执照 scan.pdf"), **headers)
    listed = Client().get(f"/api/v1/applications/{application.pk}/documents", headers=headers).json()

    assert [(i["kind"], i["required"], i["present"], i["versions"]) for i in empty] == [
        (kind, True, False, []) for kind in REQUIRED
    ]
    assert empty[0]["label"] == "Business licence"
    assert uploaded.status_code == 201
    version = DocumentVersion.objects.get()
    assert uploaded.json() == {
        "id": version.pk,
        "kind": "business-licence",
        "number": 1,
        "name": "营业执照 scan.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "uploaded_at": version.uploaded_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "uploaded_by": "applicant",
    }
    assert (listed[0]["kind"], listed[0]["present"], listed[0]["versions"]) == (
        "business-licence",
        True,
        [uploaded.json()],
    )
    assert [i["present"] for i in listed[1:]] == [False] * 10
    assert AuditEntry.objects.filter(action="document.version_added").count() == 1


@pytest.mark.parametrize(
    ("kind", "file", "field", "code"),
    [
        ("business-licence", SimpleUploadedFile("a.pdf", b"\x89PNG\r\n\x1a\n0000"), "/file", "extension_mismatch"),
        ("business-licence", SimpleUploadedFile("a.pdf", b"plain text"), "/file", "unsupported_type"),
        ("business-licence", SimpleUploadedFile("a.pdf", b""), "/file", "empty"),
        ("passport", SimpleUploadedFile("a.pdf", PDF), "/kind", "invalid_kind"),
        ("", SimpleUploadedFile("a.pdf", PDF), "/kind", "required"),
    ],
)
def test_an_upload_refused_names_the_field_and_keeps_nothing(
    world: World, kind: str, file: SimpleUploadedFile, field: str, code: str | None
) -> None:
    application = world.new_application()
    before = snapshot()

    response = upload(application.pk, kind, file, **bearer(world.applicant))

    assert response.status_code == 422
    problem = response.json()
    assert problem.get("field") == field
    assert problem.get("code") == code
    assert snapshot() == before


def test_an_upload_over_the_limit_is_a_413(world: World, settings: Settings) -> None:
    settings.VATSPILOT_MAX_UPLOAD_BYTES = 64
    application = world.new_application()
    before = snapshot()

    response = upload(application.pk, "business-licence", pdf(content=PDF + b"%" * 64), **bearer(world.applicant))

    assert response.status_code == 413
    assert response.json()["type"] == "urn:vatspilot:problem:too-large"
    assert snapshot() == before


def test_uploads_are_refused_on_another_organisation_a_locked_dossier_and_a_read_token(world: World) -> None:
    theirs = world.new_application(organisation=world.other_organisation)
    submitted = world.drive_to(State.SUBMITTED)
    draft = world.new_application()
    before = snapshot()

    hidden = upload(theirs.pk, "business-licence", pdf(), **bearer(world.applicant))
    listed = Client().get(f"/api/v1/applications/{theirs.pk}/documents", headers=bearer(world.applicant))
    locked = upload(submitted.pk, "business-licence", pdf(), **bearer(world.applicant))
    read = upload(draft.pk, "business-licence", pdf(), **bearer(world.applicant, "read"))

    assert (hidden.status_code, listed.status_code, read.status_code) == (404, 404, 403)
    assert (locked.status_code, locked.json()["field"], locked.json()["code"]) == (422, "/kind", "dossier_locked")
    assert snapshot() == before


def test_the_same_idempotency_key_uploads_once(world: World) -> None:
    application = world.new_application()
    headers = {**bearer(world.applicant), "Idempotency-Key": "upload-licence-1"}

    first = upload(application.pk, "business-licence", pdf(), **headers)
    again = upload(application.pk, "business-licence", pdf(), **headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert list(DocumentVersion.objects.values_list("number", flat=True)) == [1]


def test_a_dossier_refusal_says_what_is_wrong_where(world: World) -> None:
    application = world.new_application()
    body = dossier_body(ownership=[{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 150}])

    response = put_json(f"/api/v1/applications/{application.pk}/dossier", body, **bearer(world.applicant))

    assert {k: v for k, v in response.json().items() if k != "instance"} == {
        "type": "urn:vatspilot:problem:action-refused",
        "title": "The action was refused",
        "status": 422,
        "detail": "/ownership/0/percent: 150 is above the maximum of 100",
        "code": "maximum",
        "field": "/ownership/0/percent",
        "params": {"pointer": "/ownership/0/percent", "input_value": "150", "input_limit": "100"},
    }


# --- Deleting a draft ----------------------------------------------------------------------------------


def test_a_draft_is_deleted_with_its_documents(world: World) -> None:
    application = world.ready_draft()

    response = Client().delete(
        f"/api/v1/applications/{application.pk}?expected_version={application.version}", headers=bearer(world.applicant)
    )

    assert response.status_code == 204
    assert Application.objects.filter(pk=application.pk).exists() is False
    assert DocumentVersion.objects.count() == 0
    assert AuditEntry.objects.filter(action="application.deleted", object_id=str(application.pk)).count() == 1


def test_deletion_is_refused_for_a_submitted_application_another_organisation_and_a_read_token(
    world: World,
) -> None:
    submitted = world.drive_to(State.SUBMITTED)
    theirs = world.new_application(organisation=world.other_organisation)
    draft = world.new_application()
    before = snapshot()

    refused = Client().delete(f"/api/v1/applications/{submitted.pk}", headers=bearer(world.applicant))
    hidden = Client().delete(f"/api/v1/applications/{theirs.pk}", headers=bearer(world.applicant))
    read = Client().delete(f"/api/v1/applications/{draft.pk}", headers=bearer(world.applicant, "read"))
    stale = Client().delete(f"/api/v1/applications/{draft.pk}?expected_version=1", headers=bearer(world.applicant))

    assert (refused.status_code, refused.json()["code"]) == (422, "draft-was-submitted")
    assert (hidden.status_code, read.status_code, stale.status_code) == (404, 403, 409)
    assert snapshot() == before


# --- The whole filing ----------------------------------------------------------------------------------


def test_a_filing_end_to_end_through_the_api(world: World) -> None:
    headers = bearer(world.applicant)
    opened = post_json("/api/v1/applications", {}, **headers).json()
    url = f"/api/v1/applications/{opened['id']}"
    filled = put_json(f"{url}/dossier", dossier_body(opened["version"]), **headers).json()
    checklist = Client().get(f"{url}/documents", headers=headers).json()
    for item in checklist:
        assert upload(opened["id"], item["kind"], pdf(f"{item['kind']}.pdf"), **headers).status_code == 201
    submitted = post_json(f"{url}/actions/submit", {"expected_version": filled["version"]}, **headers)

    assert submitted.status_code == 200
    body = submitted.json()
    application = Application.objects.get()
    assert (body["status"], body["tracking_number"]) == ("submitted", application.tracking_number)
    assert application.tracking_number
    assert sorted(DocumentVersion.objects.values_list("document__kind", flat=True)) == sorted(REQUIRED)


# --- The OpenAPI document ------------------------------------------------------------------------------


def test_every_reference_in_the_openapi_document_resolves(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for item in node for r in refs(item)]
        return []

    def resolve(pointer: str) -> Any:
        node: Any = schema
        for token in pointer.removeprefix("#/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    found = refs(schema)
    assert "#/paths/~1api~1v1~1eligibility/post/requestBody/content/application~1json/schema/$defs/holder" in found
    for ref in found:
        assert isinstance(resolve(ref), dict), ref
    eligibility = schema["paths"]["/api/v1/eligibility"]["post"]
    assert "security" not in eligibility  # no sign-in (the API's others list PersonalToken, SessionAuth)
    assert eligibility["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["schema"] == {
        "const": "vatspilot/decision/v2"
    }


def test_a_refusal_is_worded_in_the_callers_language(world: World) -> None:
    response = Client().post(
        "/api/v1/applications",
        "{}",
        content_type="application/json",
        headers=bearer(world.outsider),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "您属于多个企业，或不属于任何企业：请指明申请企业（organisation）。"


def test_a_document_is_downloaded_as_uploaded_by_who_may_see_the_application(world: World) -> None:
    application = world.new_application()
    uploaded = upload(application.pk, "business-licence", pdf("营业执照 scan.pdf"), **bearer(world.applicant)).json()
    other = world.new_application()
    path = f"/api/v1/applications/{application.pk}/documents/{uploaded['id']}"

    mine = Client().get(path, headers=bearer(world.applicant, "read"))
    elsewhere = Client().get(
        f"/api/v1/applications/{other.pk}/documents/{uploaded['id']}", headers=bearer(world.applicant)
    )
    outsider = Client().get(path, headers=bearer(world.outsider))
    anonymous = Client().get(path)

    assert mine.status_code == 200
    assert (mine["Content-Type"], mine["Cache-Control"]) == ("application/pdf", "private, no-store")
    assert mine["Content-Disposition"].startswith("attachment;")
    assert b"".join(mine.streaming_content) == PDF
    assert (elsewhere.status_code, outsider.status_code, anonymous.status_code) == (404, 404, 401)
