"""The demo data set: applications in every state and licences in every state, built through the services
(every step dated, evented and audited), with a sound audit chain and no superuser."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from demo_world import demo_built
from django.contrib.auth import get_user_model
from pilot_world import client_for

from vatspilot.demo.data import accounts, demo_exists
from vatspilot.demo.licences import demo_licences
from vatspilot.domain.applications import State
from vatspilot.queries.credit_lists import credit_lists
from vatspilot.queries.register import search_register
from vatspilot.services.applications.clock import clock_for
from vatspilot.services.licences.lists import REVOCATION_REASON as REVOCATION_LISTING_REASON
from vatspilot.services.licences.lists import on_dishonest_list
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import (
    Application,
    AuditEntry,
    CreditListEntry,
    Decision,
    Licence,
    LicenceEvent,
    LicenceFiling,
    NetworkExit,
    Organisation,
)

User = get_user_model()

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def _built(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The demo, built once for this module's tests (it takes seconds); each test runs in its own
    transaction nested in the build's (the ``db`` fixture), so what a test writes is undone before the next."""
    with django_db_blocker.unblock(), demo_built(TODAY, tmp_path_factory.mktemp("demo-media")):
        yield


@pytest.fixture
def demo(_built: None, db: None) -> None:
    """The demo data set as built on TODAY."""


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
    nimbus = Licence.objects.get(holder_name_en="Nimbus Cloud Services (Beijing) Co., Ltd.")
    assert (nimbus.number, nimbus.holder_name_zh, nimbus.uscc, nimbus.status, nimbus.services) == (
        "B1-20260004",
        "宁巴斯云服务（北京）有限公司",
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
    approved = Application.objects.filter(status="approved")
    assert approved.count() == Licence.objects.count() == 6
    assert sorted(Licence.objects.values_list("application_id", flat=True)) == sorted(a.pk for a in approved)


# --- Licences in every state (demo/licences.py) ----------------------------------------------------------

REVOCATION_BASIS = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), source article on the pilot (2025-07-01), "
    "supervision and exit mechanism: revocation and orderly exit"
)
RECTIFICATION_BASIS = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), source article on the pilot (2025-07-01), "
    "supervision and exit mechanism: rectification"
)
REDUCTION_BASIS = (
    "Pilot Notice (MIIT Communications Letter [2024] No. 107), source article on the pilot (2025-07-01), "
    "supervision and exit mechanism: reduced scope"
)


def _steps(number: str) -> list[tuple[date, str, str, str, str | None, str]]:
    events = LicenceEvent.objects.filter(licence__number=number).order_by("on", "id")
    return [(e.on, e.action, e.from_state, e.to_state, e.actor.username if e.actor else None, e.role) for e in events]


def test_the_demo_has_a_licence_in_every_state_each_holder_its_own(demo: None) -> None:
    licences = Licence.objects.order_by("issued_on").values_list(
        "number", "status", "holder_name_en", "issued_on", "valid_until"
    )
    assert list(licences) == [
        ("B2-20220001", "valid", "Old Harbour Commerce (Shanghai) Co., Ltd.", date(2022, 6, 5), date(2027, 6, 4)),
        ("B1-20250001", "revoked", "Skyline Edge Networks (Beijing) Co., Ltd.", date(2025, 11, 7), date(2030, 11, 6)),
        ("B2-20260001", "valid", "Qianhai Connect Technology (Shenzhen) Co., Ltd.", date(2026, 3, 7), date(2031, 3, 6)),
        ("B2-20260002", "valid", "Harbour Data Technology (Shanghai) Co., Ltd.", date(2026, 4, 16), date(2031, 4, 15)),
        ("B1-20260003", "suspended", "Offshore Data Services (Hainan) Co., Ltd.", date(2026, 5, 16), date(2031, 5, 15)),
        ("B1-20260004", "valid", "Nimbus Cloud Services (Beijing) Co., Ltd.", date(2026, 10, 24), date(2031, 10, 23)),
    ]  # fmt: skip
    holders = list(Licence.objects.values_list("organisation_id", flat=True))
    assert len(set(holders)) == len(holders)
    # What the public register says of each on the demo's day.
    assert [row.status.value for row in search_register(today=TODAY)] == [
        "valid",
        "suspended",
        "valid",
        "valid",
        "revoked",
        "valid",
    ]


