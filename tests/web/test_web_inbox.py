"""The inbox: the user's own notifications, marked read one by one or all at once."""

from __future__ import annotations

from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.store.models import Notification


def test_the_applicant_is_notified_of_a_supplement_request_in_the_inbox(world: World) -> None:
    application = world.drive_to(State.FORMAL_SUPPLEMENT)

    response = client_for(world.applicant).get(reverse("web:inbox"))

    notification = Notification.objects.get(recipient=world.applicant, kind="application.supplement_requested")
    assert notification.application_id == application.pk
    assert notification.subject in response.content.decode()


def test_marking_one_notification_read(world: World) -> None:
    mine = Notification.objects.create(recipient=world.applicant, kind="k", subject="one", body="b")
    other = Notification.objects.create(recipient=world.applicant, kind="k", subject="two", body="b")

    response = client_for(world.applicant).post(reverse("web:notification_read", args=[mine.pk]))

    mine.refresh_from_db()
    other.refresh_from_db()
    assert response.status_code == 302
    assert mine.read_at is not None
    assert other.read_at is None


def test_marking_read_with_htmx_returns_the_updated_item(world: World) -> None:
    mine = Notification.objects.create(recipient=world.applicant, kind="k", subject="one", body="b")

    response = client_for(world.applicant).post(
        reverse("web:notification_read", args=[mine.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert text.strip().startswith(f'<li class="notification" id="notification-{mine.pk}">')
    assert "Mark as read" not in text


def test_another_users_notification_is_not_found(world: World) -> None:
    theirs = Notification.objects.create(recipient=world.users[Role.MIIT_REVIEWER], kind="k", subject="s", body="b")

    response = client_for(world.applicant).post(reverse("web:notification_read", args=[theirs.pk]))

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.read_at is None


def test_marking_all_read(world: World) -> None:
    for subject in ("a", "b"):
        Notification.objects.create(recipient=world.applicant, kind="k", subject=subject, body="b")
    theirs = Notification.objects.create(recipient=world.users[Role.MIIT_REVIEWER], kind="k", subject="s", body="b")

    client_for(world.applicant).post(reverse("web:notifications_read_all"))

    assert not Notification.objects.filter(recipient=world.applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
