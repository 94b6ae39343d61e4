"""docs/workflow.md is generated from the transition table and must not go stale."""

from __future__ import annotations

from pathlib import Path

from vatspilot.domain.applications import TRANSITIONS
from vatspilot.domain.applications.diagram import render_workflow

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_docs_workflow_matches_the_transition_table() -> None:
    committed = (REPO_ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert committed == render_workflow(), (
        "docs/workflow.md is stale: run `python -m vatspilot.domain.applications.diagram > docs/workflow.md`"
    )


def test_the_diagram_has_one_edge_per_row() -> None:
    rendered = render_workflow()
    for row in TRANSITIONS:
        assert f"    {row.source} --> {row.target}: {row.action}\n" in rendered
