"""The demo has no back door: no superuser, no account that may write through the Django admin, and the
demo administrator holds the administrator role (the staff page) and nothing more."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from vatspilot.demo.data import create_demo
from vatspilot.store.models import Role, StaffRole

User = get_user_model()


@pytest.fixture
def demo(db: None) -> None:
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    create_demo(date(2026, 11, 27))


def test_the_demo_has_no_superuser_and_no_staff_account_with_any_permission(demo: None) -> None:
    assert not User.objects.filter(is_superuser=True).exists()
    staff = list(User.objects.filter(is_staff=True))
    assert [user.username for user in staff] == ["admin"]
    assert all(user.get_all_permissions() == set() for user in staff)


def test_the_demo_administrator_holds_the_administrator_role_alone(demo: None) -> None:
    admin = User.objects.get(username="admin")

    assert list(StaffRole.objects.filter(user=admin).values_list("role", flat=True)) == [Role.ADMINISTRATOR]
