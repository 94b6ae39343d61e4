"""The security log of a quarterly report: read, validated and checked.

One event a line, NDJSON or CSV (a header row), with the fields ``time``, ``severity``, ``category``,
``incident_grade``, ``reported_at``, ``vulnerability_id`` and ``status`` ("incident grade", "reported-at"
and other spellings of the names are the same field). Streamed as the node list is (`tabular`): a rejected
file reports line, field and reason for its first 100 errors.

- ``time``, ``reported_at``: ISO 8601 date and time. Without an offset it is China time (UTC+8), the time
  the authority keeps; with one (``+08:00``, ``Z``) it is that.
- ``severity``: critical, high, medium, low or info.
- ``incident_grade`` (an incident's line): general, major, serious or especially-serious, or the grade
  in Chinese (一般, 较大, 重大, 特别重大). "Major" is 较大, the lowest grade the reporting deadline covers.
- ``vulnerability_id`` (a vulnerability's line) and ``status``: open, in-progress, fixed or closed. A line
  that is an incident or a vulnerability needs a status.

Checks, each a finding with its rule (`RULES`):

- an incident of grade major or above reported later than the deadline after it happened, or not reported
  by the day asked about (rulebook `parameter:incident-report-hours`, CAC Measures for the Administration
  of National Cybersecurity Incident Reporting, in force 2025-11-01, C1: 1 hour for critical information
  infrastructure operators, 4 hours for other operators). An incident before the Measures were in force is
  not judged by them;
- a vulnerability still open past its remediation deadline on the day asked about (rulebook
  `parameter:remediation-days`: critical 15, high 30, medium 60, low 90 days from the day it was first
  logged; a policy default, U: no statutory number exists, legal-facts 0.6). A vulnerability's lines are
  read together: first logged at its earliest line, its status and severity those of its latest line.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from vatspilot.analytics.supervision import rejections
from vatspilot.analytics.supervision.details import DetailTemplate
from vatspilot.analytics.supervision.node_list import CheckRule
from vatspilot.analytics.supervision.tabular import (
    DEFAULT_CHUNK_ROWS,
    FORMATS,
    ErrorLog,
    Progress,
    ProgressCallback,
    chunks,
    errors_of,
    ndjson_chunks,
    records,
    required,
)
from vatspilot.domain.policy.rules import Rulebook

COLUMNS = ("time", "severity", "category", "incident_grade", "reported_at", "vulnerability_id", "status")
SEVERITIES = ("critical", "high", "medium", "low", "info")
GRADES = ("general", "major", "serious", "especially-serious")
GRADES_ZH = {"一般": "general", "较大": "major", "重大": "serious", "特别重大": "especially-serious"}
REPORTABLE_GRADES = ("major", "serious", "especially-serious")  # 较大 and above
STATUSES = ("open", "in-progress", "fixed", "closed")
OPEN_STATUSES = ("open", "in-progress")
# The validated log keeps these three as enumerations: a byte a line instead of a string (a log of a
# million lines is held whole once accepted).
SEVERITY, GRADE, STATUS = pl.Enum(SEVERITIES), pl.Enum(GRADES), pl.Enum(STATUSES)
KINDS = ("incident", "vulnerability", "other")  # what a line records: the first that applies
KIND = pl.Enum(KINDS)
CHINA = ZoneInfo("Asia/Shanghai")
CHINA_OFFSET_HOURS = 8
TEXT_MAX_LENGTH = 128
ISO_SECONDS = "%Y-%m-%dT%H:%M:%S"  # the first 19 characters of the usual form
TIME_FORMAT_HINT = rejections.NOT_A_TIME.en

INCIDENT_HOURS = "parameter:incident-report-hours"
REMEDIATION_DAYS = "parameter:remediation-days"

# What each finding says of its line (times in China time, as ISO 8601 with their offset; dates ISO).
INCIDENT_LATE_DETAIL = DetailTemplate(
    en="{grade} incident at {time} reported at {reported_at}, deadline {deadline} ({hours} h)",
    zh="{grade}网络安全事件发生于{time}，报告于{reported_at}，报告时限为{deadline}（{hours}小时）",
)
INCIDENT_MISSING_DETAIL = DetailTemplate(
    en="{grade} incident at {time} not reported, deadline {deadline} ({hours} h)",
    zh="{grade}网络安全事件发生于{time}，未报告，报告时限为{deadline}（{hours}小时）",
)
VULNERABILITY_DETAIL = DetailTemplate(
    en="{severity} vulnerability {vulnerability} {status} since {found_on}, due {due_on} ({days} days)",
    zh="{severity}漏洞 {vulnerability} 自{found_on}起{status}，整改期限为{due_on}（{days}天）",
)

RULES: dict[str, CheckRule] = {
    "incident-reported-late": CheckRule(
        "log:incident-reported-late",
        "high",
        "CAC Measures for the Administration of National Cybersecurity Incident Reporting, Arts. 2-4 (in force "
        "2025-11-01): incidents graded major or above reported within 1 hour by critical information "
        "infrastructure operators and within 4 hours by other operators (rulebook parameter:incident-report-hours)",
        "《国家网络安全事件报告管理办法》（国家互联网信息办公室）第二条至第四条（2025年11月1日起施行）："
        "较大及以上网络安全事件，关键信息基础设施运营者1小时内、其他网络运营者4小时内报告",
        "C1",
        INCIDENT_LATE_DETAIL,
    ),
    "incident-not-reported": CheckRule(
        "log:incident-not-reported",
        "critical",
        "CAC Measures for the Administration of National Cybersecurity Incident Reporting, Arts. 2-4 (in force "
        "2025-11-01): an incident graded major or above not reported by its deadline",
        "《国家网络安全事件报告管理办法》（国家互联网信息办公室）第二条至第四条（2025年11月1日起施行）："
        "较大及以上网络安全事件逾期未报告",
        "C1",
        INCIDENT_MISSING_DETAIL,
    ),
    "vulnerability-overdue": CheckRule(
        "log:vulnerability-overdue",
        "high",
        "Provisions on the Management of Security Vulnerabilities of Network Products (2021), Art. 8 and "
        "Cybersecurity Law Art. 22 (remedy in a timely way; no number of days is set): the platform's "
        "remediation deadlines by severity (rulebook parameter:remediation-days)",
        "《网络产品安全漏洞管理规定》第八条、《网络安全法》第二十二条（及时修补，未规定天数）："
        "平台按严重程度设定的整改期限（规则库 parameter:remediation-days）",
        "U",
        VULNERABILITY_DETAIL,
    ),
}


def _usual_offsets() -> dict[str, int]:
    """What may follow the seconds of the usual form, as minutes east of UTC: nothing (China time),
    ``Z``, or ``+HH:MM`` / ``-HH:MM`` up to 23:59 (as the general parse takes them)."""
    offsets = {"": CHINA_OFFSET_HOURS * 60, "Z": 0}
    for hours, minutes in itertools.product(range(24), range(60)):
        offsets[f"+{hours:02d}:{minutes:02d}"] = hours * 60 + minutes
        offsets[f"-{hours:02d}:{minutes:02d}"] = -(hours * 60 + minutes)
    return offsets


USUAL_OFFSETS = _usual_offsets()
# The table as two columns, made once: a mapping given to replace_strict is made into them each call.
_OFFSET_TEXTS = pl.Series(list(USUAL_OFFSETS), dtype=pl.String)
_OFFSET_MINUTES = pl.Series(list(USUAL_OFFSETS.values()), dtype=pl.Int64)


def _usual_instants(column: str) -> pl.Expr:
    """A column's texts of the usual form, ``YYYY-MM-DDTHH:MM:SS`` then nothing, ``Z`` or ``±HH:MM``, as
    instants (UTC); null for any other form. Its date and time are read with a fixed format and its
    offset looked up (`USUAL_OFFSETS`): several times faster than a general parse of every text, and a
    log's times are mostly distinct, so Polars' cache of parsed texts would not help."""
    text = pl.col(column)
    naive = text.str.slice(0, 19).str.to_datetime(ISO_SECONDS, strict=False, cache=False)
    minutes = text.str.slice(19).replace_strict(_OFFSET_TEXTS, _OFFSET_MINUTES, default=None)
    return naive.dt.replace_time_zone("UTC") - pl.duration(minutes=minutes)


def _general_instants(texts: pl.Series) -> pl.Series:
    """Texts as instants (UTC): with their offset (or Z), or in China time without one. China time is
    UTC+8 all year (no daylight saving since 1991), so a fixed offset, cheaper than a zone database.
    A failed parse is slow, so each later form is tried only on the texts the earlier ones left."""
    result = texts.str.to_datetime("%+", strict=False, time_zone="UTC")
    retry = (result.is_null() & texts.is_not_null()).arg_true()
    if retry.len():
        left = texts.gather(retry).str.replace(" ", "T", literal=True, n=1)
        naive = left.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False)
        again = naive.is_null().arg_true()
        if again.len():
            naive = naive.scatter(again, left.gather(again).str.to_datetime("%Y-%m-%dT%H:%M", strict=False))
        china = naive.dt.replace_time_zone("UTC") - timedelta(hours=CHINA_OFFSET_HOURS)
        result = result.scatter(retry, china)
    return result


def _lowercase(texts: pl.Series) -> pl.Series:
    return texts.str.to_lowercase()


def _words(texts: pl.Series) -> pl.Series:
    """'In progress', 'in_progress' and 'In-Progress' are in-progress."""
    return texts.str.to_lowercase().str.replace_all(r"[\s_]+", "-")


def _grade_words(texts: pl.Series) -> pl.Series:
    return _words(texts.replace(GRADES_ZH))


def _china_day(column: str) -> pl.Expr:
    return (pl.col(column) + pl.duration(hours=CHINA_OFFSET_HOURS)).dt.date()


# Each typed column: the text it is read from, and how the texts the usual reading leaves are read
# (whatever they read as there is what the column holds).
_RETRIED: dict[str, tuple[str, Callable[[pl.Series], pl.Series]]] = {
    "_time": ("time", _general_instants),
    "_reported_at": ("reported_at", _general_instants),
    "_severity": ("severity", lambda texts: _lowercase(texts).cast(SEVERITY, strict=False)),
    "_grade": ("incident_grade", lambda texts: _grade_words(texts).cast(GRADE, strict=False)),
    "_status": ("status", lambda texts: _words(texts).cast(STATUS, strict=False)),
}


def _typed(raw: pl.DataFrame) -> pl.DataFrame:
    """The five typed columns, read in one pass of expressions that Polars runs side by side: times of
    the usual form, values written as listed. Only the texts that leaves (another form of time, "INFO",
    "In progress", 较大) are read again, the slower way."""
    typed = raw.with_columns(
        _time=_usual_instants("time"),
        _reported_at=_usual_instants("reported_at"),
        _severity=pl.col("severity").cast(SEVERITY, strict=False),
        _grade=pl.col("incident_grade").cast(GRADE, strict=False),
        _status=pl.col("status").cast(STATUS, strict=False),
    )
    left = typed.select(
        (pl.col(name).is_null() & pl.col(text).is_not_null()).sum().alias(name) for name, (text, _) in _RETRIED.items()
    ).row(0, named=True)
    for name, (text, again) in _RETRIED.items():
        if left[name]:
            retry = (typed[name].is_null() & typed[text].is_not_null()).arg_true()
            typed = typed.with_columns(typed[name].scatter(retry, again(typed[text].gather(retry))))
    return typed


def _checks() -> dict[str, pl.Expr]:
    def none_of(column: str) -> pl.Expr:  # given, but none of the values its typed column lists
        return pl.col(column).is_not_null() & pl.col(f"_{column}").is_null()

    listed = ", ".join
    needs_status = pl.col("incident_grade").is_not_null() | pl.col("vulnerability_id").is_not_null()
    return {
        "time": required("time").when(pl.col("_time").is_null()).then(pl.lit(TIME_FORMAT_HINT)),
        "severity": required("severity")
        .when(none_of("severity"))
        .then(pl.lit(rejections.NOT_ONE_OF.en.format(values=listed(SEVERITIES)))),
        "category": pl.when(pl.col("category").str.len_chars() > TEXT_MAX_LENGTH).then(
            pl.lit(rejections.LONGER_THAN.en.format(limit=TEXT_MAX_LENGTH))
        ),
        "incident_grade": pl.when(pl.col("incident_grade").is_not_null() & pl.col("_grade").is_null()).then(
            pl.lit(rejections.NOT_A_GRADE.en.format(values=listed(GRADES)))
        ),
        "reported_at": pl.when(none_of("reported_at"))
        .then(pl.lit(TIME_FORMAT_HINT))
        .when(pl.col("_reported_at") < pl.col("_time"))
        .then(pl.lit(rejections.BEFORE_THE_EVENT.en)),
        "vulnerability_id": pl.when(pl.col("vulnerability_id").str.len_chars() > TEXT_MAX_LENGTH).then(
            pl.lit(rejections.LONGER_THAN.en.format(limit=TEXT_MAX_LENGTH))
        ),
        "status": pl.when(needs_status & pl.col("status").is_null())
        .then(pl.lit(rejections.STATUS_REQUIRED.en))
        .when(none_of("status"))
        .then(pl.lit(rejections.NOT_ONE_OF.en.format(values=listed(STATUSES)))),
    }


def read_security_log(
    path: Path, *, chunk_rows: int | None = None, progress: ProgressCallback | None = None
) -> pl.DataFrame:
    """The validated log: line, time and reported_at (UTC instants), severity, category, incident_grade
    (English), vulnerability_id, status, kind (incident, vulnerability or other). Raises `UploadRejected`
    when any line has an error."""
    log = ErrorLog(order=("(row)", *COLUMNS))
    checks = _checks()
    kept: list[pl.DataFrame] = []
    rows_read = 0
    if FORMATS.get(path.suffix.lower()) == "ndjson":
        blocks = ndjson_chunks(path, COLUMNS, chunk_rows)
    else:
        blocks = chunks(records(path, COLUMNS, ("csv", "ndjson")), COLUMNS, chunk_rows or DEFAULT_CHUNK_ROWS)
    for number, (raw, read_errors, read) in enumerate(blocks, start=1):
        frame = _typed(raw)
        log.add_chunk([*read_errors, *errors_of(frame, checks)])
        rows_read += read
        if log.count == 0:
            kept.append(
                frame.select(
                    "line",
                    pl.col("_time").alias("time"),
                    pl.col("_reported_at").alias("reported_at"),
                    pl.col("_severity").alias("severity"),
                    "category",
                    pl.col("_grade").alias("incident_grade"),
                    "vulnerability_id",
                    pl.col("_status").alias("status"),
                    pl.when(pl.col("incident_grade").is_not_null())
                    .then(pl.lit("incident"))
                    .when(pl.col("vulnerability_id").is_not_null())
                    .then(pl.lit("vulnerability"))
                    .otherwise(pl.lit("other"))
                    .cast(KIND)
                    .alias("kind"),
                )
            )
        else:
            kept.clear()
        if progress is not None:
            progress(Progress(rows_read=rows_read, errors=log.count, chunks=number))
    if log.count:
        raise log.rejected(rows_read)
    if not kept:
        return _empty()
    return pl.concat(kept)


def _empty() -> pl.DataFrame:
    instant = pl.Datetime("us", "UTC")
    return pl.DataFrame(
        schema={
            "line": pl.Int64,
            "time": instant,
            "reported_at": instant,
            "severity": SEVERITY,
            "category": pl.String,
            "incident_grade": GRADE,
            "vulnerability_id": pl.String,
            "status": STATUS,
            "kind": KIND,
        }
    )


def end_of_day(day: date) -> datetime:
    """The last instant of a day in China time, as the day asked about is counted."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=CHINA) - timedelta(microseconds=1)


