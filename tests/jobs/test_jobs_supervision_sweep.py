"""`vatspilot jobs supervision-sweep` and its task: report reminders and listing proposals, with counts."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from pilot_world import World

from vatspilot.cli.jobs import jobs
from vatspilot.jobs.supervision_sweep import run_supervision_sweep
from vatspilot.store.models import ObligationNotice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_command_sweeps_on_the_given_day(world: World) -> None:
    world.licence()  # issued 2025-06-03: 2025-Q3 due 2025-10-15, cure deadline 2025-10-30
    reminded = CliRunner().invoke(jobs, ["supervision-sweep", "--on", "2025-10-08"])
    proposed = CliRunner().invoke(jobs, ["supervision-sweep", "--on", "2025-10-31"])
    assert (reminded.exit_code, reminded.output) == (
        0,
        "supervision sweep on 2025-10-08: 1 reminders sent, 0 listings proposed\n",
    )
    assert (proposed.exit_code, proposed.output) == (
        0,
        "supervision sweep on 2025-10-31: 0 reminders sent, 1 listings proposed\n",
    )


def test_the_task_runs_for_today_in_china(world: World, pinned_now) -> None:
    world.licence()
    pinned_now(date(2025, 10, 31))
    assert run_supervision_sweep.call() == {"reminded": 0, "proposed": 1}
    assert run_supervision_sweep.call() == {"reminded": 0, "proposed": 0}
    assert ObligationNotice.objects.get().obligation == "quarterly-report 2025-Q3"
