"""The generic lifecycle machine, on a toy workflow declared here: a second workflow needs only its table.

The toy is a correspondence file: a clerk opens a draft letter, sends it for review, a reviewer approves
it (only once the letter has a subject and an addressee) or sends it back; the clerk may discard it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest

from vatspilot.domain.lifecycle import (
    Guard,
    InvalidWorkflow,
    Transition,
    TransitionRefused,
    Workflow,
    all_of,
)
from vatspilot.domain.lifecycle.diagram import render_workflow
from vatspilot.domain.shared.errors import DomainError


class Letter(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SENT = "sent"
    DISCARDED = "discarded"


class Move(StrEnum):
    SUBMIT = "submit"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    DISCARD = "discard"


class Desk(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class LetterFacts:
    subject: str = ""
    addressee: str = ""


HAS_SUBJECT: Guard[LetterFacts, Desk] = Guard("has_subject", "The letter has a subject.", lambda f, r: bool(f.subject))
HAS_ADDRESSEE: Guard[LetterFacts, Desk] = Guard(
    "has_addressee", "The letter | its envelope names someone.", lambda f, r: bool(f.addressee)
)
COMPLETE = all_of("complete", "Subject and addressee are filled in.", HAS_SUBJECT, HAS_ADDRESSEE)

Row = Transition[Letter, Move, Desk, LetterFacts]
ROWS: tuple[Row, ...] = (
    Transition(Letter.DRAFT, Move.SUBMIT, Letter.IN_REVIEW, (Desk.CLERK,), HAS_SUBJECT, "House rule 1"),
    Transition(Letter.IN_REVIEW, Move.SEND_BACK, Letter.DRAFT, (Desk.REVIEWER,), None, "House rule 2"),
    Transition(Letter.IN_REVIEW, Move.APPROVE, Letter.SENT, (Desk.REVIEWER,), COMPLETE, "House rule 3"),
    Transition(Letter.DRAFT, Move.DISCARD, Letter.DISCARDED, (Desk.CLERK,), None, "House rule 4"),
)
LETTERS: Workflow[Letter, Move, Desk, LetterFacts] = Workflow(
    name="letter",
    states=tuple(Letter),
    initial=Letter.DRAFT,
    final_states=frozenset({Letter.SENT, Letter.DISCARDED}),
    rows=ROWS,
)
FULL = LetterFacts(subject="Licence", addressee="MIIT")


def _refusal(state: Letter, move: Move, desk: Desk, facts: LetterFacts) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        LETTERS.decide(state, move, desk, facts)
    return refused.value


def test_decide_returns_the_row() -> None:
    assert LETTERS.decide(Letter.DRAFT, Move.SUBMIT, Desk.CLERK, FULL) is ROWS[0]
    assert LETTERS.decide(Letter.IN_REVIEW, Move.APPROVE, Desk.REVIEWER, FULL).target is Letter.SENT


def test_no_row_is_refused_first_whatever_the_role_and_facts() -> None:
    refused = _refusal(Letter.SENT, Move.SUBMIT, Desk.REVIEWER, LetterFacts())
    assert refused.code == "action-not-allowed-in-state"
    assert refused.params == {"state": "sent", "action": "submit", "role": "reviewer"}
    assert isinstance(refused, DomainError)


def test_the_role_is_checked_before_the_guard() -> None:
    refused = _refusal(Letter.DRAFT, Move.SUBMIT, Desk.REVIEWER, LetterFacts())
    assert refused.code == "role-not-allowed"
    assert refused.params == {"state": "draft", "action": "submit", "role": "reviewer"}


def test_a_failed_guard_names_its_first_failing_condition() -> None:
    refused = _refusal(Letter.IN_REVIEW, Move.APPROVE, Desk.REVIEWER, LetterFacts(addressee="MIIT"))
    assert refused.code == "guard-failed:has_subject"
    assert refused.params == {"state": "in_review", "action": "approve", "role": "reviewer", "guard": "has_subject"}
    refused = _refusal(Letter.IN_REVIEW, Move.APPROVE, Desk.REVIEWER, LetterFacts(subject="Licence"))
    assert refused.code == "guard-failed:has_addressee"


def test_allowed_actions_in_table_order() -> None:
    assert LETTERS.allowed_actions(Letter.DRAFT, Desk.CLERK, FULL) == [Move.SUBMIT, Move.DISCARD]
    assert LETTERS.allowed_actions(Letter.DRAFT, Desk.CLERK, LetterFacts()) == [Move.DISCARD]
    assert LETTERS.allowed_actions(Letter.IN_REVIEW, Desk.REVIEWER, FULL) == [Move.SEND_BACK, Move.APPROVE]
    assert LETTERS.allowed_actions(Letter.IN_REVIEW, Desk.CLERK, FULL) == []
    assert LETTERS.allowed_actions(Letter.SENT, Desk.REVIEWER, FULL) == []


def test_a_stored_status_names_its_state() -> None:
    assert LETTERS.state("in_review") is Letter.IN_REVIEW
    with pytest.raises(KeyError):
        LETTERS.state("archived")


def test_the_guards_are_listed_once_each_parts_after_their_composite() -> None:
    assert [guard.name for guard in LETTERS.guards()] == ["has_subject", "complete", "has_addressee"]


def test_the_toy_workflow_is_diagrammed_from_its_table_alone() -> None:
    page = render_workflow(
        LETTERS,
        title="Letter workflow",
        source="tests.domain.lifecycle",
        command="make letters",
        intro="Letters move only by these rows.",
        more=["## Notes", "", "Nothing else.", ""],
    )
    assert page == (
        "# Letter workflow\n"
        "\n"
        "<!-- Generated from tests.domain.lifecycle; do not edit. Regenerate: `make letters` -->\n"
        "\n"
        "Letters move only by these rows. Final states: `sent`, `discarded`.\n"
        "\n"
        "```mermaid\n"
        "stateDiagram-v2\n"
        "    [*] --> draft\n"
        "    draft --> in_review: submit\n"
        "    in_review --> draft: send_back\n"
        "    in_review --> sent: approve\n"
        "    draft --> discarded: discard\n"
        "    sent --> [*]\n"
        "    discarded --> [*]\n"
        "```\n"
        "\n"
        "## Transitions\n"
        "\n"
        "| From | Action | To | Roles | Guard | Basis |\n"
        "|---|---|---|---|---|---|\n"
        "| draft | submit | in_review | clerk | `has_subject` | House rule 1 |\n"
        "| in_review | send_back | draft | reviewer | - | House rule 2 |\n"
        "| in_review | approve | sent | reviewer | `complete` | House rule 3 |\n"
        "| draft | discard | discarded | clerk | - | House rule 4 |\n"
        "\n"
        "## Guards\n"
        "\n"
        "| Guard | Holds when | Made of |\n"
        "|---|---|---|\n"
        "| `has_subject` | The letter has a subject. | - |\n"
        "| `complete` | Subject and addressee are filled in. | `has_subject`, `has_addressee` |\n"
        "| `has_addressee` | The letter \\| its envelope names someone. | - |\n"
        "\n"
        "## Notes\n"
        "\n"
        "Nothing else.\n"
    )


def test_a_workflow_without_guards_or_more_sections_ends_after_its_table() -> None:
    bare = Workflow(
        name="bare",
        states=(Letter.DRAFT, Letter.SENT),
        initial=Letter.DRAFT,
        final_states=frozenset({Letter.SENT}),
        rows=(Transition(Letter.DRAFT, Move.APPROVE, Letter.SENT, (Desk.REVIEWER,), None, "Rule"),),
    )
    page = render_workflow(bare, title="Bare", source="x", command="y", intro="Rows.")
    assert page.endswith("|---|---|---|---|---|---|\n| draft | approve | sent | reviewer | - | Rule |\n")
    assert "## Guards" not in page


def _invalid(rows: tuple[Row, ...], **overrides: object) -> str:
    """The message of the InvalidWorkflow the declaration raises."""
    fields: dict[str, object] = {
        "name": "letter",
        "states": tuple(Letter),
        "initial": Letter.DRAFT,
        "final_states": frozenset({Letter.SENT, Letter.DISCARDED}),
        "rows": rows,
        **overrides,
    }
    with pytest.raises(InvalidWorkflow) as invalid:
        Workflow(**fields)  # type: ignore[arg-type]
    return str(invalid.value)


def test_two_rows_leaving_a_state_by_one_action_are_refused() -> None:
    twin = Transition(Letter.DRAFT, Move.SUBMIT, Letter.SENT, (Desk.REVIEWER,), None, "Twin")
    assert _invalid((*ROWS, twin)) == "letter: two rows leave draft by submit"


def test_a_row_leaving_a_final_state_is_refused() -> None:
    revive = Transition(Letter.SENT, Move.SEND_BACK, Letter.DRAFT, (Desk.REVIEWER,), None, "Revive")
    assert _invalid((*ROWS, revive)) == "letter: a row leaves the final state sent"


def test_a_state_no_row_reaches_is_refused() -> None:
    assert _invalid((ROWS[3],)) == "letter: no row leads to in_review, sent"


def test_a_state_that_cannot_end_is_refused() -> None:
    loop = (
        Transition(Letter.DRAFT, Move.SUBMIT, Letter.IN_REVIEW, (Desk.CLERK,), None, "1"),
        Transition(Letter.IN_REVIEW, Move.SEND_BACK, Letter.DRAFT, (Desk.REVIEWER,), None, "2"),
        Transition(Letter.DRAFT, Move.DISCARD, Letter.DISCARDED, (Desk.CLERK,), None, "3"),
    )
    assert _invalid(loop) == "letter: no row leads to sent"
    dead_end = _invalid(
        (*loop[:1], loop[2]),
        states=(Letter.DRAFT, Letter.IN_REVIEW, Letter.DISCARDED),
        final_states=frozenset({Letter.DISCARDED}),
    )
    assert dead_end == "letter: no final state can be reached from in_review"


def test_a_row_naming_a_state_not_listed_is_refused() -> None:
    unknown = _invalid(
        ROWS, states=(Letter.DRAFT, Letter.IN_REVIEW, Letter.SENT), final_states=frozenset({Letter.SENT})
    )
    assert unknown == "letter: unknown states discarded"


def test_a_state_listed_twice_is_refused() -> None:
    assert _invalid(ROWS, states=(*Letter, Letter.DRAFT)) == "letter: a state is listed twice"


def test_a_composite_guard_holds_only_when_every_part_holds() -> None:
    assert COMPLETE.holds(FULL, Desk.REVIEWER)
    assert COMPLETE.first_failure(LetterFacts(subject="x"), Desk.REVIEWER) is HAS_ADDRESSEE
    assert [guard.name for guard in COMPLETE.walk()] == ["complete", "has_subject", "has_addressee"]
