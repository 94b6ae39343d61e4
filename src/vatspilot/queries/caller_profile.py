"""Who the caller is (the API's /me): the account, the roles it holds with a local officer's
jurisdictions, and the organisations it is a member of with its membership (admin member or member).
Three queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from vatspilot.store.models import Jurisdiction, Membership, Organisation, StaffRole


@dataclass(frozen=True)
class HeldRole:
    role: str
    jurisdictions: tuple[Jurisdiction, ...]  # a local officer's provinces, by code; empty for other roles


@dataclass(frozen=True)
class MemberOf:
    organisation: Organisation
    is_admin: bool


@dataclass(frozen=True)
class CallerProfile:
    user: User
    roles: tuple[HeldRole, ...]
    organisations: tuple[MemberOf, ...]


def caller_profile(user: User) -> CallerProfile:
    """``user``'s roles (by role) and organisations (by name)."""
    roles = StaffRole.objects.filter(user=user).prefetch_related("jurisdictions").order_by("role")
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return CallerProfile(
        user=user,
        roles=tuple(
            HeldRole(role=held.role, jurisdictions=tuple(sorted(held.jurisdictions.all(), key=lambda j: j.code)))
            for held in roles
        ),
        organisations=tuple(
            MemberOf(organisation=membership.organisation, is_admin=membership.is_admin)
            for membership in memberships.order_by("organisation__name", "organisation_id")
        ),
    )
