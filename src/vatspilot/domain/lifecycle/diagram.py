"""Render any workflow as Markdown: a Mermaid state diagram, the transition table and the guard table.

A workflow's docs page is `render_workflow(workflow, ...)` with the sections only it has appended; each
workflow's own module holds the command that regenerates its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

from vatspilot.domain.lifecycle.workflow import Workflow

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
R = TypeVar("R", bound=StrEnum)
F = TypeVar("F")


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell."""
    return text.replace("|", "\\|")


def mermaid(workflow: Workflow[S, A, R, F]) -> list[str]:
    """A `stateDiagram-v2`: one edge per row, in table order, from the initial state to the final ones."""
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {workflow.initial.value}"]
    lines += [f"    {row.source.value} --> {row.target.value}: {row.action.value}" for row in workflow.rows]
    lines += [f"    {state.value} --> [*]" for state in workflow.states if state in workflow.final_states]
    lines.append("```")
    return lines


def transition_table(workflow: Workflow[S, A, R, F]) -> list[str]:
    lines = ["| From | Action | To | Roles | Guard | Basis |", "|---|---|---|---|---|---|"]
    for row in workflow.rows:
        roles = ", ".join(role.value for role in row.roles)
        guard_name = f"`{row.guard.name}`" if row.guard is not None else "-"
        lines.append(
            f"| {row.source.value} | {row.action.value} | {row.target.value} | {roles} | {guard_name} "
            f"| {cell(row.citation)} |"
        )
    return lines


def guard_table(workflow: Workflow[S, A, R, F]) -> list[str]:
    lines = ["| Guard | Holds when | Made of |", "|---|---|---|"]
    for guard in workflow.guards():
        parts = ", ".join(f"`{part.name}`" for part in guard.parts) or "-"
        lines.append(f"| `{guard.name}` | {cell(guard.description)} | {parts} |")
    return lines


def render_workflow(
    workflow: Workflow[S, A, R, F],
    *,
    title: str,
    source: str,
    command: str,
    intro: str,
    more: Sequence[str] = (),
) -> str:
    """A workflow's whole docs page: title, the generated-from note (`source` the module, `command` the
    one that regenerates it), `intro` followed by the final states, the diagram, the transitions, the
    guards, then after a blank line the Markdown lines `more` (the sections only this workflow has)."""
    final = ", ".join(f"`{state.value}`" for state in workflow.states if state in workflow.final_states)
    lines = [
        f"# {title}",
        "",
        f"<!-- Generated from {source}; do not edit. Regenerate: `{command}` -->",
        "",
        f"{intro} Final states: {final}.",
        "",
        *mermaid(workflow),
        "",
        "## Transitions",
        "",
        *transition_table(workflow),
    ]
    if workflow.guards():
        lines += ["", "## Guards", "", *guard_table(workflow)]
    lines += ["", *more] if more else [""]
    return "\n".join(lines)
