"""Staff accounts, their roles and jurisdictions: what an administrator does on the administrator's page.

Each function is one transaction with its audit entry, and takes the acting administrator explicitly.
Only an active user holding Role.ADMINISTRATOR may call them; anyone else gets NotAllowed and nothing
changes. An administrator may not lock themselves out (deactivate their own account, give up their own
administrator role), so that the platform always keeps one.

Passwords are never chosen by the administrator nor written anywhere but as a hash: a new account and a
reset get a random temporary password, returned once for the administrator to hand over. The audit
entry records that a password was set, never the password.

Applicants are managed with their organisation (services.identity.create_applicant): the applicant role
is neither granted nor revoked here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from axes.utils import reset as reset_lockouts
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.services.accounts.identity import create_staff_user, jurisdictions_named
from vatspilot.store.access import is_administrator
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Jurisdiction, Role, StaffRole

# Roles an administrator grants on this page: every official's role and the administrator's own.
STAFF_ROLES: tuple[str, ...] = tuple(role for role in Role.values if role != Role.APPLICANT)


class NotAllowed(PermissionDenied):
    """The actor may not manage accounts (or not this way). A PermissionDenied: a view answers 403."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class NewPassword:
    """A temporary password for ``user``: shown once to the administrator, stored only as a hash."""

    user: User
    password: str


def create_staff_account(
    *,
    actor: User,
    username: str,
    role: str,
    jurisdictions: Iterable[Jurisdiction | str] = (),
    email: str = "",
) -> NewPassword:
    """A new official's account holding ``role`` (a local officer with jurisdictions), with a temporary
    password. Raises ValidationError naming what is wrong (role, jurisdiction, username)."""
    _require_administrator(actor)
    password = _temporary_password()
    with transaction.atomic():
        user = create_staff_user(
            username=username, password=password, role=role, jurisdictions=jurisdictions, email=email, actor=actor
        )
    return NewPassword(user, password)


def grant_role(*, actor: User, user: User, role: str, jurisdictions: Iterable[Jurisdiction | str] = ()) -> StaffRole:
    """Give ``user`` the official's ``role``. For a local officer, ``jurisdictions`` are the provinces
    covered; granting the local officer role again replaces them."""
    _require_administrator(actor)
    if role not in STAFF_ROLES:
        raise ValidationError(_("Choose an official's role."), code="invalid_role")
    covered = jurisdictions_named(jurisdictions)
    if role == Role.LOCAL_OFFICER and not covered:
        raise ValidationError(_("A local officer covers at least one jurisdiction."), code="no_jurisdiction")
    if role != Role.LOCAL_OFFICER and covered:
        raise ValidationError(_("Only a local officer covers jurisdictions."), code="unexpected_jurisdiction")
    with transaction.atomic():
        target = _locked_user(user)
        staff_role = StaffRole.objects.filter(user=target, role=role).first()
        if staff_role is not None and role != Role.LOCAL_OFFICER:
            raise ValidationError(_("This account already holds this role."), code="role_held")
        before = None if staff_role is None else {"role": role, "jurisdictions": _codes(staff_role)}
        if staff_role is None:
            staff_role = StaffRole.objects.create(user=target, role=role)
        staff_role.jurisdictions.set(covered)
        after = {"role": role, "jurisdictions": sorted(j.code for j in covered)}
        record_audit(
            actor=actor,
            action="staff_role.granted" if before is None else "staff_role.jurisdictions_changed",
            obj=target,
            before=before,
            after=after,
        )
    return staff_role


def revoke_role(*, actor: User, user: User, role: str) -> None:
    """Take the official's ``role`` away from ``user``."""
    _require_administrator(actor)
    if role not in STAFF_ROLES:
        raise ValidationError(_("Choose an official's role."), code="invalid_role")
    if role == Role.ADMINISTRATOR and user.pk == actor.pk:
        raise NotAllowed("own_administrator_role", _("You cannot give up your own administrator role."))
    with transaction.atomic():
        target = _locked_user(user)
        staff_role = StaffRole.objects.filter(user=target, role=role).first()
        if staff_role is None:
            raise ValidationError(_("This account does not hold this role."), code="role_not_held")
        before = {"role": role, "jurisdictions": _codes(staff_role)}
        staff_role.delete()
        if role == Role.ADMINISTRATOR:
            # The Django admin's door closes with the role (is_staff means nothing more there).
            target.is_staff = False
            target.save(update_fields=["is_staff"])
        record_audit(actor=actor, action="staff_role.revoked", obj=target, before=before, after=None)


def deactivate_account(*, actor: User, user: User) -> User:
    """The account can no longer sign in; its open sessions end at their next request."""
    _require_administrator(actor)
    if user.pk == actor.pk:
        raise NotAllowed("own_account", _("You cannot deactivate your own account."))
    return _set_active(actor, user, active=False)


def reactivate_account(*, actor: User, user: User) -> User:
    _require_administrator(actor)
    return _set_active(actor, user, active=True)


def reset_password(*, actor: User, user: User) -> NewPassword:
    """A new temporary password for ``user``: its sessions end (Django signs out a session whose
    password changed) and any sign-in lock on its username is lifted."""
    _require_administrator(actor)
    password = _temporary_password()
    with transaction.atomic():
        target = _locked_user(user)
        target.set_password(password)
        target.save(update_fields=["password"])
        lifted = reset_lockouts(username=target.get_username())
        record_audit(
            actor=actor,
            action="user.password_reset",
            obj=target,
            before=None,
            after={"temporary": True, "lockouts_lifted": lifted},
        )
    return NewPassword(target, password)


def _require_administrator(actor: User) -> None:
    if not is_administrator(actor):
        raise NotAllowed("not_administrator", _("Only an administrator manages staff accounts."))


def _set_active(actor: User, user: User, *, active: bool) -> User:
    with transaction.atomic():
        target = _locked_user(user)
        if target.is_active == active:
            code = "already_active" if active else "already_inactive"
            message = _("This account is already active.") if active else _("This account is already inactive.")
            raise ValidationError(message, code=code)
        target.is_active = active
        target.save(update_fields=["is_active"])
        record_audit(
            actor=actor,
            action="user.reactivated" if active else "user.deactivated",
            obj=target,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return target


def _locked_user(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _codes(staff_role: StaffRole) -> list[str]:
    return sorted(staff_role.jurisdictions.values_list("code", flat=True))


def _temporary_password() -> str:
    # 16 URL-safe characters from 96 random bits: meets every password validator in the settings.
    return secrets.token_urlsafe(12)
