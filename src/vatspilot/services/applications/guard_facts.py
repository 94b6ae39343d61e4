"""What the transition guards judge, and who the actor is towards an application, read in a fixed
number of queries however many applications are asked about (the reviewers' queues ask about many)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connections, router

from vatspilot.domain.applications import Agency, ApplicationFacts, Opinion, Role, SecurityAssessment
from vatspilot.services.applications.dossier import (
    document_hashes_for,
    dossier_hashes_for,
    every_service_eligible,
    required_documents,
)
from vatspilot.store.access import Reach
from vatspilot.store.models import (
    Application,
    SupplementRequest,
    SupplementStage,
)
from vatspilot.store.models import Opinion as OpinionRecord
from vatspilot.store.models import SecurityAssessment as AssessmentRecord


@dataclass(frozen=True)
class ActorStanding:
    """The actor's memberships and official roles, read once (one query). Where the official roles
    reach is the store's jurisdiction rule (vatspilot.store.access.Reach), the one visibility uses."""

    organisations: frozenset[int]
    reach: Reach

    @classmethod
    def of(cls, actor: User) -> ActorStanding:
        organisations, reach = Reach.with_memberships(actor)
        return cls(organisations, reach)

    def roles_towards(self, application: Application) -> list[Role]:
        """Applicant if a member of its organisation, then the official roles that reach its
        jurisdiction (a local officer only its own, the national roles every one)."""
        roles = [Role.APPLICANT] if application.organisation_id in self.organisations else []
        roles.extend(Role(role) for role in self.reach.roles_towards(application.jurisdiction_id))
        return roles


def facts_for(
    applications: Sequence[Application], documents: dict[int, dict[str, str]] | None = None
) -> dict[int, ApplicationFacts]:
    """The guards' snapshot of each application, from a fixed number of queries: the document versions
    (what is on file, and the dossier hash: unless ``documents`` gives them, as document_hashes_for
    reads them), the formal notices, the opinions and assessments in force."""
    documents = documents if documents is not None else document_hashes_for(applications)
    hashes = dossier_hashes_for(applications, documents)
    formal: dict[int, int] = {}
    opinions: dict[int, dict[Agency, tuple[Opinion, str]]] = defaultdict(dict)
    latest: dict[int, tuple[str, str]] = {}
    ids = [a.pk for a in applications]
    if ids:
        with connections[router.db_for_read(SupplementRequest)].cursor() as cursor:
            cursor.execute(_REVIEWS_SQL.format(ids=", ".join(["%s"] * len(ids))), [*ids, *ids, _FORMAL_STAGE, *ids])
            for part, application_id, count, code, opinion, given_on, _at, _id in cursor.fetchall():
                if part == _FORMAL_COUNT:
                    formal[application_id] = count
                elif part == _OPINION:
                    opinions[application_id][Agency(code)] = (Opinion(opinion), given_on)
                else:
                    latest[application_id] = (code, given_on)  # ordered: the last one read is the latest
    return {
        a.pk: _facts(a, set(documents[a.pk]), formal.get(a.pk, 0), hashes[a.pk], opinions[a.pk], latest.get(a.pk))
        for a in applications
    }


# The formal supplement requests counted, the opinions and the assessments in force (the latest last), of
# each application: one statement rather than three ORM queries, each of which cost more to build than
# its round trip. The columns: part, application, count (formal requests), agency or result, opinion,
# dossier hash given on; then the order (when assessed, id).
_FORMAL_COUNT, _OPINION, _ASSESSMENT = 0, 1, 2
_FORMAL_STAGE = SupplementStage.FORMAL.value
_REVIEWS_SQL = (  # (the assessments first: PostgreSQL types a NULL column by the branches before it)
    f"SELECT {_ASSESSMENT} AS part, application_id, 0 AS n, result AS code, NULL AS opinion, dossier_hash,"
    f" assessed_at AS at, id FROM {AssessmentRecord._meta.db_table}"
    " WHERE voided_at IS NULL AND application_id IN ({ids})"
    " UNION ALL"
    f" SELECT {_OPINION}, application_id, 0, agency, opinion, dossier_hash, NULL, id"
    f" FROM {OpinionRecord._meta.db_table} WHERE voided_at IS NULL AND application_id IN ({{ids}})"
    " UNION ALL"
    f" SELECT {_FORMAL_COUNT}, application_id, COUNT(*), NULL, NULL, NULL, NULL, NULL"
    f" FROM {SupplementRequest._meta.db_table} WHERE stage = %s AND application_id IN ({{ids}})"
    " GROUP BY application_id"
    " ORDER BY 1, 2, 7, 8"
)


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
    actor: User, applications: Iterable[Application], documents: dict[int, dict[str, str]] | None = None
) -> tuple[ActorStanding, dict[int, ApplicationFacts]]:
    listed = list(applications)
    return ActorStanding.of(actor), facts_for(listed, documents)
