"""The `world` fixture: see service_world.py."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from service_world import World

from vatspilot.domain.applications import Role
from vatspilot.store.models import Jurisdiction, Membership, Organisation, StaffRole


@pytest.fixture
def world(db: None) -> World:
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    organisation = Organisation.objects.create(
        name="Harbour Cloud (Shanghai) Co., Ltd.",
        uscc="91310115MA1FL1234M",
        division_code="310115",
        zones=[],
        registered_capital_cny=Decimal("10000000"),
    )
    other = Organisation.objects.create(
        name="Other Co.",
        uscc="91110105MA01B2C3DL",
        division_code="110105",
        zones=[],
        registered_capital_cny=Decimal("10000000"),
    )
    make = get_user_model().objects.create_user
    users: dict[Role, AbstractUser] = {}
    for role in Role:
        user = make(username=role.value, password=None, email=f"{role.value}@example.cn")
        if role is Role.APPLICANT:
            Membership.objects.create(user=user, organisation=organisation)
        else:
            staff = StaffRole.objects.create(user=user, role=role.value)
            if role is Role.LOCAL_OFFICER:
                staff.jurisdictions.set(Jurisdiction.objects.filter(code="310000"))
        users[role] = user
    outsider = make(username="beijing_officer", password=None)
    StaffRole.objects.create(user=outsider, role=Role.LOCAL_OFFICER.value).jurisdictions.set(
        Jurisdiction.objects.filter(code="110000")
    )
    other_applicant = make(username="other_applicant", password=None)
    Membership.objects.create(user=other_applicant, organisation=other)
    return World(organisation, users, outsider, other_applicant)
