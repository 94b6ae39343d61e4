"""The read models the API's lists page through: the supervisors' exits keyed in the list's own order
(queries.network_exit_pages), the credit lists' entries filtered by the database
(queries.credit_list_pages) and the inbox's rows (queries.inbox_pages)."""

from __future__ import annotations

from datetime import date

import pytest
from exit_world import written_exit
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.domain.licences.exit import ExitState
from vatspilot.queries.credit_list_pages import LIST_ORDER, credit_list_entries, listed_entries
from vatspilot.queries.credit_lists import credit_lists
from vatspilot.queries.inbox_pages import inbox_message, inbox_rows, own_notification
from vatspilot.queries.network_exit_pages import exit_list_key, exit_rows
from vatspilot.queries.network_exits import exits_in_reach
from vatspilot.services.licences.lists import list_enterprise, remove_listing
from vatspilot.store.models import Notification

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 31)


@pytest.fixture
def exits(world: World) -> None:
    official = world.users[Role.MIIT_REVIEWER]
    # Two pairs that tie on everything the page sorts by: the key tells them apart by number.
    written_exit(world.organisation, "B1-20250022", actor=official, deadline=date(2026, 3, 1))
    written_exit(world.organisation, "B1-20250021", actor=official, deadline=date(2026, 3, 1))
    written_exit(world.organisation, "B1-20250012", actor=official, deadline=date(2026, 1, 30), users_migrated=7)
    written_exit(world.organisation, "B1-20250013", actor=official, status=ExitState.REQUIRED, deadline=None)
    written_exit(world.organisation, "B1-20250014", actor=official, deadline=date(2025, 12, 31))


def test_the_exit_rows_are_the_pages_rows_in_its_order_with_ties_by_number(world: World, exits: None) -> None:
    miit = world.users[Role.MIIT_REVIEWER]

    rows = exit_rows(miit, today=TODAY)

    assert [row.licence_number for row in rows] == [
        "B1-20250014",
        "B1-20250012",
        "B1-20250021",
        "B1-20250022",
        "B1-20250013",
    ]
    assert sorted(row.licence_number for row in exits_in_reach(miit, today=TODAY)) == sorted(
        row.licence_number for row in rows
    )
    keys = [exit_list_key(row) for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert keys[0] == (0, -31, 0, "2025-12-31", "2025-06-03", "B1-20250014")
    assert keys[-1] == (1, 0, 1, "9999-12-31", "2025-06-03", "B1-20250013")


def test_the_exit_filters(world: World, exits: None) -> None:
    miit = world.users[Role.MIIT_REVIEWER]

    required = exit_rows(miit, today=TODAY, state=ExitState.REQUIRED)
    overdue = exit_rows(miit, today=TODAY, overdue=True)
    in_time = exit_rows(miit, today=TODAY, state=ExitState.IN_PROGRESS, overdue=False)

    assert [row.licence_number for row in required] == ["B1-20250013"]
    assert [row.licence_number for row in overdue] == ["B1-20250014", "B1-20250012"]
    assert [row.licence_number for row in in_time] == ["B1-20250021", "B1-20250022"]
    assert exit_rows(world.applicant, today=TODAY) == []


def test_the_credit_list_entries_match_the_pages_sections(world: World) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    for day, kind in ((1, CreditList.BAD_RECORD), (2, CreditList.DISHONEST), (3, CreditList.BAD_RECORD)):
        entry = list_enterprise(
            actor=miit, list=kind, name=f"E{day}", uscc="91310115MA1FL1234M", listed_on=date(2025, 9, day), reason="r"
        )
    remove_listing(actor=miit, entry=entry, removed_on=date(2025, 9, 4), reason="done")
    page = credit_lists()

    def entries(kind: CreditList | None = None, removed: bool | None = None) -> list[str]:
        rows = credit_list_entries(kind=kind, removed=removed).order_by(*LIST_ORDER)
        return [listed.name for listed in listed_entries(rows)]

    assert entries(CreditList.BAD_RECORD, False) == [listed.name for listed in page.bad_record] == ["E1"]
    assert entries(CreditList.DISHONEST, False) == [listed.name for listed in page.dishonest] == ["E2"]
    assert entries(removed=True) == [listed.name for listed in page.removed] == ["E3"]
    assert entries() == ["E3", "E2", "E1"]
    assert listed_entries(credit_list_entries().order_by(*LIST_ORDER)) == sorted(
        page.every_entry, key=lambda listed: listed.listed_on, reverse=True
    )


def test_the_inbox_rows_are_the_readers_own(world: World) -> None:
    mine = Notification.objects.create(recipient=world.applicant, kind="k", subject="Mine", body="b")
    theirs = Notification.objects.create(recipient=world.other_applicant, kind="k", subject="Theirs", body="b")
    Notification.objects.filter(pk=mine.pk).update(read_at=mine.created_at)

    assert list(inbox_rows(world.applicant)) == [mine]
    assert list(inbox_rows(world.applicant, unread=True)) == []
    assert list(inbox_rows(world.applicant, unread=False)) == [mine]
    assert own_notification(world.applicant, theirs.pk) is None
    message = inbox_message(own_notification(world.applicant, mine.pk), "en")
    assert (message.id, message.subject, message.body, message.application_id) == (mine.pk, "Mine", "b", None)
