"""One ingestion run of a quarterly report with every error it kept: the API's progress resource
(GET /api/v1/reports/{id}/runs/{run_id}). The report page's partial (queries.supervision_reports.report_run)
lists the first ERRORS_SHOWN; a program following a rejected upload gets all the run kept, the first
MAX_REPORTED_ERRORS (line, field, reason), and the count of the rest.

The caller has fetched and authorised the report (store.access.access_report); a run of another report,
a malformed id and a missing run are alike NotFound. One query, two for a rejected run."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace

from vatspilot.analytics.supervision.tabular import MAX_REPORTED_ERRORS
from vatspilot.queries.supervision_reports import RowErrorView, RunView, report_run
from vatspilot.store.models.supervision import IngestionRun, QuarterlyReport

__all__ = ["MAX_REPORTED_ERRORS", "run_with_errors"]


def run_with_errors(report: QuarterlyReport, run_id: str | uuid.UUID) -> RunView:
    """The run ``run_id`` of ``report`` as the page's read model gives it, with every error kept (up to
    MAX_REPORTED_ERRORS) when it was rejected (``more_errors`` counts those found beyond them). NotFound
    for a run of another report, a malformed id or a missing run."""
    view = report_run(report, run_id)
    if view.status != IngestionRun.Status.REJECTED:
        return view
    raw = IngestionRun.objects.filter(pk=view.id).values_list("errors", flat=True).get()
    errors = tuple(
        RowErrorView(int(error.get("line", 0)), str(error.get("field", "")), str(error.get("reason", "")))
        for error in (raw if isinstance(raw, list) else [])[:MAX_REPORTED_ERRORS]
        if isinstance(error, Mapping)
    )
    return replace(view, errors=errors, more_errors=max(view.error_count - len(errors), 0))
