"""The clock beyond the official calendar: judged on days of 2027 (injected), provisional until the year's
notice is entered, then recomputed from it; and the one injectable "today" the jobs and pages read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone

from vatspilot.cli.main import cli
from vatspilot.jobs.clock_alerts import run_clock_alerts
from vatspilot.services.applications.clock import clock_for
from vatspilot.services.applications.clock_alerts import send_clock_alerts
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.models import Notification

pytestmark = pytest.mark.django_db

# TEST DATA, not the official arrangement of 2027 (which is not published): a notice that gives 1-3 March
# 2027 off and makes Saturday 27 February a working day, to show that an entered year replaces the projection.
TEST_NOTICE_2027 = """\
year: 2027
citation: {en: "Test notice for 2027 (not official)", zh: "2027年测试通知（非官方）"}
confidence: M
source: "tests/jobs/test_jobs_clock_2027.py"
holidays:
  - {name: "New Year's Day", from: 2027-01-01, to: 2027-01-01}
  - {name: "Test holiday", from: 2027-03-01, to: 2027-03-03}
working_days: [2027-02-27]
"""


@pytest.fixture
def calendar_dir(settings, tmp_path: Path) -> Path:
    """An empty administrator's calendar folder for the test (never var/calendar)."""
    folder = tmp_path / "calendar"
    settings.VATSPILOT_CALENDAR_DIR = str(folder)
    return folder


def test_a_file_accepted_today_shows_a_provisional_due_date_in_2027(make_application, calendar_dir):
    # Accepted Wed 2 Dec 2026: 21 working days left in December, then 39 on the projected 2027 (see
    # tests/domain/applications/test_app_clock_2027.py): the 60th is Mon 1 March 2027.
    application = make_application("preliminary_assessment", accepted_on=date(2026, 12, 2))

    clock = clock_for(application, date(2026, 12, 2))

    assert (clock.due_date, clock.days_left, clock.status, clock.provisional_years) == (
        date(2027, 3, 1),
        60,
        "on_track",
        (2027,),
    )


def test_entering_the_years_notice_recomputes_the_clock(make_application, calendar_dir):
    application = make_application("preliminary_assessment", accepted_on=date(2026, 12, 2))
    today = date(2027, 2, 26)
    before = clock_for(application, today)
    notice = calendar_dir.parent / "notice-2027.yaml"
    notice.write_text(TEST_NOTICE_2027, encoding="utf-8")

    result = CliRunner().invoke(cli, ["calendar", "add-year", str(notice)])

    after = clock_for(application, today)
    assert result.exit_code == 0, result.output
    assert (calendar_dir / "2027.yaml").read_text(encoding="utf-8") == TEST_NOTICE_2027
    # Projected: 21 + 20 (January) + 18 (February, with 5 and 8 Feb off) = 59 used on Fri 26 Feb; the 60th is
    # Mon 1 Mar. With the test notice, 5 and 8 Feb are working days: February's 20 make 61 used, the 60th
    # was Thu 25 Feb, and the clock is official: nothing provisional is left.
    assert (before.days_used, before.due_date, before.status, before.provisional_years) == (
        59,
        date(2027, 3, 1),
        "due_soon",
        (2027,),
    )
    assert (after.days_used, after.due_date, after.status, after.provisional_years) == (
        61,
        date(2027, 2, 25),
        "overdue",
        (),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("confidence: M", "confidence: U"), "confidence: 'U' is not one of C1, C2, M"),
        (
            ("working_days: [2027-02-27]", "working_days: [2027-02-26]"),
            "working_days[0]: 2027-02-26 is a weekday, not a make-up working day",
        ),
        (('source: "tests/jobs/test_jobs_clock_2027.py"\n', ""), "source: is required"),
    ],
)
def test_a_bad_notice_is_refused_naming_the_field_and_nothing_is_written(calendar_dir, change, message):
    notice = calendar_dir.parent / "notice-2027.yaml"
    notice.parent.mkdir(parents=True, exist_ok=True)
    notice.write_text(TEST_NOTICE_2027.replace(*change), encoding="utf-8")

    result = CliRunner().invoke(cli, ["calendar", "add-year", str(notice)])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Not added: {notice}: {message}\n"
    assert not calendar_dir.exists()


