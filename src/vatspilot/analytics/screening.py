"""Batch screening: the eligibility rules evaluated over a flat table, one row per requested service.

Columns in: profile_id, division_code, zones (';'-separated), registered_capital_cny, foreign_share (the
look-through figure rounded half-up to two decimals, a Decimal), service_area, service_provinces
(';'-separated, may be empty), dishonest_list, code, scope, content (';'-separated). Columns added:
regions, max_foreign_share, deciding_rule, outcome, route, opening, area (English), profile_outcome.

A second implementation of rulebook-spec sections 3 to 7, written over columns: it reads the rule entries
but never calls the single-profile engine, and a property test holds the two equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from vatspilot.analytics.cap_table import NO_SCOPE, CapTable, build_cap_table, covered_regions
from vatspilot.domain.policy.rules import ContentProhibition, RegionDef, Rulebook

RESULT_COLUMNS = (
    "regions",
    "max_foreign_share",
    "deciding_rule",
    "outcome",
    "route",
    "opening",
    "area",
    "profile_outcome",
)
# What a service's answer depends on, apart from the enterprise-wide conditions: where, what, and the share.
_PLACE_SERVICE_SHARE = (
    "division_code",
    "zones",
    "code",
    "scope",
    "content",
    "service_area",
    "service_provinces",
    "foreign_share",
)
_NULL = pl.lit(None, dtype=pl.String)


def _tokens(column: str) -> pl.Expr:
    # ';a;b;' lets a token be found with a plain substring search, exactly and fast.
    return pl.lit(";") + pl.col(column).fill_null("") + pl.lit(";")


def _region_column(region: RegionDef) -> str:
    return f"in::{region.id}"


def _in_region(region: RegionDef) -> pl.Expr:
    expr = pl.lit(False)
    for prefix in region.prefixes:
        expr = expr | pl.col("division_code").str.starts_with(prefix)
    for zone in region.zones:
        expr = expr | pl.col("_zones").str.contains(f";{zone};", literal=True)
    return expr


def _any_region(regions: Sequence[RegionDef]) -> pl.Expr:
    expr = pl.lit(False)
    for region in regions:
        expr = expr | pl.col(_region_column(region))
    return expr


def _first(pairs: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """The value of the first pair whose condition holds (a null condition does not hold)."""
    if not pairs:
        return otherwise
    (condition, value), *rest = pairs
    chain: Then | ChainedThen = pl.when(condition).then(value)
    for condition, value in rest:
        chain = chain.when(condition).then(value)
    return chain.otherwise(otherwise)


def _limits(entry: ContentProhibition, regions: tuple[RegionDef, ...]) -> pl.Expr:
    """Whether a content entry concerns the row's service and applies at its place."""
    carries = pl.lit(False)
    for content in entry.contents:
        carries = carries | pl.col("_content").str.contains(f";{content};", literal=True)
    if entry.codes:
        carries = carries & pl.col("code").is_in(list(entry.codes))
    covered = covered_regions(entry.where, regions)
    return carries if covered is None else carries & _any_region(covered)


def _national_area(table: CapTable) -> pl.Expr:
    """Where a national-route licence runs: the province of registration, the provinces declared, or
    nationwide (rulebook-spec section 7)."""
    province = pl.col("division_code").str.slice(0, 2).replace_strict(table.provinces, default=None)
    declared = (
        pl.col("service_provinces")
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().filter(pl.element() != "").str.slice(0, 2).replace_strict(table.provinces))
        .list.join(", ")
    )
    return (
        pl.when(pl.col("service_area") == "provincial")
        .then(province)
        .when(declared != "")
        .then(declared)
        .otherwise(pl.lit(table.nationwide))
    )


