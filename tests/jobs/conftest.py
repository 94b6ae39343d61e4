"""Fixtures for the job tests, over the builders of tests/support/pilot_world.py: a Shanghai application
whose review clock started on a given day, the officials who hold its file, and a pinned clock so that
"created that day" means the day under test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core import mail
from django.utils import timezone
from pilot_world import BEIJING, SHANGHAI, make_organisation, place_application, record_event
from pilot_world import make_user as build_user

from vatspilot.store.models import Application, Role

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mailbox(settings):
    """E-mails go to mail.outbox; tasks run in-process as they are enqueued; English."""
    settings.EMAIL_BACKEND = LOCMEM
    settings.TASKS = IMMEDIATE
    settings.LANGUAGE_CODE = "en"
    return mail.outbox


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractUser]:
    def make(username: str, *roles: str, jurisdictions: tuple[str, ...] = (), email: str | None = None) -> AbstractUser:
        return build_user(username, *roles, jurisdictions=jurisdictions, email=email)

    return make


@pytest.fixture
def people(make_user) -> SimpleNamespace:
    return SimpleNamespace(
        member=make_user("member", Role.APPLICANT),
        sh_officer=make_user("sh_officer", Role.LOCAL_OFFICER, jurisdictions=(SHANGHAI.province,)),
        bj_officer=make_user("bj_officer", Role.LOCAL_OFFICER, jurisdictions=(BEIJING.province,)),
        miit=make_user("miit", Role.MIIT_REVIEWER),
        cac=make_user("cac", Role.CAC_REVIEWER),
    )


@pytest.fixture
def make_application(people) -> Callable[..., Application]:
    """An application of a Shanghai organisation in ``status``; with ``accepted_on``, received a week
    before and accepted that day, so that its review clock started."""
    organisation = make_organisation(SHANGHAI, name="上海示例网络科技有限公司")
    people.member.memberships.create(organisation=organisation)

    def make(status: str, accepted_on: date | None = None) -> Application:
        application = place_application(organisation, status)
        if accepted_on is not None:
            event(application, "submit", "draft", "submitted", accepted_on - timedelta(days=7))
            event(application, "accept", "submitted", "preliminary_assessment", accepted_on)
        return application

    return make


def event(application: Application, action: str, from_state: str, to_state: str, on: date) -> None:
    """A timeline event by the member, recorded at 10:00 local time on its day."""
    record_event(
        application,
        action,
        from_state,
        to_state,
        on,
        actor=get_user_model().objects.get(username="member"),
        at=timezone.make_aware(datetime.combine(on, time(10))),
    )


@pytest.fixture
def pinned_now(monkeypatch) -> Callable[[date], None]:
    """Pin "now" (and so every row's created_at) to 09:00 local time on the given day."""

    def pin(day: date) -> None:
        moment = timezone.make_aware(datetime.combine(day, time(9)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return pin
