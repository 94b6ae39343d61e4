"""docs/licences.md: the licence's lifecycle, the holder's filings and the network exit, generated from their
tables.

Regenerate: `python -m vatspilot.domain.licences.diagram > docs/licences.md` (a test fails when it is stale).
"""

from __future__ import annotations

import sys

from vatspilot.domain.licences.exit import EXIT_WORKFLOW
from vatspilot.domain.licences.filings import FILING_WORKFLOW
from vatspilot.domain.licences.lifecycle import LICENCE_WORKFLOW
from vatspilot.domain.lifecycle.diagram import render_workflow

COMMAND = "python -m vatspilot.domain.licences.diagram > docs/licences.md"


def render() -> str:
    licence = render_workflow(
        LICENCE_WORKFLOW,
        title="The pilot licence's lifecycle",
        source="vatspilot.domain.licences.lifecycle.LICENCE_WORKFLOW",
        command=COMMAND,
        intro=(
            "A licence is issued `valid`. Scope reductions, approved changes and renewals keep it valid; "
            "revocation and cancellation open an orderly network exit (below); expiry is the daily job's, "
            "the day after the last valid day."
        ),
    )
    exit_page = render_workflow(
        EXIT_WORKFLOW,
        title="The orderly network exit",
        source="vatspilot.domain.licences.exit.EXIT_WORKFLOW",
        command=COMMAND,
        intro=(
            "Opened by a revocation or a cancellation. An exit is overdue once its migration deadline has "
            "passed without the authority's confirmation."
        ),
    )
    filing_page = render_workflow(
        FILING_WORKFLOW,
        title="The holder's change filings and renewals",
        source="vatspilot.domain.licences.filings.FILING_WORKFLOW",
        command=COMMAND,
        intro=(
            "Filed by a member of the holder; MIIT approves through the licence's own row (`approve_change`, "
            "its eligibility re-checked on the day; `renew`, filed in time and every service launched) or "
            "refuses with its reason; the holder may withdraw it while it is pending. See docs/licence-filings.md."
        ),
    )
    # One page: the filings' and the exit's titles become second-level sections.
    return licence.rstrip("\n") + "\n\n#" + filing_page.rstrip("\n") + "\n\n#" + exit_page


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
