"""Where a review transition's time goes: the same run as review_transitions.py (its own database,
vatspilot_bench), with every SQL statement recorded (its text, its time, and the part of the transition
that issued it) and a profile of the Python around them.

Prints, per part (lock, facts, roles, decide, write, event, audit, notifications, dossier hash, e-mail
enqueue, reload), the milliseconds per transition spent waiting on the database (wall clock) and this
process's CPU (CPU, not wall: on a shared machine the wall clock measures the other processes too), the
statements per transition of each kind, how each part's database time moves from the first transitions
to the last, and the statements by total time. BENCH_PROFILE_TRANSITIONS changes the number of
transitions; BENCH_PROFILE_CPROFILE=1 also prints cProfile's cumulative list (BENCH_PROFILE_FILTER, a
regular expression over its lines, e.g. "vatspilot", narrows it).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_transitions import DATABASE, fresh_database  # (sets DATABASE_URL first)

TRANSITIONS = int(os.environ.get("BENCH_PROFILE_TRANSITIONS", "200"))

# The part of a transition a statement belongs to: the innermost of these functions on its stack.
PARTS = {
    "locked": "lock",
    "facts_for": "facts",
    "roles_of": "roles",
    "dossier_hash_of": "dossier hash",
    "void_reviews_not_on": "void reviews",
    "save_if_unchanged": "write",
    "_record_event": "event",
    "record_event": "event",
    "record_audit": "audit",
    "notify_about": "notifications",
    "enqueue": "e-mail enqueue",
    "request_supplement": "writer's own rows",
    "answer_supplement": "writer's own rows",
    "perform": "reload",
}
_FUNCTIONS = set(PARTS)


def part_of(frame: FrameType | None) -> str:
    """The part whose function is innermost on the stack (walked by hand: traceback would cost more than
    the statement)."""
    while frame is not None:
        name = frame.f_code.co_name
        if name in _FUNCTIONS:
            return PARTS[name]
        frame = frame.f_back
    return "other"


class Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, str, float]] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.statements.append((part_of(sys._getframe(1)), sql, elapsed))


def main() -> None:
    fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    from pilot_world import build_world

    from vatspilot.domain.applications import Action, Role, State
    from vatspilot.services import applications as svc
    from vatspilot.services.applications import review_actions  # noqa: F401  (loaded before the wrapping)

    world = build_world()
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    miit, applicant = world.users[Role.MIIT_REVIEWER], world.users[Role.APPLICANT]

    def timed_connection(connection, name, part):  # type: ignore[no-untyped-def]
        original = getattr(connection, name)

        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - started

        setattr(connection, name, wrapper)

    # This process's CPU per part (Python, and the client's side of its statements): wrap the functions
    # the writers call. CPU rather than the wall clock, which on a shared machine measures the others too.
    spent: dict[str, float] = defaultdict(float)

    def timed(name, part):  # type: ignore[no-untyped-def]
        """Wrap the function ``name`` wherever the platform holds it: module attributes (imports under
        any name) and the fields of lifecycle specs. Absent names are skipped (the code moves)."""
        originals = {
            id(value): value
            for module in list(sys.modules.values())
            if (module.__name__ or "").startswith("vatspilot")
            for value in [getattr(module, name, None)]
            if callable(value) and getattr(value, "__name__", "") == name
        }
        for original in originals.values():

            def wrapper(*args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
                started = time.process_time()
                try:
                    return __original(*args, **kwargs)
                finally:
                    spent[part] += time.process_time() - started

            for module in list(sys.modules.values()):
                if (module.__name__ or "").startswith("vatspilot"):
                    for attribute, value in list(vars(module).items()):
                        if value is original:
                            setattr(module, attribute, wrapper)
                        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                            for field in dataclasses.fields(value):
                                if getattr(value, field.name) is original:
                                    object.__setattr__(value, field.name, wrapper)

    timed("locked", "lock")  # (its callee, the spec's lock, not wrapped too: nested wrappers count twice)
    timed("facts_of", "facts")
    timed("roles_of", "roles")
    timed("decide_for", "decide (facts+roles+table)")
    timed("record_audit", "audit")
    timed("notify_kind", "notifications")
    timed("notify_about", "notifications")
    timed("dossier_hash_of", "dossier hash")
    timed("apply_transition", "apply (write+event+audit+notifications)")
    timed("take", "take (lock+decide)")
    timed("recipients_for", "notifications: recipients")
    timed("document_hashes_for", "facts: document hashes")
    timed("dossier_hashes_for", "facts: dossier hash")
    timed("void_reviews_not_on", "void reviews")
    timed("save_if_unchanged", "write")
    timed("_record_event", "event")
    timed("record_event", "event")
    timed("perform", "whole transition")
    spent.clear()
    timed_connection(connection, "commit", "commit")
    timed_connection(connection, "run_and_clear_commit_hooks", "e-mail enqueue")

    recorder = Recorder()
    per_kind: dict[str, list[int]] = defaultdict(list)
    timings: list[float] = []
    bounds: list[tuple[int, int]] = []
    on = date(2025, 6, 3)
    profiler = None
    if os.environ.get("BENCH_PROFILE_CPROFILE"):
        import cProfile

        profiler = cProfile.Profile()
    with connection.execute_wrapper(recorder):
        for i in range(TRANSITIONS):
            on += timedelta(days=1)
            asking = i % 2 == 0
            before = len(recorder.statements)
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            application = svc.perform(
                actor=miit if asking else applicant,
                application=application,
                action=Action.REQUEST_SUPPLEMENT if asking else Action.ANSWER_SUPPLEMENT,
                on=on,
                expected_version=application.version,
                **({"items": ["Node list for the quarter"]} if asking else {}),
            )
            if profiler:
                profiler.disable()
            timings.append(time.perf_counter() - started)
            per_kind["request_supplement" if asking else "answer_supplement"].append(len(recorder.statements) - before)
            bounds.append((before, len(recorder.statements)))
    total = sum(timings)
    print(f"profile of {TRANSITIONS} review transitions on PostgreSQL ({DATABASE}); load {os.getloadavg()[0]:.2f}")
    print(f"  {TRANSITIONS / total:,.0f} transitions/s, median {statistics.median(timings) * 1000:.2f} ms (wall clock)")
    for kind, counts in per_kind.items():
        print(f"  {kind}: statements min {min(counts)} median {statistics.median(counts)} max {max(counts)}")
    in_db: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    for part, _sql, elapsed in recorder.statements:
        in_db[part] += elapsed
        count[part] += 1
    print("  per transition, by part: ms waiting on the database (statements, wall clock); ms of this process's CPU")
    for part in sorted(set(in_db) | set(spent), key=lambda p: -(spent.get(p) or in_db.get(p, 0))):
        print(
            f"    {part:32} {in_db.get(part, 0) * 1000 / TRANSITIONS:6.2f} ms ({count.get(part, 0) / TRANSITIONS:4.1f})"
            f"  {spent.get(part, 0) * 1000 / TRANSITIONS:6.2f} ms"
        )
    all_db = sum(in_db.values())
    print(f"    {'all statements':32} {all_db * 1000 / TRANSITIONS:6.2f} ms; total {total * 1000 / TRANSITIONS:.2f} ms")
    print("  growth: ms in the database per transition by part, first 20 transitions against the last 20")
    for part in sorted(in_db, key=lambda p: -in_db[p]):
        first, last = (
            sum(e for s, t in bounds[a:b] for p, _q, e in recorder.statements[s:t] if p == part) * 1000 / 20
            for a, b in ((0, 20), (TRANSITIONS - 20, TRANSITIONS))
        )
        print(f"    {part:32} {first:6.2f} ms -> {last:6.2f} ms")
    print(
        f"  whole transition: first 20 median {statistics.median(timings[:20]) * 1000:.2f} ms,"
        f" last 20 median {statistics.median(timings[-20:]) * 1000:.2f} ms"
    )
    by_sql: dict[tuple[str, str], list[float]] = defaultdict(list)
    for part, sql, elapsed in recorder.statements:
        by_sql[(part, " ".join(sql.split())[:150])].append(elapsed)
    print("  statements by total time (part, count per transition, ms each median, text):")
    for (part, sql), times in sorted(by_sql.items(), key=lambda item: -sum(item[1]))[:40]:
        print(f"    {part:15} {len(times) / TRANSITIONS:4.1f} {statistics.median(times) * 1000:6.2f}  {sql}")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 60)


if __name__ == "__main__":
    main()
