"""The licence page's "Request cancellation": offered to the holder's members only, confirmed explicitly,
recorded once; the page then says the holder applied."""

from __future__ import annotations

import pytest
from pilot_world import World, client_for
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role, State
from vatspilot.store.models import Licence

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
URL = f"/licences/{NUMBER}/"
POST = f"{URL}actions/request-cancellation/"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-09-01"
    settings.LANGUAGE_CODE = "en"
    world.drive_to(State.APPROVED)
    return Licence.objects.get()


def test_the_holder_is_offered_the_request_and_miit_is_not(world: World, licence: Licence) -> None:
    holder_page = client_for(world.applicant).get(URL).content.decode()
    miit_page = client_for(world.users[Role.MIIT_REVIEWER]).get(URL).content.decode()

    assert 'id="licence-request-cancellation"' in holder_page
    assert 'id="licence-request-cancellation"' not in miit_page


def test_without_the_confirmation_nothing_is_recorded(world: World, licence: Licence) -> None:
    response = client_for(world.applicant).post(POST, {"cancellation-expected_version": "1"})

    assert response.status_code == 422
    assert "Confirm that the holder applies for the cancellation." in response.content.decode()
    licence.refresh_from_db()
    assert (licence.cancellation_requested_on, licence.version) == (None, 1)


def test_the_confirmed_request_is_recorded_and_shown(world: World, licence: Licence) -> None:
    holder = client_for(world.applicant)

    response = holder.post(POST, {"cancellation-expected_version": "1", "cancellation-confirm": "on"}, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your application for cancellation has been recorded. MIIT decides on it." in html
    assert "The holder applied for the cancellation of this licence on 2025-09-01." in html
    assert 'id="licence-request-cancellation"' not in html
    licence.refresh_from_db()
    assert str(licence.cancellation_requested_on) == "2025-09-01"


def test_miit_may_not_post_the_request(world: World, licence: Licence) -> None:
    miit = client_for(world.users[Role.MIIT_REVIEWER])

    response = miit.post(POST, {"cancellation-expected_version": "1", "cancellation-confirm": "on"})

    assert response.status_code == 403
    licence.refresh_from_db()
    assert licence.cancellation_requested_on is None
