"""The obligations calendar: the quarterly pilot report and the annual report, their dates and statuses."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.supervision.obligations import (
    REPORT_REMINDER_DAYS,
    ObligationKind,
    ObligationStatus,
    ReportTerms,
    annual_report,
    obligations,
    quarter_of,
    quarterly_report,
    reminder_due,
    report_terms,
    status_of,
)
from vatspilot.rulebook.loader import default_rulebook

TERMS = ReportTerms(
    quarterly_due_days=15,
    annual_window_start=(1, 1),
    annual_window_end=(3, 31),
    quarterly_cure_days=15,
    annual_cure_days=30,
)


def always(_: date) -> ReportTerms:
    return TERMS


def test_the_rulebook_parameters_make_the_default_terms() -> None:
    rulebook = default_rulebook()
    on = date(2026, 12, 7)
    terms = report_terms(
        rulebook.parameter("parameter:quarterly-report-due-days", on),
        rulebook.parameter("parameter:annual-report-window", on),
        rulebook.parameter("parameter:report-cure-days", on),
    )
    assert terms == TERMS
    entry = next(p for p in rulebook.parameters if p.meta.id == "parameter:report-cure-days")
    assert (entry.meta.confidence.value, entry.meta.period.start) == ("U", date(2022, 5, 1))
    assert "Art. 38" in entry.meta.citation.en and "第三十八条" in entry.meta.citation.zh


@pytest.mark.parametrize(
    ("due", "window", "cure", "message"),
    [
        (15, {"start": "01-01"}, {"annual": 30, "quarterly": 15}, "needs a start and an end"),
        (15, {"start": "01-01", "end": "02-30"}, {"annual": 30, "quarterly": 15}, "MM-DD, not '02-30'"),
        (15, {"start": "04-01", "end": "03-31"}, {"annual": 30, "quarterly": 15}, "ends before it starts"),
        ("15", {"start": "01-01", "end": "03-31"}, {"annual": 30, "quarterly": 15}, "must be a number"),
        (15, {"start": "01-01", "end": "03-31"}, {"annual": 30}, "an annual and a quarterly value"),
        (15, {"start": "01-01", "end": "03-31"}, {"annual": -1, "quarterly": 15}, "annual_cure_days must be"),
    ],
)
def test_bad_terms_are_refused(due: object, window: object, cure: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        report_terms(due, window, cure)


def test_quarterly_report_dates() -> None:
    q3 = quarterly_report(2025, 3, TERMS)
    assert (q3.kind, q3.label, q3.period_start, q3.period_end) == (
        ObligationKind.QUARTERLY_REPORT,
        "2025-Q3",
        date(2025, 7, 1),
        date(2025, 9, 30),
    )
    assert (q3.opens_on, q3.due_on, q3.cure_deadline) == (date(2025, 10, 1), date(2025, 10, 15), date(2025, 10, 30))
    q4 = quarterly_report(2025, 4, TERMS)
    assert (q4.period_end, q4.opens_on, q4.due_on, q4.cure_deadline) == (
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 15),
        date(2026, 1, 30),
    )
    # Q1 of a leap year ends on 31 March whatever February had; Q2's due day crosses into July.
    assert quarterly_report(2024, 1, TERMS).period_end == date(2024, 3, 31)
    assert quarterly_report(2024, 2, TERMS).due_on == date(2024, 7, 15)
    with pytest.raises(ValueError, match="a quarter is 1 to 4"):
        quarterly_report(2025, 5, TERMS)


def test_annual_report_dates() -> None:
    report = annual_report(2025, TERMS)
    assert (report.kind, report.label, report.period_start, report.period_end) == (
        ObligationKind.ANNUAL_REPORT,
        "2025",
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert (report.opens_on, report.due_on, report.cure_deadline) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 30),
    )


@pytest.mark.parametrize(
    ("today", "submitted_on", "status"),
    [
        (date(2025, 9, 30), None, ObligationStatus.NOT_DUE),  # the quarter's last day
        (date(2025, 10, 1), None, ObligationStatus.OPEN),  # the window opens
        (date(2025, 10, 15), None, ObligationStatus.OPEN),  # the due day itself
        (date(2025, 10, 16), None, ObligationStatus.LATE),  # the first day late, within the cure deadline
        (date(2025, 10, 30), None, ObligationStatus.LATE),  # the cure deadline's last day
        (date(2025, 10, 31), None, ObligationStatus.OVERDUE),
        (date(2025, 10, 20), date(2025, 10, 15), ObligationStatus.SUBMITTED),
        (date(2025, 10, 20), date(2025, 10, 16), ObligationStatus.LATE),
        (date(2026, 3, 1), date(2025, 12, 1), ObligationStatus.LATE),  # filed after the cure deadline
        (date(2025, 10, 2), date(2025, 10, 2), ObligationStatus.SUBMITTED),
    ],
)
def test_status_at_each_edge(today: date, submitted_on: date | None, status: ObligationStatus) -> None:
    q3 = quarterly_report(2025, 3, TERMS)
    assert status_of(q3, today, submitted_on) is status
    assert q3.status(today, submitted_on) is status


def test_a_filing_after_the_day_asked_about_is_an_input_error() -> None:
    with pytest.raises(ValueError, match="after the day asked about"):
        status_of(quarterly_report(2025, 3, TERMS), date(2025, 10, 1), date(2025, 10, 2))


def test_annual_status_edges() -> None:
    report = annual_report(2025, TERMS)
    assert status_of(report, date(2025, 12, 31)) is ObligationStatus.NOT_DUE
    assert status_of(report, date(2026, 1, 1)) is ObligationStatus.OPEN
    assert status_of(report, date(2026, 3, 31)) is ObligationStatus.OPEN
    assert status_of(report, date(2026, 4, 1)) is ObligationStatus.LATE
    assert status_of(report, date(2026, 4, 30)) is ObligationStatus.LATE
    assert status_of(report, date(2026, 5, 1)) is ObligationStatus.OVERDUE


def test_calendar_of_a_licence_issued_mid_quarter() -> None:
    found = obligations(date(2025, 6, 1), date(2026, 4, 20), always)
    # Q2 2025 started before issue and is not owed; Q2 2026 has started by 2026-04-20 and is listed.
    assert [(o.label, o.due_on) for o in found] == [
        ("2025-Q3", date(2025, 10, 15)),
        ("2025-Q4", date(2026, 1, 15)),
        ("2025", date(2026, 3, 31)),
        ("2026-Q1", date(2026, 4, 15)),
        ("2026-Q2", date(2026, 7, 15)),
        ("2026", date(2027, 3, 31)),
    ]
    statuses = [o.status(date(2026, 4, 20)) for o in found]
    assert statuses == [
        ObligationStatus.OVERDUE,
        ObligationStatus.OVERDUE,
        ObligationStatus.LATE,
        ObligationStatus.LATE,
        ObligationStatus.NOT_DUE,
        ObligationStatus.NOT_DUE,
    ]


def test_a_licence_issued_on_a_quarters_first_day_owes_that_quarter() -> None:
    found = obligations(date(2025, 7, 1), date(2025, 7, 1), always)
    assert [o.label for o in found] == ["2025-Q3", "2025"]
    assert [o.label for o in obligations(date(2025, 7, 2), date(2025, 9, 30), always)] == ["2025"]
    # Issued on 31 December: the year is owed, its fourth quarter is not.
    assert [o.label for o in obligations(date(2025, 12, 31), date(2026, 1, 1), always)] == ["2025", "2026-Q1", "2026"]


def test_a_licence_that_ended_owes_the_period_it_ended_in_and_nothing_later() -> None:
    found = obligations(date(2025, 1, 1), date(2027, 6, 1), always, ends_on=date(2025, 8, 10))
    assert [o.label for o in found] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025"]


def test_each_obligation_takes_the_terms_in_force_on_its_periods_end() -> None:
    longer = ReportTerms(20, (1, 1), (3, 31), 10, 30)

    def terms_on(day: date) -> ReportTerms:
        return longer if day >= date(2026, 1, 1) else TERMS

    found = {o.label: o for o in obligations(date(2025, 10, 1), date(2026, 1, 1), terms_on)}
    assert (found["2025-Q4"].due_on, found["2025-Q4"].cure_deadline) == (date(2026, 1, 15), date(2026, 1, 30))
    assert (found["2026-Q1"].due_on, found["2026-Q1"].cure_deadline) == (date(2026, 4, 20), date(2026, 4, 30))


def test_quarter_of() -> None:
    assert [quarter_of(date(2025, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        (2025, 1),
        (2025, 1),
        (2025, 2),
        (2025, 2),
        (2025, 3),
        (2025, 3),
        (2025, 4),
        (2025, 4),
    ]


def test_reminders_while_the_window_is_open() -> None:
    assert REPORT_REMINDER_DAYS == (30, 7, 1)
    q3 = quarterly_report(2025, 3, TERMS)
    assert reminder_due(q3, date(2025, 9, 30), None, ()) is None  # not open yet
    # The window opens 14 days before the due day: the 30-day reminder goes out at once, once.
    assert reminder_due(q3, date(2025, 10, 1), None, ()) == 30
    assert reminder_due(q3, date(2025, 10, 2), None, (30,)) is None
    assert reminder_due(q3, date(2025, 10, 8), None, (30,)) == 7
    assert reminder_due(q3, date(2025, 10, 14), None, (30, 7)) == 1
    assert reminder_due(q3, date(2025, 10, 15), None, (30, 7, 1)) is None
    # A job that missed days sends the most urgent only.
    assert reminder_due(q3, date(2025, 10, 14), None, ()) == 1
    assert reminder_due(q3, date(2025, 10, 10), date(2025, 10, 9), ()) is None  # filed
    assert reminder_due(q3, date(2025, 10, 16), None, ()) is None  # late: no more reminders
    report = annual_report(2025, TERMS)
    assert reminder_due(report, date(2026, 1, 1), None, ()) is None  # 89 days left
    assert reminder_due(report, date(2026, 3, 1), None, ()) == 30
