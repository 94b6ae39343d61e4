"""What the inspections operations send and accept (api/routers/inspections.py): an inspection in a
list and in full, a draw as it is published (everything needed to re-run it), and the bodies of a draw
and of an inspection's record."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

from vatspilot.api.finding_schemas import IsoDay
from vatspilot.domain.supervision.findings import FindingState, Severity
from vatspilot.store.models.supervision import InspectionKind

NATIONWIDE = "nationwide"
MAX_ISSUES = 200  # as the web's form (web/inspection_forms.py)


class InspectionSummaryOut(Schema):
    id: int
    licence_number: str
    holder: str
    kind: InspectionKind
    draw_id: int | None
    drawn_on: date | None
    team: list[str] = Field(description="The inspectors' usernames.")
    done_on: date | None = Field(description="Null until the team records it.")
    findings: int = Field(description="How many findings it raised.")


class InspectionFindingOut(Schema):
    id: int
    rule: str
    severity: Severity
    status: FindingState
    description: str


class InspectionOut(Schema):
    id: int
    licence_number: str
    holder: str
    kind: InspectionKind
    draw_id: int | None
    drawn_on: date | None
    team: list[str]
    done_on: date | None
    summary: str
    findings: list[InspectionFindingOut]
    may_record: bool = Field(description="The caller is on the team, an inspector, and it is not recorded yet.")
    may_open_findings: bool = Field(description="The caller supervises the licence (the findings are theirs to open).")


class TeamOut(Schema):
    licensee: str = Field(description="The licence number.")
    holder: str
    inspectors: list[str] = Field(description="Usernames, in the order drawn.")
    short: bool = Field(description="Fewer inspectors were free of conflict than asked for.")
    done_on: date | None
    findings: int = Field(description="How many findings the inspection raised (never what they say).")


class DrawOut(Schema):
    id: int
    seed: str
    algorithm: str
    drawn_on: date
    jurisdiction: str = Field(description='The jurisdiction\'s name; "" for a nationwide draw.')
    kind: str = Field(description="The inspection kind's name (in the request's language).")
    licensee_pool: list[str]
    inspector_pool: list[str]
    conflicts: dict[str, list[str]] = Field(
        description="Inspector username -> the licence numbers they may not inspect."
    )
    licensee_count: int
    inspectors_per_licensee: int
    teams: list[TeamOut]
    data: dict[str, Any] = Field(description="The draw's inputs exactly as domain.supervision.draw.draw takes them.")
    rerun: str = Field(description="A Python program using only hashlib that re-runs the draw and prints the teams.")


class DrawIn(Schema):
    """A draw: where, the seed to publish, the kind, how many, and the conflicts the authority declares
    (those from the applications' records are added by themselves)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    jurisdiction: Annotated[str, Field(min_length=1, max_length=20)] = Field(
        description='"nationwide" (MIIT only), or the GB/T 2260 code of a province you supervise.'
    )
    seed: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="Published with the draw: anyone can re-run it with the same seed and pools."
    )
    kind: InspectionKind = Field(strict=False)  # its value, as JSON carries it
    licensee_count: int = Field(ge=1, le=1000)
    inspectors_per_licensee: int = Field(2, ge=1, le=20)
    conflicts: dict[
        Annotated[str, Field(min_length=1, max_length=150)], list[Annotated[str, Field(min_length=1, max_length=40)]]
    ] = Field(
        default_factory=dict,
        max_length=MAX_ISSUES,
        description="Inspector username -> licence numbers (declared recusals).",
    )


class FoundIssueIn(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")

    rule: str = Field(pattern=r"^[a-z0-9][a-z0-9:._-]{0,99}$", description="Say inspection:penetration-test.")
    severity: Severity = Field(strict=False)  # its value, as JSON carries it
    description: Annotated[str, Field(min_length=1, max_length=4000)]


class RecordIn(Schema):
    """The inspection's record: the day it was done (not after today), its summary and its findings (each
    raised as a finding on the licence, with the rulebook's deadline for its severity)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    done_on: IsoDay = Field(description="The day the inspection was done; not after today.")
    summary: Annotated[str, Field(min_length=1, max_length=20000)]
    found: list[FoundIssueIn] = Field(default_factory=list, max_length=MAX_ISSUES)
