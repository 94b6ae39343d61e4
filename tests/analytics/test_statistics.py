"""The public statistics' aggregation (analytics/statistics): exact figures on a small hand-built set of
timelines, and the same answer from the DuckDB SQL that the benchmark times it against."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from vatspilot.analytics.statistics.pilot import DecisionTime, PilotFigures, pilot_statistics
from vatspilot.analytics.statistics.reference_sql import duckdb_statistics, load_frames
from vatspilot.analytics.statistics.supervision import SupervisionFigures, supervision_figures

BEIJING, SHANGHAI = "110000", "310000"
D = date.fromisoformat

# (application, region, services)
APPLICATIONS = [
    (1, BEIJING, ["B11", "B25-05"]),
    (2, BEIJING, ["B12"]),
    (3, SHANGHAI, ["B11", "B14"]),
    (4, SHANGHAI, ["B21"]),
    (5, SHANGHAI, ["B11"]),
    (6, BEIJING, ["B11"]),
    (7, BEIJING, ["B11"]),  # a draft: no timeline
    (8, BEIJING, ["B14"]),
]
# (application, action, to_state, on), in the order they happened; seq is the row's place in this list.
TIMELINE = [
    (1, "submit", "submitted", "2025-03-03"),
    (2, "submit", "submitted", "2025-03-03"),
    (1, "accept", "preliminary_assessment", "2025-03-04"),
    (2, "refuse", "refused", "2025-03-05"),
    (1, "complete_preliminary_assessment", "ministerial_review", "2025-03-05"),
    (1, "approve", "approved", "2025-03-14"),
    (3, "submit", "submitted", "2025-04-01"),
    (3, "accept", "preliminary_assessment", "2025-04-02"),
    (3, "complete_preliminary_assessment", "ministerial_review", "2025-04-08"),
    (3, "approve", "approved", "2025-04-30"),
    (4, "submit", "submitted", "2025-05-05"),
    (4, "request_supplement", "formal_supplement", "2025-05-06"),
    (5, "submit", "submitted", "2025-05-05"),
    (5, "accept", "preliminary_assessment", "2025-05-06"),
    (5, "complete_preliminary_assessment", "ministerial_review", "2025-05-07"),
    (5, "record_opinion", "ministerial_review", "2025-05-08"),
    (6, "submit", "submitted", "2025-05-05"),
    (6, "withdraw", "withdrawn", "2025-05-06"),
    (8, "submit", "submitted", "2025-05-06"),
    (8, "accept", "preliminary_assessment", "2025-05-07"),
    (8, "complete_preliminary_assessment", "ministerial_review", "2025-05-08"),
    (8, "approve", "approved", "2025-06-02"),  # after the calendar's last day: not counted in the times
]


def frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    applications = pl.DataFrame(
        {"application": [a for a, _r, _s in APPLICATIONS], "region": [r for _a, r, _s in APPLICATIONS]},
        schema={"application": pl.Int64, "region": pl.String},
    )
    pairs = [(a, code) for a, _r, codes in APPLICATIONS for code in codes]
    services = pl.DataFrame(pairs, schema={"application": pl.Int64, "service": pl.String}, orient="row")
    rows = [(a, seq, action, state, D(on)) for seq, (a, action, state, on) in enumerate(TIMELINE)]
    # The rows arrive in no particular order: seq alone says which step came last.
    rows.reverse()
    events = pl.DataFrame(
        rows,
        schema={"application": pl.Int64, "seq": pl.Int64, "action": pl.String, "to_state": pl.String, "on": pl.Date},
        orient="row",
    )
    # Weekdays are working days, 2025-03-01 to 2025-05-31 (a plain calendar: enough to count by hand).
    days = [D("2025-03-01") + timedelta(days=i) for i in range(92)]
    index, running = [], 0
    for day in days:
        running += day.weekday() < 5
        index.append(running)
    calendar = pl.DataFrame({"day": days, "working_index": index}, schema={"day": pl.Date, "working_index": pl.Int64})
    return applications, services, events, calendar


EXPECTED = PilotFigures(
    approvals=3,
    approvals_by_region=((BEIJING, 2), (SHANGHAI, 1)),
    approvals_by_service=(("B11", 2), ("B14", 2), ("B25-05", 1)),
    approvals_by_month=(("2025-03", 1), ("2025-04", 1), ("2025-06", 1)),
    infrastructure=(("IDC", 2), ("CDN", 0), ("ISP", 2), ("IDC/CDN/ISP", 3)),
    decision_times=(
        # Beijing: 1 took 9 working days (03-04..03-07, 03-10..03-14), 2 took 2; 8's decision day is past the
        # calendar, so it is a decision but not counted.
        DecisionTime(BEIJING, decisions=3, counted=2, median=5.5, mean=5.5, minimum=2, maximum=9),
        # Shanghai: 3 took 21 working days (April 2025 after the 1st, weekdays).
        DecisionTime(SHANGHAI, decisions=1, counted=1, median=21.0, mean=21.0, minimum=21, maximum=21),
    ),
    in_progress_by_stage=(
        ("formal_review", 1),  # 4, waiting for a supplement
        ("preliminary_assessment", 0),
        ("ministerial_review", 1),  # 5
        ("onsite_verification", 0),
    ),
)


def test_the_figures_of_a_small_set_of_timelines_are_exact() -> None:
    assert pilot_statistics(*frames()) == EXPECTED


def test_duckdb_sql_gives_the_same_figures() -> None:
    assert duckdb_statistics(load_frames(*frames())) == EXPECTED


def test_no_timeline_gives_zeros_in_every_stage_and_nothing_else() -> None:
    applications, services, events, calendar = frames()
    empty = pilot_statistics(applications, services, events.clear(), calendar.clear())
    assert empty == PilotFigures(
        approvals=0,
        approvals_by_region=(),
        approvals_by_service=(),
        approvals_by_month=(),
        infrastructure=(("IDC", 0), ("CDN", 0), ("ISP", 0), ("IDC/CDN/ISP", 0)),
        decision_times=(),
        in_progress_by_stage=(
            ("formal_review", 0),
            ("preliminary_assessment", 0),
            ("ministerial_review", 0),
            ("onsite_verification", 0),
        ),
    )
    assert duckdb_statistics(load_frames(applications, services, events.clear(), calendar.clear())) == empty


@pytest.mark.parametrize("today", [D("2025-10-20")])
def test_supervision_figures_count_reports_findings_and_inspections_as_of_today(today: date) -> None:
    reports = pl.DataFrame(
        [
            (2025, 2, D("2025-07-31"), D("2025-07-30")),  # on time
            (2025, 2, D("2025-07-31"), D("2025-08-04")),  # late
            (2025, 3, D("2025-10-31"), None),  # not due yet: not counted
            (2025, 1, D("2025-04-30"), None),  # not filed, past due
            (2025, 3, D("2025-10-31"), D("2025-10-25")),  # filed after today: not counted yet
        ],
        schema={"year": pl.Int64, "quarter": pl.Int64, "due_on": pl.Date, "submitted_on": pl.Date},
        orient="row",
    )
    findings = pl.DataFrame(
        [("high", "open"), ("high", "resolved"), ("critical", "rectification_ordered"), ("low", "dismissed")],
        schema={"severity": pl.String, "status": pl.String},
        orient="row",
    )
    inspections = pl.DataFrame({"done_on": [D("2025-09-01"), None, D("2025-11-01")]}, schema={"done_on": pl.Date})
    assert supervision_figures(reports, findings, inspections, today=today) == SupervisionFigures(
        reports_by_quarter=(("2025-Q1", 0, 0, 1), ("2025-Q2", 1, 1, 0)),
        findings_by_severity=(("critical", 1, 0), ("high", 1, 1), ("medium", 0, 0), ("low", 0, 1)),
        inspections_drawn=3,
        inspections_done=1,
    )
