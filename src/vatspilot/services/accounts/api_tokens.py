"""Personal API tokens: a signed-in user makes one (named, read or read-and-write), sees its secret once,
and revokes it; the API finds the user by the token it is sent.

The secret is ``vp_`` and 43 URL-safe characters (32 random bytes); the store keeps its SHA-256 digest
and its first 12 characters (``prefix``) to show in the list. Making and revoking are each one
transaction with its audit entry. Use is audited too, once per token per day (the first request of the
day), with the time of the last use kept on the token: an entry per request would make the chain grow
with the traffic and tell nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.audit import record_audit
from vatspilot.store.models import ApiToken, TokenScope

TOKEN_PREFIX = "vp_"
PREFIX_LENGTH = 12
NAME_LIMIT = 100
TOKENS_PER_USER = 20  # live tokens; a user who needs more revokes some
LAST_USE_RESOLUTION = timedelta(minutes=1)  # how exactly a token's last use is kept


class TokenRefused(ValueError):
    """A token cannot be made as asked: ``field`` names what to fix."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown to its owner now and never again."""

    token: ApiToken
    secret: str


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_token(*, actor: User, name: str, scope: str) -> NewToken:
    """A new token for ``actor`` (who must be active). Refused, with nothing written, for an empty or
    long name, an unknown scope, or a user already holding `TOKENS_PER_USER` live tokens."""
    name = name.strip()
    if not name:
        raise TokenRefused("name", "required", _("Give the token a name, so that you can tell it apart."))
    if len(name) > NAME_LIMIT:
        raise TokenRefused(
            "name", "too_long", _("The name is at most %(limit)s characters long.") % {"limit": NAME_LIMIT}
        )
    if scope not in TokenScope.values:
        raise TokenRefused("scope", "invalid", _("The scope is “read” or “write”."))
    if not actor.is_active:
        raise NotAllowed("inactive", _("This account is not active."))
    with transaction.atomic():
        # The user's row is locked so that two requests at once cannot both pass the count.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= TOKENS_PER_USER:
            raise TokenRefused(
                "name",
                "too_many",
                _("You already have %(limit)s tokens; revoke one you no longer use first.")
                % {"limit": TOKENS_PER_USER},
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor, name=name, scope=scope, prefix=secret[:PREFIX_LENGTH], digest=digest_of(secret)
        )
        record_audit(
            actor=actor,
            action="api_token.created",
            obj=token,
            before=None,
            after={"name": name, "scope": scope, "prefix": token.prefix},
        )
    return NewToken(token, secret)


def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of ``actor``'s own tokens. Another user's token and a missing one are the same
    `ApiToken.DoesNotExist`; revoking a revoked token changes nothing and writes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=actor)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(
            actor=actor,
            action="api_token.revoked",
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
    return token


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (their owner sees when they stopped)."""
    return list(ApiToken.objects.filter(user=user))


def token_user(secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token (its user active) whose secret this is, or None. Marks the use: the time on the
    token, and an audit entry for the first use of the day (China time, as the platform's days are)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    today = timezone.localdate(now)
    if token.last_used_at is not None and timezone.localdate(token.last_used_at) == today:
        # Not the day's first use: the time alone, without a lock or an entry, and at most once a
        # minute (a system sending many requests with one token would otherwise queue on its row).
        if now - token.last_used_at >= LAST_USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        first_today = locked.last_used_at is None or timezone.localdate(locked.last_used_at) != today
        locked.last_used_at = now
        locked.save(update_fields=["last_used_at"])
        if first_today:
            record_audit(
                actor=token.user,
                action="api_token.used",
                obj=locked,
                before=None,
                after={"day": today, "prefix": locked.prefix},
            )
    token.last_used_at = now
    return token
