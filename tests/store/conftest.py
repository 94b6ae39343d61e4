"""Builders for store tests: users with roles, organisations with valid codes, applications."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from vatspilot.store.models import Application, Membership, Organisation, Role, StaffRole

# A valid Unified Social Credit Code (check digit from stdnum.cn.uscc.calc_check_digit), Pudong.
USCC_SHANGHAI = "91310115MA1FL1234M"

DOSSIER: dict[str, Any] = {
    "ownership": [
        {"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": 60},
        {
            "name": "上海示例科技有限公司",
            "jurisdiction": "CN",
            "percent": 40,
            "shareholders": [{"name": "张三", "jurisdiction": "CN", "percent": 100}],
        },
    ],
    "services": [{"code": "B11"}, {"code": "B21", "scope": "e-commerce"}],
    "service_area": {"kind": "provincial"},
}


@pytest.fixture
def jurisdictions(db: None) -> None:
    """The 31 province-level jurisdictions. Migration 0002 loads them, but a transactional test's
    flush empties every table, so tests that need them ask for this fixture."""
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractUser]:
    """A user holding ``roles`` (local officers covering ``jurisdictions``), without a usable
    password: hashing with Argon2 is deliberately slow and nothing here logs in."""

    def make(username: str, *roles: str, jurisdictions: Iterable[str] = ()) -> AbstractUser:
        user: AbstractUser = get_user_model().objects.create_user(username=username, password=None)
        for role in roles:
            staff_role = StaffRole.objects.create(user=user, role=role)
            if role == Role.LOCAL_OFFICER:
                staff_role.jurisdictions.set(
                    apps.get_model("store", "Jurisdiction").objects.filter(code__in=list(jurisdictions))
                )
        return user

    return make


@pytest.fixture
def make_organisation(jurisdictions: None) -> Callable[..., Organisation]:
    def make(
        uscc: str = USCC_SHANGHAI, division_code: str = "310115", name: str = "上海示例网络科技有限公司"
    ) -> Organisation:
        return Organisation.objects.create(
            name=name,
            uscc=uscc,
            division_code=division_code,
            zones=["ftz"],
            registered_capital_cny=Decimal("10000000.00"),
        )

    return make


@pytest.fixture
def make_application() -> Callable[..., Application]:
    def make(organisation: Organisation, status: str = "draft") -> Application:
        return Application.objects.create(organisation=organisation, status=status, **DOSSIER)

    return make


@pytest.fixture
def applicant(make_user: Callable[..., AbstractUser], make_organisation: Callable[..., Organisation]) -> Any:
    """A member of a Shanghai organisation: (user, organisation)."""
    organisation = make_organisation()
    user = make_user("applicant", Role.APPLICANT)
    Membership.objects.create(user=user, organisation=organisation)
    return user, organisation
