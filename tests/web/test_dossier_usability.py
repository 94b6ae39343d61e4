"""The applicant's dossier page, usable without knowing JSON pointers: the error summary, the service
picker, confirmation before withdrawing, deleting a draft never submitted, and the banner that says which
dossier the determination shown belongs to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pilot_world import DOSSIER, ON, World, client_for

from vatspilot.domain.applications import Role, State
from vatspilot.services import applications as svc
from vatspilot.services.applications.dossier import dossier_hash_of
from vatspilot.store.models import Application, AuditEntry, DocumentVersion
from vatspilot.web.dossier_errors import plain_message, subject_of

pytestmark = pytest.mark.django_db


def _form(ownership: list[dict[str, Any]], services: list[dict[str, str]]) -> dict[str, Any]:
    import json

    data: dict[str, Any] = {
        "ownership": json.dumps(ownership),
        "service_area_kind": "provincial",
        "services-TOTAL_FORMS": str(len(services)),
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "20",
    }
    for index, service in enumerate(services):
        data[f"services-{index}-code"] = service.get("code", "")
        data[f"services-{index}-scope"] = service.get("scope", "")
    return data


def _draft(world: World) -> Application:
    return svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)


def _summary(page: str) -> str:
    start = page.index('<div class="error-summary"')
    return page[start : page.index("</div>", start) + len("</div>")]


_PERCENT_150 = [{"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": 150}]


# --- The error summary -----------------------------------------------------------------------------------


def test_the_summary_heads_the_form_with_each_error_linked_to_its_field(world: World) -> None:
    application = _draft(world)

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]), _form(_PERCENT_150, [{"code": "B11"}])
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert _summary(page) == (
        '<div class="error-summary" role="alert" aria-labelledby="error-summary-heading" tabindex="-1" '
        "data-error-summary>\n"
        '  <h3 id="error-summary-heading">The dossier was not saved: correct 1 problem.</h3>\n'
        "  <ul>\n"
        '    <li><a href="#id_ownership">Shareholder 1: the percentage must be 100 or less</a></li>\n'
        "  </ul>\n"
        "</div>"
    )
    # The summary comes before the first field of the form.
    assert page.index("data-error-summary") < page.index('id="id_ownership"')
    application.refresh_from_db()
    assert application.ownership == []


def test_the_summary_in_chinese(world: World) -> None:
    application = _draft(world)

    response = client_for(world.applicant, "zh-hans").post(
        reverse("web:dossier", args=[application.pk]), _form(_PERCENT_150, [{"code": "B11"}])
    )

    summary = _summary(response.content.decode())
    assert "申请材料未保存：请更正1处问题。" in summary
    assert '<a href="#id_ownership">股东1：持股比例不得超过100</a>' in summary


def test_a_scope_of_another_service_is_refused_naming_the_row_and_linked_to_its_scope(world: World) -> None:
    application = _draft(world)

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]),
        _form(DOSSIER["ownership"], [{"code": "B21", "scope": "e-commerce"}, {"code": "B11", "scope": "app-store"}]),
    )

    assert response.status_code == 422
    assert (
        '<li><a href="#id_services-1-scope">Row 2: App store (B25-01) is not a scope of B11 Internet data centre '
        "(IDC). Its scopes: none.</a></li>"
    ) in _summary(response.content.decode())
    application.refresh_from_db()
    assert application.services == []


def test_a_scope_of_b14_offered_to_b21_names_b21s_own_scopes(world: World) -> None:
    application = _draft(world)

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]),
        _form(DOSSIER["ownership"], [{"code": "B21", "scope": "website-access"}]),
    )

    assert response.context["services_formset"].forms[0].errors["scope"] == [
        "Row 1: Website access (B14) is not a scope of B21 Online data processing and transaction processing. "
        "Its scopes: E-commerce (B21), Transaction processing (B21), Electronic data interchange (B21), "
        "Device data processing (B21)."
    ]


@pytest.mark.parametrize(
    ("code", "pointer", "params", "message"),
    [
        (
            "maximum",
            "/shareholders/0/percent",
            {"value": 150, "limit": 100},
            "Shareholder 1: the percentage must be 100 or less",
        ),
        (
            "exclusiveMinimum",
            "/shareholders/1/shareholders/0/percent",
            {"value": 0, "limit": 0},
            "Shareholder 1 of shareholder 2: the percentage must be more than 0",
        ),
        ("missing", "/shareholders/2/name", {}, "Shareholder 3: the name is missing"),
        (
            "shares-do-not-add-up",
            "/shareholders/0/shareholders",
            {"total": "90"},
            "Shareholder 1: the percentages add up to 90%; they must add up to 100%",
        ),
        (
            "scope-not-of-code",
            "/services/2/scope",
            {"code": "B11"},
            "Service row 3: the scope chosen is not a scope of service B11",
        ),
        ("no-words-for-this", "/shareholders/0", {}, "the services' own message"),
    ],
)
def test_pointer_errors_in_the_users_words(code: str, pointer: str, params: dict[str, Any], message: str) -> None:
    assert plain_message(code, pointer, params, "the services' own message") == message


def test_subjects_of_pointers() -> None:
    assert [subject_of(p) for p in ("/shareholders", "/services", "/service_area/provinces/0", "")] == [
        "Ownership",
        "Services requested",
        "Service area",
        "Dossier",
    ]


# --- The service picker -------------------------------------------------------------------------------


def test_each_scope_option_names_its_service_and_the_selects_are_marked_for_the_script(world: World) -> None:
    application = _draft(world)

    page = client_for(world.applicant).get(reverse("web:dossier", args=[application.pk])).content.decode()

    options = re.findall(
        r'<option value="([a-z-]+)" data-code="([A-Z0-9-]+)"',
        page.split('name="services-0-scope"')[1].split("</select>")[0],
    )
    assert options == [
        ("end-user-access", "B14"),
        ("website-access", "B14"),
        ("e-commerce", "B21"),
        ("transaction-processing", "B21"),
        ("edi", "B21"),
        ("device-data-processing", "B21"),
        ("domestic", "B24"),
        ("offshore", "B24"),
        ("app-store", "B25-01"),
    ]
    assert '<select name="services-0-code" data-service-select="" id="id_services-0-code">' in page
    assert '<select name="services-0-scope" data-scope-select="" id="id_services-0-scope">' in page
    assert '<script src="/static/web/application.js" defer></script>' in page


# --- Withdrawing asks first ---------------------------------------------------------------------------


def test_withdraw_is_a_link_to_its_confirmation_with_a_dialog_for_the_script(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    page = client_for(world.applicant).get(reverse("web:application", args=[application.pk])).content.decode()

    confirm = reverse("web:withdraw_confirm", args=[application.pk])
    action = reverse("web:action", args=[application.pk, "withdraw"])
    assert f'<a class="button button--danger" href="{confirm}" data-opens-dialog="withdraw-dialog">' in page
    assert '<dialog id="withdraw-dialog"' in page
    assert page.count(f'action="{action}"') == 1  # inside the dialog only
    assert page.index('<dialog id="withdraw-dialog"') < page.index(f'action="{action}"')


def test_the_confirmation_page_withdraws_through_the_lifecycle_action(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.applicant)

    page = client.get(reverse("web:withdraw_confirm", args=[application.pk])).content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)">.*?name="withdraw-expected_version" value="(\d+)"', page, re.S
    )
    response = client.post(form.group(1), {"withdraw-expected_version": form.group(2)})

    application.refresh_from_db()
    assert form.group(1) == reverse("web:action", args=[application.pk, "withdraw"])
    assert response.status_code == 302
    assert application.status == State.WITHDRAWN.value
    assert list(application.events.values_list("action", flat=True)) == ["submit", "withdraw"]


@pytest.mark.parametrize("who", ["officer", "other_applicant"])
def test_the_withdraw_confirmation_is_not_found_for_others(world: World, who: str) -> None:
    application = world.drive_to(State.SUBMITTED)
    user = world.users[Role.LOCAL_OFFICER] if who == "officer" else world.other_applicant

    response = client_for(user).get(reverse("web:withdraw_confirm", args=[application.pk]))

    assert response.status_code == 404


# --- Deleting a draft never submitted -------------------------------------------------------------------


def test_a_draft_offers_deletion_and_the_confirmation_deletes_it(world: World) -> None:
    application = world.ready_draft()
    client = client_for(world.applicant)
    url = reverse("web:delete_draft", args=[application.pk])

    dossier = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    confirm = client.get(url)
    response = client.post(url, {"expected_version": application.version})

    assert f'href="{url}">Delete this draft</a>' in dossier
    assert confirm.status_code == 200
    assert "The draft and every document uploaded to it are deleted for good." in confirm.content.decode()
    assert response.status_code == 302 and response["Location"] == reverse("web:applications")
    assert not Application.objects.filter(pk=application.pk).exists()
    assert AuditEntry.objects.filter(action="application.deleted", object_id=str(application.pk)).count() == 1


def test_a_submitted_application_offers_no_deletion_and_a_post_is_refused_changing_nothing(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.applicant)
    url = reverse("web:delete_draft", args=[application.pk])
    before = (application.version, DocumentVersion.objects.filter(document__application=application).count())

    dossier = client.get(reverse("web:dossier", args=[application.pk])).content.decode()
    response = client.post(url, {"expected_version": application.version})

    application.refresh_from_db()
    assert "Delete this draft" not in dossier
    assert response.status_code == 422
    assert (
        "Only a draft that was never submitted can be deleted; withdraw the application instead."
        in response.content.decode()
    )
    assert (application.version, DocumentVersion.objects.filter(document__application=application).count()) == before
    assert application.status == State.SUBMITTED.value


@pytest.mark.parametrize("who", ["officer", "other_applicant"])
def test_others_cannot_delete_a_draft(world: World, who: str) -> None:
    application = world.new_application()
    user = world.users[Role.LOCAL_OFFICER] if who == "officer" else world.other_applicant

    response = client_for(user).post(reverse("web:delete_draft", args=[application.pk]))

    assert response.status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_stale_deletion_is_a_conflict(world: World) -> None:
    application = world.new_application()

    response = client_for(world.applicant).post(
        reverse("web:delete_draft", args=[application.pk]), {"expected_version": application.version - 1}
    )

    assert response.status_code == 409
    assert Application.objects.filter(pk=application.pk).exists()


# --- Which dossier the determination belongs to -------------------------------------------------------------


def test_the_determination_names_the_saved_dossier_version(world: World) -> None:
    application = world.new_application()

    page = client_for(world.applicant).get(reverse("web:dossier", args=[application.pk])).content.decode()

    saved = timezone.localtime(application.updated_at).strftime("%Y-%m-%d %H:%M")
    assert (
        f"The determination below belongs to the dossier as last saved ({saved}, dossier version "
        f"{dossier_hash_of(application)[:12]})."
    ) in page
    assert '<div class="alert alert--warning" id="unsaved-edits" role="status" data-unsaved-banner hidden>' in page


def test_after_a_refused_save_the_banner_says_the_determination_is_the_last_saved_ones(world: World) -> None:
    application = world.new_application()

    response = client_for(world.applicant).post(
        reverse("web:dossier", args=[application.pk]), _form(_PERCENT_150, [{"code": "B11"}])
    )

    page = response.content.decode()
    assert '<div class="alert alert--warning" id="unsaved-edits" role="status" data-unsaved-banner>' in page
    assert (
        "The determination shown belongs to the last saved version of the dossier, not to the form as it stands"
    ) in page


def test_the_pages_carry_no_inline_script(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.applicant)

    for url in (
        reverse("web:dossier", args=[application.pk]),
        reverse("web:application", args=[application.pk]),
        reverse("web:withdraw_confirm", args=[application.pk]),
    ):
        page = client.get(url).content.decode()
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
        assert re.findall(r"\son[a-z]+=", page) == []
        assert 'style="' not in page
