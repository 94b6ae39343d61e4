"""`vatspilot jobs licence-expiry` and its task: expire what has ended, then remind, with the counts."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from pilot_world import World

from vatspilot.cli.jobs import jobs
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.jobs.licence_expiry import run_licence_expiry
from vatspilot.store.models import Licence, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_command_expires_and_reminds_on_the_given_day(world: World) -> None:
    licence = world.licence()  # valid until 2030-06-02

    reminded = CliRunner().invoke(jobs, ["licence-expiry", "--on", "2030-05-26"])
    expired = CliRunner().invoke(jobs, ["licence-expiry", "--on", "2030-06-03"])

    assert (reminded.exit_code, reminded.output) == (
        0,
        "licence expiry on 2030-05-26: 0 licences expired, 1 reminders sent\n",
    )
    assert (expired.exit_code, expired.output) == (
        0,
        "licence expiry on 2030-06-03: 1 licences expired, 0 reminders sent\n",
    )
    assert Licence.objects.get(pk=licence.pk).status == LicenceState.EXPIRED.value
    assert list(Notification.objects.filter(kind="licence.expiry_reminder").values_list("subject", flat=True)) == [
        "Licence B1.B2-20250001 expires in 7 days"
    ]


def test_the_command_refuses_a_malformed_day() -> None:
    result = CliRunner().invoke(jobs, ["licence-expiry", "--on", "3 June"])

    assert result.exit_code == 2
    assert "Invalid value for '--on'" in result.output


def test_the_task_runs_for_today_in_china(world: World, pinned_now) -> None:
    licence = world.licence()
    pinned_now(date(2030, 6, 3))

    assert run_licence_expiry.call() == {"expired": 1, "reminded": 0}
    assert run_licence_expiry.call() == {"expired": 0, "reminded": 0}
    assert Licence.objects.get(pk=licence.pk).status == LicenceState.EXPIRED.value
