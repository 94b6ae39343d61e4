"""The applicant's dossier page: editing, the determination, uploads and the submit button."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pilot_world import DOSSIER, ON, PDF, World, client_for

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.store.models import DocumentKind, DocumentVersion
from vatspilot.web.forms import DossierForm
from vatspilot.web.views.dossier import _show_refusal


def _form(ownership: Any, services: list[dict[str, str]], area: str = "provincial") -> dict[str, Any]:
    data: dict[str, Any] = {
        "ownership": ownership if isinstance(ownership, str) else json.dumps(ownership),
        "service_area_kind": area,
        "services-TOTAL_FORMS": str(len(services) + 1),
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "20",
    }
    for index, service in enumerate([*services, {}]):
        data[f"services-{index}-code"] = service.get("code", "")
        data[f"services-{index}-scope"] = service.get("scope", "")
    return data


def _draft(world: World):
    return svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)


def test_saving_the_dossier_stores_it_and_shows_the_determination(world: World) -> None:
    application = _draft(world)
    client = client_for(world.applicant)

    response = client.post(
        reverse("web:dossier", args=[application.pk]),
        _form(DOSSIER["ownership"], [{"code": "B11"}, {"code": "B21", "scope": "e-commerce"}]),
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.ownership == DOSSIER["ownership"]
    assert application.services == [{"code": "B11"}, {"code": "B21", "scope": "e-commerce"}]
    assert application.determination["outcome"] == "eligible"
    page = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert "Eligible" in page
    assert application.rulebook_version in page


def test_shares_that_do_not_add_up_are_shown_by_their_pointer_and_nothing_is_saved(world: World) -> None:
    application = _draft(world)
    bad = [{"name": "A", "jurisdiction": "HK", "percent": 60}, {"name": "B", "jurisdiction": "CN", "percent": 30}]

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]), _form(bad, [{"code": "B11"}])
    )

    application.refresh_from_db()
    assert response.status_code == 422
    assert "Ownership: the percentages add up to 90%; they must add up to 100%" in response.content.decode()
    assert application.ownership == []


def test_ownership_that_is_not_json_names_the_line_and_column(world: World) -> None:
    application = _draft(world)

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]), _form('[{"name": "A",\n  "percent": }]', [{"code": "B11"}])
    )

    assert response.status_code == 422
    assert "This is not valid JSON (line 2, column" in response.content.decode()


def test_submit_is_disabled_with_the_exact_list_of_what_is_missing(world: World) -> None:
    application = world.new_application()

    page = client_for(world.applicant).get(reverse("web:dossier", args=[application.pk])).content.decode()

    assert 'disabled aria-describedby="submit-blockers"' in page
    for kind in application.determination["required_documents"]:
        assert f"Document missing: {DocumentKind(kind).label}" in page


def test_an_ineligible_determination_disables_submit_and_says_so(world: World) -> None:
    application = _draft(world)
    # B13 (IP-VPN) is not opened to foreign investment.
    svc.update_dossier(
        actor=world.applicant,
        application=application,
        on=ON,
        ownership=DOSSIER["ownership"],
        services=[{"code": "B13"}],
        service_area={"kind": "provincial"},
    )

    page = client_for(world.applicant).get(reverse("web:dossier", args=[application.pk])).content.decode()

    assert "The determination finds no requested service eligible." in page
    assert "Service B13 is not eligible: change or remove it." in page
    assert 'disabled aria-describedby="submit-blockers"' in page


def test_uploading_through_the_form_adds_a_version(world: World) -> None:
    application = world.new_application()
    client = client_for(world.applicant)

    response = client.post(
        reverse("web:upload", args=[application.pk]),
        {"kind": "business-plan", "file": SimpleUploadedFile("计划.pdf", PDF, content_type="application/pdf")},
    )

    version = DocumentVersion.objects.get(document__application=application, document__kind="business-plan")
    assert response.status_code == 302
    assert version.number == 1
    assert version.sanitised_name == "计划.pdf"
    page = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert reverse("web:download", args=[version.pk]) in page
    assert "Business plan: version 1 uploaded (计划.pdf)." in page


def test_a_rejected_upload_says_why_and_keeps_nothing(world: World) -> None:
    application = world.new_application()
    client = client_for(world.applicant)

    client.post(
        reverse("web:upload", args=[application.pk]),
        {"kind": "business-plan", "file": SimpleUploadedFile("plan.pdf", b"hello", content_type="application/pdf")},
    )

    page = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert "Business plan: Upload a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file." in page
    assert not DocumentVersion.objects.filter(document__application=application).exists()


def test_an_official_cannot_upload(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = client_for(world.users[Role.LOCAL_OFFICER]).post(
        reverse("web:upload", args=[application.pk]),
        {"kind": "business-plan", "file": SimpleUploadedFile("plan.pdf", PDF)},
    )

    assert response.status_code == 403


def test_once_complete_the_applicant_submits_from_the_dossier_page(world: World) -> None:
    application = world.new_application()
    world.upload_required(application)
    client = client_for(world.applicant)
    page = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert "submit-blockers" not in page

    application.refresh_from_db()
    response = client.post(
        reverse("web:action", args=[application.pk, "submit"]), {"submit-expected_version": application.version}
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == State.SUBMITTED


def test_the_supplement_notice_lists_its_items_and_is_answered_from_the_dossier_page(world: World) -> None:
    application = world.drive_to(State.FORMAL_SUPPLEMENT)
    client = client_for(world.applicant)

    page = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    assert "Articles of association, signed copy" in page
    assert "Answer the supplement request" in page

    application.refresh_from_db()
    response = client.post(
        reverse("web:action", args=[application.pk, Action.ANSWER_SUPPLEMENT.value]),
        {"answer_supplement-expected_version": application.version},
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == State.SUBMITTED


def test_the_dossier_cannot_be_changed_once_submitted(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    before = application.ownership

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]),
        _form([{"name": "X", "jurisdiction": "CN", "percent": 100}], [{"code": "B11"}]),
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert 'name="ownership"' not in response.content.decode()
    assert application.ownership == before


# --- A refusal is shown where its pointer says, never by reading the message ----------------------------

_BAD_PERCENT = [{"name": "A", "jurisdiction": "HK", "percent": 50}, {"name": "B", "jurisdiction": "CN", "percent": 150}]


def test_a_refusal_pointing_into_the_shareholders_is_shown_on_the_ownership_field(world: World) -> None:
    application = _draft(world)

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]), _form(_BAD_PERCENT, [{"code": "B11"}])
    )

    form = response.context["form"]
    assert response.status_code == 422
    assert form.errors["ownership"] == ["Shareholder 2: the percentage must be 100 or less"]
    assert form.non_field_errors() == []
    assert response.context["services_error"] is None


def test_a_refusal_pointing_into_the_services_is_shown_on_the_services_table(db: None) -> None:
    # (The form itself refuses a scope of another service, tests/web/test_dossier_usability.py; a
    # refusal the services locate in the services still goes to the services table.)
    form = DossierForm(data={})
    refusal = svc.ActionRefused(
        "scope-not-of-code",
        "/services/0/scope: 'e-commerce' is not a scope of B11 (its scopes: -)",
        pointer="/services/0/scope",
        input_scope="e-commerce",
        input_code="B11",
        input_scopes="-",
    )

    assert _show_refusal(form, refusal) == "Service row 1: the scope chosen is not a scope of service B11"
    assert form.non_field_errors() == []


def test_where_a_refusal_is_shown_depends_on_its_pointer_not_its_message(db: None) -> None:
    form = DossierForm(data={})
    refusal = svc.ActionRefused("maximum", "/services/0/code: looks like a services pointer", pointer="/dishonest_list")

    assert _show_refusal(form, refusal) is None
    assert form.errors["dishonest_list"] == ["/services/0/code: looks like a services pointer"]


def test_a_refusal_without_a_pointer_is_shown_on_the_whole_form(db: None) -> None:
    form = DossierForm(data={})
    refusal = svc.ActionRefused("dossier-locked", "/shareholders: not a pointer, only words")

    assert _show_refusal(form, refusal) is None
    assert form.errors["__all__"] == ["/shareholders: not a pointer, only words"]
