"""Review-clock alerts: due soon and overdue, to whoever holds the file, at most once a day."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.jobs.clock_alerts import run_clock_alerts
from vatspilot.services.applications.clock import clock_for
from vatspilot.services.applications.clock_alerts import send_clock_alerts
from vatspilot.store.models import Notification

pytestmark = pytest.mark.django_db

# Accepted on Monday 3 March 2025: the 60th working day after it is Thursday 29 May 2025.
ACCEPTED_ON = date(2025, 3, 3)
ON_TRACK_DAY = date(2025, 4, 1)
DUE_SOON_DAY = date(2025, 5, 20)
OVERDUE_DAY = date(2025, 6, 3)


def alerts() -> list[tuple[str, str, int]]:
    rows = Notification.objects.order_by("kind", "recipient__username", "application_id")
    return [(n.kind, n.recipient.username, n.application_id) for n in rows]


def test_the_days_under_test_are_what_their_names_say(make_application):
    application = make_application("preliminary_assessment", accepted_on=ACCEPTED_ON)

    statuses = [clock_for(application, day).status for day in (ON_TRACK_DAY, DUE_SOON_DAY, OVERDUE_DAY)]

    assert statuses == ["on_track", "due_soon", "overdue"]
    assert clock_for(application, DUE_SOON_DAY).due_date == date(2025, 5, 29)


def test_due_soon_alerts_the_local_officers_of_the_jurisdiction(
    make_application, mailbox, pinned_now, django_capture_on_commit_callbacks
):
    # Given an application in preliminary assessment whose period ends on 29 May
    application = make_application("preliminary_assessment", accepted_on=ACCEPTED_ON)
    pinned_now(DUE_SOON_DAY)

    # When the alerts run on 20 May
    with django_capture_on_commit_callbacks(execute=True):
        created = send_clock_alerts(DUE_SOON_DAY)

    # Then the Shanghai officer (not the Beijing one) is told, in the inbox and by e-mail
    assert created == 1
    assert alerts() == [("application.clock_due_soon", "sh_officer", application.pk)]
    assert [(m.to, m.subject, m.body) for m in mailbox] == [
        (
            ["sh_officer@example.cn"],
            f"Review of application #{application.pk} is due soon",
            f"The statutory review period of application #{application.pk} of 上海示例网络科技有限公司 "
            "(Shanghai) ends on 2025-05-29. Days left: 7.",
        )
    ]


def test_overdue_alerts_the_miit_reviewers_during_ministerial_review(
    make_application, mailbox, pinned_now, django_capture_on_commit_callbacks
):
    application = make_application("ministerial_review", accepted_on=ACCEPTED_ON)
    pinned_now(OVERDUE_DAY)

    with django_capture_on_commit_callbacks(execute=True):
        created = send_clock_alerts(OVERDUE_DAY)

    assert created == 1
    assert alerts() == [("application.clock_overdue", "miit", application.pk)]
    assert [(m.to, m.subject) for m in mailbox] == [
        (["miit@example.cn"], f"Review of application #{application.pk} is overdue")
    ]
    assert "ended on 2025-05-29. The decision is overdue." in mailbox[0].body


def test_a_second_run_the_same_day_creates_nothing(
    make_application, mailbox, pinned_now, django_capture_on_commit_callbacks
):
    make_application("preliminary_assessment", accepted_on=ACCEPTED_ON)
    make_application("onsite_verification", accepted_on=ACCEPTED_ON)
    pinned_now(OVERDUE_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_clock_alerts(OVERDUE_DAY)
    before = alerts()

    with django_capture_on_commit_callbacks(execute=True):
        second = send_clock_alerts(OVERDUE_DAY)

    assert (first, second) == (2, 0)
    assert alerts() == before
    assert len(mailbox) == 2


def test_the_next_day_alerts_again(make_application, mailbox, pinned_now):
    application = make_application("preliminary_assessment", accepted_on=ACCEPTED_ON)
    pinned_now(DUE_SOON_DAY)
    send_clock_alerts(DUE_SOON_DAY)

    next_day = date(2025, 5, 21)
    pinned_now(next_day)
    created = send_clock_alerts(next_day)

    assert created == 1
    assert alerts() == [("application.clock_due_soon", "sh_officer", application.pk)] * 2


def test_due_soon_then_overdue_are_separate_alerts(make_application, mailbox, pinned_now):
    application = make_application("ministerial_review", accepted_on=ACCEPTED_ON)
    for day in (DUE_SOON_DAY, OVERDUE_DAY):
        pinned_now(day)
        send_clock_alerts(day)

    assert alerts() == [
        ("application.clock_due_soon", "miit", application.pk),
        ("application.clock_overdue", "miit", application.pk),
    ]


@pytest.mark.parametrize("status", ["formal_supplement", "ministerial_supplement", "approved", "refused", "draft"])
def test_no_alert_while_the_authority_does_not_hold_the_file(make_application, mailbox, pinned_now, status):
    make_application(status, accepted_on=ACCEPTED_ON)
    pinned_now(OVERDUE_DAY)

    assert send_clock_alerts(OVERDUE_DAY) == 0
    assert alerts() == []


def test_no_alert_while_on_track_or_before_acceptance(make_application, mailbox, pinned_now):
    make_application("preliminary_assessment", accepted_on=ACCEPTED_ON)
    make_application("submitted")  # received, not yet accepted: the clock has not started
    pinned_now(ON_TRACK_DAY)

    assert send_clock_alerts(ON_TRACK_DAY) == 0
    assert alerts() == []


def test_the_daily_task_judges_the_clocks_on_todays_local_date(make_application, mailbox, pinned_now):
    application = make_application("preliminary_assessment", accepted_on=ACCEPTED_ON)
    pinned_now(DUE_SOON_DAY)

    assert run_clock_alerts.call() == 1
    assert alerts() == [("application.clock_due_soon", "sh_officer", application.pk)]
