"""Findings as the pages show them: (a) one finding's page for its holder and its supervisors (the
licence, rule and citation in both languages, severity, details, deadlines with the days left or
overdue, the rung on the escalation ladder, evidence, timeline, the reader's actions, and after a scope
reduction the bad-record listing it calls for), and (b) the list of findings a reader may see: every
finding for an MIIT reviewer, a local officer's jurisdictions', the holder's own (store.access decides;
nothing here restates the jurisdiction rule).

"Today" is an argument. The list is two queries however many findings (the reader's reach, the findings
with their licences); tests/queries/test_finding_queries.py holds that at 2 and 12 findings.

Deadlines: an open finding runs against its remediation deadline, a finding on a rung of the ladder
against the rectification deadline that rung set; a reported remediation waits on the authority and
runs against nothing, nor does a closed finding. Overdue is "after the deadline day" (on the day itself
still in time), as the table's guards judge it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from vatspilot.domain.licences.credit_lists import listing_due
from vatspilot.domain.supervision.findings import LADDER, FindingAction, FindingState, Severity, rung
from vatspilot.queries.exports import ExportColumn, ExportTable, export_table
from vatspilot.queries.supervision_reports import MECHANISM_LABELS
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import legal_text, lifecycle
from vatspilot.services.day_text import day_text
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.finding_lifecycle import findings_on
from vatspilot.services.vocabulary import CONFIDENCE, FINDING_EVENTS, FINDING_SEVERITIES, FINDING_STATES
from vatspilot.store.access import NotFound, Reach, visible_findings
from vatspilot.store.models import CreditListEntry, Role
from vatspilot.store.models.supervision import Finding, FindingEvidence, InspectionKind, SupervisionEvent

__all__ = [
    "BadRecordListing",
    "DetailLine",
    "EvidenceItem",
    "FindingDetail",
    "FindingList",
    "FindingRow",
    "ListedNode",
    "Rung",
    "TimelineStep",
    "evidence_of",
    "finding_detail",
    "finding_list",
    "findings_export",
]

# The states a deadline runs in, and which of the finding's deadlines it is.
_AGAINST_REMEDIATION = frozenset({FindingState.OPEN})
_AGAINST_RECTIFICATION = frozenset({FindingState.RECTIFICATION_ORDERED, FindingState.SCOPE_REDUCED})
_FINAL = frozenset({FindingState.RESOLVED, FindingState.DISMISSED, FindingState.REVOKED})
_SEVERITY_ORDER = {severity.value: index for index, severity in enumerate(Severity)}

# The details' keys the page names (checks and inspections write them); any other is shown as it is.
_DETAIL_LABELS: dict[str, StrOrPromise] = {
    "description": _("What was found"),
    "kind": _("Inspection kind"),
    "nodes": _("Nodes concerned"),
    "line": _("Line in the file"),
    "detail": _("Detail"),
    "required": _("Cross-border mechanism required"),
    "on_file": _("Mechanism on file"),
    "reasons": _("Reasons"),
    "on_boundary": _("On a threshold's boundary: to be checked against the official text"),
    "overseas_nodes": _("Nodes outside mainland China"),
    "overseas_nodes_without_volumes": _("Overseas nodes with no reported transfer"),
    "confidence": _("Confidence of the rule"),
    "penalty_decided_on": _("Penalty decided on"),
}
# Shown elsewhere on the page (the Chinese citation, the listed nodes).
_NOT_A_LINE = frozenset({"citation_zh", "listed"})


@dataclass(frozen=True)
class ListedNode:
    node_id: str
    line: int | None
    detail: str  # as stored (English)
    shown: str  # in the reader's language (services.legal_text.detail_in)


@dataclass(frozen=True)
class DetailLine:
    key: str
    label: str
    value: str  # as stored (the API's)
    shown: str  # for the reader: words, dates and texts in their language


@dataclass(frozen=True)
class EvidenceItem:
    pk: int
    filename: str
    size_bytes: int
    sha256: str
    uploaded_on: date
    uploaded_by: str


@dataclass(frozen=True)
class TimelineStep:
    on: date
    action: str
    label: str
    from_state: str
    to_state: str
    to_state_label: str
    role: str
    note: str
    rectification_due_on: str  # as the step set it ("" for none)

    @property
    def rectification_due_day(self) -> date | None:
        try:
            return date.fromisoformat(self.rectification_due_on) if self.rectification_due_on else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Rung:
    state: FindingState
    label: str
    reached: bool
    current: bool


@dataclass(frozen=True)
class BadRecordListing:
    """After a scope reduction (an administrative penalty): the bad-record listing Order 42 Art. 42 calls
    for within the rulebook's days, and whether MIIT has made it."""

    penalty_decided_on: date
    due_on: date
    days: int
    listed_on: date | None
    overdue: bool  # not listed (or listed late) after the due day


