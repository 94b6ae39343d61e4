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

# What happens to an application outside the table, and why it is not a row.
OUTSIDE_THE_TABLE: tuple[str, ...] = (
    "**Deleting a draft never submitted** (`vatspilot.services.applications.drafts.delete_draft`) is not a "
    "row. A row moves a record from one state to another and leaves a timeline event; deletion ends the "
    "record, so it has no target state, and the timeline is append-only (a database trigger refuses to "
    "delete its events), so only an application without events can go. It is open only to a member of the "
    "applying organisation, on an application in `draft` (no row leads back into it, so it was never "
    "submitted) with no timeline event: a draft withdrawn before submission keeps its `withdraw` event and "
    "stays. The application, its documents and their versions are deleted in one transaction with the "
    "`application.deleted` audit entry, which keeps the status, the dossier hash and each document's kind, "
    "version number and SHA-256; the stored files are removed once the transaction commits. A refusal "
    "(`not-a-member`, `draft-was-submitted`, or a `Conflict` on a stale version) changes nothing.",
)

# What the pages say about the table: derived from it, never restated.
ON_THE_PAGES: tuple[str, ...] = (
    "**Why an action is not possible yet.** The application page lists, under the reader's actions, each "
    "row leaving the current state that one of the reader's roles may take but whose guard does not hold "
    "now, with the guard's failing conditions (`vatspilot.queries.application_review.blocked_actions` walks "
    "the row's guard with `Guard.walk`/`holds`), worded by `web/action_reasons.py`: for instance "
    '"Approve and grant the licence: waiting for the CAC opinion and the expert assessment" '
    "(`all_agencies_concur` and `security_assessment_positive` failing, with the agencies whose opinion in "
    "force is missing or an objection).",
    "**The timeline** shows each `record_opinion` event with the opinion it recorded (concur, concur with "
    "conditions, object), its conditions, and whether it was later voided.",
    "**The clock** states the day it started (the acceptance notice, or receipt, as the rulebook sets) and, "
    'once stopped, the day of the decision or withdrawal and the working days it took ("Decided in 19 '
    'working days"), instead of days left and a due date; an overdue clock reads "14 working days '
    "overdue\". The queue's actions link to their forms on the application page (`#action-<action>`).",
    "**The dossier page** heads a refused save with an error summary (focused on load by "
    "`web/static/web/application.js`), each entry linked to its field and worded for the applicant: a "
    "refusal the services locate by JSON pointer carries the input error's parameters (`input_<name>` in "
    '`ActionRefused.params`), and `web/dossier_errors.py` says "Shareholder 1: the percentage must be 100 '
    'or less" where the contract says "/shareholders/0/percent: 150 is above the maximum of 100". A '
    "service row offers only the scopes the rulebook's catalogue gives its code (the script hides the "
    "others; the form refuses another code's scope naming the row). Every content option is offered for "
    "every service: the rulebook ties no content to a code (its content prohibitions apply to any service "
    "carrying the content). A banner states which dossier the determination shown belongs to (the last "
    "saved version, by its time and dossier hash, or the one a decision relied on) and warns when the form "
    "holds edits not yet saved.",
    "**Withdrawing** asks first (a confirmation page, or a dialog opened by `web/static/web/application.js`); "
    "the confirmation's form posts the `withdraw` row through the same action view as every other row.",
)


def render_workflow(workflow: Workflow[State, Action, Role, ApplicationFacts] = WORKFLOW) -> str:
    """The whole of docs/workflow.md: the machine's diagram and tables, then the review basis and the clock."""
    defaults = ClockSettings()
    more = ["## Reviews rest on the dossier they judged", ""]
    for paragraph in REVIEW_BASIS:
        more += [paragraph, ""]
    more += ["## Outside the table", ""]
    for paragraph in OUTSIDE_THE_TABLE:
        more += [paragraph, ""]
    more += ["## On the pages", ""]
    for paragraph in ON_THE_PAGES:
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
