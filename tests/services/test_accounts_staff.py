"""Staff accounts managed by an administrator: each change audited in its own transaction, every other
actor refused with nothing changed, and no way for an administrator to lock themselves out."""

from __future__ import annotations

import importlib

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from pilot_world import make_user

from vatspilot.services.accounts.staff import (
    NotAllowed,
    create_staff_account,
    deactivate_account,
    grant_role,
    reactivate_account,
    reset_password,
    revoke_role,
)
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Role, StaffRole

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def people(db):
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    made = {}
    for role in Role:
        jurisdictions = ["310000"] if role is Role.LOCAL_OFFICER else []
        made[role.value] = make_user(role.value, role.value, jurisdictions=jurisdictions, email="")
    made["no_role"] = make_user("no_role", email="")
    made["inactive_administrator"] = make_user("retired_admin", Role.ADMINISTRATOR, active=False, email="")
    made["anonymous"] = AnonymousUser()
    return made


def entries() -> list[tuple[str, str, dict | None, dict | None]]:
    return [(e.action, e.actor_label, e.before, e.after) for e in AuditEntry.objects.order_by("seq")]


def test_an_administrator_creates_a_local_officer_with_a_temporary_password(people):
    admin = people["administrator"]

    new = create_staff_account(
        actor=admin, username="chen", role=Role.LOCAL_OFFICER, jurisdictions=["440000"], email="chen@gd.gov.cn"
    )

    assert new.user.check_password(new.password) and len(new.password) == 16
    assert (new.user.is_staff, new.user.is_superuser) == (False, False)
    role = StaffRole.objects.get(user=new.user)
    assert (role.role, list(role.jurisdictions.values_list("code", flat=True))) == ("local_officer", ["440000"])
    assert entries() == [
        (
            "user.created",
            f"administrator#{admin.pk}",
            None,
            {"username": "chen", "email": "chen@gd.gov.cn", "role": "local_officer", "jurisdictions": ["440000"]},
        )
    ]
    assert new.password not in str(entries())


def test_a_new_account_with_a_taken_username_is_refused_and_nothing_is_written(people):
    with pytest.raises(ValidationError) as error:
        create_staff_account(actor=people["administrator"], username="miit_reviewer", role=Role.CAC_REVIEWER)

    assert error.value.code == "username_taken"
    assert AuditEntry.objects.count() == 0


