"""The holder's change filings and renewals on a licence, and the authority's decisions on them (Order 42,
legal-facts 2.3; articles unverified). One transaction each, an explicit actor, the audit entry inside.

Filing a change (`file_change`): a member of the holder states what changed (shareholders, scope, name,
legal representative, registered capital), the new particulars, and the day the change took effect
(`changed_on`: the company's decision, or the business-registration change). A change filed more than
`parameter:change-filing-days` (30) days after it took effect is accepted and flagged `late` (stored,
shown to the holder and MIIT, in the audit entry and on the history), not refused: the duty is to file,
and the authority decides what lateness costs. A change of shareholders, scope or capital is re-checked
for eligibility at once (`recheck`: the contract's decision document with its rulebook version), on the
licence's current particulars with the change applied: the application's dossier, every approved change
filing applied in the order approved, only the services the licence still holds (a scope reduction may
have removed some), then this filing's changes; a dishonest-list entry in force decides that condition
whatever the dossier says (as services.applications.dossier.recompute_determination does).

Filing a renewal (`file_renewal`): the holder answers, for every licensed service, the day it was
launched (None: never). The renewal deadline is the `parameter:renewal-lead-days`-th (90th) day before the
last valid day, read on the filing day; a renewal filed later is refused at filing, with nothing written.
Reading: the law says "apply 90 days before expiry; not renewed if filed late or the service was never
launched", so the 90th day before the last valid day is the last day to file. (The issue's "the window
opens 90 days before expiry" would make every filing late under the same rule, so it is read as the
deadline.) A never-launched service does not stop the filing: it stops the renewal (the `renew` row's
guard), so MIIT sees the answer and the refusal says why.

Both kinds are filed on a valid or a suspended licence: a suspension does not stop the 30-day duty or the
renewal deadline, so refusing the filing would only make the holder late. Approval is the licence's own
row (`approve_change`, `renew`), which the table allows only from `valid`: a suspended licence's filing
waits for the reinstatement, or is refused.

Deciding (`approve_filing`, `refuse_filing`, `withdraw_filing`): MIIT approves or refuses with a reason,
the holder may withdraw while the filing is pending. An approval takes the licence's row first (the
change re-checked again on the day of approval, since the rules may have changed; the renewal in time
and every service launched), writes what it changes in the licence's versioned write (a new name, the
services of a new scope, the new last valid day), then the filing's own `approve` row; the licence's
guard refusing writes nothing. Shareholders, capital and legal representative change nothing on the
licence's face: the approved filings hold them, and the current particulars are derived from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.contracts.json_types import JSONObject
from vatspilot.domain.licences import deadlines
from vatspilot.domain.licences.filings import RECHECKED_CHANGES, ChangeKind, FilingAction, FilingKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceAction, LicenceRole, LicenceState
from vatspilot.domain.shared.errors import InputError
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import lifecycle
from vatspilot.services.applications.dossier import every_service_eligible
from vatspilot.services.applications.lifecycle import input_error_text
from vatspilot.services.eligibility import determine
from vatspilot.services.licences.filing_lifecycle import FILING_EVENT_PREFIX, FILINGS
from vatspilot.services.licences.lifecycle import LICENCES, licences_on, roles_of
from vatspilot.services.licences.lists import on_dishonest_list
from vatspilot.services.licences.scope import licensed_services
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.lifecycle.text_fields import decision_reason, required_text
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Application, Licence, LicenceEvent, LicenceFiling

__all__ = [
    "CHANGE_FILING_DAYS",
    "LICENCE_VALIDITY_YEARS",
    "RENEWAL_LEAD_DAYS",
    "RenewalWindow",
    "approve_filing",
    "current_profile",
    "file_change",
    "file_renewal",
    "filing_actions",
    "ineligible_services",
    "may_file",
    "refuse_filing",
    "renewal_window",
    "withdraw_filing",
]

RENEWAL_LEAD_DAYS = "parameter:renewal-lead-days"
CHANGE_FILING_DAYS = "parameter:change-filing-days"
LICENCE_VALIDITY_YEARS = "parameter:licence-validity-years"

# Filings are made on a licence that is still in force; a suspension does not lift the duty to file.
_LIVE = frozenset({LicenceState.VALID.value, LicenceState.SUSPENDED.value})
NAME_MAX_LENGTH = 300
REPRESENTATIVE_MAX_LENGTH = 200
# The profile member an engine error points at, and the filing field that holds it.
_FIELD_OF_MEMBER = {
    "shareholders": "shareholders",
    "services": "services",
    "registered_capital_cny": "registered_capital_cny",
}


def _whole_number(rule_id: str, on: date) -> int:
    value = default_rulebook().parameter(rule_id, on)
    if not isinstance(value, int):
        raise ValueError(f"{rule_id} must be a whole number")
    return value


# --- Reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalWindow:
    """When a renewal of the licence may be filed, as of ``today``: the last day (`deadline`), the lead
    days it is counted with, and the days left (negative once passed)."""

    deadline: date
    lead_days: int
    days_left: int

    @property
    def open(self) -> bool:
        return self.days_left >= 0


def renewal_window(licence: Licence, today: date) -> RenewalWindow:
    lead = _whole_number(RENEWAL_LEAD_DAYS, today)
    deadline = deadlines.renewal_deadline(licence.valid_until, lead)
    return RenewalWindow(deadline=deadline, lead_days=lead, days_left=(deadline - today).days)


def may_file(actor: User, licence: Licence) -> bool:
    """Whether the page offers ``actor`` the filing forms: a member of the holder, on a valid or suspended
    licence."""
    return licence.status in _LIVE and LicenceRole.HOLDER in roles_of(actor, licence)


def filing_actions(actor: User, filings: Sequence[LicenceFiling]) -> dict[int, list[FilingAction]]:
    """What ``actor`` may do now to each filing (the filing table's rows open to their roles)."""
    return lifecycle.available_actions_for(FILINGS, actor, filings)


def _apply_changes(profile: dict[str, object], changes: Mapping[str, object]) -> None:
    kinds = _listed(changes.get("kinds"))
    if ChangeKind.SHAREHOLDERS.value in kinds:
        profile["shareholders"] = _listed(changes.get("shareholders"))
    if ChangeKind.SCOPE.value in kinds:
        profile["services"] = _listed(changes.get("services"))
    if ChangeKind.CAPITAL.value in kinds:
        profile["registered_capital_cny"] = changes.get("registered_capital_cny")
    if ChangeKind.NAME.value in kinds:
        profile["name"] = str(changes.get("name_en") or changes.get("name_zh") or profile.get("name", ""))


def current_profile(licence: Licence, *, changes: Mapping[str, object] | None = None) -> dict[str, object]:
    """The licence holder's particulars as a profile (contract vatspilot/profile/v1): the application's
    dossier, every approved change filing applied in the order approved, the services the licence still
    holds, then ``changes`` (a filing's, not yet approved) if given. Two queries."""
    application = Application.objects.select_related("organisation").get(pk=licence.application_id)
    profile: dict[str, object] = dict(application.as_profile())
    approved = LicenceFiling.objects.filter(
        licence=licence, kind=FilingKind.CHANGE.value, status=FilingState.APPROVED.value
    ).order_by("decided_on", "id")
    for filing in approved:
        _apply_changes(profile, filing.changes or {})
    # A scope reduction takes services off the licence, not out of the dossier: only those it holds count.
    held = {service.code for service in licence.licensed_services()}
    profile["services"] = [
        s for s in _listed(profile.get("services")) if isinstance(s, Mapping) and s.get("code") in held
    ]
    if changes is not None:
        _apply_changes(profile, changes)
    return profile


def _recheck(licence: Licence, changes: Mapping[str, object], on: date) -> JSONObject:
    """The determination of the particulars as changed, on ``on``, in English (as stored determinations
    are); an unusable change is refused naming the field its problem is in."""
    profile = current_profile(licence, changes=changes)
    profile["dishonest_list"] = bool(profile.get("dishonest_list")) or on_dishonest_list(str(profile["uscc"]), on)
    try:
        determination = determine(cast(JSONObject, profile), on=on, lang="en")
    except InputError as error:
        member = error.pointer.split("/")[1] if error.pointer.startswith("/") else ""
        raise ActionRefused(
            error.code, input_error_text(error), field=_FIELD_OF_MEMBER.get(member, "kinds"), pointer=error.pointer
        ) from None
    return cast(JSONObject, determination.to_dict())


def ineligible_services(recheck: Mapping[str, object] | None) -> list[str]:
    """The services a re-check found ineligible, as code or code/scope."""
    services = (recheck or {}).get("services")
    result: list[str] = []
    for service in services if isinstance(services, list) else []:
        if isinstance(service, Mapping) and service.get("outcome") != "eligible":
            code = str(service.get("code", ""))
            scope = service.get("scope")
            result.append(f"{code}/{scope}" if scope else code)
    return result


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


# --- Filing ---------------------------------------------------------------------------------------------


def _holder_locked(actor: User, licence: Licence) -> Licence:
    """The licence locked for the filing; refused for anyone but a member of the holder, and for a licence
    no longer in force."""
    current = lifecycle.locked(LICENCES, licence, None)
    if LicenceRole.HOLDER not in roles_of(actor, current):
        raise ActionRefused("role-not-allowed", _("Only a member of the licence holder may file on this licence."))
    if current.status not in _LIVE:
        raise ActionRefused("action-not-allowed-in-state", _("Filings are made only on a valid or suspended licence."))
    return current


def _refuse_second_pending(licence: Licence, kind: FilingKind, field: str) -> None:
    # The database holds one pending filing per kind (store_filing_one_pending_per_kind); said here first,
    # in words, rather than as an IntegrityError. The licence's row is locked, so no filing slips between.
    pending = LicenceFiling.objects.filter(licence=licence, kind=kind.value, status=FilingState.FILED.value).first()
    if pending is not None:
        raise ActionRefused(
            "filing-pending",
            _("A filing of this kind, filed on %(on)s, awaits MIIT's decision: withdraw it or wait for the decision.")
            % {"on": pending.filed_on.isoformat()},
            field=field,
        )


def _text(value: str, field: str, max_length: int, message: str) -> str:
    return required_text(value, field=field, code="required", message=message, max_length=max_length)


def _kinds(kinds: Sequence[str]) -> list[ChangeKind]:
    chosen: list[ChangeKind] = []
    for kind in kinds:
        try:
            change = ChangeKind(kind)
        except ValueError:
            raise ActionRefused(
                "unknown-change", _("%(kind)s is not a kind of change.") % {"kind": kind}, field="kinds"
            ) from None
        if change not in chosen:
            chosen.append(change)
    if not chosen:
        raise ActionRefused("no-change", _("Choose at least one kind of change."), field="kinds")
    # In the table's order, whatever order they were ticked in.
    return [change for change in ChangeKind if change in chosen]


def _capital(value: Decimal | None) -> Decimal:
    if value is None:
        raise ActionRefused("required", _("Give the new registered capital."), field="registered_capital_cny")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ActionRefused(
            "not-a-number", _("Give the capital as a number of yuan."), field="registered_capital_cny"
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ActionRefused(
            "not-positive", _("The registered capital must be more than zero."), field="registered_capital_cny"
        )
    return amount


def _shareholders(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """The direct shareholders as the profile states them; the engine judges the rest (percentages adding
    up, the look-through)."""
    holders: list[dict[str, object]] = []
    for row in rows:
        holder = dict(row)
        if not str(holder.get("name", "")).strip():
            raise ActionRefused("required", _("Give each shareholder's name."), field="shareholders")
        holder["name"] = str(holder["name"]).strip()
        holder["jurisdiction"] = str(holder.get("jurisdiction", "")).strip().upper()
        try:
            holder["percent"] = Decimal(str(holder.get("percent", "")))
        except InvalidOperation:
            raise ActionRefused(
                "not-a-number", _("Give each shareholder's percentage as a number."), field="shareholders"
            ) from None
        holders.append(holder)
    if not holders:
        raise ActionRefused("required", _("List the shareholders after the change."), field="shareholders")
    return holders


def _services(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    services = [dict(row) for row in rows if str(row.get("code", "")).strip()]
    if not services:
        raise ActionRefused("required", _("List the services of the scope after the change."), field="services")
    return services


def file_change(
    *,
    actor: User,
    licence: Licence,
    on: date,
    changed_on: date | None,
    kinds: Sequence[str],
    name_zh: str = "",
    name_en: str = "",
    legal_representative: str = "",
    registered_capital_cny: Decimal | None = None,
    shareholders: Sequence[Mapping[str, object]] = (),
    services: Sequence[Mapping[str, object]] = (),
) -> LicenceFiling:
    """File a change of the licence's particulars on ``on``, which took effect ``changed_on``: the filing,
    pending MIIT's decision. Refused, nothing written, for anyone but a member of the holder, on a licence
    no longer valid or suspended, while a change filing is pending, and for any field that is missing or
    wrong (naming it)."""
    with transaction.atomic():
        current = _holder_locked(actor, licence)
        chosen = _kinds(kinds)
        if changed_on is None:
            raise ActionRefused("required", _("Give the day the change took effect."), field="changed_on")
        if changed_on > on:
            raise ActionRefused(
                "changed-after-filing", _("A change is filed after it took effect, not before."), field="changed_on"
            )
        if changed_on < current.issued_on:
            raise ActionRefused(
                "changed-before-issue",
                _("The change took effect before the licence was issued (%(on)s): it is not a change of it.")
                % {"on": current.issued_on.isoformat()},
                field="changed_on",
            )
        changes: dict[str, object] = {"kinds": [kind.value for kind in chosen]}
        if ChangeKind.NAME in chosen:
            changes["name_zh"] = _text(name_zh, "name_zh", NAME_MAX_LENGTH, _("Give the new name in Chinese."))
            changes["name_en"] = (name_en or "").strip()
            if len(str(changes["name_en"])) > NAME_MAX_LENGTH:
                raise ActionRefused(
                    "too-long",
                    _("At most %(limit)s characters.") % {"limit": NAME_MAX_LENGTH},
                    field="name_en",
                    limit=NAME_MAX_LENGTH,
                )
            if (changes["name_zh"], changes["name_en"]) == (current.holder_name_zh, current.holder_name_en):
                raise ActionRefused(
                    "nothing-changed", _("The new name is the name the licence states."), field="name_zh"
                )
        if ChangeKind.LEGAL_REPRESENTATIVE in chosen:
            changes["legal_representative"] = _text(
                legal_representative,
                "legal_representative",
                REPRESENTATIVE_MAX_LENGTH,
                _("Give the new legal representative's name."),
            )
        if ChangeKind.CAPITAL in chosen:
            changes["registered_capital_cny"] = _capital(registered_capital_cny)
        if ChangeKind.SHAREHOLDERS in chosen:
            changes["shareholders"] = _shareholders(shareholders)
        if ChangeKind.SCOPE in chosen:
            changes["services"] = _services(services)
        _refuse_second_pending(current, FilingKind.CHANGE, "kinds")
        days = _whole_number(CHANGE_FILING_DAYS, on)
        late = deadlines.change_filed_late(changed_on, on, days)
        recheck = _recheck(current, changes, on) if RECHECKED_CHANGES & set(chosen) else None
        filing = LicenceFiling.objects.create(
            licence=current,
            kind=FilingKind.CHANGE.value,
            filed_on=on,
            filed_by=actor,
            changed_on=changed_on,
            changes=changes,
            late=late,
            recheck=recheck,
        )
        details: dict[str, object] = {
            "filing": filing.pk,
            "kind": FilingKind.CHANGE.value,
            "changes": changes["kinds"],
            "changed_on": changed_on.isoformat(),
            "late": late,
        }
        _record_filed(actor, current, filing, on, details)
        record_audit(
            actor=actor,
            action="licence_filing.file",
            obj=filing,
            before=None,
            after={
                "licence": current.number,
                "kind": FilingKind.CHANGE.value,
                "status": filing.status,
                "version": filing.version,
                "filed_on": on.isoformat(),
                "changed_on": changed_on.isoformat(),
                "filing_deadline": deadlines.change_filing_deadline(changed_on, days).isoformat(),
                "late": late,
                "changes": changes,
                "recheck_rulebook": recheck.get("rulebook") if recheck else None,
                "recheck_ineligible": ineligible_services(recheck) if recheck else [],
            },
        )
    return filing


def _record_filed(actor: User, licence: Licence, filing: LicenceFiling, on: date, details: dict[str, object]) -> None:
    """The filing's first step on the licence's history: not a row of the filing table (a filing is created
    filed), so written here, as the issue's event is written by issuance."""
    LicenceEvent.objects.create(
        licence=licence,
        action=f"{FILING_EVENT_PREFIX}file",
        from_state=licence.status,
        to_state=licence.status,
        on=on,
        at=timezone.now(),
        actor=actor,
        role=LicenceRole.HOLDER.value,
        details=details,
    )


def file_renewal(*, actor: User, licence: Licence, on: date, launched: Mapping[str, date | None]) -> LicenceFiling:
    """File the licence's renewal on ``on``, with the day each licensed service was launched (None: never):
    the filing, pending MIIT's decision. Refused, nothing written, for anyone but a member of the holder,
    on a licence no longer valid or suspended, while a renewal is pending, after the renewal deadline,
    and for a service left unanswered, unknown, or launched outside the validity so far."""
    with transaction.atomic():
        current = _holder_locked(actor, licence)
        window = renewal_window(current, on)
        if not window.open:
            raise ActionRefused(
                "renewal-late",
                _(
                    "The renewal had to be filed by %(deadline)s, %(days)s days before the validity ends on "
                    "%(valid_until)s (rulebook %(parameter)s; MIIT Order No. 42, article unverified): it can no "
                    "longer be filed."
                )
                % {
                    "deadline": window.deadline.isoformat(),
                    "days": window.lead_days,
                    "valid_until": current.valid_until.isoformat(),
                    "parameter": RENEWAL_LEAD_DAYS,
                },
                deadline=window.deadline.isoformat(),
            )
        codes = [service.code for service in current.licensed_services()]
        for code in launched:
            if code not in codes:
                raise ActionRefused(
                    "unknown-service",
                    _("%(code)s is not a service of this licence.") % {"code": code},
                    field="launched",
                    service=code,
                )
        answers: dict[str, str] = {}
        for code in codes:
            if code not in launched:
                raise ActionRefused(
                    "unanswered",
                    _("Say when %(code)s was launched, or that it never was.") % {"code": code},
                    field="launched",
                    service=code,
                )
            day = launched[code]
            if day is not None and not current.issued_on <= day <= on:
                raise ActionRefused(
                    "launched-outside-validity",
                    _("%(code)s: the day of launch must be between the licence's issue (%(issued)s) and today.")
                    % {"code": code, "issued": current.issued_on.isoformat()},
                    field="launched",
                    service=code,
                )
            answers[code] = day.isoformat() if day is not None else ""
        _refuse_second_pending(current, FilingKind.RENEWAL, "launched")
        filing = LicenceFiling.objects.create(
            licence=current, kind=FilingKind.RENEWAL.value, filed_on=on, filed_by=actor, launched=answers
        )
        details: dict[str, object] = {
            "filing": filing.pk,
            "kind": FilingKind.RENEWAL.value,
            "renewal_deadline": window.deadline.isoformat(),
        }
        _record_filed(actor, current, filing, on, details)
        record_audit(
            actor=actor,
            action="licence_filing.file",
            obj=filing,
            before=None,
            after={
                "licence": current.number,
                "kind": FilingKind.RENEWAL.value,
                "status": filing.status,
                "version": filing.version,
                "filed_on": on.isoformat(),
                "renewal_deadline": window.deadline.isoformat(),
                "renewal_lead_days": window.lead_days,
                "launched": answers,
            },
        )
    return filing


# --- Deciding -------------------------------------------------------------------------------------------


def _service_rows(licence: Licence, recheck: JSONObject, on: date) -> list[dict[str, object]]:
    """The licence's services as a new scope's determination gives them (as issuance writes them)."""
    area = str(licence.decision.licence_area or "")
    return [
        {
            "code": s.code,
            "name_en": s.name_en,
            "name_zh": s.name_zh,
            "areas_en": list(s.areas_en),
            "areas_zh": list(s.areas_zh),
        }
        for s in licensed_services(recheck, area, default_rulebook(), on)
    ]


def _launched_within(filing: LicenceFiling, licence: Licence) -> tuple[bool, list[str]]:
    """Whether every service the licence holds was launched on a day within its validity, and those not."""
    answers = filing.launched if isinstance(filing.launched, Mapping) else {}
    never: list[str] = []
    for service in licence.licensed_services():
        answer = str(answers.get(service.code) or "")
        try:
            day = date.fromisoformat(answer) if answer else None
        except ValueError:
            day = None
        if day is None or not licence.issued_on <= day <= licence.valid_until:
            never.append(service.code)
    return not never, never


def _approve_change(
    actor: User, licence: Licence, filing: LicenceFiling, on: date, text: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The licence's approve_change row applied, with what the change writes on the licence's face; the
    filing's event details and audit extras."""
    changes: Mapping[str, object] = filing.changes or {}
    kinds = [str(kind) for kind in _listed(changes.get("kinds"))]
    rechecked = bool(RECHECKED_CHANGES & set(kinds))
    recheck = _recheck(licence, changes, on) if rechecked else None
    # A change that re-checks nothing (name, representative) keeps the eligibility the licence was issued on.
    keeps = every_service_eligible(recheck) if recheck is not None else True
    spec = licences_on(on, change_keeps_eligibility=keeps)
    try:
        row, role = lifecycle.decide_for(spec, actor, licence, LicenceAction.APPROVE_CHANGE)
    except ActionRefused as refused:
        if refused.code.endswith("change_keeps_eligibility"):
            ineligible = ineligible_services(recheck)
            message = _("%(message)s Not eligible: %(services)s.") % {
                "message": refused.message,
                "services": ", ".join(ineligible),
            }
            raise ActionRefused(refused.code, message, **{**refused.params, "ineligible": ineligible}) from None
        raise
    changed: list[str] = []
    details: dict[str, object] = {"basis": row.citation, "filing": filing.pk, "changes": kinds}
    extra: dict[str, object] = {"reason": text, "filing": filing.pk, "changes": kinds}
    if ChangeKind.NAME.value in kinds:
        extra["holder_before"] = {"name_zh": licence.holder_name_zh, "name_en": licence.holder_name_en}
        licence.holder_name_zh = str(changes.get("name_zh", licence.holder_name_zh))
        licence.holder_name_en = str(changes.get("name_en", ""))
        extra["holder"] = {"name_zh": licence.holder_name_zh, "name_en": licence.holder_name_en}
        changed += ["holder_name_zh", "holder_name_en"]
    if ChangeKind.SCOPE.value in kinds and recheck is not None:
        before = [service.code for service in licence.licensed_services()]
        licence.services = _service_rows(licence, recheck, on)
        after = [service.code for service in licence.licensed_services()]
        details.update(services_before=before, services=after)
        extra.update(services=licence.services)
        changed.append("services")
    if recheck is not None:
        extra["recheck_rulebook"] = recheck.get("rulebook")
    lifecycle.apply_transition(
        spec,
        actor=actor,
        record=licence,
        transition=row,
        role=role,
        on=on,
        note=text,
        extra=extra,
        also_save=changed,
        details=details,
    )
    filing.recheck = recheck
    return (
        {"kind": FilingKind.CHANGE.value, "changes": kinds, "late": filing.late},
        {"recheck_rulebook": recheck.get("rulebook") if recheck else None},
    )


def _approve_renewal(
    actor: User, licence: Licence, filing: LicenceFiling, on: date, text: str
) -> tuple[dict[str, object], dict[str, object]]:
    launched, never = _launched_within(filing, licence)
    spec = licences_on(
        on,
        renewal_filed_on=filing.filed_on,
        renewal_lead_days=_whole_number(RENEWAL_LEAD_DAYS, filing.filed_on),
        every_service_launched=launched,
    )
    try:
        row, role = lifecycle.decide_for(spec, actor, licence, LicenceAction.RENEW)
    except ActionRefused as refused:
        if refused.code.endswith("every_service_launched"):
            message = _("%(message)s Never launched: %(services)s.") % {
                "message": refused.message,
                "services": ", ".join(never),
            }
            raise ActionRefused(refused.code, message, **{**refused.params, "never_launched": never}) from None
        raise
    before = licence.valid_until
    years = _whole_number(LICENCE_VALIDITY_YEARS, on)
    licence.valid_until = deadlines.valid_until(before + timedelta(days=1), years)
    window = {"valid_until_before": before.isoformat(), "valid_until": licence.valid_until.isoformat()}
    lifecycle.apply_transition(
        spec,
        actor=actor,
        record=licence,
        transition=row,
        role=role,
        on=on,
        note=text,
        extra={"reason": text, "filing": filing.pk, "validity_years": years, **window},
        also_save=["valid_until"],
        details={"basis": row.citation, "filing": filing.pk, **window},
    )
    return {"kind": FilingKind.RENEWAL.value, **window}, dict(window)


def approve_filing(
    *, actor: User, filing: LicenceFiling, on: date, expected_version: int | None, reason: str
) -> LicenceFiling:
    """MIIT approves the pending ``filing`` on ``on``: the licence's row (approve_change or renew) with
    what it changes on the licence, then the filing's; the filing as it now stands. Refused, nothing
    written, for anyone but an MIIT reviewer, for a filing no longer pending, on a stale version, without
    a reason, and when the licence's guard refuses (the services no longer eligible, named; the renewal
    late or a service never launched, named)."""
    text = decision_reason(reason)
    with transaction.atomic():
        # The licence first, then the filing: the order every writer on both takes, so two never wait on
        # each other.
        licence = lifecycle.locked(LICENCES, filing.licence, None)
        current, row, role = lifecycle.take(
            FILINGS, actor=actor, record=filing, action=FilingAction.APPROVE, expected_version=expected_version
        )
        current.licence = licence
        if current.kind == FilingKind.CHANGE.value:
            details, extra = _approve_change(actor, licence, current, on, text)
        else:
            details, extra = _approve_renewal(actor, licence, current, on, text)
        current.decided_on = on
        lifecycle.apply_transition(
            FILINGS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text, "licence": licence.number, **extra},
            also_save=["recheck", "decided_on"],
            details={"filing": current.pk, **details},
        )
    return current


def refuse_filing(
    *, actor: User, filing: LicenceFiling, on: date, expected_version: int | None, reason: str
) -> LicenceFiling:
    """MIIT refuses the pending ``filing`` on ``on`` with its reason; the licence is unchanged."""
    text = decision_reason(reason)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            FILINGS, actor=actor, record=filing, action=FilingAction.REFUSE, expected_version=expected_version
        )
        current.decided_on = on
        lifecycle.apply_transition(
            FILINGS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text, "licence": current.licence.number},
            also_save=["decided_on"],
            details=_public(current),
        )
    return current


def withdraw_filing(*, actor: User, filing: LicenceFiling, on: date, expected_version: int | None) -> LicenceFiling:
    """The holder withdraws its pending ``filing`` on ``on``."""
    with transaction.atomic():
        current, row, role = lifecycle.take(
            FILINGS, actor=actor, record=filing, action=FilingAction.WITHDRAW, expected_version=expected_version
        )
        current.decided_on = on
        lifecycle.apply_transition(
            FILINGS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            extra={"licence": current.licence.number},
            also_save=["decided_on"],
            details=_public(current),
        )
    return current


def _public(filing: LicenceFiling) -> dict[str, object]:
    """What the register may show of a filing's step: its kind and, for a change, the kinds and the flag."""
    details: dict[str, object] = {"filing": filing.pk, "kind": filing.kind}
    if filing.kind == FilingKind.CHANGE.value:
        details.update(changes=_listed((filing.changes or {}).get("kinds")), late=filing.late)
    return details


# The decisions on a change or renewal filing and their writers (the pages and the API act through this one table).
FILING_WRITERS: Mapping[FilingAction, Callable[..., LicenceFiling]] = {
    FilingAction.APPROVE: approve_filing,
    FilingAction.REFUSE: refuse_filing,
    FilingAction.WITHDRAW: withdraw_filing,
}
