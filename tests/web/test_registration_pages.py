"""The accounts pages: registering an enterprise (a bad USCC check digit named on its field, a USCC already
registered refused with nothing written), the confirmation link (it activates; expired or tampered, it is
refused), the password reset end to end through the project's e-mail path, and invitations (accepted, the
invitee is a member; refusals change nothing). Each in English, some in Chinese."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pilot_world import SHANGHAI, client_for, make_organisation, make_user

from vatspilot.services.accounts.links import verification_token
from vatspilot.store.models import AccountEmail, AuditEntry, Invitation, Membership, Organisation, Role, StaffRole
from vatspilot.web.account_throttle import counter

pytestmark = pytest.mark.django_db(transaction=True)  # the e-mails leave after real commits

User = get_user_model()
PASSWORD = "Harbour-Cloud-2026!"
USCC = "91310115MA1FL5678R"
FORM = {
    "name_zh": "上海海港云网络科技有限公司",
    "uscc": USCC,
    "name_en": "Harbour Cloud Networks (Shanghai) Co., Ltd.",
    "registered_capital_cny": "20000000",
    "zones": ["shanghai-lingang"],
    "full_name": "李明",
    "email": "li.ming@harbour.example.cn",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


@pytest.fixture(autouse=True)
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.VATSPILOT_PUBLIC_URL = "https://pilot.example.cn"
    return mail.outbox


@pytest.fixture(autouse=True)
def _fresh_throttle():
    counter().clear()


def path_in(message, prefix: str) -> str:
    return re.search(r"https://pilot\.example\.cn(" + re.escape(prefix) + r"\S+/)", message.body).group(1)


def signs_in(username: str, password: str) -> bool:
    """Through the sign-in form (django-axes wants the request)."""
    return Client().post(reverse("web:login"), {"username": username, "password": password}).status_code == 302


def written() -> tuple[int, int, int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        StaffRole.objects.count(),
        Invitation.objects.count(),
        AuditEntry.objects.count(),
    )


# --- registration ----------------------------------------------------------------------------------------


def test_the_login_page_links_to_registration_and_the_reset(client):
    page = client.get(reverse("web:login")).content.decode()

    assert 'href="/accounts/register/"' in page and 'href="/accounts/password-reset/"' in page


@pytest.mark.parametrize(("language", "heading"), [("en", "Register an enterprise"), ("zh-hans", "注册企业")])
def test_the_registration_page_in_both_languages(language, heading):
    response = client_for(None, language).get(reverse("web:account_register"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page and 'name="uscc"' in page and 'name="role"' not in page


def test_a_bad_uscc_check_digit_is_named_on_its_field_and_nothing_is_written(client, mailbox):
    response = client.post(reverse("web:account_register"), {**FORM, "uscc": "91310115MA1FL5678A"})

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<a href="#id_uscc">Unified social credit code (USCC): The USCC&#x27;s check digit is wrong: please check '
        "the code.</a>" in page
    )
    assert written() == (0, 0, 0, 0, 0, 0) and mailbox == []


def test_the_check_digit_error_in_chinese(mailbox):
    response = client_for(None, "zh-hans").post(reverse("web:account_register"), {**FORM, "uscc": "91310115MA1FL5678A"})

    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()


def test_a_uscc_already_registered_is_refused_with_nothing_written(client, mailbox):
    make_organisation(SHANGHAI, uscc=USCC)
    before = written()

    response = client.post(reverse("web:account_register"), FORM)

    assert response.status_code == 400
    assert (
        '<a href="#id_uscc">Unified social credit code (USCC): An enterprise with this USCC is already registered.</a>'
        in response.content.decode()
    )
    assert written() == before and mailbox == []


def test_two_different_passwords_are_refused_with_nothing_written(client, mailbox):
    response = client.post(reverse("web:account_register"), {**FORM, "password_again": PASSWORD + "x"})

    assert response.status_code == 400
    assert "The two passwords differ." in response.content.decode()
    assert written() == (0, 0, 0, 0, 0, 0)


def test_registering_then_confirming_lets_the_first_user_sign_in(client, mailbox):
    response = client.post(reverse("web:account_register"), {**FORM, "role": "administrator", "is_staff": "on"})

    assert response.status_code == 200
    assert "We sent a link to li.ming@harbour.example.cn." in response.content.decode()
    user = User.objects.get()
    assert list(StaffRole.objects.values_list("role", flat=True)) == ["applicant"]
    assert (user.is_active, user.is_staff, user.is_superuser) == (False, False, False)
    assert not signs_in(user.username, PASSWORD)  # not before the confirmation

    link = path_in(mailbox[0], "/accounts/verify/")
    assert client.get(link).status_code == 200  # the page with the button confirms nothing by itself
    assert not User.objects.get().is_active
    confirmed = client.post(link)

    assert confirmed.status_code == 200 and "Your account is active." in confirmed.content.decode()
    assert User.objects.get().is_active
    signed_in = Client().post(reverse("web:login"), {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("web:home")


def test_an_address_that_has_an_account_gets_the_same_page(client, mailbox):
    make_user("li", email="li.ming@harbour.example.cn")
    before = written()

    response = client.post(reverse("web:account_register"), FORM)

    assert response.status_code == 200
    assert "We sent a link to li.ming@harbour.example.cn." in response.content.decode()
    assert written() == before
    assert [m.subject for m in mailbox] == ["Registration on the VATS Opening-up Pilot platform"]


def test_someone_signed_in_is_sent_home(mailbox):
    member = make_user("member", Role.APPLICANT)

    response = client_for(member).get(reverse("web:account_register"))

    assert response.status_code == 302 and response["Location"] == reverse("web:home")


@pytest.mark.parametrize(
    ("issued_ago", "tamper", "message"),
    [
        (timedelta(days=3, minutes=1), False, "This link has expired. Ask for a new one."),
        (timedelta(0), True, "This link is not valid. Copy the whole link from the e-mail, or ask for a new one."),
    ],
)
def test_an_expired_or_tampered_confirmation_link_is_refused(client, mailbox, issued_ago, tamper, message):
    client.post(reverse("web:account_register"), FORM)
    user = User.objects.get()
    token = verification_token(user_id=user.pk, email=user.email, issued_at=timezone.now() - issued_ago)
    if tamper:
        token = token.replace(":", ":x", 1)
    before = written()

    for response in (client.get(f"/accounts/verify/{token}/"), client.post(f"/accounts/verify/{token}/")):
        assert response.status_code == 400
        assert message in response.content.decode()

    assert written() == before and not User.objects.get().is_active
    assert AccountEmail.objects.get().verified_at is None


def test_the_confirmation_link_is_sent_again(client, mailbox):
    client.post(reverse("web:account_register"), FORM)
    mailbox.clear()

    answers = [
        client.post(reverse("web:resend_verification"), {"email": address}).content.decode()
        for address in ("li.ming@harbour.example.cn", "nobody@example.cn")
    ]

    assert [m.to for m in mailbox] == [["li.ming@harbour.example.cn"]]
    assert all("a new link is on its way" in answer for answer in answers)


# --- the password reset --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "subject"), [("en", "Reset your password"), ("zh-hans", "重置密码")])
def test_a_password_reset_end_to_end(mailbox, language, subject):
    user = make_user("zhang", Role.APPLICANT, email="zhang@example.cn", password=PASSWORD)
    browser = client_for(None, language)

    asked = browser.post(reverse("web:password_reset"), {"email": "zhang@example.cn"})

    assert asked.status_code == 302 and asked["Location"] == reverse("web:password_reset_done")
    assert [(m.to, m.subject) for m in mailbox] == [(["zhang@example.cn"], subject)]
    link = path_in(mailbox[0], "/accounts/reset/")
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    done = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Another-Pass-2027", "new_password2": "Another-Pass-2027"}
    )

    assert done.status_code == 302 and done["Location"] == reverse("web:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Another-Pass-2027")
    assert AuditEntry.objects.filter(action="user.password_reset_by_email", actor=user).count() == 1
    assert browser.get(link, follow=True).context["validlink"] is False  # the link is spent


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, mailbox):
    asked = client.post(reverse("web:password_reset"), {"email": "nobody@example.cn"})

    assert asked.status_code == 302 and asked["Location"] == reverse("web:password_reset_done")
    assert mailbox == []


# --- invitations ---------------------------------------------------------------------------------------------


@pytest.fixture
def organisation():
    return make_organisation(SHANGHAI)


@pytest.fixture
def first_user(organisation):
    user = make_user("first", Role.APPLICANT, password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, is_admin=True)
    return user


def test_an_invitation_accepted_makes_the_invitee_a_member(mailbox, organisation, first_user):
    admin = client_for(first_user)

    sent = admin.post(
        reverse("web:invite", args=[organisation.pk]), {"email": "wang@example.cn", "language": "zh-hans"}
    )

    assert sent.status_code == 302 and sent["Location"] == reverse("web:members")
    assert [m.to for m in mailbox] == [["wang@example.cn"]]
    link = path_in(mailbox[0], "/accounts/invitations/")
    invitee = client_for(None, "zh-hans")
    assert "接受邀请" in invitee.get(link).content.decode()

    joined = invitee.post(link, {"full_name": "王芳", "password": PASSWORD, "password_again": PASSWORD})

    assert joined.status_code == 200 and "您现在是" in joined.content.decode()
    user = User.objects.get(username="wang@example.cn")
    assert list(Membership.objects.filter(user=user).values_list("organisation", "is_admin")) == [
        (organisation.pk, False)
    ]
    members_page = admin.get(reverse("web:members")).content.decode()
    assert "王芳" in members_page and "wang@example.cn" in members_page
    assert signs_in("wang@example.cn", PASSWORD)


def test_an_admin_member_withdraws_an_invitation_from_the_page(mailbox, organisation, first_user):
    admin = client_for(first_user)
    admin.post(reverse("web:invite", args=[organisation.pk]), {"email": "wang@example.cn", "language": "en"})
    invitation = Invitation.objects.get()

    response = admin.post(reverse("web:invitation_revoke", args=[organisation.pk, invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    refused = Client().get(path_in(mailbox[0], "/accounts/invitations/"))
    assert refused.status_code == 400
    assert "This invitation was withdrawn by the organisation." in refused.content.decode()


def test_an_ordinary_member_may_not_invite_and_nothing_is_written(mailbox, organisation, first_user):
    member = client_for(make_user("member", Role.APPLICANT, organisation=organisation))
    before = written()

    page = member.get(reverse("web:members")).content.decode()
    response = member.post(
        reverse("web:invite", args=[organisation.pk]), {"email": "wang@example.cn", "language": "en"}
    )

    assert 'name="email"' not in page  # no invitation form for an ordinary member
    assert response.status_code == 403
    assert written()[:5] == before[:5] and mailbox == []
    assert AuditEntry.objects.count() == before[5] + 1  # the refusal itself, audited (access.refused)
    assert AuditEntry.objects.order_by("seq").last().action == "access.refused"


def test_an_outsider_gets_404_for_another_organisation(mailbox, organisation, first_user):
    outsider = client_for(make_user("outsider", Role.APPLICANT))
    before = written()

    response = outsider.post(
        reverse("web:invite", args=[organisation.pk]), {"email": "wang@example.cn", "language": "en"}
    )

    assert response.status_code == 404
    assert written() == before and mailbox == []


def test_a_bad_invitation_address_is_named_on_the_page(mailbox, organisation, first_user):
    response = client_for(first_user).post(
        reverse("web:invite", args=[organisation.pk]), {"email": "first@example.cn", "language": "en"}
    )

    assert response.status_code == 400
    assert "This address is already a member&#x27;s." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_too_many_registrations_from_one_address_are_refused_with_nothing_written(client, mailbox, monkeypatch):
    monkeypatch.setattr("vatspilot.web.account_throttle.REQUESTS_PER_WINDOW", 2)
    client.post(reverse("web:account_register"), {**FORM, "uscc": "bad"})
    client.post(reverse("web:account_register"), {**FORM, "uscc": "bad"})
    before = written()

    response = client.post(reverse("web:account_register"), FORM)
    reset = client.post(reverse("web:password_reset"), {"email": "li.ming@harbour.example.cn"})

    assert response.status_code == 429
    assert "Too many requests came from your address." in response.content.decode()
    assert reset.status_code == 302  # each page counts its own requests
    assert written() == before and mailbox == []
