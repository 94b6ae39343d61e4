"""A list's query count is constant in its length: every list, read model and page alike, is read with
2 items and again with 12, and the two counts must be equal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pilot_world import SHANGHAI, World, client_for, load_jurisdictions, make_user

from vatspilot.domain.applications import Role, State
from vatspilot.queries.application_lists import (
    applicant_applications,
    reviewer_queue,
    summaries,
    visible_application_rows,
)
from vatspilot.queries.inbox import inbox_of
from vatspilot.queries.staff_accounts import staff_accounts
from vatspilot.store.models import Notification

TODAY = date(2025, 6, 10)
# Alternating states the local officer acts on: a fresh submission, then one accepted (its clock running).
STATES = (State.SUBMITTED, State.PRELIMINARY_ASSESSMENT)


def _count(read: Callable[[], int]) -> tuple[int, int]:
    """(queries, items) of one read."""
    with CaptureQueriesContext(connection) as queries:
        items = read()
    return len(queries.captured_queries), items


def _lists(world: World, reader: Any) -> dict[str, Callable[[], int]]:
    """Every list of applications, each read returning how many items it holds."""
    officer = world.users[Role.LOCAL_OFFICER]
    applicant = world.applicant
    # Signed in before counting: a sign-in writes its audit entry, which is no part of any list.
    as_officer, as_applicant, as_reader = client_for(officer), client_for(applicant), client_for(reader)
    return {
        "reviewer_queue": lambda: len(reviewer_queue(officer, today=TODAY)),
        "applicant_applications": lambda: len(applicant_applications(applicant, today=TODAY)),
        "visible_application_rows (officer)": lambda: len(_visible(officer)),
        "visible_application_rows (applicant)": lambda: len(_visible(applicant)),
        "inbox_of": lambda: len(inbox_of(reader)),
        "queue page": lambda: _rows(as_officer.get(reverse("web:queue")), 'class="queue__row"'),
        "applications page": lambda: _rows(as_applicant.get(reverse("web:applications")), '<span class="state state--'),
        "inbox page": lambda: _rows(as_reader.get(reverse("web:inbox")), '<li class="notification'),
        "API list": lambda: len(as_officer.get("/api/v1/applications").json()["items"]),
        "API list by status": lambda: len(
            as_applicant.get("/api/v1/applications", {"status": "submitted"}).json()["items"]
        ),
    }


def _visible(reader: Any) -> list[Any]:
    """The API list's rows as it makes them: the visible applications, newest first, with their clocks."""
    return summaries(reader, list(visible_application_rows(reader).order_by("-id")), today=TODAY)


def _rows(response: Any, marker: str) -> int:
    assert response.status_code == 200
    return response.content.decode().count(marker)


def _add(world: World, reader: Any, count: int, start: int) -> None:
    for index in range(start, start + count):
        application = world.drive_to(STATES[index % len(STATES)])
        Notification.objects.create(
            recipient=reader, kind="application.submitted", application=application, subject="s", body="b"
        )


def test_every_list_of_applications_reads_as_many_queries_for_12_items_as_for_2(world: World, settings: Any) -> None:
    settings.VATSPILOT_TODAY = TODAY  # the pages judge the clocks on legal_today()
    reader = make_user("reader", email="")
    _add(world, reader, 2, 0)
    lists = _lists(world, reader)
    for read in lists.values():
        read()  # warm what is read once per process (the rulebook, the calendars), not per list
    short = {name: _count(read) for name, read in lists.items()}
    _add(world, reader, 10, 2)
    long = {name: _count(read) for name, read in lists.items()}

    # the "by status" list holds the submitted half only
    assert {name: items for name, (_queries, items) in short.items()} == {
        **dict.fromkeys(lists, 2),
        "API list by status": 1,
    }
    assert {name: items for name, (_queries, items) in long.items()} == {
        **dict.fromkeys(lists, 12),
        "API list by status": 6,
    }
    assert {name: queries for name, (queries, _items) in long.items()} == {
        name: queries for name, (queries, _items) in short.items()
    }


def test_the_staff_accounts_list_reads_as_many_queries_for_12_accounts_as_for_2(db: None) -> None:
    load_jurisdictions()
    administrator = make_user("admin", Role.ADMINISTRATOR.value, email="")
    make_user("officer-0", Role.LOCAL_OFFICER.value, jurisdictions=[SHANGHAI.province], email="")

    browser = client_for(administrator)

    def read() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            accounts = staff_accounts()
            roles = [(r.role, [j.code for j in r.jurisdictions.all()]) for a in accounts for r in a.staff_roles.all()]
            page = browser.get(reverse("web:staff"))
        assert page.status_code == 200 and roles
        return len(queries.captured_queries), len(accounts)

    read()
    short = read()
    for index in range(1, 11):
        make_user(f"officer-{index}", Role.LOCAL_OFFICER.value, jurisdictions=[SHANGHAI.province], email="")
    long = read()

    assert (short[1], long[1]) == (2, 12)
    assert long[0] == short[0]
