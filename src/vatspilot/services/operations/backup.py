"""`vatspilot backup` and `vatspilot restore`: the database and the files the platform keeps, in one tar
archive with a manifest of every part's SHA-256.

The archive (a plain tar: the PostgreSQL dump is compressed already, and documents mostly are):

- ``manifest.json``: {"format": "vatspilot-backup", "version": 1, "created_at", "database": {"vendor",
  "method", "part"}, "parts": [{"name", "sha256", "size"}, ...]};
- ``database.sqlite3`` (SQLite's online backup) or ``database.pgdump`` (pg_dump's custom format), see
  store.database_dump;
- ``files/media/...`` (MEDIA_ROOT: the dossiers' documents), ``files/reports/...``
  (VATSPILOT_REPORT_DIR: the reports' kept and staged uploads) and ``files/calendar/...``
  (VATSPILOT_CALENDAR_DIR: the working-day years an administrator added).

Not in it: the secret key, the certificate signing key (VATSPILOT_SIGNING_KEY_DIR) and the environment.
They are secrets, kept and backed up apart from the data (docs/deploy.md).

The database is dumped first, then the files: a document is written before the row naming it commits,
so every file the dumped rows name is in the archive (a file written after the dump is in it too, and
harmless).

A restore reads and checks the whole archive before it changes anything: every part the manifest lists
must be there with its size and SHA-256, and nothing else may be; a mismatch refuses the archive. It
goes only into an empty database (no table) and empty folders, then verifies the audit chain.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings

from vatspilot.store.audit import VerifyResult, verify_chain
from vatspilot.store.database_dump import (
    DUMP_NAMES,
    METHODS,
    DumpFailed,
    database_is_empty,
    dump_database,
    restore_database,
    vendor,
)

__all__ = [
    "FOLDERS",
    "FORMAT",
    "MANIFEST",
    "BackupRefused",
    "BackupSummary",
    "Part",
    "RestoreSummary",
    "create_backup",
    "restore_backup",
]

FORMAT = "vatspilot-backup"
VERSION = 1
MANIFEST = "manifest.json"
# The folders kept with the database: the archive's name for each and the setting that says where it is.
FOLDERS: dict[str, str] = {
    "media": "MEDIA_ROOT",
    "reports": "VATSPILOT_REPORT_DIR",
    "calendar": "VATSPILOT_CALENDAR_DIR",
}
_CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupRefused(Exception):
    """Nothing was written or restored: ``code`` says why, ``params`` fill the message the CLI shows."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Part:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class BackupSummary:
    archive: Path
    vendor: str
    method: str
    parts: tuple[Part, ...]

    @property
    def files(self) -> int:
        return sum(1 for part in self.parts if part.name.startswith("files/"))


@dataclass(frozen=True)
class RestoreSummary:
    vendor: str
    files: int
    chain: VerifyResult
    folders: dict[str, Path] = field(default_factory=dict)


def _folder(name: str) -> Path:
    return Path(getattr(settings, FOLDERS[name]))


