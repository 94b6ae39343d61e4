"""The lifecycle service (vatspilot.services.lifecycle) applying the application's rows: everything in
one transaction, so a failure anywhere inside leaves nothing behind; and the audit entry holding what the
action decided, refusal reasons and opinion conditions included."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction
from pilot_world import BASIS, ON, World

from vatspilot.domain.applications import Action, Role, State, citations
from vatspilot.services import applications as svc
from vatspilot.services import lifecycle
from vatspilot.services.applications.dossier import dossier_hash_of
from vatspilot.services.applications.lifecycle import APPLICATIONS
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import Application, ApplicationEvent, AuditEntry, Decision, Notification


class Boom(Exception):
    pass


def _snapshot(application: Application) -> tuple[object, ...]:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        ApplicationEvent.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def test_the_service_applies_a_row_with_its_event_audit_entry_and_notification(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    officer = world.users[Role.LOCAL_OFFICER]
    version = application.version
    with transaction.atomic():
        current, row, role = lifecycle.take(
            APPLICATIONS, actor=officer, record=application, action=Action.ACCEPT, expected_version=version
        )
        lifecycle.apply_transition(APPLICATIONS, actor=officer, record=current, transition=row, role=role, on=ON)
    application.refresh_from_db()
    assert (application.status, application.version) == ("preliminary_assessment", version + 1)
    event = ApplicationEvent.objects.filter(application=application).last()
    assert event is not None
    assert (event.action, event.from_state, event.to_state, event.role, event.on, event.note, event.details) == (
        "accept",
        "submitted",
        "preliminary_assessment",
        "local_officer",
        ON,
        "",
        {},
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.object_type, entry.object_id) == (
        "application.accept",
        "store.application",
        str(application.pk),
    )
    assert entry.before == {"status": "submitted", "version": version}
    assert entry.after == {
        "status": "preliminary_assessment",
        "version": version + 1,
        "on": ON.isoformat(),
        "role": "local_officer",
        "citation": citations.FORMAL_REVIEW,
    }
    assert verify_chain().ok


def test_the_notification_the_spec_names_is_sent_in_the_transaction(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = Notification.objects.count()
    lifecycle.run(
        APPLICATIONS,
        actor=world.users[Role.APPLICANT],
        record=application,
        action=Action.WITHDRAW,
        on=ON,
        expected_version=application.version,
    )
    kinds = set(Notification.objects.order_by("id")[before:].values_list("kind", flat=True))
    assert kinds == {"application.withdrawn"}


@pytest.mark.parametrize("failing", ["record_event", "notify"])
def test_a_failure_inside_the_transaction_undoes_status_event_audit_and_inbox(world: World, failing: str) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _snapshot(application)

    def boom(*args: object) -> None:
        raise Boom(failing)

    spec = dataclasses.replace(APPLICATIONS, **{failing: boom})
    with pytest.raises(Boom):
        lifecycle.run(
            spec,
            actor=world.users[Role.APPLICANT],
            record=application,
            action=Action.WITHDRAW,
            on=ON,
            expected_version=application.version,
        )
    assert _snapshot(application) == before
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)  # no test transaction around the call, as outside a writer
def test_a_row_applied_outside_a_transaction_is_refused_before_any_write(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _snapshot(application)
    officer = world.users[Role.LOCAL_OFFICER]
    row, role = lifecycle.decide_for(APPLICATIONS, officer, application, Action.ACCEPT)
    with pytest.raises(lifecycle.OutsideTransaction):
        lifecycle.apply_transition(APPLICATIONS, actor=officer, record=application, transition=row, role=role, on=ON)
    assert _snapshot(application) == before


def test_a_stale_version_is_a_conflict_before_anything_is_decided(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = _snapshot(application)
    with pytest.raises(lifecycle.Conflict) as conflict:
        lifecycle.run(
            APPLICATIONS,
            actor=world.users[Role.APPLICANT],
            record=application,
            action=Action.WITHDRAW,
            on=ON,
            expected_version=application.version - 1,
        )
    assert (conflict.value.code, conflict.value.params) == (
        "conflict",
        {"expected": application.version - 1, "found": application.version, "record": "application"},
    )
    assert _snapshot(application) == before


def test_the_errors_are_the_ones_the_applications_services_raise() -> None:
    assert svc.ActionRefused is lifecycle.ActionRefused
    assert svc.Conflict is lifecycle.Conflict


def test_a_refusal_keeps_its_reasons_and_legal_basis_in_the_audit_entry(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    version = application.version
    refused = world.act(
        Role.LOCAL_OFFICER, application, Action.REFUSE, legal_basis=f"  {BASIS} ", reasons=" No contingency plan. "
    )
    decision = Decision.objects.get(application=application)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "application.refuse"
    assert entry.before == {"status": "submitted", "version": version}
    assert entry.after == {
        "status": "refused",
        "version": version + 1,
        "on": ON.isoformat(),
        "role": "local_officer",
        "citation": citations.FORMAL_REVIEW,
        "decision": decision.pk,
        "outcome": "refused",
        "legal_basis": BASIS,
        "dossier_hash": dossier_hash_of(refused),
        "reasons": "No contingency plan.",
    }
    assert (decision.reasons, decision.legal_basis) == ("No contingency plan.", BASIS)
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("opinion", "conditions", "recorded"),
    [("concur_with_conditions", " Logs kept 180 days. ", "Logs kept 180 days."), ("concur", "", "")],
)
def test_an_opinion_keeps_its_conditions_in_the_audit_entry(
    world: World, opinion: str, conditions: str, recorded: str
) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    version = application.version
    after = world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion=opinion, conditions=conditions)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "application.record_opinion"
    assert entry.before == {"status": "ministerial_review", "version": version}
    assert entry.after == {
        "status": "ministerial_review",
        "version": version + 1,
        "on": ON.isoformat(),
        "role": "cac_reviewer",
        "citation": citations.MINISTERIAL_REVIEW,
        "agency": "cac",
        "opinion": opinion,
        "conditions": recorded,
        "dossier_hash": dossier_hash_of(after),
        "voided": [],
    }
    assert verify_chain().ok
