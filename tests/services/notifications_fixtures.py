"""Builders for the notification tests: users in every role (local officers in two provinces), one
Shanghai applicant organisation with two members, and its application."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Jurisdiction,
    Membership,
    Organisation,
    Role,
    StaffRole,
)

# A valid Unified Social Credit Code, registered in Pudong (Shanghai).
USCC_SHANGHAI = "91310115MA1FL1234M"


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractUser]:
    """A user holding ``roles`` (a local officer covers ``jurisdictions``), with an e-mail address
    unless ``email=""``, and without a usable password (nothing here logs in)."""

    def make(
        username: str, *roles: str, jurisdictions: Iterable[str] = (), email: str | None = None, active: bool = True
    ) -> AbstractUser:
        user: AbstractUser = get_user_model().objects.create_user(
            username=username,
            password=None,
            email=f"{username}@example.cn" if email is None else email,
            is_active=active,
        )
        for role in roles:
            staff_role = StaffRole.objects.create(user=user, role=role)
            if role == Role.LOCAL_OFFICER:
                staff_role.jurisdictions.set(Jurisdiction.objects.filter(code__in=list(jurisdictions)))
        return user

    return make


@pytest.fixture
def parties(make_user: Callable[..., AbstractUser]) -> SimpleNamespace:
    """A Shanghai organisation with two members and one application (status set by each test), and
    one user per official role; local officers in Shanghai, in Beijing, and in both."""
    organisation = Organisation.objects.create(
        name="上海示例网络科技有限公司",
        uscc=USCC_SHANGHAI,
        division_code="310115",
        registered_capital_cny=Decimal("10000000.00"),
    )
    application = Application.objects.create(organisation=organisation, status="submitted")
    p = SimpleNamespace(
        organisation=organisation,
        application=application,
        member=make_user("member", Role.APPLICANT),
        second_member=make_user("second_member", Role.APPLICANT),
        other_applicant=make_user("other_applicant", Role.APPLICANT),
        sh_officer=make_user("sh_officer", Role.LOCAL_OFFICER, jurisdictions=["310000"]),
        bj_officer=make_user("bj_officer", Role.LOCAL_OFFICER, jurisdictions=["110000"]),
        sh_bj_officer=make_user("sh_bj_officer", Role.LOCAL_OFFICER, jurisdictions=["110000", "310000"]),
        inactive_sh_officer=make_user(
            "inactive_sh_officer", Role.LOCAL_OFFICER, jurisdictions=["310000"], active=False
        ),
        miit=make_user("miit", Role.MIIT_REVIEWER),
        cac=make_user("cac", Role.CAC_REVIEWER),
        mps=make_user("mps", Role.MPS_REVIEWER),
        expert=make_user("expert", Role.SECURITY_EXPERT),
        inspector=make_user("inspector", Role.INSPECTOR),
        admin=make_user("admin", Role.ADMINISTRATOR),
        nobody=make_user("nobody"),
    )
    Membership.objects.create(user=p.member, organisation=organisation)
    Membership.objects.create(user=p.second_member, organisation=organisation)
    return p


def set_status(application: Application, status: str) -> Application:
    """Put the application in ``status`` directly: these tests are about who hears of it, not how it
    got there."""
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def record_event(application: Application, action: str, from_state: str, to_state: str, on: date, actor: Any) -> None:
    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=from_state,
        to_state=to_state,
        on=on,
        at=timezone.now(),
        actor=actor,
        role="applicant",
    )


def usernames(users: Iterable[Any]) -> list[str]:
    return sorted(user.username for user in users)
