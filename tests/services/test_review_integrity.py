"""A decision rests on what was reviewed (issue 7, part 1), on a real database: opinions, assessments and
decisions carry the dossier's content hash; a supplement answer that changes the dossier voids the
reviews (kept, marked, named on the timeline and in the audit trail); approval needs them again and an
eligible determination on the decision day; the concurrences' conditions are carried into the decision."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pilot_world import BASIS, DOSSIER, ON, PDF, World, client_for, compile_catalogue

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.services.applications.documents import add_document_version
from vatspilot.services.applications.dossier import dossier_hash_of
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    AuditEntry,
    Decision,
    Opinion,
    Organisation,
    SecurityAssessment,
)

PILOT_DOCUMENTS = [
    "business-licence",
    "articles-of-association",
    "ownership-structure-statement",
    "business-plan",
    "technical-solution",
    "service-quality-measures",
    "data-security-measures",
    "lawful-operation-undertaking",
    "network-topology-domestic",
    "network-topology-overseas",
    "contingency-plan",
]
# The issue's attack: the supplement answered by rewriting the ownership to 100% US, adding news content
# and ticking the dishonest list.
ATTACK = {
    "ownership": [{"name": "Pacific Holdings Inc.", "jurisdiction": "US", "percent": 100}],
    "services": [{"code": "B11"}, {"code": "B25-05", "content": ["news"]}],
    "dishonest_list": True,
}
ALL_VOID = (
    "The dossier changed after these were given; they are void and must be given again: opinion of MIIT, "
    "opinion of the CAC, opinion of the MPS, security assessment."
)


def _expected_hash(**dossier: Any) -> str:
    """The pilot world's dossier hash, written out by hand: the profile the engine judges and the
    SHA-256 of every document's current version (the same PDF bytes for each)."""
    content = {
        "format": "vatspilot/dossier-hash/v1",
        "dossier": {
            "name": "Harbour Cloud (Shanghai) Co., Ltd.",
            "uscc": "91310115MA1FL1234M",
            "registration": {"division_code": "310115", "zones": []},
            "registered_capital_cny": 10000000,
            "shareholders": DOSSIER["ownership"],
            "services": DOSSIER["services"],
            "service_area": {"kind": "provincial"},
            "dishonest_list": False,
            **dossier,
        },
        "documents": dict.fromkeys(PILOT_DOCUMENTS, hashlib.sha256(PDF).hexdigest()),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _under_review(world: World) -> Application:
    """In ministerial review, every agency concurring (CAC with conditions), the assessment positive."""
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    application = world.act(Role.MIIT_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(
        Role.CAC_REVIEWER,
        application,
        Action.RECORD_OPINION,
        opinion="concur_with_conditions",
        conditions="Keep access logs for 180 days.",
    )
    application = world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    return world.act(
        Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="positive", findings="ok"
    )


def _supplement_requested(world: World, application: Application) -> Application:
    return world.act(Role.MIIT_REVIEWER, application, Action.REQUEST_SUPPLEMENT, items=["Ownership chart"])


def _approve(world: World, application: Application, on: date = ON) -> Decision:
    world.act(Role.MIIT_REVIEWER, application, Action.APPROVE, on=on, legal_basis=BASIS)
    return Decision.objects.get(application=application)


def _refusal(world: World, application: Application, on: date = ON) -> svc.ActionRefused:
    with pytest.raises(svc.ActionRefused) as refused:
        _approve(world, application, on)
    return refused.value


def test_reviews_and_the_approval_record_the_dossier_hash_and_carry_the_conditions(world: World) -> None:
    application = _under_review(world)
    expected = _expected_hash()
    assert dossier_hash_of(application) == expected
    assert sorted(Opinion.objects.values_list("agency", "dossier_hash", "voided_at")) == [
        ("cac", expected, None),
        ("miit", expected, None),
        ("mps", expected, None),
    ]
    assert list(SecurityAssessment.objects.values_list("dossier_hash", "voided_at")) == [(expected, None)]

    decision = _approve(world, application)

    assert (decision.outcome, decision.dossier_hash) == ("approved", expected)
    assert decision.conditions == [{"agency": "cac", "conditions": "Keep access logs for 180 days."}]
    assert [s["outcome"] for s in decision.determination["services"]] == ["eligible", "eligible"]
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.details) == ("approve", {"dossier_hash": expected})
    entry = AuditEntry.objects.filter(action="application.approve").order_by("-seq").first()
    assert entry.after["dossier_hash"] == expected
    assert entry.after["conditions"] == [{"agency": "cac", "conditions": "Keep access logs for 180 days."}]


def test_the_issue_attack_voids_the_opinions_and_the_approval_is_refused(world: World) -> None:
    application = _supplement_requested(world, _under_review(world))
    reviewed = _expected_hash()
    opinion_ids = dict(Opinion.objects.values_list("agency", "id"))
    assessment_id = SecurityAssessment.objects.get().pk

    application = svc.update_dossier(actor=world.applicant, application=application, on=ON, **ATTACK)
    # Nothing is voided before the applicant hands the dossier back.
    assert Opinion.objects.filter(voided_at__isnull=True).count() == 3
    audit_before = AuditEntry.objects.count()
    application = world.act(Role.APPLICANT, application, Action.ANSWER_SUPPLEMENT)

    changed = _expected_hash(shareholders=ATTACK["ownership"], services=ATTACK["services"], dishonest_list=True)
    assert dossier_hash_of(application) == changed
    voided = [
        {
            "review": "opinion",
            "id": opinion_ids["miit"],
            "agency": "miit",
            "opinion": "concur",
            "dossier_hash": reviewed,
        },
        {
            "review": "opinion",
            "id": opinion_ids["cac"],
            "agency": "cac",
            "opinion": "concur_with_conditions",
            "dossier_hash": reviewed,
        },
        {"review": "opinion", "id": opinion_ids["mps"], "agency": "mps", "opinion": "concur", "dossier_hash": reviewed},
        {"review": "security_assessment", "id": assessment_id, "result": "positive", "dossier_hash": reviewed},
    ]
    # Kept, never deleted: marked with the time, why and the hash that replaced the one reviewed.
    rows = [*Opinion.objects.order_by("id"), *SecurityAssessment.objects.all()]
    assert len(rows) == 4
    assert {(r.dossier_hash, r.voided_reason, r.voided_for_hash, r.voided_at is not None) for r in rows} == {
        (reviewed, "dossier_changed", changed, True)
    }
    # The timeline and the audit trail name them, written in the answer's transaction.
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.note) == ("answer_supplement", ALL_VOID)
    assert event.details == {"dossier_hash": changed, "voided": voided}
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "application.answer_supplement"
    assert (entry.after["dossier_hash"], entry.after["voided"]) == (changed, voided)

    # The table refuses: the opinions no longer count.
    assert Action.APPROVE not in svc.available_actions(world.users[Role.MIIT_REVIEWER], application)
    refused = _refusal(world, application)
    assert refused.code == "guard-failed:all_agencies_concur"
    assert refused.message == "Approval needs the concurrence of MIIT, the CAC and the MPS."

    # Given again on the changed dossier, the determination of the decision day still refuses.
    world.concur_all(application)
    assert Opinion.objects.filter(voided_at__isnull=True, dossier_hash=changed).count() == 3
    refused = _refusal(world, application)
    assert refused.code == "guard-failed:determination_eligible"
    assert refused.message == (
        "Approval needs the determination on the decision day to find every service eligible: "
        "Service B11 is not eligible: change or remove it.; Service B25-05 is not eligible: change or remove it."
    )
    assert Decision.objects.count() == 0
    application.refresh_from_db()
    assert application.status == "ministerial_review"

    refusal = world.act(Role.MIIT_REVIEWER, application, Action.REFUSE, legal_basis=BASIS, reasons="Ineligible.")
    decision = Decision.objects.get(application=refusal)
    assert (decision.outcome, decision.dossier_hash, decision.conditions) == ("refused", changed, [])
    assert verify_chain().ok


