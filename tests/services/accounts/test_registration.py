"""Self-registration of an enterprise: the fields checked (the USCC with its check digit), a USCC already
registered refused with nothing written, an address that already has an account not revealed, never an
official made; the confirmation link that activates the account, refused when tampered, expired or spent;
and the password reset audited."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pilot_world import SHANGHAI, make_organisation, make_user

from vatspilot.services.accounts.links import LinkRefused, verification_token
from vatspilot.services.accounts.registration import (
    register_enterprise,
    request_password_reset,
    resend_verification,
    set_password_by_reset_link,
    verify_email,
)
from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AccountEmail, AuditEntry, Membership, Organisation, Role, StaffRole

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
PASSWORD = "Harbour-Cloud-2026!"
USCC = "91310115MA1FL5678R"
LINK = re.compile(r"https://pilot\.example\.cn(/accounts/verify/[^/\s]+/)")


def register(**changes):
    fields = {
        "actor": AnonymousUser(),
        "name_zh": "上海海港云网络科技有限公司",
        "uscc": USCC,
        "name_en": "Harbour Cloud Networks (Shanghai) Co., Ltd.",
        "email": "Li.Ming@Harbour.example.cn",
        "full_name": "李明",
        "password": PASSWORD,
        "language": "en",
        "registered_capital_cny": Decimal("20000000"),
        "zones": ["shanghai-lingang"],
        "address": "203.0.113.7",
    }
    return register_enterprise(**{**fields, **changes})


def counts() -> tuple[int, int, int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        StaffRole.objects.count(),
        AccountEmail.objects.count(),
        AuditEntry.objects.count(),
    )


def test_registering_writes_the_organisation_an_inactive_admin_member_and_three_audit_entries(mailbox):
    done = register()

    organisation = Organisation.objects.get()
    assert (organisation.name_zh, organisation.name, organisation.uscc, organisation.division_code) == (
        "上海海港云网络科技有限公司",
        "Harbour Cloud Networks (Shanghai) Co., Ltd.",
        USCC,
        "310115",
    )
    user = User.objects.get()
    assert (done.email, done.user, done.organisation) == ("li.ming@harbour.example.cn", user, organisation)
    assert (user.username, user.email, user.first_name) == (
        "li.ming@harbour.example.cn",
        "li.ming@harbour.example.cn",
        "李明",
    )
    assert (user.is_active, user.is_staff, user.is_superuser) == (False, False, False)
    assert user.check_password(PASSWORD)
    assert list(StaffRole.objects.values_list("user__username", "role")) == [(user.username, "applicant")]
    assert list(Membership.objects.values_list("user", "organisation", "is_admin")) == [
        (user.pk, organisation.pk, True)
    ]
    assert [(e.action, e.actor_id, e.after) for e in AuditEntry.objects.order_by("seq")] == [
        (
            "organisation.registered",
            user.pk,
            {
                "uscc": USCC,
                "name_zh": "上海海港云网络科技有限公司",
                "name": "Harbour Cloud Networks (Shanghai) Co., Ltd.",
                "division_code": "310115",
                "registered_capital_cny": "20000000",
                "zones": ["shanghai-lingang"],
                "address": "203.0.113.7",
            },
        ),
        (
            "user.created",
            user.pk,
            {"username": user.username, "email": user.email, "role": "applicant", "self_registered": True},
        ),
        ("membership.created", user.pk, {"user": user.username, "organisation": USCC, "admin": True}),
    ]
    assert verify_chain().ok
    assert [(m.to, m.subject) for m in mailbox] == [(["li.ming@harbour.example.cn"], "Confirm your e-mail address")]
    assert "李明" in mailbox[0].body and LINK.search(mailbox[0].body)


def test_without_an_english_name_the_platform_shows_the_chinese_one(mailbox):
    register(name_en="  ")

    assert Organisation.objects.values_list("name", "name_zh").get() == (
        "上海海港云网络科技有限公司",
        "上海海港云网络科技有限公司",
    )


def test_the_confirmation_e_mail_is_in_the_registrants_language(mailbox):
    register(language="zh-hans")

    assert mailbox[0].subject == "确认您的电子邮件地址"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"uscc": "91310115MA1FL5678A"}, "uscc", "invalid_uscc_checksum"),
        ({"uscc": "91310115MA1FL567"}, "uscc", "invalid_uscc_length"),
        ({"uscc": ""}, "uscc", "required"),
        ({"name_zh": ""}, "name_zh", "required"),
        ({"name_zh": "Harbour Cloud"}, "name_zh", "not_chinese"),
        ({"email": "not-an-address"}, "email", "invalid"),
        ({"full_name": " "}, "full_name", "required"),
        ({"password": "short"}, "password", "password_too_short"),
        ({"password": "li.ming@harbour.example.cn"}, "password", "password_too_similar"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(mailbox, changes, field, code):
    with pytest.raises(ValidationError) as error:
        register(**changes)

    assert field in error.value.error_dict
    assert code in [e.code for e in error.value.error_dict[field]]
    assert counts() == (0, 0, 0, 0, 0, 0) and mailbox == []


def test_a_bad_check_digit_says_so_on_the_uscc(mailbox):
    with pytest.raises(ValidationError) as error:
        register(uscc="91310115MA1FL5678A")

    assert error.value.message_dict == {"uscc": ["The USCC's check digit is wrong: please check the code."]}


def test_a_uscc_already_registered_is_refused_on_its_field_with_nothing_written(mailbox):
    make_organisation(SHANGHAI, uscc=USCC)
    before = counts()

    with pytest.raises(ValidationError) as error:
        register(uscc="9131 0115 MA1F L567 8R")  # spaces, as copied from a licence: the same code

    assert error.value.message_dict == {"uscc": ["An enterprise with this USCC is already registered."]}
    assert error.value.error_dict["uscc"][0].code == "uscc_taken"
    assert counts() == before and mailbox == []


def test_an_address_with_an_account_answers_as_a_new_one_writes_nothing_and_tells_its_owner(mailbox):
    make_user("li", email="li.ming@harbour.example.cn")
    before = counts()

    done = register()

    assert (done.email, done.user, done.organisation) == ("li.ming@harbour.example.cn", None, None)
    assert counts() == before
    assert [(m.to, m.subject) for m in mailbox] == [
        (["li.ming@harbour.example.cn"], "Registration on the VATS Opening-up Pilot platform")
    ]
    assert "already has an account" in mailbox[0].body


def test_someone_signed_in_cannot_register_and_nothing_is_written(mailbox):
    member = make_user("member", Role.APPLICANT)
    before = counts()

    with pytest.raises(NotAllowed) as error:
        register(actor=member)

    assert error.value.code == "signed_in"
    assert counts() == before


def test_registration_never_makes_an_official(mailbox):
    register()

    user = User.objects.get()
    assert list(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == ["applicant"]
    assert (user.is_staff, user.is_superuser) == (False, False)


# --- the confirmation link ----------------------------------------------------------------------------


def test_the_link_activates_the_account_once_and_is_audited(mailbox):
    done = register()
    now = timezone.now()
    token = verification_token(user_id=done.user.pk, email=done.email, issued_at=now)

    user = verify_email(token=token, now=now + timedelta(days=2, hours=23))

    user.refresh_from_db()
    assert user.is_active
    assert AccountEmail.objects.get().verified_at == now + timedelta(days=2, hours=23)
    entry = AuditEntry.objects.order_by("seq").last()
    assert (entry.action, entry.actor_id, entry.before, entry.after) == (
        "user.email_verified",
        user.pk,
        {"is_active": False, "email_verified": False},
        {"is_active": True, "email_verified": True, "email": done.email},
    )
    with pytest.raises(LinkRefused) as again:
        verify_email(token=token, now=now + timedelta(days=1))
    assert again.value.code == "used"


def test_the_e_mailed_link_is_the_one_that_works(mailbox):
    done = register()
    token = LINK.search(mailbox[0].body).group(1).split("/")[3]

    verify_email(token=token, now=timezone.now())

    assert User.objects.get(pk=done.user.pk).is_active


@pytest.mark.parametrize(
    ("tamper", "later", "code"),
    [
        (lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), timedelta(0), "tampered"),
        (lambda token: token, timedelta(days=3, seconds=1), "expired"),
    ],
)
def test_a_tampered_or_expired_link_is_refused_and_changes_nothing(mailbox, tamper, later, code):
    done = register()
    now = timezone.now()
    token = tamper(verification_token(user_id=done.user.pk, email=done.email, issued_at=now))
    before = counts()

    with pytest.raises(LinkRefused) as error:
        verify_email(token=token, now=now + later)

    assert error.value.code == code
    assert counts() == before
    assert not User.objects.get(pk=done.user.pk).is_active


def test_a_link_for_another_address_of_the_same_user_is_refused(mailbox):
    done = register()
    now = timezone.now()
    token = verification_token(user_id=done.user.pk, email="other@example.cn", issued_at=now)

    with pytest.raises(LinkRefused) as error:
        verify_email(token=token, now=now)

    assert error.value.code == "tampered"


def test_a_confirmed_account_later_deactivated_is_not_reactivated_by_its_old_link(mailbox):
    done = register()
    now = timezone.now()
    token = verification_token(user_id=done.user.pk, email=done.email, issued_at=now)
    verify_email(token=token, now=now)
    User.objects.filter(pk=done.user.pk).update(is_active=False)

    with pytest.raises(LinkRefused):
        verify_email(token=token, now=now)

    assert not User.objects.get(pk=done.user.pk).is_active


def test_the_link_is_sent_again_only_to_an_unconfirmed_address(mailbox):
    register()
    mailbox.clear()

    resend_verification(email="LI.MING@harbour.example.cn")
    resend_verification(email="nobody@example.cn")

    assert [m.to for m in mailbox] == [["li.ming@harbour.example.cn"]]


# --- the password reset ----------------------------------------------------------------------------------


def test_a_reset_is_e_mailed_to_active_accounts_only(mailbox):
    make_user("active", email="one@example.cn", password=PASSWORD)
    make_user("inactive", email="two@example.cn", password=PASSWORD, active=False)

    with transaction.atomic():
        request_password_reset(email="one@example.cn", language="zh-hans")
        request_password_reset(email="two@example.cn", language="en")
        request_password_reset(email="nobody@example.cn", language="en")
        assert mailbox == []  # queued for after the commit

    assert [(m.to, m.subject) for m in mailbox] == [(["one@example.cn"], "重置密码")]
    assert "/accounts/reset/" in mailbox[0].body


def test_a_new_password_by_the_reset_link_is_set_and_audited(mailbox):
    user = make_user("zhang", email="zhang@example.cn", password=PASSWORD)

    set_password_by_reset_link(user=user, password="Another-Pass-2027")

    user.refresh_from_db()
    assert user.check_password("Another-Pass-2027")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.after) == (
        "user.password_reset_by_email",
        user.pk,
        {"lockouts_lifted": 0},
    )


@pytest.mark.parametrize(
    ("capital", "zones", "field"),
    [
        (Decimal("-1"), [], "registered_capital_cny"),
        (Decimal("0.001"), [], "registered_capital_cny"),
        (Decimal("NaN"), [], "registered_capital_cny"),
        (Decimal("20000000"), ["atlantis"], "zones"),
        (Decimal("20000000"), ["ftz", "ftz"], "zones"),
    ],
)
def test_capital_and_zones_are_checked_and_a_refusal_writes_nothing(
    db: None, capital: Decimal, zones: list[str], field: str
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as refused:
        register(registered_capital_cny=capital, zones=zones)
    assert list(refused.value.error_dict) == [field]
    assert counts() == before


def test_the_capital_and_zones_are_the_organisations(db: None) -> None:
    done = register(registered_capital_cny=Decimal("12345678.90"), zones=["ftz"])
    organisation = Organisation.objects.get(pk=done.organisation.pk)
    assert (organisation.registered_capital_cny, organisation.zones) == (Decimal("12345678.90"), ["ftz"])
