"""The public tracker: a number given at submission, the stages and the clock shown without sign-in, and
nothing of the application's content; malformed and unknown numbers answered alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
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


def _clock_panel(page: str) -> str:
    start = page.index('<section class="panel" aria-labelledby="clock-heading">')
    return " ".join(page[start : page.index("</section>", start)].split())


def test_the_public_page_gives_the_clocks_days_as_the_application_page_does(world: World, settings: Any) -> None:
    # Accepted on Friday 3 January 2025: the 60th working day is 3 April; on 24 April 74 were used, 14
    # over the period. The tracker states the acceptance day and the counts, never what the dossier says.
    settings.VATSPILOT_TODAY = date(2025, 4, 24)
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2025, 1, 2), date(2025, 1, 3)])
    number = Application.objects.get(pk=application.pk).tracking_number
    url = reverse("web:track_application", args=[number])

    english = _clock_panel(client_for(None, "en").get(url).content.decode())
    chinese = _clock_panel(client_for(None, "zh-hans").get(url).content.decode())

    assert '<dt>Accepted on</dt> <dd><time datetime="2025-01-03">2025-01-03</time></dd>' in english
    assert '<dd id="clock-overdue"><strong>14 working days overdue</strong></dd>' in english
    assert "<dt>Working days used</dt> <dd>74</dd>" in english
    assert "<dt>Due date</dt> <dd>2025-04-03</dd>" in english
    assert "Working days left" not in english  # nothing is left; the overdue row says by how much
    assert '<dt>受理日期</dt> <dd><time datetime="2025-01-03">2025年1月3日</time></dd>' in chinese
    assert "<dt>已用工作日</dt> <dd>74</dd>" in chinese


def test_a_decided_application_shows_the_days_its_decision_took(world: World, settings: Any) -> None:
    # Submitted on Monday 3 March 2025, accepted on the 4th, approved on Monday 31 March: 19 working days.
    settings.VATSPILOT_TODAY = date(2025, 6, 3)
    application = world.drive_to(
        State.APPROVED,
        dates=[date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 10)] + [date(2025, 3, 20)] * 4 + [date(2025, 3, 31)],
    )
    number = Application.objects.get(pk=application.pk).tracking_number

    panel = _clock_panel(client_for(None, "en").get(reverse("web:track_application", args=[number])).content.decode())

    assert '<dt>Decided on</dt> <dd><time datetime="2025-03-31">2025-03-31</time></dd>' in panel
    assert '<dd id="clock-outcome">Decided in 19 working days</dd>' in panel


def test_the_tracker_reads_an_application_in_three_statements(world: World, django_assert_num_queries: Any) -> None:
    # The application, its timeline (the stages, the opinions' days and the clock, read once) and the
    # opinions in force: as many whatever the timeline's length.
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    number = Application.objects.get(pk=application.pk).tracking_number

    with django_assert_num_queries(3):
        tracking = track(number, today=date(2025, 6, 10))

    assert tracking is not None and tracking.clock.started
