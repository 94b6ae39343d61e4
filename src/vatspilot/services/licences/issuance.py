"""Issuing the licence an approval grants, in the approval's transaction.

The number's serial comes from the year's `LicenceSerial` row, locked for the rest of the transaction:
a second approval waits for the first to commit and takes the next serial, and a rolled-back approval
gives its serial back, so the numbers of a year have no gaps and no duplicates.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone

from vatspilot.domain.licences.deadlines import valid_until
from vatspilot.domain.licences.lifecycle import LicenceRole, LicenceState
from vatspilot.domain.licences.numbers import NumberFormat, licence_number
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.licences.scope import licensed_services
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Decision, Licence, LicenceEvent, LicenceSerial

ISSUE_ACTION = "issue"


def issue_licence(*, actor: User, decision: Decision, on: date) -> Licence:
    """The licence of an approval ``decision`` taken ``on``, with its timeline event and audit entry.
    Must run inside the approval's transaction (record_audit refuses otherwise)."""
    rulebook = default_rulebook()
    application = decision.application
    organisation = application.organisation
    services = licensed_services(decision.determination or {}, decision.licence_area, rulebook, on)
    number_format = NumberFormat.from_setting(rulebook.parameter("parameter:licence-number-format", on))
    years = rulebook.parameter("parameter:licence-validity-years", on)
    if not isinstance(years, int):
        raise ValueError("parameter:licence-validity-years must be a whole number of years")
    number = licence_number(number_format, [s.code for s in services], on.year, _next_serial(on.year))
    name_zh = organisation.name_zh or organisation.name
    licence = Licence.objects.create(
        number=number,
        application=application,
        decision=decision,
        organisation=organisation,
        holder_name_zh=name_zh,
        holder_name_en=organisation.name if organisation.name != name_zh else "",
        uscc=organisation.uscc,
        services=[
            {
                "code": s.code,
                "name_en": s.name_en,
                "name_zh": s.name_zh,
                "areas_en": list(s.areas_en),
                "areas_zh": list(s.areas_zh),
            }
            for s in services
        ],
        conditions=[str(item.get("conditions", "")) for item in decision.conditions or [] if item.get("conditions")],
        issued_on=on,
        valid_until=valid_until(on, years),
        status=LicenceState.VALID.value,
        rulebook_version=decision.rulebook_version,
    )
    LicenceEvent.objects.create(
        licence=licence,
        action=ISSUE_ACTION,
        from_state="",
        to_state=LicenceState.VALID.value,
        on=on,
        at=timezone.now(),
        actor=actor,
        role=LicenceRole.MIIT_REVIEWER.value,
        details={},  # public on the register: the licence row already links the application and decision
    )
    record_audit(
        actor=actor,
        action="licence.issued",
        obj=licence,
        before=None,
        after={
            "number": licence.number,
            "application": application.pk,
            "decision": decision.pk,
            "holder": {"name_zh": licence.holder_name_zh, "name_en": licence.holder_name_en, "uscc": licence.uscc},
            "services": licence.services,
            "conditions": licence.conditions,
            "issued_on": on,
            "valid_until": licence.valid_until,
        },
    )
    return licence


def _next_serial(year: int) -> int:
    """The year's next serial, its row locked until the transaction ends. The row is created by an
    INSERT that ignores a conflict (ON CONFLICT DO NOTHING; INSERT OR IGNORE on SQLite): two first issues
    of a year at once both succeed at it, and the lock then orders them."""
    LicenceSerial.objects.bulk_create([LicenceSerial(year=year, last=0)], ignore_conflicts=True)
    serial = LicenceSerial.objects.select_for_update().get(year=year)
    serial.last += 1
    serial.save(update_fields=["last"])
    return serial.last