def test_each_licence_reached_its_state_by_dated_steps(demo: None) -> None:
    # Suspended by MIIT (rectification ordered).
    assert _steps("B1-20260003") == [
        (date(2026, 5, 16), "issue", "", "valid", "miit", "miit_reviewer"),
        (date(2026, 11, 7), "suspend", "valid", "suspended", "miit", "miit_reviewer"),
    ]
    # Reduced in scope: still valid, a service removed. The application asked for both services and the
    # approval licensed both; the reduction took one away.
    reduced = Licence.objects.get(number="B2-20260002")
    assert (reduced.status, [s["code"] for s in reduced.services]) == ("valid", ["B21"])
    assert [s["code"] for s in reduced.decision.determination["services"]] == ["B21", "B25-05"]
    assert _steps("B2-20260002") == [
        (date(2026, 4, 16), "issue", "", "valid", "miit", "miit_reviewer"),
        (date(2026, 9, 28), "reduce_scope", "valid", "valid", "miit", "miit_reviewer"),
    ]
    reduction = LicenceEvent.objects.get(licence=reduced, action="reduce_scope")
    assert reduction.details == {"basis": REDUCTION_BASIS, "removed_services": ["B25-05"], "narrowed_areas": {}}
    # Suspended, then revoked; the revocation opened the network exit, whose plan the holder filed and
    # whose progress it reported twice, the migration deadline still ahead.
    assert _steps("B1-20250001") == [
        (date(2025, 11, 7), "issue", "", "valid", "miit", "miit_reviewer"),
        (date(2026, 6, 30), "suspend", "valid", "suspended", "miit", "miit_reviewer"),
        (date(2026, 8, 19), "revoke", "suspended", "revoked", "miit", "miit_reviewer"),
        (date(2026, 8, 24), "exit.file_plan", "required", "in_progress", "applicant-haidian", "holder"),
        (date(2026, 10, 18), "exit.report_progress", "in_progress", "in_progress", "applicant-haidian", "holder"),
        (date(2026, 11, 17), "exit.report_progress", "in_progress", "in_progress", "applicant-haidian", "holder"),
    ]
    assert LicenceEvent.objects.get(licence__number="B1-20250001", action="revoke").details == {
        "basis": REVOCATION_BASIS
    }
    network_exit = NetworkExit.objects.get()
    assert (
        network_exit.licence.number,
        network_exit.status,
        network_exit.opened_on,
        network_exit.users_notified_on,
        network_exit.migration_deadline,
        network_exit.users_to_migrate,
        network_exit.users_migrated,
        network_exit.confirmed_on,
    ) == (
        "B1-20250001",
        "in_progress",
        date(2026, 8, 19),
        date(2026, 8, 22),
        date(2027, 1, 11),
        1200,
        830,
        None,
    )
    # The valid licence has a change filing pending MIIT's decision.
    assert _steps("B1-20260004") == [
        (date(2026, 10, 24), "issue", "", "valid", "miit", "miit_reviewer"),
        (date(2026, 11, 24), "filing.file", "valid", "valid", "applicant-beijing", "holder"),
    ]
    filing = LicenceFiling.objects.get()
    assert (
        filing.licence.number,
        filing.kind,
        filing.status,
        filing.filed_on,
        filing.changed_on,
        filing.changes,
        filing.late,
        filing.recheck["outcome"],
    ) == (
        "B1-20260004",
        "change",
        "filed",
        date(2026, 11, 24),
        date(2026, 11, 17),
        {"kinds": ["capital"], "registered_capital_cny": 50000000},
        False,
        "eligible",
    )
    # The rulebook covers determinations from 2022-05-01 and a licence is valid five years: on 2026-11-27
    # none can have expired, so the oldest is applied for on the rulebook's first day and is still valid.
    oldest = Licence.objects.get(number="B2-20220001")
    assert oldest.application.events.order_by("on", "id").values_list("on", flat=True).first() == date(2022, 5, 1)
    assert (oldest.status, oldest.valid_until) == ("valid", date(2027, 6, 4))
    assert _steps("B2-20220001") == [(date(2022, 6, 5), "issue", "", "valid", "miit", "miit_reviewer")]


def test_the_lists_hold_the_revoked_holder_and_a_bad_record(demo: None) -> None:
    entries = CreditListEntry.objects.order_by("list").values_list(
        "list", "name", "uscc", "licence_number", "listed_on", "reason", "penalty_decided_on", "removed_on"
    )
    assert list(entries) == [
        (
            "bad_record",
            "前海互联科技（深圳）有限公司",
            "91440300MA5G1A2B3R",
            "B2-20260001",
            date(2026, 11, 2),
            "逾期未报送年度报告",
            date(2026, 10, 18),
            None,
        ),
        (
            "dishonest",
            "天际边缘网络（北京）有限公司",
            "91110108MA02C3D4EB",
            "B1-20250001",
            date(2026, 8, 19),
            REVOCATION_LISTING_REASON,
            None,
            None,
        ),
    ]
    assert on_dishonest_list("91110108MA02C3D4EB", TODAY)
    assert Licence.objects.get(number="B2-20260001").status == "valid"
    lists = credit_lists()
    assert [e.licence_number for e in lists.bad_record] == ["B2-20260001"]
    assert [e.licence_number for e in lists.dishonest] == ["B1-20250001"]
    assert lists.removed == ()


