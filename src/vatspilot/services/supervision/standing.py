"""Who an actor is towards a licence, for the supervision tables: a member of the holder, a local officer
whose jurisdiction reaches the licence's application, an MIIT reviewer. The jurisdiction rule is Reach's
(store.access), never re-written here."""

from __future__ import annotations

from django.contrib.auth.models import User

from vatspilot.store.access import Reach
from vatspilot.store.models import Licence, Membership

HOLDER = "holder"


def standing_towards(actor: User, licence: Licence, *, jurisdiction_id: int) -> frozenset[str]:
    """The actor's roles towards ``licence`` (whose application is in ``jurisdiction_id``): `holder`,
    and the official roles Reach gives for that jurisdiction (`local_officer`, `miit_reviewer`, ...).
    None for an inactive or anonymous user."""
    if not (actor.is_authenticated and actor.is_active):
        return frozenset()
    roles = set(Reach.of(actor).roles_towards(jurisdiction_id))
    if Membership.objects.filter(user=actor, organisation_id=licence.organisation_id).exists():
        roles.add(HOLDER)
    return frozenset(roles)
