"""The supervision read models' orderings as cursor keys, and an inspection's findings by their codes:
what a paginated list (the API's cursor, api/pagination.page_of_rows) and a reader of codes rather than
words need from queries.findings and queries.inspections, kept beside them so that any entry point
pages the same lists in the same order.

- ``finding_row_key``: queries.findings.finding_list's order (unresolved first, the oldest first, then by
  severity; then the closed, the newest first) as plain ascending integers.
- ``inspection_row_key``: queries.inspections.inspections_in_reach's order (not yet recorded first, then
  the newest) likewise.
- ``inspection_kinds``: the kind codes of some inspections (their rows carry the kind's words). One query.
- ``inspection_findings``: the findings an inspection raised, with their severity and status codes (the
  team's page shows their words). One query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vatspilot.domain.supervision.findings import FindingState, Severity
from vatspilot.queries.findings import FindingRow
from vatspilot.queries.inspections import InspectionRow
from vatspilot.store.models.supervision import Finding, Inspection

__all__ = [
    "InspectionFindingCodes",
    "finding_row_key",
    "inspection_findings",
    "inspection_kinds",
    "inspection_row_key",
]

_FINAL = frozenset({FindingState.RESOLVED, FindingState.DISMISSED, FindingState.REVOKED})
_SEVERITY_ORDER = {severity: index for index, severity in enumerate(Severity)}


def finding_row_key(row: FindingRow) -> tuple[int, int, int, int]:
    """Ascending in the list's order; the last part (the finding's id) makes it unique."""
    if row.state in _FINAL:
        return (1, -row.raised_on.toordinal(), 0, -row.pk)
    return (0, row.raised_on.toordinal(), _SEVERITY_ORDER[row.severity], row.pk)


def inspection_row_key(row: InspectionRow) -> tuple[int, int]:
    """Ascending in the list's order; the inspection's id makes it unique."""
    return (0 if row.done_on is None else 1, -row.pk)


@dataclass(frozen=True)
class InspectionFindingCodes:
    pk: int
    rule: str
    severity: Severity
    state: FindingState
    description: str


def inspection_findings(inspection: Inspection) -> list[InspectionFindingCodes]:
    """The findings ``inspection`` raised (already fetched through store.access.access_inspection), in
    the order raised."""
    return [
        InspectionFindingCodes(
            pk=finding.pk,
            rule=finding.rule,
            severity=Severity(finding.severity),
            state=FindingState(finding.status),
            description=str(finding.details.get("description", "")) if isinstance(finding.details, dict) else "",
        )
        for finding in Finding.objects.filter(inspection=inspection).order_by("pk")
    ]


def inspection_kinds(rows: Sequence[InspectionRow]) -> dict[int, str]:
    """Inspection id -> its kind's code, for ``rows``."""
    return dict(Inspection.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "kind"))
