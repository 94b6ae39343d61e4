"""Listing on and removal from the credit lists (services.licences.lists): each one transaction with its
audit entry, exact; refused with nothing changed for anyone but an MIIT reviewer; a listing later than
Art. 42's 30 days after the penalty is flagged overdue; a dishonest entry is in force from its listing
to its removal; a revoked licence's holder is listed with the licence."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.services.licences.lists import (
    MIIT_AUTHORITY,
    REVOCATION_REASON,
    is_overdue,
    list_enterprise,
    list_revocation,
    on_dishonest_list,
    remove_listing,
)
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, CreditListEntry, Licence

pytestmark = pytest.mark.django_db
ON = date(2025, 9, 1)
REASON = "行政处罚：未按规定报送年度报告"
MET = "Neither the enterprise nor its main investors or managers are on the telecom business dishonest list."
FAILED = (
    "The enterprise, a main investor or a main manager is on the telecom business dishonest list: it may not apply."
)


def _list(world: World, kind: CreditList = CreditList.BAD_RECORD, **fields: object) -> CreditListEntry:
    values: dict[str, object] = {
        "name": world.organisation.name,
        "uscc": world.organisation.uscc,
        "listed_on": ON,
        "reason": REASON,
    }
    values.update(fields)
    return list_enterprise(actor=world.users[Role.MIIT_REVIEWER], list=kind, **values)  # type: ignore[arg-type]


def test_a_listing_is_written_with_its_audit_entry(world: World) -> None:
    entry = _list(world, penalty_decided_on=date(2025, 8, 20), licence_number="B1-20250001")
    stored = CreditListEntry.objects.get()
    assert (stored.pk, stored.list, stored.name, stored.uscc, stored.licence_number, stored.licence_id) == (
        entry.pk,
        "bad_record",
        world.organisation.name,
        world.organisation.uscc,
        "B1-20250001",
        None,
    )
    assert (stored.listed_on, stored.reason, stored.listing_authority, stored.penalty_decided_on) == (
        ON,
        REASON,
        MIIT_AUTHORITY,
        date(2025, 8, 20),
    )
    audit = AuditEntry.objects.get(action="credit_list.listed")
    assert (audit.object_type, audit.object_id, audit.before) == ("store.creditlistentry", str(entry.pk), None)
    assert audit.after == {
        "list": "bad_record",
        "name": world.organisation.name,
        "uscc": world.organisation.uscc,
        "licence_number": "B1-20250001",
        "listed_on": "2025-09-01",
        "reason": REASON,
        "listing_authority": MIIT_AUTHORITY,
        "penalty_decided_on": "2025-08-20",
        "removed_on": None,
        "removal_reason": "",
    }
    assert verify_chain().ok


def test_a_removal_records_its_date_and_reason_with_its_audit_entry(world: World) -> None:
    entry = _list(world)
    removed = remove_listing(
        actor=world.users[Role.MIIT_REVIEWER], entry=entry, removed_on=date(2025, 12, 1), reason=" 已整改 "
    )
    stored = CreditListEntry.objects.get()
    assert (removed.removed_on, stored.removed_on, stored.removal_reason) == (date(2025, 12, 1),) * 2 + ("已整改",)
    audit = AuditEntry.objects.get(action="credit_list.removed")
    assert (audit.before["removed_on"], audit.after["removed_on"], audit.after["removal_reason"]) == (
        None,
        "2025-12-01",
        "已整改",
    )
    with pytest.raises(ActionRefused) as refused:
        remove_listing(actor=world.users[Role.MIIT_REVIEWER], entry=entry, removed_on=date(2025, 12, 2), reason="x")
    assert refused.value.code == "already-removed"


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.LOCAL_OFFICER, Role.CAC_REVIEWER])
def test_other_roles_are_refused_and_nothing_changes(world: World, role: Role) -> None:
    with pytest.raises(ActionRefused) as refused:
        list_enterprise(
            actor=world.users[role],
            list=CreditList.DISHONEST,
            name="某公司",
            uscc=world.organisation.uscc,
            listed_on=ON,
            reason=REASON,
        )
    assert refused.value.code == "role-not-allowed"
    entry = _list(world)
    audits = AuditEntry.objects.count()
    with pytest.raises(ActionRefused) as refused:
        remove_listing(actor=world.users[role], entry=entry, removed_on=ON, reason="x")
    assert refused.value.code == "role-not-allowed"
    assert CreditListEntry.objects.get().removed_on is None
    assert (CreditListEntry.objects.count(), AuditEntry.objects.count()) == (1, audits)


def test_bad_input_is_refused_naming_the_field_and_nothing_changes(world: World) -> None:
    audits = AuditEntry.objects.count()
    for fields, field in [
        ({"reason": "  "}, "reason"),
        ({"name": ""}, "name"),
        ({"penalty_decided_on": date(2025, 9, 2)}, "penalty_decided_on"),
    ]:
        with pytest.raises(ActionRefused) as refused:
            _list(world, **fields)
        assert refused.value.params == {"field": field}
    entry = _list(world)
    with pytest.raises(ActionRefused) as refused:
        remove_listing(actor=world.users[Role.MIIT_REVIEWER], entry=entry, removed_on=date(2025, 8, 31), reason="x")
    assert refused.value.code == "removed-before-listed"
    assert (CreditListEntry.objects.count(), AuditEntry.objects.count()) == (1, audits + 1)


def test_the_table_refuses_a_removal_without_reason_or_before_the_listing(world: World) -> None:
    entry = _list(world)
    for removed_on, reason in [(date(2025, 10, 1), ""), (date(2025, 8, 1), "x")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditListEntry.objects.filter(pk=entry.pk).update(removed_on=removed_on, removal_reason=reason)


def test_a_listing_later_than_30_days_after_the_penalty_is_overdue(world: World) -> None:
    on_time = _list(world, penalty_decided_on=date(2025, 8, 2))  # due 2025-09-01
    late = _list(world, penalty_decided_on=date(2025, 8, 1))  # due 2025-08-31
    plain = _list(world)
    assert (is_overdue(on_time), is_overdue(late), is_overdue(plain)) == (False, True, False)


def test_a_revoked_licence_holder_goes_on_the_dishonest_list_linked_to_the_licence(world: World) -> None:
    licence = world.licence()
    entry = list_revocation(actor=world.users[Role.MIIT_REVIEWER], licence=licence, on=ON)
    assert (entry.list, entry.licence_id, entry.licence_number, entry.name, entry.reason) == (
        "dishonest",
        licence.pk,
        licence.number,
        licence.holder_name_zh,
        REVOCATION_REASON,
    )
    assert Licence.objects.get().credit_list_entries.get() == entry


def test_a_dishonest_entry_is_in_force_from_its_listing_to_its_removal(world: World) -> None:
    uscc = world.organisation.uscc
    entry = _list(world, CreditList.DISHONEST)
    assert on_dishonest_list(uscc.lower(), ON) is True
    assert on_dishonest_list(uscc, date(2025, 8, 31)) is False  # not yet listed
    assert on_dishonest_list(world.other_organisation.uscc, ON) is False
    remove_listing(actor=world.users[Role.MIIT_REVIEWER], entry=entry, removed_on=date(2025, 9, 2), reason="撤销")
    assert (on_dishonest_list(uscc, date(2025, 9, 1)), on_dishonest_list(uscc, date(2025, 9, 2))) == (True, False)


def test_a_bad_record_entry_is_not_a_dishonest_listing(world: World) -> None:
    _list(world, CreditList.BAD_RECORD)
    assert on_dishonest_list(world.organisation.uscc, ON) is False
