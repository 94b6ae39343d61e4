"""Request bodies are capped: a large JSON body, a large form and a large upload are answered with 413
(problem details under /api/, the page elsewhere), and nothing is written."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from pilot_world import ON, PDF, World, client_for
from pytest_django.fixtures import Settings as SettingsWrapper

from config.request_limits import CappedUploadHandler, UploadTooLarge
from tests.entrypoints.written_rows import application_state, store_rows
from vatspilot.domain.applications import Role, State
from vatspilot.services import applications as svc
from vatspilot.store.models import DocumentVersion

MIB = 1024 * 1024


def test_the_limits_the_platform_ships_with(settings: SettingsWrapper) -> None:
    assert (settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.VATSPILOT_MAX_UPLOAD_BYTES) == (MIB, 20 * MIB)
    assert settings.FILE_UPLOAD_HANDLERS[0] == "config.request_limits.CappedUploadHandler"


def test_a_3_mb_json_body_to_the_api_is_a_413_problem(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans")
    before, state = store_rows(), application_state(application)
    body = json.dumps({"expected_version": application.version, "items": ["x" * 1000] * 3000})
    assert len(body) > 3_000_000

    response = client.post(
        f"/api/v1/applications/{application.pk}/actions/request_supplement", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:vatspilot:problem:too-large",
        "title": "请求过大",
        "status": 413,
        "detail": "请求正文超过允许的 1 MiB。",
        "instance": f"/api/v1/applications/{application.pk}/actions/request_supplement",
        "max_bytes": MIB,
    }
    assert (store_rows(), application_state(application)) == (before, state)


def test_a_2_mb_dossier_form_is_the_413_page(world: World) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    client = client_for(world.applicant)
    before, state = store_rows(), application_state(application)
    ownership = json.dumps([{"name": "x" * 2 * MIB, "jurisdiction": "HK", "percent": 100}])

    response = client.post(reverse("web:dossier", args=[application.pk]), {"ownership": ownership})

    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Request too large</h1>" in page
    assert "a document may be at most 20 MiB, and a form without files at most 1 MiB. Nothing was saved." in page
    assert (store_rows(), application_state(application)) == (before, state)


@pytest.fixture
def small_cap(settings: SettingsWrapper) -> int:
    settings.VATSPILOT_MAX_UPLOAD_BYTES = 64 * 1024
    return settings.VATSPILOT_MAX_UPLOAD_BYTES


def _pdf(size: int) -> bytes:
    return PDF + b"%" * (size - len(PDF))


def test_an_upload_over_the_cap_is_the_413_page_and_no_version_is_kept(world: World, small_cap: int) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    client = client_for(world.applicant, "zh-hans")
    before = store_rows()

    response = client.post(
        reverse("web:upload", args=[application.pk]),
        {"kind": "business-plan", "file": SimpleUploadedFile("plan.pdf", _pdf(small_cap + 1))},
    )

    assert response.status_code == 413
    assert "<h1>请求过大</h1>" in response.content.decode()
    assert store_rows() == before


def test_an_upload_of_exactly_the_cap_is_kept(world: World, small_cap: int) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)

    response = client_for(world.applicant).post(
        reverse("web:upload", args=[application.pk]),
        {"kind": "business-plan", "file": SimpleUploadedFile("plan.pdf", _pdf(small_cap))},
    )

    assert response.status_code == 302
    version = DocumentVersion.objects.get(document__application=application)
    assert version.size == small_cap


def test_the_handler_refuses_a_declared_length_over_the_cap_before_reading(small_cap: int) -> None:
    handler = CappedUploadHandler(RequestFactory().post("/"))
    stream = BytesIO(b"never read")

    with pytest.raises(UploadTooLarge):
        handler.handle_raw_input(stream, {}, small_cap + MIB + 1, b"boundary")

    assert stream.tell() == 0


def test_the_handler_stops_at_the_first_chunk_past_the_cap(small_cap: int) -> None:
    handler = CappedUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "plan.pdf", "application/pdf", None)
    chunk = b"x" * (16 * 1024)
    passed = 0

    with pytest.raises(UploadTooLarge):
        for start in range(0, 10 * small_cap, len(chunk)):
            assert handler.receive_data_chunk(chunk, start) == chunk
            passed += 1

    assert passed == small_cap // len(chunk)  # 4 chunks make the cap; the fifth is refused
