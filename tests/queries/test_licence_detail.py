"""The licence page's read model (queries.licence_detail): the particulars, the effective status, the
history with notes, the decisions open to each reader, and a fixed number of queries however long the
history."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import LICENCE_REASON, ON, World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceState
from vatspilot.queries.licence_detail import LicenceStep, LicensedService, licence_detail
from vatspilot.services.licences.actions import reinstate_licence, suspend_licence
from vatspilot.store.models import Licence

pytestmark = pytest.mark.django_db
PUDONG_EN = "Shanghai Pudong New Area and Lin-gang"
PUDONG_ZH = "上海市浦东新区和临港新片区"


def test_a_suspended_licence_for_miit_and_the_holder(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)
    miit = world.users[Role.MIIT_REVIEWER]
    detail = licence_detail(miit, licence, today=ON)
    assert (detail.number, detail.application_id, detail.uscc) == (licence.number, licence.application_id, licence.uscc)
    assert (detail.holder_name_zh, detail.holder_name_en) == (licence.holder_name_zh, licence.holder_name_en)
    assert detail.services[0] == LicensedService(
        code="B11",
        name_en="Internet data center (IDC), incl. internet resource collaboration",
        name_zh="互联网数据中心业务",
        areas_en=(PUDONG_EN,),
        areas_zh=(PUDONG_ZH,),
    )
    assert [s.code for s in detail.services] == ["B11", "B25-05"]
    assert detail.conditions == tuple(licence.conditions)
    assert (detail.issued_on, detail.valid_until, detail.version) == (ON, date(2030, 6, 2), 2)
    assert (detail.status, detail.status_label) == (LicenceState.SUSPENDED, "Suspended")
    assert detail.history == (
        LicenceStep(ON, "issue", "Issued", "", "Valid", ""),
        LicenceStep(ON, "suspend", "Suspended", "Valid", "Suspended", LICENCE_REASON),
    )
    assert detail.actions == (LicenceAction.REINSTATE, LicenceAction.REVOKE)
    assert licence_detail(world.applicant, licence, today=ON).actions == ()


def test_the_effective_status_after_the_last_valid_day(world: World) -> None:
    licence = world.licence()
    assert licence_detail(world.applicant, licence, today=date(2030, 6, 2)).status is LicenceState.VALID
    assert licence_detail(world.applicant, licence, today=date(2030, 6, 3)).status is LicenceState.EXPIRED


def _queries(world: World, licence: Licence) -> int:
    with CaptureQueriesContext(connection) as captured:
        licence_detail(world.users[Role.MIIT_REVIEWER], licence, today=ON)
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries_however_long_the_history(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)  # 2 events
    short = _queries(world, licence)
    miit = world.users[Role.MIIT_REVIEWER]
    for _ in range(5):  # 10 more: 12 events
        licence = reinstate_licence(actor=miit, licence=licence, on=ON, expected_version=licence.version, reason="ok")
        licence = suspend_licence(actor=miit, licence=licence, on=ON, expected_version=licence.version, reason="again")
    assert len(licence_detail(miit, licence, today=ON).history) == 12
    assert _queries(world, licence) == short
