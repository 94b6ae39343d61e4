"""The applicant's side of /api/v1/applications: opening a draft, filling its dossier, uploading its
documents, reading the checklist, and deleting a draft never submitted. Submitting is an action
(application_actions.py: POST /applications/{id}/actions/submit).

Each operation calls the service the web's pages call (services.applications: create_application,
update_dossier, delete_draft; services.applications.documents: add_document_version), so the rules are
the same ones: only a member of the applying organisation may open, fill, upload or delete; the dossier
changes only in a draft or while a supplement is requested; every change is audited in its transaction.
The application is fetched through store.access: missing and not yours are the same 404.

Opening (POST "") and deleting (DELETE "/{id}") share their paths with the list and the detail of
applications.py; Django routes one path to one router's view, so those two operations are added to that
router (``applications_router``) when this module is imported. The rest are on ``router`` here.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from config.downloads import stored_download
from vatspilot.api.problems import FieldProblem
from vatspilot.api.routers.applications import ERRORS, detail_payload
from vatspilot.api.routers.applications import router as applications_router
from vatspilot.api.schemas import (
    ApplicationCreateIn,
    ApplicationOut,
    ChecklistItemOut,
    DocumentVersionOut,
    DossierIn,
    ProblemOut,
)
from vatspilot.queries.application_detail import DocumentRow, document_rows
from vatspilot.services.applications import ActionRefused, create_application, update_dossier
from vatspilot.services.applications.documents import (
    ACCEPTED_TYPES,
    UploadRejected,
    add_document_version,
    check_may_upload,
)
from vatspilot.services.applications.drafts import delete_draft
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound, access_application, access_document_version, access_organisation
from vatspilot.store.models import Application, DocumentKind, DocumentVersion, Organisation

router = Router(tags=["applications"])

# 400: a body the strict JSON reader refuses, or a malformed Idempotency-Key.
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 400: ProblemOut, 409: ProblemOut, 413: ProblemOut, 429: ProblemOut}
# The dossier's ownership is the profile contract's "shareholders": a refusal located there by the
# engine ("/shareholders/0/percent") is named by the body's field ("/ownership/0/percent").
_PROFILE_TO_BODY = {"/shareholders": "/ownership"}


def _caller(request: HttpRequest) -> User:
    """The signed-in caller (every operation here requires authentication: the API's default)."""
    return cast(User, request.user)


def _location(application: Application) -> str:
    return f"/api/v1/applications/{application.pk}"


def _organisation_for(user: User, organisation_id: int | None) -> Organisation:
    """The organisation named, if the caller may see it (else 404); without one, the caller's only one."""
    if organisation_id is not None:
        return access_organisation(user, organisation_id)
    own = list(Organisation.objects.filter(memberships__user=user).order_by("pk")[:2])
    if len(own) != 1:
        raise FieldProblem(
            "organisation",
            "required",
            _("You belong to several organisations, or to none: name the organisation applying."),
        )
    return own[0]


@applications_router.post(
    "",
    response={201: ApplicationOut, **WRITE_ERRORS},
    summary="Open a draft application",
    description=(
        "A new draft for your organisation (`organisation`, or your only one), with an empty dossier. "
        "201 with the application and its address in Location. Send an Idempotency-Key so that a retry "
        "opens one draft, not two. 403 (code not-a-member) when you are not a member of the organisation."
    ),
)
def open_application(request: HttpRequest, response: HttpResponse, payload: ApplicationCreateIn) -> Any:
    user = _caller(request)
    organisation = _organisation_for(user, payload.organisation)
    application = create_application(actor=user, organisation=organisation, on=legal_today())
    response["Location"] = _location(application)
    return Status(201, detail_payload(user, access_application(user, application.pk)))


@applications_router.delete(
    "/{int:application_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a draft never submitted",
    description=(
        "The draft and its uploaded documents are deleted (the audit trail keeps what was deleted). 422 "
        "when the application was ever submitted (withdraw it instead); 403 (code not-a-member) when you are "
        "not a member of the applying organisation; 409 when expected_version is given and the application "
        "changed since."
    ),
)
def delete_application(request: HttpRequest, application_id: int, expected_version: int | None = None) -> Any:
    user = _caller(request)
    application = access_application(user, application_id)
    delete_draft(actor=user, application=application, expected_version=expected_version)
    return Status(204, None)


def _body_refusal(refusal: ActionRefused) -> ActionRefused:
    """The refusal as the body names its fields: the engine's pointers are into the profile."""
    pointer = str(refusal.params.get("pointer") or "")
    for profile_member, body_member in _PROFILE_TO_BODY.items():
        if pointer == profile_member or pointer.startswith(profile_member + "/"):
            renamed = body_member + pointer[len(profile_member) :]
            message = refusal.message
            if message.startswith(pointer):
                message = renamed + message[len(pointer) :]
            return ActionRefused(refusal.code, message, **{**refusal.params, "pointer": renamed})
    return refusal


@router.put(
    "/{int:application_id}/dossier",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="Replace the dossier",
    description=(
        "The ownership, services, service area and dishonest-list answer, replaced whole; the eligibility "
        "determination is recomputed and returned with the application. Only in a draft or while a "
        "supplement is requested, and only by a member of the applying organisation. A dossier the "
        "engine cannot judge is refused whole (422, `field` the JSON pointer of the part at fault, "
        "such as /ownership/0/percent); nothing is saved. 409 when expected_version is given and the "
        "application changed since."
    ),
)
def put_dossier(request: HttpRequest, application_id: int, payload: DossierIn) -> Any:
    user = _caller(request)
    application = access_application(user, application_id)
    try:
        update_dossier(
            actor=user,
            application=application,
            on=legal_today(),
            ownership=payload.ownership,
            services=payload.services,
            service_area=payload.service_area,
            dishonest_list=payload.dishonest_list,
            expected_version=payload.expected_version,
        )
    except ActionRefused as refusal:
        raise _body_refusal(refusal) from None
    return detail_payload(user, access_application(user, application.pk))


def _version(version: DocumentVersion, kind: str) -> dict[str, Any]:
    return {
        "id": version.pk,
        "kind": kind,
        "number": version.number,
        "name": version.sanitised_name,
        "content_type": version.content_type,
        "size": version.size,
        "sha256": version.sha256,
        "uploaded_at": version.uploaded_at,
        "uploaded_by": version.uploaded_by.get_username() if version.uploaded_by_id else None,
    }


def _checklist_item(row: DocumentRow) -> dict[str, Any]:
    item = row.item
    return {
        "kind": item.kind,
        "label": item.label,
        "required": item.required,
        "present": item.present,
        "versions": [_version(version, item.kind) for version in row.versions],
    }


@router.get(
    "/{int:application_id}/documents",
    response={200: list[ChecklistItemOut], **ERRORS},
    summary="The document checklist",
    description=(
        "The documents the determination requires, then any other kind uploaded, each with whether it is "
        "present and every version uploaded (newest first)."
    ),
)
def list_documents(request: HttpRequest, application_id: int) -> Any:
    application = access_application(_caller(request), application_id)
    return [_checklist_item(row) for row in document_rows(application)]


# The upload's form, read here rather than by django-ninja's Form/File parameters, so that a missing or
# wrong part is named as the form names it (/kind, /file), like every other field of the API.
UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["kind", "file"],
                "properties": {
                    "kind": {"type": "string", "enum": list(DocumentKind.values)},
                    "file": {"type": "string", "format": "binary"},
                },
            }
        }
    },
}


