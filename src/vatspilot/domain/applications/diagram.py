"""Render the application workflow as Markdown: a Mermaid diagram and the transition table.

Regenerate the docs with `python -m vatspilot.domain.applications.diagram > docs/workflow.md`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from vatspilot.domain.applications.clock import COUNTING_RULES, ClockSettings
from vatspilot.domain.applications.guards import Guard
from vatspilot.domain.applications.states import FINAL_STATES, State
from vatspilot.domain.applications.transitions import TRANSITIONS, Transition

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


def _mermaid(rows: Iterable[Transition]) -> list[str]:
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {State.DRAFT.value}"]
    lines += [f"    {row.source.value} --> {row.target.value}: {row.action.value}" for row in rows]
    lines += [f"    {state.value} --> [*]" for state in State if state in FINAL_STATES]
    lines.append("```")
    return lines


def _guards(rows: Iterable[Transition]) -> list[Guard]:
    seen: dict[str, Guard] = {}

    def visit(guard: Guard) -> None:
        seen.setdefault(guard.name, guard)
        for part in guard.parts:
            visit(part)

    for row in rows:
        if row.guard is not None:
            visit(row.guard)
    return list(seen.values())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_workflow(rows: tuple[Transition, ...] = TRANSITIONS) -> str:
    """The whole of docs/workflow.md."""
    defaults = ClockSettings()
    lines = [
        "# Application workflow",
        "",
        f"<!-- Generated from vatspilot.domain.applications; do not edit. Regenerate: `{_COMMAND}` -->",
        "",
        "The transition table is the one place an application's status may change. Final states: "
        + ", ".join(f"`{s.value}`" for s in State if s in FINAL_STATES)
        + ".",
        "",
        *_mermaid(rows),
        "",
        "## Transitions",
        "",
        "| From | Action | To | Roles | Guard | Basis |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        roles = ", ".join(role.value for role in row.roles)
        guard_name = f"`{row.guard.name}`" if row.guard is not None else "-"
        lines.append(
            f"| {row.source.value} | {row.action.value} | {row.target.value} | {roles} | {guard_name} "
            f"| {_cell(row.citation)} |"
        )
    lines += ["", "## Guards", "", "| Guard | Holds when | Made of |", "|---|---|---|"]
    for guard in _guards(rows):
        parts = ", ".join(f"`{part.name}`" for part in guard.parts) or "-"
        lines.append(f"| `{guard.name}` | {_cell(guard.description)} | {parts} |")
    lines += ["", "## Reviews rest on the dossier they judged", ""]
    for paragraph in REVIEW_BASIS:
        lines += [paragraph, ""]
    lines += [
        "## Statutory clock",
        "",
        f"Defaults: {defaults.period_days} {defaults.unit.value} days from {defaults.start.value}; "
        f"due soon within {defaults.due_soon_within} days.",
        "",
        *(f"- {rule}" for rule in COUNTING_RULES),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    sys.stdout.write(render_workflow())


if __name__ == "__main__":
    main()
