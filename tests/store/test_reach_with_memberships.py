"""Reach.with_memberships reads in one query what Reach.of and the memberships read in two: the same
organisations and the same Reach, for every role, for a user holding several, and for an inactive one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vatspilot.domain.applications import Role
from vatspilot.store.access import Reach
from vatspilot.store.models import Jurisdiction, Membership, StaffRole

pytestmark = pytest.mark.django_db


def read_apart(user: User) -> tuple[frozenset[int], Reach]:
    return frozenset(Membership.objects.filter(user=user).values_list("organisation_id", flat=True)), Reach.of(user)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reads_the_same_in_one_query(world, role):
    user = world.users[role]
    with CaptureQueriesContext(connection) as queries:
        together = Reach.with_memberships(user)
    assert len(queries.captured_queries) == 1
    assert together == read_apart(user)
    if role is Role.APPLICANT:
        assert together[0] == frozenset({world.organisation.pk})


def test_several_roles_and_jurisdictions_keep_the_order_granted(world):
    user = world.users[Role.LOCAL_OFFICER]
    StaffRole.objects.create(user=user, role=Role.INSPECTOR.value)
    local = StaffRole.objects.get(user=user, role=Role.LOCAL_OFFICER.value)
    local.jurisdictions.add(*Jurisdiction.objects.order_by("code")[:2])
    Membership.objects.create(user=user, organisation=world.other_organisation)
    organisations, reach = Reach.with_memberships(user)
    assert (organisations, reach) == read_apart(user)
    assert organisations == frozenset({world.other_organisation.pk})
    assert reach.national == (Role.INSPECTOR.value,)
    assert len(dict(reach.local)[Role.LOCAL_OFFICER.value]) >= 2


def test_an_inactive_user_keeps_the_memberships_and_reaches_nothing(world):
    user = world.users[Role.APPLICANT]
    StaffRole.objects.create(user=user, role=Role.MIIT_REVIEWER.value)
    user.is_active = False
    user.save()
    organisations, reach = Reach.with_memberships(user)
    assert (organisations, reach) == read_apart(user)
    assert organisations == frozenset({world.organisation.pk})
    assert reach == Reach((), ())
