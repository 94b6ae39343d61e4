"""Every page renders for the role it is for, in English and in Simplified Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pilot_world import World, client_for, make_user

from vatspilot.domain.applications import Role, State
from vatspilot.store.models import LanguagePreference, Notification

# (language, a string the page must show in it)
LANGUAGES = [("en", "en"), ("zh-hans", "zh")]


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_login_page_renders_in_each_language(db: None, language: str, lang: str) -> None:
    # Given an anonymous visitor; when they open the sign-in page
    response = client_for(None, language).get(reverse("web:login"))

    # Then it is in their language, with the language switcher
    assert response.status_code == 200
    assert {"en": "Sign in", "zh": "登录"}[lang] in _text(response)
    assert f'<html lang="{language}">' in _text(response)
    assert 'name="language"' in _text(response)


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = client_for(None).get(reverse("web:queue"))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:login") + "?next=" + reverse("web:queue")


def test_signing_in_with_a_password_leads_home(world: World) -> None:
    user = world.applicant
    user.set_password("correct horse battery staple")
    user.save()

    response = client_for(None).post(
        reverse("web:login"), {"username": "applicant", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_signing_out_needs_a_post_and_ends_the_session(world: World) -> None:
    client = client_for(world.applicant)

    response = client.post(reverse("web:logout"))

    assert response.status_code == 302
    assert client.get(reverse("web:applications")).status_code == 302


@pytest.mark.parametrize(
    ("role", "destination"),
    [(Role.APPLICANT, "web:applications"), (Role.LOCAL_OFFICER, "web:queue"), (Role.MIIT_REVIEWER, "web:queue")],
)
def test_home_routes_each_role_to_its_work(world: World, role: Role, destination: str) -> None:
    response = client_for(world.users[role]).get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse(destination)


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_a_user_without_a_role_gets_the_home_page(world: World, language: str, lang: str) -> None:
    nobody = make_user("nobody")

    response = client_for(nobody, language).get(reverse("web:home"))

    assert response.status_code == 200
    assert {"en": "Your account has no role", "zh": "您的账户尚未被授予"}[lang] in _text(response)


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_applications_list_renders_for_the_applicant(world: World, language: str, lang: str) -> None:
    application = world.new_application()

    response = client_for(world.applicant, language).get(reverse("web:applications"))

    assert response.status_code == 200
    text = _text(response)
    assert {"en": "My applications", "zh": "我的申请"}[lang] in text
    assert {"en": "Start a new application", "zh": "新建申请"}[lang] in text
    assert reverse("web:dossier", args=[application.pk]) in text


def test_starting_an_application_opens_its_dossier(world: World) -> None:
    client = client_for(world.applicant)

    response = client.post(reverse("web:application_create"), {"organisation": world.organisation.pk})

    application = world.organisation.applications.get()
    assert application.status == State.DRAFT
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dossier", args=[application.pk])


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_dossier_page_renders_for_the_applicant(world: World, language: str, lang: str) -> None:
    application = world.new_application()

    response = client_for(world.applicant, language).get(reverse("web:dossier", args=[application.pk]))

    assert response.status_code == 200
    text = _text(response)
    assert {"en": "Eligibility determination", "zh": "资格判定"}[lang] in text
    assert {"en": "Save the dossier", "zh": "保存申请材料"}[lang] in text
    # The determination's reasons carry their citations, and the rulebook version is shown.
    assert application.rulebook_version in text
    assert "FITE" in text or "Notice 107" in text or "107" in text


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_application_page_renders_for_the_local_officer(world: World, language: str, lang: str) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = client_for(world.users[Role.LOCAL_OFFICER], language).get(
        reverse("web:application", args=[application.pk])
    )

    assert response.status_code == 200
    text = _text(response)
    assert {"en": "Statutory review clock", "zh": "法定审查时限"}[lang] in text
    assert {"en": "Accept the application", "zh": "受理申请"}[lang] in text
    assert {"en": "Timeline", "zh": "办理记录"}[lang] in text
    assert 'name="accept-expected_version"' in text


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_application_page_renders_for_the_applicant_with_the_timeline(world: World, language: str, lang: str) -> None:
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT)

    response = client_for(world.applicant, language).get(reverse("web:application", args=[application.pk]))

    text = _text(response)
    assert response.status_code == 200
    assert {"en": "Accepted", "zh": "已受理"}[lang] in text
    assert "local_officer" in text  # who acted
    assert {"en": "Local communications administration officer", "zh": "地方通信管理局工作人员"}[lang] in text


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_queue_renders_for_an_official(world: World, language: str, lang: str) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = client_for(world.users[Role.LOCAL_OFFICER], language).get(reverse("web:queue"))

    assert response.status_code == 200
    text = _text(response)
    assert {"en": "Review queue", "zh": "待办审查"}[lang] in text
    assert {"en": "Not started", "zh": "未开始计时"}[lang] in text
    assert reverse("web:application", args=[application.pk]) in text


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_inbox_renders_the_users_notifications(world: World, language: str, lang: str) -> None:
    Notification.objects.create(recipient=world.applicant, kind="application.submitted", subject="S1", body="B1")

    response = client_for(world.applicant, language).get(reverse("web:inbox"))

    assert response.status_code == 200
    text = _text(response)
    assert "S1" in text
    assert {"en": "Mark as read", "zh": "标为已读"}[lang] in text


def test_switching_language_sets_the_cookie(db: None) -> None:
    response = client_for(None).post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"


def test_a_signed_in_person_switching_language_has_it_recorded_for_what_is_written_to_them(world: World) -> None:
    client = client_for(world.applicant)

    response = client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/applications/"})
    unknown = client.post(reverse("web:set_language"), {"language": "fr", "next": "/applications/"})

    assert (response.status_code, response["Location"]) == (302, "/applications/")
    assert response.cookies["django_language"].value == "zh-hans"
    assert unknown.status_code == 302  # Django's view ignores a language it lacks; so does the record
    assert list(LanguagePreference.objects.values_list("user__username", "language")) == [
        (world.applicant.username, "zh-hans")
    ]
    assert client.get(reverse("web:set_language")).status_code == 405


def test_an_anonymous_visitor_switching_language_records_nothing(db: None) -> None:
    client_for(None).post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})

    assert LanguagePreference.objects.count() == 0
