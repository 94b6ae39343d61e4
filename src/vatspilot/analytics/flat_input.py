"""Reading a screening input (JSONL profiles, or flat CSV/Parquet rows) into one validated flat table."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from vatspilot.analytics.cap_table import SHARE_SCALE, decimal_type
from vatspilot.contracts import schema, strict_json
from vatspilot.contracts.profiles import parse_profile
from vatspilot.domain.policy.eligibility import check_profile
from vatspilot.domain.policy.ownership import foreign_share
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.errors import InputError

# The foreign share is the look-through figure rounded half-up to two decimals (rulebook-spec section 2),
# held exactly as a Decimal so that it compares with the caps as the engine's does.
SHARE = decimal_type(SHARE_SCALE)
COLUMNS: dict[str, Any] = {
    "profile_id": pl.String,
    "division_code": pl.String,
    "zones": pl.String,
    "registered_capital_cny": pl.Float64,
    "foreign_share": SHARE,
    "service_area": pl.String,
    "service_provinces": pl.String,
    "dishonest_list": pl.Boolean,
    "code": pl.String,
    "scope": pl.String,
    "content": pl.String,
}
OPTIONAL = {"zones", "scope", "content", "dishonest_list", "service_provinces"}
# The enterprise's own figures: one value per profile, whatever the number of its rows.
PER_PROFILE = (
    "division_code",
    "zones",
    "registered_capital_cny",
    "foreign_share",
    "service_area",
    "service_provinces",
    "dishonest_list",
)
# Wide enough to read any share as written before it is rounded to two decimals.
_EXACT = pl.Decimal(38, 30)
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
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                # The one strict reader of the platform: duplicate keys, NaN, absurd numbers refused.
                data = strict_json.loads(line)
                profile = parse_profile(data)
                check_profile(profile, rulebook, on)
            except InputError as exc:
                raise InputError(f"{path} line {number} {exc.pointer}", exc.code, **exc.params) from None
            share = foreign_share(profile.shareholders)
            profile_id = str(data.get("uscc") or number) if isinstance(data, Mapping) else str(number)
            if profile_id in seen:
                # A profile's rows are judged together (the conditions are on the whole enterprise).
                raise InputError(f"{path} line {number} /uscc", "invalid", detail="an earlier line has the same uscc")
            seen.add(profile_id)
            for service in profile.services:
                rows["profile_id"].append(profile_id)
                rows["division_code"].append(profile.division_code)
                rows["zones"].append(";".join(sorted(profile.zones)))
                rows["registered_capital_cny"].append(float(profile.registered_capital_cny))
                rows["foreign_share"].append(share)
                rows["service_area"].append(profile.service_area.kind)
                rows["service_provinces"].append(";".join(profile.service_area.provinces) or None)
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


# Text columns with few distinct values: held as categoricals, and checked once per distinct value.
_CATEGORICAL = ("division_code", "zones", "service_area", "service_provinces", "code", "scope", "content")


def _value_checks(rulebook: Rulebook) -> list[tuple[str, Callable[[str | None], str | None]]]:
    """For each categorical column, what is wrong with one of its values (None when nothing is)."""
    profile = schema("profile")
    zones = profile["properties"]["registration"]["properties"]["zones"]["items"]["enum"]
    contents = profile["$defs"]["service"]["properties"]["content"]["items"]["enum"]
    provinces = {f"{p}0000" for p in rulebook.provinces}
    codes = {s.code for s in rulebook.services}

    def division(value: str | None) -> str | None:
        known = value is not None and re.fullmatch(r"[1-9][0-9]{5}", value) and value[:2] in rulebook.provinces
        return None if known else "not a GB/T 2260 code of a known province"

    def area(value: str | None) -> str | None:
        return None if value in ("provincial", "cross-regional") else "provincial or cross-regional"

    def code(value: str | None) -> str | None:
        if value is not None and re.match(r"A\d", value):
            return "basic telecom is out of scope"
        return None if value in codes else "not a value-added code (B11-B26)"

    def tokens(allowed: Collection[str], detail: str) -> Callable[[str | None], str | None]:
        return lambda value: detail if any(t not in allowed for t in (value or "").split(";") if t) else None

    return [
        ("division_code", division),
        ("service_area", area),
        ("code", code),
        ("zones", tokens(zones, f"';'-separated values of {', '.join(zones)}")),
        ("content", tokens(contents, f"';'-separated values of {', '.join(contents)}")),
        ("service_provinces", tokens(provinces, "';'-separated province-level GB/T 2260 codes (e.g. 110000)")),
    ]


def _is(column: str, value: str | None) -> pl.Expr:
    return pl.col(column).cast(pl.String).eq_missing(value)


def validate_flat(raw: pl.DataFrame, rulebook: Rulebook, where: str) -> pl.DataFrame:
    """Every column checked; the first bad row is reported by number (1 = first data row).

    Numbers are checked row by row in one pass; text with few distinct values (places, codes, contents)
    is held as categoricals and checked once per distinct value, and only a bad value looks for its row."""
    missing = [c for c in COLUMNS if c not in raw.columns and c not in OPTIONAL]
    if missing:
        raise InputError(where, "bad-row", row=1, column=missing[0], detail="column missing")
    if raw.height == 0:
        return pl.DataFrame(schema=COLUMNS)
    frame = raw.with_columns(
        *(pl.lit(None, dtype=COLUMNS[c]).alias(c) for c in OPTIONAL if c not in raw.columns),
    ).select(list(COLUMNS))
    checks = _Checks(where)
    # Parquet brings typed columns; CSV brings text. Check what can be cast before casting it. The share
    # is read through its text (a float's shortest form), so that 50.005 rounds as the number written.
    written, exact = _exact_shares(frame["foreign_share"])
    for value, number in zip(written, exact, strict=True):
        if number is None or not 0 <= number <= 100:
            detail = "not a number" if number is None else "must be from 0 to 100"
            checks.add("foreign_share", detail, pl.col("foreign_share").eq_missing(value))
    capital = pl.col("registered_capital_cny").cast(pl.Float64, strict=False)
    checks.add("registered_capital_cny", "not a number", capital.is_null() | capital.is_nan())
    if frame.schema["dishonest_list"] != pl.Boolean:
        flag = pl.col("dishonest_list").cast(pl.String).fill_null("false").str.to_lowercase()
        checks.add("dishonest_list", "not true/false", ~flag.is_in(["true", "false", "1", "0"]))
    checks.run(frame)
    frame = frame.with_columns(
        pl.col("profile_id").cast(pl.String),
        pl.col("registered_capital_cny").cast(pl.Float64),
        pl.col("dishonest_list").cast(pl.String).fill_null("false").str.to_lowercase().is_in(["true", "1"])
        if frame.schema["dishonest_list"] != pl.Boolean
        else pl.col("dishonest_list").fill_null(False),
        *(pl.col(c).cast(pl.String).cast(pl.Categorical) for c in _CATEGORICAL),
    )
    checks.add("profile_id", "is required", pl.col("profile_id").fill_null("") == "")
    checks.add("registered_capital_cny", "must be 0 or more", pl.col("registered_capital_cny") < 0)
    for column, problem in _value_checks(rulebook):
        for value in frame[column].unique().cast(pl.String).to_list():
            wrong = problem(value)
            if wrong is not None:
                checks.add(column, wrong, _is(column, value))
    scopes = {s.code: s.scopes for s in rulebook.services}
    for code, scope in _distinct_pairs(frame, "code", "scope"):
        if scope and scope not in scopes.get(code or "", ()):
            checks.add("scope", "not a scope of this code", _is("code", code) & _is("scope", scope))
    checks.run(frame)
    # Rounded half-up to two decimals (the share is never negative), once per distinct value written.
    rounded = exact.round(SHARE_SCALE, mode="half_away_from_zero").cast(SHARE)
    frame = frame.with_columns(
        frame["foreign_share"].replace_strict(written, rounded, return_dtype=SHARE),
        _canonical(frame["zones"]),
    )
    if "" in frame["scope"].unique().cast(pl.String).to_list():
        frame = frame.with_columns(pl.when(pl.col("scope").cast(pl.String) != "").then(pl.col("scope")).alias("scope"))
    check_profiles(frame, where)
    return frame


def _distinct_pairs(frame: pl.DataFrame, first: str, second: str) -> list[tuple[str | None, str | None]]:
    """The distinct pairs of two categorical columns, found by their codes (cheaper than by their text)."""
    a, b = (frame[c].cast(pl.Categorical).to_physical().cast(pl.Int64) for c in (first, second))
    highest = b.max()
    radix = (highest if isinstance(highest, int) else 0) + 2
    pair = a.fill_null(-1) * radix + b.fill_null(radix - 1)
    rows = frame.select(first, second)[pair.arg_unique()]
    return rows.cast(pl.String).rows()


def _exact_shares(column: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The distinct shares as written, and each as an exact Decimal (null where it is not a number). A
    float is read through its shortest text: 50.005 stays 50.005, not its binary neighbour."""
    written = column.unique()
    if written.dtype.is_integer() or written.dtype.is_decimal():
        return written, written.cast(_EXACT, strict=False)
    return written, written.cast(pl.String).str.strip_chars().cast(_EXACT, strict=False)


