"""The public tracker: a number given at submission, the stages and the clock shown without sign-in, and
nothing of the application's content; malformed and unknown numbers answered alike."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import ON, World, client_for

from vatspilot.domain.applications import Action, Role, State
from vatspilot.domain.applications.tracking import new_tracking_number, parse_tracking_number
from vatspilot.queries.tracking import StageState, track
from vatspilot.store.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = date(2025, 6, 10)


def test_submission_gives_a_number_once_and_a_draft_has_none(world: World) -> None:
    draft = world.ready_draft()
    assert draft.tracking_number is None
    submitted = world.act(Role.APPLICANT, draft, Action.SUBMIT)
    number = Application.objects.get(pk=submitted.pk).tracking_number
    assert parse_tracking_number(number) == number
    later = world.act(Role.LOCAL_OFFICER, submitted, Action.ACCEPT)
    assert Application.objects.get(pk=later.pk).tracking_number == number


def test_the_stages_of_an_application_in_ministerial_review(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    tracking = track(Application.objects.get(pk=application.pk).tracking_number, today=date(2025, 6, 10))
    assert tracking is not None
    assert [(row.stage.value, row.state) for row in tracking.stages] == [
        ("submitted", StageState.DONE),
        ("formal_review", StageState.DONE),
        ("preliminary_assessment", StageState.DONE),
        ("ministerial_review", StageState.CURRENT),
        ("onsite_verification", StageState.PENDING),
        ("decision", StageState.PENDING),
    ]
    assert [(row.agency, row.given) for row in tracking.agencies] == [("miit", False), ("cac", True), ("mps", False)]
    assert tracking.stages[0].since == ON
    assert tracking.clock.started


def test_an_opinion_is_dated_by_the_day_its_action_was_taken_on_not_its_timestamp(world: World) -> None:
    # Given on 12 June 2025 (the legal day of the action), recorded whenever the test runs: the tracker
    # shows 12 June, as it dates every stage by its action's day. A voided and given-again opinion shows
    # the day it was given again.
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="concur", on=date(2025, 6, 12))

    tracking = track(Application.objects.get(pk=application.pk).tracking_number, today=date(2025, 6, 20))

    assert tracking is not None
    assert [(row.agency, row.given, row.on) for row in tracking.agencies] == [
        ("miit", False, None),
        ("cac", False, None),
        ("mps", True, date(2025, 6, 12)),
    ]


def test_a_decided_application_skips_what_it_never_needed(world: World) -> None:
    application = world.drive_to(State.APPROVED)
    tracking = track(Application.objects.get(pk=application.pk).tracking_number, today=date(2025, 6, 10))
    assert tracking is not None
    assert (tracking.outcome, tracking.decided_on) == ("approved", ON)
    assert [row.state for row in tracking.stages][-2:] == [StageState.SKIPPED, StageState.DONE]


def test_the_public_page_shows_the_stage_and_nothing_of_the_content(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    number = Application.objects.get(pk=application.pk).tracking_number
    anonymous = client_for(None)
    page = anonymous.get(f"/track/{number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ministerial review (MIIT with the CAC and the MPS)" in html
    assert "in progress" in html
    organisation = application.organisation
    for private in (
        organisation.name,
        organisation.uscc,
        world.applicant.username,
        world.users[Role.LOCAL_OFFICER].username,
    ):
        assert private not in html
    # Typed loosely, it is found and redirected to its written form.
    loose = anonymous.get("/track/", {"number": number.lower().replace("-", " ")})
    assert (loose.status_code, loose["Location"]) == (302, f"/track/{number}/")


def test_unknown_and_malformed_numbers_are_answered_alike(world: World) -> None:
    world.drive_to(State.SUBMITTED)
    anonymous = client_for(None)
    unknown = anonymous.get(f"/track/{new_tracking_number(7)}/")
    malformed = anonymous.get("/track/VP-0000-0000-X/")
    typed = anonymous.get("/track/", {"number": "nonsense"})
    assert unknown.status_code == malformed.status_code == typed.status_code == 404
    message = "No application has this tracking number."
    assert all(message in response.content.decode() for response in (unknown, malformed, typed))
    assert anonymous.get("/track/").status_code == 200
