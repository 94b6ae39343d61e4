"""The demo's supervision, built on the day `make run` picks: a filed quarterly report with its findings,
a finding past its rectification deadline that MIIT may now escalate, a draw, and a quarter whose window
is open for the visitor; and the demo day itself."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from vatspilot.demo.data import create_demo
from vatspilot.demo.supervision import built_on, day_to_run, demo_day, summary_lines
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import Finding, Inspection, InspectionDraw, Licence, QuarterlyReport

DEMO_DAY = date(2026, 10, 5)


@pytest.mark.parametrize(
    ("real", "day"),
    [
        (date(2026, 12, 7), date(2026, 10, 5)),  # no window open: the current quarter's 5th day
        (date(2027, 1, 3), date(2027, 1, 3)),  # Q4's window is open
        (date(2027, 1, 30), date(2027, 1, 30)),  # its cure deadline
        (date(2027, 1, 31), date(2027, 1, 5)),
        (date(2026, 3, 31), date(2026, 1, 5)),
    ],
)
def test_the_demo_day_has_a_report_window_open(real: date, day: date) -> None:
    assert demo_day(real) == day


@pytest.mark.django_db
def test_the_supervision_demo(tmp_path) -> None:
    assert day_to_run(date(2026, 12, 7), pinned=False) == DEMO_DAY
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        create_demo(DEMO_DAY)
    assert built_on() == DEMO_DAY
    assert day_to_run(date(2027, 2, 1), pinned=False) == DEMO_DAY  # the demo keeps the day it was built on
    assert day_to_run(date(2027, 2, 1), pinned=True) == date(2027, 2, 1)
    licence = Licence.objects.get(holder_name_en="Harbour Data Technology (Shanghai) Co., Ltd.")
    report = QuarterlyReport.objects.get(licence=licence)
    assert (report.year, report.quarter, report.status, report.submitted_on) == (
        2026,
        2,
        "submitted",
        date(2026, 7, 15),
    )
    assert sorted(report.findings.values_list("rule", flat=True)) == [
        "cross-border:mechanism",  # 152,000 people's personal information, no mechanism on file
        "log:incident-reported-late",
        "log:vulnerability-overdue",  # CVE-2025-0001 (critical) and CVE-2025-0002 (low), both still open
        "log:vulnerability-overdue",
        "node:declared-location-mismatch",
        "node:outside-licensed-area",
        "node:outside-mainland",
    ]
    ladder = Finding.objects.get(status="rectification_ordered")
    assert (ladder.rule, ladder.rectification_due_on) == ("node:outside-licensed-area", date(2026, 8, 30))
    draw = InspectionDraw.objects.get()
    assert draw.result["teams"][0]["licensee"] in draw.licensee_pool
    assert Inspection.objects.filter(draw=draw).count() == 1
    assert verify_chain().ok
    lines = summary_lines(DEMO_DAY)
    assert lines[0] == f"Supervision (applicant-shanghai, officer-shanghai, miit, inspector; licence {licence.number}):"
    assert lines[1] == f"  report 2026-Q2 filed, 7 findings: /reports/{report.pk}/"
    assert lines[4].startswith(f"  file 2026-Q3 (due 2026-10-15) at /licences/{licence.number}/reports/")
