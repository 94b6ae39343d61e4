"""Benchmark: the countries of 1,000,000 node addresses, vectorised, against per-address loops and DuckDB.

Prints addresses per second for each path (its best of three runs) and the ratios, measured in the same
run; the goals (at least 10 times an `ipaddress` + `bisect` loop, within 1.5 times a DuckDB join) are
printed, not asserted. The loops run over a sample and are checked to give the same answers as the
vectorised path on it; the DuckDB join runs over all of them. IPv4 only: the DuckDB comparison parses
dotted quads in SQL, and IPv6 parsing is a per-address step in both (see analytics/supervision/addresses).
"""

from __future__ import annotations

import bisect
import ipaddress
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb
import polars as pl
from geoip2fast import GeoIP2Fast

from vatspilot.analytics.supervision.ip_country import DATA_FILE, countries, default_ranges

ADDRESSES = 1_000_000
SAMPLE = 50_000
SEED = 20251001
T = TypeVar("T")
RUNS = 3  # each path's best of three: the machine is shared, and the best run is the least disturbed


def synthetic_addresses(n: int, seed: int = SEED) -> pl.Series:
    """IPv4 addresses spread over the whole space, as dotted quads (reproducible)."""
    value = pl.int_range(n, dtype=pl.UInt64).hash(seed) % (1 << 32)
    octets = [((value // (1 << shift)) % 256).cast(pl.String) for shift in (24, 16, 8, 0)]
    return pl.select(pl.concat_str(octets, separator=".").alias("address")).to_series()


def per_address_bisect(
    addresses: list[str], first: list[int], last: list[int], country: list[str | None]
) -> list[str | None]:
    """The plain-Python way: parse each address and bisect the sorted first addresses (Python lists,
    made once outside the timing)."""
    result: list[str | None] = []
    for text in addresses:
        value = int(ipaddress.ip_address(text))
        at = bisect.bisect_right(first, value) - 1
        result.append(country[at] if at >= 0 and value <= last[at] else None)
    return result


def duckdb_join(addresses: pl.Series) -> list[str | None]:
    ranges = default_ranges()
    table = pl.DataFrame({"first": ranges.first_v4, "last": ranges.last_v4, "country": ranges.country_v4})
    nodes = pl.DataFrame({"address": addresses})
    con = duckdb.connect()
    con.register("ranges", table)
    con.register("nodes", nodes)
    rows = con.execute(
        """
        WITH a AS (
            SELECT row_number() OVER () AS i,
                   (split_part(address, '.', 1)::BIGINT << 24) + (split_part(address, '.', 2)::BIGINT << 16)
                   + (split_part(address, '.', 3)::BIGINT << 8) + split_part(address, '.', 4)::BIGINT AS v
            FROM nodes
        )
        SELECT CASE WHEN a.v <= r.last THEN r.country END AS country
        FROM a ASOF LEFT JOIN ranges r ON a.v >= r.first
        ORDER BY a.i
        """
    ).fetchall()
    return [row[0] for row in rows]


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def best_of(runs: int, work: Callable[[], T]) -> tuple[T, float]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return result, best


def main() -> None:
    addresses = synthetic_addresses(ADDRESSES)
    default_ranges()  # loaded once, outside every timing (each path below reads the same arrays)
    countries(addresses[:1000])  # the first call compiles the expressions' regex and starts the threads

    result, vector_seconds = best_of(RUNS, lambda: countries(addresses))
    vector_rate = rate(ADDRESSES, vector_seconds)

    sample = addresses[:SAMPLE].to_list()
    expected = result[:SAMPLE].to_list()
    ranges = default_ranges()
    lists = (ranges.first_v4.to_list(), ranges.last_v4.to_list(), ranges.country_v4.to_list())
    looped, seconds = best_of(RUNS, lambda: per_address_bisect(sample, *lists))
    bisect_rate = rate(SAMPLE, seconds)

    geoip = GeoIP2Fast(geoip2fast_data_file=str(DATA_FILE))
    theirs, seconds = best_of(RUNS, lambda: [geoip.lookup(text).country_code for text in sample])
    geoip_rate = rate(SAMPLE, seconds)
    theirs_mapped = [None if code in ("--", "") else code for code in theirs]

    joined, duck_seconds = best_of(RUNS, lambda: duckdb_join(addresses))
    duck_rate = rate(ADDRESSES, duck_seconds)

    print(f"node countries ({default_ranges().source}, {default_ranges().networks:,} networks)")
    print(f"vectorised (parse + search_sorted): {ADDRESSES:,} addresses, {vector_seconds:.2f} s, {vector_rate:,.0f}/s")
    print(f"ipaddress + bisect loop over a sample: {SAMPLE:,} addresses, {bisect_rate:,.0f}/s")
    print(f"geoip2fast lookup loop over a sample: {SAMPLE:,} addresses, {geoip_rate:,.0f}/s")
    print(f"DuckDB ASOF join: {ADDRESSES:,} addresses, {duck_seconds:.2f} s, {duck_rate:,.0f}/s")
    to_bisect = vector_rate / bisect_rate
    to_duck = duck_rate / vector_rate
    print(f"ratio vectorised / ipaddress+bisect: {to_bisect:.1f}x   (goal: at least 10x: ", end="")
    print("met)" if to_bisect >= 10 else "MISSED)")
    print(f"ratio vectorised / geoip2fast loop: {vector_rate / geoip_rate:.1f}x")
    print(f"ratio DuckDB / vectorised: {to_duck:.2f}x   (goal: vectorised within 1.5x of DuckDB: ", end="")
    print("met)" if to_duck <= 1.5 else "MISSED)")
    identical = expected == looped == theirs_mapped and joined == result.to_list()
    print(f"identical answers (sample loops, full DuckDB join): {'yes' if identical else 'NO'}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