def _answers(keys: pl.LazyFrame, table: CapTable) -> pl.LazyFrame:
    """Each distinct place, service and share: caps, route, opening, area and deciding rule, as if no
    condition on the enterprise failed."""
    regions = table.regions
    dtype = table.dtype
    work = (
        keys.with_columns(pl.col(c).cast(pl.String) for c in _TEXT_KEYS)
        .with_columns(_zones=_tokens("zones"), _content=_tokens("content"), _scope=pl.col("scope").fill_null(NO_SCOPE))
        .with_columns(*(_in_region(r).alias(_region_column(r)) for r in regions))
        .join(table.frame.lazy().rename({"scope": "_scope"}), on=["code", "_scope"], how="left", maintain_order="left")
    )
    share = pl.col("foreign_share").cast(dtype)
    national_cap = pl.col("national_cap")
    prohibitions = [(_limits(p, regions), pl.lit(p.meta.id)) for p in table.prohibitions]
    excluded = {e.meta.id: _limits(e, regions) for e in table.exclusions}
    caps: list[pl.Expr] = []  # each opening's cap here, null where it does not apply or is excluded
    for opening in table.openings:
        here = _any_region(opening.regions)
        out = pl.lit(False)
        for e in table.exclusions:
            if e.opening == opening.measure:
                out = out | excluded[e.meta.id]
        caps.append(pl.when(here & ~out).then(pl.col(opening.column)).alias(f"_cap{len(caps)}"))
    work = work.with_columns(
        *caps,
        *(
            pl.when(_any_region(o.regions)).then(pl.col(o.column)).alias(f"_unlimited{i}")
            for i, o in enumerate(table.openings)
        ),
        *(limit.alias(f"_excluded{i}") for i, limit in enumerate(excluded.values())),
        _prohibition=_first(prohibitions, _NULL),
    )
    cap = [pl.col(f"_cap{i}") for i in range(len(table.openings))]
    prohibited = pl.col("_prohibition").is_not_null()
    best_opening = pl.max_horizontal(cap) if cap else pl.lit(None, dtype=dtype)
    highest = pl.max_horizontal(national_cap, *cap)
    maximum = pl.when(prohibited).then(pl.lit(0, dtype=dtype)).otherwise(highest)
    allowed = share <= maximum
    national = share <= national_cap
    openings = table.openings
    areas = [
        _first([(pl.col(_region_column(r)), pl.lit(r.licence_area.en)) for r in o.regions], _NULL) for o in openings
    ]
    carrying = [(share <= c, i) for i, c in enumerate(cap)]
    # An exclusion decides the outcome only when the measure it removed would have allowed the share.
    decisive = []
    for i, e in enumerate(table.exclusions):
        would_allow = pl.lit(False)
        for j, o in enumerate(openings):
            if o.measure == e.opening:
                would_allow = would_allow | (share <= pl.col(f"_unlimited{j}")).fill_null(False)
        decisive.append((pl.col(f"_excluded{i}") & would_allow, pl.lit(e.meta.id)))
    # On a tie for the highest cap, the opening first (by precedence); the national rule only if higher.
    top = _first(
        [(best_opening.is_null() | (national_cap > best_opening), pl.col("national_rule"))]
        + [(c == best_opening, pl.lit(o.id)) for c, o in zip(cap, openings, strict=True)],
        _NULL,
    )
    region_names = [pl.when(pl.col(_region_column(r))).then(pl.lit(r.id)) for r in regions]
    return work.with_columns(_allowed=allowed, _within_national=national).select(
        *_PLACE_SERVICE_SHARE,
        regions=pl.concat_str(region_names, separator=";", ignore_nulls=True) if region_names else pl.lit(""),
        max_foreign_share=maximum,
        deciding_rule=_first(
            [
                (prohibited, pl.col("_prohibition")),
                (pl.col("_allowed") & pl.col("_within_national"), pl.col("national_rule")),
                *((pl.col("_allowed") & c, pl.lit(openings[i].id)) for c, i in carrying),
                *decisive,
            ],
            top,
        ),
        _allowed=pl.col("_allowed"),
        _national=pl.col("_allowed") & pl.col("_within_national"),
        route=_first([(~pl.col("_allowed"), _NULL), (pl.col("_within_national"), pl.lit("national"))], pl.lit("pilot")),
        opening=_first(
            [
                (~pl.col("_allowed") | pl.col("_within_national"), _NULL),
                *((c, pl.lit(openings[i].measure)) for c, i in carrying),
            ],
            _NULL,
        ),
        area=_first(
            [
                (~pl.col("_allowed"), _NULL),
                (pl.col("_within_national"), _national_area(table)),
                *((c, areas[i]) for c, i in carrying),
            ],
            _NULL,
        ),
    )


_OUTCOME = pl.Enum(["eligible", "partly-eligible", "ineligible"])


def _in_profile(count: pl.Expr) -> pl.Expr:
    """The sum of `count` over the row's profile: a difference of running sums between the profile's first
    and last rows (marked `_start`, `_end`), which costs a few passes where a group-by would hash every id."""
    running = count.cum_sum()
    before = pl.when(pl.col("_start")).then(running - count).forward_fill()
    through = pl.when(pl.col("_end")).then(running).backward_fill()
    return through - before


