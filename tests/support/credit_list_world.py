"""The credit lists' world for the lists' tests of every entry point (tests/web/test_web_credit_lists.py,
tests/api/test_api_lists.py): two enterprises listed by MIIT through the services, one on the bad-record
list in force, one on the dishonest list, and an earlier bad-record listing of the second, removed."""

from __future__ import annotations

from datetime import date

from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.services.licences.lists import list_enterprise, remove_listing

USCC_A = "91310115MA1FL1234M"
USCC_B = "91110105MA01B2C3DL"


def list_three(world: World) -> World:
    miit = world.users[Role.MIIT_REVIEWER]
    list_enterprise(
        actor=miit,
        list=CreditList.BAD_RECORD,
        name="海港云（上海）有限公司",
        uscc=USCC_A,
        listed_on=date(2025, 9, 1),
        reason="逾期未报送年度报告",
        penalty_decided_on=date(2025, 8, 20),
    )
    list_enterprise(
        actor=miit,
        list=CreditList.DISHONEST,
        name="北方数据（北京）有限公司",
        uscc=USCC_B,
        licence_number="B2-20250001",
        listed_on=date(2025, 9, 2),
        reason="经营许可证被吊销",
    )
    old = list_enterprise(
        actor=miit,
        list=CreditList.BAD_RECORD,
        name="北方数据（北京）有限公司",
        uscc=USCC_B,
        listed_on=date(2025, 1, 5),
        reason="逾期未报送年度报告",
    )
    remove_listing(actor=miit, entry=old, removed_on=date(2025, 4, 1), reason="已补报并经确认")
    return world
