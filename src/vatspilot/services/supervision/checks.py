"""The automatic checks a submitted report runs, each raising findings with its rule and citation.

- Node list (analytics.supervision.node_list): one finding per rule that any node breaks (outside the
  licensed area, outside mainland China, declared location disagreeing with the address), listing the
  nodes; its severity is the rule's.
- Security log (analytics.supervision.security_log): one finding per incident reported late or not at all
  and per vulnerability open past its remediation deadline, as of the day of submission. A vulnerability
  is the same finding from one quarter to the next (its fingerprint is the vulnerability's id), so a
  report that still lists it raises nothing new.
- Cross-border data (domain.supervision.cross_border): the mechanism the report's volumes require, flagged
  when the one declared on file does not cover it, or when nodes abroad come with no reported transfer.
- The quarter-over-quarter comparison of the node list (added, removed, moved abroad) is shown on the
  report's page (`node_changes`), not raised: a change is not in itself a breach.

Readings: the licensee is judged as an operator that is not a critical information infrastructure
operator (the platform holds no CII designation yet), so the 4-hour incident deadline applies.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from vatspilot.analytics.supervision.node_list import RULES as NODE_RULES
from vatspilot.analytics.supervision.node_list import check_nodes, classify_nodes, diff_nodes
from vatspilot.analytics.supervision.security_log import (
    RULES as LOG_RULES,
)
from vatspilot.analytics.supervision.security_log import (
    check_incidents,
    check_vulnerabilities,
    read_security_log,
    remediation_days_on,
)
from vatspilot.domain.supervision import cross_border
from vatspilot.domain.supervision.findings import Severity
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.supervision.area import division_codes
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.services.supervision.ingestion import kept_path
from vatspilot.store.models import Finding, Licence
from vatspilot.store.models.supervision import QuarterlyReport, ReportPart, ReportUpload

__all__ = ["node_changes", "node_frame", "run_report_checks"]

OPERATOR_KIND = "other"  # see the module's readings
LISTED_NODES = 100  # the nodes a node finding lists by name (its count is always whole)


def node_frame(upload: ReportUpload) -> pl.DataFrame:
    """An accepted node list as the checks read it, from its stored rows."""
    rows = list(upload.nodes.order_by("line").values_list("line", "node_id", "address", "role", "location", "country"))
    frame = pl.DataFrame(
        rows,
        schema={
            "line": pl.Int64,
            "id": pl.String,
            "address": pl.String,
            "role": pl.String,
            "location": pl.String,
            "country": pl.String,
        },
        orient="row",
    )
    declared_mainland = pl.col("location").str.contains(r"^\d{6}$")
    return frame.with_columns(
        pl.col("address").alias("ip"),
        pl.when(pl.col("country") == "").then(None).otherwise(pl.col("country")).alias("country"),
        pl.when(declared_mainland).then(pl.lit("CN")).otherwise(pl.col("location")).alias("declared_country"),
        declared_mainland.alias("declared_mainland"),
    )


def _upload(report: QuarterlyReport, part: ReportPart) -> ReportUpload | None:
    return ReportUpload.objects.filter(report=report, part=part.value).first()


def _severity(value: str) -> Severity:
    return Severity(value) if value in Severity.__members__.values() else Severity.LOW


def _node_findings(report: QuarterlyReport, licence: Licence, nodes: pl.DataFrame, on: date) -> list[Finding]:
    found = check_nodes(nodes, division_codes(licence, default_rulebook()))
    raised = []
    for (rule_id,), hits in found.group_by(["rule"], maintain_order=True):
        rule = next(rule for rule in NODE_RULES.values() if rule.id == rule_id)
        finding, new = raise_finding(
            actor=None,
            licence=licence,
            rule=rule.id,
            citation=rule.citation_en,
            severity=_severity(rule.severity),
            fingerprint=f"report:{report.pk}:{rule.id}",
            on=on,
            report=report,
            details={
                "nodes": hits.height,
                "listed": hits.head(LISTED_NODES).select("id", "line", "detail").to_dicts(),
                "confidence": rule.confidence,
                "citation_zh": rule.citation_zh,
            },
        )
        if new:
            raised.append(finding)
    return raised


def _log_findings(report: QuarterlyReport, licence: Licence, upload: ReportUpload, on: date) -> list[Finding]:
    rulebook = default_rulebook()
    log = read_security_log(kept_path(upload.sha256, upload.filename))
    found = pl.concat(
        [
            check_incidents(log, rulebook, OPERATOR_KIND, on),
            check_vulnerabilities(log, remediation_days_on(rulebook, on), on),
        ],
        how="vertical_relaxed",
    )
    raised = []
    for row in found.iter_rows(named=True):
        rule = next(rule for rule in LOG_RULES.values() if rule.id == row["rule"])
        subject = row["vulnerability_id"]
        fingerprint = f"vulnerability:{subject}" if subject else f"report:{report.pk}:{rule.id}:{row['line']}"
        finding, new = raise_finding(
            actor=None,
            licence=licence,
            rule=rule.id,
            citation=rule.citation_en,
            severity=_severity(str(row["severity"])),
            fingerprint=fingerprint,
            on=on,
            report=report,
            details={
                "line": row["line"],
                "detail": row["detail"],
                "confidence": rule.confidence,
                "citation_zh": rule.citation_zh,
            },
        )
        if new:
            raised.append(finding)
    return raised


def _cross_border_findings(
    report: QuarterlyReport, licence: Licence, nodes: pl.DataFrame | None, on: date
) -> list[Finding]:
    abroad = 0
    if nodes is not None and nodes.height:
        abroad = int(classify_nodes(nodes, None)["outside-mainland"].sum())
    volumes = cross_border.TransferVolumes(
        ordinary_people=report.personal_info_exported or 0,
        sensitive_people=report.sensitive_info_exported or 0,
        important_data=bool(report.important_data_exported),
        overseas_nodes=abroad,
    )
    limits = cross_border.thresholds(default_rulebook().parameter("parameter:cross-border-thresholds", on))
    on_file = [cross_border.Mechanism(report.cross_border_mechanism)] if report.cross_border_mechanism else []
    outcome = cross_border.required_mechanism(volumes, limits, on_file)
    if not outcome.flagged:
        return []
    finding, new = raise_finding(
        actor=None,
        licence=licence,
        rule=cross_border.RULE,
        citation=cross_border.CITATION,
        severity=Severity.HIGH if outcome.missing else Severity.MEDIUM,
        fingerprint=f"report:{report.pk}:{cross_border.RULE}",
        on=on,
        report=report,
        details={
            "required": outcome.required.value,
            "on_file": report.cross_border_mechanism or "none",
            "reasons": list(outcome.reasons),
            "on_boundary": outcome.on_boundary,
            "overseas_nodes_without_volumes": outcome.overseas_without_volumes,
            "overseas_nodes": abroad,
            "confidence": cross_border.CONFIDENCE,
        },
    )
    return [finding] if new else []


def run_report_checks(report: QuarterlyReport, on: date) -> list[Finding]:
    """Every check on a report being submitted ``on``, in the caller's transaction; the new findings."""
    licence = report.licence
    node_upload = _upload(report, ReportPart.NODE_LIST)
    log_upload = _upload(report, ReportPart.SECURITY_LOG)
    nodes = node_frame(node_upload) if node_upload is not None else None
    raised: list[Finding] = []
    if nodes is not None:
        raised += _node_findings(report, licence, nodes, on)
    if log_upload is not None and Path(kept_path(log_upload.sha256, log_upload.filename)).exists():
        raised += _log_findings(report, licence, log_upload, on)
    raised += _cross_border_findings(report, licence, nodes, on)
    return raised


def node_changes(report: QuarterlyReport) -> pl.DataFrame | None:
    """The node list's changes since the licence's latest earlier report with a node list (None: no
    earlier one to compare with)."""
    current = _upload(report, ReportPart.NODE_LIST)
    if current is None:
        return None
    earlier = (
        ReportUpload.objects.filter(
            report__licence=report.licence, part=ReportPart.NODE_LIST.value, report__year__lte=report.year
        )
        .exclude(report=report)
        .order_by("-report__year", "-report__quarter")
    )
    previous = next(
        (upload for upload in earlier if (upload.report.year, upload.report.quarter) < (report.year, report.quarter)),
        None,
    )
    if previous is None:
        return None
    return diff_nodes(node_frame(previous), node_frame(current))
