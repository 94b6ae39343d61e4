"""`vatspilot backup` and `vatspilot restore`: a round trip on SQLite and on PostgreSQL restores the same
audit chain and the same files; an archive that does not match its manifest, a database or a folder that
is not empty, and a dump of the other kind of database are refused (exit 2, one line on stderr) and
change nothing.

Each command runs in its own process with its own DATABASE_URL and folders, as on a machine."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.entrypoints.postgres_support import scratch_database

VATSPILOT = Path(sys.executable).parent / "vatspilot"
CLEARED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VATSPILOT_HTTPS", "DATABASE_URL", "MEDIA_ROOT")
SEED = """
import django
django.setup()
from pathlib import Path
from django.conf import settings
from django.db import transaction
from vatspilot.store.audit import AuditSubject, record_audit
for i in range(5):
    with transaction.atomic():
        record_audit(actor=None, action="test.seed", obj=AuditSubject("test.seed", str(i)), before=None,
                     after={"i": i, "text": "数据"})
for folder, name, data in [
    (settings.MEDIA_ROOT, "documents/1/business-licence/v1-0123456789abcdef.pdf", b"%PDF-1.4 licence"),
    (settings.VATSPILOT_REPORT_DIR, "files/ab/ab12.csv", "id,address\\nn-1,1.2.4.8\\n".encode()),
    (settings.VATSPILOT_CALENDAR_DIR, "2027.yaml", "year: 2027\\n".encode()),
]:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
"""
FILES = {
    "media/documents/1/business-licence/v1-0123456789abcdef.pdf": b"%PDF-1.4 licence",
    "reports/files/ab/ab12.csv": b"id,address\nn-1,1.2.4.8\n",
    "calendar/2027.yaml": b"year: 2027\n",
}


def machine(root: Path, database_url: str) -> dict[str, str]:
    """The environment of a machine whose database is ``database_url`` and whose folders are under root."""
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="tests-only-not-a-secret",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(root / "media"),
        VATSPILOT_REPORT_DIR=str(root / "reports"),
        VATSPILOT_CALENDAR_DIR=str(root / "calendar"),
        VATSPILOT_LOG_FORMAT="text",
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VATSPILOT), *args], env=env, capture_output=True, text=True, timeout=120)


def seeded(root: Path, database_url: str) -> dict[str, str]:
    env = machine(root, database_url)
    assert run(env, "migrate", "-q").returncode == 0
    done = subprocess.run([sys.executable, "-c", SEED], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return env


def folder_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for name in ("media", "reports", "calendar")
        for path in sorted((root / name).rglob("*"))
        if path.is_file()
    }


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A SQLite machine with five audit entries and one file in each folder, backed up: the archive
    and what `vatspilot audit verify` said on the source."""
    root = tmp_path_factory.mktemp("source")
    env = seeded(root, f"sqlite:///{root / 'db.sqlite3'}")
    verified = run(env, "audit", "verify")
    archive = root / "backup.tar"
    made = run(env, "backup", str(archive))
    assert (made.returncode, made.stderr) == (0, ""), made.stderr
    assert made.stdout == (f"backup written to {archive}: the sqlite database (sqlite-online-backup) and 3 files\n")
    return archive, verified.stdout


