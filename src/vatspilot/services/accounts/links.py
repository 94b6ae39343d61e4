"""The signed links the accounts e-mails carry: confirming an address, accepting an invitation.

A link is Django's signing of a small JSON object with a salt of its own (a link of one kind is never
taken for the other) and the site's SECRET_KEY; nothing secret is stored. What makes it expire is
judged by the service against the ``now`` it is handed, never the clock: the confirmation link holds
the moment it was made, an invitation lasts from the invitation's own ``created_at``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# How long a link works: three days to confirm an address, seven to accept an invitation.
VERIFICATION_LINK_LIFETIME = timedelta(days=3)
INVITATION_LIFETIME = timedelta(days=7)

_VERIFY_SALT = "vatspilot.accounts.verify-email"
_INVITE_SALT = "vatspilot.accounts.invitation"


class LinkRefused(Exception):
    """A link that is not (or no longer) good: ``code`` is tampered, expired, used or revoked."""

    MESSAGES = {
        "tampered": _("This link is not valid. Copy the whole link from the e-mail, or ask for a new one."),
        "expired": _("This link has expired. Ask for a new one."),
        "used": _("This link has already been used."),
        "revoked": _("This invitation was withdrawn by the organisation."),
    }

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


def verification_token(*, user_id: int, email: str, issued_at: datetime) -> str:
    return signing.dumps({"user": user_id, "email": email, "issued": issued_at.isoformat()}, salt=_VERIFY_SALT)


def read_verification_token(token: str, *, now: datetime) -> tuple[int, str]:
    """(user id, e-mail) of a good confirmation link; LinkRefused if tampered or older than its lifetime."""
    payload = _load(token, _VERIFY_SALT)
    try:
        user_id, email, issued = int(payload["user"]), str(payload["email"]), datetime.fromisoformat(payload["issued"])
    except (KeyError, TypeError, ValueError):
        raise LinkRefused("tampered") from None
    if now - issued > VERIFICATION_LINK_LIFETIME or issued > now + timedelta(minutes=5):
        raise LinkRefused("expired")
    return user_id, email


def invitation_token(*, invitation_id: int, email: str) -> str:
    return signing.dumps({"invitation": invitation_id, "email": email}, salt=_INVITE_SALT)


def read_invitation_token(token: str) -> tuple[int, str]:
    """(invitation id, e-mail) of a link signed by us; LinkRefused("tampered") otherwise."""
    payload = _load(token, _INVITE_SALT)
    try:
        return int(payload["invitation"]), str(payload["email"])
    except (KeyError, TypeError, ValueError):
        raise LinkRefused("tampered") from None


def public_link(view_name: str, **kwargs: str) -> str:
    """The absolute address of a page, as the public reaches the platform (VATSPILOT_PUBLIC_URL)."""
    return settings.VATSPILOT_PUBLIC_URL + reverse(view_name, kwargs=kwargs)


def _load(token: str, salt: str) -> dict[str, Any]:
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature:
        raise LinkRefused("tampered") from None
    if not isinstance(payload, dict):
        raise LinkRefused("tampered")
    return payload