def _judge(rows: pl.DataFrame, table: CapTable) -> pl.LazyFrame:
    """The conditions on the whole enterprise, then each row's outcome and the profile's (rulebook-spec
    section 6). The capital minimum follows the licence that would result: cross-regional only when a
    service would run on the national route under a cross-regional declaration. A failing condition
    blocks every service of the profile."""
    profile = pl.col("profile_id")
    wide = pl.col("_national") & (pl.col("service_area") == "cross-regional")
    counted = (
        rows.lazy()
        .with_columns(_start=profile.ne_missing(profile.shift()), _end=profile.ne_missing(profile.shift(-1)))
        .with_columns(
            _wide=_in_profile(wide.cast(pl.UInt32)) > 0,
            _allowed_here=_in_profile(pl.col("_allowed").cast(pl.UInt32)),
            _services=_in_profile(pl.repeat(1, pl.len(), dtype=pl.UInt32)),
        )
    )
    blocked = pl.lit(False)
    if table.capital_minimum is not None:
        minimum = (
            pl.when(pl.col("_wide"))
            .then(pl.lit(table.capital_minimum["cross-regional"]))
            .otherwise(pl.lit(table.capital_minimum["provincial"]))
        )
        blocked = blocked | (pl.col("registered_capital_cny") < minimum)
    if table.dishonest_condition:
        blocked = blocked | pl.col("dishonest_list")
    judged = counted.with_columns(_blocked=blocked)
    blocked = pl.col("_blocked")
    return judged.with_columns(
        *(pl.when(blocked).then(None).otherwise(pl.col(c)).alias(c) for c in ("route", "opening", "area")),
        outcome=pl.when(pl.col("_allowed") & ~blocked)
        .then(pl.lit("eligible", _OUTCOME))
        .otherwise(pl.lit("ineligible", _OUTCOME)),
        profile_outcome=_first(
            [
                (blocked | (pl.col("_allowed_here") == 0), pl.lit("ineligible", _OUTCOME)),
                (pl.col("_allowed_here") == pl.col("_services"), pl.lit("eligible", _OUTCOME)),
            ],
            pl.lit("partly-eligible", _OUTCOME),
        ),
    )


_ANSWERS = ("regions", "max_foreign_share", "deciding_rule", "route", "opening", "area", "_allowed", "_national")


_TEXT_KEYS = ("division_code", "zones", "code", "scope", "content", "service_area", "service_provinces")
_KEY_BITS = 63


def _packed_key(frame: pl.DataFrame) -> pl.Series | None:
    """One integer per row, equal exactly when the rows' place, service and share are: each text column
    by its categorical code and the share in hundredths, packed in mixed radix. None when the radices do
    not fit in a signed 64-bit integer (then the caller joins on the columns themselves)."""
    codes = {
        c: (pl.col(c) if frame.schema[c] == pl.Categorical else pl.col(c).cast(pl.Categorical)).to_physical()
        for c in _TEXT_KEYS
    }
    highest = frame.select(*(code.max().alias(c) for c, code in codes.items())).row(0, named=True)
    radices = {c: int(highest[c] or 0) + 2 for c in _TEXT_KEYS}  # the last value stands for null
    if math.prod(radices.values()) * 10_001 >= 2**_KEY_BITS:
        return None
    key = (pl.col("foreign_share") * 100).cast(pl.Int64)  # 0 to 10,000 hundredths
    for c, code in codes.items():
        key = key * radices[c] + code.cast(pl.Int64).fill_null(radices[c] - 1)
    return frame.select(key.alias("_key")).to_series()


def _look_up(frame: pl.DataFrame, table: CapTable) -> pl.DataFrame:
    """Each row with the answer for its place, service and share, worked out once per distinct
    combination and gathered back by position (text answers as categoricals, so gathering is cheap)."""
    key = _packed_key(frame)
    if key is None:  # an unusually varied table: the same answers, joined on the columns themselves
        as_text = [pl.col(c).cast(pl.String).alias(f"_key{i}") for i, c in enumerate(_PLACE_SERVICE_SHARE)]
        distinct = (
            _answers(frame.lazy().select(_PLACE_SERVICE_SHARE).unique(), table)
            .with_columns(as_text)
            .drop(_PLACE_SERVICE_SHARE)
        )
        on = [f"_key{i}" for i in range(len(_PLACE_SERVICE_SHARE))]
        joined = frame.lazy().with_columns(as_text)
        return joined.join(distinct, on=on, how="left", nulls_equal=True, maintain_order="left").drop(on).collect()
    first = key.arg_unique()  # one row per distinct key
    answers = _answers(frame[first, list(_PLACE_SERVICE_SHARE)].lazy(), table).collect()
    position = key.replace_strict(key.gather(first), pl.int_range(0, len(first), eager=True), return_dtype=pl.UInt32)
    text = {"regions", "deciding_rule", "route", "opening", "area"}
    return frame.with_columns(
        (answers[c].cast(pl.Categorical) if c in text else answers[c]).gather(position).alias(c) for c in _ANSWERS
    )


def screen(
    frame: pl.DataFrame,
    rulebook: Rulebook,
    on: date,
    *,
    progress: Callable[[int], None] | None = None,
) -> pl.DataFrame:
    """Evaluates every row; the input must already be validated (see flat_input): known values, and each
    profile's rows consecutive with the same enterprise figures.

    Places, services and shares repeat across millions of rows, so their answers are worked out once per
    distinct combination (`_look_up`); the enterprise-wide conditions are then judged per profile over the
    whole table. `progress` hears the number of rows once they are looked up.
    """
    table = build_cap_table(rulebook.in_force(on), rulebook)
    rows = _look_up(frame, table)
    if progress is not None:
        progress(frame.height)
    return _judge(rows, table).select(*frame.columns, *RESULT_COLUMNS).collect()
