"""How many profiles a what-if scenario changes, and which way."""

from __future__ import annotations

import polars as pl


def compare_outcomes(base: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    """One row per (before, after) pair of profile outcomes that differ, with the number of profiles."""
    left = base.select("profile_id", before="profile_outcome").unique("profile_id", keep="first")
    right = other.select("profile_id", after="profile_outcome").unique("profile_id", keep="first")
    return (
        left.join(right, on="profile_id", how="inner")
        .filter(pl.col("before") != pl.col("after"))
        .group_by("before", "after")
        .agg(profiles=pl.len())
        .sort("profiles", "before", "after", descending=[True, False, False])
    )


def changed_services(base: pl.DataFrame, other: pl.DataFrame) -> int:
    """Rows (services) whose outcome, route, opening, area or cap differ; both frames come from one input,
    row for row."""
    keys = ("outcome", "route", "opening", "area", "max_foreign_share")
    diff = pl.lit(False)
    for key in keys:
        diff = diff | pl.col(key).ne_missing(pl.col(f"{key}_other"))
    joined = base.select(keys).with_columns(other.select(keys).rename({k: f"{k}_other" for k in keys}))
    return int(joined.filter(diff).height)
