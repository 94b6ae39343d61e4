"""The network exit on the web: the licence page's section (state, plan, steps with notes, the overdue flag,
"no plan filed since"), a form for each step open to the reader with the exit's version hidden, a refused
step shown again with its error at the top naming the field (nothing changed), a stale form a 409, a step
the reader's role may not take a 403, a licence they may not see a 404; /exits/ for MIIT reviewers and
local officers only (403 for anyone else, as the staff page), the overdue first and flagged; the register
showing the exit and its steps with nothing personal or typed; the pages in Chinese."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from exit_world import DEADLINE, NUMBER, drive_exit, fresh, revoked_exit, written_exit
from pilot_world import World, client_for
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.exit import ExitState
from vatspilot.services.licences.exits import report_exit_done, report_exit_progress, send_exit_back
from vatspilot.store.models import AuditEntry, LicenceEvent, NetworkExit

pytestmark = pytest.mark.django_db
URL = f"/licences/{NUMBER}/"
EXIT_URL = f"{URL}exit/"
NOTE = "Second wave via partner qx8 (private note)"


@pytest.fixture
def network_exit(world: World, settings: Settings) -> NetworkExit:
    settings.VATSPILOT_TODAY = "2025-07-01"
    return revoked_exit(world)


def _forms(html: str) -> list[str]:
    return re.findall(r'id="exit-action-([a-z_]+)"', html)


def _unchanged(network_exit: NetworkExit) -> tuple[object, ...]:
    network_exit = fresh(network_exit)
    entries = AuditEntry.objects.filter(action__startswith="network_exit.").count()
    return (
        network_exit.status,
        network_exit.version,
        network_exit.users_migrated,
        LicenceEvent.objects.count(),
        entries,
    )


def _plan(version: int = 1, **changes: str) -> dict[str, str]:
    return {
        "file_plan-expected_version": str(version),
        "file_plan-users_notified_on": "2025-07-10",
        "file_plan-migration_deadline": "2025-12-31",
        "file_plan-users_to_migrate": "120",
        **{f"file_plan-{name}": value for name, value in changes.items()},
    }


# --- The licence page --------------------------------------------------------------------------------------


def test_the_holder_sees_the_exit_and_the_plan_form(world: World, network_exit: NetworkExit) -> None:
    html = client_for(world.applicant).get(URL).content.decode()
    assert 'id="network-exit"' in html and 'data-state="required"' in html
    assert "Exit required" in html
    assert "No plan filed since 2025-06-03" in html
    assert "Overdue" not in html
    assert _forms(html) == ["file_plan"]
    assert 'name="file_plan-expected_version" value="1"' in html
    assert f'action="/licences/{NUMBER}/exit/file_plan/"' in html


def test_officials_see_the_exit_without_the_holders_forms(world: World, network_exit: NetworkExit) -> None:
    for user in (world.users[Role.MIIT_REVIEWER], world.users[Role.LOCAL_OFFICER]):
        html = client_for(user).get(URL).content.decode()
        assert "Exit required" in html
        assert _forms(html) == []


def test_the_holder_files_the_plan_and_reports(world: World, network_exit: NetworkExit) -> None:
    holder = client_for(world.applicant)
    response = holder.post(f"{EXIT_URL}file_plan/", _plan(), follow=True)
    assert response.redirect_chain == [(f"{URL}#network-exit", 302)]
    network_exit = fresh(network_exit)
    assert (network_exit.status, network_exit.version, network_exit.users_to_migrate) == ("in_progress", 2, 120)
    assert (network_exit.users_notified_on, network_exit.migration_deadline) == (date(2025, 7, 10), DEADLINE)
    html = response.content.decode()
    assert "Done: Network exit: plan filed." in html
    assert '<tr data-action="exit.file_plan">' in html
    assert _forms(html) == ["report_progress"]
    response = holder.post(
        f"{EXIT_URL}report_progress/",
        {"report_progress-expected_version": "2", "report_progress-users_migrated": "50", "report_progress-note": NOTE},
        follow=True,
    )
    html = response.content.decode()
    assert fresh(network_exit).users_migrated == 50
    assert NOTE in html  # the note, for the holder and the officials
    assert "50 / 120" in html
    assert NOTE in client_for(world.users[Role.LOCAL_OFFICER]).get(URL).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"migration_deadline": "2025-07-09"},
            "Migration deadline: The migration deadline cannot be before the day the users are told.",
        ),
        ({"users_to_migrate": "-1"}, "Users to migrate: Ensure this value is greater than or equal to 0."),
        ({"users_to_migrate": "many"}, "Users to migrate: Enter a whole number."),
        # More than the store keeps: the service refuses it (PostgreSQL would refuse to store it, a 500).
        ({"users_to_migrate": "2147483648"}, "Users to migrate: At most 2,147,483,647 users."),
        ({"users_notified_on": ""}, "Users told on: This field is required."),
    ],
)
def test_a_bad_plan_is_shown_again_naming_the_field(
    world: World, network_exit: NetworkExit, changes: dict[str, str], message: str
) -> None:
    before = _unchanged(network_exit)
    response = client_for(world.applicant).post(f"{EXIT_URL}file_plan/", _plan(**changes))
    assert response.status_code == 422
    html = response.content.decode()
    assert f'<div class="alert alert--error" role="alert"><p>{message}</p></div>' in html
    assert _forms(html) == ["file_plan"]
    assert _unchanged(network_exit) == before


def test_a_progress_report_beyond_the_plan_names_the_field(world: World, network_exit: NetworkExit) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.IN_PROGRESS)
    before = _unchanged(network_exit)
    response = client_for(world.applicant).post(
        f"{EXIT_URL}report_progress/",
        {"report_progress-expected_version": "2", "report_progress-users_migrated": "121"},
    )
    assert response.status_code == 422
    assert "Users migrated so far: The plan moves 120 users: no more can have moved." in response.content.decode()
    assert 'name="report_progress-users_migrated" value="121"' in response.content.decode()  # what was typed, kept
    assert _unchanged(network_exit) == before


def test_a_stale_form_is_a_conflict(world: World, network_exit: NetworkExit) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.IN_PROGRESS)
    before = _unchanged(network_exit)
    response = client_for(world.applicant).post(
        f"{EXIT_URL}report_progress/",
        {"report_progress-expected_version": "1", "report_progress-users_migrated": "10"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this network exit while you were working on it." in html
    assert 'name="report_progress-expected_version" value="2"' in html  # the form as it now stands
    assert _unchanged(network_exit) == before


def test_a_step_of_another_role_is_a_403_and_changes_nothing(world: World, network_exit: NetworkExit) -> None:
    before = _unchanged(network_exit)
    assert client_for(world.users[Role.MIIT_REVIEWER]).post(f"{EXIT_URL}file_plan/", _plan()).status_code == 403
    network_exit = drive_exit(world, network_exit, ExitState.DONE_REPORTED)
    before = _unchanged(network_exit)
    confirm = {"confirm-expected_version": str(network_exit.version), "confirm-note": "ok"}
    assert client_for(world.applicant).post(f"{EXIT_URL}confirm/", confirm).status_code == 403
    assert _unchanged(network_exit) == before


def test_someone_who_may_not_see_the_licence_gets_404(world: World, network_exit: NetworkExit) -> None:
    before = _unchanged(network_exit)
    for user in (world.other_applicant, world.outsider):
        client = client_for(user)
        assert client.get(EXIT_URL).status_code == 404
        assert client.post(f"{EXIT_URL}file_plan/", _plan()).status_code == 404
    anonymous = client_for(None).post(f"{EXIT_URL}file_plan/", _plan())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(world.applicant).post(f"{EXIT_URL}bogus/", _plan()).status_code == 404
    assert _unchanged(network_exit) == before


def test_a_licence_without_an_exit_has_no_exit_page(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = "2025-07-01"
    world.licence()
    assert client_for(world.applicant).get(EXIT_URL).status_code == 404
    assert 'id="network-exit"' not in client_for(world.applicant).get(URL).content.decode()


def test_the_authority_sends_back_and_confirms(world: World, network_exit: NetworkExit) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.DONE_REPORTED)
    officer = client_for(world.users[Role.LOCAL_OFFICER])
    html = officer.get(URL).content.decode()
    assert _forms(html) == ["confirm", "send_back"]
    refused = officer.post(f"{EXIT_URL}send_back/", {"send_back-expected_version": "4", "send_back-reason": ""})
    assert refused.status_code == 422
    assert "What remains to be done: This field is required." in refused.content.decode()
    officer.post(f"{EXIT_URL}send_back/", {"send_back-expected_version": "4", "send_back-reason": "Resellers remain."})
    assert fresh(network_exit).status == "in_progress"
    network_exit = drive_exit_done_again(world, network_exit)
    response = officer.post(
        f"{EXIT_URL}confirm/", {"confirm-expected_version": str(network_exit.version), "confirm-note": ""}, follow=True
    )
    assert response.status_code == 200
    network_exit = fresh(network_exit)
    assert (network_exit.status, network_exit.confirmed_on) == ("completed", date(2025, 7, 1))
    html = response.content.decode()
    assert "Exit completed" in html and "Confirmed complete on" in html
    assert _forms(html) == []


def drive_exit_done_again(world: World, network_exit: NetworkExit) -> NetworkExit:
    return report_exit_done(
        actor=world.applicant, network_exit=network_exit, on=date(2025, 7, 1), expected_version=network_exit.version
    )


def test_an_overdue_exit_is_flagged_on_the_licence_page(
    world: World, network_exit: NetworkExit, settings: Settings
) -> None:
    drive_exit(world, network_exit, ExitState.IN_PROGRESS)
    settings.VATSPILOT_TODAY = "2025-12-31"
    assert "Overdue" not in client_for(world.applicant).get(URL).content.decode()
    settings.VATSPILOT_TODAY = "2026-01-02"
    html = client_for(world.applicant).get(URL).content.decode()
    assert '<span class="badge badge--overdue" data-overdue="2">Overdue by 2 days</span>' in html


# --- /exits/ ------------------------------------------------------------------------------------------------


@pytest.fixture
def exits(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = "2026-01-31"
    official = world.users[Role.MIIT_REVIEWER]
    written_exit(world.organisation, "B1-20250011", actor=official, deadline=date(2026, 3, 1))
    written_exit(world.organisation, "B1-20250012", actor=official, deadline=date(2026, 1, 30), users_migrated=7)
    written_exit(world.organisation, "B1-20250013", actor=official, status=ExitState.REQUIRED, deadline=None)
    written_exit(world.other_organisation, "B1-20250014", actor=official, deadline=date(2025, 12, 31))


def _listed(html: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)"', html)


def test_miit_sees_every_exit_the_overdue_flagged_first(world: World, exits: None) -> None:
    response = client_for(world.users[Role.MIIT_REVIEWER]).get("/exits/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _listed(html) == ["B1-20250014", "B1-20250012", "B1-20250011", "B1-20250013"]
    assert '<tr data-number="B1-20250012" class="overdue" data-overdue="1">' in html
    assert "Overdue by 1 day</span>" in html and "Overdue by 31 days</span>" in html
    assert "7 / 120" in html
    assert "No plan filed since 2025-06-03" in html
    assert 'href="/licences/B1-20250012/#network-exit"' in html


def test_a_local_officer_sees_their_jurisdictions_exits(world: World, exits: None) -> None:
    shanghai = client_for(world.users[Role.LOCAL_OFFICER]).get("/exits/").content.decode()
    beijing = client_for(world.outsider).get("/exits/").content.decode()
    assert _listed(shanghai) == ["B1-20250012", "B1-20250011", "B1-20250013"]
    assert _listed(beijing) == ["B1-20250014"]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.CAC_REVIEWER, Role.INSPECTOR, Role.ADMINISTRATOR])
def test_anyone_else_is_refused_as_on_the_staff_page(world: World, exits: None, role: Role) -> None:
    assert client_for(world.users[role]).get("/exits/").status_code == 403


def test_signed_out_is_sent_to_sign_in(world: World, exits: None) -> None:
    response = client_for(None).get("/exits/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_navigation_links_to_it_for_the_supervisors_only(world: World, exits: None) -> None:
    link = 'href="/exits/"'
    assert link in client_for(world.users[Role.MIIT_REVIEWER]).get("/inbox/").content.decode()
    assert link in client_for(world.users[Role.LOCAL_OFFICER]).get("/inbox/").content.decode()
    assert link not in client_for(world.applicant).get("/inbox/").content.decode()
    assert link not in client_for(world.users[Role.CAC_REVIEWER]).get("/inbox/").content.decode()


def test_nothing_to_supervise(world: World, settings: Settings) -> None:
    html = client_for(world.users[Role.MIIT_REVIEWER]).get("/exits/").content.decode()
    assert "No network exit awaits completion." in html


# --- The public register ------------------------------------------------------------------------------------


def test_the_register_shows_the_exit_and_its_steps_with_nothing_personal(
    world: World, network_exit: NetworkExit
) -> None:
    network_exit = drive_exit(world, network_exit, ExitState.IN_PROGRESS)
    network_exit = report_exit_progress(
        actor=world.applicant,
        network_exit=network_exit,
        on=date(2025, 7, 1),
        expected_version=2,
        users_migrated=120,
        note=NOTE,
    )
    drive_exit_done_again(world, network_exit)
    send_exit_back(
        actor=world.users[Role.LOCAL_OFFICER],
        network_exit=fresh(network_exit),
        on=date(2025, 7, 1),
        expected_version=4,
        reason="Reason qx8: one reseller remains",
    )
    secrets = {
        NOTE,
        "Reason qx8: one reseller remains",
        *(user.get_username() for user in get_user_model().objects.all()),
        *(user.email for user in get_user_model().objects.all() if user.email),
        *(note for note in LicenceEvent.objects.values_list("note", flat=True) if note),
    }
    for language in ("en", "zh-hans"):
        body = client_for(None, language).get(f"/register/{NUMBER}/").content.decode()
        assert sorted(secret for secret in secrets if secret in body) == []
    html = client_for(None).get(f"/register/{NUMBER}/").content.decode()
    assert 'data-exit-state="in_progress"' in html
    assert "<dd>Exit in progress</dd>" in html
    assert "<td>Network exit: plan filed</td>" in html
    assert "<td>Network exit: progress reported</td>" in html
    assert "<td>Network exit: sent back</td>" in html
    assert "Migration deadline: 2025-12-31" in html
    assert "<dd>120 / 120</dd>" in html


def test_the_register_of_a_licence_never_revoked_says_nothing_of_an_exit(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = "2025-07-01"
    world.licence()
    assert "network-exit" not in client_for(None).get(f"/register/{NUMBER}/").content.decode()


# --- In Chinese ---------------------------------------------------------------------------------------------


def test_the_pages_in_chinese(world: World, network_exit: NetworkExit) -> None:
    html = client_for(world.applicant, "zh-hans").get(URL).content.decode()
    assert '<h2 id="network-exit-heading">网络退出</h2>' in html
    assert "需退出" in html
    assert "自 2025年6月3日 起未提交退出方案" in html
    assert "<legend>提交退出方案</legend>" in html
    assert "用户迁移截止日" in html
    listing = client_for(world.users[Role.MIIT_REVIEWER], "zh-hans").get("/exits/").content.decode()
    assert "<h1>网络退出</h1>" in listing
    register = client_for(None, "zh-hans").get(f"/register/{NUMBER}/").content.decode()
    assert "<dd>需退出</dd>" in register
