"""The report and finding tables (every row for its roles and no other, the guards at their edges, the
ladder's order) and the random draw (reproducible, conflicts excluded, load spread, pinned results)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from vatspilot.domain.lifecycle import TransitionRefused
from vatspilot.domain.supervision.diagram import COMMAND, render
from vatspilot.domain.supervision.draw import ALGORITHM, DrawError, draw
from vatspilot.domain.supervision.findings import (
    FINDING_WORKFLOW,
    LADDER,
    FindingAction,
    FindingFacts,
    FindingRole,
    FindingState,
    rung,
)
from vatspilot.domain.supervision.reports import (
    REPORT_WORKFLOW,
    ReportAction,
    ReportFacts,
    ReportRole,
    ReportState,
)

# Facts under which every guard of each table holds.
FINDING_OPEN = FindingFacts(
    today=date(2027, 2, 1),
    remediation_due_on=date(2027, 1, 31),
    rectification_due_on=date(2027, 1, 31),
    evidence_count=1,
)
REPORT_OPEN = ReportFacts(
    today=date(2027, 1, 15), due_on=date(2027, 1, 15), cure_deadline=date(2027, 2, 14), files_valid=True
)


def test_every_finding_row_for_each_of_its_roles_and_no_other() -> None:
    for row in FINDING_WORKFLOW.rows:
        for role in FindingRole:
            if role in row.roles:
                assert FINDING_WORKFLOW.decide(row.source, row.action, role, FINDING_OPEN) is row
            else:
                with pytest.raises(TransitionRefused) as refused:
                    FINDING_WORKFLOW.decide(row.source, row.action, role, FINDING_OPEN)
                assert refused.value.code == "role-not-allowed"


def test_every_report_row_for_each_of_its_roles_and_no_other() -> None:
    for row in REPORT_WORKFLOW.rows:
        for role in ReportRole:
            if role in row.roles:
                assert REPORT_WORKFLOW.decide(row.source, row.action, role, REPORT_OPEN) is row
            else:
                with pytest.raises(TransitionRefused) as refused:
                    REPORT_WORKFLOW.decide(row.source, row.action, role, REPORT_OPEN)
                assert refused.value.code == "role-not-allowed"


def test_no_action_leaves_a_final_state() -> None:
    for state in (FindingState.RESOLVED, FindingState.DISMISSED, FindingState.REVOKED):
        for action in FindingAction:
            with pytest.raises(TransitionRefused) as refused:
                FINDING_WORKFLOW.decide(state, action, FindingRole.MIIT_REVIEWER, FINDING_OPEN)
            assert refused.value.code == "action-not-allowed-in-state"
    for action in ReportAction:
        with pytest.raises(TransitionRefused):
            REPORT_WORKFLOW.decide(ReportState.ACCEPTED, action, ReportRole.LOCAL_OFFICER, REPORT_OPEN)


def test_rectification_is_ordered_only_after_the_remediation_deadline() -> None:
    on_due_day = replace(FINDING_OPEN, today=date(2027, 1, 31))
    with pytest.raises(TransitionRefused) as refused:
        FINDING_WORKFLOW.decide(
            FindingState.OPEN, FindingAction.ORDER_RECTIFICATION, FindingRole.LOCAL_OFFICER, on_due_day
        )
    assert refused.value.params["guard"] == "remediation_overdue"
    day_after = replace(FINDING_OPEN, today=date(2027, 2, 1))
    row = FINDING_WORKFLOW.decide(
        FindingState.OPEN, FindingAction.ORDER_RECTIFICATION, FindingRole.LOCAL_OFFICER, day_after
    )
    assert row.target is FindingState.RECTIFICATION_ORDERED


def test_the_ladder_climbs_one_rung_at_a_time_and_only_miit_touches_the_licence() -> None:
    assert [rung(state) for state in LADDER] == [0, 1, 2, 3]
    assert rung(FindingState.RESOLVED) is None
    # No skipping: an open finding cannot go straight to a scope reduction or a revocation.
    for action in (FindingAction.REDUCE_SCOPE, FindingAction.REVOKE):
        with pytest.raises(TransitionRefused) as refused:
            FINDING_WORKFLOW.decide(FindingState.OPEN, action, FindingRole.MIIT_REVIEWER, FINDING_OPEN)
        assert refused.value.code == "action-not-allowed-in-state"
    with pytest.raises(TransitionRefused) as refused:
        FINDING_WORKFLOW.decide(
            FindingState.RECTIFICATION_ORDERED, FindingAction.REDUCE_SCOPE, FindingRole.LOCAL_OFFICER, FINDING_OPEN
        )
    assert refused.value.code == "role-not-allowed"
    no_order_yet = replace(FINDING_OPEN, rectification_due_on=None)
    with pytest.raises(TransitionRefused) as refused:
        FINDING_WORKFLOW.decide(
            FindingState.RECTIFICATION_ORDERED, FindingAction.REDUCE_SCOPE, FindingRole.MIIT_REVIEWER, no_order_yet
        )
    assert refused.value.params["guard"] == "rectification_overdue"


def test_remediation_needs_evidence() -> None:
    none = replace(FINDING_OPEN, evidence_count=0)
    with pytest.raises(TransitionRefused) as refused:
        FINDING_WORKFLOW.decide(FindingState.OPEN, FindingAction.REPORT_REMEDIATION, FindingRole.HOLDER, none)
    assert refused.value.params["guard"] == "has_evidence"


def test_a_report_is_reopened_by_its_holder_only_until_the_due_date() -> None:
    assert REPORT_WORKFLOW.decide(ReportState.SUBMITTED, ReportAction.REOPEN, ReportRole.HOLDER, REPORT_OPEN)
    after = replace(REPORT_OPEN, today=date(2027, 1, 16))
    with pytest.raises(TransitionRefused) as refused:
        REPORT_WORKFLOW.decide(ReportState.SUBMITTED, ReportAction.REOPEN, ReportRole.HOLDER, after)
    assert refused.value.params["guard"] == "before_due"
    # The authority may still return it.
    assert REPORT_WORKFLOW.decide(ReportState.SUBMITTED, ReportAction.RETURN, ReportRole.LOCAL_OFFICER, after)


def test_a_report_is_submitted_only_valid_and_by_the_cure_deadline() -> None:
    last_day = replace(REPORT_OPEN, today=date(2027, 2, 14))
    assert REPORT_WORKFLOW.decide(ReportState.DRAFT, ReportAction.SUBMIT, ReportRole.HOLDER, last_day)
    for facts, part in (
        (replace(REPORT_OPEN, today=date(2027, 2, 15)), "within_cure_deadline"),
        (replace(REPORT_OPEN, files_valid=False), "files_valid"),
    ):
        with pytest.raises(TransitionRefused) as refused:
            REPORT_WORKFLOW.decide(ReportState.DRAFT, ReportAction.SUBMIT, ReportRole.HOLDER, facts)
        assert part in str(refused.value.params)


LICENSEES = ["B1.B2-20250001", "B1-20250002", "B2-20250003", "B1-20250004", "B2-20250005"]
INSPECTORS = ["li", "wang", "zhang", "zhao"]


def test_the_draw_is_pinned_for_a_published_seed() -> None:
    result = draw(
        seed="2026-Q4 Beijing",
        licensees=LICENSEES,
        inspectors=INSPECTORS,
        conflicts={"li": ["B1-20250002"], "wang": ["B1-20250002"]},
        licensee_count=3,
        inspectors_per_licensee=2,
    )
    assert result.to_dict() == {
        "seed": "2026-Q4 Beijing",
        "algorithm": ALGORITHM,
        "teams": [
            {"licensee": "B2-20250005", "inspectors": ["zhang", "zhao"]},
            {"licensee": "B1-20250002", "inspectors": ["zhang", "zhao"]},
            {"licensee": "B2-20250003", "inspectors": ["li", "wang"]},
        ],
        "short_teams": [],
    }


def test_the_licensees_drawn_are_the_lowest_hashes_as_the_docs_say() -> None:
    # Re-run by hand, as a member of the public would: sort by SHA-256 of "seed|licensee|id".
    by_hand = sorted(LICENSEES, key=lambda x: hashlib.sha256(f"s|licensee|{x}".encode()).hexdigest())[:2]
    result = draw(
        seed="s", licensees=LICENSEES, inspectors=INSPECTORS, conflicts={}, licensee_count=2, inspectors_per_licensee=1
    )
    assert [team.licensee for team in result.teams] == by_hand


def test_the_draw_does_not_depend_on_the_pools_order_or_duplicates() -> None:
    one = draw(
        seed="x", licensees=LICENSEES, inspectors=INSPECTORS, conflicts={}, licensee_count=4, inspectors_per_licensee=2
    )
    two = draw(
        seed="x",
        licensees=[*reversed(LICENSEES), LICENSEES[0]],
        inspectors=list(reversed(INSPECTORS)),
        conflicts={},
        licensee_count=4,
        inspectors_per_licensee=2,
    )
    assert one == two
    # Four teams of two from four inspectors: each sits on exactly two teams.
    seats = [person for team in one.teams for person in team.inspectors]
    assert sorted(seats) == ["li", "li", "wang", "wang", "zhang", "zhang", "zhao", "zhao"]


def test_a_conflicted_inspector_never_inspects_and_a_short_team_is_reported() -> None:
    conflicts = {person: LICENSEES for person in ("li", "wang", "zhang")}
    result = draw(
        seed="y",
        licensees=LICENSEES,
        inspectors=INSPECTORS,
        conflicts=conflicts,
        licensee_count=2,
        inspectors_per_licensee=2,
    )
    assert all(team.inspectors == ("zhao",) for team in result.teams)
    assert result.short_teams == tuple(team.licensee for team in result.teams)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"seed": " "}, "seed"),
        ({"licensee_count": 0}, "licensee_count"),
        ({"licensee_count": 6}, "licensee_count"),
        ({"inspectors_per_licensee": 0}, "inspectors_per_licensee"),
        ({"inspectors": []}, "inspectors"),
    ],
)
def test_a_draw_that_cannot_be_met_names_its_field(changes: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "seed": "z",
        "licensees": LICENSEES,
        "inspectors": INSPECTORS,
        "conflicts": {},
        "licensee_count": 1,
        "inspectors_per_licensee": 1,
        **changes,
    }
    with pytest.raises(DrawError) as error:
        draw(**arguments)  # type: ignore[arg-type]
    assert error.value.field == field


def test_docs_supervision_workflows_md_is_generated_from_the_tables() -> None:
    page = Path(__file__).resolve().parents[3] / "docs" / "supervision-workflows.md"
    assert page.read_text(encoding="utf-8") == render(), f"docs/supervision-workflows.md is stale: {COMMAND}"
