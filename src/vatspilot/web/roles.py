"""Which kind of work a signed-in user has: applicant (member of an organisation), official (a
reviewing role), or both. Only decides which pages to offer; what a user may see or do is decided by
the access functions and the services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from vatspilot.store.access import REVIEWING_ROLES
from vatspilot.store.models import Membership, Organisation, Role, StaffRole


@dataclass(frozen=True)
class Workload:
    roles: frozenset[str]
    organisations: tuple[Organisation, ...]

    @property
    def is_applicant(self) -> bool:
        return bool(self.organisations)

    @property
    def is_official(self) -> bool:
        return bool(self.roles & REVIEWING_ROLES)  # as the access rule names them

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles


def workload_of(user: User | AnonymousUser) -> Workload:
    if not user.is_authenticated:
        return Workload(roles=frozenset(), organisations=())
    roles = frozenset(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    organisations = tuple(
        Organisation.objects.filter(pk__in=Membership.objects.filter(user=user).values("organisation"))
    )
    return Workload(roles=roles, organisations=organisations)
