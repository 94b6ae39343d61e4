"""/api/v1/supervision/dashboard: the supervisors' dashboard (/supervision/) for MIIT reviewers and local
officers, over the licences they supervise (queries.supervision_dashboard): the reports late or overdue,
the quarterly reports on time, the open findings by severity and age, the findings past their deadline,
the findings raised per month, the inspections and the overdue network exits. Anyone else gets 404, as
on the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from vatspilot.api.portal_schemas import SupervisionDashboardOut
from vatspilot.api.schemas import ProblemOut
from vatspilot.queries.supervision_dashboard import supervision_dashboard
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound

router = Router(tags=["supervision"])

ERRORS: dict[int | str, Any] = {404: ProblemOut, 429: ProblemOut}


@router.get(
    "/dashboard",
    response={200: SupervisionDashboardOut, **ERRORS},
    summary="The supervisors' dashboard",
    description="The figures and tables of the supervision dashboard page, as of today, over the licences "
    "you supervise (MIIT: every one; a local officer: their provinces'). 404 for anyone who supervises none, "
    "as on the page.",
)
def get_supervision_dashboard(request: HttpRequest) -> Any:
    board = supervision_dashboard(request.user, today=legal_today())
    if board is None:
        raise NotFound
    return {
        "today": board.today,
        "licences": board.licences,
        "late_obligations": [
            {
                "licence_number": row.licence_number,
                "holder_name_zh": row.holder_name_zh,
                "holder_name_en": row.holder_name_en,
                "kind": row.kind,
                "obligation": row.obligation,
                "due_on": row.due_on,
                "cure_deadline": row.cure_deadline,
                "status": row.status.value,
                "days_late": row.days_late,
                "listing_proposed": row.listing_proposed,
            }
            for row in board.late_obligations
        ],
        "reports_by_quarter": [
            {"quarter": quarter, "on_time": on_time, "late": late, "missing": missing}
            for quarter, on_time, late, missing in board.reports_by_quarter
        ],
        "age_buckets": list(board.age_buckets),
        "open_findings": [
            {"severity": severity, "by_age": dict(zip(board.age_buckets, counts, strict=True))}
            for severity, counts in board.open_by_severity_and_age
        ],
        "cross_border_flags": board.cross_border_flags,
        "overdue_findings": [
            {
                "finding_id": row.finding_id,
                "licence_number": row.licence_number,
                "rule": row.rule,
                "severity": row.severity,
                "status": row.status,
                "deadline": row.deadline,
                "days_overdue": row.days_overdue,
            }
            for row in board.overdue_findings
        ],
        "findings_by_month": [
            {"month": month, "by_severity": dict(zip(board.severities, counts, strict=True))}
            for month, counts in board.findings_by_month
        ],
        "inspections": {"drawn": board.inspections_drawn, "done": board.inspections_done},
        "overdue_exits": [
            {
                "licence_number": row.licence_number,
                "holder_name_zh": row.holder_name_zh,
                "holder_name_en": row.holder_name_en,
                "state": row.state.value,
                "opened_on": row.opened_on,
                "migration_deadline": row.migration_deadline,
                "users_migrated": row.users_migrated,
                "users_to_migrate": row.users_to_migrate,
                "days_overdue": row.days_overdue,
            }
            for row in board.overdue_exits
        ],
    }
