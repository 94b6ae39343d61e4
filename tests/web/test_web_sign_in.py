"""Signing in: throttling and lockout (django-axes), idle sessions, and the audit of sign-ins, failures,
lockouts, sign-outs and refused requests. Time is injected by ageing the stored rows, never by sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client as DjangoClient
from django.urls import reverse
from django.utils import timezone

from vatspilot.services.accounts.identity import create_staff_user
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 7"
WRONG = "Tr0ub4dor&3-wrong"
OFFICE = "10.1.2.3"


class Client(DjangoClient):
    """Every request over HTTPS, as behind the TLS proxy the deployment settings expect."""

    def generic(self, *args, **kwargs):
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


@pytest.fixture
def reviewer(db):
    return create_staff_user(username="wang", password=PASSWORD, role=Role.MIIT_REVIEWER)


def sign_in(password: str, *, address: str = OFFICE, username: str = "wang"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("web:login"), {"username": username, "password": password})
    return client, response


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def actions_since(seq: int) -> list[str]:
    return list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", flat=True))


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def age_attempts(by: timedelta) -> None:
    """As if ``by`` had passed since the failed attempts."""
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - by)


def test_the_settings_lock_after_five_failures_for_fifteen_minutes_per_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_the_right_password_signs_in_and_is_audited(reviewer):
    start = last_seq()

    client, response = sign_in(PASSWORD)

    assert response.status_code == 302 and signed_in(client)
    entry = AuditEntry.objects.get(seq=start + 1)
    assert (entry.action, entry.actor, entry.object_id, entry.after) == (
        "user.signed_in",
        reviewer,
        str(reviewer.pk),
        {"address": OFFICE},
    )


def test_five_failures_lock_the_pair_and_then_the_right_password_fails_too(reviewer):
    start = last_seq()
    for _ in range(4):
        client, response = sign_in(WRONG)
        assert response.status_code == 200 and not signed_in(client)

    client, fifth = sign_in(WRONG)
    client, right = sign_in(PASSWORD)

    assert fifth.status_code == right.status_code == 429
    assert b"Sign-in locked" in right.content
    assert not signed_in(client)
    # django-axes announces the lock before the failure that caused it is written.
    assert actions_since(start) == [
        *["user.sign_in_failed"] * 4,
        "user.locked_out",
        "user.sign_in_failed",
        "user.locked_out",  # the right password, refused during the lock
        "user.sign_in_failed",
    ]
    refused = AuditEntry.objects.filter(seq__gt=start, action="user.sign_in_failed").last()
    assert refused.after["locked_out"] is True
    locked = AuditEntry.objects.filter(seq__gt=start, action="user.locked_out").first()
    assert (locked.actor, locked.actor_label, locked.object_id) == (None, "anonymous", str(reviewer.pk))
    assert locked.after == {"username": "wang", "known": True, "address": OFFICE}


def test_the_lock_ends_with_the_cool_off_and_not_before(reviewer):
    for _ in range(5):
        sign_in(WRONG)

    age_attempts(timedelta(minutes=14))
    _client, still_locked = sign_in(PASSWORD)
    age_attempts(timedelta(minutes=2))  # 16 minutes after the failures
    client, after_cool_off = sign_in(PASSWORD)

    assert still_locked.status_code == 429
    assert after_cool_off.status_code == 302 and signed_in(client)
    assert AccessAttempt.objects.count() == 0  # a success clears the count


def test_the_lock_holds_one_username_at_one_address_only(reviewer):
    for _ in range(5):
        sign_in(WRONG)

    home_client, from_home = sign_in(PASSWORD, address="192.0.2.7")

    assert from_home.status_code == 302 and signed_in(home_client)


def test_a_success_clears_the_failures_before_it(reviewer):
    for _ in range(4):
        sign_in(WRONG)
    sign_in(PASSWORD)
    for _ in range(4):
        sign_in(WRONG)

    client, response = sign_in(PASSWORD)

    assert response.status_code == 302 and signed_in(client)


def test_a_failure_for_an_unknown_username_is_audited_without_a_password(reviewer):
    start = last_seq()

    sign_in(WRONG, username="nobody")
    sign_in(WRONG)

    entries = list(AuditEntry.objects.filter(seq__gt=start))
    facts = {"address": OFFICE, "locked_out": False}
    assert [(e.action, e.object_type, e.object_id, e.after) for e in entries] == [
        ("user.sign_in_failed", "auth.user", "unknown", {"username": "nobody", "known": False, **facts}),
        ("user.sign_in_failed", "auth.user", str(reviewer.pk), {"username": "wang", "known": True, **facts}),
    ]
    stored = str([(e.before, e.after) for e in AuditEntry.objects.all()])
    assert WRONG not in stored and PASSWORD not in stored
    assert verify_chain().ok


def test_signing_out_is_audited(reviewer):
    client, _response = sign_in(PASSWORD)
    start = last_seq()

    response = client.post(reverse("web:logout"))

    assert response.status_code == 302 and not signed_in(client)
    assert actions_since(start) == ["user.signed_out"]


def test_a_refused_request_is_audited(reviewer):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=OFFICE)
    client.force_login(reviewer)
    start = last_seq()

    response = client.post(reverse("web:notifications_read_all"))  # no CSRF token: 403

    assert response.status_code == 403
    entry = AuditEntry.objects.get(seq=start + 1)
    assert (entry.action, entry.actor, entry.object_type) == ("access.refused", reviewer, "http.path")
    assert entry.after == {"method": "POST", "path": "/inbox/read-all/", "address": OFFICE}


def test_every_request_pushes_the_idle_expiry_forward(reviewer):
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_SAVE_EVERY_REQUEST) == (30 * 60, True)
    client, _response = sign_in(PASSWORD)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))

    client.get(reverse("web:inbox"))

    expiry = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < expiry - timezone.now() <= timedelta(minutes=30)


def test_a_session_idle_past_its_age_is_signed_out(reviewer):
    client, _response = sign_in(PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("web:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_the_lockout_page_speaks_chinese(reviewer):
    client = Client(REMOTE_ADDR=OFFICE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _ in range(5):
        response = client.post(reverse("web:login"), {"username": "wang", "password": WRONG})

    assert response.status_code == 429
    assert "以该用户名从该地址登录已连续失败 5 次" in response.content.decode()
