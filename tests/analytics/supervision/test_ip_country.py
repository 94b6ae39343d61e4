"""IP addresses to countries: the vectorised lookup against geoip2fast's own, address by address."""

from __future__ import annotations

import ipaddress
import random

import polars as pl
import pytest
from geoip2fast import GeoIP2Fast

from vatspilot.analytics.supervision.addresses import HOST_BITS_SET, NOT_AN_ADDRESS, parse_addresses
from vatspilot.analytics.supervision.ip_country import (
    DATA_FILE,
    IPV4_SPAN,
    countries,
    countries_of_ipv4,
    default_ranges,
)


@pytest.fixture(scope="module")
def geoip() -> GeoIP2Fast:
    return GeoIP2Fast(geoip2fast_data_file=str(DATA_FILE))


def theirs(geoip: GeoIP2Fast, address: str) -> str | None:
    code = geoip.lookup(address).country_code
    return None if code in ("--", "") else code


def sample_addresses(n: int, seed: int = 20251001) -> list[str]:
    """Random IPv4 and IPv6 addresses, and the first, last and next address of random networks of both."""
    rng = random.Random(seed)
    ranges = default_ranges()
    first = ranges.first_v6.to_list()
    last_v4 = ranges.last_v4.to_list()
    last_v6 = ranges.last_v6.to_list()
    v4_rows = ranges.first_v4.len()
    out: list[str] = []
    while len(out) < n:
        kind = len(out) % 5
        if kind == 0:
            out.append(str(ipaddress.IPv4Address(rng.getrandbits(32))))
        elif kind == 1:
            row = rng.randrange(v4_rows)
            value = rng.choice([first[row], last_v4[row], min(last_v4[row] + 1, IPV4_SPAN - 1)])
            out.append(str(ipaddress.IPv4Address(value)))
        elif kind == 2:
            row = rng.randrange(v4_rows, len(first))
            span = last_v6[row] - first[row]
            value = rng.choice([first[row], last_v6[row], first[row] + rng.randrange(span + 1), last_v6[row] + 1])
            out.append(str(ipaddress.IPv6Address(min(value, (1 << 128) - 1))))
        elif kind == 3:
            out.append(str(ipaddress.IPv6Address(rng.getrandbits(128))))
        else:
            # A network: its country is its first address's.
            row = rng.randrange(len(first))
            address = ipaddress.ip_address(first[row])
            prefix = 24 if address.version == 4 else 48
            out.append(str(ipaddress.ip_network(f"{address}/{prefix}", strict=False)))
    return out


def test_ten_thousand_addresses_answer_as_geoip2fast_does(geoip: GeoIP2Fast) -> None:
    addresses = sample_addresses(10_000)
    got = countries(pl.Series(addresses)).to_list()
    expected = [theirs(geoip, a.split("/")[0]) for a in addresses]
    assert [(a, g, e) for a, g, e in zip(addresses, got, expected, strict=True) if g != e] == []
    # The sample is not trivially empty: most networks have a country, and both families are covered.
    assert sum(code is not None for code in got) > 5_000
    assert {"CN", "US", "HK"} <= set(got)


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("114.114.114.114", "CN"),
        ("8.8.8.8", "US"),
        ("10.1.2.3", None),  # private
        ("127.0.0.1", None),
        ("0.0.0.0", None),
        ("255.255.255.255", None),
        ("::1", None),
        ("::8.8.8.8", "US"),  # below 2**32, geoip2fast answers as for 8.8.8.8
        ("not an address", None),
        ("", None),
    ],
)
def test_known_addresses(geoip: GeoIP2Fast, address: str, country: str | None) -> None:
    assert countries(pl.Series([address])).to_list() == [country]
    assert theirs(geoip, address) == country


def test_order_and_nulls_are_kept_across_families() -> None:
    got = countries(pl.Series(["8.8.8.8", None, "::8.8.8.8", "114.114.114.114", "x", "10.0.0.0/8"]))
    assert got.to_list() == ["US", None, "US", "CN", None, None]
    assert countries(pl.Series([], dtype=pl.String)).to_list() == []
    assert countries_of_ipv4(pl.Series([134744072])).to_list() == ["US"]


def test_the_data_is_read_once_into_sorted_arrays() -> None:
    ranges = default_ranges()
    assert default_ranges() is ranges
    assert ranges.source == "MAXMIND:GeoLite2-Country-IPv4IPv6-en-20240618"
    assert ranges.networks == 788_735
    assert ranges.first_v4.len() == 494_069
    assert ranges.first_v4.is_sorted() and ranges.first_v6.is_sorted()


def test_parsing_reasons() -> None:
    parsed = parse_addresses(
        pl.Series(
            ["10.0.0.0/8", "10.0.0.1/8", "300.1.1.1", "01.2.3.4", "1.2.3.4/33", "2001:db8::1/32", "::1", " 1.2.3.4 "]
        )
    )
    assert parsed.select("version", "prefix", "ip", "error").rows() == [
        (4, 8, "10.0.0.0", None),
        (None, None, None, HOST_BITS_SET),
        (None, None, None, NOT_AN_ADDRESS),
        (None, None, None, NOT_AN_ADDRESS),
        (None, None, None, NOT_AN_ADDRESS),
        (None, None, None, HOST_BITS_SET),
        (6, None, "::1", None),
        (4, None, "1.2.3.4", None),
    ]
    assert parsed["ipv4"][0] == 10 << 24
    assert parsed["ipv6"][6] == 1
