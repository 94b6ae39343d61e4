"""Reading a screening input (JSONL profiles, or flat CSV/Parquet rows) into one validated flat table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from vatspilot.contracts import schema
from vatspilot.contracts.profiles import parse_profile
from vatspilot.domain.policy.eligibility import check_profile
from vatspilot.domain.policy.ownership import foreign_share
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.errors import InputError

COLUMNS: dict[str, Any] = {
    "profile_id": pl.String,
    "division_code": pl.String,
    "zones": pl.String,
    "registered_capital_cny": pl.Float64,
    "foreign_share": pl.Float64,
    "service_area": pl.String,
    "dishonest_list": pl.Boolean,
    "code": pl.String,
    "scope": pl.String,
    "content": pl.String,
}
OPTIONAL = {"zones", "scope", "content", "dishonest_list"}
FORMATS = (".jsonl", ".csv", ".parquet")


def input_format(path: Path, option: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"{option} {path}", "bad-format-file")
    return suffix


def read_input(path: Path, rulebook: Rulebook, on: date) -> pl.DataFrame:
    suffix = input_format(path, "INPUT")
    if not path.is_file():
        raise InputError(str(path), "unreadable", detail="no such file")
    if suffix == ".jsonl":
        return _from_jsonl(path, rulebook, on)
    try:
        # CSV: every column as text, so codes keep their digits as written; checked below.
        raw = pl.read_csv(path, infer_schema=False) if suffix == ".csv" else pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(str(path), "unreadable", detail=str(exc).splitlines()[0]) from None
    return validate_flat(raw, rulebook, str(path))


def _from_jsonl(path: Path, rulebook: Rulebook, on: date) -> pl.DataFrame:
    rows: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                profile = parse_profile(data)
                check_profile(profile, rulebook, on)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number}", "not-json", detail=exc.msg) from None
            except InputError as exc:
                raise InputError(f"{path} line {number} {exc.pointer}", exc.code, **exc.params) from None
            share = foreign_share(profile.shareholders)
            profile_id = str(data.get("uscc") or number) if isinstance(data, Mapping) else str(number)
            for service in profile.services:
                rows["profile_id"].append(profile_id)
                rows["division_code"].append(profile.division_code)
                rows["zones"].append(";".join(sorted(profile.zones)))
                rows["registered_capital_cny"].append(profile.registered_capital_cny)
                rows["foreign_share"].append(share)
                rows["service_area"].append(profile.service_area.kind)
                rows["dishonest_list"].append(profile.dishonest_list)
                rows["code"].append(service.code)
                rows["scope"].append(service.scope)
                rows["content"].append(";".join(service.content) or None)
    return pl.DataFrame(rows, schema=COLUMNS)


class _Checks:
    """Collects every column check, then runs them in one pass; only a failure looks for its row."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.checks: list[tuple[str, str, pl.Expr]] = []

    def add(self, column: str, detail: str, bad: pl.Expr) -> None:
        self.checks.append((column, detail, bad.fill_null(True)))

    def run(self, frame: pl.DataFrame) -> None:
        if not self.checks:
            return
        flags = (
            frame.lazy()
            .select(*(bad.any().alias(str(i)) for i, (_, _, bad) in enumerate(self.checks)))
            .collect()
            .row(0)
        )
        for (column, detail, bad), failed in zip(self.checks, flags, strict=True):
            if failed:
                hits = frame.with_row_index("_row").filter(bad).select("_row", column).head(1)
                row, value = hits.row(0)
                raise InputError(self.where, "bad-row", row=row + 1, column=column, detail=f"{value!r}: {detail}")
        self.checks.clear()


