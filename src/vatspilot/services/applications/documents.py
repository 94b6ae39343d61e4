"""Uploading dossier documents: what is accepted, and how each new version is kept.

Who may upload, and when, is checked here too (check_may_upload: a member of the applicant organisation,
while the dossier may change), for the web page and for the services alike.
A file is accepted when its bytes are one of the types below (its name's extension must agree with
them: a PNG named .pdf is refused), it is not empty and not larger than
settings.VATSPILOT_MAX_UPLOAD_BYTES. Office files are ZIP archives: a DOCX and an XLSX are told apart
by the main part their [Content_Types].xml declares and the word/ or xl/ members they carry.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.domain.applications import DOSSIER_EDITABLE_STATES
from vatspilot.services.vocabulary import label
from vatspilot.store.access import is_member
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Application, Document, DocumentKind, DocumentVersion

MAX_NAME_LENGTH = 120
_CONTENT_TYPES_LIMIT = 1024 * 1024  # [Content_Types].xml is a few KiB; refuse to inflate more


@dataclass(frozen=True, slots=True)
class FileType:
    extension: str
    content_type: str
    extensions: frozenset[str]


PDF = FileType("pdf", "application/pdf", frozenset({"pdf"}))
PNG = FileType("png", "image/png", frozenset({"png"}))
JPEG = FileType("jpg", "image/jpeg", frozenset({"jpg", "jpeg"}))
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"}))
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"}))
# Every type a document may be kept as (what a download answers with).
ACCEPTED_TYPES = (PDF, PNG, JPEG, DOCX, XLSX)

_OFFICE_MAIN_PARTS = {
    # main part content type -> (file type, folder its parts live in)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (DOCX, "word/"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (XLSX, "xl/"),
}


class UploadRejected(Exception):
    """An upload refused, naming the form field, a stable code and a message for the user."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(field, code, message)
        self.field = field
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message} ({self.code})"


