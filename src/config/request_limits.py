"""How large a request may be. Django itself refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, uploaded
files aside; this upload handler is the cap on uploaded files, enforced while they stream in.

Without it an upload is written to a temporary file in full, however large, before the document
service measures it. Here a request whose declared length already exceeds the cap is refused before a
byte is read, and a file is stopped at the first chunk past VATSPILOT_MAX_UPLOAD_BYTES. Both raise
UploadTooLarge, a RequestDataTooBig, which the site answers with 413 (config/error_views.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """An uploaded file, or the whole multipart body, is over the cap."""


class CappedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: it sees every chunk before the handlers that keep it."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        # Room for the form's other fields and the multipart framing besides the file itself.
        limit = settings.VATSPILOT_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if content_length > limit:
            raise UploadTooLarge(f"multipart body of {content_length} bytes, over {limit}")

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.VATSPILOT_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(f"uploaded file over {settings.VATSPILOT_MAX_UPLOAD_BYTES} bytes")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file