def _hash_into(source: IO[bytes], out: IO[bytes] | None = None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest(), size


def _files_of(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _add(archive: tarfile.TarFile, name: str, path: Path) -> Part:
    """Add the file at ``path`` as ``name``, hashing exactly the bytes added."""
    with path.open("rb") as handle:
        sha256, size = _hash_into(handle)
        handle.seek(0)
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(path.stat().st_mtime)
        info.mode = 0o600
        archive.addfile(info, handle)
    return Part(name=name, sha256=sha256, size=size)


def create_backup(out: Path, *, now: datetime) -> BackupSummary:
    """Write the archive to ``out`` (which must not exist); ``now`` is written as its creation time."""
    if out.exists():
        raise BackupRefused("exists", path=str(out))
    kind = vendor()
    if kind not in METHODS:
        raise BackupRefused("dump-failed", detail=f"no backup for a {kind} database")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(prefix="vatspilot-backup-") as scratch:
        dump = Path(scratch) / DUMP_NAMES[kind]
        try:
            method = dump_database(dump)
        except DumpFailed as failed:
            raise BackupRefused("dump-failed", detail=str(failed)) from None
        parts: list[Part] = []
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                # The manifest goes last in the file but is listed first by name on restore; parts first,
                # so that it holds the hashes of exactly the bytes written.
                parts.append(_add(archive, DUMP_NAMES[kind], dump))
                for folder in FOLDERS:
                    root = _folder(folder)
                    for path in _files_of(root):
                        parts.append(_add(archive, f"files/{folder}/{path.relative_to(root).as_posix()}", path))
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                    "database": {"vendor": kind, "method": method, "part": DUMP_NAMES[kind]},
                    "parts": [{"name": p.name, "sha256": p.sha256, "size": p.size} for p in parts],
                }
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(archive=out, vendor=kind, method=method, parts=tuple(parts))


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return False
    if name in DUMP_NAMES.values():
        return True
    return len(path.parts) >= 3 and path.parts[0] == "files" and path.parts[1] in FOLDERS


def _manifest(archive: tarfile.TarFile) -> tuple[dict[str, Any], dict[str, Part]]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupRefused("no-manifest") from None
    handle = archive.extractfile(member)
    if handle is None or member.size > 64 * 1024 * 1024:
        raise BackupRefused("bad-manifest", detail="not a file")
    try:
        manifest = json.loads(handle.read())
    except ValueError:
        raise BackupRefused("bad-manifest", detail="not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupRefused("bad-manifest", detail=f"not a {FORMAT} version {VERSION}")
    database = manifest.get("database")
    raw_parts = manifest.get("parts")
    if not isinstance(database, dict) or not isinstance(raw_parts, list):
        raise BackupRefused("bad-manifest", detail="database or parts missing")
    parts: dict[str, Part] = {}
    for raw in raw_parts:
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("name"), str)
            or not isinstance(raw.get("sha256"), str)
            or not _SHA256.fullmatch(raw["sha256"])
            or type(raw.get("size")) is not int
            or not _safe_name(raw["name"])
            or raw["name"] in parts
        ):
            raise BackupRefused("bad-manifest", detail=f"part {json.dumps(raw, ensure_ascii=False)[:120]}")
        parts[raw["name"]] = Part(name=raw["name"], sha256=raw["sha256"], size=raw["size"])
    if database.get("method") not in METHODS.values() or database.get("part") not in parts:
        raise BackupRefused("bad-manifest", detail="database part")
    return database, parts


def _check_and_extract(archive: tarfile.TarFile, parts: dict[str, Part], into: Path) -> None:
    """Every member against the manifest, each copied under ``into`` while it is hashed."""
    seen: set[str] = set()
    for member in archive.getmembers():
        if member.name == MANIFEST:
            continue
        if member.name not in parts or member.name in seen:
            raise BackupRefused("mismatch", name=member.name, problem="not-listed")
        if not member.isfile():
            raise BackupRefused("mismatch", name=member.name, problem="not-a-file")
        seen.add(member.name)
        source = archive.extractfile(member)
        assert source is not None  # a regular file
        target = into / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            sha256, size = _hash_into(source, out)
        expected = parts[member.name]
        if size != expected.size:
            raise BackupRefused("mismatch", name=member.name, problem="size")
        if sha256 != expected.sha256:
            raise BackupRefused("mismatch", name=member.name, problem="sha256")
    for name in parts:
        if name not in seen:
            raise BackupRefused("mismatch", name=name, problem="missing")


def restore_backup(path: Path) -> RestoreSummary:
    """Check ``path`` whole, then restore it into the empty database and folders and verify the chain."""
    if not path.is_file():
        raise BackupRefused("not-an-archive", path=str(path), detail="no such file")
    with tempfile.TemporaryDirectory(prefix="vatspilot-restore-") as scratch:
        into = Path(scratch)
        try:
            with tarfile.open(path, "r:*") as archive:
                database, parts = _manifest(archive)
                _check_and_extract(archive, parts, into)
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupRefused("not-an-archive", path=str(path), detail=type(error).__name__) from None
        kind = vendor()
        if METHODS.get(kind) != database["method"]:
            raise BackupRefused("wrong-database", method=str(database["method"]), vendor=kind)
        if not database_is_empty():
            raise BackupRefused("database-not-empty")
        folders = {name: _folder(name) for name in FOLDERS}
        for name, root in folders.items():
            if any(True for _ in _files_of(root)):
                raise BackupRefused("folder-not-empty", folder=FOLDERS[name], path=str(root))
        try:
            restore_database(into / str(database["part"]), str(database["method"]))
        except DumpFailed as failed:
            raise BackupRefused("dump-failed", detail=str(failed)) from None
        files = 0
        for name in parts:
            if not name.startswith("files/"):
                continue
            _, folder, rest = name.split("/", 2)
            target = folders[folder] / rest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(into / name, target)
            files += 1
    return RestoreSummary(vendor=kind, files=files, chain=verify_chain(), folders=folders)
