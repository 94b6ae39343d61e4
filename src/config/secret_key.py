"""The secret key when the environment gives none: generated once, kept in a file only its owner may
read, and the same key on every later start (sessions and signed links survive a restart).

Two processes starting at once (Gunicorn's workers) must agree on one key: the key is written to a
temporary file and linked into place, which fails for every process but the first; the others read
the winner's file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 50  # Django's deploy check asks for at least 50 characters; token_urlsafe(50) gives 67


def stored_secret_key(path: Path) -> str:
    """The key kept at ``path``, created (mode 0600) if missing. ImproperlyConfigured when the file
    can be read by others or is empty: a leaked key forges sessions, so it is not used silently."""
    if not path.exists():
        try:
            _create(path)
        except OSError as error:
            raise ImproperlyConfigured(
                f"cannot create the secret key file {path} ({error.strerror}): set SECRET_KEY, or "
                "VATSPILOT_SECRET_KEY_FILE to a writable place."
            ) from None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} holds the secret key but other users may read it (mode {mode:04o}): run chmod 600 on it."
        )
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it to have a new secret key generated.")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(KEY_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):  # another process was first: its key is the key
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