def _hours_by_period(rulebook: Rulebook, operator: str) -> list[tuple[date, date | None, int]]:
    periods = []
    for entry in rulebook.parameters:
        if entry.meta.id != INCIDENT_HOURS:
            continue
        value = entry.value
        if not isinstance(value, Mapping) or operator not in value:
            known = ", ".join(sorted(value)) if isinstance(value, Mapping) else "none"
            raise ValueError(f"{INCIDENT_HOURS} has no hours for {operator!r} (it has: {known})")
        periods.append((entry.meta.period.start, entry.meta.period.end, int(value[operator])))
    return periods


def check_incidents(log: pl.DataFrame, rulebook: Rulebook, operator: str, as_of: date) -> pl.DataFrame:
    """Incidents of grade major or above reported late, or unreported past their deadline on ``as_of``.
    ``operator``: "cii" (critical information infrastructure operator), "other", or another kind the
    parameter names. The hours are those in force on the incident's day (China time)."""
    day = _china_day("time")
    hours: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for start, end, value in _hours_by_period(rulebook, operator):
        in_force = day >= start if end is None else day.is_between(start, end)
        hours = pl.when(in_force).then(pl.lit(value, dtype=pl.Int64)).otherwise(hours)
    incidents = log.filter(pl.col("incident_grade").is_in(REPORTABLE_GRADES)).with_columns(hours=hours)
    incidents = incidents.filter(pl.col("hours").is_not_null()).with_columns(
        deadline=pl.col("time") + pl.duration(hours=pl.col("hours"))
    )
    cutoff = pl.lit(end_of_day(as_of)).dt.convert_time_zone("UTC")
    late = incidents.filter(pl.col("reported_at") > pl.col("deadline"))
    missing = incidents.filter(pl.col("reported_at").is_null() & (pl.col("deadline") < cutoff))
    return pl.concat(
        [
            _findings(
                late,
                "incident-reported-late",
                INCIDENT_LATE_DETAIL.expr(
                    grade=pl.col("incident_grade").cast(pl.String),
                    time=_china("time"),
                    reported_at=_china("reported_at"),
                    deadline=_china("deadline"),
                    hours="hours",
                ),
                pl.lit(None, dtype=pl.String),
            ),
            _findings(
                missing,
                "incident-not-reported",
                INCIDENT_MISSING_DETAIL.expr(
                    grade=pl.col("incident_grade").cast(pl.String),
                    time=_china("time"),
                    deadline=_china("deadline"),
                    hours="hours",
                ),
                pl.lit(None, dtype=pl.String),
            ),
        ]
    ).sort("line", "rule")


