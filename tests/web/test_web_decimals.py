"""A dossier with fractional percentages, through the web page, the API and the template filter: the
percentages are Decimals in the store (contracts.json_numbers) and go out as the same numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from pilot_world import ON, World, client_for

from vatspilot.services import applications as svc
from vatspilot.web.templatetags.vatspilot_web import percent

OWNERSHIP = [
    {"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": Decimal("33.33")},
    {"name": "上海示例科技有限公司", "jurisdiction": "CN", "percent": Decimal("66.67")},
]

# Pending the requests in helper H3's report: web/forms.py and api/api.py write a Decimal with
# contracts.json_numbers. Strict: once they do, these pass and the marks must go.


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("33.33"), "33.33%"),
        (Decimal("100.0"), "100%"),
        (100, "100%"),
        (49.5, "49.5%"),
        (Decimal("0.50"), "0.5%"),
        (Decimal("12.3456789"), "12.3456789%"),  # exactly, where a float's :g showed 12.3457
        (None, ""),
    ],
)
def test_the_percent_filter_shows_the_number_exactly(value, shown) -> None:
    assert percent(value) == shown


def _dossier(world: World):
    application = svc.create_application(actor=world.applicant, organisation=world.organisation, on=ON)
    return svc.update_dossier(
        actor=world.applicant,
        application=application,
        on=ON,
        ownership=OWNERSHIP,
        services=[{"code": "B11"}],
    )


def test_the_dossier_page_shows_fractional_percents_in_the_ownership_field(world: World) -> None:
    application = _dossier(world)

    page = client_for(world.applicant).get(reverse("web:dossier", args=[application.pk])).content.decode()

    assert "&quot;percent&quot;: 33.33" in page  # the textarea's text, HTML-escaped


def test_the_api_gives_fractional_percents_as_numbers(world: World) -> None:
    application = _dossier(world)

    detail = client_for(world.applicant).get(f"/api/v1/applications/{application.pk}").json()

    assert [holder["percent"] for holder in detail["dossier"]["ownership"]] == [33.33, 66.67]
