"""The country of an IP address, from the data the geoip2fast package ships, looked up over whole columns.

geoip2fast's data file (`geoip2fast-ipv6.dat.gz`, MaxMind GeoLite2 Country, IPv4 and IPv6) is a gzipped
pickle ``(version, source_info, total_networks, database)`` whose country database is five lists:
the first address of each chunk, the country names ("CN:China"), and per chunk the networks' first
addresses (integers, sorted; IPv6 as 128-bit integers after all of IPv4), country indexes and prefix
lengths. It is read once into three sorted arrays (first address, last address, country) and an address
column is looked up with one `search_sorted`, not one bisection per address.

The answers are geoip2fast's own (a test holds them equal address by address), including its readings:

- the network found is the last one starting at or before the address; the address is known only if it is
  not past that network's end;
- an address up to 2**32 is measured with IPv4 prefix lengths, a larger one with IPv6 lengths (so the rare
  IPv4-compatible IPv6 address ::a.b.c.d answers as a.b.c.d does);
- the first 16 names are private, reserved or "not found" and answer no country (geoip2fast's "--").

The IPv6 file is used for IPv4 too: it holds the same IPv4 networks, and its first 16 names are exactly the
reserved ones (in the IPv4-only file the 16th name is Andorra, which geoip2fast then reports as private).
"""

from __future__ import annotations

import gzip
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geoip2fast
import polars as pl

from vatspilot.analytics.supervision.addresses import parse_addresses

DATA_FILE = Path(geoip2fast.__file__).parent / "geoip2fast-ipv6.dat.gz"
IPV4_SPAN = 1 << 32
_RESERVED_NAMES = 16  # geoip2fast: `is_private = country_code_index < 16`


@dataclass(frozen=True)
class CountryRanges:
    """Networks sorted by first address. IPv4 rows come first (``ipv4_rows`` of them)."""

    source: str  # e.g. "MAXMIND:GeoLite2-Country-IPv4IPv6-en-20240618"
    first_v4: pl.Series  # Int64, the IPv4 rows
    last_v4: pl.Series  # Int64, measured with IPv4 prefix lengths
    country_v4: pl.Series  # String, null for reserved networks
    first_v6: pl.Series  # UInt128, every row
    last_v6: pl.Series  # UInt128, measured with IPv6 prefix lengths (as geoip2fast does above 2**32)
    country_v6: pl.Series
    codes: frozenset[str]  # every country code the data names (ISO 3166 alpha-2, as MaxMind writes them)

    @property
    def networks(self) -> int:
        return self.first_v6.len()


def load_ranges(path: Path = DATA_FILE) -> CountryRanges:
    """The networks of a geoip2fast country file (format 120, country only, with or without IPv6)."""
    with gzip.open(path, "rb") as handle:
        # The package's own data file, which geoip2fast itself unpickles: trusted as the package is.
        version, source_info, _total, database = pickle.load(handle)
    if version not in (120, 121) or not source_info.get("country") or source_info.get("asn"):
        raise ValueError(f"{path.name}: not a geoip2fast country file (format {version}, {source_info})")
    index, names, firsts, country_ids, prefixes = database
    if any(index[i] != firsts[i][0] for i in range(len(index))):
        raise ValueError(f"{path.name}: the chunk index does not match the chunks")
    first = [value for chunk in firsts for value in chunk]
    ids = [value for chunk in country_ids for value in chunk]
    lengths = [value for chunk in prefixes for value in chunk]
    codes = [None if i < _RESERVED_NAMES else str(names[i]).split(":", 1)[0] for i in range(len(names))]
    country = pl.Series("country", [codes[i] for i in ids], dtype=pl.String)
    v4_rows = sum(1 for value in first if value < IPV4_SPAN)
    if first != sorted(first) or any(value < IPV4_SPAN for value in first[v4_rows:]):
        raise ValueError(f"{path.name}: networks are not sorted by first address")
    return CountryRanges(
        source=str(source_info.get("info", "")),
        first_v4=pl.Series("first", first[:v4_rows], dtype=pl.Int64),
        last_v4=pl.Series(
            "last",
            [f + (1 << (32 - n)) - 1 for f, n in zip(first[:v4_rows], lengths[:v4_rows], strict=True)],
            dtype=pl.Int64,
        ),
        country_v4=country[:v4_rows],
        first_v6=pl.Series("first", first, dtype=pl.UInt128),
        last_v6=pl.Series(
            "last", [f + (1 << (128 - n)) - 1 for f, n in zip(first, lengths, strict=True)], dtype=pl.UInt128
        ),
        country_v6=country,
        codes=frozenset(code for code in codes if code is not None),
    )


