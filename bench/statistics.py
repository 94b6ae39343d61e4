"""Benchmark: the public statistics of 1,000,000 applications' timelines, Polars against DuckDB.

Builds a reproducible set of applications in the four regions (each with one to three services and a
timeline of one to eight steps: submitted, then some reviewed, most decided) and a working-day calendar,
then times `pilot_statistics` (Polars, the pages' path) and `duckdb_statistics` (the same figures in DuckDB
SQL over the same rows, loaded into DuckDB's own tables beforehand), each its best of three runs in the
same process. Prints both times and the ratio; the goal (Polars within 2 times DuckDB) is printed, not
asserted. Exits 1 when the two answers differ.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import polars as pl

from vatspilot.analytics.statistics.pilot import pilot_statistics
from vatspilot.analytics.statistics.reference_sql import duckdb_statistics, load_frames

APPLICATIONS = 1_000_000
SEED = 20251201
RUNS = 3
REGIONS = ["110000", "310000", "440000", "460000"]
SERVICES = ["B11", "B12", "B14", "B21", "B25-01", "B25-05"]
START = date(2024, 10, 23)
T = TypeVar("T")
# The path each application takes (its steps' to_state and action), chosen by its hash.
PATHS: list[list[tuple[str, str]]] = [
    [("submit", "submitted")],
    [("submit", "submitted"), ("request_supplement", "formal_supplement")],
    [("submit", "submitted"), ("accept", "preliminary_assessment")],
    [
        ("submit", "submitted"),
        ("accept", "preliminary_assessment"),
        ("complete_preliminary_assessment", "ministerial_review"),
    ],
    [("submit", "submitted"), ("refuse", "refused")],
    [("submit", "submitted"), ("withdraw", "withdrawn")],
    *[
        [
            ("submit", "submitted"),
            ("accept", "preliminary_assessment"),
            ("complete_preliminary_assessment", "ministerial_review"),
            ("record_opinion", "ministerial_review"),
            ("record_opinion", "ministerial_review"),
            ("record_opinion", "ministerial_review"),
            ("record_security_assessment", "ministerial_review"),
            ("approve", "approved"),
        ],
    ]
    * 4,
]


def synthetic(n: int = APPLICATIONS, seed: int = SEED) -> tuple[pl.DataFrame, ...]:
    """The four frames of `pilot_statistics` for ``n`` applications (reproducible)."""
    ids = pl.int_range(n, dtype=pl.Int64, eager=True).alias("application")
    mix = ids.hash(seed)
    applications = pl.DataFrame({"application": ids, "region": pl.Series(REGIONS).gather((mix % 4).cast(pl.Int64))})
    count = (mix // 4 % 3 + 1).cast(pl.Int64)
    services = (
        pl.DataFrame({"application": ids, "count": count, "first": (mix // 16 % 6).cast(pl.Int64)})
        .with_columns(offset=pl.int_ranges(0, pl.col("count")))
        .explode("offset")
        .select(
            "application", pl.lit(pl.Series(SERVICES)).gather((pl.col("first") + pl.col("offset")) % 6).alias("service")
        )
    )
    path_of = (mix // 128 % len(PATHS)).cast(pl.Int64)
    steps = pl.DataFrame(
        [
            {"path": p, "step": i, "action": action, "to_state": state}
            for p, path in enumerate(PATHS)
            for i, (action, state) in enumerate(path)
        ]
    ).with_columns(pl.col("path").cast(pl.Int64), pl.col("step").cast(pl.Int64))
    first_day = (mix // 4096 % 400).cast(pl.Int64)
    gap = (mix // 2_000_000 % 9 + 1).cast(pl.Int64)
    events = (
        pl.DataFrame({"application": ids, "path": path_of, "first_day": first_day, "gap": gap})
        .join(steps, on="path")
        .sort("application", "step")
        .with_columns(
            seq=pl.int_range(pl.len(), dtype=pl.Int64),
            on=pl.lit(START) + pl.duration(days=pl.col("first_day") + pl.col("step") * pl.col("gap")),
        )
        .select("application", "seq", "action", "to_state", pl.col("on").cast(pl.Date))
    )
    days = [START + timedelta(days=i) for i in range(600)]
    working = [d.weekday() < 5 for d in days]
    index, running = [], 0
    for is_working in working:
        running += is_working
        index.append(running)
    calendar = pl.DataFrame({"day": days, "working_index": index}, schema={"day": pl.Date, "working_index": pl.Int64})
    return applications, services, events, calendar


def best_of(runs: int, work: Callable[[], T]) -> tuple[T, float]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return result, best


def main() -> None:
    frames = synthetic()
    connection = load_frames(*frames)  # DuckDB's own tables, loaded outside the timing
    ours, our_seconds = best_of(RUNS, lambda: pilot_statistics(*frames))
    theirs, duck_seconds = best_of(RUNS, lambda: duckdb_statistics(connection))
    ratio = our_seconds / duck_seconds
    print(f"public statistics: {APPLICATIONS:,} applications, {frames[2].height:,} timeline rows")
    print(f"Polars (pilot_statistics): {our_seconds:.2f} s")
    print(f"DuckDB (the same figures in SQL): {duck_seconds:.2f} s")
    print(f"ratio vatspilot / DuckDB: {ratio:.2f}x   (goal: within 2x: {'met' if ratio <= 2 else 'MISSED'})")
    print(f"identical answers: {'yes' if ours == theirs else 'NO'}")
    if ours != theirs:
        print(ours, theirs, sep="\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
