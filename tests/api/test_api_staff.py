"""The administrator's staff accounts over the API (api/routers/staff.py): the accounts with their roles,
a new official's account and each of the Staff accounts page's actions, through the same service
(services.accounts.staff: audited, refused with nothing changed for anyone but an administrator). A
temporary password is in the one answer that set it (no-store), never stored but as a hash."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for, make_user

from vatspilot.api.account_schemas import StaffAction, StaffRoleName
from vatspilot.domain.applications import Role
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.accounts.staff import STAFF_ROLES
from vatspilot.store.models import AuditEntry, IdempotencyRecord, StaffRole
from vatspilot.web.views.staff import ACCOUNT_ACTIONS

PROBLEM = "application/problem+json"
User = get_user_model()
NOT_CHANGES = ("access.refused", "api_token.used")
WORLD_ACCOUNTS = [
    "administrator",
    "applicant",
    "beijing_officer",
    "cac_reviewer",
    "inspector",
    "local_officer",
    "miit_reviewer",
    "mps_reviewer",
    "other_applicant",
    "security_expert",
]


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bearer(user: Any, scope: str = "write") -> Client:
    secret = create_api_token(actor=user, name=f"{user.username} {scope}", scope=scope).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(path, json.dumps({} if body is None else body), content_type="application/json")


def admin_client(world: World, scope: str = "write") -> Client:
    return bearer(world.users[Role.ADMINISTRATOR], scope)


def state() -> Any:
    """What a refusal must not change: the accounts, their passwords, roles and jurisdictions, the audit trail."""
    return (
        list(User.objects.order_by("pk").values_list("username", "is_active", "is_staff", "password")),
        sorted(StaffRole.objects.values_list("user_id", "role")),
        sorted(StaffRole.jurisdictions.through.objects.values_list("staffrole_id", "jurisdiction__code")),
        AuditEntry.objects.exclude(action__in=NOT_CHANGES).count(),
    )


def action_path(user: Any, action: str) -> str:
    return f"/api/v1/staff/{user.pk}/actions/{action}"


def test_the_actions_and_roles_are_the_staff_pages() -> None:
    assert tuple(action.value for action in StaffAction) == ACCOUNT_ACTIONS
    assert get_args(StaffRoleName) == STAFF_ROLES


# --- GET /staff -----------------------------------------------------------------------------------------


def test_the_administrator_lists_every_account_with_its_roles(world: World) -> None:
    response = admin_client(world, "read").get("/api/v1/staff")

    assert response.status_code == 200
    body = response.json()
    assert [row["username"] for row in body["items"]] == WORLD_ACCOUNTS
    assert (body["next_cursor"], body["next"]) == (None, None)
    officer = world.users[Role.LOCAL_OFFICER]
    assert body["items"][WORLD_ACCOUNTS.index("local_officer")] == {
        "id": officer.pk,
        "username": "local_officer",
        "email": "local_officer@example.cn",
        "is_active": True,
        "roles": [{"role": "local_officer", "jurisdictions": ["310000"]}],
    }
    assert body["items"][WORLD_ACCOUNTS.index("other_applicant")]["roles"] == []


@pytest.mark.parametrize(
    ("query", "usernames"),
    [
        ("role=local_officer", ["beijing_officer", "local_officer"]),
        ("role=local_officer&jurisdiction=110000", ["beijing_officer"]),
        ("jurisdiction=310000", ["local_officer"]),
        ("role=administrator", ["administrator"]),
        ("active=false", ["inspector"]),
        ("active=true&role=inspector", []),
    ],
)
def test_the_accounts_are_filtered(world: World, query: str, usernames: list[str]) -> None:
    world.users[Role.INSPECTOR].is_active = False
    world.users[Role.INSPECTOR].save()

    response = admin_client(world, "read").get(f"/api/v1/staff?{query}")

    assert response.status_code == 200
    assert [row["username"] for row in response.json()["items"]] == usernames


@pytest.mark.parametrize(
    ("query", "field"),
    [("role=superuser", "/role"), ("active=perhaps", "/active"), ("jurisdiction=31", "/jurisdiction")],
)
def test_a_bad_filter_is_a_422_naming_it(world: World, query: str, field: str) -> None:
    response = admin_client(world, "read").get(f"/api/v1/staff?{query}")

    assert (response.status_code, response.json()["field"]) == (422, field)


def test_the_accounts_walk_page_by_page(world: World) -> None:
    client = admin_client(world, "read")

    seen: list[str] = []
    path: str | None = "/api/v1/staff?limit=3"
    pages = 0
    while path:
        body = client.get(path).json()
        seen += [row["username"] for row in body["items"]]
        path = body["next"]
        pages += 1

    assert (pages, seen) == (4, WORLD_ACCOUNTS)
    bad = client.get("/api/v1/staff?cursor=bm90LWEtY3Vyc29y")
    assert (bad.status_code, bad.json()["field"], bad.json()["code"]) == (422, "/cursor", "invalid-cursor")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.LOCAL_OFFICER, Role.MIIT_REVIEWER, Role.INSPECTOR])
def test_only_the_administrator_lists_accounts(world: World, role: Role) -> None:
    response = bearer(world.users[role], "read").get("/api/v1/staff")

    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)


def test_an_inactive_administrator_and_no_caller_are_refused(world: World) -> None:
    administrator = world.users[Role.ADMINISTRATOR]
    session = client_for(administrator)
    administrator.is_active = False
    administrator.save()

    assert Client().get("/api/v1/staff").status_code == 401
    assert session.get("/api/v1/staff").status_code in (401, 403)


def test_the_list_sends_as_many_queries_for_ten_accounts_as_for_one(world: World) -> None:
    client = admin_client(world, "read")

    def counted() -> tuple[int, int]:
        path = "/api/v1/staff?role=cac_reviewer"
        assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        return len(response.json()["items"]), len(queries.captured_queries)

    one, queries_for_one = counted()
    for n in range(9):
        make_user(f"cac{n}", Role.CAC_REVIEWER.value, Role.LOCAL_OFFICER.value, jurisdictions=["310000", "110000"])
    ten, queries_for_ten = counted()

    assert (one, ten) == (1, 10)
    assert queries_for_ten == queries_for_one


# --- POST /staff ----------------------------------------------------------------------------------------


def test_the_administrator_creates_an_officials_account_with_a_password_shown_once(world: World) -> None:
    client = admin_client(world)

    response = post(
        client,
        "/api/v1/staff",
        {
            "username": "officer-hainan",
            "email": "hainan@example.cn",
            "role": "local_officer",
            "jurisdictions": ["460000"],
        },
    )

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    created = User.objects.get(username="officer-hainan")
    body = response.json()
    password = body["temporary_password"]
    assert body == {
        "account": {
            "id": created.pk,
            "username": "officer-hainan",
            "email": "hainan@example.cn",
            "is_active": True,
            "roles": [{"role": "local_officer", "jurisdictions": ["460000"]}],
        },
        "temporary_password": password,
    }
    assert len(password) == 16 and created.check_password(password)
    entry = AuditEntry.objects.filter(action="user.created", object_id=str(created.pk)).get()
    assert (entry.actor_id, entry.after) == (
        world.users[Role.ADMINISTRATOR].pk,
        {
            "username": "officer-hainan",
            "email": "hainan@example.cn",
            "role": "local_officer",
            "jurisdictions": ["460000"],
        },
    )
    assert password not in json.dumps(list(AuditEntry.objects.values("before", "after")), default=str)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"username": "applicant", "role": "miit_reviewer"}, "/username", "username_taken"),
        ({"username": "bad name!", "role": "miit_reviewer"}, "/username", "invalid"),
        ({"username": "new", "role": "local_officer"}, "/jurisdictions", "no_jurisdiction"),
        ({"username": "new", "role": "local_officer", "jurisdictions": ["999900"]}, "/jurisdictions", None),
        ({"username": "new", "role": "miit_reviewer", "jurisdictions": ["310000"]}, "/jurisdictions", None),
        ({"username": "new", "role": "applicant"}, "/role", None),
        ({"username": "new"}, "/role", None),
        ({"username": "", "role": "miit_reviewer"}, "/username", None),
        ({"username": "new", "role": "miit_reviewer", "email": "not an address"}, "/email", "invalid"),
        ({"username": "new", "role": "miit_reviewer", "password": "chosen"}, "/password", None),
        ({"username": 7, "role": "miit_reviewer"}, "/username", None),
    ],
)
def test_a_bad_new_account_names_its_field_and_changes_nothing(
    world: World, body: dict[str, Any], field: str, code: str | None
) -> None:
    client = admin_client(world)
    before = state()

    response = post(client, "/api/v1/staff", body)

    assert (response.status_code, response.json()["field"]) == (422, field), response.json()
    if code is not None:
        assert response.json()["code"] == code
    assert state() == before


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.LOCAL_OFFICER, Role.MIIT_REVIEWER])
def test_only_the_administrator_creates_accounts(world: World, role: Role) -> None:
    client = bearer(world.users[role])
    before = state()

    response = post(client, "/api/v1/staff", {"username": "new", "role": "miit_reviewer"})

    assert response.status_code == 403
    assert state() == before


def test_a_read_token_may_not_create_or_act(world: World) -> None:
    client = admin_client(world, "read")
    before = state()

    created = post(client, "/api/v1/staff", {"username": "new", "role": "miit_reviewer"})
    acted = post(client, action_path(world.users[Role.INSPECTOR], "deactivate"))

    assert [created.status_code, acted.status_code] == [403, 403]
    assert created.json()["type"] == "urn:vatspilot:problem:token-scope"
    assert state() == before


# --- POST /staff/{id}/actions/{action} ------------------------------------------------------------------


def test_granting_and_revoking_a_role(world: World) -> None:
    client = admin_client(world)
    inspector = world.users[Role.INSPECTOR]

    granted = post(client, action_path(inspector, "grant"), {"role": "local_officer", "jurisdictions": ["440000"]})
    changed = post(
        client, action_path(inspector, "grant"), {"role": "local_officer", "jurisdictions": ["110000", "310000"]}
    )
    revoked = post(client, action_path(inspector, "revoke"), {"role": "inspector"})

    assert [granted.status_code, changed.status_code, revoked.status_code] == [200, 200, 200]
    assert granted.json() == {
        "account": {
            "id": inspector.pk,
            "username": "inspector",
            "email": "inspector@example.cn",
            "is_active": True,
            "roles": [
                {"role": "inspector", "jurisdictions": []},
                {"role": "local_officer", "jurisdictions": ["440000"]},
            ],
        },
        "temporary_password": None,
    }
    assert revoked.json()["account"]["roles"] == [{"role": "local_officer", "jurisdictions": ["110000", "310000"]}]
    actions = list(
        AuditEntry.objects.filter(object_id=str(inspector.pk), action__startswith="staff_role.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["staff_role.granted", "staff_role.jurisdictions_changed", "staff_role.revoked"]


def test_deactivating_and_reactivating_an_account(world: World) -> None:
    client = admin_client(world)
    inspector = world.users[Role.INSPECTOR]
    inspector_token = bearer(inspector, "read")

    off = post(client, action_path(inspector, "deactivate"))
    locked_out = inspector_token.get("/api/v1/me")
    again = post(client, action_path(inspector, "deactivate"))
    on = post(client, action_path(inspector, "reactivate"))

    assert (off.status_code, off.json()["account"]["is_active"]) == (200, False)
    assert locked_out.status_code == 401
    assert (again.status_code, again.json()["code"]) == (422, "already_inactive")
    assert (on.status_code, on.json()["account"]["is_active"]) == (200, True)
    inspector.refresh_from_db()
    assert inspector.is_active


def test_resetting_a_password_shows_the_new_one_once(world: World) -> None:
    client = admin_client(world)
    officer = world.users[Role.LOCAL_OFFICER]

    response = post(client, action_path(officer, "reset-password"))

    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")
    password = response.json()["temporary_password"]
    officer.refresh_from_db()
    assert officer.check_password(password)
    entry = AuditEntry.objects.filter(action="user.password_reset").get()
    assert (entry.object_id, entry.after) == (str(officer.pk), {"temporary": True, "lockouts_lifted": 0})


def test_the_administrators_own_reset_keeps_their_session(world: World) -> None:
    administrator = world.users[Role.ADMINISTRATOR]
    session = client_for(administrator, enforce_csrf_checks=False)

    response = post(session, action_path(administrator, "reset-password"))

    assert response.status_code == 200
    assert session.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    ("target", "action", "body", "status", "field", "code"),
    [
        ("administrator", "deactivate", {}, 422, None, "own_account"),
        ("administrator", "revoke", {"role": "administrator"}, 422, "/role", "own_administrator_role"),
        ("inspector", "grant", {"role": "inspector"}, 422, "/role", "role_held"),
        ("inspector", "revoke", {"role": "miit_reviewer"}, 422, "/role", "role_not_held"),
        ("inspector", "reactivate", {}, 422, None, "already_active"),
        ("inspector", "grant", {}, 422, "/role", "required"),
        ("inspector", "grant", {"role": "local_officer"}, 422, "/jurisdictions", "no_jurisdiction"),
        ("inspector", "grant", {"role": "miit_reviewer", "jurisdictions": ["310000"]}, 422, "/jurisdictions", None),
        ("inspector", "grant", {"role": "applicant"}, 422, "/role", None),
        ("inspector", "revoke", {"role": "inspector", "jurisdictions": []}, 422, "/jurisdictions", "field-not-taken"),
        ("inspector", "deactivate", {"role": "inspector"}, 422, "/role", "field-not-taken"),
        ("inspector", "promote", {}, 422, "/action", None),
        ("inspector", "deactivate", {"reason": "x"}, 422, "/reason", None),
    ],
)
def test_a_refused_action_says_why_and_changes_nothing(
    world: World, target: str, action: str, body: dict[str, Any], status: int, field: str | None, code: str | None
) -> None:
    client = admin_client(world)
    user = world.users[Role(target)]
    before = state()

    response = post(client, action_path(user, action), body)

    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    assert response.json().get("field") == field, response.json()
    if code is not None:
        assert response.json()["code"] == code
    assert state() == before


def test_an_action_on_no_such_account_is_404_for_the_administrator_and_403_for_others(world: World) -> None:
    admin = admin_client(world)
    miit = bearer(world.users[Role.MIIT_REVIEWER])
    before = state()

    missing = post(admin, "/api/v1/staff/999999/actions/deactivate")
    refused = post(miit, "/api/v1/staff/999999/actions/deactivate")
    refused_real = post(miit, action_path(world.users[Role.INSPECTOR], "deactivate"))

    assert [missing.status_code, refused.status_code, refused_real.status_code] == [404, 403, 403]
    assert state() == before


def test_a_refusal_is_worded_in_chinese(world: World) -> None:
    client = admin_client(world)

    response = client.post(
        action_path(world.users[Role.ADMINISTRATOR], "deactivate"),
        "{}",
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 422
    assert response.json()["detail"] != "You cannot deactivate your own account."
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


# --- A password is never kept for a replay ---------------------------------------------------------------


@pytest.mark.parametrize("operation", ["create", "reset-password"])
def test_a_request_whose_answer_holds_a_password_acts_once_and_its_answer_is_never_kept(
    world: World, operation: str
) -> None:
    client = admin_client(world)
    path, body = {
        "create": ("/api/v1/staff", {"username": "new", "role": "miit_reviewer"}),
        "reset-password": (action_path(world.users[Role.INSPECTOR], "reset-password"), {}),
    }[operation]
    send = lambda: client.post(  # noqa: E731
        path, json.dumps(body), content_type="application/json", headers={"Idempotency-Key": "k1"}
    )

    first = send()
    after_first = state()
    retry = send()

    assert first.status_code == {"create": 201, "reset-password": 200}[operation]
    password = first.json()["temporary_password"]
    assert retry.status_code == 409
    assert (retry.json()["type"], retry.json()["field"], retry.json()["first_status"]) == (
        "urn:vatspilot:problem:idempotency-answer-not-kept",
        "Idempotency-Key",
        first.status_code,
    )
    assert password not in retry.content.decode()
    assert state() == after_first  # the retry did nothing
    (record,) = IdempotencyRecord.objects.all()
    assert password.encode() not in bytes(record.body)


def test_the_other_actions_take_an_idempotency_key_and_act_once(world: World) -> None:
    client = admin_client(world)
    path = action_path(world.users[Role.INSPECTOR], "deactivate")

    first = client.post(path, "{}", content_type="application/json", headers={"Idempotency-Key": "k2"})
    second = client.post(path, "{}", content_type="application/json", headers={"Idempotency-Key": "k2"})

    assert (first.status_code, second.status_code, second["Idempotent-Replayed"]) == (200, 200, "true")
    assert second.json() == first.json()
    assert AuditEntry.objects.filter(action="user.deactivated").count() == 1


def test_a_refusal_of_the_key_is_only_for_the_administrator_to_see(world: World) -> None:
    client = bearer(world.users[Role.MIIT_REVIEWER])

    response = client.post(
        "/api/v1/staff",
        json.dumps({"username": "new", "role": "miit_reviewer"}),
        content_type="application/json",
        headers={"Idempotency-Key": "k3"},
    )

    assert response.status_code == 403
