"""Membership invitations: an organisation's admin member invites someone by e-mail; the invitee
accepts through the signed link (links.py, valid seven days from the invitation), chooses a password
and joins the organisation as an applicant member (not an admin member); an admin member may withdraw
a pending invitation. Each step is one transaction with its audit entry; refusals change nothing.

The invitee's address is confirmed by the acceptance itself (the link reached that mailbox), so the
account is active at once. An address that already has an account cannot accept: its holder is told
so on the acceptance page (they own the mailbox the link went to, so nothing leaks).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vatspilot.services.accounts.links import INVITATION_LIFETIME, LinkRefused, read_invitation_token
from vatspilot.services.accounts.mail import language_or_default, send_invitation_email
from vatspilot.services.accounts.registration import EMAIL_LIMIT, PERSON_LIMIT
from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.audit import record_audit
from vatspilot.store.models import (
    AccountEmail,
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
    Role,
    StaffRole,
)


def is_admin_member(actor: User, organisation: Organisation) -> bool:
    """An active user who is an admin member of ``organisation``."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and Membership.objects.filter(user=actor, organisation=organisation, is_admin=True).exists()
    )


def invite_member(*, actor: User, organisation: Organisation, email: str, language: str) -> Invitation:
    """Invite ``email`` to join ``organisation``; the e-mail (in ``language``) is queued after the commit.
    NotAllowed unless ``actor`` is an admin member; ValidationError on ``email`` when it is not an
    address, is already a member's, or has a pending invitation."""
    _require_admin_member(actor, organisation)
    address = _checked_address(email)
    if (
        Membership.objects.filter(organisation=organisation)
        .filter(Q(user__username__iexact=address) | Q(user__email__iexact=address))
        .exists()
    ):
        raise _field_error("email", _("This address is already a member's."), "already_member")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=address,
                language=language_or_default(language),
                invited_by=actor,
            )
            record_audit(
                actor=actor,
                action="invitation.created",
                obj=invitation,
                before=None,
                after={"organisation": organisation.uscc, "email": address, "language": invitation.language},
            )
            transaction.on_commit(partial(send_invitation_email.enqueue, invitation_id=invitation.pk), robust=True)
    except IntegrityError:
        raise _field_error(
            "email", _("This address has already been invited and has not answered yet."), "already_invited"
        ) from None
    return invitation


def revoke_invitation(*, actor: User, invitation: Invitation, now: datetime) -> Invitation:
    """Withdraw a pending invitation: its link stops working. NotAllowed unless ``actor`` is an admin
    member of its organisation; ValidationError (code not_pending) once accepted or withdrawn."""
    _require_admin_member(actor, invitation.organisation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != InvitationStatus.PENDING:
            raise ValidationError(_("This invitation is no longer pending."), code="not_pending")
        locked.status = InvitationStatus.REVOKED
        locked.decided_at = now
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        record_audit(
            actor=actor,
            action="invitation.revoked",
            obj=locked,
            before={"status": InvitationStatus.PENDING.value},
            after={"status": InvitationStatus.REVOKED.value, "email": locked.email},
        )
    return locked


def invitation_from_link(*, token: str, now: datetime) -> Invitation:
    """The pending invitation a link names; LinkRefused (tampered, expired, used, revoked) otherwise."""
    invitation_id, email = read_invitation_token(token)
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id, email=email).first()
    if invitation is None:
        raise LinkRefused("tampered")
    _still_open(invitation, now)
    return invitation


def accept_invitation(*, token: str, full_name: str, password: str, now: datetime) -> User:
    """The invitee's account: active, its address confirmed, the applicant role, an (ordinary)
    membership of the organisation; the invitation accepted. One transaction, audited with the new
    user as the actor. LinkRefused for a bad link; ValidationError naming full_name, password or
    (code account_exists) email."""
    invitation_id, email = read_invitation_token(token)
    full_name = full_name.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not full_name:
        errors["full_name"] = [ValidationError(_("Give your name."), code="required")]
    elif len(full_name) > PERSON_LIMIT:
        errors["full_name"] = [
            ValidationError(
                _("The name is longer than %(limit)s characters.") % {"limit": PERSON_LIMIT}, code="too_long"
            )
        ]
    try:
        validate_password(password, User(username=email, email=email, first_name=full_name))
    except ValidationError as error:
        errors["password"] = list(error.error_list)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id, email=email).first()
        if invitation is None:
            raise LinkRefused("tampered")
        _still_open(invitation, now)
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise _field_error(
                "email",
                _(
                    "An account already uses this address: sign in with it, or ask the organisation to "
                    "invite another address."
                ),
                "account_exists",
            )
        if errors:
            raise ValidationError(errors)
        user = User(username=email, email=email, first_name=full_name, is_active=True)
        user.set_password(password)
        user.save()
        StaffRole.objects.create(user=user, role=Role.APPLICANT)
        membership = Membership.objects.create(user=user, organisation=invitation.organisation, is_admin=False)
        AccountEmail.objects.create(user=user, email=email, language=invitation.language, verified_at=now)
        invitation.status = InvitationStatus.ACCEPTED
        invitation.decided_at = now
        invitation.decided_by = user
        invitation.save(update_fields=["status", "decided_at", "decided_by"])
        uscc = invitation.organisation.uscc
        record_audit(
            actor=user,
            action="user.created",
            obj=user,
            before=None,
            after={"username": email, "email": email, "role": Role.APPLICANT.value, "invitation": invitation.pk},
        )
        record_audit(
            actor=user,
            action="membership.created",
            obj=membership,
            before=None,
            after={"user": email, "organisation": uscc, "admin": False},
        )
        record_audit(
            actor=user,
            action="invitation.accepted",
            obj=invitation,
            before={"status": InvitationStatus.PENDING.value},
            after={"status": InvitationStatus.ACCEPTED.value, "email": email},
        )
    return user


def _still_open(invitation: Invitation, now: datetime) -> None:
    if invitation.status == InvitationStatus.REVOKED:
        raise LinkRefused("revoked")
    if invitation.status == InvitationStatus.ACCEPTED:
        raise LinkRefused("used")
    if now - invitation.created_at > INVITATION_LIFETIME:
        raise LinkRefused("expired")


def _require_admin_member(actor: User, organisation: Organisation) -> None:
    if not is_admin_member(actor, organisation):
        raise NotAllowed("not_admin_member", _("Only the organisation's admin members invite members."))


def _checked_address(email: str) -> str:
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise _field_error("email", _("Give a valid e-mail address."), "invalid") from None
    if len(address) > EMAIL_LIMIT:
        raise _field_error(
            "email", _("The address is longer than %(limit)s characters.") % {"limit": EMAIL_LIMIT}, "too_long"
        )
    return address


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})