def check_vulnerabilities(log: pl.DataFrame, remediation_days: Mapping[str, int], as_of: date) -> pl.DataFrame:
    """Vulnerabilities whose latest status is open (or in progress) past their remediation deadline on
    ``as_of``: first logged + the days for their latest severity (rulebook `parameter:remediation-days`)."""
    days = {str(k): int(v) for k, v in remediation_days.items()}
    lines = log.filter(pl.col("vulnerability_id").is_not_null()).sort("time", "line")
    by_id = lines.group_by("vulnerability_id").agg(
        pl.col("time").first().alias("first_time"),
        pl.col("line").first().alias("first_line"),
        pl.col("line").last().alias("line"),
        pl.col("status").last().alias("status"),
        pl.col("severity").last().alias("severity"),
    )
    due = (
        by_id.with_columns(
            days=pl.col("severity").replace_strict(days, default=None, return_dtype=pl.Int64),
            found_on=_china_day("first_time"),
        )
        .filter(pl.col("days").is_not_null() & pl.col("status").is_in(OPEN_STATUSES))
        .with_columns(due_on=pl.col("found_on") + pl.duration(days=pl.col("days")))
        .filter(pl.col("due_on") < as_of)
    )
    return _findings(
        due,
        "vulnerability-overdue",
        VULNERABILITY_DETAIL.expr(
            severity="severity",
            vulnerability="vulnerability_id",
            status="status",
            found_on=pl.col("found_on").cast(pl.String),
            due_on=pl.col("due_on").cast(pl.String),
            days="days",
        ),
        pl.col("vulnerability_id"),
        pl.col("severity").cast(pl.String),  # an overdue vulnerability is as severe as the vulnerability
    ).sort("line")


