"""A file accepted on 2 December 2026 shows a provisional due date in 2027 on its page, not "unknown"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Role, State


@pytest.fixture
def today_2_december_2026(settings: Any) -> None:
    """Pins legal_today(), the one place the pages read the date they judge clocks on."""
    settings.VATSPILOT_TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("language", "due", "badge"),
    [
        ("en", "<dd>2027-03-01 (provisional)</dd>", "Provisional: 2027 holidays projected"),
        ("zh-hans", "<dd>2027年3月1日 （暂定）</dd>", "暂定：2027 年节假日为推算"),
    ],
)
def test_the_application_page_shows_the_provisional_due_date(
    world: World, today_2_december_2026: None, language: str, due: str, badge: str
) -> None:
    # 21 working days are left in December 2026 and 39 more on the projected 2027 (1 Jan and 5-8 Feb
    # off): the 60th is Mon 1 March 2027.
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2026, 12, 1), date(2026, 12, 2)])

    response = client_for(world.users[Role.LOCAL_OFFICER], language).get(
        reverse("web:application", args=[application.pk])
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert due in text
    assert f'<span class="badge badge--provisional">{badge}</span>' in text
