"""Membership invitations: an admin member invites by e-mail (audited, the e-mail in the chosen language
after the commit), the invitee accepts by the signed link and joins as an ordinary applicant member, an
admin member withdraws a pending invitation; everyone else is refused and every refusal changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from pilot_world import BEIJING, SHANGHAI, make_organisation, make_user

from vatspilot.services.accounts.invitations import (
    accept_invitation,
    invitation_from_link,
    invite_member,
    revoke_invitation,
)
from vatspilot.services.accounts.links import LinkRefused, invitation_token
from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import (
    AccountEmail,
    AuditEntry,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    StaffRole,
)

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
PASSWORD = "Harbour-Cloud-2026!"
LINK = re.compile(r"https://pilot\.example\.cn/accounts/invitations/([^/\s]+)/")


@pytest.fixture
def org():
    organisation = make_organisation(SHANGHAI, name="Harbour Cloud (Shanghai) Co., Ltd.")
    organisation.name_zh = "上海海港云网络科技有限公司"
    organisation.save()
    return organisation


@pytest.fixture
def admin(org):
    user = make_user("first", Role.APPLICANT)
    user.first_name = "李明"
    user.save()
    Membership.objects.create(user=user, organisation=org, is_admin=True)
    return user


def state() -> tuple[int, int, int, list[tuple[str, str]], int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        AccountEmail.objects.count(),
        list(Invitation.objects.order_by("pk").values_list("email", "status")),
        AuditEntry.objects.count(),
    )


def test_an_admin_member_invites_and_the_invitee_is_e_mailed_in_the_chosen_language(mailbox, org, admin):
    invitation = invite_member(actor=admin, organisation=org, email=" Wang.Fang@Example.CN ", language="zh-hans")

    assert (invitation.email, invitation.language, invitation.status, invitation.invited_by) == (
        "wang.fang@example.cn",
        "zh-hans",
        "pending",
        admin,
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.object_type, entry.after) == (
        "invitation.created",
        admin.pk,
        "store.invitation",
        {"organisation": SHANGHAI.uscc, "email": "wang.fang@example.cn", "language": "zh-hans"},
    )
    assert [(m.to, m.subject) for m in mailbox] == [(["wang.fang@example.cn"], "邀请您代表上海海港云网络科技有限公司")]
    assert "李明" in mailbox[0].body and LINK.search(mailbox[0].body)


@pytest.mark.parametrize("who", ["ordinary_member", "other_org_admin", "outsider", "administrator", "inactive_admin"])
def test_only_an_active_admin_member_of_the_organisation_invites(mailbox, org, admin, who):
    actor = {
        "ordinary_member": lambda: make_user("member", Role.APPLICANT, organisation=org),
        "other_org_admin": lambda: _admin_of(make_organisation(BEIJING)),
        "outsider": lambda: make_user("outsider", Role.APPLICANT),
        "administrator": lambda: make_user("root", Role.ADMINISTRATOR),
        "inactive_admin": lambda: _deactivated(admin),
    }[who]()
    before = state()

    with pytest.raises(NotAllowed) as error:
        invite_member(actor=actor, organisation=org, email="wang@example.cn", language="en")

    assert error.value.code == "not_admin_member"
    assert state() == before and mailbox == []


def _admin_of(organisation):
    user = make_user("beijing_first", Role.APPLICANT)
    Membership.objects.create(user=user, organisation=organisation, is_admin=True)
    return user


def _deactivated(user):
    user.is_active = False
    user.save()
    return user


@pytest.mark.parametrize(
    ("email", "code"),
    [("not an address", "invalid"), ("first@example.cn", "already_member"), ("pending@example.cn", "already_invited")],
)
def test_a_bad_address_is_refused_on_its_field_with_nothing_written(mailbox, org, admin, email, code):
    invite_member(actor=admin, organisation=org, email="pending@example.cn", language="en")
    mailbox.clear()
    before = state()

    with pytest.raises(ValidationError) as error:
        invite_member(actor=admin, organisation=org, email=email, language="en")

    assert [e.code for e in error.value.error_dict["email"]] == [code]
    assert state() == before and mailbox == []


def test_the_invitee_accepts_by_the_e_mailed_link_and_joins_as_an_ordinary_member(mailbox, org, admin):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    token = LINK.search(mailbox[0].body).group(1)
    now = timezone.now() + timedelta(days=6)

    user = accept_invitation(token=token, full_name="王芳", password=PASSWORD, now=now)

    assert (user.username, user.email, user.first_name, user.is_active, user.is_staff) == (
        "wang@example.cn",
        "wang@example.cn",
        "王芳",
        True,
        False,
    )
    assert user.check_password(PASSWORD)
    assert list(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == ["applicant"]
    assert list(Membership.objects.filter(user=user).values_list("organisation", "is_admin")) == [(org.pk, False)]
    assert AccountEmail.objects.filter(user=user).values_list("verified_at", "language").get() == (now, "en")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decided_at, invitation.decided_by) == ("accepted", now, user)
    assert [(e.action, e.actor_id, e.after) for e in AuditEntry.objects.order_by("seq")][1:] == [
        (
            "user.created",
            user.pk,
            {
                "username": "wang@example.cn",
                "email": "wang@example.cn",
                "role": "applicant",
                "invitation": invitation.pk,
            },
        ),
        ("membership.created", user.pk, {"user": "wang@example.cn", "organisation": SHANGHAI.uscc, "admin": False}),
        ("invitation.accepted", user.pk, {"status": "accepted", "email": "wang@example.cn"}),
    ]
    assert verify_chain().ok


def test_an_admin_member_withdraws_a_pending_invitation_and_its_link_stops_working(mailbox, org, admin):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    token = invitation_token(invitation_id=invitation.pk, email=invitation.email)
    now = timezone.now()

    revoke_invitation(actor=admin, invitation=invitation, now=now)

    invitation.refresh_from_db()
    assert (invitation.status, invitation.decided_at, invitation.decided_by) == ("revoked", now, admin)
    entry = AuditEntry.objects.order_by("seq").last()
    assert (entry.action, entry.before, entry.after) == (
        "invitation.revoked",
        {"status": "pending"},
        {"status": "revoked", "email": "wang@example.cn"},
    )
    before = state()
    with pytest.raises(LinkRefused) as error:
        accept_invitation(token=token, full_name="王芳", password=PASSWORD, now=now)
    assert error.value.code == "revoked"
    assert state() == before
    with pytest.raises(ValidationError) as again:
        revoke_invitation(actor=admin, invitation=invitation, now=now)
    assert again.value.code == "not_pending"
    # Withdrawn, the address may be invited again.
    assert invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en").status == "pending"


def test_an_ordinary_member_cannot_withdraw(mailbox, org, admin):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    member = make_user("member", Role.APPLICANT, organisation=org)
    before = state()

    with pytest.raises(NotAllowed):
        revoke_invitation(actor=member, invitation=invitation, now=timezone.now())

    assert state() == before


@pytest.mark.parametrize(
    ("make_token", "later", "code"),
    [
        (lambda inv: invitation_token(invitation_id=inv.pk, email=inv.email)[:-2] + "xx", timedelta(0), "tampered"),
        (lambda inv: invitation_token(invitation_id=inv.pk, email="other@example.cn"), timedelta(0), "tampered"),
        (lambda inv: invitation_token(invitation_id=inv.pk, email=inv.email), timedelta(days=7, seconds=1), "expired"),
    ],
)
def test_a_tampered_or_expired_invitation_link_is_refused_and_changes_nothing(
    mailbox, org, admin, make_token, later, code
):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    token = make_token(invitation)
    now = invitation.created_at + later
    before = state()

    with pytest.raises(LinkRefused) as error:
        accept_invitation(token=token, full_name="王芳", password=PASSWORD, now=now)
    with pytest.raises(LinkRefused):
        invitation_from_link(token=token, now=now)

    assert error.value.code == code
    assert state() == before


def test_a_link_accepted_once_is_spent(mailbox, org, admin):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    token = invitation_token(invitation_id=invitation.pk, email=invitation.email)
    accept_invitation(token=token, full_name="王芳", password=PASSWORD, now=timezone.now())
    before = state()

    with pytest.raises(LinkRefused) as error:
        accept_invitation(token=token, full_name="王芳", password=PASSWORD, now=timezone.now())

    assert error.value.code == "used"
    assert state() == before


@pytest.mark.parametrize(
    ("full_name", "password", "field", "code"),
    [("", PASSWORD, "full_name", "required"), ("王芳", "12345678901", "password", "password_entirely_numeric")],
)
def test_a_bad_name_or_password_is_named_and_nothing_is_written(mailbox, org, admin, full_name, password, field, code):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    token = invitation_token(invitation_id=invitation.pk, email=invitation.email)
    before = state()

    with pytest.raises(ValidationError) as error:
        accept_invitation(token=token, full_name=full_name, password=password, now=timezone.now())

    assert code in [e.code for e in error.value.error_dict[field]]
    assert state() == before


def test_an_address_that_already_has_an_account_cannot_accept(mailbox, org, admin):
    invitation = invite_member(actor=admin, organisation=org, email="wang@example.cn", language="en")
    make_user("wang", email="wang@example.cn")
    token = invitation_token(invitation_id=invitation.pk, email=invitation.email)
    before = state()

    with pytest.raises(ValidationError) as error:
        accept_invitation(token=token, full_name="王芳", password=PASSWORD, now=timezone.now())

    assert [e.code for e in error.value.error_dict["email"]] == ["account_exists"]
    assert state() == before
    assert Invitation.objects.get().status == InvitationStatus.PENDING
