"""The demo data set: applications in every state, built through the services, with a sound audit chain."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps

from vatspilot.demo.data import accounts, create_demo, demo_exists
from vatspilot.domain.applications import State
from vatspilot.services.applications.clock import clock_for
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import Application, Decision, Licence, Organisation

TODAY = date(2026, 11, 27)


@pytest.fixture
def demo(db: None) -> None:
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    create_demo(TODAY)


def test_every_state_of_the_lifecycle_is_in_the_demo(demo: None) -> None:
    assert set(Application.objects.values_list("status", flat=True)) == {s.value for s in State}
    assert demo_exists()


def test_the_demo_covers_the_four_notice_107_regions(demo: None) -> None:
    prefixes = {o.division_code[:2] for o in Organisation.objects.all()}
    assert prefixes == {"11", "31", "46", "44"}
    assert {d.outcome for d in Decision.objects.all()} == {"approved", "refused"}


def test_the_demo_has_an_account_for_every_role(demo: None) -> None:
    roles = {a.role for a in accounts()}
    assert roles == {
        "applicant",
        "local_officer",
        "miit_reviewer",
        "cac_reviewer",
        "mps_reviewer",
        "security_expert",
        "inspector",
        "administrator",
    }


def test_the_demo_shows_clocks_on_track_due_soon_and_overdue(demo: None) -> None:
    statuses = {clock_for(a, TODAY).status for a in Application.objects.all()}
    assert {"on_track", "due_soon", "overdue", "stopped", "not_started"} <= statuses


def test_the_demo_audit_chain_verifies(demo: None) -> None:
    result = verify_chain()
    assert result.ok and result.count > 150


def test_each_approved_demo_application_has_its_licence(demo: None) -> None:
    # Issued by the approval itself (services.licences.issuance), in both languages.
    licences = Licence.objects.values_list("number", "holder_name_zh", "holder_name_en", "uscc", "status", "services")
    assert list(licences) == [
        (
            "B1-20260001",
            "宁巴斯云服务（北京）有限公司",
            "Nimbus Cloud Services (Beijing) Co., Ltd.",
            "91110105MA01A2B3C4",
            "valid",
            [
                {
                    "code": "B11",
                    "name_en": "Internet data center (IDC), incl. internet resource collaboration",
                    "name_zh": "互联网数据中心业务",
                    "areas_en": ["Beijing"],
                    "areas_zh": ["北京市"],
                },
                {
                    "code": "B12",
                    "name_en": "Content delivery network (CDN)",
                    "name_zh": "内容分发网络业务",
                    "areas_en": ["Beijing"],
                    "areas_zh": ["北京市"],
                },
            ],
        )
    ]
    assert Licence.objects.get().application.status == "approved"
    assert Application.objects.filter(status="approved").count() == 1
