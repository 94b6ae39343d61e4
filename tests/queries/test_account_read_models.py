"""The read models of the accounts API: the caller's profile, one organisation's members and invitations,
the administrator's accounts. Each reads a fixed number of queries however many rows, orders its rows as
its keyset says, and refuses a reader who may not read it (NotAllowed) before reading anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pilot_world import World, make_user

from vatspilot.domain.applications import Role
from vatspilot.queries.caller_profile import caller_profile
from vatspilot.queries.organisation_roster import (
    invitation_rows,
    member_key,
    member_rows,
    roster_member,
    sent_invitation,
)
from vatspilot.queries.staff_account_list import staff_account, staff_account_rows
from vatspilot.services.accounts.invitations import invite_member
from vatspilot.services.accounts.staff import NotAllowed
from vatspilot.store.access import NotFound
from vatspilot.store.models import Membership


def _queries(read: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def _admin(world: World) -> Any:
    Membership.objects.filter(user=world.applicant).update(is_admin=True)
    return world.applicant


def test_members_come_admin_first_then_as_they_joined_in_one_query(world: World) -> None:
    late = make_user("late", Role.APPLICANT.value, organisation=world.organisation)
    _admin(world)
    early_admin = make_user("second_admin", Role.APPLICANT.value)
    Membership.objects.create(user=early_admin, organisation=world.organisation, is_admin=True)

    rows = member_rows(late, world.organisation)

    assert [roster_member(row).username for row in rows] == ["applicant", "second_admin", "late"]
    assert [member_key(row) for row in rows] == sorted(member_key(row) for row in rows)
    one = _queries(lambda: [roster_member(row) for row in member_rows(late, world.organisation)])
    for n in range(10):
        make_user(f"m{n}", Role.APPLICANT.value, organisation=world.organisation)
    many = _queries(lambda: [roster_member(row) for row in member_rows(late, world.organisation)])
    assert one == many == 2  # the reader's membership, then the members with their users


@pytest.mark.parametrize("who", ["officer", "other_applicant", "administrator", "inactive_member"])
def test_only_an_active_member_reads_the_members(world: World, who: str) -> None:
    reader = {
        "officer": lambda: world.users[Role.LOCAL_OFFICER],
        "other_applicant": lambda: world.other_applicant,
        "administrator": lambda: world.users[Role.ADMINISTRATOR],
        "inactive_member": lambda: make_user(
            "gone", Role.APPLICANT.value, active=False, organisation=world.organisation
        ),
    }[who]()

    with pytest.raises(NotAllowed) as refused:
        member_rows(reader, world.organisation)

    assert refused.value.code == "not_member"


def test_only_an_admin_member_reads_the_invitations_with_their_state(world: World) -> None:
    admin = _admin(world)
    ordinary = make_user("ordinary", Role.APPLICANT.value, organisation=world.organisation)
    invitation = invite_member(actor=admin, organisation=world.organisation, email="a@example.cn", language="en")

    with pytest.raises(NotAllowed) as refused:
        invitation_rows(ordinary, world.organisation)
    shown = sent_invitation(invitation_rows(admin, world.organisation, status="pending").get(), now=timezone.now())
    later = sent_invitation(invitation, now=invitation.created_at + timezone.timedelta(days=7, seconds=1))

    assert refused.value.code == "not_admin_member"
    assert (shown.email, shown.status, shown.expired, shown.can_revoke) == ("a@example.cn", "pending", False, True)
    assert (later.expired, later.can_revoke) == (True, False)
    assert list(invitation_rows(admin, world.organisation, status="accepted")) == []


def test_the_callers_profile_names_roles_jurisdictions_and_memberships_in_three_queries(world: World) -> None:
    both = make_user("both", Role.LOCAL_OFFICER.value, Role.MIIT_REVIEWER.value, jurisdictions=["310000", "110000"])
    Membership.objects.create(user=both, organisation=world.other_organisation, is_admin=True)
    Membership.objects.create(user=both, organisation=world.organisation)

    profile = caller_profile(both)

    assert [(held.role, [j.code for j in held.jurisdictions]) for held in profile.roles] == [
        ("local_officer", ["110000", "310000"]),
        ("miit_reviewer", []),
    ]
    assert [(entry.organisation.name, entry.is_admin) for entry in profile.organisations] == [
        ("Harbour Cloud (Shanghai) Co., Ltd.", False),
        ("Northern Data (Beijing) Co., Ltd.", True),
    ]
    assert _queries(lambda: caller_profile(both)) == 3


def test_the_accounts_list_reads_four_queries_however_many_accounts(world: World) -> None:
    administrator = world.users[Role.ADMINISTRATOR]

    def read() -> None:
        for user in staff_account_rows(administrator):
            [list(held.jurisdictions.all()) for held in user.staff_roles.all()]

    few = _queries(read)
    for n in range(10):
        make_user(f"officer{n}", Role.LOCAL_OFFICER.value, jurisdictions=["310000", "110000"])
    many = _queries(read)

    assert few == many == 4  # the reader's administrator role, the accounts, their roles, the jurisdictions


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.MIIT_REVIEWER, Role.LOCAL_OFFICER])
def test_only_the_administrator_reads_the_accounts(world: World, role: Role) -> None:
    with pytest.raises(NotAllowed):
        staff_account_rows(world.users[role])
    with pytest.raises(NotAllowed):
        staff_account(world.users[role], 999999)  # refused before a missing account is looked for
    with pytest.raises(NotFound):
        staff_account(world.users[Role.ADMINISTRATOR], 999999)
