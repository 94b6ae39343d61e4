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
The jurisdiction rule is written once, in Reach (where each official role reaches); visible_applications
turns it into a query and the guards (services.applications.guard_facts.ActorStanding) read the roles an
actor holds towards one application from it, so what an official sees and what they may do agree.
Documents, and the licence an approval issued, are seen by whoever sees their application.
Organisations are seen by their members, by administrators (who manage accounts), and by whoever sees
one of the organisation's applications.

A missing object and one the actor may not see raise the same NotFound, with the same message, so
that a refusal tells nothing about what exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Document,
    DocumentVersion,
    Licence,
    LicenceFiling,
    Membership,
    Organisation,
    QuarterlyReport,
    Role,
    StaffRole,
)
from vatspilot.store.models.supervision import Finding, Inspection

# The jurisdiction rule (see Reach); tests/store/test_store_access.py holds visibility and the guards'
# roles to agree on it for every role.
# Roles that reach every submitted application, whatever its jurisdiction.
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
# Roles that reach the submitted applications registered in the jurisdictions named on the role.
LOCAL_ROLES = frozenset({Role.LOCAL_OFFICER})
# The roles that review applications (the administrator sees them but reviews none).
REVIEWING_ROLES = (NATIONAL_ROLES | LOCAL_ROLES) - {Role.ADMINISTRATOR}

Actor: TypeAlias = User | AnonymousUser

# The timeline's action code for the submission (vatspilot.domain.applications.Action.SUBMIT; the store
# does not import the domain's lifecycle, tests/store/test_store_access.py checks the two agree).
SUBMIT_ACTION = "submit"


@dataclass(frozen=True)
class Reach:
    """Where an actor's official roles reach, read in one query. An applicant's reach (membership of
    the organisation) is not here: it does not depend on the jurisdiction."""

    national: tuple[str, ...]  # roles held that reach every jurisdiction, in the order granted
    local: tuple[tuple[str, frozenset[int]], ...]  # each local role held, with the jurisdictions it names

    @classmethod
    def of(cls, actor: Actor) -> Reach:
        if not _is_active_user(actor):
            return cls((), ())
        return cls._from_rows(
            StaffRole.objects.filter(user=actor).order_by("pk").values_list("role", "jurisdictions__pk")
        )

    @classmethod
    def _from_rows(cls, rows: Iterable[tuple[str, int | None]]) -> Reach:
        """The reach from the actor's staff roles, one row per (role, jurisdiction named or None), in the
        order the roles were granted."""
        national: list[str] = []
        local: dict[str, set[int]] = {}
        for role, jurisdiction_id in rows:
            if role in NATIONAL_ROLES and role not in national:
                national.append(role)
            elif role in LOCAL_ROLES:
                covered = local.setdefault(role, set())
                if jurisdiction_id is not None:
                    covered.add(jurisdiction_id)
        return cls(tuple(national), tuple((role, frozenset(ids)) for role, ids in local.items()))

    @classmethod
    def with_memberships(cls, actor: User) -> tuple[frozenset[int], Reach]:
        """The organisations ``actor`` is a member of, and their Reach (the same as ``Reach.of``), in one
        query: the guards read both on every transition, and two ORM queries cost more than the one
        round trip. The memberships count whether or not the user is active, as Membership's do."""
        organisations: set[int] = set()
        roles: list[tuple[str, int | None]] = []
        with connections[router.db_for_read(StaffRole)].cursor() as cursor:
            cursor.execute(_STANDING_SQL, [actor.pk, actor.pk])
            for is_role, role, reference, _granted in cursor.fetchall():
                if is_role:
                    roles.append((role, reference))
                else:
                    organisations.add(reference)
        reach = cls._from_rows(roles) if _is_active_user(actor) else cls((), ())
        return frozenset(organisations), reach

    def roles_towards(self, jurisdiction_id: int) -> list[str]:
        """The official roles in which the actor reaches an application of ``jurisdiction_id``: the local
        roles naming it, then the national roles."""
        return [role for role, covered in self.local if jurisdiction_id in covered] + list(self.national)

    def reached(self) -> Q | None:
        """The same rule as a filter on applications; None when no official role reaches any."""
        if self.national:
            return Q()
        covered = frozenset().union(*(ids for _role, ids in self.local))
        return Q(jurisdiction_id__in=sorted(covered)) if covered else None


_NAMED = StaffRole.jurisdictions.through._meta
# The actor's memberships (is_role 0: the organisation) and staff roles (is_role 1: the role and each
# jurisdiction it names, or NULL), the roles in the order granted (their ids), as Reach.of reads them.
_STANDING_SQL = (
    f"SELECT 0 AS is_role, NULL AS role, m.organisation_id AS reference, m.id AS granted"
    f" FROM {Membership._meta.db_table} m WHERE m.user_id = %s"
    " UNION ALL"
    f" SELECT 1, r.role, j.{_NAMED.get_field('jurisdiction').column}, r.id FROM {StaffRole._meta.db_table} r"
    f" LEFT JOIN {_NAMED.db_table} j ON j.{_NAMED.get_field('staffrole').column} = r.id WHERE r.user_id = %s"
    " ORDER BY 1, 4"
)


class NotFound(Http404):
    """The object does not exist, or the actor may not see it: deliberately indistinguishable.
    An Http404, so that a view which lets it through answers 404."""


def visible_applications(actor: Actor, *, reach: Reach | None = None) -> QuerySet[Application]:
    """The applications ``actor`` may see (see the module's rules), for queues and lists; ``reach`` is
    the actor's, when the caller has read it already."""
    if not _is_active_user(actor):
        return Application.objects.none()
    visible = Q(organisation__in=Membership.objects.filter(user=actor).values("organisation"))
    reached = (reach if reach is not None else Reach.of(actor)).reached()
    if reached is not None:
        # Officials reach an application once it was ever submitted, whatever its status now.
        submitted = Exists(ApplicationEvent.objects.filter(application=OuterRef("pk"), action=SUBMIT_ACTION))
        visible |= Q(submitted) & reached
    return Application.objects.filter(visible)


