"""The error pages (404, 403, 413, 500) in both languages, and problem details under /api/."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pilot_world import ON, World, client_for
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.entrypoints.boom_urls import SECRET
from vatspilot.domain.applications import Role, State
from vatspilot.services import applications as svc

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("language", "title", "home"), [("en", "<h1>Not found</h1>", "Home"), ("zh-hans", "<h1>未找到</h1>", "首页")]
)
def test_a_missing_page_is_the_404_page_in_the_visitors_language(db: None, language: str, title: str, home: str):
    response = client_for(None, language).get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert title in page
    assert home in page
    assert "URLconf" not in page  # Django's debug 404 lists the URL patterns


def test_a_missing_api_resource_is_a_404_problem(db: None) -> None:
    response = Client().get("/api/no/such/resource")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",  # RFC 9457: about:blank takes the status phrase as its title
        "status": 404,
        "detail": "No such resource, or you may not see it.",
        "instance": "/api/no/such/resource",
    }


def test_a_refused_role_gets_the_403_page(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)  # the Shanghai officer sees it, but uploads are the applicant's

    response = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans").post(
        reverse("web:upload", args=[application.pk]), {"kind": "business-plan"}
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>无权操作</h1>" in page
    assert "您的角色无权进行此操作。" in page


def test_a_form_without_its_csrf_token_gets_the_403_page_saying_so(world: World) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.applicant)

    response = client.post(reverse("web:dossier", args=[application.pk]), {"ownership": "[]"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Not allowed</h1>" in page
    assert "security token is missing or out of date" in page
    assert "CSRF verification failed" not in page  # Django's own page, with its reasons


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("en", "<h1>Server error</h1>", "Something went wrong on our side."),
        ("zh-hans", "<h1>服务器错误</h1>", "服务器端出现错误，已记录在案，请稍后再试。"),
    ],
)
def test_a_failing_page_gets_the_500_page_and_nothing_of_the_failure(
    db: None, settings: SettingsWrapper, language: str, title: str, text: str
) -> None:
    settings.ROOT_URLCONF = "tests.entrypoints.boom_urls"
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)

    response = client.get("/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert title in page
    assert text in page
    for leak in (SECRET, "hunter2", "RuntimeError", "Traceback", "boom", "DATABASE_URL", "SECRET_KEY"):
        assert leak not in page


def test_a_failing_api_call_is_a_500_problem_and_nothing_of_the_failure(
    world: World, monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    # Even with DEBUG on, where django-ninja's own handler would answer with the traceback.
    settings.DEBUG = True
    world.drive_to(State.SUBMITTED)

    def broken(user, **options):
        raise RuntimeError(f"could not reach {SECRET}")

    # The list's read model (vatspilot.queries.application_lists), as the router imported it.
    monkeypatch.setattr("vatspilot.api.routers.applications.visible_application_rows", broken)

    response = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans").get("/api/v1/applications")

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "urn:vatspilot:problem:server-error",
        "title": "服务器错误",
        "status": 500,
        "detail": "服务器端出现错误，已记录在案，请稍后再试。",
        "instance": "/api/v1/applications",
    }