def validate_flat(raw: pl.DataFrame, rulebook: Rulebook, where: str) -> pl.DataFrame:
    """Every column checked in one pass; the first bad row is reported by number (1 = first data row)."""
    missing = [c for c in COLUMNS if c not in raw.columns and c not in OPTIONAL]
    if missing:
        raise InputError(where, "bad-row", row=1, column=missing[0], detail="column missing")
    frame = raw.with_columns(
        *(pl.lit(None, dtype=COLUMNS[c]).alias(c) for c in OPTIONAL if c not in raw.columns),
    ).select(list(COLUMNS))
    checks = _Checks(where)
    # Parquet brings typed columns; CSV brings text. Check what can be cast before casting it.
    for column in ("registered_capital_cny", "foreign_share"):
        if frame.schema[column] != pl.Float64:
            checks.add(column, "not a number", pl.col(column).cast(pl.Float64, strict=False).is_null())
    if frame.schema["dishonest_list"] != pl.Boolean:
        flag = pl.col("dishonest_list").cast(pl.String).fill_null("false").str.to_lowercase()
        checks.add("dishonest_list", "not true/false", ~flag.is_in(["true", "false", "1", "0"]))
    for column in ("profile_id", "division_code", "code", "service_area"):
        if frame.schema[column] != pl.String:
            frame = frame.with_columns(pl.col(column).cast(pl.String))
    checks.run(frame)
    frame = frame.with_columns(
        pl.col("registered_capital_cny").cast(pl.Float64),
        pl.col("foreign_share").cast(pl.Float64),
        pl.col("dishonest_list").cast(pl.String).fill_null("false").str.to_lowercase().is_in(["true", "1"])
        if frame.schema["dishonest_list"] != pl.Boolean
        else pl.col("dishonest_list").fill_null(False),
        pl.col("zones").cast(pl.String).fill_null(""),
        pl.col("content").cast(pl.String),
        pl.col("scope").cast(pl.String),
    )
    checks.add("profile_id", "is required", pl.col("profile_id") == "")
    valid_code = pl.col("division_code").str.contains(r"^[1-9][0-9]{5}$")
    known = pl.col("division_code").str.slice(0, 2).is_in(list(rulebook.provinces))
    checks.add("division_code", "not a GB/T 2260 code of a known province", ~(valid_code & known))
    share = pl.col("foreign_share")
    checks.add("foreign_share", "must be from 0 to 100", (share < 0) | (share > 100))
    checks.add("registered_capital_cny", "must be 0 or more", pl.col("registered_capital_cny") < 0)
    areas = ["provincial", "cross-regional"]
    checks.add("service_area", "provincial or cross-regional", ~pl.col("service_area").is_in(areas))
    checks.add("code", "basic telecom is out of scope", pl.col("code").str.contains(r"^A\d"))
    scopes = {s.code: s.scopes for s in rulebook.services}
    checks.add("code", "not a value-added code (B11-B26)", ~pl.col("code").is_in(list(scopes)))
    pairs = [f"{code}|{scope}" for code, values in scopes.items() for scope in values]
    scoped = pl.col("scope").is_not_null() & (pl.col("scope") != "")
    checks.add("scope", "not a scope of this code", scoped & ~(pl.col("code") + "|" + pl.col("scope")).is_in(pairs))
    profile = schema("profile")
    zones = profile["properties"]["registration"]["properties"]["zones"]["items"]["enum"]
    contents = profile["$defs"]["service"]["properties"]["content"]["items"]["enum"]
    for column, allowed in (("zones", zones), ("content", contents)):
        # Few distinct values: check those, not every row.
        values = frame.select(pl.col(column).unique()).to_series().to_list()
        for value in values:
            tokens = [t for t in (value or "").split(";") if t]
            if any(t not in allowed for t in tokens):
                checks.add(column, f"';'-separated values of {', '.join(allowed)}", pl.col(column) == value)
    checks.run(frame)
    return frame.with_columns(pl.when(scoped).then(pl.col("scope")).otherwise(None).alias("scope"))


def write_output(frame: pl.DataFrame, path: Path) -> None:
    suffix = input_format(path, "-o")
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_ndjson(path)
