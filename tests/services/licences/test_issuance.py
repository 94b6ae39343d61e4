"""Issuance on approval: the licence an approval grants, its number (no gaps, no duplicates, also under
concurrent approvals on PostgreSQL), its timeline event and audit entry, in the approval's transaction."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, connections, transaction
from pilot_world import BASIS, NESTED_DOSSIER, ON, World

from vatspilot.domain.applications import Action, Role, State
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import applications as svc
from vatspilot.services.licences.scope import AreaNames, licensed_services
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent, LicenceSerial

NAME_ZH = "海港云（上海）有限公司"
PUDONG = {"areas_en": ["Shanghai Pudong New Area and Lin-gang"], "areas_zh": ["上海市浦东新区和临港新片区"]}


def _approvable(world: World):
    return world.concur_all(world.drive_to(State.MINISTERIAL_REVIEW))


@pytest.mark.django_db
def test_an_approval_issues_the_licence_it_grants(world: World) -> None:
    world.organisation.name_zh = NAME_ZH
    world.organisation.save()
    application = world.drive_to(State.APPROVED)  # CAC concurs with conditions (pilot_world.PATHS)
    licence = Licence.objects.get()
    assert {
        "number": licence.number,
        "application": licence.application_id,
        "decision": licence.decision_id,
        "organisation": licence.organisation_id,
        "holder_name_zh": licence.holder_name_zh,
        "holder_name_en": licence.holder_name_en,
        "uscc": licence.uscc,
        "services": licence.services,
        "conditions": licence.conditions,
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "status": licence.status,
        "version": licence.version,
    } == {
        "number": "B1.B2-20250001",
        "application": application.pk,
        "decision": application.decision.pk,
        "organisation": world.organisation.pk,
        "holder_name_zh": NAME_ZH,
        "holder_name_en": "Harbour Cloud (Shanghai) Co., Ltd.",
        "uscc": "91310115MA1FL1234M",
        "services": [
            {
                "code": "B11",
                "name_en": "Internet data center (IDC), incl. internet resource collaboration",
                "name_zh": "互联网数据中心业务",
                **PUDONG,
            },
            {
                "code": "B25-05",
                "name_en": "Information protection and processing",
                "name_zh": "信息保护和处理服务",
                **PUDONG,
            },
        ],
        "conditions": ["logs 180 days"],
        "issued_on": ON,
        "valid_until": date(2030, 6, 2),
        "status": "valid",
        "version": 1,
    }
    assert licence.rulebook_version == application.decision.rulebook_version
    event = LicenceEvent.objects.get()
    assert (event.licence_id, event.action, event.from_state, event.to_state, event.on, event.role, event.actor) == (
        licence.pk,
        "issue",
        "",
        "valid",
        ON,
        "miit_reviewer",
        world.users[Role.MIIT_REVIEWER],
    )
    entry = AuditEntry.objects.get(action="licence.issued")
    assert (entry.object_type, entry.object_id, entry.after["number"]) == (
        "store.licence",
        str(licence.pk),
        licence.number,
    )
    # The licence's entry follows the approval's, in the same chain.
    assert list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "licence.issued",
        "application.approve",
    ]
    assert verify_chain().ok


@pytest.mark.django_db
def test_without_a_chinese_name_the_display_name_is_the_holders_only_name(world: World) -> None:
    world.drive_to(State.APPROVED)
    licence = Licence.objects.get()
    assert (licence.holder_name_zh, licence.holder_name_en) == ("Harbour Cloud (Shanghai) Co., Ltd.", "")


@pytest.mark.django_db
def test_numbers_follow_one_another_within_a_year(world: World) -> None:
    world.drive_to(State.APPROVED)
    world.drive_to(State.APPROVED)
    assert list(Licence.objects.order_by("pk").values_list("number", flat=True)) == [
        "B1.B2-20250001",
        "B1.B2-20250002",
    ]
    assert list(LicenceSerial.objects.values_list("year", "last")) == [(2025, 2)]


class Undone(Exception):
    pass


@pytest.mark.django_db
def test_a_rolled_back_approval_gives_its_serial_back(world: World) -> None:
    world.drive_to(State.APPROVED)  # 0001, committed (in the test's transaction)
    second = _approvable(world)
    with pytest.raises(Undone), transaction.atomic():
        world.act(Role.MIIT_REVIEWER, second, Action.APPROVE, legal_basis=BASIS)
        assert Licence.objects.filter(number="B1.B2-20250002").exists()
        raise Undone
    assert list(LicenceSerial.objects.values_list("year", "last")) == [(2025, 1)]
    world.act(Role.MIIT_REVIEWER, _approvable(world), Action.APPROVE, legal_basis=BASIS)
    assert list(Licence.objects.order_by("pk").values_list("number", flat=True)) == [
        "B1.B2-20250001",
        "B1.B2-20250002",
    ]


@pytest.mark.django_db
def test_the_first_issue_of_a_year_rolled_back_leaves_no_serial_row(world: World) -> None:
    with pytest.raises(Undone), transaction.atomic():
        world.act(Role.MIIT_REVIEWER, _approvable(world), Action.APPROVE, legal_basis=BASIS)
        raise Undone
    assert (Licence.objects.count(), LicenceSerial.objects.count()) == (0, 0)
    world.act(Role.MIIT_REVIEWER, _approvable(world), Action.APPROVE, legal_basis=BASIS)
    assert list(Licence.objects.values_list("number", flat=True)) == ["B1.B2-20250001"]


@pytest.mark.django_db
def test_a_scope_is_named_after_its_service() -> None:
    determination = {
        "services": [
            {"code": "B11", "scope": None, "outcome": "eligible", "area": "Shanghai"},
            {"code": "B21", "scope": "e-commerce", "outcome": "eligible", "area": "Beijing, Hainan Province"},
            {"code": "B12", "scope": None, "outcome": "ineligible", "area": None},
        ]
    }
    services = licensed_services(determination, "", default_rulebook(), ON)
    assert [(s.code, s.name_en, s.name_zh, s.areas_en, s.areas_zh) for s in services] == [
        (
            "B11",
            "Internet data center (IDC), incl. internet resource collaboration",
            "互联网数据中心业务",
            ("Shanghai",),
            ("上海市",),
        ),
        (
            "B21",
            "Online data processing and transaction processing (Operational e-commerce only)",
            "在线数据处理与交易处理业务（经营类电子商务）",
            ("Beijing", "Hainan Province"),
            ("北京市", "海南省"),
        ),
    ]


def test_a_v1_determination_takes_the_decisions_area_and_an_unknown_label_is_kept() -> None:
    rulebook = default_rulebook()
    determination = {"services": [{"code": "B11", "outcome": "eligible"}]}
    (service,) = licensed_services(determination, "Nationwide; Atlantis", rulebook, ON)
    assert (service.areas_en, service.areas_zh) == (("Nationwide", "Atlantis"), ("全国", "Atlantis"))
    assert AreaNames.of(rulebook).both("Hainan Free Trade Port") == (("Hainan Free Trade Port",), ("海南自由贸易港",))


@pytest.mark.django_db
def test_a_scoped_dossier_is_licensed_with_its_scope(world: World) -> None:
    application = world.new_application()
    svc.update_dossier(actor=world.applicant, application=application, on=ON, **NESTED_DOSSIER)
    world.upload_required(application)
    for role, action, fields in [
        (Role.APPLICANT, Action.SUBMIT, {}),
        (Role.LOCAL_OFFICER, Action.ACCEPT, {}),
        (Role.LOCAL_OFFICER, Action.COMPLETE_PRELIMINARY_ASSESSMENT, {"findings": "none"}),
    ]:
        application = world.act(role, application, action, **fields)
    world.act(Role.MIIT_REVIEWER, world.concur_all(application), Action.APPROVE, legal_basis=BASIS)
    licence = Licence.objects.get()
    assert [(s["code"], s["name_en"]) for s in licence.services] == [
        ("B11", "Internet data center (IDC), incl. internet resource collaboration"),
        ("B21", "Online data processing and transaction processing (Operational e-commerce only)"),
    ]


# --- The timeline is append-only in the database ----------------------------------------------------------


def _refused(sql: str, params: list[object]) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


@pytest.mark.django_db
def test_a_raw_update_or_delete_of_a_licence_event_is_refused(world: World) -> None:
    world.drive_to(State.APPROVED)
    event = LicenceEvent.objects.get()
    assert "append-only" in _refused("UPDATE store_licenceevent SET note = 'later' WHERE id = %s", [event.pk])
    assert "append-only" in _refused("DELETE FROM store_licenceevent WHERE id = %s", [event.pk])
    assert LicenceEvent.objects.get().note == ""


# --- Concurrent approvals on PostgreSQL ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_take_two_consecutive_numbers(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two real concurrent connections need PostgreSQL (make test runs this file on it too)")
    applications = [_approvable(world), _approvable(world)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(index: int) -> None:
        try:
            application = applications[index]
            barrier.wait(timeout=10)
            svc.perform(
                actor=world.users[Role.MIIT_REVIEWER],
                application=application,
                action=Action.APPROVE,
                on=ON,
                expected_version=application.version,
                legal_basis=BASIS,
            )
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(Licence.objects.values_list("number", flat=True)) == ["B1.B2-20250001", "B1.B2-20250002"]
    assert list(LicenceSerial.objects.values_list("year", "last")) == [(2025, 2)]
    assert verify_chain().ok
