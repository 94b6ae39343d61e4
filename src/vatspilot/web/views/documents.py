"""Uploading a dossier document, and downloading one. Files are only ever served here, after the
access check: MEDIA_URL is not routed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.downloads import stored_download
from vatspilot.services.applications.documents import UploadRejected, add_document_version, check_may_upload
from vatspilot.services.vocabulary import label
from vatspilot.store.access import access_application, access_document_version
from vatspilot.web.forms import UploadForm


@login_required
@require_POST
def upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    back = redirect("web:dossier", application_id=application.pk)
    try:
        check_may_upload(request.user, application)  # before the form: a locked dossier takes no file
    except UploadRejected as rejection:
        messages.error(request, rejection.message)
        return back
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    kind = form.cleaned_data["kind"]
    try:
        version = add_document_version(
            actor=request.user, application=application, kind=kind, uploaded_file=form.cleaned_data["file"]
        )
    except UploadRejected as rejection:
        messages.error(
            request,
            _("%(document)s: %(problem)s") % {"document": label("document", kind), "problem": rejection.message},
        )
        return back
    messages.success(
        request,
        _("%(document)s: version %(number)s uploaded (%(name)s).")
        % {"document": label("document", kind), "number": version.number, "name": version.sanitised_name},
    )
    return back


@login_required
@require_GET
def download(request: HttpRequest, version_id: int) -> FileResponse:
    version = access_document_version(request.user, version_id)
    return stored_download(
        version.file, filename=version.sanitised_name, content_type=version.content_type, what="document version"
    )
