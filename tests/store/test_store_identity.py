"""Creating accounts: roles, jurisdictions, memberships, Argon2 hashes and audit entries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vatspilot.services.accounts.identity import create_applicant, create_staff_user
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Membership, Role, StaffRole

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 7"


def test_a_local_officer_is_created_with_jurisdictions_an_argon2_hash_and_an_audit_entry(jurisdictions):
    user = create_staff_user(
        username="wang", password=PASSWORD, role=Role.LOCAL_OFFICER, jurisdictions=["310000", "110000"]
    )

    staff_role = StaffRole.objects.get(user=user)
    assert staff_role.role == "local_officer"
    assert sorted(staff_role.jurisdictions.values_list("code", flat=True)) == ["110000", "310000"]
    assert user.password.startswith("argon2$") and user.check_password(PASSWORD)
    assert (user.is_staff, user.is_superuser) == (False, False)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_label, entry.object_type, entry.object_id) == (
        "user.created",
        "system",
        "auth.user",
        str(user.pk),
    )
    assert entry.after == {
        "username": "wang",
        "email": "",
        "role": "local_officer",
        "jurisdictions": ["110000", "310000"],
    }
    assert PASSWORD not in str(entry.after)
    assert verify_chain().ok


def test_an_administrator_may_look_in_the_django_admin_but_is_no_superuser(jurisdictions, make_user):
    creator = make_user("root", Role.ADMINISTRATOR)

    user = create_staff_user(username="admin2", password=PASSWORD, role=Role.ADMINISTRATOR, actor=creator)

    assert (user.is_staff, user.is_superuser) == (True, False)
    assert user.get_all_permissions() == set()
    assert AuditEntry.objects.get().actor == creator


@pytest.mark.parametrize(
    ("role", "codes", "code"),
    [
        ("local_officer", [], "no_jurisdiction"),
        ("miit_reviewer", ["310000"], "unexpected_jurisdiction"),
        ("applicant", [], "invalid_role"),
        ("emperor", [], "invalid_role"),
        ("local_officer", ["999999"], "unknown_jurisdiction"),
    ],
)
def test_a_role_that_does_not_fit_is_refused_and_nothing_is_created(
    jurisdictions, django_user_model, role, codes, code
):
    with pytest.raises(ValidationError) as error:
        create_staff_user(username="x", password=PASSWORD, role=role, jurisdictions=codes)

    assert error.value.code == code
    assert django_user_model.objects.count() == AuditEntry.objects.count() == 0


def test_a_weak_password_is_refused_and_nothing_is_created(jurisdictions, django_user_model):
    with pytest.raises(ValidationError) as error:
        create_staff_user(username="li", password="12345678", role=Role.INSPECTOR)

    assert {e.code for e in error.value.error_list} >= {"password_too_short", "password_entirely_numeric"}
    assert django_user_model.objects.count() == AuditEntry.objects.count() == 0


def test_a_taken_username_is_refused(jurisdictions, make_user, django_user_model):
    make_user("li")

    with pytest.raises(ValidationError) as error:
        create_staff_user(username="li", password=PASSWORD, role=Role.INSPECTOR)

    assert error.value.code == "username_taken"
    assert django_user_model.objects.count() == 1


def test_an_applicant_gets_the_role_a_membership_and_two_audit_entries(make_organisation):
    organisation = make_organisation()

    user = create_applicant(username="zhang", password=PASSWORD, organisation=organisation)

    assert list(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == ["applicant"]
    membership = Membership.objects.get(user=user)
    assert membership.organisation == organisation
    assert [(e.action, e.object_type, e.after) for e in AuditEntry.objects.all()] == [
        ("user.created", "auth.user", {"username": "zhang", "email": "", "role": "applicant"}),
        (
            "membership.created",
            "store.membership",
            {"user": "zhang", "organisation": organisation.uscc, "admin": True},
        ),
    ]
    assert verify_chain().ok
