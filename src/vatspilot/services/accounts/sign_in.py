"""Sign-ins, failed sign-ins, lockouts and sign-outs into the audit trail.

Django and django-axes announce each by a signal; each receiver writes one entry in its own
transaction. The password is never written: Django masks it in the failed-sign-in credentials, and
only the username typed is kept (cut to the length a username may have).
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models, transaction
from django.http import HttpRequest

from vatspilot.store.audit import AuditSubject, record_audit

USERNAME_LIMIT = 150  # Django's own limit for a username: anything longer is not one.


def connect() -> None:
    # dispatch_uid: connected once however often the app is readied (tests reload settings).
    user_logged_in.connect(_signed_in, dispatch_uid="vatspilot.audit.signed_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="vatspilot.audit.sign_in_failed")
    user_logged_out.connect(_signed_out, dispatch_uid="vatspilot.audit.signed_out")
    user_locked_out.connect(_locked_out, dispatch_uid="vatspilot.audit.locked_out")


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        record_audit(
            actor=user, action="user.signed_in", obj=user, before=None, after={"address": client_address(request)}
        )


def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:  # signing out when not signed in: nothing happened
        return
    with transaction.atomic():
        record_audit(
            actor=user, action="user.signed_out", obj=user, before=None, after={"address": client_address(request)}
        )


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = _username_of(credentials)
    _record_anonymous(
        "user.sign_in_failed",
        username,
        request,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    _record_anonymous("user.locked_out", username or "", request)


def _record_anonymous(action: str, username: str, request: HttpRequest | None, **extra: Any) -> None:
    user_model = get_user_model()
    account = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
    subject: models.Model | AuditSubject = account if account is not None else AuditSubject("auth.user", "unknown")
    with transaction.atomic():
        record_audit(
            actor=AnonymousUser(),
            action=action,
            obj=subject,
            before=None,
            after={"username": username, "known": account is not None, "address": client_address(request), **extra},
        )


def _username_of(credentials: dict[str, Any]) -> str:
    value = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    return str(value)[:USERNAME_LIMIT]
