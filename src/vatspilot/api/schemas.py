"""What the API sends and accepts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema


class ClockOut(Schema):
    started: bool
    days_used: int | None = Field(description="Working days counted so far; null when the calendar is unknown.")
    days_left: int | None = Field(description="Negative once overdue; null when the calendar is unknown.")
    paused: bool = Field(description="A supplement request is open: its days do not count.")
    stopped: bool
    due_date: date | None
    status: Literal["not_started", "on_track", "due_soon", "overdue", "stopped", "unknown_calendar"]
    unknown_years: list[int] = Field(description="Years the official working-day calendar does not cover yet.")


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str
    division_code: str


class ApplicationSummaryOut(Schema):
    id: int
    organisation: OrganisationOut
    jurisdiction: str = Field(description="GB/T 2260 code of the province of registration.")
    status: str
    version: int = Field(description="Send it back as expected_version when acting on the application.")
    clock: ClockOut
    updated_at: datetime


class DossierOut(Schema):
    ownership: list[Any]
    services: list[Any]
    service_area: dict[str, Any]
    dishonest_list: bool


class EventOut(Schema):
    action: str
    from_state: str | None
    to_state: str
    on: date
    at: datetime
    actor: str | None
    role: str
    note: str


class ApplicationOut(ApplicationSummaryOut):
    dossier: DossierOut
    determination: dict[str, Any] | None = Field(description="Contract vatspilot/decision/v1.")
    rulebook_version: str
    missing_items: list[str]
    available_actions: list[str] = Field(description="What the signed-in user may do now.")
    events: list[EventOut]


class ActionIn(Schema):
    """The application's version the client last saw, and the action's fields (see each action)."""

    expected_version: int = Field(ge=1)
    items: list[str] | None = Field(None, description="request_supplement: what to supply or correct.")
    legal_basis: str | None = Field(None, description="refuse, approve.")
    reasons: str | None = Field(None, description="refuse.")
    findings: str | None = Field(
        None,
        description="complete_preliminary_assessment, complete_onsite_verification, record_security_assessment.",
    )
    opinion: Literal["concur", "concur_with_conditions", "object"] | None = Field(None, description="record_opinion.")
    conditions: str | None = Field(None, description="record_opinion.")
    result: Literal["positive", "negative"] | None = Field(None, description="record_security_assessment.")


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str | None = None
    field: str | None = None
