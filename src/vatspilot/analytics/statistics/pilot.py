"""The pilot's public figures from its applications' timeline rows, with Polars.

The input is four frames (the read model, queries/public_statistics.py, reads them from the store):

- ``applications``: ``application`` (Int64), ``region`` (String, the province's division code);
- ``services``: ``application``, ``service`` (String, the catalogue code; one row per service applied for);
- ``events``: ``application``, ``seq`` (Int64, the timeline's order), ``action``, ``to_state`` (String),
  ``on`` (Date, the legal date of the step);
- ``calendar``: ``day`` (Date), ``working_index`` (Int64, the number of working days up to and including
  the day). A day missing from it is a day no calendar knows (the read model never guesses one).

What is counted:

- an approval is a step to ``approved``, a decision a step to ``approved`` or ``refused`` (a withdrawal is
  not a decision); an approval counts once for its region and month, and once for each service applied for;
- the infrastructure share: the approvals that include IDC (B11), CDN (B12), ISP (B14), and any of the three;
- the time to decision: working days after the first submission's day, up to and including the decision's
  day (``working_index[decided] - working_index[submitted]``); a decision whose span a calendar does not
  cover is counted in ``decisions`` but not in the figures (``counted`` says how many were);
- in progress: a submitted application whose last step leaves it in a review state, by the stage the public
  tracker shows (a supplement request keeps its stage).

Nothing names an applicant: the figures are counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from vatspilot.domain.applications import tracking
from vatspilot.domain.applications.tracking import REVIEW_STAGES

__all__ = [
    "INFRASTRUCTURE",
    "STAGES",
    "STAGE_OF_STATE",
    "DecisionTime",
    "PilotFigures",
    "pilot_statistics",
    "rounded_mean",
]

APPROVED = "approved"
REFUSED = "refused"
SUBMIT = "submit"
# The services the article counts as computing power and network infrastructure, and their codes.
INFRASTRUCTURE: tuple[tuple[str, str], ...] = (("IDC", "B11"), ("CDN", "B12"), ("ISP", "B14"))
ANY_INFRASTRUCTURE = "IDC/CDN/ISP"
# The stages of an application in progress, in order, and the review states that stand in each (the
# tracker's, domain.applications.tracking).
STAGES: tuple[str, ...] = tuple(stage.value for stage in REVIEW_STAGES)
STAGE_OF_STATE: dict[str, str] = {
    state.value: stage.value for state, stage in tracking.STAGE_OF_STATE.items() if stage in REVIEW_STAGES
}


@dataclass(frozen=True)
class DecisionTime:
    """A region's decisions and the working days from submission to decision (None when none counted)."""

    region: str
    decisions: int
    counted: int
    median: float | None
    mean: float | None
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class PilotFigures:
    approvals: int
    approvals_by_region: tuple[tuple[str, int], ...]  # region code, approvals; by code
    approvals_by_service: tuple[tuple[str, int], ...]  # service code, approvals including it; by code
    approvals_by_month: tuple[tuple[str, int], ...]  # "2025-02", approvals; by month
    infrastructure: tuple[tuple[str, int], ...]  # IDC, CDN, ISP, IDC/CDN/ISP: approvals including it
    decision_times: tuple[DecisionTime, ...]  # by region code
    in_progress_by_stage: tuple[tuple[str, int], ...]  # every stage of STAGES, in order


def rounded_mean(value: float | None) -> float | None:
    # Rounded here and in the SQL alike: the two engines may differ in a sum's last bit.
    return None if value is None else round(value, 6)


def pilot_statistics(
    applications: pl.DataFrame, services: pl.DataFrame, events: pl.DataFrame, calendar: pl.DataFrame
) -> PilotFigures:
    """The figures of the frames described above."""
    steps = events.lazy().select("application", "seq", "to_state", "on", "action")
    regions = applications.lazy().select("application", "region")
    decided = steps.filter(pl.col("to_state").is_in([APPROVED, REFUSED])).select("application", "to_state", "on")
    approved = decided.filter(pl.col("to_state") == APPROVED).join(regions, on="application", how="left")
    approved_services = approved.select("application").join(services.lazy(), on="application")

    by_region = approved.group_by("region").agg(pl.len().alias("n")).sort("region")
    by_service = approved_services.group_by("service").agg(pl.len().alias("n")).sort("service")
    by_month = approved.group_by(pl.col("on").dt.truncate("1mo").alias("month")).agg(pl.len().alias("n")).sort("month")
    codes = [code for _name, code in INFRASTRUCTURE]
    infrastructure = (
        approved_services.filter(pl.col("service").is_in(codes))
        .group_by("service")
        .agg(pl.col("application").n_unique().alias("n"))
    )
    any_infrastructure = approved_services.filter(pl.col("service").is_in(codes)).select(
        pl.col("application").n_unique().alias("n")
    )

    submitted = steps.filter(pl.col("action") == SUBMIT).group_by("application").agg(pl.col("on").min())
    days = calendar.lazy().select("day", "working_index")
    times = (
        decided.join(submitted, on="application", how="left", suffix="_submitted")
        .join(regions, on="application", how="left")
        .join(days, left_on="on", right_on="day", how="left")
        .join(days, left_on="on_submitted", right_on="day", how="left", suffix="_submitted")
        .select("region", (pl.col("working_index") - pl.col("working_index_submitted")).alias("days"))
        .group_by("region")
        .agg(
            pl.len().alias("decisions"),
            pl.col("days").count().alias("counted"),
            pl.col("days").median().alias("median"),
            pl.col("days").mean().alias("mean"),
            pl.col("days").min().alias("minimum"),
            pl.col("days").max().alias("maximum"),
        )
        .sort("region")
    )

    last_state = steps.group_by("application").agg(pl.col("to_state").get(pl.col("seq").arg_max()))
    in_progress = (
        last_state.select(pl.col("to_state").replace_strict(STAGE_OF_STATE, default=None).alias("stage"))
        .drop_nulls()
        .group_by("stage")
        .agg(pl.len().alias("n"))
    )

    (
        region_frame,
        service_frame,
        month_frame,
        infrastructure_frame,
        any_frame,
        times_frame,
        progress_frame,
    ) = pl.collect_all([by_region, by_service, by_month, infrastructure, any_infrastructure, times, in_progress])

    by_code = dict(infrastructure_frame.iter_rows())
    stage_counts = dict(progress_frame.iter_rows())
    return PilotFigures(
        approvals=sum(n for _region, n in region_frame.iter_rows()),
        approvals_by_region=tuple(region_frame.iter_rows()),
        approvals_by_service=tuple(service_frame.iter_rows()),
        approvals_by_month=tuple((month.strftime("%Y-%m"), n) for month, n in month_frame.iter_rows()),
        infrastructure=(
            *((name, by_code.get(code, 0)) for name, code in INFRASTRUCTURE),
            (ANY_INFRASTRUCTURE, any_frame.item(0, "n")),
        ),
        decision_times=tuple(
            DecisionTime(region, decisions, counted, median, rounded_mean(mean), minimum, maximum)
            for region, decisions, counted, median, mean, minimum, maximum in times_frame.iter_rows()
        ),
        in_progress_by_stage=tuple((stage, stage_counts.get(stage, 0)) for stage in STAGES),
    )
