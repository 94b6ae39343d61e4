"""Personal API tokens: made and revoked by their owner, stored as a digest, scoped read or write, audited
when made, first used on a day, and revoked; rate limits per token and per address; idempotent writes."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.services.accounts.api_tokens import (
    TOKENS_PER_USER,
    TokenRefused,
    create_api_token,
    revoke_api_token,
    token_user,
)
from vatspilot.store.models import ApiToken, AuditEntry, IdempotencyRecord

PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def accept(client: Client, application_id: int, version: int, **headers: str) -> Any:
    return client.post(
        f"/api/v1/applications/{application_id}/actions/accept",
        json.dumps({"expected_version": version}),
        content_type="application/json",
        headers=headers,
    )


def audit_actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="store.apitoken").order_by("seq").values_list("action", flat=True)
    )


def test_a_token_is_kept_as_its_digest_and_shown_once(world: World) -> None:
    made = create_api_token(actor=world.applicant, name="  Filing system  ", scope="read")

    token = ApiToken.objects.get()
    assert made.secret.startswith("vp_") and len(made.secret) == 46
    assert token.digest == hashlib.sha256(made.secret.encode()).hexdigest()
    assert token.prefix == made.secret[:12]
    assert (token.name, token.scope, token.user) == ("Filing system", "read", world.applicant)
    assert made.secret not in json.dumps(list(AuditEntry.objects.values("before", "after")), default=str)
    assert audit_actions() == ["api_token.created"]


@pytest.mark.parametrize(
    ("name", "scope", "field", "code"),
    [("", "read", "name", "required"), ("x" * 101, "read", "name", "too_long"), ("ok", "admin", "scope", "invalid")],
)
def test_a_bad_token_request_names_the_field_and_writes_nothing(
    world: World, name: str, scope: str, field: str, code: str
) -> None:
    with pytest.raises(TokenRefused) as refused:
        create_api_token(actor=world.applicant, name=name, scope=scope)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert ApiToken.objects.count() == 0
    assert audit_actions() == []


def test_a_user_holds_at_most_so_many_live_tokens(world: World) -> None:
    for n in range(TOKENS_PER_USER):
        create_api_token(actor=world.applicant, name=f"t{n}", scope="read")
    with pytest.raises(TokenRefused) as refused:
        create_api_token(actor=world.applicant, name="one more", scope="read")
    assert refused.value.code == "too_many"
    revoke_api_token(actor=world.applicant, token_id=ApiToken.objects.first().pk)
    create_api_token(actor=world.applicant, name="one more", scope="read")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == TOKENS_PER_USER


def test_use_is_audited_once_a_day(world: World) -> None:
    made = create_api_token(actor=world.applicant, name="system", scope="read")
    morning = timezone.make_aware(datetime(2026, 12, 7, 9, 0))

    assert token_user(made.secret, now=morning) == made.token
    assert token_user(made.secret, now=morning + timedelta(seconds=30)) == made.token
    made.token.refresh_from_db()
    assert made.token.last_used_at == morning  # kept to the minute: no write for each request
    assert token_user(made.secret, now=morning + timedelta(hours=3)) == made.token
    assert token_user(made.secret, now=morning + timedelta(days=1)) == made.token

    assert audit_actions() == ["api_token.created", "api_token.used", "api_token.used"]
    made.token.refresh_from_db()
    assert made.token.last_used_at == morning + timedelta(days=1)
    assert token_user("vp_not-a-token") is None
    assert token_user("someone else's scheme") is None


def test_a_token_reads_and_a_read_token_may_not_write(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    officer = world.users[Role.LOCAL_OFFICER]
    read = create_api_token(actor=officer, name="reader", scope="read").secret

    listed = Client().get("/api/v1/applications", headers=bearer(read))
    refused = accept(Client(), application.pk, application.version, **bearer(read))

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [application.pk]
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["type"] == "urn:vatspilot:problem:token-scope"
    application.refresh_from_db()
    assert application.status == State.SUBMITTED


def test_a_write_token_acts_without_a_csrf_token(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    write = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="writer", scope="write").secret

    response = accept(Client(enforce_csrf_checks=True), application.pk, application.version, **bearer(write))

    assert response.status_code == 200
    assert response.json()["status"] == "preliminary_assessment"


def test_a_revoked_or_unknown_token_is_a_401(world: World) -> None:
    made = create_api_token(actor=world.applicant, name="old", scope="read")
    revoke_api_token(actor=world.applicant, token_id=made.token.pk)

    for secret in (made.secret, "vp_" + "x" * 43, "garbage"):
        response = Client().get("/api/v1/applications", headers=bearer(secret))
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
    assert audit_actions() == ["api_token.created", "api_token.revoked"]


def test_tokens_are_listed_and_revoked_by_their_owner_only(world: World) -> None:
    mine = create_api_token(actor=world.applicant, name="mine", scope="write")
    theirs = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="theirs", scope="write")
    client = Client()

    listed = client.get("/api/v1/tokens", headers=bearer(mine.secret)).json()
    other = client.post(f"/api/v1/tokens/{theirs.token.pk}/revoke", headers=bearer(mine.secret))
    missing = client.post("/api/v1/tokens/999999/revoke", headers=bearer(mine.secret))
    revoked = client.post(f"/api/v1/tokens/{mine.token.pk}/revoke", headers=bearer(mine.secret))

    assert [(t["name"], t["prefix"], t["scope"], t["revoked_at"]) for t in listed] == [
        ("mine", mine.secret[:12], "write", None)
    ]
    assert "digest" not in listed[0]
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.json()["detail"] == missing.json()["detail"]
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None
    assert client.get("/api/v1/tokens", headers=bearer(mine.secret)).status_code == 401


def test_a_retried_write_with_an_idempotency_key_acts_once(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    write = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="writer", scope="write").secret
    headers = {**bearer(write), "Idempotency-Key": "accept-1"}

    first = accept(Client(), application.pk, application.version, **headers)
    again = accept(Client(), application.pk, application.version, **headers)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    application.refresh_from_db()
    assert (application.status, application.version) == (State.PRELIMINARY_ASSESSMENT, first.json()["version"])
    assert application.events.filter(action="accept").count() == 1


def test_an_idempotency_key_sent_with_another_request_is_refused(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    write = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="writer", scope="write").secret
    headers = {**bearer(write), "Idempotency-Key": "k"}
    accept(Client(), application.pk, application.version, **headers)

    other = accept(Client(), application.pk, application.version + 1, **headers)

    assert other.status_code == 422
    assert other.json()["type"] == "urn:vatspilot:problem:idempotency-key-reused"
    assert other.json()["field"] == "Idempotency-Key"


def test_a_key_is_the_callers_own_and_refusals_are_not_kept(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    officer = world.users[Role.LOCAL_OFFICER]
    write = create_api_token(actor=officer, name="writer", scope="write").secret

    stale = accept(Client(), application.pk, application.version - 1, **bearer(write), **{"Idempotency-Key": "k"})
    assert stale.status_code == 409  # a conflict: nothing kept, so the same key may act once corrected
    assert IdempotencyRecord.objects.count() == 0
    session = accept(client_for(officer), application.pk, application.version, **{"Idempotency-Key": "k"})
    by_token = accept(Client(), application.pk, application.version, **bearer(write), **{"Idempotency-Key": "k"})

    assert session.status_code == 200
    assert by_token.status_code == 409  # another caller's key: acted anew, and the version has moved on
    assert "Idempotent-Replayed" not in by_token


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ"])
def test_a_malformed_idempotency_key_is_a_400_naming_the_header(world: World, key: str) -> None:
    application = world.drive_to(State.SUBMITTED)
    write = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="writer", scope="write").secret

    response = accept(Client(), application.pk, application.version, **bearer(write), **{"Idempotency-Key": key})

    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"
    application.refresh_from_db()
    assert application.status == State.SUBMITTED


def test_a_claim_still_being_answered_is_a_409_with_retry_after(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    officer = world.users[Role.LOCAL_OFFICER]
    made = create_api_token(actor=officer, name="writer", scope="write")
    body = json.dumps({"expected_version": application.version})
    IdempotencyRecord.objects.create(caller="token:" + made.token.digest, key="k", fingerprint="other-request")
    IdempotencyRecord.objects.filter(key="k").update(fingerprint=_fingerprint(application.pk, body))

    response = accept(Client(), application.pk, application.version, **bearer(made.secret), **{"Idempotency-Key": "k"})

    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    application.refresh_from_db()
    assert application.status == State.SUBMITTED


def _fingerprint(application_id: int, body: str) -> str:
    digest = hashlib.sha256()
    digest.update(b"POST\0" + f"/api/v1/applications/{application_id}/actions/accept".encode() + b"\0")
    digest.update(b"application/json\0" + body.encode())
    return digest.hexdigest()


def test_writes_are_limited_per_token_and_public_requests_per_address(world: World, settings: Any) -> None:
    settings.VATSPILOT_API_RATES = {"address": "4/min", "caller": "2/min"}
    application = world.drive_to(State.SUBMITTED)
    write = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="writer", scope="write").secret

    writes = [accept(Client(), application.pk, 0, **bearer(write)).status_code for _ in range(3)]
    reads = [Client().get("/api/v1/applications", headers=bearer(write)).status_code for _ in range(5)]
    public = [Client().get("/api/v1/register").status_code for _ in range(3)]

    assert writes == [422, 422, 429]  # refused (no version 0), then over the token's two writes a minute
    assert reads == [200] * 5  # a signed-in caller's reads are not limited
    # The address spent three of its four on the writes (the refused one counted there before the token's
    # limit refused it), so one public read is left.
    assert public == [200, 429, 429]
    limited = Client().get("/api/v1/register")
    assert limited["Content-Type"] == PROBLEM
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["type"] == "urn:vatspilot:problem:too-many-requests"
    assert Client().get("/api/v1/register", REMOTE_ADDR="192.0.2.9").status_code == 200  # another address


def test_an_idempotent_write_too_large_to_read_is_a_413(world: World, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    application = world.drive_to(State.SUBMITTED)
    write = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="writer", scope="write").secret
    body = json.dumps({"expected_version": application.version, "note": "x" * 2000})

    response = Client().post(
        f"/api/v1/applications/{application.pk}/actions/accept",
        body,
        content_type="application/json",
        headers={**bearer(write), "Idempotency-Key": "big"},
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert IdempotencyRecord.objects.count() == 0
