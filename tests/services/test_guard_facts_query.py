"""The guards' facts read in one statement (the formal requests counted, the opinions and the assessment
in force): exact values for several applications read together, voided reviews left out."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vatspilot.domain.applications import Action, Agency, Opinion, Role, SecurityAssessment, State
from vatspilot.services.applications.guard_facts import facts_for
from vatspilot.store.models import Application, VoidReason
from vatspilot.store.models import Opinion as OpinionRecord
from vatspilot.store.models import SecurityAssessment as AssessmentRecord

pytestmark = pytest.mark.django_db


def test_facts_of_several_applications_in_a_fixed_number_of_statements(world):
    draft = world.ready_draft()
    formal = world.drive_to(State.SUBMITTED)
    formal = world.act(Role.LOCAL_OFFICER, formal, Action.REQUEST_SUPPLEMENT, items=["Articles"])  # (one allowed)
    formal = world.act(Role.APPLICANT, formal, Action.ANSWER_SUPPLEMENT)
    reviewed = world.concur_all(world.drive_to(State.MINISTERIAL_REVIEW))
    # A voided opinion and assessment of the past stay out of the facts.
    now = timezone.now()
    stale = dict(voided_at=now, voided_reason=VoidReason.DOSSIER_CHANGED, voided_for_hash="x", dossier_hash="old")
    OpinionRecord.objects.create(
        application=reviewed,
        agency="miit",
        opinion="object",
        actor=world.users[Role.MIIT_REVIEWER],
        given_at=now,
        **stale,
    )
    AssessmentRecord.objects.create(
        application=reviewed, result="negative", expert=world.users[Role.SECURITY_EXPERT], assessed_at=now, **stale
    )
    applications = list(
        Application.objects.select_related("organisation").filter(pk__in=[draft.pk, formal.pk, reviewed.pk])
    )

    with CaptureQueriesContext(connection) as queries:
        facts = facts_for(applications)
    assert len(queries.captured_queries) == 2  # the document versions, then the reviews and notices

    assert facts[draft.pk].formal_supplement_requests == 0
    assert facts[draft.pk].opinions == {} and facts[draft.pk].security_assessment is None
    assert facts[draft.pk].assessment_hash == ""
    assert facts[formal.pk].formal_supplement_requests == 1
    assert facts[formal.pk].opinions == {}
    given_on = facts[reviewed.pk].dossier_hash
    assert facts[reviewed.pk].formal_supplement_requests == 0
    assert facts[reviewed.pk].opinions == {agency: Opinion.CONCUR for agency in (Agency.MIIT, Agency.CAC, Agency.MPS)}
    assert facts[reviewed.pk].opinion_hashes == {agency: given_on for agency in (Agency.MIIT, Agency.CAC, Agency.MPS)}
    assert facts[reviewed.pk].security_assessment is SecurityAssessment.POSITIVE
    assert facts[reviewed.pk].assessment_hash == given_on
    assert len(given_on) == 64


def test_no_applications_no_statements():
    with CaptureQueriesContext(connection) as queries:
        assert facts_for([]) == {}
    assert queries.captured_queries == []
