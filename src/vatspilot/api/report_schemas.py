"""What the quarterly report operations of the API send and accept (routers/reports.py).

Requests are strict: "3" is not 3, true is not 1, and a field the API does not know is refused. Money and
bandwidth are exact decimal JSON numbers (1234567.89 is Decimal("1234567.89") from the body to the
database, never a binary float): at most 2 decimal places for revenue, 3 for bandwidth."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema

from vatspilot.api.problems import field_not_taken, field_required
from vatspilot.domain.licences.action_fields import REASON_MAX_LENGTH
from vatspilot.domain.supervision.cross_border import Mechanism
from vatspilot.domain.supervision.reports import ReportAction

__all__ = [
    "ACTIONS_TAKING_REASON",
    "ObligationOut",
    "OperationalDataIn",
    "ReportActionIn",
    "ReportOpenIn",
    "ReportOut",
    "RunOut",
    "action_fields",
]

# The largest count the store keeps (a PostgreSQL bigint).
COUNT_MAX = 9_223_372_036_854_775_807


def _exact(value: Any) -> Any:
    """A whole JSON number as the Decimal it is (the strict reader gives 3 as an int, 3.5 as a Decimal);
    anything else is left for the strict check to refuse (a string, a boolean, a float)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _amount(max_digits: int, places: int, description: str) -> Any:
    return Annotated[
        Decimal,
        BeforeValidator(_exact),
        Field(ge=0, max_digits=max_digits, decimal_places=places, description=description),
        WithJsonSchema({"type": "number", "minimum": 0, "description": description}),
    ]


Revenue = _amount(18, 2, "CNY, at most 2 decimal places.")
Bandwidth = _amount(12, 3, "Gbps, at most 3 decimal places.")
# A Decimal written as the JSON number it is (the API's renderer writes Decimals exactly).
ExactNumber = Annotated[Decimal, WithJsonSchema({"type": "number"})]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
MechanismCode = Literal["", *tuple(mechanism.value for mechanism in Mechanism)]  # type: ignore[valid-type]


# --- Requests --------------------------------------------------------------------------------------------


class ReportOpenIn(Schema):
    """The quarter whose report to open. Strict: a field the API does not know is refused."""

    model_config = ConfigDict(strict=True, extra="forbid")

    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)


class OperationalDataIn(Schema):
    """The draft's operational data, replaced whole: a value left out (or null) is blank, as a draft may
    leave any; submitting requires every one but the mechanism. Strict: "3" is not 3, true is not 1."""

    model_config = ConfigDict(strict=True, extra="forbid")

    expected_version: int = Field(ge=1, description="The report's version you last read; changed since is a 409.")
    users: Count | None = None
    revenue_cny: Revenue | None = None  # type: ignore[valid-type]
    bandwidth_gbps: Bandwidth | None = None  # type: ignore[valid-type]
    personal_info_exported: Count | None = Field(
        None, description="People whose personal information (not sensitive) left China this year."
    )
    sensitive_info_exported: Count | None = Field(
        None, description="People whose sensitive personal information left China this year."
    )
    important_data_exported: bool | None = None
    cross_border_mechanism: MechanismCode = Field(  # type: ignore[valid-type]
        "",
        description='The cross-border mechanism on file ("" for none); one that does not cover the '
        "volumes above is raised as a finding on submission.",
    )


