"""The orderly network exit (services.licences.exits): opened in the revoking or cancelling transaction (a
failed revocation leaves none), every step through the machine with its event on the licence's history
(public details: dates and counts; the typed note private), its audit entry and its notification; every
step the table does not have refused; every role tried on every step, a refusal changing nothing; the
plan's and the reports' edges naming the field; a stale version."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from exit_world import DEADLINE, NOTIFIED, NUMBER, USERS, drive_exit, fresh, revoked_exit
from pilot_world import LICENCE_REASON, ON, World, make_user

from vatspilot.domain.applications import Role
from vatspilot.domain.licences import citations
from vatspilot.domain.licences.exit import EXIT_WORKFLOW, ExitAction, ExitState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.licences import actions
from vatspilot.services.licences.actions import cancel_licence, revoke_licence
from vatspilot.services.licences.cancellation import request_cancellation
from vatspilot.services.licences.exits import (
    available_exit_actions,
    confirm_exit,
    file_exit_plan,
    open_exit,
    report_exit_done,
    report_exit_progress,
    send_exit_back,
)
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent, NetworkExit, Notification

pytestmark = pytest.mark.django_db
LATER = date(2025, 7, 1)
NOTE = "Migration partner: Example Cloud; call centre script v2 (private note qx5)"


def _exit_row(network_exit: NetworkExit) -> tuple[object, ...]:
    network_exit = fresh(network_exit)
    return (
        network_exit.status,
        network_exit.version,
        network_exit.users_notified_on,
        network_exit.migration_deadline,
        network_exit.users_to_migrate,
        network_exit.users_migrated,
        network_exit.confirmed_on,
    )


def _unchanged(network_exit: NetworkExit) -> tuple[object, ...]:
    """Everything a refusal must leave as it was."""
    return (
        _exit_row(network_exit),
        LicenceEvent.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def _last_event() -> tuple[object, ...]:
    event = LicenceEvent.objects.order_by("-id").first()
    assert event is not None
    return (
        event.action,
        event.from_state,
        event.to_state,
        event.on,
        event.role,
        event.actor_id,
        event.note,
        event.details,
    )


def _last_audit() -> tuple[object, ...]:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return (entry.action, entry.object_type, entry.object_id, entry.actor_id, entry.before, entry.after)


def _plan(**changes: Any) -> dict[str, Any]:
    return {"users_notified_on": NOTIFIED, "migration_deadline": DEADLINE, "users_to_migrate": USERS, **changes}


# --- Opening: in the revoking or cancelling transaction ----------------------------------------------------


def test_a_revocation_opens_the_exit_and_the_holder_hears(world: World) -> None:
    network_exit = revoked_exit(world)
    miit = world.users[Role.MIIT_REVIEWER]
    assert (network_exit.status, network_exit.version, network_exit.opened_on) == ("required", 1, ON)
    assert _exit_row(network_exit)[2:] == (None, None, None, 0, None)
    entry = AuditEntry.objects.get(action="network_exit.open")
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.before) == (
        miit.pk,
        "store.networkexit",
        str(network_exit.pk),
        None,
    )
    assert entry.after == {
        "status": "required",
        "version": 1,
        "licence": NUMBER,
        "licence_status": "revoked",
        "opened_on": "2025-06-03",
    }
    # Opened between the revocation's entry and the dishonest listing's, all in one transaction.
    actions_in_order = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))[-3:]
    assert actions_in_order == ["licence.revoke", "network_exit.open", "credit_list.listed"]
    rows = Notification.objects.filter(kind="licence.exit_required")
    assert [(n.recipient.username, n.subject, n.body) for n in rows] == [
        (
            "applicant",
            f"Network exit required for licence {NUMBER}",
            f"Licence {NUMBER} of {world.organisation.name} ended on 2025-06-03. The holder must now carry out an "
            "orderly network exit: on the licence page, file the exit plan (the day the users are told, the "
            "migration deadline and the number of users to migrate), report the progress, and report when every "
            "user has moved.",
        )
    ]
    # Opening writes no step on the licence's history: the revocation is the step.
    assert not LicenceEvent.objects.filter(action__startswith="exit.").exists()
    assert verify_chain().ok


def test_a_cancellation_opens_the_exit(world: World) -> None:
    licence = request_cancellation(actor=world.applicant, licence=world.licence(), on=ON)
    cancelled = cancel_licence(
        actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=LATER, expected_version=2, reason=LICENCE_REASON
    )
    assert cancelled.status == "cancelled"
    network_exit = NetworkExit.objects.get()
    assert (network_exit.licence_id, network_exit.status, network_exit.opened_on) == (licence.pk, "required", LATER)
    assert AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[0] == "network_exit.open"


def test_a_failing_revocation_leaves_no_exit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    licence = world.licence()

    def listing_fails(**_kwargs: Any) -> None:
        raise RuntimeError("the listing failed")

    monkeypatch.setattr(actions, "list_revocation", listing_fails)
    before = (AuditEntry.objects.count(), LicenceEvent.objects.count(), Notification.objects.count())
    with pytest.raises(RuntimeError):
        revoke_licence(
            actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=ON, expected_version=1, reason=LICENCE_REASON
        )
    assert not NetworkExit.objects.exists()
    licence.refresh_from_db()
    assert (licence.status, licence.version) == ("valid", 1)
    assert (AuditEntry.objects.count(), LicenceEvent.objects.count(), Notification.objects.count()) == before


def test_a_refused_revocation_opens_no_exit(world: World) -> None:
    licence = world.licence()
    with pytest.raises(ActionRefused):
        revoke_licence(actor=world.applicant, licence=licence, on=ON, expected_version=1, reason=LICENCE_REASON)
    assert not NetworkExit.objects.exists()


def test_opening_again_gives_the_same_exit_and_writes_nothing(world: World) -> None:
    network_exit = revoked_exit(world)
    before = _unchanged(network_exit)
    again = open_exit(actor=world.users[Role.MIIT_REVIEWER], licence=network_exit.licence, on=LATER)
    assert (again.pk, again.opened_on) == (network_exit.pk, ON)
    assert _unchanged(network_exit) == before


def test_a_live_licence_has_no_exit_to_open(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)
    with pytest.raises(ActionRefused) as refused:
        open_exit(actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=ON)
    assert (refused.value.code, refused.value.params) == ("licence-not-ended", {"field": "licence"})
    assert not NetworkExit.objects.exists()


# --- The walk: plan, progress, done, sent back, done, confirmed ----------------------------------------------


def test_the_whole_exit(world: World) -> None:
    network_exit = revoked_exit(world)
    holder, miit, officer = world.applicant, world.users[Role.MIIT_REVIEWER], world.users[Role.LOCAL_OFFICER]
    public = {"basis": citations.EXIT, "users_notified_on": "2025-06-10", "migration_deadline": "2025-12-31"}

    planned = file_exit_plan(actor=holder, network_exit=network_exit, on=ON, expected_version=1, **_plan())
    assert _exit_row(planned) == ("in_progress", 2, NOTIFIED, DEADLINE, USERS, 0, None)
    assert _last_event() == (
        "exit.file_plan",
        "required",
        "in_progress",
        ON,
        "holder",
        holder.pk,
        "",
        {**public, "users_to_migrate": USERS, "users_migrated": 0},
    )
    assert _last_audit() == (
        "network_exit.file_plan",
        "store.networkexit",
        str(network_exit.pk),
        holder.pk,
        {"status": "required", "version": 1},
        {
            "status": "in_progress",
            "version": 2,
            "on": "2025-06-03",
            "role": "holder",
            "citation": citations.EXIT,
            "users_notified_on": "2025-06-10",
            "migration_deadline": "2025-12-31",
            "users_to_migrate": USERS,
        },
    )
    assert available_exit_actions(holder, planned) == [ExitAction.REPORT_PROGRESS]
    assert available_exit_actions(miit, planned) == []

    day = date(2025, 9, 1)
    progressed = report_exit_progress(
        actor=holder, network_exit=planned, on=day, expected_version=2, users_migrated=40, note=f"  {NOTE} "
    )
    assert _exit_row(progressed) == ("in_progress", 3, NOTIFIED, DEADLINE, USERS, 40, None)
    assert _last_event() == (
        "exit.report_progress",
        "in_progress",
        "in_progress",
        day,
        "holder",
        holder.pk,
        NOTE,
        {**public, "users_to_migrate": USERS, "users_migrated": 40},
    )
    assert _last_audit()[0] == "network_exit.report_progress"
    assert _last_audit()[5]["users_migrated"] == 40  # type: ignore[index]
    assert _last_audit()[5]["previously_migrated"] == 0  # type: ignore[index]
    progressed = report_exit_progress(
        actor=holder, network_exit=progressed, on=day, expected_version=3, users_migrated=USERS
    )
    assert available_exit_actions(holder, progressed) == [ExitAction.REPORT_PROGRESS, ExitAction.REPORT_DONE]

    done = report_exit_done(actor=holder, network_exit=progressed, on=date(2025, 12, 1), expected_version=4)
    assert _exit_row(done)[:2] == ("done_reported", 5)
    assert _last_event()[:5] == ("exit.report_done", "in_progress", "done_reported", date(2025, 12, 1), "holder")
    supervisors = Notification.objects.filter(kind="licence.exit_done_reported").order_by("recipient__username")
    # MIIT and Shanghai's local officer; not Beijing's officer, not the holder.
    assert [n.recipient.username for n in supervisors] == ["local_officer", "miit_reviewer"]
    assert supervisors[0].body == (
        f"{world.organisation.name} (Shanghai) reported on 2025-12-01 that every user of licence {NUMBER} has "
        f"moved: 120 of 120. Confirm the exit on the licence page, or send it back."
    )
    assert available_exit_actions(holder, done) == []
    assert available_exit_actions(officer, done) == [ExitAction.CONFIRM, ExitAction.SEND_BACK]
    assert available_exit_actions(world.outsider, done) == []

    back = send_exit_back(
        actor=officer, network_exit=done, on=date(2025, 12, 5), expected_version=5, reason="Two resellers remain."
    )
    assert _exit_row(back)[:2] == ("in_progress", 6)
    assert _last_event()[:7] == (
        "exit.send_back",
        "done_reported",
        "in_progress",
        date(2025, 12, 5),
        "local_officer",
        officer.pk,
        "Two resellers remain.",
    )
    sent_back = Notification.objects.get(kind="licence.exit_sent_back")
    assert (sent_back.recipient.username, sent_back.subject, sent_back.body) == (
        "applicant",
        f"Network exit of licence {NUMBER} sent back",
        f"The authority sent back the network exit of licence {NUMBER} of {world.organisation.name} on 2025-12-05: "
        "it is in progress again.\n\nReason: Two resellers remain.",
    )

    done = report_exit_done(actor=holder, network_exit=back, on=date(2025, 12, 20), expected_version=6)
    confirmed = confirm_exit(
        actor=miit, network_exit=done, on=date(2025, 12, 22), expected_version=7, note="Checked the number records."
    )
    assert _exit_row(confirmed) == ("completed", 8, NOTIFIED, DEADLINE, USERS, USERS, date(2025, 12, 22))
    assert _last_event() == (
        "exit.confirm",
        "done_reported",
        "completed",
        date(2025, 12, 22),
        "miit_reviewer",
        miit.pk,
        "Checked the number records.",
        {**public, "users_to_migrate": USERS, "users_migrated": USERS, "confirmed_on": "2025-12-22"},
    )
    assert Notification.objects.get(kind="licence.exit_confirmed").body == (
        f"The authority confirmed on 2025-12-22 that the network exit of licence {NUMBER} of "
        f"{world.organisation.name} is complete."
    )
    assert [available_exit_actions(user, confirmed) for user in (holder, miit, officer)] == [[], [], []]
    # Every step is on the licence's history, no typed text among the public details.
    steps = list(LicenceEvent.objects.filter(action__startswith="exit.").values_list("action", flat=True))
    assert steps == [
        "exit.file_plan",
        "exit.report_progress",
        "exit.report_progress",
        "exit.report_done",
        "exit.send_back",
        "exit.report_done",
        "exit.confirm",
    ]
    details = " ".join(str(d) for d in LicenceEvent.objects.values_list("details", flat=True))
    assert NOTE not in details and "resellers" not in details and "number records" not in details
    assert Licence.objects.get().status == "revoked"  # the exit never moves the licence
    assert verify_chain().ok


# --- What the table does not have ---------------------------------------------------------------------------

_ALLOWED = {(row.source, row.action) for row in EXIT_WORKFLOW.rows}
_FORBIDDEN = [(state, action) for state in ExitState for action in ExitAction if (state, action) not in _ALLOWED]


def _take(world: World, action: ExitAction, network_exit: NetworkExit, actor: Any, version: int | None) -> None:
    """The step ``action`` taken by ``actor`` with input that would be good for it."""
    common = {"actor": actor, "network_exit": network_exit, "on": LATER, "expected_version": version}
    if action is ExitAction.FILE_PLAN:
        file_exit_plan(**common, **_plan())
    elif action is ExitAction.REPORT_PROGRESS:
        report_exit_progress(**common, users_migrated=USERS)
    elif action is ExitAction.REPORT_DONE:
        report_exit_done(**common)
    elif action is ExitAction.CONFIRM:
        confirm_exit(**common, note="ok")
    else:
        send_exit_back(**common, reason="not yet")


@pytest.mark.parametrize(("state", "action"), _FORBIDDEN, ids=[f"{s.value}-{a.value}" for s, a in _FORBIDDEN])
def test_every_step_the_table_lacks_is_refused_with_nothing_changed(
    world: World, state: ExitState, action: ExitAction
) -> None:
    network_exit = drive_exit(world, revoked_exit(world), state)
    actor = world.users[Role.MIIT_REVIEWER] if action in (ExitAction.CONFIRM, ExitAction.SEND_BACK) else world.applicant
    before = _unchanged(network_exit)
    with pytest.raises(ActionRefused) as refused:
        _take(world, action, network_exit, actor, network_exit.version)
    assert refused.value.code == "action-not-allowed-in-state"
    assert _unchanged(network_exit) == before


def test_the_forbidden_steps_are_the_ones_expected() -> None:
    assert len(_FORBIDDEN) == 4 * 5 - 5


# --- Who may take each step ----------------------------------------------------------------------------------

_SOURCE = {row.action: row.source for row in EXIT_WORKFLOW.rows}
_HOLDERS_STEPS = (ExitAction.FILE_PLAN, ExitAction.REPORT_PROGRESS, ExitAction.REPORT_DONE)
_AUTHORITY_STEPS = (ExitAction.CONFIRM, ExitAction.SEND_BACK)
_WHO = ["holder", "other_member", "miit", "local_officer", "officer_elsewhere", "anonymous", "inactive_member"]


def _actor(world: World, who: str) -> Any:
    if who == "holder":
        return world.applicant
    if who == "other_member":
        return world.other_applicant
    if who == "miit":
        return world.users[Role.MIIT_REVIEWER]
    if who == "local_officer":
        return world.users[Role.LOCAL_OFFICER]
    if who == "officer_elsewhere":
        return world.outsider
    if who == "anonymous":
        return AnonymousUser()
    return make_user("inactive_member", active=False, organisation=world.organisation)


def _may(who: str, action: ExitAction) -> bool:
    if action in _HOLDERS_STEPS:
        return who == "holder"
    return who in ("miit", "local_officer")


@pytest.mark.parametrize("who", _WHO)
@pytest.mark.parametrize("action", list(ExitAction), ids=[a.value for a in ExitAction])
def test_each_role_on_each_step(world: World, action: ExitAction, who: str) -> None:
    network_exit = revoked_exit(world)
    if action is ExitAction.REPORT_DONE:
        network_exit = drive_exit(world, network_exit, ExitState.IN_PROGRESS)
        network_exit = report_exit_progress(
            actor=world.applicant,
            network_exit=network_exit,
            on=ON,
            expected_version=network_exit.version,
            users_migrated=USERS,
        )
    else:
        network_exit = drive_exit(world, network_exit, _SOURCE[action])
    actor = _actor(world, who)
    before = _unchanged(network_exit)
    if _may(who, action):
        _take(world, action, network_exit, actor, network_exit.version)
        assert _exit_row(network_exit)[1] == before[0][1] + 1  # type: ignore[index]
        return
    with pytest.raises(ActionRefused) as refused:
        _take(world, action, network_exit, actor, network_exit.version)
    assert refused.value.code == "role-not-allowed"
    assert _unchanged(network_exit) == before


def test_a_deactivated_official_may_not_confirm(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.DONE_REPORTED)
    miit = world.users[Role.MIIT_REVIEWER]
    miit.is_active = False
    miit.save()
    before = _unchanged(network_exit)
    with pytest.raises(ActionRefused) as refused:
        confirm_exit(actor=miit, network_exit=network_exit, on=LATER, expected_version=network_exit.version, note="")
    assert refused.value.code == "role-not-allowed"
    assert _unchanged(network_exit) == before


# --- The plan's and the reports' edges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"migration_deadline": date(2025, 6, 9)}, "deadline-before-notice", "migration_deadline"),
        ({"users_to_migrate": -1}, "negative-count", "users_to_migrate"),
        ({"users_to_migrate": "12"}, "not-a-count", "users_to_migrate"),
        ({"users_to_migrate": 1.5}, "not-a-count", "users_to_migrate"),
        ({"users_to_migrate": True}, "not-a-count", "users_to_migrate"),
        ({"users_notified_on": "2025-06-10"}, "not-a-date", "users_notified_on"),
        ({"migration_deadline": None}, "not-a-date", "migration_deadline"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(world: World, changes: dict[str, Any], code: str, field: str) -> None:
    network_exit = revoked_exit(world)
    before = _unchanged(network_exit)
    with pytest.raises(ActionRefused) as refused:
        file_exit_plan(actor=world.applicant, network_exit=network_exit, on=ON, expected_version=1, **_plan(**changes))
    assert (refused.value.code, refused.value.params) == (code, {"field": field})
    assert _unchanged(network_exit) == before


def test_a_plan_told_on_the_deadline_day_with_nobody_to_move_is_sound(world: World) -> None:
    network_exit = revoked_exit(world)
    planned = file_exit_plan(
        actor=world.applicant,
        network_exit=network_exit,
        on=ON,
        expected_version=1,
        **_plan(users_notified_on=DEADLINE, users_to_migrate=0),
    )
    assert _exit_row(planned) == ("in_progress", 2, DEADLINE, DEADLINE, 0, 0, None)
    # Nobody to move: the exit may be reported done at once.
    assert available_exit_actions(world.applicant, planned) == [ExitAction.REPORT_PROGRESS, ExitAction.REPORT_DONE]


def test_a_bad_plan_from_someone_else_is_refused_for_the_role(world: World) -> None:
    network_exit = revoked_exit(world)
    with pytest.raises(ActionRefused) as refused:
        file_exit_plan(
            actor=world.other_applicant,
            network_exit=network_exit,
            on=ON,
            expected_version=1,
            **_plan(users_to_migrate=-5),
        )
    assert refused.value.code == "role-not-allowed"


@pytest.mark.parametrize(
    ("reported", "code", "message"),
    [
        (121, "more-than-planned", "The plan moves 120 users: no more can have moved."),
        (39, "fewer-than-reported", "40 users were already reported moved: a report cannot go back."),
        (-1, "negative-count", "The number of users cannot be negative."),
        ("41", "not-a-count", "Give a whole number of users."),
    ],
)
def test_a_bad_progress_report_is_refused_naming_the_field(
    world: World, reported: Any, code: str, message: str
) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    network_exit = report_exit_progress(
        actor=world.applicant, network_exit=network_exit, on=ON, expected_version=2, users_migrated=40
    )
    before = _unchanged(network_exit)
    with pytest.raises(ActionRefused) as refused:
        report_exit_progress(
            actor=world.applicant, network_exit=network_exit, on=ON, expected_version=3, users_migrated=reported
        )
    assert (refused.value.code, refused.value.params, refused.value.message) == (
        code,
        {"field": "users_migrated"},
        message,
    )
    assert _unchanged(network_exit) == before


def test_done_is_refused_until_everyone_has_moved(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    network_exit = report_exit_progress(
        actor=world.applicant, network_exit=network_exit, on=ON, expected_version=2, users_migrated=119
    )
    before = _unchanged(network_exit)
    with pytest.raises(ActionRefused) as refused:
        report_exit_done(actor=world.applicant, network_exit=network_exit, on=ON, expected_version=3)
    assert refused.value.code == "guard-failed:everyone_moved"
    assert refused.value.message == (
        "The users migrated must reach the number in the plan before the exit is reported done."
    )
    assert _unchanged(network_exit) == before


def test_sending_back_needs_a_reason(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.DONE_REPORTED)
    before = _unchanged(network_exit)
    with pytest.raises(ActionRefused) as refused:
        send_exit_back(
            actor=world.users[Role.MIIT_REVIEWER],
            network_exit=network_exit,
            on=LATER,
            expected_version=network_exit.version,
            reason="  ",
        )
    assert (refused.value.code, refused.value.params) == ("reason-required", {"field": "reason"})
    assert _unchanged(network_exit) == before


def test_a_stale_version_is_a_conflict_with_nothing_changed(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    before = _unchanged(network_exit)
    with pytest.raises(Conflict) as conflict:
        report_exit_progress(
            actor=world.applicant, network_exit=network_exit, on=ON, expected_version=1, users_migrated=10
        )
    assert (conflict.value.code, conflict.value.params) == (
        "conflict",
        {"expected": 1, "found": 2, "record": "network_exit"},
    )
    assert _unchanged(network_exit) == before
