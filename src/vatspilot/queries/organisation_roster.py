"""One organisation's members, and the invitations its admin members sent, a page at a time (the API's
/organisations/{id}/members and /organisations/{id}/invitations): what the members page
(organisation_members.py) shows for one organisation, in a fixed order with a unique last key, so that a
list is cut by keyset and reads the same number of queries however long it is.

Who may read, as on the members page: a member of the organisation reads its members; only an admin
member reads its invitations. Anyone else is refused with NotAllowed (a PermissionDenied)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vatspilot.queries.organisation_members import SentInvitation
from vatspilot.services.accounts.invitations import is_admin_member
from vatspilot.services.accounts.links import INVITATION_LIFETIME
from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.models import Invitation, InvitationStatus, Membership, Organisation

# The newest invitation first, as on the members page.
INVITATION_ORDER = ("-created_at", "-id")


@dataclass(frozen=True)
class RosterMember:
    username: str
    name: str
    email: str
    is_admin: bool
    joined: datetime


def member_rows(reader: User, organisation: Organisation) -> list[Membership]:
    """The organisation's memberships with their users, admin members first, then in the order they
    joined (one query); NotAllowed unless ``reader`` is an active member. Sorted by ``member_key``."""
    if not (
        reader.is_authenticated
        and reader.is_active
        and Membership.objects.filter(user=reader, organisation=organisation).exists()
    ):
        raise NotAllowed("not_member", _("Only the organisation's members see its members."))
    rows = Membership.objects.filter(organisation=organisation).select_related("user")
    return list(rows.order_by("-is_admin", "id"))


def member_key(membership: Membership) -> tuple[int, int]:
    """A membership's place in ``member_rows`` (plain values, for a cursor): admin members first."""
    return (0 if membership.is_admin else 1, membership.pk)


def roster_member(membership: Membership) -> RosterMember:
    user = membership.user
    return RosterMember(
        username=user.get_username(),
        name=user.first_name or user.get_username(),
        email=user.email,
        is_admin=membership.is_admin,
        joined=membership.created_at,
    )


def invitation_rows(
    reader: User, organisation: Organisation, *, status: InvitationStatus | None = None
) -> QuerySet[Invitation]:
    """The invitations sent for the organisation (of one ``status`` when given); NotAllowed unless
    ``reader`` is an admin member."""
    if not is_admin_member(reader, organisation):
        raise NotAllowed("not_admin_member", _("Only the organisation's admin members see its invitations."))
    rows = Invitation.objects.filter(organisation=organisation)
    return rows if status is None else rows.filter(status=status)


def sent_invitation(invitation: Invitation, *, now: datetime) -> SentInvitation:
    """The invitation as the members page shows it: its state, when it was sent and when its link expires."""
    expires = invitation.created_at + INVITATION_LIFETIME
    return SentInvitation(
        pk=invitation.pk,
        email=invitation.email,
        status=invitation.status,
        status_label=str(dict(InvitationStatus.choices)[invitation.status]),
        sent=invitation.created_at,
        expires=expires,
        expired=invitation.status == InvitationStatus.PENDING and now > expires,
    )


def organisation_invitation(organisation: Organisation, invitation_id: int) -> Invitation | None:
    """One invitation of ``organisation`` (None when it has no such invitation)."""
    return organisation.invitations.filter(pk=invitation_id).first()
