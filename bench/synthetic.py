"""A seeded generator of synthetic screening input: flat rows, one per requested service."""

from __future__ import annotations

import polars as pl

DIVISION_CODES = [
    "110105", "310115", "310104", "460100", "440305", "440106", "210202", "330212", "350203",
    "370212", "340102", "610113", "320506", "120101", "500101", "420102", "510104", "130102",
]  # fmt: skip
SERVICES = [
    ("B11", None), ("B12", None), ("B13", None), ("B14", "end-user-access"), ("B14", "website-access"),
    ("B21", "e-commerce"), ("B21", "edi"), ("B22", None), ("B23", None), ("B24", "domestic"),
    ("B25-01", None), ("B25-01", "app-store"), ("B25-02", None), ("B25-05", None), ("B26", None),
]  # fmt: skip
ZONES = ["", "", "", "ftz", "shanghai-lingang"]
CONTENT = [None] * 9 + ["news"]
SHARES = [0.0, 10.0, 49.0, 50.0, 50.5, 75.0, 100.0]
CAPITALS = [500_000.0, 1_000_000.0, 5_000_000.0, 10_000_000.0, 50_000_000.0]


def _pick(values: list[object], index: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return pl.lit(pl.Series(values, dtype=dtype)).gather(index % len(values))


def _draw(column: pl.Expr, seed: int) -> pl.Expr:
    return column.hash(seed)


def synthetic_profiles(count: int, seed: int = 20241023) -> pl.DataFrame:
    """`count` profiles with one to three services each; the same seed gives the same table."""
    profiles = pl.DataFrame({"n": pl.int_range(0, count, eager=True, dtype=pl.UInt64)})
    services_per_profile = (profiles["n"].hash(seed) % 3 + 1).cast(pl.UInt32)
    rows = profiles.with_columns(k=services_per_profile).select(
        pl.col("n").repeat_by("k").explode(), pl.int_ranges(0, pl.col("k")).explode().alias("i")
    )
    n, i = pl.col("n"), pl.col("i")
    service = _draw(n * 7 + i, seed + 1)
    return rows.select(
        profile_id=n.cast(pl.String),
        division_code=_pick(DIVISION_CODES, _draw(n, seed + 2), pl.String()),
        zones=_pick(ZONES, _draw(n, seed + 3), pl.String()),
        registered_capital_cny=_pick(CAPITALS, _draw(n, seed + 4), pl.Float64()),
        foreign_share=_pick(SHARES, _draw(n, seed + 5), pl.Float64()),
        service_area=_pick(["provincial", "cross-regional"], _draw(n, seed + 6), pl.String()),
        dishonest_list=(_draw(n, seed + 7) % 50) == 0,
        code=_pick([c for c, _ in SERVICES], service, pl.String()),
        scope=_pick([s for _, s in SERVICES], service, pl.String()),
        content=_pick(CONTENT, _draw(n * 7 + i, seed + 8), pl.String()),
    )
