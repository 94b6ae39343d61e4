"""What the transition guards judge, and who the actor is towards an application, read in a fixed
number of queries however many applications are asked about (the reviewers' queues ask about many)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count

from vatspilot.domain.applications import Agency, ApplicationFacts, Opinion, Role, SecurityAssessment
from vatspilot.services.applications.dossier import (
    document_hashes_for,
    dossier_hashes_for,
    every_service_eligible,
    required_documents,
)
from vatspilot.store.models import (
    Application,
    Membership,
    StaffRole,
    SupplementRequest,
    SupplementStage,
)
from vatspilot.store.models import Opinion as OpinionRecord
from vatspilot.store.models import SecurityAssessment as AssessmentRecord


@dataclass(frozen=True)
class ActorStanding:
    """The actor's memberships and official roles, read once."""

    organisations: frozenset[int]
    central_roles: tuple[Role, ...]  # roles that reach every jurisdiction
    local_jurisdictions: frozenset[int]  # where the actor is a local officer

    @classmethod
    def of(cls, actor: User) -> ActorStanding:
        organisations = frozenset(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))
        central: list[Role] = []
        local: set[int] = set()
        for staff in StaffRole.objects.filter(user=actor).prefetch_related("jurisdictions"):
            if staff.role == Role.LOCAL_OFFICER.value:
                local.update(j.pk for j in staff.jurisdictions.all())
            elif staff.role != Role.APPLICANT.value:
                central.append(Role(staff.role))
        return cls(organisations, tuple(central), frozenset(local))

    def roles_towards(self, application: Application) -> list[Role]:
        """Applicant if a member of its organisation, local officer only for its jurisdiction, the
        central roles everywhere."""
        roles: list[Role] = []
        if application.organisation_id in self.organisations:
            roles.append(Role.APPLICANT)
        if application.jurisdiction_id in self.local_jurisdictions:
            roles.append(Role.LOCAL_OFFICER)
        roles.extend(self.central_roles)
        return roles


def facts_for(applications: Sequence[Application]) -> dict[int, ApplicationFacts]:
    """The guards' snapshot of each application, from a fixed number of queries: the document versions
    (what is on file, and the dossier hash), the formal notices, the opinions and assessments in force."""
    ids = [a.pk for a in applications]
    documents = document_hashes_for(applications)
    hashes = dossier_hashes_for(applications, documents)
    formal = dict(
        SupplementRequest.objects.filter(application_id__in=ids, stage=SupplementStage.FORMAL)
        .values("application_id")
        .annotate(n=Count("id"))
        .values_list("application_id", "n")
    )
    opinions: dict[int, dict[Agency, tuple[Opinion, str]]] = defaultdict(dict)
    for application_id, agency, opinion, given_on in OpinionRecord.objects.filter(
        application_id__in=ids, voided_at__isnull=True
    ).values_list("application_id", "agency", "opinion", "dossier_hash"):
        opinions[application_id][Agency(agency)] = (Opinion(opinion), given_on)
    latest: dict[int, tuple[str, str]] = {}
    for application_id, result, given_on in (
        AssessmentRecord.objects.filter(application_id__in=ids, voided_at__isnull=True)
        .order_by("application_id", "assessed_at", "id")
        .values_list("application_id", "result", "dossier_hash")
    ):
        latest[application_id] = (result, given_on)  # ordered: the last one read is the latest
    return {
        a.pk: _facts(a, set(documents[a.pk]), formal.get(a.pk, 0), hashes[a.pk], opinions[a.pk], latest.get(a.pk))
        for a in applications
    }


def _facts(
    application: Application,
    present: set[str],
    formal_requests: int,
    dossier_hash: str,
    opinions: dict[Agency, tuple[Opinion, str]],
    assessment: tuple[str, str] | None,
) -> ApplicationFacts:
    determination = application.determination or {}
    return ApplicationFacts(
        required_documents_complete=bool(determination) and set(required_documents(application)) <= present,
        determination_eligible=every_service_eligible(determination),
        formal_supplement_requests=formal_requests,
        opinions={agency: opinion for agency, (opinion, _given_on) in opinions.items()},
        security_assessment=SecurityAssessment(assessment[0]) if assessment else None,
        dossier_hash=dossier_hash,
        opinion_hashes={agency: given_on for agency, (_opinion, given_on) in opinions.items()},
        assessment_hash=assessment[1] if assessment else "",
    )


def facts_of(application: Application) -> ApplicationFacts:
    return facts_for([application])[application.pk]


def roles_of(actor: User, application: Application) -> list[Role]:
    return ActorStanding.of(actor).roles_towards(application)


def standing_and_facts(
    actor: User, applications: Iterable[Application]
) -> tuple[ActorStanding, dict[int, ApplicationFacts]]:
    listed = list(applications)
    return ActorStanding.of(actor), facts_for(listed)
