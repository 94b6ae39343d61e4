"""The authority's decisions on a licence (services.licences.actions): each one transaction through the
lifecycle machine, with its status, version, history event and audit entry exact; refused, with nothing
changed, for the holder, for a local officer and on a stale version; a scope reduction rewrites the
services exactly and may not remove every service."""

from __future__ import annotations

from datetime import date

import pytest
from pilot_world import World

from vatspilot.domain.applications import Role, State
from vatspilot.domain.licences import citations
from vatspilot.services.licences.actions import (
    reduce_licence_scope,
    reinstate_licence,
    revoke_licence,
    suspend_licence,
)
from vatspilot.services.licences.lifecycle import available_actions, roles_of
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, CreditListEntry, Licence, LicenceEvent

pytestmark = pytest.mark.django_db
DAY = date(2025, 9, 1)
REASON = "Order 42: rectification of the logging duty (MIIT letter 2025-17)"
PUDONG_EN = "Shanghai Pudong New Area and Lin-gang"
PUDONG_ZH = "上海市浦东新区和临港新片区"
B11 = {
    "code": "B11",
    "name_en": "Internet data center (IDC), incl. internet resource collaboration",
    "name_zh": "互联网数据中心业务",
    "areas_en": [PUDONG_EN],
    "areas_zh": [PUDONG_ZH],
}
B25 = {
    "code": "B25-05",
    "name_en": "Information protection and processing",
    "name_zh": "信息保护和处理服务",
    "areas_en": [PUDONG_EN],
    "areas_zh": [PUDONG_ZH],
}


@pytest.fixture
def licence(world: World) -> Licence:
    world.drive_to(State.APPROVED)
    return Licence.objects.get()


def _state(licence: Licence) -> tuple[object, ...]:
    licence.refresh_from_db()
    return (licence.status, licence.version, licence.services, LicenceEvent.objects.count(), AuditEntry.objects.count())


def _last_event(licence: Licence) -> tuple[object, ...]:
    event = LicenceEvent.objects.filter(licence=licence).order_by("-id").first()
    assert event is not None
    return (
        event.action,
        event.from_state,
        event.to_state,
        event.on,
        event.role,
        event.actor_id,
        event.note,
        event.details,
    )


def _last_audit() -> tuple[object, ...]:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return (entry.action, entry.object_type, entry.actor_id, entry.before, entry.after)


def test_miit_suspends_then_reinstates(world: World, licence: Licence) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    suspended = suspend_licence(actor=miit, licence=licence, on=DAY, expected_version=1, reason=f"  {REASON} ")
    assert (suspended.status, suspended.version) == ("suspended", 2)
    assert _last_event(licence) == (
        "suspend",
        "valid",
        "suspended",
        DAY,
        "miit_reviewer",
        miit.pk,
        REASON,
        {"basis": citations.RECTIFICATION},
    )
    assert _last_audit() == (
        "licence.suspend",
        "store.licence",
        miit.pk,
        {"status": "valid", "version": 1},
        {
            "status": "suspended",
            "version": 2,
            "on": "2025-09-01",
            "role": "miit_reviewer",
            "citation": citations.RECTIFICATION,
            "reason": REASON,
        },
    )
    later = date(2025, 10, 8)
    reinstated = reinstate_licence(actor=miit, licence=suspended, on=later, expected_version=2, reason="rectified")
    assert (reinstated.status, reinstated.version) == ("valid", 3)
    assert _last_event(licence)[:4] == ("reinstate", "suspended", "valid", later)
    assert _last_audit()[0] == "licence.reinstate"
    assert verify_chain().ok


