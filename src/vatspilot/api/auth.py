"""Who calls the API: a personal API token (``Authorization: Bearer vp_…``) or the browser's signed-in
session (with Django's CSRF check on every unsafe method: send the X-CSRFToken header).

A read token may read and nothing more: on a write it is refused with 403, naming the token's scope. A
token that is unknown, revoked or whose user is inactive is a 401, as no credential at all is."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from vatspilot.api.problems import ScopeRefused
from vatspilot.services.accounts.api_tokens import token_user
from vatspilot.store.models import TokenScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_user(token.strip())
        if found is None:
            return None
        if found.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise ScopeRefused(_("This token may only read: make a token with the write scope to change anything."))
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # for the throttles and the logs
        return found.user


def callers() -> list[Any]:
    """The API's authentication, tried in this order."""
    return [PersonalToken(), SessionAuth(csrf=True)]