def test_an_answer_that_changes_nothing_reviewed_keeps_the_reviews(world: World) -> None:
    application = _supplement_requested(world, _under_review(world))
    reviewed = _expected_hash()
    # The same values again, and a document uploaded again with the same bytes (a new version number).
    application = svc.update_dossier(actor=world.applicant, application=application, on=ON, **DOSSIER)
    again = SimpleUploadedFile("business-plan.pdf", PDF, content_type="application/pdf")
    version = add_document_version(
        actor=world.applicant, application=application, kind="business-plan", uploaded_file=again
    )
    assert version.number == 2

    application = world.act(Role.APPLICANT, application, Action.ANSWER_SUPPLEMENT)

    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.note, event.details) == (
        "answer_supplement",
        "",
        {"dossier_hash": reviewed, "voided": []},
    )
    assert Opinion.objects.filter(voided_at__isnull=False).count() == 0
    decision = _approve(world, application)
    assert (decision.outcome, decision.dossier_hash) == ("approved", reviewed)


def test_a_document_replaced_with_other_bytes_voids_the_reviews(world: World) -> None:
    application = _supplement_requested(world, _under_review(world))
    other = PDF.replace(b"%%EOF", b"% amended\n%%EOF")
    upload = SimpleUploadedFile("network-topology-overseas.pdf", other, content_type="application/pdf")
    add_document_version(
        actor=world.applicant, application=application, kind="network-topology-overseas", uploaded_file=upload
    )
    application = world.act(Role.APPLICANT, application, Action.ANSWER_SUPPLEMENT)

    assert ApplicationEvent.objects.filter(application=application).last().note == ALL_VOID
    assert Opinion.objects.filter(voided_at__isnull=True).count() == 0
    assert SecurityAssessment.objects.filter(voided_at__isnull=True).count() == 0
    assert _refusal(world, application).code == "guard-failed:all_agencies_concur"

    application = world.concur_all(application)
    decision = _approve(world, application)
    assert decision.dossier_hash == dossier_hash_of(application) != _expected_hash()
    assert decision.conditions == []  # the CAC's conditions were voided with its opinion