def test_miit_revokes_a_suspended_licence(world: World, licence: Licence) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    suspend_licence(actor=miit, licence=licence, on=DAY, expected_version=1, reason=REASON)
    revoked = revoke_licence(actor=miit, licence=licence, on=DAY, expected_version=2, reason="not rectified")
    assert (revoked.status, revoked.version) == ("revoked", 3)
    assert _last_event(licence) == (
        "revoke",
        "suspended",
        "revoked",
        DAY,
        "miit_reviewer",
        miit.pk,
        "not rectified",
        {"basis": citations.REVOCATION},
    )
    revocation = AuditEntry.objects.filter(action="licence.revoke").order_by("-seq").first()
    assert revocation is not None and revocation.after["reason"] == "not rectified"
    # In the same transaction the holder goes on the dishonest list (Order 42 Art. 42), audited after it.
    assert _last_audit()[0] == "credit_list.listed"
    listed = CreditListEntry.objects.get()
    assert (listed.list, listed.uscc, listed.licence_id, listed.listed_on) == (
        "dishonest",
        licence.uscc,
        licence.pk,
        DAY,
    )
    assert available_actions(miit, revoked, on=DAY) == []


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.LOCAL_OFFICER], ids=["holder", "local-officer"])
@pytest.mark.parametrize("writer", [suspend_licence, revoke_licence], ids=["suspend", "revoke"])
def test_refused_for_anyone_but_miit_with_nothing_changed(world: World, licence: Licence, role: Role, writer) -> None:
    before = _state(licence)
    with pytest.raises(ActionRefused) as refused:
        writer(actor=world.users[role], licence=licence, on=DAY, expected_version=1, reason=REASON)
    assert refused.value.code == "role-not-allowed"
    assert _state(licence) == before


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.LOCAL_OFFICER], ids=["holder", "local-officer"])
def test_reinstate_and_reduce_refused_for_anyone_but_miit(world: World, licence: Licence, role: Role) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    suspend_licence(actor=miit, licence=licence, on=DAY, expected_version=1, reason=REASON)
    before = _state(licence)
    with pytest.raises(ActionRefused) as refused:
        reinstate_licence(actor=world.users[role], licence=licence, on=DAY, expected_version=2, reason=REASON)
    assert refused.value.code == "role-not-allowed"
    reinstate_licence(actor=miit, licence=licence, on=DAY, expected_version=2, reason=REASON)
    before = _state(licence)
    with pytest.raises(ActionRefused) as reduce_refused:
        reduce_licence_scope(
            actor=world.users[role],
            licence=licence,
            on=DAY,
            expected_version=3,
            remove_services=["B25-05"],
            narrow_areas={},
            reason=REASON,
        )
    assert reduce_refused.value.code == "role-not-allowed"
    assert _state(licence) == before


def test_a_stale_version_is_a_conflict_with_nothing_changed(world: World, licence: Licence) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    suspend_licence(actor=miit, licence=licence, on=DAY, expected_version=1, reason=REASON)
    before = _state(licence)
    with pytest.raises(Conflict) as conflict:
        revoke_licence(actor=miit, licence=licence, on=DAY, expected_version=1, reason=REASON)
    assert (conflict.value.code, conflict.value.params) == (
        "conflict",
        {"expected": 1, "found": 2, "record": "licence"},
    )
    assert _state(licence) == before


def test_suspension_refused_in_the_wrong_state_and_after_expiry(world: World, licence: Licence) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    with pytest.raises(ActionRefused) as wrong_state:
        reinstate_licence(actor=miit, licence=licence, on=DAY, expected_version=1, reason=REASON)
    assert wrong_state.value.code == "action-not-allowed-in-state"
    with pytest.raises(ActionRefused) as expired:
        suspend_licence(actor=miit, licence=licence, on=date(2030, 6, 3), expected_version=1, reason=REASON)
    assert expired.value.code == "guard-failed:not_expired"
    assert _state(licence)[:2] == ("valid", 1)


def test_a_reason_is_required_naming_the_field(world: World, licence: Licence) -> None:
    before = _state(licence)
    with pytest.raises(ActionRefused) as refused:
        suspend_licence(actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=DAY, expected_version=1, reason=" ")
    assert (refused.value.code, refused.value.params) == ("reason-required", {"field": "reason"})
    assert _state(licence) == before


def test_reduce_scope_removes_a_service(world: World, licence: Licence) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    reduced = reduce_licence_scope(
        actor=miit,
        licence=licence,
        on=DAY,
        expected_version=1,
        remove_services=["B25-05"],
        narrow_areas={},
        reason=REASON,
    )
    assert (reduced.status, reduced.version, reduced.services) == ("valid", 2, [B11])
    licence.refresh_from_db()
    assert licence.services == [B11]
    public = {"basis": citations.SCOPE_REDUCTION, "removed_services": ["B25-05"], "narrowed_areas": {}}
    assert _last_event(licence) == ("reduce_scope", "valid", "valid", DAY, "miit_reviewer", miit.pk, REASON, public)
    assert _last_audit() == (
        "licence.reduce_scope",
        "store.licence",
        miit.pk,
        {"status": "valid", "version": 1},
        {
            "status": "valid",
            "version": 2,
            "on": "2025-09-01",
            "role": "miit_reviewer",
            "citation": citations.SCOPE_REDUCTION,
            "reason": REASON,
            "removed_services": ["B25-05"],
            "narrowed_areas": {},
            "services": [B11],
        },
    )
    assert verify_chain().ok


