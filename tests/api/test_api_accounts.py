"""The accounts operations of the API (api/routers/accounts.py): who the caller is, an organisation's
members and invitations, inviting and withdrawing, each through the same service and read model as the
Members page; every refusal changes nothing. Registering, confirming an address, resetting a password and
accepting an invitation are the site's public forms only: nothing of them is reachable over the API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pilot_world import SHANGHAI, World, client_for, make_user

from vatspilot.domain.applications import Role, State
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.accounts.invitations import invite_member, revoke_invitation
from vatspilot.store.models import AuditEntry, Invitation, Membership

PROBLEM = "application/problem+json"
User = get_user_model()
NOT_CHANGES = ("access.refused", "api_token.used")


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.VATSPILOT_PUBLIC_URL = "https://pilot.example.cn"


def bearer(user: Any, scope: str = "write") -> Client:
    secret = create_api_token(actor=user, name=f"{user.username} {scope}", scope=scope).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(path, json.dumps({} if body is None else body), content_type="application/json")


def state() -> Any:
    """What a refusal must not change."""
    return (
        User.objects.count(),
        list(Membership.objects.order_by("pk").values_list("user_id", "organisation_id", "is_admin")),
        list(Invitation.objects.order_by("pk").values_list("email", "status")),
        AuditEntry.objects.exclude(action__in=NOT_CHANGES).count(),
        len(mail.outbox),
    )


def make_admin(world: World) -> Any:
    Membership.objects.filter(user=world.applicant, organisation=world.organisation).update(is_admin=True)
    return world.applicant


def members_path(world: World, organisation: Any = None) -> str:
    return f"/api/v1/organisations/{(organisation or world.organisation).pk}/members"


def invitations_path(world: World, organisation: Any = None) -> str:
    return f"/api/v1/organisations/{(organisation or world.organisation).pk}/invitations"


def iso(moment: Any) -> str:
    """A datetime as the API writes it (DjangoJSONEncoder: milliseconds, Z for UTC)."""
    return DjangoJSONEncoder().default(moment)


# --- GET /me --------------------------------------------------------------------------------------------


def test_me_names_the_account_its_organisations_and_the_token(world: World) -> None:
    applicant = make_admin(world)
    applicant.first_name = "李明"
    applicant.save()

    response = bearer(applicant, "read").get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": applicant.pk,
        "username": "applicant",
        "name": "李明",
        "email": "applicant@example.cn",
        "roles": [{"role": "applicant", "jurisdictions": []}],
        "organisations": [
            {
                "id": world.organisation.pk,
                "name": SHANGHAI.name,
                "name_zh": "",
                "uscc": SHANGHAI.uscc,
                "membership": "admin",
            }
        ],
        "token": {"name": "applicant read", "prefix": response.json()["token"]["prefix"], "scope": "read"},
    }
    assert response.json()["token"]["prefix"].startswith("vp_")


def test_me_for_an_official_in_a_session_names_the_jurisdictions_and_no_token(world: World) -> None:
    officer = world.users[Role.LOCAL_OFFICER]

    response = client_for(officer).get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert (body["roles"], body["organisations"], body["token"]) == (
        [
            {
                "role": "local_officer",
                "jurisdictions": [{"code": "310000", "name_en": "Shanghai", "name_zh": "上海市"}],
            }
        ],
        [],
        None,
    )


def test_me_without_a_caller_is_401(db: None) -> None:
    response = Client().get("/api/v1/me")

    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


# --- GET /organisations/{id}/members --------------------------------------------------------------------


def test_a_member_lists_the_organisations_members_admin_members_first(world: World) -> None:
    admin = make_admin(world)
    colleague = make_user("colleague", Role.APPLICANT.value, organisation=world.organisation)
    colleague.first_name = "王芳"
    colleague.save()
    joined = dict(Membership.objects.values_list("user__username", "created_at"))

    response = bearer(colleague, "read").get(members_path(world))

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "username": "applicant",
                "name": "applicant",
                "email": "applicant@example.cn",
                "membership": "admin",
                "joined_at": iso(joined["applicant"]),
            },
            {
                "username": "colleague",
                "name": "王芳",
                "email": "colleague@example.cn",
                "membership": "member",
                "joined_at": iso(joined["colleague"]),
            },
        ],
        "next_cursor": None,
        "next": None,
    }
    assert admin.pk != colleague.pk


def test_the_members_list_walks_page_by_page(world: World) -> None:
    for n in range(4):
        make_user(f"member{n}", Role.APPLICANT.value, organisation=world.organisation)
    client = bearer(world.applicant, "read")

    seen: list[str] = []
    path: str | None = members_path(world) + "?limit=2"
    pages = 0
    while path:
        body = client.get(path).json()
        seen += [item["username"] for item in body["items"]]
        path = body["next"]
        pages += 1

    assert (pages, seen) == (3, ["applicant", "member0", "member1", "member2", "member3"])
    bad = client.get(members_path(world) + "?cursor=not-a-cursor")
    assert (bad.status_code, bad.json()["field"], bad.json()["code"]) == (422, "/cursor", "invalid-cursor")


def test_only_the_organisations_members_list_its_members(world: World) -> None:
    world.drive_to(State.SUBMITTED)  # the Shanghai officer, MIIT and the administrator now see the organisation
    answers = {
        name: bearer(user, "read").get(members_path(world)).status_code
        for name, user in {
            "member": world.applicant,
            "officer": world.users[Role.LOCAL_OFFICER],
            "miit": world.users[Role.MIIT_REVIEWER],
            "administrator": world.users[Role.ADMINISTRATOR],
            "other_officer": world.outsider,
            "other_member": world.other_applicant,
        }.items()
    }
    missing = bearer(world.applicant, "read").get("/api/v1/organisations/999999/members")

    assert answers == {
        "member": 200,
        "officer": 403,
        "miit": 403,
        "administrator": 403,
        "other_officer": 404,
        "other_member": 404,
    }
    assert missing.status_code == 404
    assert Client().get(members_path(world)).status_code == 401


def test_a_list_of_members_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    client = bearer(world.applicant, "read")

    def counted() -> tuple[int, int]:
        assert client.get(members_path(world)).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get(members_path(world))
        return len(response.json()["items"]), len(queries.captured_queries)

    one, queries_for_one = counted()
    for n in range(9):
        make_user(f"member{n}", Role.APPLICANT.value, organisation=world.organisation)
    ten, queries_for_ten = counted()

    assert (one, ten) == (1, 10)
    assert queries_for_ten == queries_for_one


# --- POST /organisations/{id}/invitations ---------------------------------------------------------------


def test_an_admin_member_invites_and_the_e_mail_goes_after_the_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_admin(world)
    client = bearer(admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, invitations_path(world), {"email": " Wang.Fang@Example.CN ", "language": "zh-hans"})

    assert response.status_code == 201
    invitation = Invitation.objects.get()
    assert response.json() == {
        "id": invitation.pk,
        "email": "wang.fang@example.cn",
        "status": "pending",
        "sent_at": iso(invitation.created_at),
        "expires_at": iso(invitation.created_at + timedelta(days=7)),
        "expired": False,
        "can_revoke": True,
    }
    assert (invitation.organisation, invitation.invited_by, invitation.language) == (
        world.organisation,
        admin,
        "zh-hans",
    )
    entry = AuditEntry.objects.filter(action="invitation.created").get()
    assert (entry.actor_id, entry.after) == (
        admin.pk,
        {"organisation": SHANGHAI.uscc, "email": "wang.fang@example.cn", "language": "zh-hans"},
    )
    assert len(callbacks) == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [(["wang.fang@example.cn"], f"邀请您代表{SHANGHAI.name}")]


@pytest.mark.parametrize(
    ("who", "status"),
    [("ordinary_member", 403), ("officer", 403), ("administrator", 403), ("other_officer", 404), ("other_member", 404)],
)
def test_only_an_admin_member_invites_and_a_refusal_changes_nothing(world: World, who: str, status: int) -> None:
    make_admin(world)
    world.drive_to(State.SUBMITTED)
    asker = {
        "ordinary_member": lambda: make_user("colleague", Role.APPLICANT.value, organisation=world.organisation),
        "officer": lambda: world.users[Role.LOCAL_OFFICER],
        "administrator": lambda: world.users[Role.ADMINISTRATOR],
        "other_officer": lambda: world.outsider,
        "other_member": lambda: world.other_applicant,
    }[who]()
    client = bearer(asker)
    before = state()

    response = post(client, invitations_path(world), {"email": "wang@example.cn", "language": "en"})

    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert state() == before


def test_a_read_token_may_not_invite(world: World) -> None:
    client = bearer(make_admin(world), "read")
    before = state()

    response = post(client, invitations_path(world), {"email": "wang@example.cn", "language": "en"})

    assert (response.status_code, response.json()["type"]) == (403, "urn:vatspilot:problem:token-scope")
    assert state() == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"email": "not an address", "language": "en"}, "/email", "invalid"),
        ({"email": "applicant@example.cn", "language": "en"}, "/email", "already_member"),
        ({"email": "pending@example.cn", "language": "en"}, "/email", "already_invited"),
        ({"email": "x" * 151 + "@example.cn", "language": "en"}, "/email", None),
        ({"email": "wang@example.cn", "language": "fr"}, "/language", None),
        ({"email": "wang@example.cn"}, "/language", None),
        ({"email": 3, "language": "en"}, "/email", None),
        ({"email": "wang@example.cn", "language": "en", "admin": True}, "/admin", None),
    ],
)
def test_a_bad_invitation_names_its_field_and_changes_nothing(
    world: World, body: dict[str, Any], field: str, code: str | None
) -> None:
    admin = make_admin(world)
    invite_member(actor=admin, organisation=world.organisation, email="pending@example.cn", language="en")
    client = bearer(admin)
    before = state()

    response = post(client, invitations_path(world), body)

    assert (response.status_code, response.json()["field"]) == (422, field)
    if code is not None:
        assert response.json()["code"] == code
    assert state() == before


def test_an_invitation_refused_in_chinese_is_worded_in_chinese(world: World) -> None:
    admin = make_admin(world)
    client = bearer(admin)

    response = client.post(
        invitations_path(world),
        json.dumps({"email": "applicant@example.cn", "language": "en"}),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert (response.status_code, response.json()["detail"]) == (422, "该地址已属于企业成员。")


# --- GET /organisations/{id}/invitations ----------------------------------------------------------------


def test_an_admin_member_lists_the_invitations_newest_first_with_a_status_filter(world: World) -> None:
    admin = make_admin(world)
    first = invite_member(actor=admin, organisation=world.organisation, email="a@example.cn", language="en")
    second = invite_member(actor=admin, organisation=world.organisation, email="b@example.cn", language="en")
    revoke_invitation(actor=admin, invitation=second, now=timezone.now())
    Invitation.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=8))
    first.refresh_from_db()
    client = bearer(admin, "read")

    everything = client.get(invitations_path(world)).json()
    pending = client.get(invitations_path(world) + "?status=pending").json()
    bad = client.get(invitations_path(world) + "?status=expired")

    assert [(row["email"], row["status"], row["expired"], row["can_revoke"]) for row in everything["items"]] == [
        ("b@example.cn", "revoked", False, False),
        ("a@example.cn", "pending", True, False),
    ]
    assert pending["items"] == [
        {
            "id": first.pk,
            "email": "a@example.cn",
            "status": "pending",
            "sent_at": iso(first.created_at),
            "expires_at": iso(first.created_at + timedelta(days=7)),
            "expired": True,
            "can_revoke": False,
        }
    ]
    assert (bad.status_code, bad.json()["field"]) == (422, "/status")


def test_the_invitations_walk_page_by_page(world: World) -> None:
    admin = make_admin(world)
    for n in range(5):
        invite_member(actor=admin, organisation=world.organisation, email=f"p{n}@example.cn", language="en")
    client = bearer(admin, "read")

    seen: list[str] = []
    path: str | None = invitations_path(world) + "?limit=2"
    while path:
        body = client.get(path).json()
        seen += [item["email"] for item in body["items"]]
        path = body["next"]

    assert seen == [f"p{n}@example.cn" for n in reversed(range(5))]
    bad = client.get(invitations_path(world) + "?cursor=WyJ4Il0")
    assert (bad.status_code, bad.json()["field"]) == (422, "/cursor")


def test_only_an_admin_member_lists_the_invitations(world: World) -> None:
    make_admin(world)
    world.drive_to(State.SUBMITTED)
    ordinary = make_user("colleague", Role.APPLICANT.value, organisation=world.organisation)

    answers = {
        name: bearer(user, "read").get(invitations_path(world)).status_code
        for name, user in {
            "admin_member": world.applicant,
            "ordinary_member": ordinary,
            "officer": world.users[Role.LOCAL_OFFICER],
            "administrator": world.users[Role.ADMINISTRATOR],
            "other_member": world.other_applicant,
        }.items()
    }

    assert answers == {
        "admin_member": 200,
        "ordinary_member": 403,
        "officer": 403,
        "administrator": 403,
        "other_member": 404,
    }


def test_a_list_of_invitations_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    admin = make_admin(world)
    client = bearer(admin, "read")

    def counted() -> tuple[int, int]:
        assert client.get(invitations_path(world)).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get(invitations_path(world))
        return len(response.json()["items"]), len(queries.captured_queries)

    invite_member(actor=admin, organisation=world.organisation, email="p@example.cn", language="en")
    one, queries_for_one = counted()
    for n in range(9):
        invite_member(actor=admin, organisation=world.organisation, email=f"p{n}@example.cn", language="en")
    ten, queries_for_ten = counted()

    assert (one, ten) == (1, 10)
    assert queries_for_ten == queries_for_one


# --- POST /organisations/{id}/invitations/{id}/revoke ---------------------------------------------------


def test_an_admin_member_withdraws_a_pending_invitation_once(world: World) -> None:
    admin = make_admin(world)
    invitation = invite_member(actor=admin, organisation=world.organisation, email="a@example.cn", language="en")
    client = bearer(admin)
    path = f"{invitations_path(world)}/{invitation.pk}/revoke"

    response = post(client, path)
    again = post(client, path)

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"], response.json()["can_revoke"]) == (
        invitation.pk,
        "revoked",
        False,
    )
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decided_by) == ("revoked", admin)
    assert AuditEntry.objects.filter(action="invitation.revoked").count() == 1
    assert (again.status_code, again.json()["code"]) == (422, "not_pending")


@pytest.mark.parametrize(
    ("who", "status"),
    [("ordinary_member", 403), ("officer", 403), ("administrator", 403), ("other_member", 404)],
)
def test_only_an_admin_member_withdraws_and_a_refusal_changes_nothing(world: World, who: str, status: int) -> None:
    admin = make_admin(world)
    world.drive_to(State.SUBMITTED)
    invitation = invite_member(actor=admin, organisation=world.organisation, email="a@example.cn", language="en")
    asker = {
        "ordinary_member": lambda: make_user("colleague", Role.APPLICANT.value, organisation=world.organisation),
        "officer": lambda: world.users[Role.LOCAL_OFFICER],
        "administrator": lambda: world.users[Role.ADMINISTRATOR],
        "other_member": lambda: world.other_applicant,
    }[who]()
    client = bearer(asker)
    before = state()

    response = post(client, f"{invitations_path(world)}/{invitation.pk}/revoke")

    assert response.status_code == status
    assert state() == before


def test_an_invitation_of_another_organisation_is_not_found_through_this_one(world: World) -> None:
    admin = make_admin(world)
    Membership.objects.filter(user=world.other_applicant).update(is_admin=True)
    theirs = invite_member(
        actor=world.other_applicant, organisation=world.other_organisation, email="a@example.cn", language="en"
    )
    client = bearer(admin)
    before = state()

    response = post(client, f"{invitations_path(world)}/{theirs.pk}/revoke")

    assert response.status_code == 404
    assert state() == before


# --- What stays on the site's public forms --------------------------------------------------------------


def test_registration_confirmation_password_reset_and_acceptance_are_not_in_the_api(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operations = [
        (path, method, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    words = ("register_enterprise", "verify", "password_reset", "accept", "resend", "password")
    assert [op for op in operations if any(word in op[2] for word in words)] == []
    assert [op for op in operations if "/invitations/" in op[0] and not op[0].endswith("/revoke")] == []
    for path in (
        "/api/v1/accounts/register",
        "/api/v1/register/enterprise",
        "/api/v1/invitations/accept",
        "/api/v1/organisations/1/invitations/1/accept",
        "/api/v1/password-reset",
        "/api/v1/verify-email",
    ):
        assert Client().post(path, "{}", content_type="application/json").status_code in (401, 404, 405), path
    assert reverse("web:account_register").startswith("/accounts/")
