"""The members page (/accounts/members/): for each organisation the reader is a member of, its members
and, for an admin member, the invitations sent with their state. Three queries however many rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User

from vatspilot.services.accounts.links import INVITATION_LIFETIME
from vatspilot.store.models import Invitation, InvitationStatus, Membership, Organisation


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    is_admin: bool
    joined: datetime


@dataclass(frozen=True)
class SentInvitation:
    pk: int
    email: str
    status: str
    status_label: str
    sent: datetime
    expires: datetime
    expired: bool

    @property
    def can_revoke(self) -> bool:
        return self.status == InvitationStatus.PENDING and not self.expired


@dataclass(frozen=True)
class OrganisationMembers:
    organisation: Organisation
    reader_is_admin: bool
    members: tuple[Member, ...]
    invitations: tuple[SentInvitation, ...]  # empty unless the reader is an admin member


def organisation_members(reader: User, *, now: datetime) -> list[OrganisationMembers]:
    """The reader's organisations by name, each with its members (admin members first, then by name)."""
    if not reader.is_authenticated or not reader.is_active:
        return []
    own = list(Membership.objects.filter(user=reader).select_related("organisation").order_by("organisation__name"))
    organisation_ids = [membership.organisation_id for membership in own]
    admin_of = {membership.organisation_id for membership in own if membership.is_admin}
    members: dict[int, list[Member]] = {pk: [] for pk in organisation_ids}
    rows = Membership.objects.filter(organisation_id__in=organisation_ids).select_related("user")
    for row in rows.order_by("-is_admin", "user__first_name", "user__username"):
        members[row.organisation_id].append(
            Member(
                name=row.user.first_name or row.user.get_username(),
                email=row.user.email,
                is_admin=row.is_admin,
                joined=row.created_at,
            )
        )
    invitations: dict[int, list[SentInvitation]] = {pk: [] for pk in admin_of}
    labels = dict(InvitationStatus.choices)
    for invitation in Invitation.objects.filter(organisation_id__in=admin_of).order_by("-created_at", "-id"):
        expires = invitation.created_at + INVITATION_LIFETIME
        invitations[invitation.organisation_id].append(
            SentInvitation(
                pk=invitation.pk,
                email=invitation.email,
                status=invitation.status,
                status_label=str(labels[invitation.status]),
                sent=invitation.created_at,
                expires=expires,
                expired=invitation.status == InvitationStatus.PENDING and now > expires,
            )
        )
    return [
        OrganisationMembers(
            organisation=membership.organisation,
            reader_is_admin=membership.is_admin,
            members=tuple(members[membership.organisation_id]),
            invitations=tuple(invitations.get(membership.organisation_id, ())),
        )
        for membership in own
    ]