@dataclass(frozen=True)
class FindingDetail:
    pk: int
    version: int
    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    rule: str
    rule_name: str  # in the reader's language (services.legal_text.rule_name; an unknown rule as typed)
    citation: str
    citation_zh: str
    basis: str  # the legal basis in the reader's language, once (services.legal_text.basis_in)
    severity: Severity
    severity_label: str
    state: FindingState
    state_label: str
    raised_on: date
    source: str  # "report", "inspection" or "" (raised directly)
    report_id: int | None  # the quarterly report whose checks raised it
    remediation_due_on: date
    rectification_due_on: date | None
    deadline: date | None  # the deadline running now (see the module's note), None when none runs
    days_left: int | None  # to the running deadline; negative when overdue
    overdue: bool

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0

    rung: int | None  # 0 open ... 3 revoked; None off the ladder
    ladder: tuple[Rung, ...]
    listed_nodes: tuple[ListedNode, ...]
    detail_lines: tuple[DetailLine, ...]
    evidence: tuple[EvidenceItem, ...]
    timeline: tuple[TimelineStep, ...]
    actions: tuple[FindingAction, ...]  # what the reader may do now, in the table's order
    listing: BadRecordListing | None


@dataclass(frozen=True)
class FindingRow:
    pk: int
    licence_number: str
    holder: str
    rule: str
    rule_name: str
    severity: Severity
    severity_label: str
    state: FindingState
    state_label: str
    raised_on: date
    age_days: int
    deadline: date | None
    days_left: int | None
    overdue: bool
    rung: int | None

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0


@dataclass(frozen=True)
class FindingList:
    rows: tuple[FindingRow, ...]  # those the filters keep: unresolved first, oldest first; then the closed
    total: int  # the findings the reader may see, before the filters
    supervisor: bool  # the reader supervises licences (an MIIT reviewer or a local officer)


def _running_deadline(finding: Finding, state: FindingState) -> date | None:
    if state in _AGAINST_REMEDIATION:
        return finding.remediation_due_on
    if state in _AGAINST_RECTIFICATION:
        return finding.rectification_due_on
    return None


def _deadline_facts(finding: Finding, today: date) -> tuple[FindingState, date | None, int | None, bool]:
    state = FindingState(finding.status)
    deadline = _running_deadline(finding, state)
    days_left = (deadline - today).days if deadline is not None else None
    return state, deadline, days_left, days_left is not None and days_left < 0


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def _shown(rule: str, key: str, value: object) -> str:
    """A detail's value for the reader: the check's words and texts in their language, a date their
    way, a list joined their way; what a person wrote as written."""
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, list | tuple):
        return ("；" if legal_text.reader_language() == "zh" else "; ").join(_shown(rule, key, item) for item in value)
    text = str(value)
    if key in ("detail", "reasons"):
        return legal_text.detail_in(rule, text)
    if key == "kind":
        return str(dict(InspectionKind.choices).get(text, text))
    if key in ("required", "on_file"):
        return str(MECHANISM_LABELS.get("" if text == "none" and key == "on_file" else text, text))
    if key == "confidence":
        return str(CONFIDENCE.get(text, text))
    if key.endswith("_on"):
        return day_text(text)
    return text


def _details(rule: str, details: dict[str, object]) -> tuple[tuple[ListedNode, ...], tuple[DetailLine, ...]]:
    listed = details.get("listed")
    nodes = tuple(
        ListedNode(
            node_id=str(node.get("id", "")),
            line=node.get("line") if isinstance(node.get("line"), int) else None,
            detail=str(node.get("detail", "")),
            shown=legal_text.detail_in(rule, str(node.get("detail", ""))),
        )
        for node in (listed if isinstance(listed, list) else [])
        if isinstance(node, dict)
    )
    lines = tuple(
        DetailLine(key=key, label=str(_DETAIL_LABELS.get(key, key)), value=_text(value), shown=_shown(rule, key, value))
        for key, value in details.items()
        if key not in _NOT_A_LINE and value is not None and value != ""
    )
    return nodes, lines


