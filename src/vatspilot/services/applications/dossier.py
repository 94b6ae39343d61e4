"""The dossier's eligibility and document checklist: what the applicant must still supply."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.db import connections, router
from django.utils.translation import gettext as _

from vatspilot.contracts.json_types import JSONObject
from vatspilot.domain.applications.dossier_version import dossier_hash
from vatspilot.services.eligibility import determine
from vatspilot.services.licences.lists import on_dishonest_list
from vatspilot.store.models import Application, Document, DocumentKind, DocumentVersion, Organisation


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    required: bool
    present: bool
    latest_version: DocumentVersion | None


def recompute_determination(application: Application, *, on: date) -> JSONObject:
    """Store the determination for the dossier as it stands; raises InputError for an unusable dossier.

    The stored JSON is the contract's decision document, with the rulebook version it was taken under.
    """
    # Stored in English; a page in Chinese takes it again in Chinese for the same date and rulebook.
    profile = application.as_profile()
    # Once the platform knows the enterprise, its dishonest-list entry decides that condition, whatever
    # the dossier claims (Order 42 Art. 37; the list is kept here, services.licences.lists).
    profile["dishonest_list"] = bool(profile["dishonest_list"]) or on_dishonest_list(str(profile["uscc"]), on)
    determination = determine(profile, on=on, lang="en")
    # The domain types its documents as dict[str, object] (it cannot name the contract's JSON types, a
    # layer above it); what to_dict writes is JSON values only.
    document = cast(JSONObject, determination.to_dict())
    application.determination = document
    application.rulebook_version = determination.rulebook
    return document


def every_service_eligible(determination: JSONObject | None) -> bool:
    """The determination finds every service of the dossier eligible (and there is at least one)."""
    services = (determination or {}).get("services")
    if not isinstance(services, list) or not services:
        return False
    return all(isinstance(service, dict) and service.get("outcome") == "eligible" for service in services)


def document_hashes_for(applications: Sequence[Application]) -> dict[int, dict[str, str]]:
    """Each application's current document versions, {kind: SHA-256}, in one query.

    Written as SQL rather than through the ORM: every review transition reads this (its guards judge the
    dossier hash), and building the ORM's query cost four times the round trip it makes."""
    hashes: dict[int, dict[str, str]] = {a.pk: {} for a in applications}
    if not hashes:
        return hashes
    ids = list(hashes)
    with connections[router.db_for_read(DocumentVersion)].cursor() as cursor:
        cursor.execute(_DOCUMENT_HASHES_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
        for application_id, kind, sha256 in cursor.fetchall():
            hashes[application_id][kind] = sha256  # ordered by number: the last one read is the current one
    return hashes


_DOCUMENT_HASHES_SQL = (
    f"SELECT d.application_id, d.kind, v.sha256 FROM {DocumentVersion._meta.db_table} v"
    f" JOIN {Document._meta.db_table} d ON d.id = v.document_id"
    " WHERE d.application_id IN ({ids}) ORDER BY d.application_id, d.kind, v.number"
)


def dossier_hashes_for(
    applications: Sequence[Application], documents: dict[int, dict[str, str]] | None = None
) -> dict[int, str]:
    """The content hash of each dossier as it stands (domain.applications.dossier_version), in two queries:
    the organisations not already loaded and the current document versions (unless `documents` gives
    them, as document_hashes_for reads them)."""
    missing = {a.organisation_id for a in applications if not Application.organisation.is_cached(a)}
    organisations = Organisation.objects.in_bulk(missing)
    for application in applications:
        if application.organisation_id in organisations:
            application.organisation = organisations[application.organisation_id]
    documents = documents if documents is not None else document_hashes_for(applications)
    return {a.pk: dossier_hash(a.as_profile(), documents[a.pk]) for a in applications}


def dossier_hash_of(application: Application) -> str:
    """The content hash of the dossier as it stands: what an opinion, an assessment or a decision is given on."""
    return dossier_hashes_for([application])[application.pk]


def required_documents(application: Application) -> list[str]:
    determination = application.determination or {}
    return list(determination.get("required_documents") or [])


def _current_versions(application: Application) -> dict[str, DocumentVersion]:
    """The latest version of each document on file, in one query."""
    latest: dict[str, DocumentVersion] = {}
    versions = DocumentVersion.objects.filter(document__application=application).select_related("document")
    for version in versions.order_by("document__kind", "number"):
        latest[version.document.kind] = version
    return latest


def present_kinds(application: Application) -> set[str]:
    return set(Document.objects.filter(application=application, versions__isnull=False).values_list("kind", flat=True))


def checklist(application: Application) -> list[ChecklistItem]:
    """Every document kind, required ones first, each with whether a version is on file."""
    required = required_documents(application)
    present = _current_versions(application)
    labels = dict(DocumentKind.choices)
    kinds = required + [k for k in DocumentKind.values if k not in required]
    return [
        ChecklistItem(
            kind=kind,
            label=str(labels.get(kind, kind)),
            required=kind in required,
            present=kind in present,
            latest_version=present.get(kind),
        )
        for kind in kinds
        if kind in required or kind in present
    ]


def missing_items(application: Application, on_file: Collection[str] | None = None) -> list[str]:
    """What stands between the dossier and submission, in words the applicant reads. ``on_file``: the
    kinds of document with a version on file, when the caller has read them (document_hashes_for)."""
    determination = application.determination
    if not determination:
        return [_("The dossier is incomplete: no eligibility determination could be made yet.")]
    items = []
    for service in determination["services"]:
        if service["outcome"] != "eligible":
            code = service["code"] + ("/" + service["scope"] if service.get("scope") else "")
            items.append(_("Service %(code)s is not eligible: change or remove it.") % {"code": code})
    labels = dict(DocumentKind.choices)
    present = on_file if on_file is not None else _current_versions(application)
    for kind in required_documents(application):
        if kind not in present:
            items.append(_("Document missing: %(document)s") % {"document": labels.get(kind, kind)})
    return items
