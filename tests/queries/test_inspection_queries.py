"""The inspections' read models (queries.inspections): the team size read back from a published result
(a full team's size; one more than the largest when every team is short, which re-runs to the same
teams), the public draw re-running to its record, who sees which inspection, and fixed query counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pilot_world import World, make_user

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.draw import draw
from vatspilot.queries.inspections import (
    draw_options,
    draws,
    inspections_in_reach,
    public_draw,
    team_size_asked,
    uses_inspections,
)
from vatspilot.services.supervision.inspections import run_draw
from vatspilot.store.access import NotFound, access_inspection
from vatspilot.store.models import InspectionKind, Jurisdiction, Licence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


DRAWN = date(2025, 11, 3)


def test_team_size_read_back() -> None:
    assert team_size_asked([("a", "b"), ("c",)], [False, True]) == 2
    assert team_size_asked([("a",), ()], [True, True]) == 2
    assert team_size_asked([], []) == 1


def _draw(world: World, licence: Licence, per_team: int, declared: dict[str, list[str]] | None = None) -> int:
    record = run_draw(
        actor=world.users[Role.MIIT_REVIEWER],
        jurisdiction=None,
        seed="q",
        on=DRAWN,
        kind=InspectionKind.CODE_AUDIT,
        licensee_count=1,
        inspectors_per_licensee=per_team,
        declared_conflicts=declared,
    )
    return record.pk


@pytest.mark.parametrize(("per_team", "declared"), [(2, None), (5, None), (3, {"insp_a": ["*"]})])
def test_the_public_data_re_runs_to_the_record(world: World, per_team: int, declared: object) -> None:
    licence = world.licence()
    make_user("insp_a", Role.INSPECTOR.value)
    make_user("insp_b", Role.INSPECTOR.value)
    conflicts = {"insp_a": [licence.number]} if declared else None
    pk = _draw(world, licence, per_team, conflicts)
    published = public_draw(pk)
    data = json.loads(published.data_json)
    again = draw(
        seed=data["seed"],
        licensees=data["licensees"],
        inspectors=data["inspectors"],
        conflicts=data["conflicts"],
        licensee_count=data["licensee_count"],
        inspectors_per_licensee=data["inspectors_per_licensee"],
    )
    assert [(team.licensee, team.inspectors) for team in again.teams] == [
        (team.licensee, team.inspectors) for team in published.teams
    ]
    assert [team.short for team in published.teams] == [per_team == 5 or bool(declared)]
    assert published.kind == "Code audit"
    assert published.jurisdiction == ""


def test_who_sees_which_inspection(world: World) -> None:
    licence = world.licence()
    pk = _draw(world, licence, 1)
    [row] = inspections_in_reach(world.users[Role.MIIT_REVIEWER])
    assert (row.licence_number, row.team, row.done_on, row.findings) == (licence.number, ("inspector",), None, 0)
    for user in (world.users[Role.MIIT_REVIEWER], world.users[Role.LOCAL_OFFICER], world.users[Role.INSPECTOR]):
        assert [row.pk for row in inspections_in_reach(user)] == [row.pk]
        assert access_inspection(user, row.pk).pk == row.pk
    other_inspector = make_user("insp_z", Role.INSPECTOR.value)
    for user in (world.applicant, world.other_applicant, world.outsider, other_inspector):
        assert inspections_in_reach(user) == []
        with pytest.raises(NotFound):
            access_inspection(user, row.pk)
    assert [summary.pk for summary in draws()] == [pk]
    assert [uses_inspections(u) for u in (world.users[Role.INSPECTOR], world.outsider, world.applicant)] == [
        True,
        True,
        False,
    ]
    options = draw_options(world.users[Role.LOCAL_OFFICER])
    assert options is not None and not options.nationwide
    assert [j.code for j in options.jurisdictions] == ["310000"]
    assert draw_options(world.users[Role.INSPECTOR]) is None
    with pytest.raises(NotFound):
        public_draw(999999)


def test_the_lists_cost_the_same_for_one_and_three_draws(world: World) -> None:
    licence = world.licence()
    miit = world.users[Role.MIIT_REVIEWER]
    counts = []
    for size in (1, 3):
        while len(draws()) < size:
            run_draw(
                actor=miit,
                jurisdiction=Jurisdiction.objects.get(code="310000"),
                seed=f"s{len(draws())}",
                on=DRAWN,
                kind=InspectionKind.ON_SITE,
                licensee_count=1,
                inspectors_per_licensee=1,
            )
        with CaptureQueriesContext(connection) as captured:
            assert len(draws()) == size
            assert len(inspections_in_reach(miit)) == size
        counts.append(len(captured))
    assert counts == [5, 5]
    assert licence.number in {row.licence_number for row in inspections_in_reach(miit)}