def is_member(actor: User, application: Application) -> bool:
    """Whether ``actor`` belongs to the application's organisation: reaches it as its applicant (the
    dossier's author, who alone uploads and edits)."""
    return Membership.objects.filter(user=actor, organisation_id=application.organisation_id).exists()


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


def access_licence(actor: Actor, number: str) -> Licence:
    """The licence numbered ``number``, if ``actor`` may see its application (its holder's members and
    the officials who see the application); else NotFound, exactly as if it did not exist."""
    if "\x00" in number:  # names no licence; PostgreSQL would refuse the query itself (a 500, not a 404)
        raise NotFound("licence not found")
    licences = Licence.objects.filter(application__in=visible_applications(actor).values("pk"))
    try:
        licence: Licence = licences.get(number=number)
    except Licence.DoesNotExist:
        raise NotFound("licence not found") from None
    return licence


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


def access_filing(actor: Actor, number: str, filing_id: Any) -> LicenceFiling:
    """The filing ``filing_id`` on the licence numbered ``number``, if ``actor`` may see that licence
    (access_licence); else NotFound, as if it did not exist (a filing of another licence too)."""
    licence = access_licence(actor, number)
    filing: LicenceFiling = _get(LicenceFiling.objects.filter(licence=licence), filing_id, "filing")
    filing.licence = licence
    return filing


def access_report(actor: Actor, report_id: Any) -> QuarterlyReport:
    """The quarterly report ``report_id``, if ``actor`` may see its licence (access_licence's rule: whoever
    sees the licence sees its reports); else NotFound, exactly as if it did not exist."""
    reports = QuarterlyReport.objects.filter(licence__application__in=visible_applications(actor).values("pk"))
    report: QuarterlyReport = _get(
        reports.select_related("licence__application", "licence__organisation"), report_id, "report"
    )
    return report


# --- Supervision (issue 10): findings and inspections ------------------------------------------------
# A finding is seen by the holder's members and by the supervisors whose reach (Reach, the one
# jurisdiction rule) covers the licence's application: every MIIT reviewer, a local officer for the
# jurisdictions on their role. An inspection is seen by those supervisors and by the inspectors on its
# team. Other national roles (CAC, MPS, experts, administrators) supervise no licence, so see neither.


def supervised_jurisdictions(reach: Reach) -> frozenset[int] | None:
    """The jurisdictions a supervisor's local officer role covers; None for every one (MIIT)."""
    if Role.MIIT_REVIEWER in reach.national:
        return None
    return frozenset().union(*(ids for role, ids in reach.local if role == Role.LOCAL_OFFICER))


def supervises_licences(actor: Actor) -> bool:
    """Whether ``actor`` supervises any licence: an active MIIT reviewer, or a local officer whose role
    names a jurisdiction (the supervisors' pages are theirs)."""
    covered = supervised_jurisdictions(Reach.of(actor))
    return covered is None or bool(covered)


def visible_findings(actor: Actor, *, reach: Reach | None = None) -> QuerySet[Finding]:
    """The findings ``actor`` may see; ``reach`` is the actor's, when the caller has read it already."""
    if not _is_active_user(actor):
        return Finding.objects.none()
    covered = supervised_jurisdictions(reach if reach is not None else Reach.of(actor))
    if covered is None:
        return Finding.objects.all()
    visible = Q(licence__organisation__in=Membership.objects.filter(user=actor).values("organisation"))
    if covered:
        visible |= Q(licence__application__jurisdiction_id__in=sorted(covered))
    return Finding.objects.filter(visible)


def access_finding(actor: Actor, finding_id: Any) -> Finding:
    """The finding, if ``actor`` may see it; else NotFound, exactly as if it did not exist."""
    finding: Finding = _get(visible_findings(actor).select_related("licence__application"), finding_id, "finding")
    return finding


def visible_inspections(actor: Actor, *, reach: Reach | None = None) -> QuerySet[Inspection]:
    """The inspections ``actor`` may see: the supervisors' in their reach, an inspector's own team's."""
    if not _is_active_user(actor):
        return Inspection.objects.none()
    reach = reach if reach is not None else Reach.of(actor)
    covered = supervised_jurisdictions(reach)
    if covered is None:
        return Inspection.objects.all()
    visible = Q(pk__in=[])
    if covered:
        visible |= Q(licence__application__jurisdiction_id__in=sorted(covered))
    if Role.INSPECTOR in reach.national:
        visible |= Q(pk__in=Inspection.inspectors.through.objects.filter(user=actor).values("inspection"))
    return Inspection.objects.filter(visible)


def access_inspection(actor: Actor, inspection_id: Any) -> Inspection:
    """The inspection, if ``actor`` may see it; else NotFound, exactly as if it did not exist."""
    inspection: Inspection = _get(
        visible_inspections(actor).select_related("licence__application", "draw"), inspection_id, "inspection"
    )
    return inspection


def supervised_licences(actor: Actor, *, reach: Reach | None = None) -> QuerySet[Licence]:
    """The licences ``actor`` supervises (not those they merely hold): every one for an MIIT reviewer,
    those of the jurisdictions on a local officer's role; none for anyone else."""
    if not _is_active_user(actor):
        return Licence.objects.none()
    covered = supervised_jurisdictions(reach if reach is not None else Reach.of(actor))
    if covered is None:
        return Licence.objects.all()
    return Licence.objects.filter(application__jurisdiction_id__in=sorted(covered))
