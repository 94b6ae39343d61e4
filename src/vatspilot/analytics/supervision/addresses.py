"""A column of IP addresses or CIDR networks read into integers, IPv4 without a per-address Python loop.

IPv4 (by far the common case) is matched and converted with Polars string expressions. IPv6 rows (those
with a ':') go through `ipaddress`, because expanding '::' and embedded IPv4 tails in expressions would be
long and fragile; they are a small share of a node list, and their lookup is still vectorised.

The forms accepted are those of `ipaddress.ip_address` and `ipaddress.ip_network(strict=True)` with one
narrowing for IPv4: dotted quads only (no netmask form such as '10.0.0.0/255.0.0.0'), as node lists write
them. A network with host bits set (10.0.0.1/8) is refused: the node list names networks, not interfaces.
"""

from __future__ import annotations

import ipaddress

import polars as pl

from vatspilot.analytics.supervision import rejections

NOT_AN_ADDRESS = rejections.NOT_AN_ADDRESS.en
HOST_BITS_SET = rejections.HOST_BITS_SET.en

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Python's ipaddress refuses leading zeros in an octet (ambiguous octal), and so does this.
IPV4_OR_CIDR = rf"^({_OCTET}(?:\.{_OCTET}){{3}})(?:/(3[0-2]|[12]?\d))?$"

COLUMNS = {
    "version": pl.Int8,  # 4, 6, or null when the text is not an address
    "ipv4": pl.Int64,  # the address, or the network's first address
    "ipv6": pl.UInt128,
    "prefix": pl.Int16,  # null for a single address
    "ip": pl.String,  # the address (the network's address for a CIDR), as written canonically
    "error": pl.String,  # the reason the text was refused, or null
}


def _ipv6_row(text: str) -> tuple[int | None, int | None, int | None, str | None, str | None]:
    """(version, value, prefix, ip, error) of one text that has a ':'."""
    try:
        if "/" in text:
            network = ipaddress.ip_network(text, strict=True)
            address, prefix = network.network_address, network.prefixlen
        else:
            address, prefix = ipaddress.ip_address(text), None
    except ValueError:
        if "/" in text:
            try:
                ipaddress.ip_network(text, strict=False)
            except ValueError:
                return None, None, None, None, NOT_AN_ADDRESS
            return None, None, None, None, HOST_BITS_SET
        return None, None, None, None, NOT_AN_ADDRESS
    if address.version == 4:  # only a netmask form could get here ('1.2.3.4' never has a ':')
        return None, None, None, None, NOT_AN_ADDRESS
    return 6, int(address), prefix, str(address), None


def _ipv6_rows(texts: list[str]) -> pl.DataFrame:
    names = ("version", "ipv6", "prefix", "ip", "error")
    return pl.DataFrame(
        [_ipv6_row(text) for text in texts],
        schema={k: COLUMNS[k] for k in names},
        orient="row",
    )


def parse_addresses(addresses: pl.Series, *, with_ip: bool = True) -> pl.DataFrame:
    """One row per input row, in order, with the columns of `COLUMNS` (``ip`` null unless ``with_ip``).
    A null or blank text is refused as not an address (the caller reports a missing field itself when it
    wants a different reason)."""
    frame = pl.DataFrame({"text": addresses.cast(pl.String).str.strip_chars()}).with_row_index("_row")
    # The regex only says whether the text is a dotted quad (with a prefix): a match is much cheaper than
    # extracting its groups. The numbers come from one split; a prefix is split off with the same split
    # ('10.0.0.0/8' -> 10, 0, 0, 0, 8), only when some row has one (most node lists have few networks).
    any_prefix = bool(frame["text"].str.contains("/", literal=True).any())
    text = pl.col("text").str.replace_all("/", ".", literal=True) if any_prefix else pl.col("text")
    fields = text.str.split_exact(".", 4 if any_prefix else 3)
    octet = [fields.struct.field(f"field_{i}").str.to_integer(strict=False) for i in range(5 if any_prefix else 4)]
    parsed = frame.with_columns(
        _v4=pl.col("text").str.contains(IPV4_OR_CIDR).fill_null(False),
        ipv4=octet[0] * (1 << 24) + octet[1] * (1 << 16) + octet[2] * (1 << 8) + octet[3],
        prefix=octet[4].cast(pl.Int16) if any_prefix else pl.lit(None, dtype=pl.Int16),
    )
    if any_prefix:
        # A host part is the address modulo 2**(32 - prefix); outside a match the prefix may be anything.
        host_size = pl.lit(2, dtype=pl.Int64).pow(
            (pl.lit(32, dtype=pl.Int64) - pl.col("prefix").cast(pl.Int64).clip(0, 32)).cast(pl.UInt32)
        )
        host_bits = (pl.col("prefix").is_not_null() & (pl.col("ipv4") % host_size != 0)).fill_null(False)
        parsed = parsed.with_columns(_good=pl.col("_v4") & ~host_bits)
    else:
        parsed = parsed.with_columns(_good=pl.col("_v4"))
    good = pl.col("_good")
    is_v6 = ~pl.col("_v4") & pl.col("text").str.contains(":", literal=True).fill_null(False)
    if with_ip:
        ip = pl.col("text").str.splitn("/", 2).struct.field("field_0") if any_prefix else pl.col("text")
    else:
        ip = pl.lit(None, dtype=pl.String)
    result = parsed.select(
        "_row",
        version=pl.when(good).then(pl.lit(4, dtype=pl.Int8)),
        ipv4=pl.when(good).then(pl.col("ipv4")),
        ipv6=pl.lit(None, dtype=pl.UInt128),
        prefix=pl.when(good).then(pl.col("prefix")),
        ip=pl.when(good).then(ip),
        error=pl.when(good)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("_v4"))
        .then(pl.lit(HOST_BITS_SET))
        .otherwise(pl.lit(NOT_AN_ADDRESS)),
        _v6=is_v6,
    )
    v6_rows = result.filter(pl.col("_v6"))
    if v6_rows.height:
        texts = frame["text"].gather(v6_rows["_row"]).to_list()
        parsed_v6 = _ipv6_rows(texts).with_columns(_row=v6_rows["_row"], ipv4=pl.lit(None, dtype=pl.Int64))
        if not with_ip:
            parsed_v6 = parsed_v6.with_columns(ip=pl.lit(None, dtype=pl.String))
        result = pl.concat(
            [result.filter(~pl.col("_v6")).drop("_v6"), parsed_v6.select(result.drop("_v6").columns)],
            how="vertical",
        ).sort("_row")
    else:
        result = result.drop("_v6")
    return result.select(pl.col(name).cast(dtype) for name, dtype in COLUMNS.items())
