"""The API tokens page: a token made and its secret shown once, a bad form naming the field with nothing
written, revoking one's own token, and another's looking missing."""

from __future__ import annotations

from pilot_world import World, client_for

from vatspilot.domain.applications import Role
from vatspilot.services.accounts.api_tokens import create_api_token, digest_of
from vatspilot.store.models import ApiToken, AuditEntry


def test_a_token_is_made_and_its_secret_shown_once(world: World) -> None:
    client = client_for(world.applicant)

    made = client.post("/accounts/tokens/", {"name": "Filing system", "scope": "write"})
    again = client.get("/accounts/tokens/")

    token = ApiToken.objects.get()
    page = made.content.decode()
    secret = page.split('<code class="token-secret">')[1].split("</code>")[0]
    assert made.status_code == 200
    assert digest_of(secret) == token.digest
    assert (token.name, token.scope, token.user) == ("Filing system", "write", world.applicant)
    assert secret not in again.content.decode()
    assert f"{token.prefix}…" in again.content.decode()


def test_a_bad_form_names_the_field_and_makes_nothing(world: World) -> None:
    response = client_for(world.applicant).post("/accounts/tokens/", {"name": "", "scope": "admin"})

    assert response.status_code == 422
    page = response.content.decode()
    assert '<a href="#id_name">Token name</a>: This field is required.' in page
    assert '<a href="#id_scope">Scope</a>: Select a valid choice.' in page
    assert ApiToken.objects.count() == 0


def test_the_page_is_in_chinese(world: World) -> None:
    response = client_for(world.applicant, "zh-hans").post("/accounts/tokens/", {"name": "", "scope": "read"})

    assert "API 令牌" in response.content.decode()
    assert "：" in response.content.decode()


def test_revoking_ones_own_token_and_not_anothers(world: World) -> None:
    mine = create_api_token(actor=world.applicant, name="mine", scope="read").token
    theirs = create_api_token(actor=world.users[Role.LOCAL_OFFICER], name="theirs", scope="read").token
    client = client_for(world.applicant)
    entries = AuditEntry.objects.count()

    other = client.post(f"/accounts/tokens/{theirs.pk}/revoke/")
    missing = client.post("/accounts/tokens/999999/revoke/")
    assert other.status_code == missing.status_code == 404
    assert AuditEntry.objects.count() == entries
    revoked = client.post(f"/accounts/tokens/{mine.pk}/revoke/", follow=True)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "The token “mine” is revoked." in revoked.content.decode()


def test_signing_in_is_needed(world: World) -> None:
    response = client_for(None).get("/accounts/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
