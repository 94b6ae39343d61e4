"""The Django admin is for looking only, for everyone: no add, change or delete on any model (users and
groups included), no password change, and only administrators may look at all."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Role
from vatspilot.store.models import AuditEntry, Jurisdiction, StaffRole

User = get_user_model()


@pytest.fixture
def administrator(world: World):
    user = world.users[Role.ADMINISTRATOR]
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


def test_every_registered_model_admin_is_read_only(administrator):
    request = type("Request", (), {"user": administrator})()

    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        assert model_admin.has_view_permission(request), label
        assert model_admin.get_actions(request) == {}, label
    assert {User, Group, StaffRole} <= set(admin.site._registry)


def test_the_administrator_looks_but_cannot_add_change_or_delete(administrator, world: World):
    client = client_for(administrator)
    target = world.users[Role.MIIT_REVIEWER]
    target.set_password("a long enough password 1")
    target.save()
    password_hash = target.password

    pages = {
        "user list": client.get(reverse("admin:auth_user_changelist")).status_code,
        "user": client.get(reverse("admin:auth_user_change", args=[target.pk])).status_code,
        "staff roles": client.get(reverse("admin:store_staffrole_changelist")).status_code,
        "add user": client.get(reverse("admin:auth_user_add")).status_code,
        "delete user": client.get(reverse("admin:auth_user_delete", args=[target.pk])).status_code,
        "user's password": client.get(reverse("admin:auth_user_password_change", args=[target.pk])).status_code,
        "own password": client.get(reverse("admin:password_change")).status_code,
        "add role": client.get(reverse("admin:store_staffrole_add")).status_code,
    }
    change = client.post(
        reverse("admin:auth_user_change", args=[target.pk]), {"username": "renamed", "is_superuser": "on"}
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "a new password 123", "password2": "a new password 123"},
    )

    assert pages == {
        "user list": 200,
        "user": 200,
        "staff roles": 200,
        "add user": 403,
        "delete user": 403,
        "user's password": 403,
        "own password": 403,
        "add role": 403,
    }
    assert (change.status_code, password.status_code) == (403, 403)
    target.refresh_from_db()
    assert (target.username, target.is_superuser) == ("miit_reviewer", False)
    assert target.password == password_hash
    user_page = client.get(reverse("admin:auth_user_change", args=[target.pk])).content.decode()
    assert password_hash.split("$")[-1] not in user_page and "argon2$" not in user_page
    assert AuditEntry.objects.filter(action="access.refused").count() == 7


def test_a_superuser_without_the_administrator_role_sees_nothing(world: World):
    root = User.objects.create_superuser(username="root", password=None, email="")
    client = client_for(root)

    index = client.get(reverse("admin:index"))
    users = client.get(reverse("admin:auth_user_changelist"))

    assert index.status_code == users.status_code == 302
    assert index["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMINISTRATOR])
def test_officials_and_applicants_are_turned_away(world: World, role: Role):
    user = world.users[role]
    User.objects.filter(pk=user.pk).update(is_staff=True)  # even with the flag set by hand

    response = client_for(user).get(reverse("admin:store_application_changelist"))

    assert response.status_code == 302


def test_the_admin_roles_table_cannot_be_edited_by_post(administrator, world: World):
    officer_role = StaffRole.objects.get(user=world.users[Role.LOCAL_OFFICER])

    response = client_for(administrator).post(
        reverse("admin:store_staffrole_change", args=[officer_role.pk]),
        {"user": officer_role.user_id, "role": "administrator", "jurisdictions": [Jurisdiction.objects.first().pk]},
    )

    officer_role.refresh_from_db()
    assert response.status_code == 403
    assert officer_role.role == "local_officer"


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(reverse("admin:index"))

    assert response.status_code == 302
