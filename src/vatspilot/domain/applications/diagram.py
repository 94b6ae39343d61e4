"""Render the application workflow as Markdown: the machine's diagram and tables
(vatspilot.domain.lifecycle.diagram), then what only the application has: the review basis and the clock.

Regenerate the docs with `python -m vatspilot.domain.applications.diagram > docs/workflow.md`.
"""

from __future__ import annotations

import sys

from vatspilot.domain.applications.actions import Action
from vatspilot.domain.applications.clock import COUNTING_RULES, ClockSettings
from vatspilot.domain.applications.facts import ApplicationFacts
from vatspilot.domain.applications.roles import Role
from vatspilot.domain.applications.states import State
from vatspilot.domain.applications.transitions import WORKFLOW
from vatspilot.domain.lifecycle import Workflow, diagram

_COMMAND = "python -m vatspilot.domain.applications.diagram > docs/workflow.md"

# How the guards judge the reviews: the rules the table's guard names stand for.
REVIEW_BASIS: tuple[str, ...] = (
    "Every opinion (MIIT, CAC, MPS), the security assessment and the decision record the content hash of "
    "the dossier they were given on: the SHA-256 of the canonical JSON of the profile the eligibility "
    "engine judges (name, USCC, place of registration, capital, ownership, services and their content, "
    "service area, dishonest-list flag) and of the SHA-256 of each document's current version "
    "(`vatspilot.domain.applications.dossier_version`).",
    "The applicant can change the dossier only in a draft or while a supplement request is open. When a "
    "supplement is answered, every opinion and assessment given on another hash is voided: it stays on "
    "record, marked with the time, the reason and the hash that replaced it, and the answer's timeline "
    "event and audit entry name it. An answer that changes nothing reviewed keeps them.",
    "Only an opinion or assessment given on the dossier as it stands counts: `agency_opinion_not_recorded` "
    "and `security_assessment_not_recorded` let it be given again, `reviews_on_current_dossier`, "
    "`all_agencies_concur` and `security_assessment_positive` require it for approval.",
    "Approval (`approval_conditions`) also requires `determination_eligible`: the services take the "
    "determination again on the decision day, in the approval's transaction, and every service must be "
    "eligible. The decision records the dossier hash it was taken on (a refusal too) and carries the "
    "conditions of the concurrences in force, to be carried into the licence.",
)


def render_workflow(workflow: Workflow[State, Action, Role, ApplicationFacts] = WORKFLOW) -> str:
    """The whole of docs/workflow.md: the machine's diagram and tables, then the review basis and the clock."""
    defaults = ClockSettings()
    more = ["## Reviews rest on the dossier they judged", ""]
    for paragraph in REVIEW_BASIS:
        more += [paragraph, ""]
    more += [
        "## Statutory clock",
        "",
        f"Defaults: {defaults.period_days} {defaults.unit.value} days from {defaults.start.value}; "
        f"due soon within {defaults.due_soon_within} days.",
        "",
        *(f"- {rule}" for rule in COUNTING_RULES),
        "",
    ]
    return diagram.render_workflow(
        workflow,
        title="Application workflow",
        source="vatspilot.domain.applications",
        command=_COMMAND,
        intro="The transition table is the one place an application's status may change.",
        more=more,
    )


def main() -> None:
    sys.stdout.write(render_workflow())


if __name__ == "__main__":
    main()
