"""docs/licences.md: the licence's lifecycle and the network exit, generated from their tables.

Regenerate: `python -m vatspilot.domain.licences.diagram > docs/licences.md` (a test fails when it is stale).
"""

from __future__ import annotations

import sys

from vatspilot.domain.licences.exit import EXIT_WORKFLOW
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
    # One page: the exit's title becomes a second-level section.
    return licence.rstrip("\n") + "\n\n#" + exit_page


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
