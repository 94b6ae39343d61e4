"""The holder's change filings and renewals (services.licences.filings): filing, the late flag at its edge,
the renewal deadline at its edge, the eligibility re-check (stored with its rulebook version, taken again
on approval), approval through the licence's own rows (approve_change, renew) and the filing's, refusal,
withdrawal; every refusal, for every role, writes nothing."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from pilot_world import World, make_user

from vatspilot.domain.applications import Role
from vatspilot.domain.licences import citations
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.licences.actions import suspend_licence
from vatspilot.services.licences.filings import (
    approve_filing,
    current_profile,
    file_change,
    file_renewal,
    refuse_filing,
    withdraw_filing,
)
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent, LicenceFiling, Notification

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
CHANGED = date(2025, 7, 1)
FILED = date(2025, 7, 31)  # the 30th day after the change: the last day in time
DECIDED = date(2025, 8, 5)
REASON = "Order 42: change examined (MIIT letter 2025-31)"
NAME_ZH = "港云（上海）科技有限公司"
NAME_EN = "Harbour Cloud Technology (Shanghai) Co., Ltd."
HALF_HK = [
    {"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": Decimal("50")},
    {"name": "上海港云投资有限公司", "jurisdiction": "CN", "percent": Decimal("50")},
]
ALL_HK = [{"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": Decimal("100")}]
B11_ONLY_LAUNCHED = {"B11": date(2025, 7, 1), "B25-05": None}
BOTH_LAUNCHED = {"B11": date(2025, 7, 1), "B25-05": date(2025, 9, 1)}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _snapshot(licence: Licence) -> tuple[object, ...]:
    row = Licence.objects.get(pk=licence.pk)
    return (
        row.status,
        row.version,
        row.holder_name_zh,
        row.holder_name_en,
        row.services,
        row.valid_until,
        list(LicenceFiling.objects.order_by("id").values_list("status", "version", "recheck", "decided_on")),
        LicenceEvent.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def _events(licence: Licence) -> list[tuple[object, ...]]:
    return list(
        LicenceEvent.objects.filter(licence=licence)
        .order_by("id")
        .values_list("action", "from_state", "to_state", "on", "role", "note", "details")
    )


def _name_change(
    world: World, licence: Licence, *, on: date = FILED, changed_on: date = CHANGED, actor: object = None
) -> LicenceFiling:
    return file_change(
        actor=actor or world.applicant,  # type: ignore[arg-type]
        licence=licence,
        on=on,
        changed_on=changed_on,
        kinds=["name"],
        name_zh=NAME_ZH,
        name_en=NAME_EN,
    )


# --- A change filing -------------------------------------------------------------------------------------


def test_a_name_change_filed_and_approved_renames_the_licence(world: World) -> None:
    licence = world.licence()
    miit = world.users[Role.MIIT_REVIEWER]

    filing = _name_change(world, licence)

    assert (filing.kind, filing.status, filing.version, filing.filed_on, filing.changed_on) == (
        "change",
        "filed",
        1,
        FILED,
        CHANGED,
    )
    assert (filing.late, filing.recheck, filing.filed_by) == (False, None, world.applicant)
    assert filing.changes == {"kinds": ["name"], "name_zh": NAME_ZH, "name_en": NAME_EN}
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "licence_filing.file",
        world.applicant,
        "store.licencefiling",
        str(filing.pk),
    )
    assert entry.after == {
        "licence": NUMBER,
        "kind": "change",
        "status": "filed",
        "version": 1,
        "filed_on": "2025-07-31",
        "changed_on": "2025-07-01",
        "filing_deadline": "2025-07-31",
        "late": False,
        "changes": {"kinds": ["name"], "name_zh": NAME_ZH, "name_en": NAME_EN},
        "recheck_rulebook": None,
        "recheck_ineligible": [],
    }

    approved = approve_filing(actor=miit, filing=filing, on=DECIDED, expected_version=1, reason=REASON)

    assert (approved.status, approved.version, approved.decided_on) == ("approved", 2, DECIDED)
    licence.refresh_from_db()
    assert (licence.status, licence.version, licence.holder_name_zh, licence.holder_name_en) == (
        "valid",
        2,
        NAME_ZH,
        NAME_EN,
    )
    public = {"filing": filing.pk, "kind": "change", "changes": ["name"], "late": False}
    assert _events(licence)[1:] == [
        ("filing.file", "valid", "valid", FILED, "holder", "", {**public, "changed_on": "2025-07-01"}),
        (
            "approve_change",
            "valid",
            "valid",
            DECIDED,
            "miit_reviewer",
            REASON,
            {"basis": citations.CHANGES, "filing": filing.pk, "changes": ["name"]},
        ),
        ("filing.approve", "valid", "valid", DECIDED, "miit_reviewer", REASON, public),
    ]
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))[-3:]
    assert actions == ["licence_filing.file", "licence.approve_change", "licence_filing.approve"]
    assert AuditEntry.objects.get(action="licence.approve_change").after["holder"] == {
        "name_zh": NAME_ZH,
        "name_en": NAME_EN,
    }
    assert [
        (n.recipient.username, n.subject, n.body) for n in Notification.objects.filter(kind__startswith="licence.")
    ] == [
        (
            "applicant",
            f"Filing on licence {NUMBER} approved",
            f"MIIT approved the filing of 2025-07-31 on licence {NUMBER} of {world.organisation.name} on "
            "2025-08-05. The licence page shows the licence as it now stands; download the current certificate "
            f"there.\n\nReason: {REASON}",
        )
    ]
    assert verify_chain().ok


def test_no_personal_data_in_the_public_details(world: World) -> None:
    licence = world.licence()
    filing = file_change(
        actor=world.applicant,
        licence=licence,
        on=FILED,
        changed_on=CHANGED,
        kinds=["legal_representative", "shareholders"],
        legal_representative="李四",
        shareholders=HALF_HK,
    )
    approve_filing(actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=DECIDED, expected_version=1, reason="ok")

    details = [str(details) for details in LicenceEvent.objects.values_list("details", flat=True)]
    assert not any("李四" in text or "上海港云" in text or "Harbour Cloud Ltd" in text for text in details)
    licence.refresh_from_db()
    assert (licence.version, licence.holder_name_zh) == (2, world.organisation.name)  # nothing on its face


@pytest.mark.parametrize(("filed_on", "late"), [(date(2025, 7, 31), False), (date(2025, 8, 1), True)])
def test_the_late_flag_at_30_and_31_days(world: World, filed_on: date, late: bool) -> None:
    licence = world.licence()
    filing = _name_change(world, licence, on=filed_on)
    assert filing.late is late
    assert LicenceEvent.objects.get(action="filing.file").details["late"] is late
    assert AuditEntry.objects.get(action="licence_filing.file").after["late"] is late
    # Late is flagged, not refused: MIIT may still approve it.
    approved = approve_filing(
        actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2025, 8, 2), expected_version=1, reason="ok"
    )
    assert (approved.status, approved.late) == ("approved", late)


def test_a_capital_cut_below_the_minimum_is_filed_rechecked_and_cannot_be_approved(world: World) -> None:
    licence = world.licence()
    filing = file_change(
        actor=world.applicant,
        licence=licence,
        on=FILED,
        changed_on=CHANGED,
        kinds=["capital"],
        registered_capital_cny=Decimal("100000"),
    )
    assert filing.changes == {"kinds": ["capital"], "registered_capital_cny": Decimal("100000")}
    assert filing.recheck["rulebook"] == default_rulebook().version
    assert [(s["code"], s["outcome"]) for s in filing.recheck["services"]] == [
        ("B11", "ineligible"),
        ("B25-05", "ineligible"),
    ]
    before = _snapshot(licence)

    with pytest.raises(ActionRefused) as refused:
        approve_filing(
            actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=DECIDED, expected_version=1, reason="ok"
        )

    assert refused.value.code == "guard-failed:change_keeps_eligibility"
    assert refused.value.message == (
        "The ownership and scope as changed are not eligible on the day of approval: the change cannot be "
        "approved. Not eligible: B11, B25-05."
    )
    assert refused.value.params["ineligible"] == ["B11", "B25-05"]
    assert _snapshot(licence) == before


def test_approved_changes_are_the_current_particulars_and_a_shareholder_change_can_make_a_service_ineligible(
    world: World,
) -> None:
    licence = world.licence()
    miit = world.users[Role.MIIT_REVIEWER]
    # Half Hong Kong, half mainland: still eligible, approved; nothing changes on the licence's face.
    owners = file_change(
        actor=world.applicant,
        licence=licence,
        on=FILED,
        changed_on=CHANGED,
        kinds=["shareholders"],
        shareholders=HALF_HK,
    )
    assert [(s["code"], s["outcome"]) for s in owners.recheck["services"]] == [
        ("B11", "eligible"),
        ("B25-05", "eligible"),
    ]
    approve_filing(actor=miit, filing=owners, on=DECIDED, expected_version=1, reason="ok")
    # Then B25-02 (capped at 50% foreign) instead of B25-05: eligible at half foreign; the licence's services
    # become the new determination's.
    scope = file_change(
        actor=world.applicant,
        licence=licence,
        on=date(2025, 9, 1),
        changed_on=date(2025, 9, 1),
        kinds=["scope"],
        services=[{"code": "B11"}, {"code": "B25-02"}],
    )
    approved = approve_filing(actor=miit, filing=scope, on=date(2025, 9, 5), expected_version=1, reason="ok")
    assert approved.recheck["rulebook"] == default_rulebook().version
    assert approved.recheck["on"] == "2025-09-05"  # taken again on the day of approval
    licence.refresh_from_db()
    assert licence.version == 3
    assert licence.services == [
        {
            "code": "B11",
            "name_en": "Internet data center (IDC), incl. internet resource collaboration",
            "name_zh": "互联网数据中心业务",
            "areas_en": ["Shanghai Pudong New Area and Lin-gang"],
            "areas_zh": ["上海市浦东新区和临港新片区"],
        },
        {
            "code": "B25-02",
            "name_en": "Information search and query",
            "name_zh": "信息搜索查询服务",
            "areas_en": ["Shanghai"],
            "areas_zh": ["上海市"],
        },
    ]
    assert LicenceEvent.objects.filter(action="approve_change").last().details == {
        "basis": citations.CHANGES,
        "filing": scope.pk,
        "changes": ["scope"],
        "services_before": ["B11", "B25-05"],
        "services": ["B11", "B25-02"],
    }
    profile = current_profile(licence)
    assert (profile["shareholders"], profile["services"]) == (HALF_HK, [{"code": "B11"}, {"code": "B25-02"}])

    # Back to all Hong Kong: B25-02 is no longer eligible, so the change cannot be approved.
    back = file_change(
        actor=world.applicant,
        licence=licence,
        on=date(2025, 10, 1),
        changed_on=date(2025, 9, 20),
        kinds=["shareholders"],
        shareholders=ALL_HK,
    )
    assert [(s["code"], s["outcome"]) for s in back.recheck["services"]] == [
        ("B11", "eligible"),
        ("B25-02", "ineligible"),
    ]
    before = _snapshot(licence)
    with pytest.raises(ActionRefused, match=r"Not eligible: B25-02\.$"):
        approve_filing(actor=miit, filing=back, on=date(2025, 10, 2), expected_version=1, reason="ok")
    assert _snapshot(licence) == before


def test_the_fields_each_kind_needs_are_refused_by_name(world: World) -> None:
    licence = world.licence()
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"kinds": []}, "no-change", "kinds"),
        ({"kinds": ["colour"]}, "unknown-change", "kinds"),
        ({"kinds": ["name"], "changed_on": None}, "required", "changed_on"),
        ({"kinds": ["name"], "changed_on": date(2025, 8, 1)}, "changed-after-filing", "changed_on"),
        ({"kinds": ["name"], "changed_on": date(2025, 6, 2)}, "changed-before-issue", "changed_on"),
        ({"kinds": ["name"], "name_zh": " "}, "required", "name_zh"),
        ({"kinds": ["name"], "name_zh": world.organisation.name, "name_en": ""}, "nothing-changed", "name_zh"),
        ({"kinds": ["name"], "name_en": "x" * 301}, "too-long", "name_en"),
        ({"kinds": ["legal_representative"]}, "required", "legal_representative"),
        ({"kinds": ["capital"]}, "required", "registered_capital_cny"),
        ({"kinds": ["capital"], "registered_capital_cny": Decimal("0")}, "not-positive", "registered_capital_cny"),
        ({"kinds": ["shareholders"]}, "required", "shareholders"),
        (
            {"kinds": ["shareholders"], "shareholders": [{"name": "A Ltd", "jurisdiction": "HK", "percent": "x"}]},
            "not-a-number",
            "shareholders",
        ),
        ({"kinds": ["scope"]}, "required", "services"),
        ({"kinds": ["scope"], "services": [{"code": "B99"}]}, "not-one-of", "services"),
    ]
    before = _snapshot(licence)
    found = []
    for fields, _code, _field in cases:
        arguments: dict[str, object] = {"changed_on": CHANGED, "name_zh": NAME_ZH, **fields}
        with pytest.raises(ActionRefused) as refused:
            file_change(actor=world.applicant, licence=licence, on=FILED, **arguments)  # type: ignore[arg-type]
        found.append((refused.value.code, refused.value.params.get("field")))
    assert found == [(code, field) for _fields, code, field in cases]
    assert _snapshot(licence) == before


def test_one_pending_filing_per_kind_and_a_withdrawn_one_makes_room(world: World) -> None:
    licence = world.licence()
    first = _name_change(world, licence)
    before = _snapshot(licence)
    with pytest.raises(ActionRefused) as refused:
        file_change(
            actor=world.applicant,
            licence=licence,
            on=FILED,
            changed_on=CHANGED,
            kinds=["legal_representative"],
            legal_representative="王五",
        )
    assert (refused.value.code, refused.value.params["field"], refused.value.message) == (
        "filing-pending",
        "kinds",
        "A filing of this kind, filed on 2025-07-31, awaits MIIT's decision: withdraw it or wait for the decision.",
    )
    assert _snapshot(licence) == before
    # A renewal is another kind: it may be filed beside it.
    file_renewal(actor=world.applicant, licence=licence, on=FILED, launched=B11_ONLY_LAUNCHED)

    withdrawn = withdraw_filing(actor=world.applicant, filing=first, on=FILED, expected_version=1)

    assert (withdrawn.status, withdrawn.version, withdrawn.decided_on) == ("withdrawn", 2, FILED)
    assert _events(licence)[-1] == (
        "filing.withdraw",
        "valid",
        "valid",
        FILED,
        "holder",
        "",
        {"filing": first.pk, "kind": "change", "changes": ["name"], "late": False},
    )
    assert Notification.objects.filter(kind__startswith="licence.filing").count() == 0
    assert _name_change(world, licence).status == "filed"


def test_miit_refuses_with_its_reason_and_the_holder_hears(world: World) -> None:
    licence = world.licence()
    filing = _name_change(world, licence)
    miit = world.users[Role.MIIT_REVIEWER]
    with pytest.raises(ActionRefused) as refused:
        refuse_filing(actor=miit, filing=filing, on=DECIDED, expected_version=1, reason="  ")
    assert (refused.value.code, refused.value.params["field"]) == ("reason-required", "reason")

    refused_filing = refuse_filing(actor=miit, filing=filing, on=DECIDED, expected_version=1, reason=REASON)

    assert (refused_filing.status, refused_filing.version, refused_filing.decided_on) == ("refused", 2, DECIDED)
    licence.refresh_from_db()
    assert (licence.version, licence.holder_name_zh) == (1, world.organisation.name)
    assert _events(licence)[-1][0::5] == ("filing.refuse", REASON)
    notice = Notification.objects.get(kind="licence.filing_refused")
    assert (notice.recipient, notice.subject) == (world.applicant, f"Filing on licence {NUMBER} refused")
    assert notice.body.startswith(
        f"MIIT refused the filing of 2025-07-31 on licence {NUMBER} of {world.organisation.name} on 2025-08-05."
        f"\n\nReason: {REASON}"
    )
    with pytest.raises(ActionRefused) as again:
        approve_filing(actor=miit, filing=refused_filing, on=DECIDED, expected_version=2, reason="ok")
    assert again.value.code == "action-not-allowed-in-state"


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    licence = world.licence()
    filing = _name_change(world, licence)
    before = _snapshot(licence)
    with pytest.raises(Conflict):
        approve_filing(
            actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=DECIDED, expected_version=7, reason="ok"
        )
    with pytest.raises(Conflict):
        withdraw_filing(actor=world.applicant, filing=filing, on=DECIDED, expected_version=2)
    assert _snapshot(licence) == before


def test_who_may_file_and_decide(world: World) -> None:
    licence = world.licence()
    inactive = make_user("former_member", organisation=world.organisation, active=False)
    officer = world.users[Role.LOCAL_OFFICER]
    miit = world.users[Role.MIIT_REVIEWER]
    before = _snapshot(licence)
    for outsider in (world.other_applicant, officer, world.outsider, miit, inactive, AnonymousUser()):
        with pytest.raises(ActionRefused) as refused:
            _name_change(world, licence, actor=outsider)
        assert refused.value.code == "role-not-allowed", outsider.username
        with pytest.raises(ActionRefused) as refused:
            file_renewal(actor=outsider, licence=licence, on=FILED, launched=BOTH_LAUNCHED)
        assert refused.value.code == "role-not-allowed", outsider.username
    assert _snapshot(licence) == before

    filing = _name_change(world, licence)
    before = _snapshot(licence)
    for outsider in (world.applicant, world.other_applicant, officer, world.outsider, inactive, AnonymousUser()):
        for writer in (approve_filing, refuse_filing):
            with pytest.raises(ActionRefused) as refused:
                writer(actor=outsider, filing=filing, on=DECIDED, expected_version=1, reason="ok")
            assert refused.value.code == "role-not-allowed", outsider.username
    for outsider in (miit, world.other_applicant, officer, inactive, AnonymousUser()):
        with pytest.raises(ActionRefused) as refused:
            withdraw_filing(actor=outsider, filing=filing, on=DECIDED, expected_version=1)
        assert refused.value.code == "role-not-allowed", outsider.username
    assert _snapshot(licence) == before


def test_a_suspended_licence_takes_filings_but_approval_waits_for_reinstatement(world: World) -> None:
    licence = world.licence(LicenceState.SUSPENDED)
    filing = _name_change(world, licence)
    assert filing.status == "filed"
    before = _snapshot(licence)
    with pytest.raises(ActionRefused) as refused:
        approve_filing(
            actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=DECIDED, expected_version=1, reason="ok"
        )
    assert (refused.value.code, refused.value.message) == (
        "action-not-allowed-in-state",
        "This action is not possible while the licence is in this state: Suspended.",
    )
    assert _snapshot(licence) == before


def test_a_revoked_licence_takes_no_filing(world: World) -> None:
    licence = world.licence(LicenceState.REVOKED)
    before = _snapshot(licence)
    with pytest.raises(ActionRefused) as refused:
        _name_change(world, licence)
    assert refused.value.code == "action-not-allowed-in-state"
    assert _snapshot(licence) == before


# --- A renewal -------------------------------------------------------------------------------------------


def test_renewal_on_the_deadline_day_is_filed_the_day_after_is_refused(world: World) -> None:
    licence = world.licence()  # valid until 2030-06-02: the 90th day before is 2030-03-04
    before = _snapshot(licence)
    with pytest.raises(ActionRefused) as refused:
        file_renewal(actor=world.applicant, licence=licence, on=date(2030, 3, 5), launched=BOTH_LAUNCHED)
    assert (refused.value.code, refused.value.message, refused.value.params) == (
        "renewal-late",
        "The renewal had to be filed by 2030-03-04, 90 days before the validity ends on 2030-06-02 (rulebook "
        "parameter:renewal-lead-days; MIIT Order No. 42, article unverified): it can no longer be filed.",
        {"deadline": "2030-03-04"},
    )
    assert _snapshot(licence) == before

    filing = file_renewal(actor=world.applicant, licence=licence, on=date(2030, 3, 4), launched=BOTH_LAUNCHED)

    assert (filing.kind, filing.status, filing.filed_on, filing.launched) == (
        "renewal",
        "filed",
        date(2030, 3, 4),
        {"B11": "2025-07-01", "B25-05": "2025-09-01"},
    )
    assert _events(licence)[-1] == (
        "filing.file",
        "valid",
        "valid",
        date(2030, 3, 4),
        "holder",
        "",
        {"filing": filing.pk, "kind": "renewal", "renewal_deadline": "2030-03-04"},
    )


def test_a_renewal_approved_extends_the_validity_exactly(world: World) -> None:
    licence = world.licence(on=date(2026, 12, 1))
    assert licence.valid_until == date(2031, 11, 30)
    launched = {"B11": date(2027, 1, 4), "B25-05": date(2027, 2, 1)}
    filing = file_renewal(actor=world.applicant, licence=licence, on=date(2031, 9, 1), launched=launched)

    approved = approve_filing(
        actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2031, 9, 15), expected_version=1, reason=REASON
    )

    assert (approved.status, approved.decided_on, approved.recheck) == ("approved", date(2031, 9, 15), None)
    licence.refresh_from_db()
    assert (licence.status, licence.version, licence.valid_until) == ("valid", 2, date(2036, 11, 30))
    window = {"valid_until_before": "2031-11-30", "valid_until": "2036-11-30"}
    assert _events(licence)[-2:] == [
        (
            "renew",
            "valid",
            "valid",
            date(2031, 9, 15),
            "miit_reviewer",
            REASON,
            {"basis": citations.RENEWAL, "filing": filing.pk, **window},
        ),
        (
            "filing.approve",
            "valid",
            "valid",
            date(2031, 9, 15),
            "miit_reviewer",
            REASON,
            {"filing": filing.pk, "kind": "renewal", **window},
        ),
    ]
    assert AuditEntry.objects.get(action="licence.renew").after == {
        "status": "valid",
        "version": 2,
        "on": "2031-09-15",
        "role": "miit_reviewer",
        "citation": citations.RENEWAL,
        "reason": REASON,
        "filing": filing.pk,
        "validity_years": 5,
        **window,
    }


def test_a_service_never_launched_stops_the_renewal_not_the_filing(world: World) -> None:
    licence = world.licence()
    filing = file_renewal(actor=world.applicant, licence=licence, on=date(2030, 1, 6), launched=B11_ONLY_LAUNCHED)
    assert filing.launched == {"B11": "2025-07-01", "B25-05": ""}
    before = _snapshot(licence)

    with pytest.raises(ActionRefused) as refused:
        approve_filing(
            actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2030, 1, 10), expected_version=1, reason="ok"
        )

    assert (refused.value.code, refused.value.message, refused.value.params["never_launched"]) == (
        "guard-failed:every_service_launched",
        "A licensed service was never launched during the validity: the licence cannot be renewed. "
        "Never launched: B25-05.",
        ["B25-05"],
    )
    assert _snapshot(licence) == before


def test_each_service_must_be_answered_within_the_validity_so_far(world: World) -> None:
    licence = world.licence()
    on = date(2026, 1, 5)
    cases = [
        ({"B11": date(2025, 7, 1)}, "unanswered", "B25-05"),
        ({**BOTH_LAUNCHED, "B21": date(2025, 7, 1)}, "unknown-service", "B21"),
        ({"B11": date(2025, 6, 2), "B25-05": None}, "launched-outside-validity", "B11"),
        ({"B11": date(2026, 1, 6), "B25-05": None}, "launched-outside-validity", "B11"),
    ]
    before = _snapshot(licence)
    found = []
    for launched, _code, _service in cases:
        with pytest.raises(ActionRefused) as refused:
            file_renewal(actor=world.applicant, licence=licence, on=on, launched=launched)
        found.append((refused.value.code, refused.value.params["field"], refused.value.params["service"]))
    assert found == [(code, "launched", service) for _launched, code, service in cases]
    assert _snapshot(licence) == before


def test_a_renewal_approved_after_the_validity_ended_is_refused(world: World) -> None:
    licence = world.licence()
    filing = file_renewal(actor=world.applicant, licence=licence, on=date(2030, 3, 1), launched=BOTH_LAUNCHED)
    before = _snapshot(licence)
    with pytest.raises(ActionRefused) as refused:
        approve_filing(
            actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=date(2030, 6, 3), expected_version=1, reason="ok"
        )
    assert refused.value.code == "guard-failed:not_expired"
    assert _snapshot(licence) == before


def test_a_suspension_between_filing_and_approval_is_a_refusal(world: World) -> None:
    licence = world.licence()
    filing = file_renewal(actor=world.applicant, licence=licence, on=date(2030, 3, 1), launched=BOTH_LAUNCHED)
    miit = world.users[Role.MIIT_REVIEWER]
    licence = suspend_licence(actor=miit, licence=licence, on=date(2030, 3, 2), expected_version=1, reason="r")
    before = _snapshot(licence)
    with pytest.raises(ActionRefused) as refused:
        approve_filing(actor=miit, filing=filing, on=date(2030, 3, 3), expected_version=1, reason="ok")
    assert refused.value.code == "action-not-allowed-in-state"
    assert _snapshot(licence) == before


# --- Concurrent filings on PostgreSQL ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_change_filings_at_once_leave_one_pending_and_a_clear_refusal(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two real concurrent connections need PostgreSQL (make test runs this file on it too)")
    licence = world.licence()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def file(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            file_change(
                actor=world.applicant,
                licence=licence,
                on=FILED,
                changed_on=CHANGED,
                kinds=["legal_representative"],
                legal_representative=name,
            )
            outcomes.append("filed")
        except ActionRefused as refused:
            outcomes.append(refused.code)
        except BaseException as error:  # reported below, not lost in the thread
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(name,)) for name in ("王五", "赵六")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["filed", "filing-pending"]
    assert LicenceFiling.objects.filter(status="filed").count() == 1
    assert verify_chain().ok
