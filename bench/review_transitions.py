"""Benchmark: review transitions per second on PostgreSQL, each with its row lock, timeline event,
audit entry and notifications; and the cost of one application's 300th transition against its 10th.

The application is carried to ministerial review, then MIIT's supplement requests and the applicant's
answers alternate (the table allows them without limit), so one application sees hundreds of
transitions. Uses its own database (vatspilot_bench), created when missing and emptied first. Each
transition starts from the application perform returned for the one before, as the web and the API do.

Every SQL statement a transition sends is counted (connection.execute_wrapper; the COMMIT is not a
statement and is not counted): min, median and max per action, and the count must not grow with the
transition index (asserted). bench/review_transitions_profile.py shows where the time goes.
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


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def main() -> None:
    fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
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
    statements: dict[str, list[int]] = {Action.REQUEST_SUPPLEMENT: [], Action.ANSWER_SUPPLEMENT: []}
    sent = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    on = date(2025, 6, 3)
    server = _backend_pid(connection)
    cpu_started, server_started = time.process_time(), _cpu_seconds(server)
    for i in range(TRANSITIONS):
        on += timedelta(days=1)
        asking = i % 2 == 0
        action = Action.REQUEST_SUPPLEMENT if asking else Action.ANSWER_SUPPLEMENT
        sent = 0
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            application = svc.perform(
                actor=miit if asking else applicant,
                application=application,
                action=action,
                on=on,
                expected_version=application.version,
                **({"items": ["Node list for the quarter"]} if asking else {}),
            )
        timings.append(time.perf_counter() - started)
        statements[action].append(sent)
    cpu = time.process_time() - cpu_started
    server_cpu = _cpu_seconds(server) - server_started
    if os.environ.get("BENCH_CURVE"):
        print([round(statistics.median(timings[i : i + 20]) * 1000, 1) for i in range(0, TRANSITIONS, 20)])
    total = sum(timings)
    tenth = statistics.median(timings[5:15])
    three_hundredth = statistics.median(timings[295:305])
    print(f"review transitions on PostgreSQL: {TRANSITIONS} on one application in {total:.2f} s")
    print(f"  {TRANSITIONS / total:,.0f} transitions/s (each: row lock, version check, event, audit entry, inbox)")
    ratio = three_hundredth / tenth
    print(f"  10th transition {tenth * 1000:.2f} ms, 300th {three_hundredth * 1000:.2f} ms: ratio {ratio:.2f}")
    for action, counts in statements.items():
        print(
            f"  SQL statements per {action.value}: min {min(counts)}, median {statistics.median(counts):g},"
            f" max {max(counts)}"
        )
        half = len(counts) // 2
        # A count that grows with the index is a query per earlier transition (an N+1 over the history).
        assert max(counts[half:]) <= max(counts[:half]), f"{action.value}: statements grow with the index"
    per = 1000 / TRANSITIONS
    print(
        f"  CPU per transition: {cpu * per:.2f} ms in this process, {server_cpu * per:.2f} ms in its PostgreSQL"
        f" backend: {TRANSITIONS / (cpu + server_cpu):,.0f} transitions/s of one core's CPU (the wall clock"
        " above adds the waits: commits' WAL flushes, and other processes on a loaded machine)"
    )
    print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (the machine may be shared)")


def _backend_pid(connection) -> int:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (/proc, Linux; the server runs on this machine); 0 where
    that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
