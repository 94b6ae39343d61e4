"""Deleting a draft that was never submitted (services/applications/drafts.py): the applicant's
members may, with its uploads and an audit entry in the same transaction; every refusal changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from pilot_world import ON, World

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.services.applications.drafts import delete_draft
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.store.models import Application, AuditEntry, Document, DocumentVersion

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot(application_id: int) -> tuple[int, int, int, int]:
    return (
        Application.objects.filter(pk=application_id).count(),
        Document.objects.filter(application_id=application_id).count(),
        DocumentVersion.objects.filter(document__application_id=application_id).count(),
        AuditEntry.objects.count(),
    )


def test_a_member_deletes_a_draft_with_its_documents_and_one_audit_entry(world: World) -> None:
    # Given: a draft with every required document uploaded
    application = world.ready_draft()
    files = [Path(v.file.path) for v in DocumentVersion.objects.filter(document__application=application)]
    kinds = sorted(application.determination["required_documents"])
    assert len(files) == len(kinds) and all(f.exists() for f in files)
    audit_before = AuditEntry.objects.count()

    # When: a member of the organisation deletes it
    delete_draft(actor=world.applicant, application=application, expected_version=application.version)

    # Then: the application, its documents and their files are gone; one audit entry says what was deleted
    assert _snapshot(application.pk) == (0, 0, 0, audit_before + 1)
    assert [f.exists() for f in files] == [False] * len(files)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "application.deleted",
        "store.application",
        str(application.pk),
    )
    assert entry.after is None
    assert entry.before["status"] == "draft"
    assert sorted(d["kind"] for d in entry.before["documents"]) == kinds
    assert [d["number"] for d in entry.before["documents"]] == [1] * len(kinds)


@pytest.mark.parametrize(
    "who",
    [Role.LOCAL_OFFICER, Role.MIIT_REVIEWER, Role.ADMINISTRATOR, "other_applicant"],
)
def test_anyone_but_a_member_is_refused_and_nothing_changes(world: World, who: Role | str) -> None:
    application = world.ready_draft()
    actor = world.other_applicant if who == "other_applicant" else world.users[who]
    before = _snapshot(application.pk)

    with pytest.raises(ActionRefused) as refused:
        delete_draft(actor=actor, application=application)

    assert refused.value.code == "not-a-member"
    assert _snapshot(application.pk) == before


@pytest.mark.parametrize("state", [State.SUBMITTED, State.PRELIMINARY_ASSESSMENT])
def test_an_application_ever_submitted_is_refused_and_nothing_changes(world: World, state: State) -> None:
    application = world.drive_to(state)
    before = _snapshot(application.pk)

    with pytest.raises(ActionRefused) as refused:
        delete_draft(actor=world.applicant, application=application)

    assert refused.value.code == "draft-was-submitted"
    assert refused.value.message == (
        "Only a draft that was never submitted can be deleted; withdraw the application instead."
    )
    assert _snapshot(application.pk) == before
    application.refresh_from_db()
    assert application.status == state.value


def test_a_draft_withdrawn_before_submission_keeps_its_timeline_and_is_refused(world: World) -> None:
    application = world.new_application()
    application = world.act(Role.APPLICANT, application, Action.WITHDRAW)
    before = _snapshot(application.pk)

    with pytest.raises(ActionRefused) as refused:
        delete_draft(actor=world.applicant, application=application)

    assert refused.value.code == "draft-was-submitted"
    assert _snapshot(application.pk) == before


def test_a_stale_version_is_a_conflict_and_nothing_changes(world: World) -> None:
    application = world.new_application()
    stale = application.version - 1
    before = _snapshot(application.pk)

    with pytest.raises(Conflict):
        delete_draft(actor=world.applicant, application=application, expected_version=stale)

    assert _snapshot(application.pk) == before


def test_a_rolled_back_deletion_keeps_the_files(world: World) -> None:
    application = world.ready_draft()
    files = [Path(v.file.path) for v in DocumentVersion.objects.filter(document__application=application)]

    with pytest.raises(RuntimeError), transaction.atomic():
        delete_draft(actor=world.applicant, application=application)
        raise RuntimeError("the caller's transaction fails")

    assert Application.objects.filter(pk=application.pk).exists()
    assert all(f.exists() for f in files)


def test_a_fresh_draft_without_a_dossier_can_be_deleted(world: World) -> None:
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)

    delete_draft(actor=world.applicant, application=application)

    assert not Application.objects.filter(pk=application.pk).exists()
