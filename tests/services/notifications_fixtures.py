"""Fixtures for the notification tests, over the builders of tests/support/pilot_world.py: users in every
role (local officers in two provinces), one Shanghai applicant organisation with two members, and its
application."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from pilot_world import BEIJING, SHANGHAI, make_organisation, place_application
from pilot_world import make_user as build_user
from pilot_world import record_event as build_event

from vatspilot.store.models import Application, Role

SH, BJ = SHANGHAI.province, BEIJING.province


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractUser]:
    """A user holding ``roles`` (a local officer covers ``jurisdictions``), with an e-mail address
    unless ``email=""``, and without a usable password (nothing here logs in)."""

    def make(
        username: str, *roles: str, jurisdictions: Iterable[str] = (), email: str | None = None, active: bool = True
    ) -> AbstractUser:
        return build_user(username, *roles, jurisdictions=jurisdictions, email=email, active=active)

    return make


@pytest.fixture
def parties(make_user: Callable[..., AbstractUser]) -> SimpleNamespace:
    """A Shanghai organisation with two members and one application (status set by each test), and
    one user per official role; local officers in Shanghai, in Beijing, and in both."""
    organisation = make_organisation(SHANGHAI, name="上海示例网络科技有限公司")
    p = SimpleNamespace(
        organisation=organisation,
        application=place_application(organisation, "submitted"),
        member=make_user("member", Role.APPLICANT),
        second_member=make_user("second_member", Role.APPLICANT),
        other_applicant=make_user("other_applicant", Role.APPLICANT),
        sh_officer=make_user("sh_officer", Role.LOCAL_OFFICER, jurisdictions=[SH]),
        bj_officer=make_user("bj_officer", Role.LOCAL_OFFICER, jurisdictions=[BJ]),
        sh_bj_officer=make_user("sh_bj_officer", Role.LOCAL_OFFICER, jurisdictions=[BJ, SH]),
        inactive_sh_officer=make_user("inactive_sh_officer", Role.LOCAL_OFFICER, jurisdictions=[SH], active=False),
        miit=make_user("miit", Role.MIIT_REVIEWER),
        cac=make_user("cac", Role.CAC_REVIEWER),
        mps=make_user("mps", Role.MPS_REVIEWER),
        expert=make_user("expert", Role.SECURITY_EXPERT),
        inspector=make_user("inspector", Role.INSPECTOR),
        admin=make_user("admin", Role.ADMINISTRATOR),
        nobody=make_user("nobody"),
    )
    for member in (p.member, p.second_member):
        member.memberships.create(organisation=organisation)
    return p


def set_status(application: Application, status: str) -> Application:
    """Put the application in ``status`` directly: these tests are about who hears of it, not how it
    got there."""
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def record_event(application: Application, action: str, from_state: str, to_state: str, on: date, actor: Any) -> None:
    build_event(application, action, from_state, to_state, on, actor=actor)


def usernames(users: Iterable[Any]) -> list[str]:
    return sorted(user.username for user in users)
