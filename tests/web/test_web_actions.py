"""Taking lifecycle actions from the application page: success, refusal, conflict, invalid form."""

from __future__ import annotations

from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Action, Role, State


def _post(world: World, role: Role, application, action: str, data: dict, language: str = "en"):
    return client_for(world.users[role], language).post(reverse("web:action", args=[application.pk, action]), data)


def test_the_local_officer_accepts_and_is_sent_back_to_the_page(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _post(world, Role.LOCAL_OFFICER, application, "accept", {"accept-expected_version": application.version})

    application.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:application", args=[application.pk])
    assert application.status == State.PRELIMINARY_ASSESSMENT
    assert application.events.last().action == "accept"


def test_a_role_not_allowed_gets_the_refusal_message_and_nothing_changes(world: World) -> None:
    # Given a submitted application, which only the local officer may accept
    application = world.drive_to(State.SUBMITTED)
    version = application.version

    # When the MIIT reviewer posts the accept form
    response = _post(world, Role.MIIT_REVIEWER, application, "accept", {"accept-expected_version": version})

    # Then the page says why, with a 403, and the application is as it was
    application.refresh_from_db()
    assert response.status_code == 403
    assert "Your role may not take this action on this application." in response.content.decode()
    assert application.status == State.SUBMITTED
    assert application.version == version


def test_the_refusal_message_is_in_the_users_language(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _post(
        world,
        Role.MIIT_REVIEWER,
        application,
        "accept",
        {"accept-expected_version": application.version},
        language="zh-hans",
    )

    assert response.status_code == 403
    assert "您的角色不能对此申请执行该操作。" in response.content.decode()


def test_a_stale_version_gets_the_conflict_message_and_nothing_changes(world: World) -> None:
    # Given the officer opened the page at version v, and then the applicant changed the application
    application = world.drive_to(State.SUBMITTED)
    stale = application.version
    world.act(Role.LOCAL_OFFICER, application, Action.REQUEST_SUPPLEMENT, items=["Business licence copy"])
    world.act(Role.APPLICANT, application, Action.ANSWER_SUPPLEMENT)
    application.refresh_from_db()
    current = application.version

    # When the officer accepts with the version they saw
    response = _post(world, Role.LOCAL_OFFICER, application, "accept", {"accept-expected_version": stale})

    # Then they are told to reload, and nothing changed
    application.refresh_from_db()
    assert response.status_code == 409
    assert "Reload the page and try again." in response.content.decode()
    assert application.status == State.SUBMITTED
    assert application.version == current


def test_a_form_missing_a_required_field_is_shown_again_and_nothing_changes(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _post(
        world,
        Role.LOCAL_OFFICER,
        application,
        "refuse",
        {"refuse-expected_version": application.version, "refuse-legal_basis": "Order 42", "refuse-reasons": ""},
    )

    application.refresh_from_db()
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert application.status == State.SUBMITTED


def test_a_supplement_request_lists_its_items_one_per_line(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _post(
        world,
        Role.LOCAL_OFFICER,
        application,
        "request_supplement",
        {
            "request_supplement-expected_version": application.version,
            "request_supplement-items": "Signed articles\n\n  Network topology  \n",
        },
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == State.FORMAL_SUPPLEMENT
    assert application.supplement_requests.get().items == ["Signed articles", "Network topology"]


def test_an_unknown_action_is_a_404(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _post(world, Role.LOCAL_OFFICER, application, "promote", {})

    assert response.status_code == 404


def test_an_opinion_is_recorded_and_shown_with_the_decision_record(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)

    response = _post(
        world,
        Role.CAC_REVIEWER,
        application,
        "record_opinion",
        {
            "record_opinion-expected_version": application.version,
            "record_opinion-opinion": "concur_with_conditions",
            "record_opinion-conditions": "Keep logs for 180 days",
        },
    )
    page = client_for(world.users[Role.MIIT_REVIEWER]).get(reverse("web:application", args=[application.pk]))

    assert response.status_code == 302
    text = page.content.decode()
    assert "Cyberspace Administration of China (CAC)" in text
    assert "Keep logs for 180 days" in text
    assert "Concur with conditions" in text


# --- The forms are generated from the declared fields, with the same words as before --------------------


def test_a_concurrence_with_conditions_but_none_stated_is_shown_on_the_conditions_field(world: World) -> None:
    application = world.drive_to(State.MINISTERIAL_REVIEW)

    response = _post(
        world,
        Role.CAC_REVIEWER,
        application,
        "record_opinion",
        {"record_opinion-expected_version": application.version, "record_opinion-opinion": "concur_with_conditions"},
    )

    form = dict(response.context["action_forms"])[Action.RECORD_OPINION]
    assert response.status_code == 422
    assert form.errors == {"conditions": ["State the conditions of the concurrence."]}
    assert application.opinions.count() == 0


def test_a_legal_basis_over_500_characters_is_refused_by_the_form(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = _post(
        world,
        Role.LOCAL_OFFICER,
        application,
        "refuse",
        {"refuse-expected_version": application.version, "refuse-legal_basis": "x" * 501, "refuse-reasons": "r"},
    )

    form = dict(response.context["action_forms"])[Action.REFUSE]
    application.refresh_from_db()
    assert response.status_code == 422
    assert form.errors == {"legal_basis": ["Ensure this value has at most 500 characters (it has 501)."]}
    assert application.status == State.SUBMITTED


def test_the_action_forms_keep_their_prefixes_labels_and_help_texts(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    page = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans").get(reverse("web:application", args=[application.pk]))

    forms = dict(page.context["action_forms"])
    supplement = forms[Action.REQUEST_SUPPLEMENT]
    refuse = forms[Action.REFUSE]
    assert supplement.prefix == "request_supplement"
    assert [(name, field.widget.attrs.get("rows")) for name, field in supplement.fields.items()] == [
        ("expected_version", None),
        ("items", 5),
    ]
    assert [name for name in refuse.fields] == ["expected_version", "legal_basis", "reasons"]
    text = page.content.decode()
    assert 'name="request_supplement-items"' in text
    assert 'name="refuse-legal_basis"' in text
    assert 'maxlength="500"' in text
    assert (str(supplement.fields["items"].label), str(supplement.fields["items"].help_text)) == (
        "需补正的内容",
        "每行一项。申请人将收到一份列明全部内容的通知。",
    )
    assert str(refuse.fields["legal_basis"].label) == "法律依据"
