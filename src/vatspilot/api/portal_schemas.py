"""What the API sends of the public portal (the statistics, the tracker, the rulebook) and of the
supervisors' dashboard: each schema is a page's data, as the page's read model gives it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from vatspilot.api.schemas import ClockOut

# --- The statistics (/statistics/) ----------------------------------------------------------------------


class StatisticsTableSummaryOut(Schema):
    name: str = Field(description="The table's name: GET /statistics/{name} reads it; the page's export name.")
    title_en: str
    title_zh: str
    columns: list[str] = Field(description="The export's header: stable identifiers, the same in every language.")


class StatisticsOut(Schema):
    today: date = Field(description="The day the figures were counted on.")
    approvals: int = Field(description="Approvals in all.")
    tables: list[StatisticsTableSummaryOut] = Field(description="Every table, in the page's order.")


# A decimal cell is written as the exact JSON number it is (50.0, never "50.0" or 50): say so in the document.
ExactNumber = Annotated[Decimal, WithJsonSchema({"type": "number"})]
Cell = int | ExactNumber | str | date | None


class StatisticsTableOut(StatisticsTableSummaryOut):
    today: date = Field(description="The day the figures were counted on.")
    rows: list[list[Cell]] = Field(
        description="The rows exactly as the page's CSV export gives them, each in the order of `columns`, typed: "
        "counts as integers, shares and working days as exact decimal numbers (one place), codes, months and "
        "names as strings, an empty cell as null."
    )


class PublishedFigureOut(Schema):
    key: str
    on: date = Field(description="The day the figure is about.")
    headline_en: str
    headline_zh: str
    quote: str = Field(description="The source's words, exactly (in English, as published).")
    check_en: str = Field(description="How the project's legal facts sheet bears on the figure.")
    check_zh: str


class PublishedSourceOut(Schema):
    author: str
    title: str
    published: date


class PublishedFiguresOut(Schema):
    source: PublishedSourceOut
    figures: list[PublishedFigureOut]


# --- The tracker (/track/<number>/) ---------------------------------------------------------------------


class TrackingStageOut(Schema):
    stage: Literal[
        "submitted", "formal_review", "preliminary_assessment", "ministerial_review", "onsite_verification", "decision"
    ]
    state: Literal["done", "current", "pending", "skipped"] = Field(
        description="skipped: not reached and never will be (the application ended before it, or no on-site "
        "verification was ordered)."
    )
    since: date | None = Field(description="The day the stage was reached.")


class TrackingAgencyOut(Schema):
    agency: Literal["miit", "cac", "mps"]
    given: bool = Field(description="The agency's opinion is given (never what it says).")
    on: date | None


class TrackingOut(Schema):
    tracking_number: str = Field(description="The number as written (a number typed loosely is found too).")
    status: str = Field(description="The application's status code.")
    outcome: Literal["approved", "refused", "withdrawn"] | None
    decided_on: date | None = Field(description="The day of the decision or the withdrawal.")
    supplement_open: bool = Field(description="A supplement was asked for: the review period is paused.")
    stages: list[TrackingStageOut]
    agencies: list[TrackingAgencyOut] = Field(
        description="The agencies' opinions, given or pending, once ministerial review is reached (empty before, "
        "as on the page)."
    )
    clock: ClockOut


# --- The rulebook (/rules/) -----------------------------------------------------------------------------


class RuleVersionOut(Schema):
    start: date = Field(description="The first day of the entry's period.")
    end: date | None = Field(description="The last day of the entry's period; null while open-ended.")
    in_force: bool = Field(description="In force on the date asked for.")
    citation_en: str
    citation_zh: str
    confidence: Literal["C1", "C2", "M", "U"] = Field(
        description="C1 confirmed from the official text or a regulator's page; C2 from a secondary source; M "
        "unsourced, to be verified; U uncertain or conflicting sources."
    )
    confidence_label_en: str
    confidence_label_zh: str
    summary_en: str
    summary_zh: str


class RulePeriodOut(Schema):
    start: date
    end: date | None


class RuleInForceOut(Schema):
    rule_id: str
    kind: str
    kind_heading_en: str
    kind_heading_zh: str
    title_en: str
    title_zh: str
    version: RuleVersionOut = Field(description="The entry in force on the date asked for.")
    versions: int = Field(description="How many dated entries the rule has had.")
    periods: list[RulePeriodOut] = Field(description="Each dated entry's period, oldest first.")


class RuleGapOut(Schema):
    title_en: str
    title_zh: str
    source_en: str
    source_zh: str
    confidence: str
    confidence_label_en: str
    confidence_label_zh: str


class RulesInForceOut(Schema):
    on: date
    rulebook_start: date = Field(description="The first day the rulebook covers.")
    rulebook_version: str
    count: int = Field(description="Rules in force on the date, on every page.")
    gaps: list[RuleGapOut] = Field(description="What the rulebook knows it does not hold (its known gaps).")
    items: list[RuleInForceOut] = Field(description="The rules in force, by kind in the page's order.")
    next_cursor: str | None = Field(description="Send as `cursor` for the next page; null on the last page.")
    next: str | None = Field(description="The next page's path with the same filters; null on the last page.")


class RuleHistoryVersionOut(RuleVersionOut):
    day_before: date | None = Field(
        description="For an entry that replaced another: the day before it (the last day of the old entry)."
    )


class RuleOut(Schema):
    rule_id: str
    kind: str
    kind_heading_en: str
    kind_heading_zh: str
    title_en: str
    title_zh: str
    on: date
    current: RuleHistoryVersionOut | None = Field(description="The entry in force on `on`; null when none is.")
    history: list[RuleHistoryVersionOut] = Field(description="Every dated entry, oldest first.")


class RuleChangeOut(Schema):
    kind: Literal["started", "ended", "changed"]
    rule_id: str
    title_en: str
    title_zh: str
    fields_en: list[str] = Field(description="The changed fields' names (for a change).")
    fields_zh: list[str]
    before: RuleVersionOut | None = Field(description="The entry in force on `from` (null for a rule that started).")
    after: RuleVersionOut | None = Field(description="The entry in force on `to` (null for a rule that ended).")


class RulesDiffOut(Schema):
    from_: date = Field(alias="from")
    to: date
    changes: list[RuleChangeOut]


class RuleLinkOut(Schema):
    rule_id: str
    title_en: str
    title_zh: str


class MilestoneOut(Schema):
    on: date
    text_en: str
    text_zh: str
    source_en: str = Field(description="The fact's source; empty for the rulebook's own entries.")
    source_zh: str
    confidence: str = Field(description="C1, C2, M or U; empty where the source article alone states it.")
    confidence_label_en: str
    confidence_label_zh: str
    from_rulebook: bool = Field(description="A day the rulebook's entries start or end, not a sourced fact.")
    browsable: bool = Field(description="The rulebook covers the day: GET /rules?on= lists its rules then.")
    started: list[RuleLinkOut] = Field(description="Rulebook entries that take effect that day.")
    changed: list[RuleLinkOut] = Field(description="Rules whose new entry replaces the one that ended the day before.")
    ended: list[RuleLinkOut] = Field(description="Rulebook entries whose last day was the day before.")


# --- The service guide (/guide/) -----------------------------------------------------------------------


class GuideItemOut(Schema):
    """One statement of the guide with what it rests on: a rule (``rule_id``, its citation as ``basis``) or
    a sourced fact (its source as ``basis``, no ``rule_id``)."""

    text_en: str
    text_zh: str
    basis_en: str
    basis_zh: str
    confidence: str = Field(description="C1, C2, M or U; empty for a fact the source article alone states.")
    confidence_label_en: str
    confidence_label_zh: str
    rule_id: str = Field(description="The rule's id (GET /rules/{rule_id}); empty for a fact.")
    points_en: list[str] = Field(description="A list the statement introduces (services, documents ...).")
    points_zh: list[str]


class GuideRegionOut(Schema):
    name_en: str
    name_zh: str
    licence_area_en: str
    licence_area_zh: str


class GuideOpeningOut(Schema):
    code: str
    name_en: str
    name_zh: str
    cap: GuideItemOut = Field(description="The services it opens (as points), with the cap rule's citation.")
    regions: list[GuideRegionOut]
    regions_basis: list[GuideItemOut] = Field(description="The regions' citations (one per distinct citation).")
    exclusions: list[GuideItemOut]


class GuideStepOut(Schema):
    heading_en: str
    heading_zh: str
    items: list[GuideItemOut]


class ServiceGuideOut(Schema):
    on: date
    rulebook_version: str
    about: list[GuideItemOut] = Field(description="What the pilot is.")
    openings: list[GuideOpeningOut] = Field(description="The opening-up measures in force: services, regions.")
    not_yet_open: list[GuideItemOut] = Field(description="Measures issued whose channel is not open yet.")
    who_may_apply: list[GuideItemOut]
    documents: list[GuideItemOut]
    steps: list[GuideStepOut] = Field(description="The steps and time limits.")
    contacts: list[GuideItemOut] = Field(description="Where to turn.")


# --- The supervisors' dashboard (/supervision/) ---------------------------------------------------------


class LateObligationOut(Schema):
    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    kind: Literal["quarterly-report", "annual-report"]
    obligation: str = Field(description='The period: "2025-Q3" for a quarterly report, "2025" for an annual one.')
    due_on: date
    cure_deadline: date
    status: Literal["late", "overdue"] = Field(description="overdue: past the cure deadline.")
    days_late: int
    listing_proposed: bool = Field(description="A bad-record listing was proposed for it (Order 42 Art. 38).")


class QuarterReportsOut(Schema):
    quarter: str
    on_time: int
    late: int
    missing: int


class OpenFindingsOut(Schema):
    severity: Literal["critical", "high", "medium", "low"]
    by_age: dict[str, int] = Field(description="Open findings by age in days: 0-30, 31-90, 90+.")


class OverdueFindingOut(Schema):
    finding_id: int
    licence_number: str
    rule: str
    severity: str
    status: str
    deadline: date
    days_overdue: int


class FindingsMonthOut(Schema):
    month: str
    by_severity: dict[str, int]


class OverdueExitOut(Schema):
    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    state: str
    opened_on: date
    migration_deadline: date | None
    users_migrated: int
    users_to_migrate: int | None
    days_overdue: int


class InspectionCountsOut(Schema):
    drawn: int
    done: int


class SupervisionDashboardOut(Schema):
    today: date
    licences: int = Field(description="The licences you supervise.")
    late_obligations: list[LateObligationOut] = Field(description="Reports late or overdue, the overdue first.")
    reports_by_quarter: list[QuarterReportsOut]
    age_buckets: list[str]
    open_findings: list[OpenFindingsOut] = Field(description="Open findings by severity and age.")
    cross_border_flags: int = Field(description="Open cross-border data flags.")
    overdue_findings: list[OverdueFindingOut] = Field(description="Findings past their deadline, most overdue first.")
    findings_by_month: list[FindingsMonthOut] = Field(description="Findings raised per month, by severity.")
    inspections: InspectionCountsOut
    overdue_exits: list[OverdueExitOut] = Field(description="Network exits past their migration deadline.")
