"""The same figures as `pilot.pilot_statistics`, written as DuckDB SQL over the same four frames.

It is the yardstick, not the path the pages take: the tests hold the two answers equal on hand-built
timelines, and bench/statistics.py times the Polars path against this one on a million applications.
"""

from __future__ import annotations

import duckdb
import polars as pl

from vatspilot.analytics.statistics.pilot import (
    ANY_INFRASTRUCTURE,
    INFRASTRUCTURE,
    STAGE_OF_STATE,
    STAGES,
    DecisionTime,
    PilotFigures,
    rounded_mean,
)

__all__ = ["duckdb_statistics", "load_frames"]

_APPROVED = (
    'SELECT e.application, e."on", a.region FROM events e LEFT JOIN applications a USING (application) '
    "WHERE e.to_state = 'approved'"
)
_QUERIES = {
    "region": f"SELECT region, count(*) FROM ({_APPROVED}) GROUP BY region ORDER BY region",
    "service": f"SELECT s.service, count(*) FROM ({_APPROVED}) p JOIN services s USING (application) "
    "GROUP BY s.service ORDER BY s.service",
    "month": f"SELECT strftime(date_trunc('month', \"on\"), '%Y-%m') AS m, count(*) FROM ({_APPROVED}) "
    "GROUP BY m ORDER BY m",
    "infrastructure": f"SELECT s.service, count(DISTINCT p.application) FROM ({_APPROVED}) p "
    "JOIN services s USING (application) WHERE s.service IN ('B11', 'B12', 'B14') GROUP BY s.service",
    "any": f"SELECT count(DISTINCT p.application) FROM ({_APPROVED}) p JOIN services s USING (application) "
    "WHERE s.service IN ('B11', 'B12', 'B14')",
    "times": """
        WITH submitted AS (
            SELECT application, min("on") AS "on" FROM events WHERE action = 'submit' GROUP BY application
        ), spans AS (
            SELECT a.region, d.working_index - s_day.working_index AS days
            FROM events e
            LEFT JOIN submitted s USING (application)
            LEFT JOIN applications a USING (application)
            LEFT JOIN calendar d ON d.day = e."on"
            LEFT JOIN calendar s_day ON s_day.day = s."on"
            WHERE e.to_state IN ('approved', 'refused')
        )
        SELECT region, count(*), count(days), median(days), avg(days), min(days), max(days)
        FROM spans GROUP BY region ORDER BY region
    """,
    "progress": """
        SELECT stages.stage, count(*)
        FROM (SELECT arg_max(to_state, seq) AS state FROM events GROUP BY application) last
        JOIN stages ON stages.state = last.state
        GROUP BY stages.stage
    """,
}


def load_frames(
    applications: pl.DataFrame, services: pl.DataFrame, events: pl.DataFrame, calendar: pl.DataFrame
) -> duckdb.DuckDBPyConnection:
    """A DuckDB database holding the four frames as its own tables (copied from the frames, through Arrow),
    and the stages of each review state."""
    con = duckdb.connect()
    stages = pl.DataFrame({"state": list(STAGE_OF_STATE), "stage": list(STAGE_OF_STATE.values())})
    for name, frame in (
        ("applications", applications),
        ("services", services),
        ("events", events),
        ("calendar", calendar),
        ("stages", stages),
    ):
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    return con


def duckdb_statistics(con: duckdb.DuckDBPyConnection) -> PilotFigures:
    """The figures, computed by DuckDB over the tables of `load_frames`."""
    rows = {name: con.execute(sql).fetchall() for name, sql in _QUERIES.items()}
    by_code = dict(rows["infrastructure"])
    progress = dict(rows["progress"])
    return PilotFigures(
        approvals=sum(n for _region, n in rows["region"]),
        approvals_by_region=tuple((region, n) for region, n in rows["region"]),
        approvals_by_service=tuple((service, n) for service, n in rows["service"]),
        approvals_by_month=tuple((month, n) for month, n in rows["month"]),
        infrastructure=(
            *((name, by_code.get(code, 0)) for name, code in INFRASTRUCTURE),
            (ANY_INFRASTRUCTURE, rows["any"][0][0]),
        ),
        decision_times=tuple(
            DecisionTime(region, decisions, counted, median, rounded_mean(mean), minimum, maximum)
            for region, decisions, counted, median, mean, minimum, maximum in rows["times"]
        ),
        in_progress_by_stage=tuple((stage, progress.get(stage, 0)) for stage in STAGES),
    )
