"""The administrator's page: every change through the audited services, the temporary password shown once,
errors at the top of the page, and everyone else refused (403, audited) with nothing changed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Role
from vatspilot.store.models import AuditEntry, StaffRole

User = get_user_model()
_PASSWORD = re.compile(rb'id="temporary-password"><strong>([^<]+)</strong>')


@pytest.fixture
def admin_client(world: World):
    return client_for(world.users[Role.ADMINISTRATOR])


def test_the_page_lists_accounts_with_roles_and_jurisdictions(world: World, admin_client):
    response = admin_client.get(reverse("web:staff"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "beijing_officer" in page and "Local communications administration officer: 110000" in page
    assert 'href="/staff/"' in page  # the navigation's link for administrators


def test_creating_an_account_shows_its_temporary_password_once(world: World, admin_client):
    response = admin_client.post(
        reverse("web:staff_create"),
        {"username": "zhao", "email": "zhao@sh.gov.cn", "role": "local_officer", "jurisdictions": ["310000", "320000"]},
    )

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = _PASSWORD.search(response.content).group(1).decode()
    user = User.objects.get(username="zhao")
    assert user.check_password(password)
    role = StaffRole.objects.get(user=user)
    assert sorted(role.jurisdictions.values_list("code", flat=True)) == ["310000", "320000"]
    entry = AuditEntry.objects.get(action="user.created", object_id=str(user.pk))
    assert entry.actor == world.users[Role.ADMINISTRATOR]
    assert password.encode() not in admin_client.get(reverse("web:staff")).content


def test_a_bad_new_account_is_explained_at_the_top_and_nothing_is_created(world: World, admin_client):
    response = admin_client.post(reverse("web:staff_create"), {"username": "zhao", "role": "local_officer"})

    assert response.status_code == 400
    assert b'role="alert">A local officer covers at least one jurisdiction.' in response.content
    assert not User.objects.filter(username="zhao").exists()


def test_granting_and_revoking_roles_deactivating_and_resetting(world: World, admin_client):
    inspector = world.users[Role.INSPECTOR]

    grant = admin_client.post(
        reverse("web:staff_account", args=[inspector.pk, "grant"]),
        {"role": "local_officer", "jurisdictions": ["460000"]},
    )
    revoke = admin_client.post(reverse("web:staff_account", args=[inspector.pk, "revoke"]), {"role": "inspector"})
    deactivate = admin_client.post(reverse("web:staff_account", args=[inspector.pk, "deactivate"]))
    reset = admin_client.post(reverse("web:staff_account", args=[inspector.pk, "reset-password"]))

    inspector.refresh_from_db()
    assert [grant.status_code, revoke.status_code, deactivate.status_code, reset.status_code] == [302, 302, 302, 200]
    assert list(StaffRole.objects.filter(user=inspector).values_list("role", flat=True)) == ["local_officer"]
    assert not inspector.is_active
    assert inspector.check_password(_PASSWORD.search(reset.content).group(1).decode())
    assert list(
        AuditEntry.objects.filter(object_id=str(inspector.pk), object_type="auth.user").values_list("action", flat=True)
    ) == ["staff_role.granted", "staff_role.revoked", "user.deactivated", "user.password_reset"]


def test_a_deactivated_official_is_signed_out_at_the_next_request(world: World, admin_client):
    miit = world.users[Role.MIIT_REVIEWER]
    miit_client = client_for(miit)

    admin_client.post(reverse("web:staff_account", args=[miit.pk, "deactivate"]))
    response = miit_client.get(reverse("web:queue"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_an_administrator_cannot_deactivate_themselves(world: World, admin_client):
    admin = world.users[Role.ADMINISTRATOR]

    response = admin_client.post(reverse("web:staff_account", args=[admin.pk, "deactivate"]))

    assert response.status_code == 400
    assert b"administrator: You cannot deactivate your own account." in response.content
    admin.refresh_from_db()
    assert admin.is_active


def test_an_unknown_action_or_account_is_a_404(world: World, admin_client):
    inspector = world.users[Role.INSPECTOR]

    assert admin_client.post(reverse("web:staff_account", args=[inspector.pk, "promote"])).status_code == 404
    assert admin_client.post(reverse("web:staff_account", args=[999_999, "deactivate"])).status_code == 404


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMINISTRATOR])
def test_everyone_else_is_refused_with_a_403_that_is_audited_and_changes_nothing(world: World, role: Role):
    client = client_for(world.users[role])
    target = world.users[Role.INSPECTOR]
    audit_before = AuditEntry.objects.count()

    statuses = [
        client.get(reverse("web:staff")).status_code,
        client.post(reverse("web:staff_create"), {"username": "x", "role": "inspector"}).status_code,
        client.post(reverse("web:staff_account", args=[target.pk, "deactivate"])).status_code,
        client.post(reverse("web:staff_account", args=[target.pk, "reset-password"])).status_code,
        client.post(reverse("web:staff_account", args=[target.pk, "grant"]), {"role": "administrator"}).status_code,
    ]

    target.refresh_from_db()
    assert statuses == [403] * 5
    assert target.is_active and not User.objects.filter(username="x").exists()
    assert list(StaffRole.objects.filter(user=target).values_list("role", flat=True)) == ["inspector"]
    refusals = AuditEntry.objects.filter(seq__gt=audit_before)
    assert list(refusals.values_list("action", flat=True)) == ["access.refused"] * 5
    assert b'href="/staff/"' not in client.get(reverse("web:inbox")).content


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(db):
    response = client_for(None).get(reverse("web:staff"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_the_page_speaks_chinese(world: World):
    response = client_for(world.users[Role.ADMINISTRATOR], language="zh-hans").get(reverse("web:staff"))

    page = response.content.decode()
    assert "<h1>工作人员账户</h1>" in page and "新建工作人员账户" in page and "重置密码" in page


def test_an_administrator_resetting_their_own_password_stays_signed_in_here(world: World, admin_client):
    admin = world.users[Role.ADMINISTRATOR]

    reset = admin_client.post(reverse("web:staff_account", args=[admin.pk, "reset-password"]))
    after = admin_client.get(reverse("web:staff"))

    admin.refresh_from_db()
    assert admin.check_password(_PASSWORD.search(reset.content).group(1).decode())
    assert after.status_code == 200
