"""The supervision figures the public may see, in aggregate, with Polars: quarterly reports filed on time,
filed late and not filed past their due day, per quarter; findings open and closed, per severity;
inspections drawn, done and pending. Counts only: no licence, holder, rule or inspector.

The input frames (read from the store by queries/public_statistics.py):

- ``reports``: ``year``, ``quarter`` (Int64), ``due_on``, ``submitted_on`` (Date, null until filed);
- ``findings``: ``severity``, ``status`` (String);
- ``inspections``: ``done_on`` (Date, null until recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from vatspilot.domain.supervision.findings import FindingState, Severity

__all__ = ["OPEN_FINDING_STATES", "SupervisionFigures", "supervision_figures"]

# A finding is open until it is resolved, dismissed or ends with the licence's revocation.
OPEN_FINDING_STATES: tuple[str, ...] = (
    FindingState.OPEN.value,
    FindingState.REMEDIATION_REPORTED.value,
    FindingState.RECTIFICATION_ORDERED.value,
    FindingState.SCOPE_REDUCED.value,
)


@dataclass(frozen=True)
class SupervisionFigures:
    reports_by_quarter: tuple[tuple[str, int, int, int], ...]  # "2025-Q3", on time, late, not filed past due
    findings_by_severity: tuple[tuple[str, int, int], ...]  # every Severity in order: open, closed
    inspections_drawn: int
    inspections_done: int

    @property
    def inspections_pending(self) -> int:
        return self.inspections_drawn - self.inspections_done


def supervision_figures(
    reports: pl.DataFrame, findings: pl.DataFrame, inspections: pl.DataFrame, *, today: date
) -> SupervisionFigures:
    """The figures as of ``today``: a report filed after today, or an inspection recorded after it, does
    not count yet."""
    filed = pl.col("submitted_on").is_not_null() & (pl.col("submitted_on") <= today)
    quarters = (
        reports.lazy()
        .group_by("year", "quarter")
        .agg(
            (filed & (pl.col("submitted_on") <= pl.col("due_on"))).sum().alias("on_time"),
            (filed & (pl.col("submitted_on") > pl.col("due_on"))).sum().alias("late"),
            (~filed & (pl.col("due_on") < today)).sum().alias("missing"),
        )
        .sort("year", "quarter")
    )
    by_severity = (
        findings.lazy()
        .group_by("severity")
        .agg(
            pl.col("status").is_in(OPEN_FINDING_STATES).sum().alias("open"),
            (~pl.col("status").is_in(OPEN_FINDING_STATES)).sum().alias("closed"),
        )
    )
    done = inspections.lazy().select(
        pl.len().alias("drawn"), (pl.col("done_on").is_not_null() & (pl.col("done_on") <= today)).sum().alias("done")
    )
    quarter_frame, severity_frame, done_frame = pl.collect_all([quarters, by_severity, done])
    counts = {severity: (opened, closed) for severity, opened, closed in severity_frame.iter_rows()}
    return SupervisionFigures(
        reports_by_quarter=tuple(
            (f"{year}-Q{quarter}", on_time, late, missing)
            for year, quarter, on_time, late, missing in quarter_frame.iter_rows()
            if on_time or late or missing
        ),
        findings_by_severity=tuple((severity.value, *counts.get(severity.value, (0, 0))) for severity in Severity),
        inspections_drawn=done_frame.item(0, "drawn"),
        inspections_done=done_frame.item(0, "done"),
    )
