"""docs/supervision-workflows.md: the quarterly report's and the finding's tables, generated from them.

Regenerate: `python -m vatspilot.domain.supervision.diagram > docs/supervision-workflows.md` (a test fails
when it is stale).
"""

from __future__ import annotations

import sys

from vatspilot.domain.lifecycle.diagram import render_workflow
from vatspilot.domain.supervision.findings import FINDING_WORKFLOW
from vatspilot.domain.supervision.reports import REPORT_WORKFLOW

COMMAND = "python -m vatspilot.domain.supervision.diagram > docs/supervision-workflows.md"


def render() -> str:
    report = render_workflow(
        REPORT_WORKFLOW,
        title="Supervision workflows: the quarterly report",
        source="vatspilot.domain.supervision.reports.REPORT_WORKFLOW",
        command=COMMAND,
        intro=(
            "Drafts are saved without checks; submitting runs every check. The holder may reopen a submitted "
            "report until its due date; afterwards only the authority can return it. Nothing is submitted "
            "after the cure deadline: the obligation is overdue and the bad-record listing procedure "
            "(Order 42 Art. 38) takes over."
        ),
    )
    finding = render_workflow(
        FINDING_WORKFLOW,
        title="A finding and the escalation ladder",
        source="vatspilot.domain.supervision.findings.FINDING_WORKFLOW",
        command=COMMAND,
        intro=(
            "Raised by an automatic check or an inspection, with a remediation deadline by severity. Once "
            "that deadline has passed the authority may climb the ladder one rung at a time, each rung a "
            "decision with its basis and a new deadline: rectification order, then scope reduction, then "
            "revocation with the orderly network exit (the last two are MIIT's, applied to the licence by "
            "its own table in the same transaction). The holder may remedy on any rung below revocation."
        ),
    )
    return report.rstrip("\n") + "\n\n#" + finding


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
