"""Who may upload and when is checked once (services.applications.documents.check_may_upload): the
upload page and the service refuse alike, in the same words."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pilot_world import PDF, World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.services.applications.documents import UploadRejected, add_document_version, check_may_upload
from vatspilot.store.models import DocumentVersion

LOCKED = "The dossier cannot be changed while the application is Submitted: formal review."


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")


def test_the_page_refuses_a_locked_dossier_before_reading_the_file(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = DocumentVersion.objects.filter(document__application=application).count()
    client = client_for(world.applicant)

    response = client.post(reverse("web:upload", args=[application.pk]), {"kind": "business-plan", "file": _file()})

    assert response.status_code == 302
    page = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert LOCKED in page
    assert DocumentVersion.objects.filter(document__application=application).count() == before


def test_the_service_refuses_a_locked_dossier_in_the_same_words(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    with pytest.raises(UploadRejected) as checked:
        check_may_upload(world.applicant, application)
    with pytest.raises(UploadRejected) as uploaded:
        add_document_version(
            actor=world.applicant, application=application, kind="business-plan", uploaded_file=_file()
        )

    assert (checked.value.field, checked.value.code, checked.value.message) == ("kind", "dossier_locked", LOCKED)
    assert (uploaded.value.field, uploaded.value.code, uploaded.value.message) == ("kind", "dossier_locked", LOCKED)


def test_only_a_member_uploads_for_the_page_and_the_service_alike(world: World) -> None:
    application = world.new_application()
    officer = world.users[Role.LOCAL_OFFICER]

    with pytest.raises(PermissionDenied) as checked:
        check_may_upload(officer, application)
    with pytest.raises(PermissionDenied) as uploaded:
        add_document_version(actor=officer, application=application, kind="business-plan", uploaded_file=_file())

    assert str(checked.value) == str(uploaded.value) == "Only the applicant's members upload its documents."
    check_may_upload(world.applicant, application)  # a member, on a draft: allowed (no exception)
