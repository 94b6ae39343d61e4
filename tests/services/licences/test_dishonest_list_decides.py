"""Once the platform knows an enterprise's USCC, its dishonest-list entry decides that eligibility
condition, whatever the dossier claims (Order 42 Art. 37); a removal lifts it from the removal day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilot_world import ON, World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.services.applications.dossier import recompute_determination
from vatspilot.services.licences.lists import list_enterprise, remove_listing

pytestmark = pytest.mark.django_db


def _condition(determination: dict[str, object]) -> tuple[str, str]:
    reasons = [r for r in determination["conditions"] if r["rule"] == "condition:dishonest-list"]  # type: ignore[index,union-attr]
    assert len(reasons) == 1
    return determination["outcome"], reasons[0]["effect"]  # type: ignore[return-value,index]


def test_a_dishonest_listing_blocks_whatever_the_dossier_says(world: World) -> None:
    application = world.new_application()
    assert application.dishonest_list is False
    assert _condition(recompute_determination(application, on=ON)) == ("eligible", "requires")

    miit = world.users[Role.MIIT_REVIEWER]
    entry = list_enterprise(
        actor=miit,
        list=CreditList.DISHONEST,
        name=world.organisation.name,
        uscc=world.organisation.uscc,
        listed_on=ON,
        reason="Licence revoked",
    )
    assert _condition(recompute_determination(application, on=ON)) == ("ineligible", "blocks")

    removed_on = ON + timedelta(days=1)
    remove_listing(actor=miit, entry=entry, removed_on=removed_on, reason="Rectified and confirmed")
    assert _condition(recompute_determination(application, on=removed_on)) == ("eligible", "requires")
    assert application.dishonest_list is False  # the dossier itself is never rewritten