@cache
def default_ranges() -> CountryRanges:
    return load_ranges()


def known_country_codes() -> frozenset[str]:
    """The ISO 3166 alpha-2 codes the data knows, to check a declared country without a list typed here."""
    return default_ranges().codes


def _lookup(values: pl.Series, first: pl.Series, last: pl.Series, country: pl.Series) -> pl.Series:
    found = first.search_sorted(values, side="right").cast(pl.Int64) - 1
    # Every value is at or after the first network (address 0), so `found` is never -1 with this data;
    # clipping keeps a foreign file with a later first network safe, and the end test then answers null.
    at = found.clip(lower_bound=0)
    known = (found >= 0) & (values <= last.gather(at))
    return pl.select(pl.when(known).then(country.gather(at)).otherwise(None)).to_series()


def countries_of_ipv4(values: pl.Series, ranges: CountryRanges | None = None) -> pl.Series:
    """ISO alpha-2 country per IPv4 address given as an integer (Int64, 0 to 2**32 - 1); null if unknown."""
    ranges = ranges or default_ranges()
    return _lookup(values.cast(pl.Int64), ranges.first_v4, ranges.last_v4, ranges.country_v4).alias("country")


def countries_of_ipv6(values: pl.Series, ranges: CountryRanges | None = None) -> pl.Series:
    """ISO alpha-2 country per IPv6 address given as an integer (UInt128); null if unknown.
    A value up to 2**32 answers as geoip2fast does, with the IPv4 networks and lengths."""
    ranges = ranges or default_ranges()
    values = values.cast(pl.UInt128)
    small = values <= IPV4_SPAN
    if not small.any():
        return _lookup(values, ranges.first_v6, ranges.last_v6, ranges.country_v6).alias("country")
    frame = pl.DataFrame({"value": values, "small": small}).with_row_index("_row")
    low = frame.filter(pl.col("small"))
    high = frame.filter(~pl.col("small"))
    parts = pl.concat(
        [
            low.select("_row", country=countries_of_ipv4(low["value"].cast(pl.Int64), ranges)),
            high.select("_row", country=_lookup(high["value"], ranges.first_v6, ranges.last_v6, ranges.country_v6)),
        ]
    )
    return parts.sort("_row")["country"]


def countries_of(parsed: pl.DataFrame, ranges: CountryRanges | None = None) -> pl.Series:
    """The country of each row of `addresses.parse_addresses`'s frame (a network's: its first address's)."""
    ranges = ranges or default_ranges()
    if parsed["version"].eq_missing(4).all():  # the common case, without the split and the re-sort
        return countries_of_ipv4(parsed["ipv4"], ranges)
    frame = parsed.select("version", "ipv4", "ipv6").with_row_index("_row")
    v4 = frame.filter(pl.col("version") == 4)
    v6 = frame.filter(pl.col("version") == 6)
    other = frame.filter(pl.col("version").is_null())
    parts = [
        v4.select("_row", country=countries_of_ipv4(v4["ipv4"], ranges)),
        v6.select("_row", country=countries_of_ipv6(v6["ipv6"], ranges)),
        other.select("_row", country=pl.lit(None, dtype=pl.String)),
    ]
    return pl.concat(parts).sort("_row")["country"].alias("country")


def countries(addresses: pl.Series, ranges: CountryRanges | None = None) -> pl.Series:
    """ISO alpha-2 country per address text (an address, or a network's first address); null when the
    address is private, reserved, not in the data, or not an address."""
    return countries_of(parse_addresses(addresses, with_ip=False), ranges)
