"""Deleting a draft that was never submitted: the applicant's own workspace, gone with its uploads.

Deletion is not a row of the transition table (domain/applications/transitions.py): a row moves a
record from one state to another and leaves a timeline event, while deletion ends the record. It is
open only where nothing the authorities saw exists: a draft (the table has no way back into it, so a
draft was never submitted) with no timeline event. The audit entry, written in the same transaction,
keeps what was deleted. docs/workflow.md says why deletion sits outside the table.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import User
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.applications import State
from vatspilot.services import lifecycle
from vatspilot.services.applications.dossier import dossier_hash_of
from vatspilot.services.applications.lifecycle import APPLICATIONS
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Application, ApplicationEvent, Document, DocumentVersion, Membership


def delete_draft(*, actor: User, application: Application, expected_version: int | None = None) -> None:
    """Delete ``application``, a draft never submitted, with its documents (their files go once the
    deletion is committed). Only a member of the applying organisation may; anything else is refused
    (ActionRefused) with nothing changed."""
    with transaction.atomic():
        current = lifecycle.locked(APPLICATIONS, application, expected_version)
        if not Membership.objects.filter(user=actor, organisation_id=current.organisation_id).exists():
            raise ActionRefused("not-a-member", _("Only a member of the applying organisation may delete its draft."))
        if current.status != State.DRAFT.value or ApplicationEvent.objects.filter(application=current).exists():
            raise ActionRefused(
                "draft-was-submitted",
                _("Only a draft that was never submitted can be deleted; withdraw the application instead."),
            )
        versions = list(DocumentVersion.objects.filter(document__application=current).select_related("document"))
        record_audit(
            actor=actor,
            action="application.deleted",
            obj=current,
            before={
                "status": current.status,
                "organisation": current.organisation_id,
                "dossier_hash": dossier_hash_of(current),
                "documents": [{"kind": v.document.kind, "number": v.number, "sha256": v.sha256} for v in versions],
            },
            after=None,
        )
        files = [(v.file.storage, v.file.name) for v in versions if v.file.name]
        DocumentVersion.objects.filter(pk__in=[v.pk for v in versions]).delete()
        Document.objects.filter(application=current).delete()
        current.notifications.all().delete()
        Application.objects.filter(pk=current.pk).delete()
        for storage, name in files:
            transaction.on_commit(partial(_remove_file, storage, name))


def _remove_file(storage: Storage, name: str) -> None:
    # After the commit: a rolled-back deletion keeps its files; a file already gone is no error.
    storage.delete(name)