def test_the_archive_lists_every_part_with_its_sha256(sqlite_backup: tuple[Path, str]) -> None:
    archive, _ = sqlite_backup
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name != "manifest.json"}  # type: ignore[union-attr]
    assert (manifest["format"], manifest["version"]) == ("vatspilot-backup", 1)
    assert manifest["database"] == {"vendor": "sqlite", "method": "sqlite-online-backup", "part": "database.sqlite3"}
    assert sorted(p["name"] for p in manifest["parts"]) == sorted(
        ["database.sqlite3", *(f"files/{name}" for name in FILES)]
    )
    for part in manifest["parts"]:
        data = contents[part["name"]]
        assert (part["sha256"], part["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
    assert {name: contents[f"files/{name}"] for name in FILES} == FILES


def test_a_sqlite_round_trip_restores_the_chain_and_the_files(sqlite_backup: tuple[Path, str], tmp_path: Path) -> None:
    archive, verified = sqlite_backup
    env = machine(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")

    restored = run(env, "restore", str(archive))

    assert verified == "audit chain intact: 5 entries\n"
    assert (restored.returncode, restored.stderr) == (0, "")
    assert restored.stdout == f"restored {archive}: the sqlite database and 3 files\n{verified}"
    assert run(env, "audit", "verify").stdout == verified
    assert folder_files(tmp_path) == FILES


def test_the_chinese_messages(sqlite_backup: tuple[Path, str], tmp_path: Path) -> None:
    archive, _ = sqlite_backup
    env = machine(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")

    restored = run(env, "restore", str(archive), "--lang", "zh")
    again = run(env, "restore", str(archive), "--lang", "zh")

    assert restored.stdout.splitlines()[0] == f"已恢复 {archive}：sqlite 数据库和 3 个文件"
    assert (again.returncode, again.stderr) == (2, "restore: 数据库不为空：只能恢复到新建的空数据库\n")


def _rewritten(archive: Path, out: Path, change: str) -> Path:
    """A copy of ``archive`` with its manifest as it was and one part changed, added or left out."""
    with tarfile.open(archive) as tar, tarfile.open(out, "w") as copy:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("files/media/"):
                if change == "missing":
                    continue
                if change == "edited":
                    data = data.replace(b"licence", b"licencf")
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
        if change == "added":
            extra = tarfile.TarInfo("files/media/documents/1/extra.pdf")
            extra.size = 3
            copy.addfile(extra, io.BytesIO(b"abc"))
    return out


MEDIA_PART = "files/media/documents/1/business-licence/v1-0123456789abcdef.pdf"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("edited", f"{MEDIA_PART}: its SHA-256 differs from the manifest's"),
        ("missing", f"{MEDIA_PART}: the manifest lists it but the archive does not hold it"),
        (
            "added",
            "files/media/documents/1/extra.pdf: the archive holds a part its manifest does not list",
        ),
    ],
)
def test_an_archive_that_does_not_match_its_manifest_is_refused_and_nothing_is_restored(
    sqlite_backup: tuple[Path, str], tmp_path: Path, change: str, message: str
) -> None:
    archive, _ = sqlite_backup
    tampered = _rewritten(archive, tmp_path / "tampered.tar", change)
    target = tmp_path / "restored.sqlite3"
    env = machine(tmp_path / "machine", f"sqlite:///{target}")

    refused = run(env, "restore", str(tampered))

    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == f"restore: the archive does not match its manifest: {message}\n"
    assert sqlite_tables(target) == []
    assert folder_files(tmp_path / "machine") == {}


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)
    env = machine(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")

    refused = run(env, "restore", str(junk))

    assert (refused.returncode, refused.stderr) == (2, f"restore: {junk} is not a readable tar archive (ReadError)\n")


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(
    sqlite_backup: tuple[Path, str], tmp_path: Path
) -> None:
    archive, _ = sqlite_backup
    env = seeded(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    before = (tmp_path / "db.sqlite3").read_bytes()

    refused = run(env, "restore", str(archive))

    assert (refused.returncode, refused.stderr) == (
        2,
        "restore: the database is not empty: restore only into a new, empty database\n",
    )
    assert (tmp_path / "db.sqlite3").read_bytes() == before


def test_a_folder_that_is_not_empty_is_refused(sqlite_backup: tuple[Path, str], tmp_path: Path) -> None:
    archive, _ = sqlite_backup
    env = machine(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "left-over.csv").write_bytes(b"x")

    refused = run(env, "restore", str(archive))

    assert (refused.returncode, refused.stderr) == (
        2,
        f"restore: VATSPILOT_REPORT_DIR ({tmp_path / 'reports'}) is not empty: restore only into empty folders\n",
    )
    assert sqlite_tables(tmp_path / "restored.sqlite3") == []


def test_an_existing_archive_is_never_overwritten(sqlite_backup: tuple[Path, str], tmp_path: Path) -> None:
    archive, _ = sqlite_backup
    env = machine(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    before = archive.read_bytes()

    refused = run(env, "backup", str(archive))

    assert (refused.returncode, refused.stderr) == (2, f"backup: {archive} exists already: choose a new file name\n")
    assert archive.read_bytes() == before


@pytest.mark.postgres
def test_a_postgresql_round_trip_restores_the_chain_and_the_files(
    sqlite_backup: tuple[Path, str], tmp_path: Path
) -> None:
    with scratch_database("vp_backup_src") as source_url, scratch_database("vp_backup_dst") as target_url:
        source = seeded(tmp_path / "source", source_url)
        verified = run(source, "audit", "verify").stdout
        archive = tmp_path / "pg.tar"
        made = run(source, "backup", str(archive))
        target = machine(tmp_path / "target", target_url)

        restored = run(target, "restore", str(archive))
        wrong_kind = run(machine(tmp_path / "other", target_url), "restore", str(sqlite_backup[0]))

        assert (made.returncode, made.stdout) == (
            0,
            f"backup written to {archive}: the postgresql database (pg_dump-custom) and 3 files\n",
        ), made.stderr
        assert verified == "audit chain intact: 5 entries\n"
        assert (restored.returncode, restored.stderr) == (0, "")
        assert restored.stdout == f"restored {archive}: the postgresql database and 3 files\n{verified}"
        assert run(target, "audit", "verify").stdout == verified
        assert folder_files(tmp_path / "target") == FILES
        assert (wrong_kind.returncode, wrong_kind.stderr) == (
            2,
            "restore: the archive holds a sqlite-online-backup dump, but DATABASE_URL is a postgresql database\n",
        )