def test_a_year_added_before_is_replaced_only_on_request(calendar_dir):
    notice = calendar_dir.parent / "notice-2027.yaml"
    notice.parent.mkdir(parents=True, exist_ok=True)
    notice.write_text(TEST_NOTICE_2027, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["calendar", "add-year", str(notice)]).exit_code == 0
    notice.write_text(TEST_NOTICE_2027.replace("2027-03-03", "2027-03-04"), encoding="utf-8")

    refused = runner.invoke(cli, ["calendar", "add-year", str(notice)])
    replaced = runner.invoke(cli, ["calendar", "add-year", str(notice), "--replace"])

    assert refused.exit_code == 2
    assert "use --replace" in refused.stderr
    assert replaced.exit_code == 0
    assert "2027-03-04" in (calendar_dir / "2027.yaml").read_text(encoding="utf-8")


def test_the_calendar_years_command_names_each_source(calendar_dir):
    result = CliRunner().invoke(cli, ["calendar", "years"])

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2026: official, calendar data: General Office of the State Council")
    assert lines[1] == "2004-2025: official, chinese-calendar package"
    assert lines[2].startswith("Other years from 2025 on: provisional, statutory holidays alone (State Council")


def test_provisional_clocks_alert_on_2027_days(make_application, mailbox, pinned_now, calendar_dir):
    # Judged on Mon 1 Mar 2027: the file accepted on 2 Dec 2026 is due that day (due soon); the one accepted
    # on Mon 2 Nov 2026 passed its 60th working day on Tue 26 Jan 2027 (overdue).
    due_today = make_application("preliminary_assessment", accepted_on=date(2026, 12, 2))
    overdue = make_application("ministerial_review", accepted_on=date(2026, 11, 2))
    day = date(2027, 3, 1)
    pinned_now(day)

    created = send_clock_alerts(day)

    kinds = sorted(Notification.objects.values_list("kind", "application_id"))
    assert created == 2
    assert kinds == [("application.clock_due_soon", due_today.pk), ("application.clock_overdue", overdue.pk)]
    # The projected dates are labelled in the messages too, in the reader's language.
    bodies = {n.application_id: n.body for n in Notification.objects.all()}
    assert "ends on 2027-03-01 (provisional)." in bodies[due_today.pk]
    assert "ended on 2027-01-26 (provisional)." in bodies[overdue.pk]


def test_legal_today_is_pinned_by_the_setting(settings):
    settings.VATSPILOT_TODAY = "2027-03-01"
    assert legal_today() == date(2027, 3, 1)
    settings.VATSPILOT_TODAY = date(2026, 12, 2)
    assert legal_today() == date(2026, 12, 2)


def test_legal_today_is_the_date_in_china(settings, monkeypatch):
    # 20:00 UTC on 28 February is 04:00 on 1 March in Shanghai: the date is China's, whatever the zone.
    settings.VATSPILOT_TODAY = None
    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 2, 28, 20, tzinfo=UTC))
    assert legal_today() == date(2027, 3, 1)


def test_the_daily_task_judges_2027_through_legal_today(make_application, mailbox, pinned_now, settings, calendar_dir):
    application = make_application("preliminary_assessment", accepted_on=date(2026, 12, 2))
    pinned_now(date(2027, 3, 1))
    settings.VATSPILOT_TODAY = "2027-03-01"

    assert run_clock_alerts.call() == 1
    assert list(Notification.objects.values_list("kind", "application_id")) == [
        ("application.clock_due_soon", application.pk)
    ]


def test_a_folder_that_cannot_be_written_is_a_clear_error(settings, tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    settings.VATSPILOT_CALENDAR_DIR = str(blocker / "calendar")
    notice = tmp_path / "notice-2027.yaml"
    notice.write_text(TEST_NOTICE_2027, encoding="utf-8")

    result = CliRunner().invoke(cli, ["calendar", "add-year", str(notice)])

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Not added: {blocker / 'calendar' / '2027.yaml'}: ")
    assert len(result.stderr.splitlines()) == 1
