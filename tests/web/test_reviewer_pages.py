"""The reviewer's pages: why an action is not open yet, each opinion on the timeline, the clock's dates
and counts after a decision and when overdue, and the queue's actions as links."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Action, Role, State
from vatspilot.queries.application_review import blocked_actions
from vatspilot.services.applications import facts_of

pytestmark = pytest.mark.django_db


def _page(world: World, role: Role, application_id: int, language: str = "en") -> str:
    response = client_for(world.users[role], language).get(reverse("web:application", args=[application_id]))
    assert response.status_code == 200
    return response.content.decode()


def _blocked(page: str) -> list[str]:
    start = page.index('<ul class="blocked-actions">')
    items = page[start : page.index("</ul>", start)].split("<li")[1:]
    return [item[item.index(">") + 1 : item.index("</li>")] for item in items]


def test_approve_names_every_review_it_waits_for(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)

    page = _page(world, Role.MIIT_REVIEWER, application.pk)

    assert _blocked(page) == [
        "Approve and grant the licence: waiting for the MIIT opinion, the CAC opinion, the MPS opinion and "
        "the expert assessment"
    ]


def test_approve_waits_for_the_cac_opinion_and_the_expert_assessment(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    application = world.act(Role.MIIT_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")

    page = _page(world, Role.MIIT_REVIEWER, application.pk)

    # In the table's order: the opinion's row, then approval's.
    assert _blocked(page) == [
        "Record the agency&#x27;s opinion: your agency&#x27;s opinion on the dossier as it stands is already recorded",
        "Approve and grant the licence: waiting for the CAC opinion and the expert assessment",
    ]


def test_an_objection_and_a_negative_assessment_are_named_not_awaited(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    application = world.act(Role.MIIT_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="object")
    application = world.act(
        Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="negative", findings="gaps"
    )

    page = _page(world, Role.MIIT_REVIEWER, application.pk)

    assert _blocked(page)[1] == (
        "Approve and grant the licence: waiting for the MPS opinion; CAC objected; the expert assessment is negative"
    )


def test_the_reasons_in_chinese(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    application = world.act(Role.MIIT_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")

    page = _page(world, Role.MIIT_REVIEWER, application.pk, "zh-hans")

    assert _blocked(page)[1] == "批准并颁发许可证：等待国家网信办意见和专家安全评估"


def test_the_reasons_are_the_failing_conditions_of_the_tables_guard(world: World) -> None:
    # The read model names the guard's own conditions (domain/applications/guards.py), nothing else.
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    application = world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")

    (approve,) = blocked_actions(State.MINISTERIAL_REVIEW, [Role.MIIT_REVIEWER], facts_of(application), [])

    assert approve.action is Action.APPROVE
    assert [(b.guard, b.waiting, b.objecting, b.assessment) for b in approve.blockers] == [
        ("all_agencies_concur", ("miit", "mps"), (), ""),
        ("security_assessment_positive", (), (), "missing"),
    ]


def test_accepting_waits_for_the_documents(world: World) -> None:
    # (facts of a draft with no document uploaded, judged as if submitted: the table is pure)
    application = world.new_application()
    (blocked,) = blocked_actions(
        State.SUBMITTED, [Role.LOCAL_OFFICER], facts_of(application), [Action.REQUEST_SUPPLEMENT, Action.REFUSE]
    )

    assert (blocked.action, [b.guard for b in blocked.blockers]) == (Action.ACCEPT, ["documents_complete"])


def test_the_timeline_shows_each_opinion_with_its_conditions(world: World) -> None:
    application = world.drive_to(State.APPROVED)

    page = _page(world, Role.MIIT_REVIEWER, application.pk)

    assert page.count('<p class="timeline__opinion') == 3
    assert (
        '<p class="timeline__opinion opinion opinion--concur_with_conditions"><strong>Cyberspace Administration of '
        "China (CAC)</strong>: Concur with conditions</p>"
    ) in page
    assert '<p class="timeline__conditions">Conditions: logs 180 days</p>' in page
    assert (
        '<p class="timeline__opinion opinion opinion--concur"><strong>Ministry of Public Security (MPS)</strong>: '
        "Concur</p>"
    ) in page


def _dd(page: str, dd_id: str) -> str:
    start = page.index(f'<dd id="{dd_id}">') + len(f'<dd id="{dd_id}">')
    return page[start : page.index("</dd>", start)]


def test_after_a_decision_the_clock_shows_the_acceptance_date_and_the_days_it_took(world: World, settings: Any) -> None:
    settings.VATSPILOT_TODAY = date(2025, 6, 3)
    # Submitted on Monday 3 March 2025, accepted on the 4th, approved on Monday 31 March: the working
    # days 5 to 7, 10 to 14, 17 to 21, 24 to 28 and 31 March count (no holiday that month): 19.
    dates = [date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 10)] + [date(2025, 3, 20)] * 4 + [date(2025, 3, 31)]
    application = world.drive_to(State.APPROVED, dates=dates)

    page = _page(world, Role.MIIT_REVIEWER, application.pk)

    assert '<dt>Accepted on</dt>\n      <dd><time datetime="2025-03-04">2025-03-04</time></dd>' in page
    assert '<dt>Decided on</dt>\n      <dd><time datetime="2025-03-31">2025-03-31</time></dd>' in page
    assert _dd(page, "clock-outcome") == "Decided in 19 working days"
    assert "Due date" not in page
    assert "Working days left" not in page


def test_after_a_decision_the_clock_in_chinese(world: World, settings: Any) -> None:
    settings.VATSPILOT_TODAY = date(2025, 6, 3)
    dates = [date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 10)] + [date(2025, 3, 20)] * 4 + [date(2025, 3, 31)]
    application = world.drive_to(State.APPROVED, dates=dates)

    page = _page(world, Role.MIIT_REVIEWER, application.pk, "zh-hans")

    assert _dd(page, "clock-outcome") == "用时19个工作日作出决定"


def test_an_overdue_clock_says_by_how_many_working_days(world: World, settings: Any) -> None:
    # Accepted on Friday 3 January 2025: the 60th working day is 3 April; on 24 April 74 were used.
    settings.VATSPILOT_TODAY = date(2025, 4, 24)
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2025, 1, 2), date(2025, 1, 3)])

    page = _page(world, Role.LOCAL_OFFICER, application.pk)
    queue = client_for(world.users[Role.LOCAL_OFFICER]).get(reverse("web:queue")).content.decode()

    assert _dd(page, "clock-overdue") == "<strong>14 working days overdue</strong>"
    assert '<strong class="overdue">14 working days overdue</strong>' in queue
    # Nothing is left, and no negative count says so a second time.
    assert ("Working days left" in page, 'id="clock-left"' in page) == (False, False)


def test_the_queues_actions_are_links_to_the_application_pages_forms(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    queue = client_for(world.users[Role.LOCAL_OFFICER]).get(reverse("web:queue")).content.decode()
    page = _page(world, Role.LOCAL_OFFICER, application.pk)

    url = reverse("web:application", args=[application.pk])
    assert (
        f'<ul class="queue__actions"><li><a href="{url}#action-request_supplement">Request a supplement</a></li>'
        f'<li><a href="{url}#action-accept">Accept the application</a></li>'
        f'<li><a href="{url}#action-refuse">Refuse the application</a></li></ul>'
    ) in queue
    for action in ("request_supplement", "accept", "refuse"):
        assert f'id="action-{action}"' in page