class ReportActionIn(Schema):
    """The report's version you last read, and the action's fields: `reason` for return (required), none
    for submit, reopen and accept. Strict: a field the API does not know is refused, not ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")

    expected_version: int = Field(ge=1)
    reason: str | None = Field(
        None, max_length=REASON_MAX_LENGTH, description="Taken by return (required): what the holder must correct."
    )


ACTIONS_TAKING_REASON = frozenset({ReportAction.RETURN})


def action_fields(action: ReportAction, payload: ReportActionIn) -> dict[str, Any]:
    """The writer's fields from the body (as the web's report forms take them); FieldProblem (a 422) for
    a field the action does not take or a required one left out."""
    if action in ACTIONS_TAKING_REASON:
        if payload.reason is None:
            raise field_required("reason")
        return {"reason": payload.reason}
    if payload.reason is not None:
        raise field_not_taken("reason")
    return {}


# --- Responses -------------------------------------------------------------------------------------------


class ObligationOut(Schema):
    kind: Literal["quarterly-report", "annual-report"]
    label: str = Field(description='The period: "2025-Q3" for a quarter, "2025" for a year.')
    year: int
    quarter: int | None = Field(description="Null for the annual report.")
    period_start: date
    period_end: date
    opens_on: date
    due_on: date
    cure_deadline: date
    status: Literal["not_due", "open", "submitted", "late", "overdue"]
    filed_on: date | None
    days_left: int | None = Field(description="Days to the due day, while not filed and not past it.")
    days_late: int | None = Field(description="Days past the due day, while not filed.")
    cure_days_left: int | None = Field(description="Days to the cure deadline, while late and not filed.")
    report_id: int | None = Field(description="The quarterly report on the platform, once opened.")
    can_open: bool = Field(description="You (a member of the holder) may open this quarter's report now.")


class OperationalDataOut(Schema):
    users: int | None
    revenue_cny: ExactNumber | None = Field(description="CNY, as saved (an exact decimal number).")
    bandwidth_gbps: ExactNumber | None = Field(description="Gbps, as saved (an exact decimal number).")
    personal_info_exported: int | None
    sensitive_info_exported: int | None
    important_data_exported: bool | None
    cross_border_mechanism: str


class RowErrorOut(Schema):
    line: int = Field(description="The file's own line (CSV, NDJSON) or sheet row (XLSX); 0 for the file.")
    field: str
    reason: str


class RunOut(Schema):
    id: uuid.UUID
    report_id: int
    part: Literal["node_list", "security_log"]
    filename: str
    status: Literal["queued", "running", "accepted", "rejected"]
    finished: bool = Field(description="Accepted or rejected: the run will not change again.")
    rows_read: int
    error_count: int = Field(description="Errors found so far (while running) or in all (rejected).")
    errors: list[RowErrorOut] = Field(description="When rejected: the first 100 errors, in line order.")
    more_errors: int = Field(description="Errors found beyond those listed.")
    created_at: datetime
    finished_at: datetime | None
    progress: str = Field(description="This run's address: poll it until finished.")


class UploadOut(Schema):
    filename: str
    rows: int
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class PartOut(Schema):
    part: Literal["node_list", "security_log"]
    formats: list[str] = Field(description="The file extensions this part is read from.")
    upload: UploadOut | None = Field(description="The accepted file on record.")
    run: RunOut | None = Field(description="The latest ingestion run of this part.")


class FindingOut(Schema):
    id: int
    rule: str
    severity: str
    status: str
    raised_on: date
    remediation_due_on: date
    overdue: bool


class ReportOut(Schema):
    id: int
    licence: str = Field(description="The licence's number.")
    holder_name_zh: str
    holder_name_en: str
    period: str = Field(description='"2025-Q4".')
    year: int
    quarter: int
    status: Literal["draft", "submitted", "accepted"]
    version: int = Field(description="Send it back as expected_version when changing the report.")
    due_on: date
    cure_deadline: date
    submitted_on: date | None
    late: bool = Field(description="Submitted after the due day.")
    rulebook_version: str
    data: OperationalDataOut
    parts: list[PartOut]
    missing: list[str] = Field(description="What a submission still lacks: operational fields and parts.")
    findings: list[FindingOut] = Field(description="The findings the report raised that you may open.")
    available_actions: list[str] = Field(description="The lifecycle's actions open to you today.")
    editable: bool = Field(description="You may save the operational data and upload the parts (a draft, yours).")