def _canonical(zones: pl.Series) -> pl.Series:
    """Zones in one spelling (sorted, no empty items, "" for none), so that equal sets compare equal."""
    values = zones.unique().cast(pl.String).to_list()
    spelled = [";".join(sorted(t for t in (v or "").split(";") if t)) for v in values]
    if spelled == values:
        return zones
    return zones.cast(pl.String).replace_strict(values, spelled, return_dtype=pl.String).cast(pl.Categorical)


def check_profiles(frame: pl.DataFrame, where: str) -> None:
    """A profile's rows are consecutive and agree on the enterprise's own figures, which the conditions
    judge once for the whole enterprise.

    Distinct ids are counted by their hashes, which is cheap; only a repeated hash (a repeated id, or a
    collision) makes the exact search run."""
    profile = pl.col("profile_id")
    start = profile.ne_missing(profile.shift())
    runs, distinct = frame.lazy().filter(start).select(pl.len(), profile.hash().n_unique()).collect().row(0)
    checks = _Checks(where)
    if runs != distinct:
        again = start & ~pl.when(start).then(profile).is_first_distinct()
        checks.add(
            "profile_id", "appears again after other profiles' rows: a profile's rows must be consecutive", again
        )
    for column in PER_PROFILE:
        differs = ~start & pl.col(column).ne_missing(pl.col(column).shift())
        checks.add(column, "differs from the row above, of the same profile_id", differs)
    checks.run(frame)


def write_output(frame: pl.DataFrame, path: Path) -> None:
    suffix = input_format(path, "-o")
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    else:
        # JSON has numbers, not decimals: the two-decimal figures are written as numbers (70.0).
        frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64)).write_ndjson(path)