def _listing(finding: Finding, today: date) -> BadRecordListing | None:
    decided = finding.details.get("penalty_decided_on") if isinstance(finding.details, dict) else None
    if not isinstance(decided, str):
        return None
    penalty_decided_on = date.fromisoformat(decided)
    days = default_rulebook().parameter("parameter:bad-record-listing-days", penalty_decided_on)
    if not isinstance(days, int):
        raise TypeError(f"parameter:bad-record-listing-days is {days!r}, not a number of days")
    due_on = listing_due(penalty_decided_on, days)
    entry = (
        CreditListEntry.objects.filter(licence_id=finding.licence_id, penalty_decided_on=penalty_decided_on)
        .order_by("listed_on", "pk")
        .first()
    )
    listed_on = entry.listed_on if entry is not None else None
    return BadRecordListing(
        penalty_decided_on=penalty_decided_on,
        due_on=due_on,
        days=days,
        listed_on=listed_on,
        overdue=(listed_on or today) > due_on,
    )


def _actions(actor: User, finding: Finding, today: date) -> tuple[FindingAction, ...]:
    actions = lifecycle.available_actions_for(findings_on(today), actor, [finding])[finding.pk]
    if FindingAction.REPORT_REMEDIATION not in actions:
        # The remediation's form brings the evidence its guard asks for: offer it when that is all missing.
        try:
            lifecycle.decide_for(findings_on(today, evidence_count=1), actor, finding, FindingAction.REPORT_REMEDIATION)
        except ActionRefused:
            pass
        else:
            actions = [FindingAction.REPORT_REMEDIATION, *actions]
    order = list(FindingAction)
    return tuple(sorted(actions, key=order.index))


def _step(event: SupervisionEvent) -> TimelineStep:
    details = event.details if isinstance(event.details, dict) else {}
    return TimelineStep(
        on=event.on,
        action=event.action,
        label=str(FINDING_EVENTS.get(event.action, event.action)),
        from_state=event.from_state,
        to_state=event.to_state,
        to_state_label=str(FINDING_STATES.get(event.to_state, event.to_state)),
        role=event.role,
        note=event.note,
        rectification_due_on=str(details.get("rectification_due_on", "")),
    )


def finding_detail(actor: User | AnonymousUser, finding: Finding, *, today: date) -> FindingDetail:
    """The page of ``finding`` for ``actor`` (who may see it: store.access.access_finding), judged on
    ``today``."""
    licence = finding.licence
    state, deadline, days_left, overdue = _deadline_facts(finding, today)
    details = finding.details if isinstance(finding.details, dict) else {}
    nodes, lines = _details(finding.rule, details)
    current = rung(state)
    evidence = (
        FindingEvidence.objects.filter(finding=finding).select_related("uploaded_by").order_by("uploaded_at", "pk")
    )
    events = SupervisionEvent.objects.filter(finding=finding).order_by("at", "id")
    return FindingDetail(
        pk=finding.pk,
        version=finding.version,
        licence_number=licence.number,
        holder_name_zh=licence.holder_name_zh,
        holder_name_en=licence.holder_name_en,
        rule=finding.rule,
        rule_name=legal_text.rule_name(finding.rule),
        citation=finding.citation,
        citation_zh=str(details.get("citation_zh", "") or ""),
        basis=legal_text.basis_in(finding.citation, str(details.get("citation_zh", "") or "")),
        severity=Severity(finding.severity),
        severity_label=str(FINDING_SEVERITIES[finding.severity]),
        state=state,
        state_label=str(FINDING_STATES[state]),
        raised_on=finding.raised_on,
        source="report" if finding.report_id else "inspection" if finding.inspection_id else "",
        report_id=finding.report_id,
        remediation_due_on=finding.remediation_due_on,
        rectification_due_on=finding.rectification_due_on,
        deadline=deadline,
        days_left=days_left,
        overdue=overdue,
        rung=current,
        ladder=tuple(
            Rung(
                state=step,
                label=str(FINDING_STATES[step]),
                reached=current is not None and index <= current,
                current=current == index,
            )
            for index, step in enumerate(LADDER)
        ),
        listed_nodes=nodes,
        detail_lines=lines,
        evidence=tuple(
            EvidenceItem(
                pk=item.pk,
                filename=item.filename,
                size_bytes=item.size_bytes,
                sha256=item.sha256,
                uploaded_on=item.uploaded_at.date(),
                uploaded_by=item.uploaded_by.username,
            )
            for item in evidence
        ),
        timeline=tuple(_step(event) for event in events),
        actions=_actions(actor, finding, today) if isinstance(actor, User) else (),
        listing=_listing(finding, today),
    )