def test_reduce_scope_narrows_an_area(world: World, licence: Licence) -> None:
    # Issued for one area; give B11 a second one so there is something to narrow (as a two-area approval).
    Licence.objects.filter(pk=licence.pk).update(
        services=[{**B11, "areas_en": [PUDONG_EN, "Hainan"], "areas_zh": [PUDONG_ZH, "海南省"]}, B25]
    )
    licence.refresh_from_db()
    reduced = reduce_licence_scope(
        actor=world.users[Role.MIIT_REVIEWER],
        licence=licence,
        on=DAY,
        expected_version=1,
        remove_services=[],
        narrow_areas={"B11": [PUDONG_EN]},
        reason=REASON,
    )
    assert reduced.services == [B11, B25]
    assert _last_event(licence)[7] == {
        "basis": citations.SCOPE_REDUCTION,
        "removed_services": [],
        "narrowed_areas": {"B11": ["Hainan"]},
    }


def test_removing_every_service_is_refused_by_the_guard(world: World, licence: Licence) -> None:
    before = _state(licence)
    with pytest.raises(ActionRefused) as refused:
        reduce_licence_scope(
            actor=world.users[Role.MIIT_REVIEWER],
            licence=licence,
            on=DAY,
            expected_version=1,
            remove_services=["B11", "B25-05"],
            narrow_areas={},
            reason=REASON,
        )
    assert (refused.value.code, refused.value.params["field"]) == ("guard-failed:keeps_a_service", "remove_services")
    assert _state(licence) == before


@pytest.mark.parametrize(
    ("remove", "narrow", "code", "params"),
    [
        (["B99"], {}, "unknown-service", {"field": "remove_services", "service": "B99"}),
        ([], {"B99": [PUDONG_EN]}, "unknown-service", {"field": "narrow_areas", "service": "B99"}),
        ([], {"B11": ["Mars"]}, "unknown-area", {"field": "narrow_areas", "service": "B11", "area": "Mars"}),
        ([], {"B11": []}, "no-area-kept", {"field": "narrow_areas", "service": "B11"}),
        ([], {"B11": [PUDONG_EN]}, "nothing-narrowed", {"field": "narrow_areas", "service": "B11"}),
        (["B11"], {"B11": [PUDONG_EN]}, "removed-and-narrowed", {"field": "narrow_areas", "service": "B11"}),
        ([], {}, "nothing-reduced", {"field": "remove_services"}),
    ],
    ids=["unknown-code", "unknown-narrowed-code", "unknown-area", "no-area", "no-change", "both", "nothing"],
)
def test_bad_reductions_are_refused_naming_the_field(
    world: World, licence: Licence, remove: list[str], narrow: dict[str, list[str]], code: str, params: dict
) -> None:
    before = _state(licence)
    with pytest.raises(ActionRefused) as refused:
        reduce_licence_scope(
            actor=world.users[Role.MIIT_REVIEWER],
            licence=licence,
            on=DAY,
            expected_version=1,
            remove_services=remove,
            narrow_areas=narrow,
            reason=REASON,
        )
    assert (refused.value.code, refused.value.params) == (code, params)
    assert _state(licence) == before


def test_the_actions_offered(world: World, licence: Licence) -> None:
    assert available_actions(world.users[Role.MIIT_REVIEWER], licence, on=DAY) == [
        "suspend",
        "reduce_scope",
        "revoke",
    ]
    assert available_actions(world.applicant, licence, on=DAY) == []
    assert available_actions(world.users[Role.LOCAL_OFFICER], licence, on=DAY) == []


def test_the_roles_towards_a_licence(world: World, licence: Licence) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    assert roles_of(world.applicant, licence) == ["holder"]
    assert roles_of(miit, licence) == ["miit_reviewer"]
    assert roles_of(world.users[Role.LOCAL_OFFICER], licence) == []
    assert roles_of(world.other_applicant, licence) == []
    miit.is_active = False
    miit.save()
    assert roles_of(miit, licence) == []  # and nobody is ever SYSTEM: the daily job's role alone
