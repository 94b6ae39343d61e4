"""Fetch-and-authorise: every read of an application, document or organisation on behalf of a user
goes through here, so that who may see what is decided in one place.

Who sees which applications (a user holding several roles sees the union):

- members of an organisation (applicants) see all of their organisation's applications, drafts too;
- a local officer sees the applications registered in the jurisdictions named on their role, once
  submitted;
- MIIT, CAC and MPS reviewers, security experts, inspectors and administrators see every submitted
  application, across all jurisdictions;
- nobody else sees any: inactive or anonymous users, users without a role or membership.

A draft is the applicant's private workspace: no official sees it before it is submitted. What counts
is whether it was ever submitted (a "submit" row on its timeline), not the status it has now: a draft
withdrawn before submission stays private, documents included, while an application withdrawn after
submission stays on the officials' record.
Documents are seen by whoever sees their application. Organisations are seen by their members, by
administrators (who manage accounts), and by whoever sees one of the organisation's applications.

A missing object and one the actor may not see raise the same NotFound, with the same message, so
that a refusal tells nothing about what exists.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Document,
    DocumentVersion,
    Jurisdiction,
    Membership,
    Organisation,
    Role,
    StaffRole,
)

# Roles that see every submitted application, whatever its jurisdiction.
NATIONAL_ROLES = frozenset(
    {
        Role.MIIT_REVIEWER,
        Role.CAC_REVIEWER,
        Role.MPS_REVIEWER,
        Role.SECURITY_EXPERT,
        Role.INSPECTOR,
        Role.ADMINISTRATOR,
    }
)

Actor: TypeAlias = User | AnonymousUser

# The timeline's action code for the submission (vatspilot.domain.applications.Action.SUBMIT; the store
# does not import the domain's lifecycle, tests/store/test_store_access.py checks the two agree).
SUBMIT_ACTION = "submit"


class NotFound(Http404):
    """The object does not exist, or the actor may not see it: deliberately indistinguishable.
    An Http404, so that a view which lets it through answers 404."""


def visible_applications(actor: Actor) -> QuerySet[Application]:
    """The applications ``actor`` may see (see the module's rules), for queues and lists."""
    if not _is_active_user(actor):
        return Application.objects.none()
    roles = set(StaffRole.objects.filter(user=actor).values_list("role", flat=True))
    submitted = Exists(ApplicationEvent.objects.filter(application=OuterRef("pk"), action=SUBMIT_ACTION))
    visible = Q(organisation__in=Membership.objects.filter(user=actor).values("organisation"))
    if roles & NATIONAL_ROLES:
        visible |= submitted
    elif Role.LOCAL_OFFICER in roles:
        covered = Jurisdiction.objects.filter(staff_roles__user=actor, staff_roles__role=Role.LOCAL_OFFICER)
        visible |= submitted & Q(jurisdiction__in=covered.values("pk"))
    return Application.objects.filter(visible)


def access_application(actor: Actor, application_id: Any) -> Application:
    """The application, if ``actor`` may see it; else NotFound, exactly as if it did not exist."""
    return _get(
        visible_applications(actor).select_related("organisation", "jurisdiction"), application_id, "application"
    )


def access_document(actor: Actor, document_id: Any) -> Document:
    """The document, if ``actor`` may see its application; else NotFound."""
    documents = Document.objects.filter(application__in=visible_applications(actor).values("pk"))
    return _get(documents.select_related("application"), document_id, "document")


def access_document_version(actor: Actor, version_id: Any) -> DocumentVersion:
    """One uploaded file (for a download), if ``actor`` may see its application; else NotFound."""
    versions = DocumentVersion.objects.filter(document__application__in=visible_applications(actor).values("pk"))
    return _get(versions.select_related("document"), version_id, "document version")


def access_organisation(actor: Actor, organisation_id: Any) -> Organisation:
    """The organisation, if ``actor`` is a member, an administrator, or sees one of its applications."""
    return _get(visible_organisations(actor), organisation_id, "organisation")


def visible_organisations(actor: Actor) -> QuerySet[Organisation]:
    if not _is_active_user(actor):
        return Organisation.objects.none()
    if StaffRole.objects.filter(user=actor, role=Role.ADMINISTRATOR).exists():
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=Membership.objects.filter(user=actor).values("organisation"))
        | Q(pk__in=visible_applications(actor).values("organisation"))
    )


def is_administrator(actor: Actor | None) -> bool:
    """An active user holding the administrator role: may manage staff accounts and look through the
    (read-only) Django admin."""
    return bool(
        actor is not None
        and _is_active_user(actor)
        and StaffRole.objects.filter(user=actor, role=Role.ADMINISTRATOR).exists()
    )


def _get(queryset: QuerySet[Any], pk: Any, what: str) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # A malformed id is as missing as an id nobody has.
        raise NotFound(f"{what} not found") from None


def _is_active_user(actor: Actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_active)