# Each step's audit entry, by the step's event: the licence's own steps are audited on the licence, the
# network exit's on the exit (its opening too, which has no event of its own), a filing's on the filing.
def _audited(event: LicenceEvent) -> tuple[str, str]:
    if event.action == "issue":
        return ("store.licence", "licence.issued")
    if event.action.startswith("exit."):
        return ("store.networkexit", "network_exit." + event.action.removeprefix("exit."))
    if event.action.startswith("filing."):
        return ("store.licencefiling", "licence_filing." + event.action.removeprefix("filing."))
    return ("store.licence", f"licence.{event.action}")


def test_every_licence_step_is_audited_the_chain_verifies_and_no_one_is_a_superuser(demo: None) -> None:
    for licence in Licence.objects.all():
        events = list(licence.events.order_by("at", "id"))
        objects = {("store.licence", str(licence.pk))}
        objects |= {
            ("store.networkexit", str(pk))
            for pk in NetworkExit.objects.filter(licence=licence).values_list("pk", flat=True)
        }
        objects |= {("store.licencefiling", str(pk)) for pk in licence.filings.values_list("pk", flat=True)}
        audited = [
            (entry.object_type, entry.action)
            for entry in AuditEntry.objects.order_by("seq")
            if (entry.object_type, entry.object_id) in objects and entry.action != "network_exit.open"
        ]
        assert audited == [_audited(event) for event in events], licence.number
        # The licence's own states chain from the issue to the status stored: no step was skipped, and each
        # was a versioned write.
        own = [event for event in events if _audited(event)[0] == "store.licence"]
        for before, after in itertools.pairwise(own):
            assert after.from_state == before.to_state
        assert own[-1].to_state == licence.status
        assert licence.version == len(own)
    opened = AuditEntry.objects.filter(action="network_exit.open").values_list("object_id", "actor_label")
    miit = User.objects.get(username="miit")
    assert list(opened) == [(str(NetworkExit.objects.get().pk), f"miit#{miit.pk}")]
    result = verify_chain()
    assert result.ok
    assert result.count == AuditEntry.objects.count()
    assert not User.objects.filter(is_superuser=True).exists()


def test_the_summary_names_each_licence_s_state_and_who_sees_it(demo: None) -> None:
    usernames = [account.username for account in accounts()]
    summary = {licence.number: licence for licence in demo_licences(TODAY, usernames)}
    assert [(n, s.state, s.notes) for n, s in summary.items()] == [
        ("B2-20220001", "valid", ("valid until 2027-06-04",)),
        (
            "B1-20250001",
            "revoked",
            ("holder on the dishonest list", "network exit in_progress: 830 users moved of 1200 by 2027-01-11"),
        ),
        ("B2-20260001", "valid", ("holder on the bad-record list", "valid until 2031-03-06")),
        ("B2-20260002", "valid", ("scope reduced", "valid until 2031-04-15")),
        ("B1-20260003", "suspended", ()),
        ("B1-20260004", "valid", ("change filing pending (capital)", "valid until 2031-10-23")),
    ]
    officials = ("miit", "cac", "mps", "expert", "inspector", "admin")
    assert summary["B1-20250001"].seen_by == ("applicant-haidian", "officer-beijing", *officials)
    assert summary["B1-20260003"].seen_by == ("applicant-hainan", "officer-hainan", *officials)
    assert summary["B2-20260001"].seen_by == ("applicant-shenzhen", "officer-guangdong", *officials)
    # Each holder's account sees its own licence and no other.
    for number, licence in summary.items():
        holder = [name for name in licence.seen_by if name.startswith("applicant-")]
        assert len(holder) == 1, number
    # What the summary says is what the pages do: the holder opens the licence page, another applicant
    # gets the 404 that a missing licence gets.
    assert client_for(User.objects.get(username="applicant-haidian")).get("/licences/B1-20250001/").status_code == 200
    assert client_for(User.objects.get(username="applicant-hainan")).get("/licences/B1-20250001/").status_code == 404
