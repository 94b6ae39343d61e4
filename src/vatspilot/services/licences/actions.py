"""The authority's decisions on a licence: suspension, reinstatement, scope reduction, revocation and
cancellation (on the holder's application: services.licences.cancellation). Each is one transaction
through the lifecycle machine (services.licences.lifecycle.LICENCES): lock, version check, the table's
decision with the actor's roles, the versioned write, the history's event and the audit entry.

The reason an official gives (the decision's legal basis in their words) is kept in the event's `note`
and the audit entry's `after`, which the register never shows. The event's public `details` carry the
table's citation as `basis` instead: the legal basis of a public sanction is public, but free text typed
by a person could name someone, and the register must never show personal data, so what it publishes
is the fixed citation of the row, never the typed text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.licences.lifecycle import LicenceAction
from vatspilot.services import lifecycle
from vatspilot.services.licences.exits import open_exit
from vatspilot.services.licences.lifecycle import licences_on
from vatspilot.services.licences.lists import list_revocation
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.lifecycle.text_fields import decision_reason
from vatspilot.store.models import Licence

__all__ = ["cancel_licence", "reduce_licence_scope", "reinstate_licence", "revoke_licence", "suspend_licence"]


def _decide(
    *, actor: User, licence: Licence, action: LicenceAction, on: date, expected_version: int | None, reason: str
) -> Licence:
    """An action that changes nothing but the status, with its reason."""
    text = decision_reason(reason)
    spec = licences_on(on)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            spec, actor=actor, record=licence, action=action, expected_version=expected_version
        )
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text},
            details={"basis": row.citation},
        )
    return current


def suspend_licence(*, actor: User, licence: Licence, on: date, expected_version: int | None, reason: str) -> Licence:
    """Suspend a valid licence (rectification ordered): the licence as it now stands."""
    return _decide(
        actor=actor,
        licence=licence,
        action=LicenceAction.SUSPEND,
        on=on,
        expected_version=expected_version,
        reason=reason,
    )


def reinstate_licence(*, actor: User, licence: Licence, on: date, expected_version: int | None, reason: str) -> Licence:
    """Reinstate a suspended licence (rectification done)."""
    return _decide(
        actor=actor,
        licence=licence,
        action=LicenceAction.REINSTATE,
        on=on,
        expected_version=expected_version,
        reason=reason,
    )


def revoke_licence(*, actor: User, licence: Licence, on: date, expected_version: int | None, reason: str) -> Licence:
    """Revoke a valid or suspended licence (the orderly network exit follows it). A revocation puts the
    holder on the dishonest list (Order 42 Art. 42), in the same transaction."""
    with transaction.atomic():
        revoked = _decide(
            actor=actor,
            licence=licence,
            action=LicenceAction.REVOKE,
            on=on,
            expected_version=expected_version,
            reason=reason,
        )
        # The orderly network exit the revocation requires, opened in its transaction.
        open_exit(actor=actor, licence=revoked, on=on)
        list_revocation(actor=actor, licence=revoked, on=on)
    return revoked


def cancel_licence(*, actor: User, licence: Licence, on: date, expected_version: int | None, reason: str) -> Licence:
    """Cancel a valid or suspended licence whose holder applied for it (the table's guard); its orderly
    network exit is opened in the same transaction."""
    with transaction.atomic():
        cancelled = _decide(
            actor=actor,
            licence=licence,
            action=LicenceAction.CANCEL,
            on=on,
            expected_version=expected_version,
            reason=reason,
        )
        open_exit(actor=actor, licence=cancelled, on=on)
    return cancelled


def reduced_services(
    services: Sequence[Mapping[str, object]],
    remove_services: Sequence[str],
    narrow_areas: Mapping[str, Sequence[str]],
) -> tuple[list[dict[str, object]], dict[str, list[str]]]:
    """The licence's services after the reduction, and the areas (English) each narrowed service loses.
    An unknown code or area, a service both removed and narrowed, an area list that keeps everything or
    nothing, or a reduction that changes nothing is refused, naming the field."""
    codes = [str(service.get("code", "")) for service in services]
    for code in remove_services:
        if code not in codes:
            raise ActionRefused(
                "unknown-service",
                _("%(code)s is not a service of this licence.") % {"code": code},
                field="remove_services",
                service=code,
            )
    for code in narrow_areas:
        if code not in codes:
            raise ActionRefused(
                "unknown-service",
                _("%(code)s is not a service of this licence.") % {"code": code},
                field="narrow_areas",
                service=code,
            )
        if code in remove_services:
            raise ActionRefused(
                "removed-and-narrowed",
                _("%(code)s is removed: it cannot also be narrowed.") % {"code": code},
                field="narrow_areas",
                service=code,
            )
    if not remove_services and not narrow_areas:
        raise ActionRefused(
            "nothing-reduced", _("Name a service to remove or an area to narrow."), field="remove_services"
        )
    result: list[dict[str, object]] = []
    lost: dict[str, list[str]] = {}
    for service in services:
        code = str(service.get("code", ""))
        if code in remove_services:
            continue
        entry = dict(service)
        if code in narrow_areas:
            entry, lost[code] = _narrowed(entry, code, list(narrow_areas[code]))
        result.append(entry)
    return result, lost


def _narrowed(service: dict[str, object], code: str, keep: list[str]) -> tuple[dict[str, object], list[str]]:
    areas_en = [str(area) for area in _listed(service.get("areas_en"))]
    areas_zh = [str(area) for area in _listed(service.get("areas_zh"))]
    for area in keep:
        if area not in areas_en:
            raise ActionRefused(
                "unknown-area",
                _("%(area)s is not an area of %(code)s on this licence.") % {"area": area, "code": code},
                field="narrow_areas",
                service=code,
                area=area,
            )
    if not keep:
        raise ActionRefused(
            "no-area-kept",
            _("Keep at least one area of %(code)s, or remove the service.") % {"code": code},
            field="narrow_areas",
            service=code,
        )
    if set(keep) == set(areas_en):
        raise ActionRefused(
            "nothing-narrowed",
            _("%(code)s keeps all its areas: name fewer to narrow it.") % {"code": code},
            field="narrow_areas",
            service=code,
        )
    # The two languages' lists are parallel (services.licences.scope): the Chinese names follow the English.
    kept = [index for index, area in enumerate(areas_en) if area in keep]
    service["areas_en"] = [areas_en[index] for index in kept]
    service["areas_zh"] = [areas_zh[index] for index in kept if index < len(areas_zh)]
    return service, [area for area in areas_en if area not in keep]


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def reduce_licence_scope(
    *,
    actor: User,
    licence: Licence,
    on: date,
    expected_version: int | None,
    remove_services: Sequence[str],
    narrow_areas: Mapping[str, Sequence[str]],
    reason: str,
) -> Licence:
    """A structured partial revocation: ``remove_services`` (codes) are taken off the licence and each
    service in ``narrow_areas`` keeps only the areas listed (English names). The services are rewritten
    in the same versioned write as the step; the table's guard refuses a reduction that leaves none."""
    text = decision_reason(reason)
    removed = list(dict.fromkeys(remove_services))
    with transaction.atomic():
        # Whether this actor may reduce this licence now is asked before its input is judged, so that
        # someone who may not is told that, whatever they sent.
        current, _row, _role = lifecycle.take(
            licences_on(on),
            actor=actor,
            record=licence,
            action=LicenceAction.REDUCE_SCOPE,
            expected_version=expected_version,
        )
        services, lost = reduced_services(list(current.services or []), removed, narrow_areas)
        spec = licences_on(on, services_remaining=len(services))
        try:
            row, role = lifecycle.decide_for(spec, actor, current, LicenceAction.REDUCE_SCOPE)
        except ActionRefused as refused:
            # The guard judged what the input would leave: the services chosen for removal are at fault.
            params = {**refused.params, "field": "remove_services"}
            raise ActionRefused(refused.code, refused.message, **params) from None
        current.services = services
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text, "removed_services": removed, "narrowed_areas": lost, "services": services},
            also_save=["services"],
            details={"basis": row.citation, "removed_services": removed, "narrowed_areas": lost},
        )
    return current


# The authority's decisions on a licence, each action's writer (the pages and the API act through this one table).
LICENCE_DECISIONS: Mapping[LicenceAction, Callable[..., Licence]] = {
    LicenceAction.SUSPEND: suspend_licence,
    LicenceAction.REINSTATE: reinstate_licence,
    LicenceAction.REDUCE_SCOPE: reduce_licence_scope,
    LicenceAction.REVOKE: revoke_licence,
    LicenceAction.CANCEL: cancel_licence,
}
