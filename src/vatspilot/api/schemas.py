"""What the API sends and accepts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class ClockOut(Schema):
    started: bool
    days_used: int | None = Field(description="Working days counted so far; null when the calendar is unknown.")
    days_left: int | None = Field(description="Negative once overdue; null when the calendar is unknown.")
    paused: bool = Field(description="A supplement request is open: its days do not count.")
    stopped: bool
    due_date: date | None
    status: Literal["not_started", "on_track", "due_soon", "overdue", "stopped", "unknown_calendar"]
    unknown_years: list[int] = Field(description="Years the official working-day calendar does not cover yet.")
    provisional: bool = Field(
        description="The counts or the due date rest on a provisional projection (statutory holidays alone, "
        "no make-up days) for a year whose official arrangement is not known yet; recomputed once it is."
    )
    provisional_years: list[int] = Field(description="The years projected from the statutory holidays.")


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
    tracking_number: str | None = Field(
        None, description="Given at submission: what the public tracking page looks the application up by."
    )
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
    details: dict[str, Any] = Field(
        description="Particulars: the dossier hash an action was taken on and the reviews it voided."
    )


class ConditionOut(Schema):
    agency: Literal["miit", "cac", "mps"]
    conditions: str


class DecisionOut(Schema):
    outcome: Literal["approved", "refused"]
    legal_basis: str
    reasons: str
    licence_area: str
    licence_services: list[str]
    conditions: list[ConditionOut] = Field(description="The conditions of the concurrences, for the licence.")
    dossier_hash: str = Field(description="SHA-256 of the dossier the decision was taken on.")
    rulebook_version: str
    determination: dict[str, Any] = Field(
        description="The determination the decision relied on, exactly as stored (contract v1 or v2, see its `schema`)."
    )
    decided_at: datetime


class ApplicationOut(ApplicationSummaryOut):
    dossier: DossierOut
    uncertain_basis: list[str] = Field(
        description="The rules graded U (uncertain or conflicting sources) that the determination rests on: "
        "when not empty, tell the reader before anything else. Always empty for a v1 determination, which "
        "carries no confidence codes."
    )
    determination: dict[str, Any] | None = Field(
        description="As stored when it was taken, never recomputed under a newer rulebook: contract "
        "vatspilot/decision/v2, or vatspilot/decision/v1 for one taken before (its `schema` says which; v1 has "
        "no confidence, in_force, opening or area, and its licence has one area). Each v2 reason carries the "
        "confidence code of its rule beside its citation: C1 confirmed from the official text or a "
        "regulator's page; C2 from a secondary source paraphrasing the rule; M unsourced, to be verified; "
        "U uncertain or conflicting sources (置信度：C1 官方文本或监管部门网页；C2 转述规则的二手来源；"
        "M 无来源，有待核实；U 来源不确定或相互矛盾)."
    )
    rulebook_version: str
    missing_items: list[str]
    available_actions: list[str] = Field(description="What the signed-in user may do now.")
    events: list[EventOut]
    dossier_hash: str = Field(description="SHA-256 of the dossier as it stands: what reviews are given on.")
    decision: DecisionOut | None


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str | None = None
    field: str | None = None


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell it apart; the secret is never shown again.")
    scope: Literal["read", "write"]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class RegisteredServiceOut(Schema):
    code: str
    name_en: str
    name_zh: str
    areas_en: list[str]
    areas_zh: list[str]


class RegisterLicenceOut(Schema):
    number: str
    holder_name_zh: str
    holder_name_en: str
    uscc: str
    region: str = Field(description="GB/T 2260 code of the holder's province of registration.")
    services: list[RegisteredServiceOut]
    conditions: list[str]
    valid_from: date
    valid_until: date
    status: str = Field(description="The licence's effective status today.")


class ApplicationCreateIn(Schema):
    """Strict: a field the API does not know is refused, not ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")

    organisation: int | None = Field(
        None,
        ge=1,
        description="The id of the organisation applying (you must be its member); may be left out when you "
        "belong to exactly one.",
    )


class DossierIn(Schema):
    """The whole dossier, replaced: the ownership tree, the services and the service area as the profile
    contract (vatspilot/profile/v1) has them under shareholders, services and service_area. Strict: "3" is
    not 3, true is not 1, and a field the API does not know is refused."""

    model_config = ConfigDict(strict=True, extra="forbid")

    expected_version: int | None = Field(
        None, ge=1, description="The version you last read; when given, a dossier changed since is a 409."
    )
    ownership: list[dict[str, Any]] = Field(
        description="Direct shareholders, each {name, jurisdiction, percent, shareholders?, foreign_invested?} "
        "(the profile contract's holder); percentages add up to 100."
    )
    services: list[dict[str, Any]] = Field(
        description="Each {code, scope?, content?} (the profile contract's service)."
    )
    service_area: dict[str, Any] = Field(
        description='{"kind": "provincial"} or {"kind": "cross-regional", "provinces"?}.'
    )
    dishonest_list: bool = Field(
        False, description="True when the enterprise, a main investor or a main manager is on the dishonest list."
    )


class DocumentVersionOut(Schema):
    id: int
    kind: str
    number: int = Field(description="1 for the first upload of this kind, then 2, 3 ...")
    name: str = Field(description="The file name as kept (sanitised).")
    content_type: str
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_at: datetime
    uploaded_by: str | None


class ChecklistItemOut(Schema):
    kind: str
    label: str
    required: bool = Field(description="The determination asks for this document before submission.")
    present: bool = Field(description="At least one version is uploaded.")
    versions: list[DocumentVersionOut] = Field(description="Every version uploaded, newest first.")