def test_granting_a_role_and_changing_a_local_officers_provinces_are_audited(people):
    admin, user = people["administrator"], people["no_role"]

    grant_role(actor=admin, user=user, role=Role.LOCAL_OFFICER, jurisdictions=["110000"])
    grant_role(actor=admin, user=user, role=Role.LOCAL_OFFICER, jurisdictions=["110000", "120000"])
    grant_role(actor=admin, user=user, role=Role.INSPECTOR)

    assert sorted(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == ["inspector", "local_officer"]
    label = f"administrator#{admin.pk}"
    assert entries() == [
        ("staff_role.granted", label, None, {"role": "local_officer", "jurisdictions": ["110000"]}),
        (
            "staff_role.jurisdictions_changed",
            label,
            {"role": "local_officer", "jurisdictions": ["110000"]},
            {"role": "local_officer", "jurisdictions": ["110000", "120000"]},
        ),
        ("staff_role.granted", label, None, {"role": "inspector", "jurisdictions": []}),
    ]
    assert AuditEntry.objects.filter(object_type="auth.user", object_id=str(user.pk)).count() == 3


@pytest.mark.parametrize(
    ("role", "codes", "code"),
    [
        ("local_officer", [], "no_jurisdiction"),
        ("cac_reviewer", ["310000"], "unexpected_jurisdiction"),
        ("applicant", [], "invalid_role"),
        ("emperor", [], "invalid_role"),
        ("local_officer", ["999999"], "unknown_jurisdiction"),
        ("miit_reviewer", [], "role_held"),
    ],
)
def test_a_grant_that_does_not_fit_is_refused_and_nothing_changes(people, role, codes, code):
    user = people["miit_reviewer"]

    with pytest.raises(ValidationError) as error:
        grant_role(actor=people["administrator"], user=user, role=role, jurisdictions=codes)

    assert error.value.code == code
    assert list(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == ["miit_reviewer"]
    assert AuditEntry.objects.count() == 0


def test_revoking_a_role_is_audited_and_an_administrators_django_admin_door_closes(people):
    admin = people["administrator"]
    other_admin = make_user("second_admin", Role.ADMINISTRATOR, email="")
    other_admin.is_staff = True  # the Django admin's door, which revoking the role must close
    other_admin.save(update_fields=["is_staff"])

    revoke_role(actor=admin, user=people["local_officer"], role=Role.LOCAL_OFFICER)
    revoke_role(actor=admin, user=other_admin, role=Role.ADMINISTRATOR)

    other_admin.refresh_from_db()
    assert not StaffRole.objects.filter(user__in=[people["local_officer"], other_admin]).exists()
    assert other_admin.is_staff is False
    assert [(action, before) for action, _label, before, _after in entries()] == [
        ("staff_role.revoked", {"role": "local_officer", "jurisdictions": ["310000"]}),
        ("staff_role.revoked", {"role": "administrator", "jurisdictions": []}),
    ]


def test_revoking_a_role_not_held_is_refused(people):
    with pytest.raises(ValidationError) as error:
        revoke_role(actor=people["administrator"], user=people["no_role"], role=Role.INSPECTOR)

    assert error.value.code == "role_not_held"
    assert AuditEntry.objects.count() == 0


def test_an_administrator_cannot_lock_themselves_out(people):
    admin = people["administrator"]

    with pytest.raises(NotAllowed) as own_role:
        revoke_role(actor=admin, user=admin, role=Role.ADMINISTRATOR)
    with pytest.raises(NotAllowed) as own_account:
        deactivate_account(actor=admin, user=admin)

    admin.refresh_from_db()
    assert (own_role.value.code, own_account.value.code) == ("own_administrator_role", "own_account")
    assert admin.is_active and StaffRole.objects.filter(user=admin, role=Role.ADMINISTRATOR).exists()
    assert AuditEntry.objects.count() == 0


def test_deactivating_and_reactivating_an_account_are_audited(people):
    admin, expert = people["administrator"], people["security_expert"]

    deactivate_account(actor=admin, user=expert)
    expert.refresh_from_db()
    was_active = expert.is_active
    with pytest.raises(ValidationError) as twice:
        deactivate_account(actor=admin, user=expert)
    reactivate_account(actor=admin, user=expert)

    expert.refresh_from_db()
    assert (was_active, expert.is_active, twice.value.code) == (False, True, "already_inactive")
    assert [(a, b, c) for a, _label, b, c in entries()] == [
        ("user.deactivated", {"is_active": True}, {"is_active": False}),
        ("user.reactivated", {"is_active": False}, {"is_active": True}),
    ]


def test_a_password_reset_sets_a_temporary_password_and_lifts_the_sign_in_lock(people):
    admin, reviewer = people["administrator"], people["cac_reviewer"]
    AccessAttempt.objects.create(
        username="cac_reviewer",
        ip_address="10.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )

    new = reset_password(actor=admin, user=reviewer)

    reviewer.refresh_from_db()
    assert reviewer.check_password(new.password)
    assert AccessAttempt.objects.count() == 0
    assert entries() == [
        ("user.password_reset", f"administrator#{admin.pk}", None, {"temporary": True, "lockouts_lifted": 1})
    ]
    assert new.password not in str(entries())
    assert verify_chain().ok


NOT_ADMINISTRATORS = [
    *(role.value for role in Role if role is not Role.ADMINISTRATOR),
    "no_role",
    "inactive_administrator",
    "anonymous",
]

CALLS = {
    "create": lambda actor, p: create_staff_account(actor=actor, username="new", role=Role.INSPECTOR),
    "grant": lambda actor, p: grant_role(actor=actor, user=p["no_role"], role=Role.ADMINISTRATOR),
    "revoke": lambda actor, p: revoke_role(actor=actor, user=p["administrator"], role=Role.ADMINISTRATOR),
    "deactivate": lambda actor, p: deactivate_account(actor=actor, user=p["administrator"]),
    "reactivate": lambda actor, p: reactivate_account(actor=actor, user=p["inactive_administrator"]),
    "reset": lambda actor, p: reset_password(actor=actor, user=p["administrator"]),
}


def snapshot() -> tuple:
    users = tuple(User.objects.order_by("pk").values_list("username", "password", "is_active", "is_staff"))
    roles = tuple(StaffRole.objects.order_by("pk").values_list("user_id", "role"))
    return users, roles, AuditEntry.objects.count()


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("who", NOT_ADMINISTRATORS)
def test_nobody_but_an_active_administrator_manages_accounts_and_a_refusal_changes_nothing(people, who, call):
    before = snapshot()

    with pytest.raises(NotAllowed) as refused:
        CALLS[call](people[who], people)

    assert refused.value.code == "not_administrator"
    assert snapshot() == before
