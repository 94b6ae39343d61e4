"""Batch screening: the eligibility rules evaluated over a flat table, one row per requested service.

Columns in: profile_id, division_code, zones (';'-separated), registered_capital_cny, foreign_share,
service_area, dishonest_list, code, scope, content (';'-separated). Columns added: regions,
max_foreign_share, deciding_rule, outcome, route, profile_outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from vatspilot.analytics.cap_table import NO_SCOPE, CapTable, build_cap_table
from vatspilot.domain.policy.rules import ConditionKind, RegionDef, Rulebook, RulesInForce, where_covers

RESULT_COLUMNS = ("regions", "max_foreign_share", "deciding_rule", "outcome", "route", "profile_outcome")


def _tokens(column: str) -> pl.Expr:
    # ';a;b;' lets a token be found with a plain substring search, exactly and fast.
    return pl.lit(";") + pl.col(column).fill_null("") + pl.lit(";")


def _in_region(region: RegionDef) -> pl.Expr:
    expr = pl.lit(False)
    for prefix in region.prefixes:
        expr = expr | pl.col("division_code").str.starts_with(prefix)
    for zone in region.zones:
        expr = expr | pl.col("_zones").str.contains(f";{zone};", literal=True)
    return expr


def _region_column(region: RegionDef) -> str:
    return f"in::{region.id}"


def _prohibited(rules: RulesInForce) -> pl.Expr:
    expr = pl.lit(False)
    for p in rules.prohibitions:
        carries = pl.lit(False)
        for content in p.contents:
            carries = carries | pl.col("_content").str.contains(f";{content};", literal=True)
        if p.codes:
            carries = carries & pl.col("code").is_in(list(p.codes))
        if p.where != "everywhere":
            inside = pl.lit(False)
            for region in rules.regions:
                if where_covers(p.where, region.id):
                    inside = inside | pl.col(_region_column(region))
            carries = carries & inside
        expr = expr | carries
    return expr


def _blocked(rules: RulesInForce) -> pl.Expr:
    blocked = pl.lit(False)
    for condition in rules.conditions:
        if condition.kind is ConditionKind.REGISTERED_CAPITAL:
            minimum = pl.col("service_area").replace_strict(condition.minimum_by_area, return_dtype=pl.Float64)
            blocked = blocked | (pl.col("registered_capital_cny") < minimum)
        else:
            blocked = blocked | pl.col("dishonest_list")
    return blocked


_PLACE_SERVICE = ("division_code", "zones", "code", "scope", "content")


def _place_service_results(keys: pl.DataFrame, rules: RulesInForce, table: CapTable) -> pl.DataFrame:
    """Everything that depends only on where and what: regions, caps, the deciding rule, prohibitions."""
    regions = rules.regions
    work = keys.with_columns(
        _zones=_tokens("zones"),
        _content=_tokens("content"),
        _scope=pl.col("scope").fill_null(NO_SCOPE),
    ).with_columns(*(_in_region(r).alias(_region_column(r)) for r in regions))
    work = work.join(table.frame.rename({"scope": "_scope"}), on=["code", "_scope"], how="left", maintain_order="left")
    # Highest applicable cap wins; a later opening rule replaces the current one only if strictly higher.
    cap = pl.col("national_cap")
    rule = pl.col("national_rule")
    for opening in table.openings:
        applies = pl.lit(False)
        for region in regions:
            if opening.applies_in(region.id):
                applies = applies | pl.col(_region_column(region))
        candidate = pl.when(applies).then(pl.col(CapTable.column(opening)))
        higher = candidate.is_not_null() & (candidate > cap)
        rule = pl.when(higher).then(pl.lit(opening.meta.id)).otherwise(rule)
        cap = pl.when(higher).then(candidate).otherwise(cap)
    prohibited = _prohibited(rules)
    region_names = [pl.when(pl.col(_region_column(r))).then(pl.lit(r.id)) for r in regions]
    return work.select(
        *_PLACE_SERVICE,
        "national_cap",
        regions=pl.concat_str(region_names, separator=";", ignore_nulls=True) if region_names else pl.lit(""),
        max_foreign_share=pl.when(prohibited).then(pl.lit(0.0)).otherwise(cap),
        deciding_rule=pl.when(prohibited).then(pl.lit("prohibition")).otherwise(rule),
    )


def screen_frame(frame: pl.DataFrame, rules: RulesInForce, table: CapTable | None = None) -> pl.DataFrame:
    """Evaluates every row; the input must already be validated (see flat_input).

    Places and services repeat across millions of rows, so their part is worked out once per distinct
    combination and joined back; only the enterprise's own figures are evaluated row by row.
    """
    table = table or build_cap_table(rules)
    keys = frame.select(_PLACE_SERVICE).unique()
    looked_up = frame.join(
        _place_service_results(keys, rules, table),
        on=list(_PLACE_SERVICE),
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    eligible = ~_blocked(rules) & (pl.col("foreign_share") <= pl.col("max_foreign_share"))
    route = (
        pl.when(~eligible)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("foreign_share") > pl.col("national_cap"))
        .then(pl.lit("pilot"))
        .otherwise(pl.lit("national"))
    )
    return looked_up.with_columns(
        outcome=pl.when(eligible).then(pl.lit("eligible")).otherwise(pl.lit("ineligible")),
        route=route,
    ).select(*frame.columns, *RESULT_COLUMNS[:-1])


def with_profile_outcome(result: pl.DataFrame) -> pl.DataFrame:
    """eligible when every service of the profile is, partly-eligible when some are, else ineligible."""
    eligible = pl.col("outcome") == "eligible"
    per_profile = (
        result.lazy()
        .group_by("profile_id")
        .agg(_all=eligible.all(), _any=eligible.any())
        .select(
            "profile_id",
            profile_outcome=pl.when(pl.col("_all"))
            .then(pl.lit("eligible"))
            .when(pl.col("_any"))
            .then(pl.lit("partly-eligible"))
            .otherwise(pl.lit("ineligible")),
        )
    )
    return result.lazy().join(per_profile, on="profile_id", how="left", maintain_order="left").collect()


def screen(
    frame: pl.DataFrame,
    rulebook: Rulebook,
    on: date,
    *,
    chunk_rows: int = 250_000,
    progress: Callable[[int], None] | None = None,
) -> pl.DataFrame:
    """Screens in chunks (for the progress bar); the profile outcome is taken over the whole table."""
    rules = rulebook.in_force(on)
    table = build_cap_table(rules)
    parts = []
    for start in range(0, max(frame.height, 1), chunk_rows):
        chunk = frame.slice(start, chunk_rows)
        parts.append(screen_frame(chunk, rules, table))
        if progress is not None:
            progress(chunk.height)
    return with_profile_outcome(pl.concat(parts))
