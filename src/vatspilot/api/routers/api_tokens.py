"""/api/v1/tokens: the caller's own personal API tokens, listed, and revoked. Tokens are made on the
site's API tokens page (a signed-in session), never through the API: a token that leaked cannot make
more of itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from vatspilot.api.schemas import ApiTokenOut, ProblemOut
from vatspilot.services.accounts.api_tokens import revoke_api_token, user_tokens
from vatspilot.store.access import NotFound
from vatspilot.store.models import ApiToken

router = Router(tags=["tokens"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 429: ProblemOut}


def _token(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "scope": token.scope,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("", response={200: list[ApiTokenOut], **ERRORS}, summary="Your API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return [_token(token) for token in user_tokens(request.user)]


@router.post("/{int:token_id}/revoke", response={200: ApiTokenOut, **ERRORS}, summary="Revoke one of your tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    try:
        return _token(revoke_api_token(actor=request.user, token_id=token_id))
    except ApiToken.DoesNotExist:
        raise NotFound from None
