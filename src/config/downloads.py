"""A private file answered as a download, alike on the pages and in the API: a dossier's document, a
finding's evidence, a licence's certificate. Never cached (``private, no-store``): each download is
checked against who asks, and a shared cache would hand it to the next asker."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse

from vatspilot.store.access import NotFound


def stored_download(file: FieldFile, *, filename: str, content_type: str, what: str) -> FileResponse:
    """``file`` as an attachment named ``filename``; NotFound ("<what> not found", as for a record one may
    not see) when the stored file is gone."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise NotFound(f"{what} not found") from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def made_download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """``content``, made for this request (a signed certificate), as an attachment named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