def test_approval_takes_the_determination_on_the_decision_day(world: World) -> None:
    application = _under_review(world)
    # Before the pilot opened B11 to a wholly foreign-owned enterprise, the same dossier is ineligible.
    refused = _refusal(world, application, on=date(2024, 1, 1))
    assert refused.code == "guard-failed:determination_eligible"
    assert Decision.objects.count() == 0
    application.refresh_from_db()
    assert application.determination["on"] == "2025-06-03"  # the refused approval wrote nothing

    decision = _approve(world, application, on=ON)
    assert decision.determination["on"] == "2025-06-03"


def test_a_review_given_before_hashes_were_kept_counts_for_nothing_and_may_be_given_again(world: World) -> None:
    application = _under_review(world)
    # Rows as migration 0005 leaves those written before it: no dossier hash.
    Opinion.objects.update(dossier_hash="")
    SecurityAssessment.objects.update(dossier_hash="")
    refused = _refusal(world, application)
    assert refused.code == "guard-failed:reviews_on_current_dossier"
    assert refused.message == (
        "The dossier changed after an opinion or the security assessment was given: they must be given again "
        "on the dossier as it stands."
    )

    application = world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")

    event = ApplicationEvent.objects.filter(application=application).last()
    assert event.note == ALL_VOID
    assert [item["review"] for item in event.details["voided"]] == ["opinion"] * 3 + ["security_assessment"]
    assert list(Opinion.objects.filter(voided_at__isnull=True).values_list("agency", "dossier_hash")) == [
        ("mps", _expected_hash())
    ]
    application = world.act(Role.MIIT_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(
        Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="positive", findings="ok"
    )
    assert _approve(world, application).dossier_hash == _expected_hash()


def test_a_change_of_the_organisations_registered_facts_after_review_blocks_approval(world: World) -> None:
    application = _under_review(world)
    # Not the applicant's edit: the enterprise's registered capital changed on record (no supplement).
    Organisation.objects.filter(pk=world.organisation.pk).update(registered_capital_cny="20000000")
    refused = _refusal(world, application)
    assert refused.code == "guard-failed:reviews_on_current_dossier"
    assert dossier_hash_of(application) == _expected_hash(registered_capital_cny=20000000)


def test_the_page_and_the_api_show_voided_reviews_the_conditions_and_the_hash(world: World) -> None:
    compile_catalogue()
    application = _supplement_requested(world, _under_review(world))
    application = svc.update_dossier(actor=world.applicant, application=application, on=ON, dishonest_list=False)
    upload = SimpleUploadedFile("business-plan.pdf", PDF + b"\n", content_type="application/pdf")
    add_document_version(actor=world.applicant, application=application, kind="business-plan", uploaded_file=upload)
    application = world.act(Role.APPLICANT, application, Action.ANSWER_SUPPLEMENT)
    application = world.act(Role.MIIT_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(
        Role.CAC_REVIEWER, application, Action.RECORD_OPINION, opinion="concur_with_conditions", conditions="Logs."
    )
    application = world.act(Role.MPS_REVIEWER, application, Action.RECORD_OPINION, opinion="concur")
    application = world.act(
        Role.SECURITY_EXPERT, application, Action.RECORD_SECURITY_ASSESSMENT, result="positive", findings="ok"
    )
    decision = _approve(world, application)
    current = dossier_hash_of(application)

    page = client_for(world.users[Role.MIIT_REVIEWER]).get(f"/applications/{application.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<strong>Void</strong>") == 4
    # Each of the four in the reviews panel, and again beside each of the three opinions in the timeline.
    assert html.count("The dossier changed after it was given.") == 4 + 3
    assert "<li>CAC: Logs.</li>" in html
    assert f"<dd><code>{current}</code></dd>" in html
    assert ALL_VOID in html  # the answer's timeline entry

    with translation.override("zh-hans"):
        page_zh = client_for(world.users[Role.MIIT_REVIEWER], "zh-hans").get(f"/applications/{application.pk}/")
    assert page_zh.content.decode().count("<strong>已失效</strong>") == 4

    body = client_for(world.users[Role.MIIT_REVIEWER]).get(f"/api/v1/applications/{application.pk}").json()
    assert body["dossier_hash"] == current == decision.dossier_hash
    assert body["decision"]["conditions"] == [{"agency": "cac", "conditions": "Logs."}]
    assert (body["decision"]["outcome"], body["decision"]["dossier_hash"]) == ("approved", current)
    answer = next(e for e in body["events"] if e["action"] == "answer_supplement")
    assert answer["details"]["dossier_hash"] == current
    assert len(answer["details"]["voided"]) == 4