def add_document_version(
    *,
    actor: User,
    application: Application,
    kind: str,
    uploaded_file: UploadedFile[bytes],
    field: str = "file",
) -> DocumentVersion:
    """Check ``uploaded_file`` and keep it as the next version of the application's ``kind`` document.

    Only a member of the applicant organisation may upload (PermissionDenied otherwise), and only while
    the dossier may change (a draft, or a supplement request open): the application row is locked and
    its status read under the lock, so a submission cannot slip between the check and the write. Raises
    UploadRejected naming ``field`` (or "kind") when the file or kind is refused. The version row and
    its audit entry are written in one transaction; if either fails, the stored file is removed again.
    (Should an enclosing transaction roll back later, the file stays on disk unreferenced, named by
    its hash.)
    """
    if kind not in DocumentKind.values:
        raise UploadRejected("kind", "invalid_kind", _("Choose one of the listed document kinds."))
    _check_member(actor, application)
    file_type, sha256, size = inspect_upload(uploaded_file, field=field)
    original_name = (uploaded_file.name or "").replace("\x00", "")  # PostgreSQL text refuses NUL
    sanitised = sanitise_file_name(original_name)

    with transaction.atomic():
        status = Application.objects.select_for_update().values_list("status", flat=True).get(pk=application.pk)
        _check_dossier_open(status)
        document, _created = Document.objects.get_or_create(application=application, kind=kind)
        # Lock the document so that two uploads of the same kind get consecutive numbers.
        document = Document.objects.select_for_update().get(pk=document.pk)
        latest = document.versions.order_by("-number").values_list("number", flat=True).first()
        version = DocumentVersion(
            document=document,
            number=(latest or 0) + 1,
            sha256=sha256,
            size=size,
            content_type=file_type.content_type,
            original_name=original_name[:255],
            sanitised_name=sanitised,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        uploaded_file.seek(0)
        version.file.save(f"v{version.number}-{sha256[:16]}.{file_type.extension}", uploaded_file, save=False)
        try:
            version.save()
            record_audit(
                actor=actor,
                action="document.version_added",
                obj=version,
                before=None,
                after={
                    "application": application.pk,
                    "kind": kind,
                    "number": version.number,
                    "name": sanitised,
                    "sha256": sha256,
                    "size": size,
                    "content_type": file_type.content_type,
                },
            )
        except BaseException:
            version.file.delete(save=False)
            raise
    return version


def check_may_upload(actor: User, application: Application) -> None:
    """Whether ``actor`` may upload to ``application``'s dossier now, as the page shows it: PermissionDenied
    for anyone but a member of the applicant organisation, UploadRejected ("kind", "dossier_locked")
    while the dossier may not change. The page asks before reading the form; add_document_version asks
    again, the status then read under the row lock."""
    _check_member(actor, application)
    _check_dossier_open(application.status)


def _check_member(actor: User, application: Application) -> None:
    if not is_member(actor, application):
        raise PermissionDenied(_("Only the applicant's members upload its documents."))


def _check_dossier_open(status: str) -> None:
    if status not in DOSSIER_EDITABLE_STATES:
        raise UploadRejected(
            "kind",
            "dossier_locked",
            _("The dossier cannot be changed while the application is %(state)s.") % {"state": label("state", status)},
        )


def inspect_upload(uploaded_file: IO[bytes] | UploadedFile[bytes], *, field: str = "file") -> tuple[FileType, str, int]:
    """The file's type (from its bytes and name), SHA-256 hex digest and size, or UploadRejected."""
    limit = settings.VATSPILOT_MAX_UPLOAD_BYTES
    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > limit:
        raise _too_large(field, limit)
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    head = b""
    for chunk in _chunks(uploaded_file):
        if not head:
            head = chunk[:8]
        size += len(chunk)
        if size > limit:
            raise _too_large(field, limit)
        digest.update(chunk)
    if size == 0:
        raise UploadRejected(field, "empty", _("The file is empty."))
    file_type = _sniff(head, uploaded_file, field)
    name = getattr(uploaded_file, "name", "") or ""
    extension = posixpath.splitext(_base_name(name))[1].lstrip(".").lower()
    if extension not in file_type.extensions:
        raise UploadRejected(
            field,
            "extension_mismatch",
            _("The file's name does not match its content: rename it to end in .%(extension)s.")
            % {"extension": file_type.extension},
        )
    return file_type, digest.hexdigest(), size


def sanitise_file_name(name: str) -> str:
    """A file name safe to show and to offer for download: no folders, no control or formatting
    characters (such as right-to-left overrides), no characters Windows forbids, at most
    MAX_NAME_LENGTH characters with the extension kept. Chinese and other letters are kept."""
    name = unicodedata.normalize("NFC", _base_name(name))
    # Tabs, newlines and wide spaces become one space before the controls go (\x1c-\x1f count as
    # whitespace to Python but are separators, removed with the other controls).
    name = re.sub(r"(?:(?![\x1c-\x1f])\s)+", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    stem, extension = posixpath.splitext(name)
    if len(extension) > 16:  # not an extension, only a dot inside a long name
        stem, extension = name, ""
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") or "document"
    return stem + extension


def _base_name(name: str) -> str:
    # Browsers on Windows have sent full paths with backslashes.
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _chunks(uploaded_file: Any) -> Any:
    if hasattr(uploaded_file, "chunks"):
        yield from uploaded_file.chunks()
        return
    while chunk := uploaded_file.read(64 * 1024):
        yield chunk


def _sniff(head: bytes, uploaded_file: Any, field: str) -> FileType:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        office = _office_type(uploaded_file)
        if office is not None:
            return office
    raise UploadRejected(field, "unsupported_type", _("Upload a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file."))


def _office_type(uploaded_file: Any) -> FileType | None:
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > _CONTENT_TYPES_LIMIT:
                return None
            content_types = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return None
    found = [
        (file_type, folder)
        for main_part, (file_type, folder) in _OFFICE_MAIN_PARTS.items()
        if main_part in content_types
    ]
    if len(found) != 1:
        return None
    file_type, folder = found[0]
    return file_type if any(name.startswith(folder) for name in names) else None


def _too_large(field: str, limit: int) -> UploadRejected:
    return UploadRejected(
        field,
        "too_large",
        _("The file is larger than %(size)s MiB.") % {"size": f"{limit / (1024 * 1024):g}"},
    )