def evidence_of(finding: Finding, evidence_id: int | str) -> FindingEvidence:
    """One evidence file of ``finding`` (already fetched through access_finding); NotFound otherwise."""
    try:
        item: FindingEvidence = FindingEvidence.objects.get(finding=finding, pk=evidence_id)
    except (FindingEvidence.DoesNotExist, ValueError, TypeError):
        raise NotFound("evidence not found") from None
    return item


def _supervises(reach: Reach) -> bool:
    return Role.MIIT_REVIEWER in reach.national or any(role == Role.LOCAL_OFFICER for role, _ids in reach.local)


def finding_list(
    actor: User | AnonymousUser,
    *,
    today: date,
    severity: Severity | None = None,
    state: FindingState | None = None,
    overdue: bool = False,
    licence_number: str = "",
) -> FindingList:
    """The findings ``actor`` may see, judged on ``today``, kept by the filters (a ``severity``, a
    ``state``, only the ``overdue``, one licence's): unresolved first, the oldest first (then by severity); the closed
    after them, the newest first."""
    reach = Reach.of(actor)
    findings = visible_findings(actor, reach=reach).select_related("licence")
    rows = [_row(finding, today) for finding in findings]
    open_rows = sorted(
        (row for row in rows if row.state not in _FINAL),
        key=lambda row: (row.raised_on, _SEVERITY_ORDER[row.severity.value], row.pk),
    )
    closed_rows = sorted(
        (row for row in rows if row.state in _FINAL), key=lambda row: (row.raised_on, row.pk), reverse=True
    )
    kept = tuple(
        row
        for row in (*open_rows, *closed_rows)
        if (severity is None or row.severity is severity)
        and (state is None or row.state is state)
        and (not overdue or row.overdue)
        and (not licence_number or row.licence_number == licence_number)
    )
    return FindingList(rows=kept, total=len(rows), supervisor=_supervises(reach))


def _row(finding: Finding, today: date) -> FindingRow:
    state, deadline, days_left, overdue = _deadline_facts(finding, today)
    licence = finding.licence
    zh = legal_text.reader_language() == "zh"
    return FindingRow(
        pk=finding.pk,
        licence_number=licence.number,
        holder=licence.holder_name_zh if zh else (licence.holder_name_en or licence.holder_name_zh),
        rule=finding.rule,
        rule_name=legal_text.rule_name(finding.rule),
        severity=Severity(finding.severity),
        severity_label=str(FINDING_SEVERITIES[finding.severity]),
        state=state,
        state_label=str(FINDING_STATES[state]),
        raised_on=finding.raised_on,
        age_days=(today - finding.raised_on).days,
        deadline=deadline,
        days_left=days_left,
        overdue=overdue,
        rung=rung(state),
    )


# The list's export (CSV and XLSX, web.exports): codes, not words, so a file reads the same in either language.
_EXPORT_COLUMNS: tuple[ExportColumn[FindingRow], ...] = (
    ExportColumn("finding", 10, lambda row: row.pk),
    ExportColumn("licence_number", 18, lambda row: row.licence_number),
    ExportColumn("holder", 40, lambda row: row.holder),
    ExportColumn("rule", 32, lambda row: row.rule),
    ExportColumn("severity", 10, lambda row: row.severity.value),
    ExportColumn("status", 22, lambda row: row.state.value),
    ExportColumn("raised_on", 12, lambda row: row.raised_on),
    ExportColumn("age_days", 10, lambda row: row.age_days),
    ExportColumn("deadline", 12, lambda row: row.deadline),
    ExportColumn("days_left", 10, lambda row: row.days_left),
    ExportColumn("overdue", 8, lambda row: "yes" if row.overdue else "no"),
    ExportColumn("rung", 6, lambda row: row.rung),
)


def findings_export(listing: FindingList, today: date) -> ExportTable:
    """The rows of ``listing`` (as the page shows them, filters applied) as an export table."""
    return export_table(f"findings-{today.isoformat()}", "findings", _EXPORT_COLUMNS, listing.rows)
