"""The lifecycle through the services: every row of the transition table, every refusal, the guards."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import BASIS, ON, World

from vatspilot.domain.applications import FINAL_STATES, TRANSITIONS, Action, Role, State, Transition
from vatspilot.services import applications as svc
from vatspilot.services.applications.clock import clock_for
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    AuditEntry,
    Decision,
    ImmutableRecord,
    Opinion,
    SecurityAssessment,
    SupplementRequest,
)

FIELDS = {
    Action.REQUEST_SUPPLEMENT: {"items": ["Network topology (overseas) is illegible"]},
    Action.REFUSE: {"legal_basis": BASIS, "reasons": "The IDC plan lacks a contingency plan."},
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: {"findings": "No findings."},
    Action.COMPLETE_ONSITE_VERIFICATION: {"findings": "Premises as declared."},
    Action.RECORD_OPINION: {"opinion": "concur"},
    Action.RECORD_SECURITY_ASSESSMENT: {"result": "positive", "findings": "MLPS level 3 evidence."},
    Action.APPROVE: {"legal_basis": BASIS},
}


def _snapshot(application: Application) -> tuple[object, ...]:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        AuditEntry.objects.count(),
        ApplicationEvent.objects.count(),
        Opinion.objects.count(),
        SecurityAssessment.objects.count(),
        SupplementRequest.objects.count(),
        Decision.objects.count(),
    )


@pytest.mark.parametrize(
    ("row", "role"),
    [(row, role) for row in TRANSITIONS for role in row.roles],
    ids=[f"{row.source}-{row.action}-{role}" for row in TRANSITIONS for role in row.roles],
)
def test_every_row_of_the_table_for_every_role_it_names(world: World, row: Transition, role: Role) -> None:
    application = world.drive_to(row.source)
    if row.action is Action.APPROVE:
        application = world.concur_all(application)
    audit_before = AuditEntry.objects.count()
    version_before = application.version
    after = world.act(role, application, row.action, **FIELDS.get(row.action, {}))
    assert after.status == row.target.value
    assert after.version == version_before + 1  # one versioned write per transition
    event = ApplicationEvent.objects.filter(application=after).last()
    assert event is not None
    assert (event.action, event.from_state, event.to_state, event.role, event.on) == (
        row.action.value,
        row.source.value,
        row.target.value,
        role.value,
        ON,
    )
    issued = 1 if row.action is Action.APPROVE else 0  # an approval also issues the licence, audited after it
    entry = AuditEntry.objects.order_by("-seq")[issued]
    assert entry.action == f"application.{row.action.value}"
    assert AuditEntry.objects.count() == audit_before + 1 + issued
    if issued:
        assert AuditEntry.objects.order_by("-seq")[0].action == "licence.issued"
    assert entry.before["status"] == row.source.value and entry.after["status"] == row.target.value
    assert verify_chain().ok


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_every_action_the_table_does_not_allow_is_refused_for_every_role_and_changes_nothing(
    world: World, state: State
) -> None:
    application = world.drive_to(state)
    allowed = {(row.action, role) for row in TRANSITIONS if row.source is state for role in row.roles}
    actors = [*world.users.items(), (Role.LOCAL_OFFICER, world.outsider), (Role.APPLICANT, world.other_applicant)]
    insiders = {world.outsider.pk, world.other_applicant.pk}
    for action in Action:
        for role, user in actors:
            if (action, role) in allowed and user.pk not in insiders:
                continue
            before = _snapshot(application)
            with pytest.raises(svc.ActionRefused) as refused:
                svc.perform(
                    actor=user,
                    application=application,
                    action=action,
                    on=ON,
                    expected_version=application.version,
                    **FIELDS.get(action, {}),
                )
            assert refused.value.message
            assert _snapshot(application) == before, (action, role, user.username)


def test_approval_needs_every_agency_and_a_positive_assessment(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    for role in (Role.MIIT_REVIEWER, Role.CAC_REVIEWER):
        application = world.act(role, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="positive")
    with pytest.raises(svc.ActionRefused) as refused:
        world.act(Role.MIIT_REVIEWER, application, Action.APPROVE, legal_basis=BASIS)
    assert refused.value.code == "guard-failed:all_agencies_concur"
    assert refused.value.message == "Approval needs the concurrence of MIIT, the CAC and the MPS."
    application = world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="object")
    with pytest.raises(svc.ActionRefused, match="concurrence of MIIT"):
        world.act(Role.MIIT_REVIEWER, application, Action.APPROVE, legal_basis=BASIS)
    assert Decision.objects.count() == 0


def test_a_negative_assessment_blocks_approval_but_allows_refusal(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    for role in (Role.MIIT_REVIEWER, Role.CAC_REVIEWER, Role.MPS_REVIEWER):
        application = world.act(role, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="negative")
    with pytest.raises(svc.ActionRefused) as refused:
        world.act(Role.MIIT_REVIEWER, application, Action.APPROVE, legal_basis=BASIS)
    assert refused.value.code == "guard-failed:security_assessment_positive"
    refused_app = world.act(Role.MIIT_REVIEWER, application, Action.REFUSE, legal_basis=BASIS, reasons="negative")
    assert refused_app.status == "refused"


def test_the_decision_keeps_the_determination_it_relied_on_and_cannot_be_edited(world: World) -> None:
    application = world.drive_to(State.APPROVED)
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.legal_basis) == ("approved", BASIS)
    assert decision.licence_area == "Shanghai Pudong New Area and Lin-gang"
    assert decision.licence_services == ["B11", "B25-05"]
    assert decision.determination["on"] == ON.isoformat()
    assert decision.determination["outcome"] == "eligible"
    assert decision.rulebook_version == decision.determination["rulebook"]
    decision.legal_basis = "edited"
    with pytest.raises(ImmutableRecord):
        decision.save()


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    stale = application.version
    world.act(Role.LOCAL_OFFICER, application, Action.ACCEPT)
    before = _snapshot(application)
    with pytest.raises(svc.Conflict) as conflict:
        svc.perform(
            actor=world.users[Role.APPLICANT],
            application=application,
            action=Action.WITHDRAW,
            on=ON,
            expected_version=stale,
        )
    assert conflict.value.message.startswith("Someone else changed this application")
    assert _snapshot(application) == before


def test_submission_is_refused_listing_exactly_what_is_missing(world: World) -> None:
    application = world.new_application()
    with pytest.raises(svc.ActionRefused) as refused:
        world.act(Role.APPLICANT, application, Action.SUBMIT)
    assert refused.value.code == "guard-failed:documents_complete"
    message = refused.value.message
    assert message.startswith("The dossier is not ready: Document missing: ")
    assert message.count("Document missing") == 11  # five Order 42 documents and the pilot's six


def test_an_ineligible_service_blocks_submission(world: World) -> None:
    application = world.ready_draft()
    application = svc.update_dossier(
        actor=world.users[Role.APPLICANT],
        application=application,
        on=ON,
        services=[{"code": "B11"}, {"code": "B13"}],
    )
    with pytest.raises(svc.ActionRefused) as refused:
        world.act(Role.APPLICANT, application, Action.SUBMIT)
    assert refused.value.code == "guard-failed:determination_eligible"
    assert "Service B13 is not eligible: change or remove it." in refused.value.message


def test_a_bad_dossier_is_refused_whole_naming_the_field(world: World) -> None:
    application = world.new_application()
    before = _snapshot(application)
    with pytest.raises(svc.ActionRefused) as refused:
        svc.update_dossier(
            actor=world.users[Role.APPLICANT],
            application=application,
            on=ON,
            ownership=[
                {"name": "A", "jurisdiction": "US", "percent": 60},
                {"name": "B", "jurisdiction": "CN", "percent": 30},
            ],
        )
    assert refused.value.message == "/shareholders: percentages at this level add up to 90, not 100 (within 0.01)"
    assert _snapshot(application) == before


def test_only_members_change_the_dossier_and_only_in_editable_states(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    with pytest.raises(svc.ActionRefused, match="only be changed in a draft"):
        svc.update_dossier(actor=world.users[Role.APPLICANT], application=application, on=ON, dishonest_list=False)
    with pytest.raises(svc.ActionRefused, match="Only the applicant"):
        svc.update_dossier(actor=world.users[Role.MIIT_REVIEWER], application=application, on=ON, dishonest_list=False)


def test_a_second_formal_correction_notice_is_refused(world: World) -> None:
    application = world.drive_to(State.FORMAL_SUPPLEMENT)
    application = world.act(Role.APPLICANT, application, Action.ANSWER_SUPPLEMENT)
    with pytest.raises(svc.ActionRefused, match="already sent"):
        world.act(Role.LOCAL_OFFICER, application, Action.REQUEST_SUPPLEMENT, items=["more"])


def test_the_clock_pauses_while_a_supplement_is_open(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)  # accepted on Tue 2025-06-03
    at_start = clock_for(application, date(2025, 6, 10))
    assert (at_start.days_used, at_start.days_left, at_start.paused, at_start.status) == (5, 55, False, "on_track")
    supplement = svc.request_supplement(
        actor=world.users[Role.MIIT_REVIEWER],
        application=application,
        items=["Overseas topology"],
        on=date(2025, 6, 10),
        expected_version=application.version,
    )
    paused = clock_for(supplement, date(2025, 6, 20))
    # The request day is a day the supplement was open: it does not count either.
    assert (paused.days_used, paused.paused) == (4, True)
    answered = svc.answer_supplement(
        actor=world.users[Role.APPLICANT],
        application=supplement,
        on=date(2025, 6, 23),
        expected_version=supplement.version,
    )
    resumed = clock_for(answered, date(2025, 6, 25))
    assert (resumed.days_used, resumed.paused) == (6, False)


def test_final_states_allow_nothing(world: World) -> None:
    for state in FINAL_STATES:
        application = world.drive_to(state)
        for user in world.users.values():
            assert svc.available_actions(user, application) == []


def test_a_refusal_names_the_stage_in_words(world: World) -> None:
    application = world.new_application()
    with pytest.raises(svc.ActionRefused) as refused:
        world.act(Role.MIIT_REVIEWER, application, Action.APPROVE, legal_basis=BASIS)
    assert refused.value.code == "action-not-allowed-in-state"
    assert refused.value.message == "This action is not possible while the application is at this stage: Draft."
