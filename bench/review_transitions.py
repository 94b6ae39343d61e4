"""Benchmark: review transitions per second on PostgreSQL, each with its row lock, timeline event,
audit entry and notifications; and the cost of one application's 300th transition against its 10th.

The application is carried to ministerial review, then MIIT's supplement requests and the applicant's
answers alternate (the table allows them without limit), so one application sees hundreds of
transitions. Uses its own database (vatspilot_bench), created when missing and emptied first.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

DATABASE = "vatspilot_bench"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VATSPILOT_TASKS_BACKEND", "database")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

TRANSITIONS = 400


def _fresh_database() -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def main() -> None:
    _fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    from pilot_world import build_world  # the same world the service tests use

    from vatspilot.domain.applications import Action, Role, State
    from vatspilot.services import applications as svc

    world = build_world()
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    miit, applicant = world.users[Role.MIIT_REVIEWER], world.users[Role.APPLICANT]
    timings: list[float] = []
    on = date(2025, 6, 3)
    for i in range(TRANSITIONS):
        on += timedelta(days=1)
        asking = i % 2 == 0
        started = time.perf_counter()
        svc.perform(
            actor=miit if asking else applicant,
            application=application,
            action=Action.REQUEST_SUPPLEMENT if asking else Action.ANSWER_SUPPLEMENT,
            on=on,
            expected_version=application.version,
            **({"items": ["Node list for the quarter"]} if asking else {}),
        )
        timings.append(time.perf_counter() - started)
        application.refresh_from_db()
    if os.environ.get("BENCH_CURVE"):
        print([round(statistics.median(timings[i : i + 20]) * 1000, 1) for i in range(0, TRANSITIONS, 20)])
    total = sum(timings)
    tenth = statistics.median(timings[5:15])
    three_hundredth = statistics.median(timings[295:305])
    print(f"review transitions on PostgreSQL: {TRANSITIONS} on one application in {total:.2f} s")
    print(f"  {TRANSITIONS / total:,.0f} transitions/s (each: row lock, version check, event, audit entry, inbox)")
    ratio = three_hundredth / tenth
    print(f"  10th transition {tenth * 1000:.2f} ms, 300th {three_hundredth * 1000:.2f} ms: ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
