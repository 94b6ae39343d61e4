"""Reviews rest on the dossier they judged: voiding the opinions and assessments the dossier has moved
away from, and the conditions of the concurrences in force.

A review is voided, never deleted: the row stays with when, why and the hash of the dossier that
replaced the one it judged. The caller writes the voiding into its own timeline event and audit entry,
in its transaction (see review_actions.answer_supplement).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, TypeAlias, TypedDict

from django.utils.translation import gettext as _

from vatspilot.domain.applications import REVIEWING_AGENCIES
from vatspilot.store.models import Application, VoidReason
from vatspilot.store.models import Opinion as OpinionRecord
from vatspilot.store.models import SecurityAssessment as AssessmentRecord


class VoidedOpinion(TypedDict):
    review: Literal["opinion"]
    id: int
    agency: str
    opinion: str
    dossier_hash: str  # the dossier the opinion judged


class VoidedAssessment(TypedDict):
    review: Literal["security_assessment"]
    id: int
    result: str
    dossier_hash: str  # the dossier the assessment judged


# A voided review as the timeline event's details and the audit entry name it (JSON, so a plain dict).
VoidedReview: TypeAlias = VoidedOpinion | VoidedAssessment


def void_reviews_not_on(application: Application, dossier_hash: str, *, at: datetime) -> list[VoidedReview]:
    """Void every opinion and assessment in force that was given on another dossier hash; what was voided,
    opinions first (MIIT, CAC, MPS), then assessments, oldest first."""
    voided: list[VoidedReview] = []
    stale_opinions = {
        opinion.agency: opinion
        for opinion in OpinionRecord.objects.select_for_update()
        .filter(application=application, voided_at__isnull=True)
        .exclude(dossier_hash=dossier_hash)
    }
    for agency in REVIEWING_AGENCIES:
        opinion = stale_opinions.get(agency.value)
        if opinion is None:
            continue
        voided.append(
            {
                "review": "opinion",
                "id": opinion.pk,
                "agency": opinion.agency,
                "opinion": opinion.opinion,
                "dossier_hash": opinion.dossier_hash,
            }
        )
        _void(opinion, dossier_hash, at)
    for assessment in (
        AssessmentRecord.objects.select_for_update()
        .filter(application=application, voided_at__isnull=True)
        .exclude(dossier_hash=dossier_hash)
        .order_by("assessed_at", "id")
    ):
        voided.append(
            {
                "review": "security_assessment",
                "id": assessment.pk,
                "result": assessment.result,
                "dossier_hash": assessment.dossier_hash,
            }
        )
        _void(assessment, dossier_hash, at)
    return voided


def _void(review: OpinionRecord | AssessmentRecord, dossier_hash: str, at: datetime) -> None:
    review.voided_at = at
    review.voided_reason = VoidReason.DOSSIER_CHANGED
    review.voided_for_hash = dossier_hash
    review.save(update_fields=["voided_at", "voided_reason", "voided_for_hash"])


def voided_note(voided: Sequence[VoidedReview]) -> str:
    """The timeline's words for what was voided, or "" when nothing was."""
    if not voided:
        return ""
    names = {"miit": _("MIIT"), "cac": _("the CAC"), "mps": _("the MPS")}
    listed = [
        _("opinion of %(agency)s") % {"agency": names[item["agency"]]}
        if item["review"] == "opinion"
        else _("security assessment")
        for item in voided
    ]
    return _("The dossier changed after these were given; they are void and must be given again: %(reviews)s.") % {
        "reviews": ", ".join(listed)
    }


def conditions_in_force(application: Application) -> list[dict[str, str]]:
    """The conditions of the concurrences in force, [{agency, conditions}] in the order MIIT, CAC, MPS:
    what the decision, and later the licence, carries."""
    conditions = dict(
        OpinionRecord.objects.filter(application=application, voided_at__isnull=True)
        .exclude(conditions="")
        .values_list("agency", "conditions")
    )
    return [
        {"agency": agency.value, "conditions": conditions[agency.value]}
        for agency in REVIEWING_AGENCIES
        if agency.value in conditions
    ]
