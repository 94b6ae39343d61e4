"""Who may see what: an application another organisation's applicant (or another province's officer)
may not see answers exactly as one that does not exist."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Action, Role, State
from vatspilot.store.models import DocumentVersion

MISSING = 999_999
_TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _same_page(first, second, first_path: str, second_path: str) -> bool:
    """Equal but for the CSRF tokens (new on every page) and the page's own address (in the language
    switcher's return link)."""

    def normal(response, path: str) -> bytes:
        return _TOKEN.sub(rb"\1TOKEN", response.content).replace(path.encode(), b"PATH")

    return normal(first, first_path) == normal(second, second_path)


@pytest.mark.parametrize("page", ["web:application", "web:dossier"])
def test_another_organisations_application_is_a_404_identical_to_a_missing_one(world: World, page: str) -> None:
    application = world.drive_to(State.SUBMITTED)
    client = client_for(world.other_applicant)

    hidden_path, missing_path = reverse(page, args=[application.pk]), reverse(page, args=[MISSING])
    hidden = client.get(hidden_path)
    missing = client.get(missing_path)

    assert hidden.status_code == missing.status_code == 404
    assert _same_page(hidden, missing, hidden_path, missing_path)


def test_another_provinces_officer_cannot_see_the_application(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = client_for(world.outsider).get(reverse("web:application", args=[application.pk]))

    assert response.status_code == 404


def test_a_draft_is_not_shown_to_officials(world: World) -> None:
    application = world.new_application()

    response = client_for(world.users[Role.MIIT_REVIEWER]).get(reverse("web:application", args=[application.pk]))

    assert response.status_code == 404


def test_acting_on_an_invisible_application_is_a_404_and_changes_nothing(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)

    response = client_for(world.other_applicant).post(
        reverse("web:action", args=[application.pk, "withdraw"]), {"withdraw-expected_version": application.version}
    )

    application.refresh_from_db()
    assert response.status_code == 404
    assert application.status == State.SUBMITTED


def test_downloads_are_access_checked(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    version = DocumentVersion.objects.filter(document__application=application).first()

    hidden_path, missing_path = reverse("web:download", args=[version.pk]), reverse("web:download", args=[MISSING])
    hidden = client_for(world.other_applicant).get(hidden_path)
    missing = client_for(world.other_applicant).get(missing_path)

    assert hidden.status_code == missing.status_code == 404
    assert _same_page(hidden, missing, hidden_path, missing_path)


def test_the_officer_downloads_a_document_as_an_attachment(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    version = DocumentVersion.objects.filter(document__application=application).first()

    response = client_for(world.users[Role.LOCAL_OFFICER]).get(reverse("web:download", args=[version.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{version.sanitised_name}"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_media_files_are_not_served_from_media_url(world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    version = DocumentVersion.objects.filter(document__application=application).first()

    response = client_for(world.applicant).get("/media/" + version.file.name)

    assert response.status_code == 404


def _everyone(world: World) -> dict[str, object]:
    return {
        **{role.value: user for role, user in world.users.items()},
        "beijing_officer": world.outsider,
        "other_applicant": world.other_applicant,
    }


def _pages(application, version) -> list[str]:
    return [
        reverse("web:application", args=[application.pk]),
        reverse("web:dossier", args=[application.pk]),
        reverse("web:download", args=[version.pk]),
    ]


@pytest.mark.parametrize(
    "who",
    [*(role.value for role in Role), "beijing_officer", "other_applicant"],
)
def test_a_draft_withdrawn_before_submission_stays_the_applicants_alone(world: World, who: str) -> None:
    application = world.drive_to(State.WITHDRAWN)  # straight from the draft: never submitted
    version = DocumentVersion.objects.filter(document__application=application).first()
    client = client_for(_everyone(world)[who])

    statuses = [client.get(path).status_code for path in _pages(application, version)]
    link = f'href="{reverse("web:application", args=[application.pk])}"'.encode()
    listed = link in client.get(reverse("web:queue")).content

    assert statuses == ([200, 200, 200] if who == Role.APPLICANT.value else [404, 404, 404])
    assert not (listed and who != Role.APPLICANT.value)


OFFICIALS_OF_SHANGHAI = {role.value for role in Role} - {Role.APPLICANT.value}


@pytest.mark.parametrize(
    "who",
    [*(role.value for role in Role), "beijing_officer", "other_applicant"],
)
def test_an_application_withdrawn_after_submission_stays_on_the_officials_record(world: World, who: str) -> None:
    application = world.drive_to(State.SUBMITTED)
    application = world.act(Role.APPLICANT, application, Action.WITHDRAW)
    version = DocumentVersion.objects.filter(document__application=application).first()
    client = client_for(_everyone(world)[who])

    statuses = [client.get(path).status_code for path in _pages(application, version)]

    if who == Role.APPLICANT.value:
        assert statuses == [200, 200, 200]
    elif who in OFFICIALS_OF_SHANGHAI:
        assert statuses == [200, 302, 200]  # the dossier page is the applicant's: officials go to the application
    else:
        assert statuses == [404, 404, 404]
