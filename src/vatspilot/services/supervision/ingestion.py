"""A report's uploads: staged by the holder, checked by a background worker, stored whole or not at all.

1. `stage_upload` (the request): the file is streamed to a staging file under VATSPILOT_REPORT_DIR while
   its SHA-256 and size are counted; an `IngestionRun` is written with its audit entry; the task is
   enqueued when that transaction commits.
2. `ingest` (the worker; the task `ingest_report_upload` takes the run's id): the file is read a chunk
   at a time by the analytics readers, and the run's progress (rows read, errors so far) is written after
   each chunk, outside any transaction, so the page shows it while the worker reads. A rejected file
   records its first errors (line, field, reason) and stores nothing else. An accepted file is written
   in one transaction: the part's earlier upload replaced, the node rows, the file kept under its SHA-256,
   the run marked accepted, the audit entry.

Safe to run twice and to be killed: a finished run is not read again; a worker killed before the final
transaction commits leaves the run unfinished and nothing else (the staged file is removed only after the
commit, so running the task again finishes the work); the file kept by its hash is the same bytes
whichever run wrote it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from vatspilot.analytics.supervision import rejections
from vatspilot.analytics.supervision.divisions import default_divisions
from vatspilot.analytics.supervision.node_list import read_node_list
from vatspilot.analytics.supervision.security_log import read_security_log
from vatspilot.analytics.supervision.tabular import MAX_REPORTED_ERRORS, Progress, UploadRejected
from vatspilot.domain.supervision.reports import ReportRole, ReportState
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.applications.documents import sanitise_file_name
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.report_lifecycle import roles_of
from vatspilot.store.audit import record_audit
from vatspilot.store.models.supervision import IngestionRun, QuarterlyReport, ReportNode, ReportPart, ReportUpload

__all__ = ["FORMATS", "ingest", "ingest_report_upload", "kept_path", "stage_upload"]

# The formats each part is read in, by file extension.
FORMATS: dict[str, tuple[str, ...]] = {
    ReportPart.NODE_LIST.value: (".csv", ".xlsx"),
    ReportPart.SECURITY_LOG.value: (".ndjson", ".jsonl", ".csv"),
}
_CHUNK_BYTES = 1024 * 1024
_NODE_BATCH = 5_000
_FINISHED = (IngestionRun.Status.ACCEPTED, IngestionRun.Status.REJECTED)


def _root() -> Path:
    return Path(settings.VATSPILOT_REPORT_DIR)


def kept_path(sha256: str, filename: str) -> Path:
    """Where an accepted file is kept: by its hash, with its extension (the readers go by it)."""
    return _root() / "files" / sha256[:2] / f"{sha256}{Path(filename).suffix.lower()}"


def stage_upload(
    *, actor: User, report: QuarterlyReport, part: str, filename: str, chunks: Iterable[bytes]
) -> IngestionRun:
    """Stage an upload of ``part`` for a draft report by a member of the holder; the run to follow."""
    if part not in FORMATS:
        raise ActionRefused("unknown-part", _("Choose the node list or the security log."), field="part")
    name = sanitise_file_name(filename or "")
    extension = Path(name).suffix.lower()
    if extension not in FORMATS[part]:
        raise ActionRefused(
            "unsupported-format",
            _("This part is read from %(formats)s files.") % {"formats": ", ".join(FORMATS[part])},
            field="file",
        )
    if ReportRole.HOLDER not in roles_of(actor, report):
        raise ActionRefused("role-not-allowed", _("Only the licence holder uploads its reports."))
    if report.status != ReportState.DRAFT.value:
        raise ActionRefused("not-a-draft", _("Only a draft can be changed: reopen the report first."), field="file")
    staging = _root() / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    staged = staging / f"{uuid.uuid4().hex}{extension}"
    digest = hashlib.sha256()
    size = 0
    try:
        with staged.open("wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if size == 0:
            raise ActionRefused("empty", _("The file is empty."), field="file")
        with transaction.atomic():
            run = IngestionRun.objects.create(
                report=report,
                part=part,
                filename=name,
                staged_path=str(staged),
                sha256=digest.hexdigest(),
                size_bytes=size,
                requested_by=actor,
            )
            record_audit(
                actor=actor,
                action="report.upload_staged",
                obj=run,
                before=None,
                after={"report": report.pk, "part": part, "filename": name, "sha256": run.sha256, "size": size},
            )
            run_id = str(run.pk)
            transaction.on_commit(lambda: ingest_report_upload.enqueue(run_id=run_id))
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return run


def _progress(run_id: uuid.UUID) -> Callable[[Progress], None]:
    def report(progress: Progress) -> None:
        IngestionRun.objects.filter(pk=run_id).update(rows_read=progress.rows_read, error_count=progress.errors)

    return report


def _reject(run: IngestionRun, errors: list[dict[str, object]], count: int, rows: int) -> IngestionRun:
    with transaction.atomic():
        current = IngestionRun.objects.select_for_update().get(pk=run.pk)
        if current.status in _FINISHED:
            return current
        current.status = IngestionRun.Status.REJECTED
        current.errors = errors[:MAX_REPORTED_ERRORS]
        current.error_count = count
        current.rows_read = rows
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "errors", "error_count", "rows_read", "finished_at"])
        record_audit(
            actor=None,
            action="report.upload_rejected",
            obj=current,
            before=None,
            after={"errors": count, "rows_read": rows, "first": current.errors[:5]},
        )
        staged = Path(current.staged_path)
        transaction.on_commit(lambda: staged.unlink(missing_ok=True))
    return current


def ingest(run_id: str | uuid.UUID) -> IngestionRun:
    """Read and store the staged upload of run ``run_id``; the run as it ends (a file is valid or not
    whatever the day, so no day is taken)."""
    run = IngestionRun.objects.select_related("report").get(pk=run_id)
    if run.status in _FINISHED:
        return run
    IngestionRun.objects.filter(pk=run.pk).update(status=IngestionRun.Status.RUNNING)
    staged = Path(run.staged_path)
    if not staged.exists():
        return _reject(run, [{"line": 0, "field": "file", "reason": rejections.STAGED_FILE_MISSING.en}], 1, 0)
    progress = _progress(run.pk)
    try:
        if run.part == ReportPart.NODE_LIST.value:
            frame = read_node_list(staged, default_rulebook(), divisions=default_divisions(), progress=progress)
        else:
            frame = read_security_log(staged, progress=progress)
    except UploadRejected as rejected:
        return _reject(run, [error.to_dict() for error in rejected.errors], rejected.error_count, rejected.rows_read)
    with transaction.atomic():
        current = IngestionRun.objects.select_for_update().get(pk=run.pk)
        if current.status in _FINISHED:
            return current
        report = QuarterlyReport.objects.select_for_update().get(pk=current.report_id)
        if report.status == ReportState.DRAFT.value:
            return _store(current, report, frame, staged)
    # Submitted while the worker read: the upload cannot change it any more.
    late = {"line": 0, "field": "file", "reason": rejections.SUBMITTED_WHILE_READING.en}
    return _reject(run, [late], 1, frame.height)


def _store(current: IngestionRun, report: QuarterlyReport, frame: pl.DataFrame, staged: Path) -> IngestionRun:
    """The accepted file written, in the caller's transaction."""
    previous = ReportUpload.objects.filter(report=report, part=current.part).first()
    if previous is not None:
        IngestionRun.objects.filter(upload=previous).update(upload=None)
        previous.nodes.all().delete()
        previous.delete()
    upload = ReportUpload.objects.create(
        report=report,
        part=current.part,
        filename=current.filename,
        sha256=current.sha256,
        size_bytes=current.size_bytes,
        rows=frame.height,
        uploaded_by=current.requested_by,
    )
    if current.part == ReportPart.NODE_LIST.value:
        batch: list[ReportNode] = []
        for line, node_id, address, role, location, country in frame.select(
            "line", "id", "address", "role", "location", "country"
        ).iter_rows():
            batch.append(
                ReportNode(
                    upload=upload,
                    line=line,
                    node_id=node_id,
                    address=address,
                    role=role,
                    location=location,
                    country=country or "",
                )
            )
            if len(batch) >= _NODE_BATCH:
                ReportNode.objects.bulk_create(batch)
                batch = []
        ReportNode.objects.bulk_create(batch)
    target = kept_path(current.sha256, current.filename)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + f".{uuid.uuid4().hex}.part")
        shutil.copyfile(staged, partial)
        os.replace(partial, target)  # atomic: the kept file is whole or absent
    current.status = IngestionRun.Status.ACCEPTED
    current.upload = upload
    current.rows_read = frame.height
    current.error_count = 0
    current.finished_at = timezone.now()
    current.save(update_fields=["status", "upload", "rows_read", "error_count", "finished_at"])
    record_audit(
        actor=current.requested_by,
        action="report.upload_accepted",
        obj=current,
        before={"upload": previous.sha256 if previous else None},
        after={"report": report.pk, "part": current.part, "sha256": current.sha256, "rows": frame.height},
    )
    transaction.on_commit(lambda: staged.unlink(missing_ok=True))
    return current


@task()
def ingest_report_upload(run_id: str) -> str:
    """The worker's entry: ingest one staged upload; the run's final status."""
    return str(ingest(run_id).status)
