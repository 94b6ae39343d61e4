"""/api/v1/inbox: the caller's notifications, newest first, in the request's language, filtered read or
unread, a page at a time; marking one read (another person's is a 404, nothing changed) and all read; the
read token refused on the writes; the list in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.store.models import Notification

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _note(user: Any, subject: str, *, read: bool = False) -> Notification:
    notification = Notification.objects.create(
        recipient=user, kind="account.notice", application=None, subject=subject, body=f"Body of {subject}"
    )
    if read:
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
    return notification


def _subjects(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["subject"] for item in response.json()["items"]]


def _unread(user: Any) -> list[int]:
    return sorted(Notification.objects.filter(recipient=user, read_at__isnull=True).values_list("pk", flat=True))


@pytest.fixture
def inbox(world: World) -> dict[str, Notification]:
    return {
        "first": _note(world.applicant, "First"),
        "second": _note(world.applicant, "Second", read=True),
        "third": _note(world.applicant, "Third"),
        "theirs": _note(world.other_applicant, "Not yours"),
    }


def test_the_caller_reads_their_notifications_newest_first(world: World, inbox: dict[str, Notification]) -> None:
    response = client_for(world.applicant).get("/api/v1/inbox")

    assert response.status_code == 200
    third = inbox["third"]
    assert response.json()["items"][0] == {
        "id": third.pk,
        "kind": "account.notice",
        "subject": "Third",
        "body": "Body of Third",
        "application": None,
        "created_at": third.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "read_at": None,
    }
    assert _subjects(response) == ["Third", "Second", "First"]
    assert response.json()["items"][1]["read_at"] is not None
    assert (response.json()["next_cursor"], response.json()["next"]) == (None, None)


@pytest.mark.parametrize(("query", "subjects"), [("unread=true", ["Third", "First"]), ("unread=false", ["Second"])])
def test_the_unread_filter(world: World, inbox: dict[str, Notification], query: str, subjects: list[str]) -> None:
    assert _subjects(client_for(world.applicant).get(f"/api/v1/inbox?{query}")) == subjects


def test_a_message_about_an_application_is_in_the_readers_language(world: World) -> None:
    application = world.drive_to(State.FORMAL_SUPPLEMENT)  # the applicant hears of the supplement request
    stored = Notification.objects.filter(recipient=world.applicant, application=application).first()
    assert stored is not None

    english = client_for(world.applicant).get("/api/v1/inbox").json()["items"][0]
    chinese = client_for(world.applicant, "zh-hans").get("/api/v1/inbox").json()["items"][0]

    assert (english["id"], english["application"], english["kind"]) == (stored.pk, application.pk, stored.kind)
    assert english["subject"] != chinese["subject"]
    assert any("\u4e00" <= character <= "\u9fff" for character in chinese["subject"])
    assert str(application.pk) in english["subject"] + english["body"]


def test_the_pages_walk_every_notification_once(world: World, inbox: dict[str, Notification]) -> None:
    client = client_for(world.applicant)
    seen: list[str] = []
    path: str | None = "/api/v1/inbox?limit=1"
    while path is not None:
        response = client.get(path)
        seen += _subjects(response)
        path = response.json()["next"]

    assert seen == ["Third", "Second", "First"]


def test_a_bad_cursor_or_filter_is_a_422_naming_it(world: World, inbox: dict[str, Notification]) -> None:
    client = client_for(world.applicant)
    for query, field in (("cursor=nonsense", "/cursor"), ("cursor=WyJ4Il0", "/cursor"), ("unread=maybe", "/unread")):
        response = client.get(f"/api/v1/inbox?{query}")
        assert (response.status_code, response.json()["field"]) == (422, field), query


def test_signed_out_is_a_401(world: World, inbox: dict[str, Notification]) -> None:
    before = _unread(world.applicant)

    assert client_for(None).get("/api/v1/inbox").status_code == 401
    assert client_for(None).post(f"/api/v1/inbox/{inbox['first'].pk}/read").status_code == 401
    assert client_for(None).post("/api/v1/inbox/read-all").status_code == 401
    assert _unread(world.applicant) == before


def test_marking_one_read(world: World, inbox: dict[str, Notification]) -> None:
    first = inbox["first"]

    response = client_for(world.applicant).post(f"/api/v1/inbox/{first.pk}/read")

    assert response.status_code == 200
    first.refresh_from_db()
    assert first.read_at is not None
    assert response.json() == {
        "id": first.pk,
        "kind": "account.notice",
        "subject": "First",
        "body": "Body of First",
        "application": None,
        "created_at": first.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "read_at": first.read_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    assert _unread(world.applicant) == [inbox["third"].pk]
    again = client_for(world.applicant).post(f"/api/v1/inbox/{first.pk}/read")
    assert (again.status_code, again.json()["read_at"]) == (200, response.json()["read_at"])


def test_another_persons_notification_is_the_404_of_a_missing_one(world: World, inbox: dict[str, Notification]) -> None:
    theirs = inbox["theirs"]
    client = client_for(world.applicant)

    refused = client.post(f"/api/v1/inbox/{theirs.pk}/read")
    missing = client.post("/api/v1/inbox/999999/read")
    huge = client.post("/api/v1/inbox/99999999999999999999/read")  # beyond any database's integer

    assert (refused.status_code, refused["Content-Type"]) == (404, PROBLEM)
    assert refused.json()["detail"] == missing.json()["detail"]
    assert (huge.status_code, huge.json()["detail"]) == (404, missing.json()["detail"])
    assert _unread(world.other_applicant) == [theirs.pk]


def test_marking_all_read_marks_only_the_callers(world: World, inbox: dict[str, Notification]) -> None:
    response = client_for(world.applicant).post("/api/v1/inbox/read-all")

    assert (response.status_code, response.json()) == (200, {"marked": 2})
    assert _unread(world.applicant) == []
    assert _unread(world.other_applicant) == [inbox["theirs"].pk]
    assert client_for(world.applicant).post("/api/v1/inbox/read-all").json() == {"marked": 0}


def test_a_read_token_reads_the_inbox_but_marks_nothing(world: World, inbox: dict[str, Notification]) -> None:
    secret = create_api_token(actor=world.applicant, name="reader", scope="read").secret
    headers = {"Authorization": f"Bearer {secret}"}
    before = _unread(world.applicant)

    listed = Client().get("/api/v1/inbox", headers=headers)
    one = Client().post(f"/api/v1/inbox/{inbox['first'].pk}/read", headers=headers)
    every = Client().post("/api/v1/inbox/read-all", headers=headers)

    assert _subjects(listed) == ["Third", "Second", "First"]
    assert [(r.status_code, r.json()["type"]) for r in (one, every)] == [(403, "urn:vatspilot:problem:token-scope")] * 2
    assert _unread(world.applicant) == before


def test_a_write_token_marks_read(world: World, inbox: dict[str, Notification]) -> None:
    secret = create_api_token(actor=world.applicant, name="writer", scope="write").secret

    response = Client().post("/api/v1/inbox/read-all", headers={"Authorization": f"Bearer {secret}"})

    assert (response.status_code, response.json()) == (200, {"marked": 2})


def test_the_inbox_sends_as_many_queries_for_ten_rows_as_for_one(world: World) -> None:
    officer = world.users[Role.LOCAL_OFFICER]
    client = client_for(officer)
    world.drive_to(State.SUBMITTED)  # the officer hears of the submission, about the application
    assert client.get("/api/v1/inbox").status_code == 200
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/inbox").json()["items"]) == 1
    for _ in range(9):
        world.drive_to(State.SUBMITTED)
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get("/api/v1/inbox").json()["items"]) == 10

    assert len(ten.captured_queries) == len(one.captured_queries)
