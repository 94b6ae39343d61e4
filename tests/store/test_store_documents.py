"""Uploads: accepted types by their bytes, refusals naming the field, names made safe, versions kept."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.store import store_samples as samples
from vatspilot.services.applications.documents import (
    MAX_NAME_LENGTH,
    UploadRejected,
    add_document_version,
    sanitise_file_name,
)
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Document, DocumentVersion, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant, make_application):
    user, organisation = applicant
    return user, make_application(organisation)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's content type is whatever the client says: the checks never trust it.
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "build", "content_type", "extension"),
    [
        ("营业执照.pdf", samples.pdf, "application/pdf", "pdf"),
        ("topology.PNG", samples.png, "image/png", "png"),
        ("scan.jpg", samples.jpeg, "image/jpeg", "jpg"),
        ("scan.jpeg", samples.jpeg, "image/jpeg", "jpg"),
        (
            "plan.docx",
            samples.docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        ("plan.xlsx", samples.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ],
)
def test_each_accepted_type_is_kept_with_its_hash_size_and_type(draft, name, build, content_type, extension):
    user, application = draft
    content = build()

    version = add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload(name, content)
    )

    version.refresh_from_db()
    sha256 = hashlib.sha256(content).hexdigest()
    assert (version.number, version.content_type, version.size, version.sha256) == (
        1,
        content_type,
        len(content),
        sha256,
    )
    assert (version.original_name, version.sanitised_name, version.uploaded_by) == (name, name, user)
    assert version.file.name == f"documents/{application.pk}/business-plan/v1-{sha256[:16]}.{extension}"
    with version.file.open("rb") as stored:
        assert stored.read() == content


def test_the_sha256_is_exact_across_chunk_boundaries(draft):
    user, application = draft
    content = samples.pdf() + b"%" + b"x" * (300 * 1024) + b"\n"  # several upload chunks

    version = add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload("big.pdf", content)
    )

    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)


def rejection(draft, name: str, content: bytes, kind: str = "business-plan") -> tuple[str, str]:
    user, application = draft
    with pytest.raises(UploadRejected) as error:
        add_document_version(actor=user, application=application, kind=kind, uploaded_file=upload(name, content))
    assert Document.objects.count() == DocumentVersion.objects.count() == AuditEntry.objects.count() == 0
    assert error.value.message
    return error.value.field, error.value.code


def test_a_png_named_pdf_is_refused(draft):
    assert rejection(draft, "licence.pdf", samples.png()) == ("file", "extension_mismatch")


def test_a_docx_named_xlsx_is_refused(draft):
    assert rejection(draft, "sheet.xlsx", samples.docx()) == ("file", "extension_mismatch")


def test_a_file_without_extension_is_refused(draft):
    assert rejection(draft, "licence", samples.pdf()) == ("file", "extension_mismatch")


def test_a_zip_that_is_neither_docx_nor_xlsx_is_refused(draft):
    assert rejection(draft, "plan.docx", samples.plain_zip()) == ("file", "unsupported_type")


@pytest.mark.parametrize("content", [b"just text", b"PK\x03\x04 broken zip", b"\x00" * 16, b"GIF89a...."])
def test_other_content_is_refused(draft, content):
    assert rejection(draft, "plan.pdf", content) == ("file", "unsupported_type")


def test_an_empty_file_is_refused(draft):
    assert rejection(draft, "plan.pdf", b"") == ("file", "empty")


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted(draft, settings):
    user, application = draft
    content = samples.pdf()
    settings.VATSPILOT_MAX_UPLOAD_BYTES = len(content)

    add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload("a.pdf", content)
    )
    with pytest.raises(UploadRejected) as error:
        add_document_version(
            actor=user,
            application=application,
            kind="business-plan",
            uploaded_file=upload("b.pdf", content + b"\n"),
        )

    assert (error.value.field, error.value.code) == ("file", "too_large")
    assert DocumentVersion.objects.count() == 1


def test_the_default_limit_is_20_mib(settings):
    assert settings.VATSPILOT_MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_an_unknown_kind_is_refused_naming_the_kind_field(draft):
    assert rejection(draft, "plan.pdf", samples.pdf(), kind="selfie") == ("kind", "invalid_kind")


def test_the_caller_names_the_form_field(draft):
    user, application = draft
    with pytest.raises(UploadRejected) as error:
        add_document_version(
            actor=user,
            application=application,
            kind="business-plan",
            uploaded_file=upload("x.pdf", samples.png()),
            field="business_plan_file",
        )
    assert error.value.field == "business_plan_file"


def test_only_members_of_the_organisation_upload(draft, make_user):
    _member, application = draft
    officer = make_user("officer", Role.LOCAL_OFFICER, jurisdictions=["310000"])

    with pytest.raises(PermissionDenied):
        add_document_version(
            actor=officer,
            application=application,
            kind="business-plan",
            uploaded_file=upload("plan.pdf", samples.pdf()),
        )
    assert DocumentVersion.objects.count() == AuditEntry.objects.count() == 0


def test_a_new_upload_adds_a_version_and_keeps_the_old_one(draft):
    user, application = draft
    first = add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload("v1.pdf", samples.pdf())
    )
    second = add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload("v2.docx", samples.docx())
    )

    document = Document.objects.get()
    assert [v.number for v in document.versions.all()] == [1, 2]
    assert document.current_version == second
    assert first.file.storage.exists(first.file.name) and second.file.storage.exists(second.file.name)
    assert (first.sanitised_name, second.sanitised_name) == ("v1.pdf", "v2.docx")


def test_each_upload_writes_its_audit_entry(draft):
    user, application = draft
    version = add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload("plan.pdf", samples.pdf())
    )

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "document.version_added",
        user,
        "store.documentversion",
        str(version.pk),
    )
    assert entry.after == {
        "application": application.pk,
        "kind": "business-plan",
        "number": 1,
        "name": "plan.pdf",
        "sha256": version.sha256,
        "size": version.size,
        "content_type": "application/pdf",
    }
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\张三\\Desktop\\营业执照.pdf", "营业执照.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("report\x00\x1f\u202egnp.pdf", "reportgnp.pdf"),  # controls and a right-to-left override
        ('a<b>:c"d|e?f*.pdf', "a_b__c_d_e_f_.pdf"),
        ("  .hidden  plan .pdf ", "hidden plan.pdf"),
        ("", "document"),
        ("....", "document"),
        ("业务\t发展\n计划.docx", "业务 发展 计划.docx"),
    ],
)
def test_file_names_are_sanitised(given, kept):
    assert sanitise_file_name(given) == kept


def test_a_long_name_is_cut_keeping_its_extension():
    name = sanitise_file_name("长" * 300 + ".pdf")

    assert len(name) == MAX_NAME_LENGTH
    assert name == "长" * (MAX_NAME_LENGTH - 4) + ".pdf"


def test_names_are_stored_in_composed_unicode():
    decomposed = unicodedata.normalize("NFD", "résumé.pdf")

    assert sanitise_file_name(decomposed) == unicodedata.normalize("NFC", "résumé.pdf")


@pytest.mark.parametrize("status", ["submitted", "ministerial_review", "approved", "withdrawn"])
def test_documents_cannot_change_once_submitted_unless_a_supplement_is_open(applicant, make_application, status):
    user, organisation = applicant
    application = make_application(organisation, status=status)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(UploadRejected) as rejected:
        add_document_version(
            actor=user, application=application, kind="business-plan", uploaded_file=upload("plan.pdf", samples.pdf())
        )
    assert (rejected.value.field, rejected.value.code) == ("kind", "dossier_locked")
    assert (Document.objects.count(), DocumentVersion.objects.count(), AuditEntry.objects.count()) == (
        0,
        0,
        audit_before,
    )


@pytest.mark.parametrize("status", ["draft", "formal_supplement", "ministerial_supplement"])
def test_documents_can_change_in_a_draft_or_while_a_supplement_is_open(applicant, make_application, status):
    user, organisation = applicant
    application = make_application(organisation, status=status)
    version = add_document_version(
        actor=user, application=application, kind="business-plan", uploaded_file=upload("plan.pdf", samples.pdf())
    )
    assert version.number == 1
