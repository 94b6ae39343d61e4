"""Benchmark: screening 1,000,000 synthetic profiles from Parquet, against the single-profile engine.

Prints profiles per second for both paths and their ratio, measured in the same run; the goals
(at most 5 s for the million, at least 20 times the engine's rate) are printed, not asserted.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import synthetic_profiles
from vatspilot.analytics.flat_input import read_input
from vatspilot.analytics.screening import screen
from vatspilot.domain.policy.determination import Effect, ServiceOutcome
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.policy.profile import Holder, Profile, ServiceArea, ServiceRequest
from vatspilot.rulebook.loader import default_rulebook

PROFILES = 1_000_000
SAMPLE = 20_000
ON = date(2025, 6, 1)
HUNDRED = Decimal(100)
# The v2 contents and places the generator predates: music (which loses only Notice 107's B25-01
# opening), public information publishing (prohibited), Hainan's own list, a place in no region.
CONTENT = [None] * 8 + ["news", "music", "public-information-publishing", "music;news"]
PLACES = ["469001", "441900", "110105", "310115"]
COMPARED = ("outcome", "route", "opening", "area", "max_foreign_share", "deciding_rule", "profile_outcome")


def with_v2_values(rows: pl.DataFrame, seed: int = 20250411) -> pl.DataFrame:
    def pick(values: list[str | None], draw: pl.Expr) -> pl.Expr:
        return pl.lit(pl.Series(values, dtype=pl.String)).gather(draw % len(values))

    n = pl.col("profile_id").cast(pl.UInt64)
    row = pl.int_range(pl.len(), dtype=pl.UInt64)
    moved = n.hash(seed) % 4 == 0  # a quarter of the profiles registered elsewhere
    return rows.with_columns(
        content=pick(CONTENT, row.hash(seed + 1)),
        division_code=pl.when(moved).then(pick(PLACES, n.hash(seed + 2))).otherwise(pl.col("division_code")),
    )


def profiles_from_rows(rows: pl.DataFrame) -> list[Profile]:
    result = []
    for _, group in rows.group_by("profile_id", maintain_order=True):
        first = group.row(0, named=True)
        share = Decimal(first["foreign_share"])
        holders = [Holder("foreign", "US", share)] if share else []
        if share < HUNDRED:
            holders.append(Holder("domestic", "CN", HUNDRED - share))
        provinces = tuple(p for p in (first["service_provinces"] or "").split(";") if p)
        result.append(
            Profile(
                name=first["profile_id"],
                division_code=first["division_code"],
                zones=frozenset(z for z in first["zones"].split(";") if z),
                registered_capital_cny=Decimal(str(first["registered_capital_cny"])),
                shareholders=tuple(holders),
                services=tuple(
                    ServiceRequest(r["code"], r["scope"], tuple(c for c in (r["content"] or "").split(";") if c))
                    for r in group.iter_rows(named=True)
                ),
                service_area=ServiceArea(first["service_area"], provinces),
                dishonest_list=first["dishonest_list"],
            )
        )
    return result


def deciding_rule(service: ServiceOutcome) -> str:
    """As the equivalence test reads it: the first own reason that allows or blocks; else the prohibition."""
    own = [r for r in service.reasons if not r.rule.startswith("condition:")]
    decisive = [r.rule for r in own if r.effect in (Effect.ALLOWS, Effect.BLOCKS)]
    return decisive[0] if decisive else next(r.rule for r in own if r.rule.startswith("prohibition:"))


def main() -> None:
    rulebook = default_rulebook()
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    source = out / "profiles.parquet"
    with_v2_values(synthetic_profiles(PROFILES)).write_parquet(source)

    started, cpu = time.perf_counter(), time.process_time()
    frame = read_input(source, rulebook, ON)
    result = screen(frame, rulebook, ON)
    vector_seconds, vector_cpu = time.perf_counter() - started, time.process_time() - cpu
    profiles = result["profile_id"].n_unique()
    vector_rate = profiles / vector_seconds

    sample_rows = frame.filter(pl.col("profile_id").cast(pl.UInt64) < SAMPLE)
    sample = profiles_from_rows(sample_rows)
    started = time.perf_counter()
    determinations = [evaluate(p, on=ON, lang="en", rulebook=rulebook) for p in sample]
    engine_seconds = time.perf_counter() - started
    engine_rate = len(sample) / engine_seconds

    expected = [
        (
            "eligible" if s.eligible else "ineligible",
            s.route.value if s.route else None,
            s.opening,
            s.area,
            s.max_foreign_share,
            deciding_rule(s),
            d.outcome,
        )
        for d in determinations
        for s in d.services
    ]
    got = list(result.filter(pl.col("profile_id").cast(pl.UInt64) < SAMPLE).select(COMPARED).iter_rows())
    identical = expected == got

    ratio = vector_rate / engine_rate
    print(f"vectorised screening (Parquet -> result): {profiles:,} profiles, {result.height:,} services")
    time_goal = "met" if vector_seconds <= 5 else "MISSED"
    print(f"  {vector_seconds:.2f} s ({vector_cpu:.2f} s of CPU), {vector_rate:,.0f} profiles/s", end=" ")
    print(f"  (goal: at most 5 s: {time_goal})")
    print(f"single-profile engine over a sample: {len(sample):,} profiles, {engine_seconds:.2f} s,", end=" ")
    print(f"{engine_rate:,.0f} profiles/s")
    print(f"ratio vectorised / engine: {ratio:.1f}x   (goal: at least 20x: {'met' if ratio >= 20 else 'MISSED'})")
    print(f"identical answers on the sample ({', '.join(COMPARED)}): {'yes' if identical else 'NO'}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