DOCUMENT_TYPES = tuple(kind.content_type for kind in ACCEPTED_TYPES)


@router.get(
    "/{int:application_id}/documents/{int:version_id}",
    response={200: None, **ERRORS},
    summary="Download a document",
    description=(
        "One uploaded version of a document (its id is in the checklist's `versions`), as uploaded, with "
        "its content type, as an attachment. Whoever may see the application (the applying organisation's "
        "members and the officials reviewing it); 404 otherwise, and for a version of another application."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with the content type it was accepted as.",
                "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in DOCUMENT_TYPES},
            }
        }
    },
)
def download_document(request: HttpRequest, application_id: int, version_id: int) -> Any:
    version = access_document_version(request.user, version_id)
    if version.document.application_id != application_id:
        raise NotFound("document version not found")
    return stored_download(
        version.file, filename=version.sanitised_name, content_type=version.content_type, what="document version"
    )


@router.post(
    "/{int:application_id}/documents",
    response={201: DocumentVersionOut, **WRITE_ERRORS},
    summary="Upload a document",
    description=(
        "multipart/form-data with `kind` (one of the checklist's kinds) and `file`: a PDF, PNG, JPEG, Word "
        "(.docx) or Excel (.xlsx) file whose name's extension matches its content, not empty, at most the "
        "site's upload limit (VATSPILOT_MAX_UPLOAD_BYTES, 20 MiB unless configured; a larger body is a "
        "413). Kept as the next version of that kind. Only a member of the applying organisation (403 "
        "otherwise), and only while the dossier may change (422, field /kind)."
    ),
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def upload_document(request: HttpRequest, application_id: int) -> Any:
    user = _caller(request)
    application = access_application(user, application_id)
    kind = request.POST.get("kind", "")
    file = request.FILES.get("file")
    try:
        check_may_upload(user, application)
        if not kind:
            raise UploadRejected("kind", "required", _("Choose one of the listed document kinds."))
        if file is None:
            raise UploadRejected("file", "required", _("Send the document as the form's file part."))
        version = add_document_version(actor=user, application=application, kind=kind, uploaded_file=file)
    except UploadRejected as rejection:
        raise FieldProblem(rejection.field, rejection.code, rejection.message) from None
    return Status(201, _version(version, kind))
