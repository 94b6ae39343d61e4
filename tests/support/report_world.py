"""A quarterly report's world for the report tests of every entry point (tests/web/test_web_reports.py,
tests/api/test_api_reports.py): the world's licence, its quarter 2025-Q4, sample files, and a report
submitted complete through the services.

The world's licence is issued on 2025-06-03: 2025-Q3 is the first quarter owed (due 2025-10-15, cure
deadline 2025-10-30); 2025-Q4 opens on 2026-01-01 and is due on 2026-01-15."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from pilot_world import World

from vatspilot.services.supervision.reports import OperationalData, save_report_data, submit_report
from vatspilot.store.models import QuarterlyReport, ReportUpload

NUMBER = "B1.B2-20250001"
TODAY = date(2026, 1, 10)
NODES = b"""id,address,role,location
n-1,114.114.114.114,idc,310115
n-2,223.5.5.0/24,cdn-edge,110105
n-3,203.198.0.1,offshore-cache,HK
n-4,8.8.8.8,idc,310115
"""
LOG = (
    json.dumps(
        {
            "time": "2025-12-01T09:00:00+08:00",
            "severity": "low",
            "category": "vuln",
            "vulnerability_id": "CVE-2025-0002",
            "status": "open",
        }
    ).encode()
    + b"\n"
)


def submitted(world: World, report: QuarterlyReport, *, on: date = TODAY) -> QuarterlyReport:
    """A complete report submitted through the services on ``on`` (the uploads' rows written as the
    ingestion would)."""
    report = save_report_data(
        actor=world.applicant,
        report=report,
        data=OperationalData(
            users=1,
            revenue_cny=Decimal("1.00"),
            bandwidth_gbps=Decimal("1"),
            personal_info_exported=0,
            sensitive_info_exported=0,
            important_data_exported=False,
        ),
        expected_version=report.version,
    )
    for part in ("node_list", "security_log"):
        ReportUpload.objects.create(
            report=report,
            part=part,
            filename=f"{part}.csv",
            sha256="0" * 64,
            size_bytes=1,
            rows=0,
            uploaded_by=world.applicant,
        )
    return submit_report(actor=world.applicant, report=report, on=on, expected_version=report.version)