def _china(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%dT%H:%M:%S%:z")


def _findings(
    frame: pl.DataFrame, key: str, detail: pl.Expr, subject: pl.Expr, severity: pl.Expr | None = None
) -> pl.DataFrame:
    rule = RULES[key]
    return frame.select(
        pl.lit(rule.id).alias("rule"),
        (pl.lit(rule.severity) if severity is None else severity).alias("severity"),
        pl.lit(rule.confidence).alias("confidence"),
        subject.alias("vulnerability_id"),
        pl.col("line"),
        detail.alias("detail"),
    )


def summarise(log: pl.DataFrame) -> pl.DataFrame:
    """Lines per kind (incident, vulnerability, other) and severity, for the report's page. Grouped on two
    enumerations the reading wrote chunk by chunk, so a million lines summarise in little memory."""
    counts = log.group_by("kind", "severity").agg(pl.len().alias("lines"))
    return counts.select(pl.col("kind").cast(pl.String), pl.col("severity").cast(pl.String), "lines").sort(
        "kind", "severity"
    )


def remediation_days_on(rulebook: Rulebook, on: date) -> Mapping[str, int]:
    value = rulebook.parameter(REMEDIATION_DAYS, on)
    if not isinstance(value, Mapping):
        raise ValueError(f"{REMEDIATION_DAYS} is {value!r}, not days by severity")
    return {str(k): int(v) for k, v in value.items()}
