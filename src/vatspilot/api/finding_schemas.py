"""What the findings operations send and accept (api/routers/findings.py): a finding in a list and in
full (its deadlines, the escalation ladder, evidence, timeline and what the caller may do now), and the
body of an authority's action. The holder's remediation is multipart/form-data (its evidence files), read
by the router; its form is documented there."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from vatspilot.domain.supervision.findings import FindingAction, FindingState, Severity

TEXT_MAX = 4000  # as the web's forms (web/finding_forms.py)


def _iso_day(value: Any) -> Any:
    """A day as JSON carries it: an ISO 8601 string ("2025-11-20"), nothing else (no number of seconds)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("a day is written as a string, YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("a day is written YYYY-MM-DD") from None


IsoDay = Annotated[date, BeforeValidator(_iso_day)]


class FindingSummaryOut(Schema):
    id: int
    licence_number: str
    holder: str = Field(description="The holder's name in the request's language (the Chinese name without English).")
    rule: str
    severity: Severity
    status: FindingState
    raised_on: date
    age_days: int
    deadline: date | None = Field(
        description="The deadline running now: the remediation deadline while open, the rectification deadline "
        "on a rung of the ladder; null while a reported remediation waits on the authority, or when closed."
    )
    days_left: int | None = Field(description="To the running deadline; negative when overdue.")
    overdue: bool
    rung: int | None = Field(
        description="0 open, 1 rectification ordered, 2 scope reduced, 3 revoked; null off the ladder."
    )


class RungOut(Schema):
    state: FindingState
    reached: bool
    current: bool


class ListedNodeOut(Schema):
    node_id: str
    line: int | None
    detail: str


class DetailLineOut(Schema):
    key: str
    label: str
    value: str


class EvidenceOut(Schema):
    id: int
    filename: str
    size_bytes: int
    sha256: str
    uploaded_on: date
    uploaded_by: str
    download: str = Field(description="Its path: GET it with the same credentials.")


class FindingEventOut(Schema):
    on: date
    action: str
    from_state: str
    to_state: str
    role: str
    note: str
    rectification_due_on: date | None = Field(description="The deadline this step set, if any.")


class BadRecordListingOut(Schema):
    penalty_decided_on: date
    due_on: date
    days: int
    listed_on: date | None
    overdue: bool


class FindingOut(Schema):
    id: int
    version: int = Field(description="Send it back as expected_version when acting on the finding.")
    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    rule: str
    citation: str
    citation_zh: str
    severity: Severity
    status: FindingState
    raised_on: date
    source: str = Field(description='"report", "inspection", or "" when raised directly.')
    report_id: int | None
    remediation_due_on: date
    rectification_due_on: date | None
    deadline: date | None
    days_left: int | None
    overdue: bool
    rung: int | None
    ladder: list[RungOut] = Field(description="The escalation ladder's rungs, lowest first.")
    listed_nodes: list[ListedNodeOut]
    details: list[DetailLineOut]
    evidence: list[EvidenceOut]
    events: list[FindingEventOut]
    available_actions: list[FindingAction] = Field(description="What the caller may do now, in the table's order.")
    bad_record_listing: BadRecordListingOut | None = Field(
        description="After a scope reduction: the bad-record listing it calls for (Order 42 Art. 42)."
    )


class FindingActionIn(Schema):
    """The finding's version the client last saw and the action's fields: `reason` for every action here;
    `deadline` for order_rectification and reduce_scope; `remove_services` and `narrow_areas` for
    reduce_scope only. Strict: "3" is not 3, and a field the API does not know is refused, not ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")

    expected_version: int = Field(ge=1)
    reason: str | None = Field(None, max_length=TEXT_MAX, description="The decision's reason and legal basis.")
    deadline: IsoDay | None = Field(
        None, description="order_rectification, reduce_scope: the last day to rectify; after today."
    )
    remove_services: list[Annotated[str, Field(max_length=40)]] | None = Field(
        None, max_length=50, description="reduce_scope: the service codes taken off the licence."
    )
    narrow_areas: dict[str, list[Annotated[str, Field(max_length=200)]]] | None = Field(
        None,
        max_length=50,
        description="reduce_scope: service code -> the areas (English names) that service keeps.",
    )
