"""The application's read model, the one the web page and the API both render."""

from __future__ import annotations

from datetime import date
from typing import Any

from pilot_world import World

from vatspilot.api.routers.applications import detail_payload
from vatspilot.domain.applications import Action, DeadlineStatus, Role, State
from vatspilot.queries.application_detail import application_detail, determination_in_language
from vatspilot.services.applications.dossier import dossier_hash_of
from vatspilot.web.application_page import application_context

TODAY = date(2025, 6, 10)


def test_a_ready_draft_as_its_applicant_sees_it(world: World) -> None:
    draft = world.ready_draft()

    detail = application_detail(world.applicant, draft, today=TODAY)

    assert detail.application == draft
    assert (detail.is_member, detail.dossier_editable) == (True, True)
    assert detail.actions == (Action.SUBMIT, Action.WITHDRAW)
    assert detail.missing_items == ()
    assert detail.events == ()
    assert (detail.summary.clock.started, detail.summary.clock.status) == (False, DeadlineStatus.NOT_STARTED)
    assert detail.uncertain_basis == ("documents:pilot-additions",)
    assert detail.dossier_hash == dossier_hash_of(draft)
    assert detail.decision is None and detail.open_supplement is None and detail.supplements == ()
    assert detail.determination == draft.determination == detail.decided_determination
    assert all(len(row.versions) == 1 for row in detail.documents)
    assert len(detail.documents) == 11


def test_an_approved_application_carries_its_decision_and_the_concurrences_conditions(world: World) -> None:
    approved = world.drive_to(State.APPROVED)

    detail = application_detail(world.users[Role.MIIT_REVIEWER], approved, today=TODAY)

    assert (detail.is_member, detail.dossier_editable, detail.actions) == (False, False, ())
    assert [event.action for event in detail.events] == [
        "submit",
        "accept",
        "complete_preliminary_assessment",
        "record_opinion",
        "record_opinion",
        "record_opinion",
        "record_security_assessment",
        "approve",
    ]
    assert [(o.agency, o.opinion) for o in detail.opinions] == [
        ("cac", "concur_with_conditions"),
        ("miit", "concur"),
        ("mps", "concur"),
    ]
    assert [a.result for a in detail.assessments] == ["positive"]
    assert detail.decision is not None
    assert (detail.decision.outcome, detail.decision.conditions) == (
        "approved",
        [{"agency": "cac", "conditions": "logs 180 days"}],
    )
    assert detail.decision.dossier_hash == detail.dossier_hash
    assert detail.decided_determination == detail.decision.determination
    assert detail.summary.clock.status == DeadlineStatus.STOPPED


def test_an_open_supplement_request_is_the_applicants_to_answer(world: World) -> None:
    application = world.drive_to(State.FORMAL_SUPPLEMENT)

    detail = application_detail(world.applicant, application, today=TODAY)

    assert detail.actions == (Action.ANSWER_SUPPLEMENT, Action.WITHDRAW)
    assert detail.dossier_editable is True
    assert detail.open_supplement is not None
    assert detail.open_supplement.items == ["Articles of association, signed copy"]
    assert detail.supplements == (detail.open_supplement,)


def test_the_web_page_and_the_api_render_the_same_read_model(world: World, settings: Any) -> None:
    settings.VATSPILOT_TODAY = TODAY
    application = world.drive_to(State.SUBMITTED)
    officer = world.users[Role.LOCAL_OFFICER]
    detail = application_detail(officer, application, today=TODAY)

    payload = detail_payload(officer, application)
    context = application_context(officer, application, TODAY)

    assert (
        payload["available_actions"] == [str(a) for a in detail.actions] == ["request_supplement", "accept", "refuse"]
    )
    assert [action for action, _form in context["action_forms"]] == list(detail.actions)
    assert payload["dossier_hash"] == detail.dossier_hash
    assert payload["missing_items"] == list(detail.missing_items) == context["missing"]
    assert [e["action"] for e in payload["events"]] == [e.action for e in detail.events] == ["submit"]
    assert context["events"] == detail.events
    assert context["clock"] == detail.summary.clock
    assert payload["clock"]["status"] == str(detail.summary.clock.status) == "not_started"
    assert context["determination"] == determination_in_language(detail, "en") == payload["determination"]
